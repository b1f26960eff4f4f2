"""The web layer's result cache: read-only serving lets a result be reused until the database file changes."""

from __future__ import annotations

import os
from pathlib import Path

from digibudget.queries import Result
from digibudget.web.deps import Database


def test_results_are_reused_until_the_file_changes(tmp_path: Path) -> None:
    f = tmp_path / "x.duckdb"
    f.write_bytes(b"v1")
    db = Database(str(f), max_results=2)
    calls: list[str] = []

    def compute(tag: str) -> Result:
        calls.append(tag)
        return Result(["a"], [(tag,)])

    assert db.memo("k1", lambda: compute("1")).rows == [("1",)]
    assert db.memo("k1", lambda: compute("again")).rows == [("1",)]  # reused
    db.memo("k2", lambda: compute("2"))
    db.memo("k3", lambda: compute("3"))  # bounded: k1, the least recently used, is dropped
    assert db.memo("k1", lambda: compute("1b")).rows == [("1b",)]
    f.write_bytes(b"version two")  # another size: an ingest changed the file
    os.utime(f, ns=(1, 1))
    assert db.memo("k1", lambda: compute("new")).rows == [("new",)]
    assert calls == ["1", "2", "3", "1b", "new"]
