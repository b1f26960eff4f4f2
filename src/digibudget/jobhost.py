"""The job host: the serving process runs the writing jobs (docs/updates.md, "The server hosts the jobs").

DuckDB admits one process with a file open for writing and no reader process beside it. When `digibudget serve`
hosts jobs (setting serve_hosts_jobs), it opens the database read-write once; the dashboard reads through cursors
of that one connection (each request its own transaction: an MVCC snapshot) and the writing jobs of the command line
run in the same process, handed over a Unix domain socket beside the database (``.<db>.taak.sock``, mode 0600: the
file permissions are the access control; there is no HTTP endpoint). So a load while serving needs no copy of the
file, a reader sees the state before a job's COMMIT or after it, and a crash leaves the state before or after
(DuckDB's write-ahead log).

Protocol: one JSON request per connection (``{"taak": "ingest", "args": {...}}``), answered with JSON lines: progress
events (``{"voortgang": [what, done, total]}``), then one ``{"resultaat": ...}`` or one ``{"fout": ...}``. A library
error raised in the server travels back as its class name, message, expected text, location and exit code, and is
raised again in the client as the same class (``decode_error``), so the command line's one error edge prints it as
when it runs the job itself.

This module knows nothing of what a job does: the runner (jobs.py) is handed to ``JobHost``.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb

from . import wire
from .errors import DigibudgetError, Location, StoreError

# a job: (its name, its arguments, a progress callback) -> its result (JSON-able)
Progress = Callable[[str, int, int], None]
Runner = Callable[[str, dict[str, Any], Progress], dict[str, Any]]
# a reading session (remote.py): a cursor of the serving process's connection
CursorFactory = Callable[[], duckdb.DuckDBPyConnection]

READ = "lezen"  # the request that opens a reading session instead of running a job

_MAX_REQUEST = 1 << 20  # bytes of one request (paths and options)


def socket_path(database: str | Path) -> Path:
    """The job host's socket beside the database file."""
    p = Path(database)
    return p.with_name(f".{p.name}.taak.sock")


def _connect(path: Path, timeout: float | None = 2.0) -> socket.socket | None:
    """A connection to the job host of ``path``, or None when none answers (no socket file, a stale one left by a
    killed server, or a path too long for a Unix socket)."""
    sock_file = socket_path(path)
    if not sock_file.exists():
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(str(sock_file))
    except OSError:
        sock.close()
        return None
    sock.settimeout(None)
    return sock


def hosted(database: str | Path) -> bool:
    """Whether a serving process hosts the jobs of this database (its socket answers)."""
    sock = _connect(Path(database))
    if sock is None:
        return False
    sock.close()
    return True


def encode_error(exc: BaseException) -> dict[str, Any]:
    """A job's error as it travels back to the client."""
    if isinstance(exc, DigibudgetError):
        loc = exc.location
        return {"klasse": type(exc).__name__, "bericht": exc.message, "verwacht": exc.expected,
                "afsluitcode": exc.exit_code,
                "locatie": None if loc is None else {"path": loc.path, "row": loc.row, "column": loc.column}}
    return {"klasse": "StoreError", "bericht": f"de taak mislukte in de server ({type(exc).__name__})",
            "verwacht": None, "afsluitcode": StoreError.exit_code, "locatie": None}


def _error_classes() -> dict[str, type[DigibudgetError]]:
    found: dict[str, type[DigibudgetError]] = {}
    todo: list[type[DigibudgetError]] = [DigibudgetError]
    while todo:
        cls = todo.pop()
        found.setdefault(cls.__name__, cls)
        todo.extend(cls.__subclasses__())
    return found


def decode_error(data: dict[str, Any]) -> DigibudgetError:
    """The error the server sent, as the same library error class (a class this process does not know becomes a
    DigibudgetError with the same exit code)."""
    cls = _error_classes().get(str(data.get("klasse")), DigibudgetError)
    exc = cls.__new__(cls)
    loc = data.get("locatie")
    DigibudgetError.__init__(exc, str(data.get("bericht", "")), expected=data.get("verwacht"),
                             location=Location(loc.get("path"), loc.get("row"), loc.get("column"))
                             if isinstance(loc, dict) else None)
    code = data.get("afsluitcode")
    if isinstance(code, int) and code != exc.exit_code:
        exc.exit_code = code
    return exc


