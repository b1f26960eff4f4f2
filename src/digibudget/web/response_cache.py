"""Whole responses of the read-only API, reused while the database file is unchanged (an ASGI middleware).

The server never writes to its database; a job that writes swaps in a new file (store.writing). So the bytes of a
GET response depend only on its path, its query and the file: the same request can be answered from memory until
the file changes, without routing, parameter checks, a query or JSON encoding. Concurrent identical requests wait
for the first one instead of computing the same answer again (a cold dashboard opened by many people at once).

An answer is kept under the stamp of the file its cursor read (reported by ``deps.get_con`` in the scope), not the
stamp seen when the request arrived: a request that computed on the old file after a swap is never kept as the new
file's answer, and one that read two files (never expected) is not kept at all.

Only complete 200 responses of paths under /api/ are kept, each at most ``max_entry`` bytes, together at most
``max_bytes`` (least recently used first out). Errors, downloads beyond the entry size and writing methods always go
through.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from ..store import FileStamp, file_stamp

STAMPS = "digibudget.stamps"  # as deps.STAMPS (deps imports the web stack; this module stays light)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PREFIX = "/api/"


@dataclass(frozen=True)
class Entry:
    stamp: FileStamp | None
    headers: list[tuple[bytes, bytes]]
    body: bytes


class ResponseCache:
    def __init__(self, app: ASGIApp, *, path: str, max_bytes: int, max_entry: int = 4 << 20) -> None:
        self.app = app
        self.path = path
        self.max_bytes = max_bytes
        self.max_entry = min(max_entry, max_bytes)
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.size = 0
        self.pending: dict[str, asyncio.Event] = {}
        self.hits = 0

    def _get(self, key: str, stamp: FileStamp | None) -> Entry | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        if entry.stamp != stamp:  # the file changed: everything kept is of the old file
            self.entries.clear()
            self.size = 0
            return None
        self.entries.move_to_end(key)
        return entry

    def _put(self, key: str, entry: Entry) -> None:
        if len(entry.body) > self.max_entry or entry.stamp is None:
            return
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= len(old.body)
        self.entries[key] = entry
        self.size += len(entry.body)
        while self.size > self.max_bytes:
            _, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped.body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        key = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
        stamp = file_stamp(self.path)
        entry = self._get(key, stamp)
        if entry is None and key in self.pending:
            await self.pending[key].wait()  # the same request is being answered: use its answer
            entry = self._get(key, stamp)
        if entry is not None:
            self.hits += 1
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
            elif message["type"] == "http.response.body" and status == 200 and size <= self.max_entry:
                body = bytes(message.get("body", b""))
                chunks.append(body)
                size += len(body)
                if not message.get("more_body", False) and len(set(read)) <= 1:
                    used = read[0] if read else stamp
                    if used == file_stamp(self.path):  # an answer of a file already replaced is not kept
                        self._put(key, Entry(used, headers, b"".join(chunks)))
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            if self.pending.get(key) is done:
                del self.pending[key]
            done.set()
