"""A database as an older release left it: every migration before a given one applied and recorded (for the tests of
a migration on existing data)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from digibudget import store


def database_before(db: Path, migration: str) -> duckdb.DuckDBPyConnection:
    """A new database file at ``db`` with the migrations named before ``migration`` (e.g. '0014'); the caller
    fills it with old rows and closes it, and store.connect then applies the rest."""
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_migration (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)")
    for m in store.MIGRATIONS:
        if m.name < migration:
            con.execute(m.sql)
            con.execute("INSERT INTO schema_migration VALUES (?, now())", [m.name])
    return con
