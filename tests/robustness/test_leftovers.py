"""Leftovers of a killed writing job (issue 18, failure 3): the copy, its write-ahead log and DuckDB's spill folder
(a directory) are recognised and removed before the next job, which then runs; the live file is never touched.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from robustness_helpers import fingerprint_of

from digibudget import ingest, store

BUDGET = Path(__file__).resolve().parents[1] / "fixtures" / "budget"
STAATEN = BUDGET / "begrotingsstaten_2019-2020_VI_VII.csv"

# a writing job that spills: a sort far larger than its memory limit (setting job_memory_limit)
_SPILLING_JOB = """
import sys
from digibudget import store
with store.writing(sys.argv[1]) as con:
    con.execute("SET threads = 2")
    con.execute("CREATE TABLE big AS SELECT range AS r, md5(range::VARCHAR) AS h FROM range(30000000) ORDER BY h")
"""


def _spill_dirs(db: Path) -> list[Path]:
    return [p for p in db.parent.glob(f".{db.name}.*.tmp.tmp") if p.is_dir() and any(p.iterdir())]


def test_a_job_killed_while_spilling_leaves_nothing_that_locks_the_next(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    with store.writing(db) as con:
        ingest.ingest(con, [STAATEN])
    before = fingerprint_of(db)
    env = {**os.environ, "DIGIBUDGET_JOB_MEMORY_LIMIT": "64MB"}
    proc = subprocess.Popen([sys.executable, "-c", _SPILLING_JOB, str(db)], env=env, cwd=tmp_path,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not _spill_dirs(db) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    spilled = bool(_spill_dirs(db))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert spilled, "the job did not spill to disk before it ended; make it larger"
    left = sorted(p.name for p in tmp_path.glob(".t.duckdb.*"))
    assert any(name.endswith(".tmp.tmp") for name in left), left  # the directory that used to lock everyone out
    assert fingerprint_of(db) == before  # the kill changed nothing
    with store.writing(db) as con:  # the next job runs (it used to fail with IsADirectoryError)
        ingest.ingest(con, [BUDGET / "btabel_2015_excerpt.csv"])
    assert not list(tmp_path.glob(".t.duckdb.*")), "every leftover is gone"
    assert fingerprint_of(db, ("source",))[0][1] == 2


@pytest.mark.parametrize("kind", ["copy", "wal", "spill-dir", "nested-spill-dir", "empty-dir"])
def test_every_kind_of_leftover_is_removed_and_the_live_file_kept(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "t.duckdb"
    with store.writing(db) as con:
        ingest.ingest(con, [STAATEN])
    before = fingerprint_of(db)
    stale = tmp_path / ".t.duckdb.4242.tmp"
    if kind == "copy":
        stale.write_bytes(db.read_bytes()[:1000])
    elif kind == "wal":
        Path(str(stale) + ".wal").write_bytes(b"\x00" * 512)
    else:
        spill = Path(str(stale) + ".tmp")
        spill.mkdir()
        if kind != "empty-dir":
            (spill / "duckdb_temp_storage_DEFAULT-0.tmp").write_bytes(b"\x00" * 4096)
        if kind == "nested-spill-dir":
            (spill / "sub").mkdir()
            (spill / "sub" / "block").write_bytes(b"x")
    with store.writing(db) as con:
        ingest.ingest(con, [BUDGET / "btabel_2015_excerpt.csv"])
    assert not list(tmp_path.glob(".t.duckdb.*"))
    assert db.is_file() and fingerprint_of(db) != before
