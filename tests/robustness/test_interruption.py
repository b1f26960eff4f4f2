"""SIGKILL during `digibudget ingest`: the database holds exactly the state before or after that ingest, opens
cleanly (the WAL replays), and a rerun completes with the 'after' state, leftover temporary files or not.

The ingest runs as a real process (``python -m digibudget.cli ingest``) on the bundled-style fixtures plus a
generated bulk file, against a database in tmp_path that already holds one source. Kill delays are random but
seeded. ``KILLS`` is the number of kill attempts; the test records how many landed while the process ran.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest
from robustness_helpers import INGEST_TABLES, fingerprint_of, tables, write_bulk

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BUDGET = FIXTURES / "budget"
KILLS = 16  # the full run (marked slow: about 20 s on an idle 2-core machine, 40 s under load); 4 in the suite
QUICK_KILLS = 4
SEED = 20_260_512
BULK_ROWS = 2_000  # with the fixtures, an ingest of about a second
OUTCOMES: Counter[str] = Counter()  # filled by the test: before / after / derived-stale, wal-left, ...


def _cli(db: Path, data: Path, cwd: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TMPDIR": str(cwd / "tmp"), "NO_COLOR": "1"}
    return subprocess.Popen([sys.executable, "-m", "digibudget.cli", "ingest", str(data), "--db", str(db),
                             "--format", "json"], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _run(db: Path, data: Path, cwd: Path) -> float:
    start = time.monotonic()
    proc = _cli(db, data, cwd)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (0, 9), err.decode(errors="replace")  # 9: loaded, with an error finding (btabel)
    assert b"Traceback" not in err
    return time.monotonic() - start


def _diff(a: Path, b: Path) -> list[str]:
    """The rows that differ between two databases, for the assertion message."""
    out = []
    ca, cb = duckdb.connect(str(a), read_only=True), duckdb.connect(str(b), read_only=True)
    try:
        for table in tables(ca):
            ra = set(ca.execute(f"SELECT * FROM {table}").fetchall())
            rb = set(cb.execute(f"SELECT * FROM {table}").fetchall())
            out += [f"{table} only in rerun: {r}" for r in list(ra - rb)[:3]]
            out += [f"{table} only in reference: {r}" for r in list(rb - ra)[:3]]
    finally:
        ca.close()
        cb.close()
    return out


def _copy_db(src: Path, dst: Path) -> None:
    for suffix in ("", ".wal"):
        s = src.with_name(src.name + suffix)
        if s.exists():
            shutil.copy(s, dst.with_name(dst.name + suffix))


@pytest.mark.parametrize("kills", [pytest.param(QUICK_KILLS, id="quick"),
                                   pytest.param(KILLS, id="full", marks=pytest.mark.slow)])
def test_sigkill_at_random_points_leaves_before_or_after(tmp_path: Path, kills: int) -> None:
    (tmp_path / "tmp").mkdir()
    first, data = tmp_path / "first", tmp_path / "data"
    first.mkdir()
    data.mkdir()
    shutil.copy(BUDGET / "begrotingsstaten_2016_met_eenheid.csv", first)
    for f in BUDGET.glob("*.csv"):
        shutil.copy(f, data)
    write_bulk(data / "Budgettaire_Tabellen_2024_O1_incl.csv", BULK_ROWS)

    base = tmp_path / "base.duckdb"
    _run(base, first, tmp_path)
    before = fingerprint_of(base)
    ref = tmp_path / "ref.duckdb"
    _copy_db(base, ref)
    duration = _run(ref, data, tmp_path)
    after = fingerprint_of(ref)
    assert before != after
    before_core = fingerprint_of(base, INGEST_TABLES)
    after_core = fingerprint_of(ref, INGEST_TABLES)

    rng = random.Random(SEED)
    # even trials: a random moment of the whole run; odd trials: a random moment shortly after the first write
    # to the WAL, so that kills also land in the commit, between the two commits and in the checkpoint
    delays = [rng.uniform(0.05, duration * 1.1) if i % 2 == 0 else rng.uniform(0.0, 0.25) for i in range(kills)]
    outcomes: Counter[str] = Counter()

    def trial(i: int) -> list[str]:
        notes: list[str] = []
        db = tmp_path / f"kill{i}.duckdb"
        wal = db.with_name(db.name + ".wal")
        _copy_db(base, db)
        proc = _cli(db, data, tmp_path)
        try:
            if i % 2:
                deadline = time.monotonic() + 120
                while not wal.exists() and proc.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.002)
            proc.wait(timeout=delays[i])
            notes.append("finished-before-kill")
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            notes.append("killed")
        finally:
            assert proc.stdout is not None and proc.stderr is not None
            proc.stdout.close()
            proc.stderr.close()
        if db.with_name(db.name + ".wal").exists():
            notes.append("wal-left")
        # open read-only first, as a query command would; then for writing, as the rerun does
        core = fingerprint_of(db, INGEST_TABLES)
        assert core in (before_core, after_core), f"kill {i} after {delays[i]:.2f}s left a half ingest"
        whole = fingerprint_of(db)
        if whole == before:
            notes.append("before")
        elif whole == after:
            notes.append("after")
        else:
            # the ingest committed; the classification, a second transaction of pipeline.build, had not yet
            assert core == after_core, f"kill {i}: derived tables changed without the ingest"
            notes.append("derived-stale")
        _run(db, data, tmp_path)
        assert fingerprint_of(db) == after, f"kill {i} ({notes}): the rerun differs: {_diff(db, ref)}"
        for leftover in tmp_path.glob(f"kill{i}.duckdb*"):
            if leftover.is_file():
                leftover.unlink()
        return notes

    with ThreadPoolExecutor(max_workers=2) as pool:
        for notes in pool.map(trial, range(kills)):
            outcomes.update(notes)
    OUTCOMES.update(outcomes)
    assert outcomes["killed"] >= kills // 2, outcomes  # most kills landed while the ingest ran
    assert outcomes["before"] and outcomes["after"] + outcomes["derived-stale"], outcomes  # both sides were hit
    assert outcomes["before"] + outcomes["after"] + outcomes["derived-stale"] == kills
    print(f"\ninterruption: {dict(outcomes)}; leftover temporary entries: {len(list((tmp_path / 'tmp').iterdir()))}")


@pytest.mark.parametrize("leftover", ["tempdir", "duckdb-tmp"])
def test_leftover_temporary_files_do_not_break_the_next_run(tmp_path: Path, leftover: str) -> None:
    """What a killed run leaves behind (our temporary CSV folder, DuckDB's spill folder) is ignored next time."""
    (tmp_path / "tmp").mkdir()
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(BUDGET / "begrotingsstaten_2019-2020_VI_VII.csv", data)
    db = tmp_path / "t.duckdb"
    if leftover == "tempdir":
        stale = tmp_path / "tmp" / "digibudget-stale"
        stale.mkdir()
        (stale / "lines.csv").write_text('1,1,"half a row', encoding="utf-8")
        (stale / "amounts.csv").write_text("", encoding="utf-8")
    else:
        stale = tmp_path / "t.duckdb.tmp"
        stale.mkdir()
        (stale / "duckdb_temp_storage-0.tmp").write_bytes(b"\x00" * 4096)
    _run(db, data, tmp_path)
    assert fingerprint_of(db, ("source",))[0][1] == 1
