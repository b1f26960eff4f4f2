from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from digibudget import store

FIXTURES = Path(__file__).parent / "fixtures"
BUDGET = FIXTURES / "budget"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    c = store.connect(":memory:")
    yield c
    c.close()


@pytest.fixture
def budget_dir() -> Path:
    return BUDGET
