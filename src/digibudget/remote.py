"""Reading a database that a serving process holds open to write (it hosts the jobs: jobhost.py).

DuckDB admits no other process beside the one that has a file open for writing, so a reading command (`table`,
`sources`, `export` ...) cannot open the file itself while `digibudget serve` hosts its jobs. ``read_connection``
then returns a ``RemoteConnection``: the same ``execute``/``fetchall``/``fetchone``/``description`` the library's
queries use, answered by the serving process over the job host's socket, in one snapshot for the whole command
(the state before or after a running job, never half). Values travel exactly (wire.py: Decimal money stays exact).
Without a hosting server it is an ordinary read-only connection (store.connect).
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any, cast

import duckdb

from . import jobhost, store, wire
from .errors import StoreError


class RemoteConnection:
    """The part of DuckDB's connection API the read-only queries use, answered by the serving process."""

    def __init__(self, database: str, sock: socket.socket) -> None:
        self.database = database
        self._sock = sock
        self._file = sock.makefile("rb")
        self._rows: list[tuple[Any, ...]] = []
        self._pos = 0
        self.description: list[tuple[Any, ...]] | None = None
        self._send({"taak": jobhost.READ, "args": {}})
        if "klaar" not in self._receive():
            raise StoreError(f"de server van {database} opende geen leessessie")

    def _send(self, message: dict[str, Any]) -> None:
        try:
            self._sock.sendall(json.dumps(message).encode() + b"\n")
        except OSError as exc:
            raise StoreError(f"de verbinding met de server van {self.database} is verbroken") from exc

    def _receive(self) -> dict[str, Any]:
        try:
            line = self._file.readline()
        except OSError as exc:
            raise StoreError(f"de verbinding met de server van {self.database} is verbroken") from exc
        if not line:
            raise StoreError(f"de server van {self.database} stopte tijdens het lezen")
        message = json.loads(line)
        if "fout" in message:
            raise jobhost.decode_error(message["fout"])
        return dict(message)

    def execute(self, sql: str, parameters: Any = None) -> RemoteConnection:
        self._send({"sql": sql, "params": wire.encode(parameters)})
        answer = self._receive()
        if "duckdbfout" in answer:
            name, text = answer["duckdbfout"]
            cls = getattr(duckdb, str(name), duckdb.Error)
            raise (cls if isinstance(cls, type) and issubclass(cls, duckdb.Error) else duckdb.Error)(text)
        self._rows = [tuple(r) for r in wire.decode(answer["rijen"])]
        self._pos = 0
        self.description = [(name, kind, None, None, None, None, None) for name, kind in answer["kolommen"]] \
            or None
        return self

    def executemany(self, sql: str, parameters: list[Any]) -> RemoteConnection:
        for p in parameters:
            self.execute(sql, p)
        return self

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._pos = self._rows[self._pos:], len(self._rows)
        return rows

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._pos >= len(self._rows):
            return None
        self._pos += 1
        return self._rows[self._pos - 1]

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        rows = self._rows[self._pos:self._pos + size]
        self._pos += len(rows)
        return rows

    def cursor(self) -> RemoteConnection:
        """The same session (one snapshot): closing a cursor leaves the connection open."""
        return _Cursor(self)

    def close(self) -> None:
        self._file.close()
        self._sock.close()


class _Cursor(RemoteConnection):
    def __init__(self, parent: RemoteConnection) -> None:
        self.__dict__.update(parent.__dict__)

    def close(self) -> None:
        return None


def read_connection(database: str | Path) -> duckdb.DuckDBPyConnection:
    """The database for reading: through the serving process when it hosts the jobs (and so holds the file),
    else opened read-only here."""
    target = str(database)
    if target != ":memory:":
        sock = jobhost.connect_socket(Path(target))
        if sock is not None:
            return cast(duckdb.DuckDBPyConnection, RemoteConnection(target, sock))
    return store.connect(target, read_only=True)