def _lines(sock: socket.socket) -> Iterator[dict[str, Any]]:
    with sock.makefile("r", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def call(database: str | Path, taak: str, args: dict[str, Any], progress: Progress | None = None
         ) -> dict[str, Any] | None:
    """Run the job ``taak`` in the serving process of ``database``; None when no serving process hosts its jobs
    (the caller then runs the job itself). Raises the job's library error as the same class."""
    sock = _connect(Path(database))
    if sock is None:
        return None
    with sock:
        sock.sendall(json.dumps({"taak": taak, "args": args}).encode() + b"\n")
        sock.shutdown(socket.SHUT_WR)
        try:
            for message in _lines(sock):
                if "voortgang" in message and progress is not None:
                    what, done, total = message["voortgang"]
                    progress(str(what), int(done), int(total))
                elif "resultaat" in message:
                    return dict(message["resultaat"])
                elif "fout" in message:
                    raise decode_error(message["fout"])
        except (OSError, ValueError) as exc:
            raise StoreError(f"de verbinding met de server van {database} brak af tijdens de taak",
                             expected="kijk met 'digibudget sources' of de taak is uitgevoerd") from exc
    raise StoreError(f"de server van {database} stopte tijdens de taak",
                     expected="kijk met 'digibudget sources' of de taak is uitgevoerd")


class JobHost:
    """Serves ``runner`` on the socket beside ``database``, one job at a time, in a thread of this process.
    ``generation`` counts the jobs that ended: the web cache keys on it (a job writes in the file that the readers
    read, so the file's own stamp changes in the middle of a job)."""

    def __init__(self, database: str | Path, runner: Runner, reader: CursorFactory | None = None) -> None:
        self.database = str(database)
        self.path = socket_path(database)
        self.runner = runner
        self.reader = reader
        self.generation = 0
        self._busy = threading.Lock()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Bind the socket (mode 0600; a stale file left by a killed server is removed) and serve it in a thread."""
        if _connect(Path(self.database), timeout=0.5) is not None:
            raise StoreError(f"een andere server host al de taken van {self.database}")
        self.path.unlink(missing_ok=True)  # stale: nothing answers on it
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            sock.bind(str(self.path))
        except OSError as exc:
            sock.close()
            raise StoreError(f"kan de taaksocket {self.path} niet maken ({type(exc).__name__})",
                             expected="een korter pad naar de database (een Unix-socket heeft ten hoogste 107 "
                                      "tekens)") from exc
        finally:
            os.umask(old)
        os.chmod(self.path, 0o600)
        sock.listen(8)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, name="digibudget-taken", daemon=True)
        self._thread.start()

    def stop(self, wait: float = 600.0) -> None:
        """Stop accepting jobs, remove the socket file and wait (at most ``wait`` seconds) for a running job to
        end, so that it ends whole; one that does not is rolled back when the process ends."""
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.path.unlink(missing_ok=True)
        if self._busy.acquire(timeout=wait):
            self._busy.release()

    def _serve(self) -> None:
        while self._sock is not None:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), name="digibudget-taak", daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rb") as reader:
            def send(message: dict[str, Any]) -> None:
                with contextlib.suppress(OSError):  # a client that went away: the job still ends whole
                    conn.sendall(json.dumps(message, default=str).encode() + b"\n")

            try:
                line = reader.readline(_MAX_REQUEST)
            except OSError:
                return
            if not line.strip():
                return  # a probe (``hosted``): nothing asked
            try:
                request = json.loads(line)
                taak, args = str(request.get("taak", "")), dict(request.get("args") or {})
            except (ValueError, AttributeError, TypeError) as exc:
                send({"fout": encode_error(StoreError("onleesbaar taakverzoek", expected=f"JSON ({exc})"))})
                return
            if taak == READ and self.reader is not None:
                self._read(reader, send)
                return
            if not self._busy.acquire(blocking=False):
                send({"fout": encode_error(StoreError(
                    f"een andere taak schrijft in {self.database}; probeer het opnieuw als die klaar is"))})
                return
            try:
                answer = {"resultaat": self.runner(taak, args, lambda what, done, total: send(
                    {"voortgang": [what, done, total]}))}
            except BaseException as exc:  # every failure goes back to the client
                answer = {"fout": encode_error(exc)}
            finally:
                # whatever the job committed is what readers see from now on: the web cache moves on before the
                # client hears that the job ended, so its next request shows the new state
                self.generation += 1
                self._busy.release()
            send(answer)

    def _read(self, reader: Any, send: Callable[[dict[str, Any]], None]) -> None:
        """A reading session (remote.RemoteConnection): one snapshot (a transaction that is never committed, so
        nothing a session does stays) for all the statements of one command, one JSON line per statement and per
        answer. Runs beside a job: a reader never waits for one."""
        assert self.reader is not None
        cur = self.reader()
        try:
            cur.execute("BEGIN TRANSACTION")
            send({"klaar": True})
            while line := reader.readline(_MAX_REQUEST):
                request = json.loads(line)
                try:
                    cur.execute(str(request["sql"]), wire.decode(request.get("params")))
                    columns = [[d[0], str(d[1])] for d in cur.description or []]
                    rows = cur.fetchall() if cur.description else []
                except duckdb.Error as exc:
                    send({"duckdbfout": [type(exc).__name__, str(exc)]})
                    continue
                send({"kolommen": columns, "rijen": wire.encode(rows)})
        except (OSError, ValueError, KeyError, TypeError):
            return  # the client went away or sent nonsense: the session ends
        finally:
            with contextlib.suppress(duckdb.Error):
                cur.execute("ROLLBACK")
            cur.close()


def connect_socket(path: Path) -> socket.socket | None:
    """A connection to the job host of the database at ``path`` (remote.py opens a reading session on it), or None."""
    return _connect(path)
