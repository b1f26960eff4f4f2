"""Cache coherence under load (issue 18, failure 4): the database file is swapped under 8 busy clients, 10 times;
no request that started after a swap may get the answer of the file before it. Memoised results and whole responses
(web/cache.py) are both in play: the clients ask for paged tables and mutations."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import threading
import time
import warnings
from pathlib import Path

import duckdb
import pytest

from digibudget import pipeline, store
from digibudget.web.app import create_app
from digibudget.web.deps import Database

with warnings.catch_warnings():  # starlette's TestClient warns about httpx at import time
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

BUDGET = Path(__file__).resolve().parents[1] / "fixtures" / "budget"
CLIENTS, SWAPS = 8, 10
# many pages of one memoised result: whole responses differ per page (so most requests reach the memo), the memo
# key does not (paging is applied to the memoised whole result)
URLS = tuple([f"/api/tabel?moment=2015-OWB&per_pagina={n}&pagina={p}" for n in (3, 5, 7, 11) for p in (1, 2, 3)]
             + [f"/api/mutaties?per_pagina={n}&pagina={p}" for n in (3, 5, 7, 11) for p in (1, 2)] + ["/api/bronnen"])


def _build(db: Path, files: list[Path]) -> None:
    folder = db.with_suffix(".in")
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder)
    with store.writing(db) as con:
        pipeline.build(con, [folder])


def _swap(source: Path, live: Path) -> None:
    """What store.writing does at its end: a new file renamed over the live one."""
    tmp = live.with_name(f".{live.name}.swap.tmp")
    shutil.copyfile(source, tmp)
    os.replace(tmp, live)


def test_no_request_after_a_swap_gets_the_old_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a busy server: time passes between a request opening its cursor and asking the memo for its result (the
    # window in which the server stored the old file's result under the new file's stamp)
    opened = Database.cursor

    def slow_cursor(self: Database, stamp: store.FileStamp | None = None) -> duckdb.DuckDBPyConnection:
        cur = opened(self, stamp)
        time.sleep(random.uniform(0, 0.03))
        return cur

    monkeypatch.setattr(Database, "cursor", slow_cursor)
    states = [tmp_path / "a.duckdb", tmp_path / "b.duckdb"]
    _build(states[0], [BUDGET / "btabel_2015_excerpt.csv"])
    _build(states[1], sorted(p for p in BUDGET.iterdir() if p.suffix == ".csv"))
    live = tmp_path / "live.duckdb"
    shutil.copyfile(states[0], live)
    with TestClient(create_app(str(live))) as client:
        answers: list[dict[str, str]] = []
        for state in (1, 0):  # the answer of each state, each from a fresh look at that file
            _swap(states[state], live)
            answers.insert(0, {u: hashlib.sha256(client.get(u).content).hexdigest() for u in URLS})
        urls = [u for u in URLS if answers[0][u] != answers[1][u]]  # the pages on which the two states differ
        assert len(urls) >= 12, "the two states must answer differently"
        generation = 0  # swaps completed (state = generation % 2)
        started = 0  # swaps begun
        lock = threading.Lock()
        stop = threading.Event()
        stale: list[str] = []
        served = [0]

        def work(n: int) -> None:
            pick = random.Random(n)
            while not stop.is_set():
                url = pick.choice(urls)
                with lock:
                    before = generation
                response = client.get(url)
                with lock:
                    moved = started != before
                assert response.status_code == 200, response.text
                digest = hashlib.sha256(response.content).hexdigest()
                with lock:
                    served[0] += 1
                    if not moved and digest != answers[before % 2][url]:
                        stale.append(f"{url} after swap {before}")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        try:
            for k in range(1, SWAPS + 1):
                stop.wait(0.4)  # let the clients fill the caches with the current file's answers
                with lock:
                    started = k
                _swap(states[k % 2], live)
                with lock:
                    generation = k
            stop.wait(0.4)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=60)
    assert served[0] > CLIENTS * SWAPS
    assert stale == [], f"{len(stale)} stale answers of {served[0]}: {stale[:5]}"
    print(f"\ncache coherence: {SWAPS} swaps under {CLIENTS} clients, {served[0]} answers, 0 stale")
