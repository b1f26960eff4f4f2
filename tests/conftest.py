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


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled data built once per test session, as ./dev demo builds it (tests open it read-only; a test that
    writes copies it first)."""
    from digibudget import pipeline
    from digibudget.bundled import bundled_budget_paths

    folder = tmp_path_factory.mktemp("bundled")
    path = folder / "db.duckdb"
    c = store.connect(path)
    try:
        pipeline.build(c, bundled_budget_paths(), decisions=folder / "decisions.toml")
    finally:
        c.close()
    return path
