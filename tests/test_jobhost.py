"""The server hosts the writing jobs (issue 17, item 2; docs/updates.md): a real `digibudget serve` on a small
database, and `digibudget ingest` run as another process. The job runs in the server (no copy of the file: the
inode stays), readers during it see the state before or after, the API shows the new state right after, a failing
job changes nothing and prints the same error with the same exit code as without a server, a server killed during a
job leaves the state before, a second job at once is refused, and with serve_hosts_jobs=false the old path (copy and
swap) still works."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from digibudget import jobhost, pipeline, store
from digibudget.errors import Location, StoreError, ValueFormatError

FIXTURES = Path(__file__).parent / "fixtures"
FIRST = FIXTURES / "budget" / "btabel_2015_excerpt.csv"
SECOND = FIXTURES / "budget" / "begrotingsstaten_2016_met_eenheid.csv"
BROKEN = FIXTURES / "broken" / "amount_dutch_minus_in_en_file.csv"
BIG = sorted((Path(__file__).resolve().parents[1] / "data" / "btabel").glob("*.csv"))[:1]


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "digibudget.cli", *args], capture_output=True, text=True,
                          timeout=120, check=False, env={**os.environ, "COLUMNS": "200", **(env or {})})


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, None


def _sources(port: int) -> list[str]:
    status, body = _get(port, "/api/bronnen")
    assert status == 200
    return [r["bestand"] for r in body["rijen"]]


class Server:
    def __init__(self, db: Path, env: dict[str, str] | None = None) -> None:
        self.db, self.port = db, _free_port()
        self.proc = subprocess.Popen([sys.executable, "-m", "digibudget.cli", "serve", "--db", str(db), "--port",
                                      str(self.port)], env={**os.environ, **(env or {})},
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(self.port, "/api/bronnen")[0] == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(self.proc.communicate()[1])
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.communicate(timeout=60)


def _build(db: Path) -> None:
    with store.writing(db) as con:
        pipeline.build(con, [FIRST])


def _counts(db: Path) -> tuple[Any, ...]:
    con = duckdb.connect(str(db))  # read-write: replays a write-ahead log a killed server left
    try:
        row = con.execute("SELECT (SELECT count(*) FROM source), (SELECT count(*) FROM budget_line), "
                          "(SELECT count(*) FROM amount), (SELECT count(*) FROM finding)").fetchone()
        assert row is not None
        return tuple(row)
    finally:
        con.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    """A hosting server on a database of one file, and a copy of that database made before it started."""
    folder = tmp_path_factory.mktemp("hosted")
    db = folder / "h.duckdb"
    _build(db)
    spare = folder / "spare"
    spare.mkdir()
    shutil.copyfile(db, spare / "h.duckdb")
    server = Server(db)
    yield server, spare / "h.duckdb"
    server.stop()
    assert not jobhost.socket_path(db).exists()  # removed when the server stops


def test_a_load_while_serving_runs_in_the_server_without_a_copy(served: tuple[Server, Path]) -> None:
    server, spare = served
    db = server.db
    assert oct(jobhost.socket_path(db).stat().st_mode & 0o777) == "0o600"
    inode = db.stat().st_ino
    seen: list[Any] = []
    copies: set[str] = set()
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                status, body = _get(server.port, "/api/bronnen")
                seen.append((status, len(body["rijen"]) if body else None))
            except OSError as exc:
                seen.append((0, str(exc)))

    def watch() -> None:
        while not done.is_set():
            copies.update(p.name for p in db.parent.iterdir() if p.name.endswith(".tmp"))
            time.sleep(0.005)

    threads = [threading.Thread(target=read), threading.Thread(target=watch)]
    for t in threads:
        t.start()
    try:
        out = _cli("ingest", str(SECOND), "--db", str(db))
        after = _sources(server.port)  # right after the command returned
    finally:
        done.set()
        for t in threads:
            t.join()
    assert out.returncode == 0, out.stderr
    assert after == [FIRST.name, SECOND.name]
    assert db.stat().st_ino == inode and not copies  # written in place by the server, no copy of the file
    assert seen and {s for s in seen} <= {(200, 1), (200, 2)}, set(seen)  # before or after, never an error
    local = _cli("ingest", str(SECOND), "--db", str(spare))  # the same job without a server prints the same
    assert (local.returncode, local.stdout) == (out.returncode, out.stdout)
    assert "Classificatie:" in out.stderr and out.stderr.splitlines()[0] == local.stderr.splitlines()[0]
    rebuilt = _cli("reclassify", "--db", str(db))  # hosted too: the same library call in the server
    assert rebuilt.returncode == 0, rebuilt.stderr
    other = _cli("demo", "--db", str(db))  # not hosted: refused, no silent copy
    assert other.returncode == StoreError.exit_code and "de server van" in other.stderr, other.stderr
    # another process cannot open the file, not even to read: reading commands read through the server (remote.py)
    # in one snapshot, and print what they print without a server (money exact, in JSON and as a Dutch table)
    for command in (["table", "--format", "json"], ["table"], ["mutations", "--format", "json"],
                    ["findings", "--format", "csv"]):
        remote, here = _cli(*command, "--db", str(db)), _cli(*command, "--db", str(spare))
        assert remote.returncode == here.returncode == 0, remote.stderr
        assert remote.stdout == here.stdout and len(remote.stdout) > 200, command


def test_a_failing_job_changes_nothing_and_reports_as_without_a_server(served: tuple[Server, Path]) -> None:
    server, spare = served
    before = _sources(server.port)
    out = _cli("ingest", str(BROKEN), "--strict", "--db", str(server.db))
    assert _sources(server.port) == before
    local = _cli("ingest", str(BROKEN), "--strict", "--db", str(spare))
    assert out.returncode == local.returncode == 3
    assert f"Fout: {BROKEN.name}, rij 2, kolom 'Stand eerste suppletoire'" in out.stderr, out.stderr
    assert out.stderr == local.stderr


def test_a_server_killed_during_a_job_leaves_the_state_before(tmp_path: Path) -> None:
    db = tmp_path / "k.duckdb"
    _build(db)
    before = _counts(db)
    server = Server(db)
    events: list[str] = []

    def kill(what: str, done: int, total: int) -> None:
        events.append(what)
        if what == "schrijven":  # the job's transaction begins: kill the server while it writes (about 2 s)
            time.sleep(0.3)
            os.kill(server.proc.pid, signal.SIGKILL)

    try:
        with pytest.raises(StoreError, match="tijdens de taak"):
            jobhost.call(db, "ingest", {"paths": [str(p) for p in [*BIG, SECOND]]}, kill)
    finally:
        server.stop()
    assert events[-1] == "schrijven" and server.proc.returncode == -signal.SIGKILL
    assert not jobhost.hosted(db)  # the socket file left behind answers no more
    assert _counts(db) == before
    with store.writing(db) as con:  # and the next job runs without a server
        pipeline.build(con, [SECOND])
    assert _counts(db)[0] == before[0] + 1
    assert not jobhost.socket_path(db).exists()  # the stale socket removed under the writer's lock


def test_without_hosting_the_server_reads_and_a_job_copies_and_swaps(tmp_path: Path) -> None:
    db = tmp_path / "o.duckdb"
    _build(db)
    inode = db.stat().st_ino
    server = Server(db, env={"DIGIBUDGET_SERVE_HOSTS_JOBS": "false"})
    try:
        assert not jobhost.socket_path(db).exists()
        out = _cli("ingest", str(SECOND), "--db", str(db))
        assert out.returncode == 0, out.stderr
        assert db.stat().st_ino != inode  # the copy, swapped in
        assert _sources(server.port) == [FIRST.name, SECOND.name]
    finally:
        server.stop()


def test_one_job_at_a_time_and_errors_travel_back_as_their_class(tmp_path: Path) -> None:
    db = tmp_path / "j.duckdb"
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # what a killed server leaves: a file, no listener
    stale.bind(str(jobhost.socket_path(db)))
    stale.close()
    assert not jobhost.hosted(db) and jobhost.call(db, "x", {}) is None
    started, go = threading.Event(), threading.Event()

    def runner(taak: str, args: dict[str, Any], progress: jobhost.Progress) -> dict[str, Any]:
        if taak == "fout":
            raise ValueFormatError("bedrag '12x' is onleesbaar", location=Location("a.csv", 4, "Bedrag"),
                                   expected="een getal")
        progress("lezen", 1, 2)
        started.set()
        go.wait(10)
        return {"klaar": args["n"]}

    host = jobhost.JobHost(db, runner)
    host.start()  # removes the stale file
    try:
        assert jobhost.hosted(db)
        results: list[Any] = []
        first = threading.Thread(target=lambda: results.append(jobhost.call(db, "slaap", {"n": 1})))
        first.start()
        assert started.wait(10)
        with pytest.raises(StoreError, match="een andere taak schrijft in"):
            jobhost.call(db, "slaap", {"n": 2})
        go.set()
        first.join()
        assert results == [{"klaar": 1}] and host.generation == 1  # the refused one never ran
        with pytest.raises(ValueFormatError) as caught:
            jobhost.call(db, "fout", {})
        assert caught.value.describe() == "a.csv, rij 4, kolom 'Bedrag': bedrag '12x' is onleesbaar (verwacht: " \
                                           "een getal)"
        assert caught.value.exit_code == ValueFormatError.exit_code
    finally:
        host.stop()
    assert not jobhost.socket_path(db).exists()



def test_values_travel_exactly_between_the_server_and_a_reading_command() -> None:
    import datetime as dt
    from decimal import Decimal

    from digibudget import wire

    rows = [(Decimal("-1234567890123456789012.0000000001"), dt.date(2026, 11, 30), [1, None, "a"],
             {"k": Decimal("0.5")}, dt.datetime(2026, 1, 2, 3, 4, 5), True, 1.5, b"\x00\xff", None)]
    back = wire.decode(json.loads(json.dumps(wire.encode(rows))))
    assert back == rows and isinstance(back[0], tuple) and isinstance(back[0][0], Decimal)


def test_a_hosted_job_runs_within_its_own_limit_and_the_readers_reserve(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """While the server runs a job, its one DuckDB instance may use job_memory_limit + serve_job_reserve (not the
    server's whole serve_memory_limit on top: at 10M rows that put the server at the 1.5 GB line); afterwards
    serve_memory_limit again."""
    from digibudget import jobs

    def limit_bytes(con: duckdb.DuckDBPyConnection) -> float:
        row = con.execute("SELECT current_setting('memory_limit')").fetchone()
        assert row is not None
        text = str(row[0])
        number, unit = text.split()
        return float(number) * {"KiB": 2**10, "MiB": 2**20, "GiB": 2**30}[unit]

    limits: list[float] = []
    def probe(cur: duckdb.DuckDBPyConnection, *_: Any) -> dict[str, Any]:
        limits.append(limit_bytes(cur))  # the job's cursor: the limit of the one instance while it runs
        return {}

    monkeypatch.setitem(jobs.JOBS, "probe", probe)
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    hosted = jobs.Hosted(str(tmp_path / "x.duckdb"), con, "512MB", "800MB", "384MB")
    assert limit_bytes(con) == pytest.approx(512e6, rel=0.01)
    hosted.run("probe", {}, lambda *_: None)
    assert limits == [pytest.approx(1184e6, rel=0.01)]
    assert limit_bytes(con) == pytest.approx(512e6, rel=0.01)
    con.close()
