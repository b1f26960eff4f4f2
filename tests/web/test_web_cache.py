"""The web layer's one cache (web/cache.py): read-only serving lets a response, a result or a value be reused until
the database file changes; the file is looked at once per request."""

from __future__ import annotations

import asyncio
import warnings
from pathlib import Path
from typing import Any

import pytest

from digibudget import pipeline, store
from digibudget.queries import Result
from digibudget.web.app import create_app
from digibudget.web.cache import Cache, ResponseCache
from digibudget.web.deps import Database

with warnings.catch_warnings():  # starlette's TestClient warns about httpx at import time
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

BUDGET = Path(__file__).resolve().parents[1] / "fixtures" / "budget"
BTABEL, STAATEN = BUDGET / "btabel_2015_excerpt.csv", BUDGET / "begrotingsstaten_2016_met_eenheid.csv"


def test_results_are_reused_until_the_file_changes(tmp_path: Path) -> None:
    f = tmp_path / "x.duckdb"
    with store.writing(f) as con:
        con.execute("CREATE TABLE v AS SELECT 1 AS n")
    db = Database(str(f), cache=Cache(max_results=2))
    calls: list[str] = []

    def compute(tag: str) -> Result:
        calls.append(tag)
        return Result(["a"], [(tag,)])

    def memo(key: str, tag: str) -> Result:
        cur = db.cursor()
        try:
            return db.memo(key, cur, lambda: compute(tag))
        finally:
            db.release(cur)

    assert memo("k1", "1").rows == [("1",)]
    assert memo("k1", "again").rows == [("1",)]  # reused
    memo("k2", "2")
    memo("k3", "3")  # bounded: k1, the least recently used, is dropped
    assert memo("k1", "1b").rows == [("1b",)]
    with store.writing(f) as con:  # an ingest swaps in a new file
        con.execute("CREATE TABLE w AS SELECT 2 AS n")
    assert memo("k1", "new").rows == [("new",)]
    assert calls == ["1", "2", "3", "1b", "new"]
    db.close()


def test_a_result_computed_on_the_old_file_is_not_kept_after_a_swap(tmp_path: Path) -> None:
    """The race of issue 18: a request's cursor opened on the old file, the file swapped, then the request's memo
    call. Its (old) result must not be stored for the new file."""
    f = tmp_path / "x.duckdb"
    with store.writing(f) as con:
        con.execute("CREATE TABLE v AS SELECT 1 AS n")
    db = Database(str(f))

    def count() -> Result:
        return Result(["n"], cur.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('v', 'w')")
                      .fetchall())

    cur = db.cursor()  # a request on the old file
    with store.writing(f) as con:
        con.execute("CREATE TABLE w AS SELECT 2 AS n")
    assert db.memo("tables", cur, count).rows == [(1,)]  # it answers from the file it reads ...
    db.release(cur)
    cur = db.cursor()  # ... but a request after the swap computes again, on the new file
    assert db.memo("tables", cur, count).rows == [(2,)]
    assert db.memo("tables", cur, lambda: Result(["n"], [(-1,)])).rows == [(2,)]  # and that is what is kept
    db.release(cur)
    db.close()


# --- whole responses ----------------------------------------------------------------------------------------------

def _cache_of(app: object) -> ResponseCache:
    node = getattr(app, "middleware_stack", None)
    while node is not None and not isinstance(node, ResponseCache):
        node = getattr(node, "app", None)
    assert isinstance(node, ResponseCache)
    return node


def test_api_responses_are_reused_until_a_job_swaps_the_file(tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    with store.writing(db) as con:
        pipeline.build(con, [BUDGET / "btabel_2015_excerpt.csv"])
    app = create_app(str(db))
    with TestClient(app) as client:
        first = client.get("/api/bronnen")
        cache = _cache_of(app).cache
        again = client.get("/api/bronnen")
        assert again.content == first.content and cache.hits == 1
        assert again.headers["content-security-policy"]  # the headers of the first answer come along
        for _ in range(2):  # errors are never kept
            assert client.get("/api/tabel", params={"moment": "1900-XX"}).status_code == 400
        assert cache.hits == 1
        with store.writing(db) as con:
            pipeline.build(con, [BUDGET / "begrotingsstaten_2019-2020_VI_VII.csv"])
        after = client.get("/api/bronnen")
        assert cache.hits == 1 and len(after.json()["rijen"]) == len(first.json()["rijen"]) + 1


def test_identical_requests_in_flight_are_answered_once(tmp_path: Path) -> None:
    f = tmp_path / "x.duckdb"
    f.write_bytes(b"v1")
    calls: list[str] = []

    async def slow_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        calls.append(scope["path"])
        await asyncio.sleep(0.05)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"answer"})

    db = Database(str(f), cache=Cache(max_bytes=1 << 20))
    db.cache.reset(store.file_stamp(f))  # as when the connection opens
    cache = ResponseCache(slow_app, db=db)

    async def request() -> bytes:
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": "/api/x", "query_string": b"a=1"}
        await cache(scope, None, send)  # type: ignore[arg-type]
        return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")

    async def together() -> list[bytes]:
        return list(await asyncio.gather(*(request() for _ in range(5))))

    assert asyncio.run(together()) == [b"answer"] * 5
    assert calls == ["/api/x"] and db.cache.hits == 4


