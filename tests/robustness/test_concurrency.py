"""Readers keep working while a job writes: they see the state before or after the job, never half of it.

While the dashboard holds the database open read-only (DuckDB alone would refuse the write lock), a writing job
(store.writing) works on a copy and swaps it in atomically; with no reader it writes in place (docs/updates.md)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import duckdb
import pytest

from digibudget import pipeline, store
from digibudget.errors import StoreError
from digibudget.web.app import create_app

with warnings.catch_warnings():  # starlette's TestClient warns about httpx at import time
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

HERE = Path(__file__).resolve().parents[1]
BUDGET = HERE / "fixtures" / "budget"


def _state(client: TestClient) -> tuple[int, int]:
    """What a reader sees: the number of sources and the number of integrated-table rows of 2015-OWB."""
    sources = client.get("/api/bronnen").json()["rijen"]
    table = client.get("/api/tabel", params={"moment": "2015-OWB"}).json()
    return len(sources), int(table["totaal_rijen"])


def test_the_dashboard_keeps_answering_while_an_ingest_runs(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(BUDGET / "btabel_2015_excerpt.csv", first)
    with store.writing(db) as con:
        pipeline.build(con, [first])
    client = TestClient(create_app(str(db)))
    before = _state(client)
    # the job: load the other fixtures, in another process, while the reader holds the file open
    job = subprocess.Popen([sys.executable, "-m", "digibudget.cli", "ingest", str(BUDGET), "--db", str(db)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen: set[tuple[int, int]] = set()
    deadline = time.monotonic() + 120
    while job.poll() is None and time.monotonic() < deadline:
        seen.add(_state(client))
    _out, err = job.communicate(timeout=120)
    assert job.returncode == 0, err.decode(errors="replace")  # btabel (its unreadable cell) was loaded before
    after = _state(client)
    assert after != before and after[0] == 4
    assert seen <= {before, after}, f"a reader saw a half state: {seen - {before, after}}"
    with duckdb.connect(str(db), read_only=True) as ro:
        assert ro.execute("SELECT count(*) FROM source").fetchone() == (4,)


def test_one_writer_at_a_time_and_an_interrupted_job_changes_nothing(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """On a copy (write_in_place false) the whole job is all or nothing; in place, each of its transactions is (a
    build is one: the interruption below comes after the writes, inside the derived tables)."""
    db = tmp_path / "w.duckdb"
    with store.writing(db) as con:
        pipeline.build(con, [BUDGET / "btabel_2015_excerpt.csv"])
    size = db.stat().st_size
    with store.writing(db), pytest.raises(StoreError, match="een andere taak schrijft"), store.writing(db):
        pass
    monkeypatch.setenv("DIGIBUDGET_WRITE_IN_PLACE", "false")
    with pytest.raises(RuntimeError), store.writing(db) as con:
        pipeline.build(con, [BUDGET / "begrotingsstaten_2019-2020_VI_VII.csv"])
        raise RuntimeError("interrupted")
    assert db.stat().st_size == size
    monkeypatch.setenv("DIGIBUDGET_WRITE_IN_PLACE", "true")

    def interrupted(*args: object, **kwargs: object) -> None:
        raise RuntimeError("interrupted")

    monkeypatch.setattr(pipeline.incremental, "derive", interrupted)
    with pytest.raises(RuntimeError), store.writing(db) as con:
        pipeline.build(con, [BUDGET / "begrotingsstaten_2019-2020_VI_VII.csv"])
    with duckdb.connect(str(db), read_only=True) as ro:
        assert ro.execute("SELECT count(*) FROM source").fetchone() == (1,)
    assert not list(tmp_path.glob(".w.duckdb.*.tmp*"))


def test_the_reader_sees_no_leftover_of_a_killed_job(tmp_path: Path) -> None:
    db = tmp_path / "k.duckdb"
    with store.writing(db) as con:
        pipeline.build(con, [BUDGET / "btabel_2015_excerpt.csv"])
    (tmp_path / ".k.duckdb.999999.tmp").write_bytes(b"half written")  # as a kill -9 would leave it
    with store.writing(db) as con:
        report, _ = pipeline.build(con, [BUDGET / "gevolgen_excerpt.csv"])
    assert report.loaded
    assert not (tmp_path / ".k.duckdb.999999.tmp").exists()
    assert json.dumps(sorted(p.name for p in tmp_path.iterdir())) == json.dumps(["k.duckdb", "k.duckdb.lock"])


def test_a_writing_job_is_bounded_by_the_job_memory_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """National-scale loads spill to disk beyond setting job_memory_limit instead of taking the machine's memory."""
    db = tmp_path / "m.duckdb"
    monkeypatch.setenv("DIGIBUDGET_JOB_MEMORY_LIMIT", "300MB")
    with store.writing(db) as con:
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert limit is not None and limit[0] in {"286.1 MiB", "300.0 MB"}
    monkeypatch.setenv("DIGIBUDGET_JOB_MEMORY_LIMIT", "plenty")
    with pytest.raises(StoreError, match="job_memory_limit 'plenty'"), store.writing(db):
        pass
    assert not list(tmp_path.glob(".m.duckdb.*.tmp*"))
