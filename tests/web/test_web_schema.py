"""Property-based run of the API against its own OpenAPI document (schemathesis, in-process ASGI, bounded).

Checks: no server errors, status codes and content types as documented, JSON bodies that match their schemas,
invalid input rejected. Not checked: 'positive data acceptance', because some valid-looking combinations are
refused on purpose with a documented 400 (van > tot, a window of more than 21 years, a sort column the result
does not have): constraints between parameters that OpenAPI cannot express."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from digibudget.web.app import create_app

# The schema is loaded at import (OpenAPI needs no data); the app opens its database on the first request, which
# the fixture below has copied into place by then.
_TMP = Path(tempfile.mkdtemp(prefix="digibudget-schema-"))
APP = create_app(str(_TMP / "web.duckdb"))
# /api/tabel.xlsx takes exactly the parameters of /api/tabel and /api/tabel.parquet (the same dependency), which run
# here; writing a workbook for each of its ~200 generated cases took a quarter of this run (24 s). Its output is
# checked by tests/web/test_web_api.py, test_coverage.py and test_web_fixes.py.
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(path="/api/tabel.xlsx")


@pytest.fixture(scope="module", autouse=True)
def _database(web_db: Path) -> Iterator[None]:
    shutil.copy(web_db, _TMP / "web.duckdb")
    yield
    APP.state.db.close()
    shutil.rmtree(_TMP, ignore_errors=True)


@schema.parametrize()
# 6 examples per operation (derandomized, so the same ones every run): with 12 the run took about 100 s of the
# suite's 10-minute budget, most of it in the two table endpoints
@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi(case: Any) -> None:
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