def test_the_file_is_looked_at_once_per_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: three caches each checked the file stamp on every request; now one look serves them all (pages,
    API answers, memoised results, the chapter names beside codes)."""
    db = tmp_path / "s.duckdb"
    with store.writing(db) as con:
        pipeline.build(con, [BUDGET / "btabel_2015_excerpt.csv"])
    looks: list[str] = []
    real = store.file_stamp

    def counted(path: str | Path) -> store.FileStamp | None:
        looks.append(str(path))
        return real(path)

    monkeypatch.setattr(store, "file_stamp", counted)
    app = create_app(str(db))
    with TestClient(app) as client:
        assert client.get("/api/bronnen").status_code == 200  # opens the connection (looks again to open it)
        for url in ("/tabel?moment=2015-OWB", "/api/tabel?moment=2015-OWB", "/", "/api/bronnen", "/bronnen"):
            looks.clear()
            assert client.get(url).status_code == 200
            assert len(looks) == 1, url


def test_no_more_requests_query_the_file_at_once_than_the_setting_allows(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Right after a swap every request misses the caches; with 16 connections all querying at once the server's
    DuckDB memory limit was shared by 16 queries and a few failed (bench/NOTES.md). Requests now wait for one of
    serve_max_queries slots; a page that asks a second cursor (the chapter names) within its slot never waits."""
    import threading
    import time

    db = tmp_path / "q.duckdb"
    with store.writing(db) as con:
        pipeline.build(con, [BUDGET / "btabel_2015_excerpt.csv"])
    monkeypatch.setenv("DIGIBUDGET_SERVE_MAX_QUERIES", "2")
    monkeypatch.setenv("DIGIBUDGET_SERVE_CACHE_MB", "0")  # every request reaches the database
    app = create_app(str(db))
    database: Database = app.state.db
    assert database.max_queries == 2
    lock = threading.Lock()
    inside, most = 0, 0
    take, give = database.slot, database.release_slot

    def slot() -> None:  # hold the slot a while, so that requests overlap
        nonlocal inside, most
        take()
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.1)

    def release_slot() -> None:
        nonlocal inside
        with lock:
            inside -= 1
        give()

    monkeypatch.setattr(database, "slot", slot)
    monkeypatch.setattr(database, "release_slot", release_slot)
    with TestClient(app) as client:
        statuses: list[int] = []

        def get() -> None:
            statuses.append(client.get("/tabel?moment=2015-OWB").status_code)

        threads = [threading.Thread(target=get) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert statuses == [200] * 6
    assert most == 2  # two at a time, never more; and the second cursor of a page did not deadlock


def test_hosted_readers_read_a_snapshot_and_the_cache_keys_on_the_job_count(tmp_path: Path) -> None:
    """In hosted mode the web reads cursors of the server's read-write connection: a request's cursor keeps its
    snapshot while a job commits beside it; the cache moves on when the job count does (not when the file changes:
    the job writes in it), and the connection is never closed under the job."""
    db = tmp_path / "w.duckdb"
    with store.writing(db) as con:
        pipeline.build(con, [BTABEL])
    count = [0]
    with store.hosting(db) as con:
        app = create_app(str(db), shared=con, stamper=lambda: (0, count[0], 0))
        with TestClient(app) as client:
            assert [r["bestand"] for r in client.get("/api/bronnen").json()["rijen"]] == [BTABEL.name]
            reader = app.state.db.cursor()
            before = reader.execute("SELECT count(*) FROM budget_line").fetchone()
            job = con.cursor()
            pipeline.build(job, [STAATEN])  # commits while the reader's transaction is open
            assert reader.execute("SELECT count(*) FROM budget_line").fetchone() == before  # its snapshot
            app.state.db.release(reader)
            # the file changed, the job count did not: the cached answer still stands (no reopen under the job)
            assert len(client.get("/api/bronnen").json()["rijen"]) == 1
            count[0] += 1  # the job host counts the job after its COMMIT
            assert [r["bestand"] for r in client.get("/api/bronnen").json()["rijen"]] == [BTABEL.name, STAATEN.name]
            assert job.execute("SELECT count(*) FROM source").fetchone() == (2,)  # the job's cursor still open
            job.close()
