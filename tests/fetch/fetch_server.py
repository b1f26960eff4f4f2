"""A real HTTP server on 127.0.0.1 with scripted behaviours, for testing `digibudget.fetch` without the network.

Each path has a queue of one-shot behaviours (consumed in order) and an optional default behaviour used once the
queue is empty. Unknown paths answer 404. Every request is recorded (method, path, query, headers).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "fetch"

Behaviour = Callable[["Handler"], None]


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class Script:
    queues: dict[str, deque[Behaviour]] = field(default_factory=dict)
    defaults: dict[str, Behaviour] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() joins every request thread: a clean shutdown
    block_on_close = True
    script: Script

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if exc is not None:
            self.script.errors.append(exc)


class Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: a truncated body really ends the connection

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        script = self.server.script
        with script.lock:
            script.requests.append(Recorded("GET", parts.path, parse_qs(parts.query),
                                            {k.lower(): v for k, v in self.headers.items()}))
            queue = script.queues.get(parts.path)
            behaviour = queue.popleft() if queue else script.defaults.get(parts.path)
        if behaviour is None:
            status(404, body=b"not found")(self)
        else:
            behaviour(self)

    # helpers used by behaviours
    def send(self, code: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


# ---- behaviours ---------------------------------------------------------------------------------------------

_RANGE_RE = re.compile(r"^bytes=(\d+)-$")


def serve(data: bytes, *, ranges: bool = True, etag: str | None = '"v1"',
          content_type: str = "application/octet-stream") -> Behaviour:
    """Serve `data`; with `ranges`, answer ``Range: bytes=N-`` with 206 (honouring If-Range against `etag`)."""

    def behaviour(h: Handler) -> None:
        headers = {"Content-Type": content_type, "Last-Modified": "Mon, 03 Jun 2024 10:00:00 GMT"}
        if etag:
            headers["ETag"] = etag
        if ranges:
            headers["Accept-Ranges"] = "bytes"
        match = _RANGE_RE.match(h.headers.get("Range", ""))
        if_range = h.headers.get("If-Range")
        if ranges and match and (if_range is None or if_range == etag):
            start = int(match.group(1))
            if start >= len(data):
                h.send(416, {"Content-Range": f"bytes */{len(data)}"}, b"")
                return
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            h.send(206, headers, data[start:])
            return
        h.send(200, headers, data)

    return behaviour


def truncated(data: bytes, *, keep: int | None = None) -> Behaviour:
    """Announce the full length with 200 but send only `keep` bytes (default: half), then close the connection."""

    def behaviour(h: Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(len(data)))
        h.send_header("ETag", '"v1"')
        h.end_headers()
        h.wfile.write(data[: len(data) // 2 if keep is None else keep])
        h.wfile.flush()
        h.close_connection = True

    return behaviour


def status(code: int, *, headers: dict[str, str] | None = None, body: bytes = b"") -> Behaviour:
    def behaviour(h: Handler) -> None:
        h.send(code, dict(headers or {}), body)

    return behaviour


def wrong_content_range(data: bytes) -> Behaviour:
    """Answer any request with 206 for the whole file (Content-Range starting at 0), whatever range was asked."""

    def behaviour(h: Handler) -> None:
        h.send(206, {"Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}"}, data)

    return behaviour


def slow(seconds: float, then: Behaviour) -> Behaviour:
    def behaviour(h: Handler) -> None:
        time.sleep(seconds)
        then(h)

    return behaviour


def redirect(location: str) -> Behaviour:
    def behaviour(h: Handler) -> None:
        h.send(302, {"Location": location}, b"")

    return behaviour


def odata_pages(pages: list[Path], *, expected_filter: str, expected_expand: str = "Kamerstukdossier") -> Behaviour:
    """The ``Document`` entity set: page 1 when the query matches what the client must send, later pages by
    ``$skiptoken=page{n}``. ``{BASE}`` in the fixture JSON becomes the service root (the folder of the request)."""

    def behaviour(h: Handler) -> None:
        query = parse_qs(urlsplit(h.path).query, keep_blank_values=True)
        token = query.get("$skiptoken", [None])[0]
        if token is None:
            if query.get("$filter") != [expected_filter] or query.get("$expand") != [expected_expand]:
                error = {"error": {"code": "BadRequest", "message": f"unexpected query {query!r}"}}
                h.send(400, {"Content-Type": "application/json"}, json.dumps(error).encode())
                return
            index = 0
        else:
            index = int(token.removeprefix("page")) - 1
        service_root = h.base_url + urlsplit(h.path).path.lstrip("/").rsplit("/", 1)[0] + "/"
        text = pages[index].read_text(encoding="utf-8").replace("{BASE}", service_root)
        h.send(200, {"Content-Type": "application/json; odata.metadata=minimal"}, text.encode("utf-8"))

    return behaviour


# ---- the server -------------------------------------------------------------------------------------------------


class LocalServer:
    def __init__(self) -> None:
        self.script = Script()
        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._httpd.script = self.script
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fetch-test-server", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/"

    def url(self, path: str) -> str:
        return self.base_url + path.lstrip("/")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def close_unstarted(self) -> None:
        """Release the port of a server that was never started (to get a URL nothing listens on)."""
        self._httpd.server_close()

    def add(self, path: str, *behaviours: Behaviour, default: Behaviour | None = None) -> None:
        """Queue one-shot behaviours for `path`, then `default` for every later request."""
        with self.script.lock:
            self.script.queues.setdefault(path, deque()).extend(behaviours)
            if default is not None:
                self.script.defaults[path] = default

    def requests_for(self, path: str) -> list[Recorded]:
        with self.script.lock:
            return [r for r in self.script.requests if r.path == path]

    @property
    def unexpected_errors(self) -> list[BaseException]:
        """Exceptions raised in request threads, except a client hanging up (expected in timeout tests)."""
        return [e for e in self.script.errors if not isinstance(e, ConnectionError)]


class SleepRecorder:
    """Stands in for time.sleep: records the delays instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def conditional(data: bytes, *, etag: str | None = '"v1"',
                last_modified: str | None = "Mon, 30 Nov 2026 10:00:00 GMT") -> Behaviour:
    """Serve `data`, answering 304 Not Modified when the request's If-None-Match names `etag` (or, without an ETag,
    when If-Modified-Since equals `last_modified`)."""

    def behaviour(h: Handler) -> None:
        headers = {"Content-Type": "text/csv"}
        if etag:
            headers["ETag"] = etag
        if last_modified:
            headers["Last-Modified"] = last_modified
        if (etag and h.headers.get("If-None-Match") == etag) or (
                not etag and last_modified and h.headers.get("If-Modified-Since") == last_modified):
            h.send(304, headers, b"")
            return
        h.send(200, headers, data)

    return behaviour
