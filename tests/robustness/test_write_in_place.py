"""store.writing writes in the database file itself when no other process has it open, and works on a copy that it
swaps in while a reader holds the file (docs/updates.md). SIGKILL during an in-place job: test_interruption.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from digibudget import pipeline, store
from digibudget.errors import StoreError

BUDGET = Path(__file__).resolve().parents[1] / "fixtures" / "budget"


def _file_of(con: duckdb.DuckDBPyConnection) -> Path:
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    assert row is not None
    return Path(str(row[0])).resolve()


def _built(tmp_path: Path) -> Path:
    db = tmp_path / "p.duckdb"
    with store.writing(db) as con:
        pipeline.build(con, [BUDGET / "btabel_2015_excerpt.csv"])
    return db


def test_with_no_reader_the_job_writes_in_the_file_itself(tmp_path: Path) -> None:
    db = _built(tmp_path)
    inode = db.stat().st_ino
    with store.writing(db) as con:
        assert _file_of(con) == db.resolve()
        assert not list(tmp_path.glob(".p.duckdb.*.tmp"))  # no copy of the file
        pipeline.build(con, [BUDGET / "gevolgen_excerpt.csv"])
    assert db.stat().st_ino == inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.duckdb", "p.duckdb.lock"]
    with duckdb.connect(str(db), read_only=True) as ro:
        assert ro.execute("SELECT count(*) FROM source").fetchone() == (2,)


def test_the_setting_false_keeps_the_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = _built(tmp_path)
    monkeypatch.setenv("DIGIBUDGET_WRITE_IN_PLACE", "false")
    with store.writing(db) as con:
        assert _file_of(con) != db.resolve()


def test_while_another_process_reads_the_job_works_on_a_copy(tmp_path: Path) -> None:
    db = _built(tmp_path)
    inode = db.stat().st_ino
    reader = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time\n"
                               f"con = duckdb.connect({str(db)!r}, read_only=True)\n"
                               "print('open', flush=True)\ntime.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "open"
        start = time.monotonic()
        with store.writing(db) as con:
            assert _file_of(con) != db.resolve()  # the live file is the reader's; the job writes a copy
            pipeline.build(con, [BUDGET / "gevolgen_excerpt.csv"])
        assert time.monotonic() - start < 60
    finally:
        reader.kill()
        reader.wait()
        if reader.stdout is not None:
            reader.stdout.close()
    assert db.stat().st_ino != inode  # swapped in
    with duckdb.connect(str(db), read_only=True) as ro:
        assert ro.execute("SELECT count(*) FROM source").fetchone() == (2,)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".p.duckdb.")]
    assert os.path.exists(db)


def test_a_reader_during_an_in_place_job_is_told_to_try_again(tmp_path: Path) -> None:
    db = _built(tmp_path)
    writer = subprocess.Popen([sys.executable, "-c", "import duckdb, time\n"
                               f"con = duckdb.connect({str(db)!r})\n"
                               "print('open', flush=True)\ntime.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "open"
        with pytest.raises(StoreError, match="een taak schrijft in"):
            store.connect(db, read_only=True)
    finally:
        writer.kill()
        writer.wait()
        if writer.stdout is not None:
            writer.stdout.close()
