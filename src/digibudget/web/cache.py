"""The web app's one cache: whole API responses, query results and small derived values, all of one database file.

The server's views never write; a job that writes swaps in a new file (store.writing), or, when the server hosts the
jobs (digibudget.jobs), runs in the server's own DuckDB instance. So everything the server computes depends only on
the request and the state of the database, and stays valid until a job changes it. The stamp of that state (the
file's, store.file_stamp; in hosted mode the count of jobs that ended, as the file changes while a job writes) is
looked at once per request, by ``ResponseCache`` as the request arrives (``Database.current_stamp``); the stamp
travels in the request scope to ``deps.get_con``, which opens the request's cursor with it.

Everything kept belongs to ``Cache.stamp``, the stamp of the file the open connection reads; when the connection is
reopened on a new file the cache is emptied and moves to that file's stamp (``Database.cursor``). A value is read or
kept only for a request whose cursor reads that same file: a request still finishing on the old file after a swap
neither reads nor fills the new file's cache.

Whole responses: only complete 200 responses of paths under /api/, each at most ``max_entry`` bytes, together at most
``max_bytes`` (least recently used first out). Concurrent identical requests wait for the first one instead of
computing the same answer again (a cold dashboard opened by many people at once). Errors, downloads beyond the entry
size and writing methods always go through. Query results: at most ``max_results``, together at most
``max_cached_rows`` rows (paging is applied to a kept result afterwards, so its key has none).
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..store import FileStamp

if TYPE_CHECKING:
    from ..queries import Result
    from .deps import Database

STAMP = "digibudget.stamp"  # scope key: the file's stamp as the request arrived (the one look per request)
STAMPS = "digibudget.stamps"  # scope key: the stamps of the files the request's cursors read (deps.get_con)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PREFIX = "/api/"


@dataclass(frozen=True)
class Entry:
    headers: list[tuple[bytes, bytes]]
    body: bytes


class Cache:
    """Responses, results and values of the file with stamp ``stamp``; thread-safe (views run in a thread pool)."""

    def __init__(self, *, max_bytes: int = 0, max_entry: int = 4 << 20, max_results: int = 256,
                 max_cached_rows: int = 200_000) -> None:
        self.stamp: FileStamp | None = None
        self.max_bytes = max_bytes
        self.max_entry = min(max_entry, max_bytes)
        self.max_results = max_results
        self.max_cached_rows = max_cached_rows
        self.responses: OrderedDict[str, Entry] = OrderedDict()
        self.size = 0
        self.results: OrderedDict[str, Result] = OrderedDict()
        self.values: dict[str, Any] = {}
        self.hits = 0  # responses answered from memory
        self._lock = threading.Lock()

    def reset(self, stamp: FileStamp | None) -> None:
        """The connection now reads the file with ``stamp``: forget everything of the file before."""
        with self._lock:
            if stamp != self.stamp:
                self.responses.clear()
                self.results.clear()
                self.values.clear()
                self.size = 0
                self.stamp = stamp

    # -- whole responses

    def response(self, key: str, stamp: FileStamp | None) -> Entry | None:
        with self._lock:
            entry = self.responses.get(key) if stamp is not None and stamp == self.stamp else None
            if entry is not None:
                self.responses.move_to_end(key)
                self.hits += 1
            return entry

    def keep_response(self, key: str, stamp: FileStamp | None, entry: Entry) -> None:
        with self._lock:
            if stamp is None or stamp != self.stamp or len(entry.body) > self.max_entry:
                return
            old = self.responses.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self.responses[key] = entry
            self.size += len(entry.body)
            while self.size > self.max_bytes:
                _, dropped = self.responses.popitem(last=False)
                self.size -= len(dropped.body)

    # -- query results and derived values

    def result(self, key: str, stamp: FileStamp | None, compute: Callable[[], Result]) -> Result:
        """A query result by its parameters, computed once per file."""
        with self._lock:
            hit = self.results.get(key) if stamp == self.stamp else None
            if hit is not None:
                self.results.move_to_end(key)
                return hit
        result = compute()
        with self._lock:
            if stamp != self.stamp:
                return result
            self.results[key] = result
            while len(self.results) > self.max_results or (
                    len(self.results) > 1 and sum(len(r.rows) for r in self.results.values()) > self.max_cached_rows):
                self.results.popitem(last=False)
        return result

    def value(self, name: str, stamp: FileStamp | None, compute: Callable[[], Any]) -> Any:
        """A small derived value (the moment selector, chapter names), by the same rule as ``result``."""
        with self._lock:
            if stamp == self.stamp and name in self.values:
                return self.values[name]
        value = compute()
        with self._lock:
            if stamp == self.stamp:
                self.values[name] = value
        return value


class ResponseCache:
    """ASGI middleware: looks at the file's stamp once per request (for every view: ``deps.get_con`` uses it), and
    answers a GET under /api/ from ``db.cache`` when the same request was answered from the same file before."""

    def __init__(self, app: ASGIApp, *, db: Database) -> None:
        self.app = app
        self.db = db
        self.pending: dict[str, asyncio.Event] = {}

    @property
    def cache(self) -> Cache:
        return self.db.cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        stamp = self.db.current_stamp()
        scope[STAMP] = stamp
        if scope["method"] != "GET" or not scope["path"].startswith(PREFIX) or self.cache.max_bytes <= 0:
            await self.app(scope, receive, send)
            return
        key = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
        entry = self.cache.response(key, stamp)
        if entry is None and key in self.pending:
            await self.pending[key].wait()  # the same request is being answered: use its answer
            entry = self.cache.response(key, stamp)
        if entry is not None:
            # a copy: a middleware outside (GZip) edits the headers of the message it passes on
            await send({"type": "http.response.start", "status": 200, "headers": list(entry.headers)})
            await send({"type": "http.response.body", "body": entry.body})
            return
        done = self.pending.setdefault(key, asyncio.Event())
        read: list[FileStamp | None] = []
        scope[STAMPS] = read
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []
        size = 0

        async def capture(message: Message) -> None:
            nonlocal status, headers, size
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body" and status == 200 and size <= self.cache.max_entry:
                body = bytes(message.get("body", b""))
                chunks.append(body)
                size += len(body)
                if not message.get("more_body", False) and len(set(read)) <= 1:
                    # kept under the stamp of the file its cursor read (one that read two is never kept), and only
                    # while that file is the cache's
                    self.cache.keep_response(key, read[0] if read else stamp, Entry(headers, b"".join(chunks)))
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            if self.pending.get(key) is done:
                del self.pending[key]
            done.set()
