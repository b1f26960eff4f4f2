"""Fixtures for the fetch tests: a local scripted HTTP server, no sleeping, and no network beyond 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from fetch_server import LocalServer, SleepRecorder

_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def _only_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse any outgoing connection that is not to 127.0.0.1, and ignore proxy settings."""
    for name in _PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
    real = socket.create_connection

    def guarded(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        if address[0] not in ("127.0.0.1", "localhost"):
            raise OSError(f"tests may not connect to {address[0]}")
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)


@pytest.fixture
def server() -> Iterator[LocalServer]:
    srv = LocalServer()
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()
    assert srv.unexpected_errors == []


@pytest.fixture
def no_sleep() -> SleepRecorder:
    return SleepRecorder()
