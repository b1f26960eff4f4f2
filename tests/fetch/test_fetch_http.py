"""digibudget.fetch.http.download against a real local HTTP server with scripted misbehaviour."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fetch_server import (
    FIXTURES,
    LocalServer,
    SleepRecorder,
    redirect,
    serve,
    slow,
    status,
    truncated,
    wrong_content_range,
)

from digibudget.errors import FetchError, UsageError
from digibudget.fetch.http import (
    DownloadError,
    NotPublishedError,
    backoff_delay,
    download,
    parse_retry_after,
    part_path,
    provenance_path,
)

NAME = "Budgettaire_Tabellen_2024_O1_incl.csv"
DATA = (FIXTURES / NAME).read_bytes()
SHA = hashlib.sha256(DATA).hexdigest()
PATH = "/open_data/" + NAME


def test_plain_download_writes_file_sidecar_and_no_part(server: LocalServer, tmp_path: Path,
                                                         no_sleep: SleepRecorder) -> None:
    server.add(PATH, serve(DATA))
    result = download(server.url(PATH), tmp_path, timeout=5, retries=3, sleep=no_sleep)

    assert result.path == tmp_path / NAME
    assert result.path.read_bytes() == DATA
    assert (result.sha256, result.size, result.attempts) == (SHA, len(DATA), 1)
    assert (result.resumed, result.cached, result.etag) == (False, False, '"v1"')
    assert result.last_modified == "Mon, 03 Jun 2024 10:00:00 GMT"
    assert not part_path(result.path).exists()
    sidecar = json.loads(provenance_path(result.path).read_text(encoding="utf-8"))
    assert sidecar == {"file": NAME, "url": server.url(PATH), "final_url": server.url(PATH), "sha256": SHA,
                       "size": len(DATA), "fetched_at": result.fetched_at, "etag": '"v1"',
                       "last_modified": "Mon, 03 Jun 2024 10:00:00 GMT", "resumed": False, "attempts": 1}
    fetched_at = datetime.fromisoformat(sidecar["fetched_at"])
    assert fetched_at.utcoffset() == UTC.utcoffset(None)
    assert no_sleep.calls == []
    assert server.requests_for(PATH)[0].headers["accept-encoding"] == "identity"
    assert "range" not in server.requests_for(PATH)[0].headers


def test_existing_file_with_matching_sidecar_is_not_fetched_again(server: LocalServer, tmp_path: Path,
                                                                   no_sleep: SleepRecorder) -> None:
    server.add(PATH, default=serve(DATA))
    first = download(server.url(PATH), tmp_path, timeout=5, retries=0, sleep=no_sleep)
    second = download(server.url(PATH), tmp_path, timeout=5, retries=0, sleep=no_sleep)

    assert second.cached and not first.cached
    assert (second.sha256, second.fetched_at, second.path) == (first.sha256, first.fetched_at, first.path)
    assert len(server.requests_for(PATH)) == 1


def test_changed_local_file_is_fetched_again(server: LocalServer, tmp_path: Path,
                                             no_sleep: SleepRecorder) -> None:
    server.add(PATH, default=serve(DATA))
    first = download(server.url(PATH), tmp_path, timeout=5, retries=0, sleep=no_sleep)
    first.path.write_bytes(b"tampered")
    again = download(server.url(PATH), tmp_path, timeout=5, retries=0, sleep=no_sleep)

    assert not again.cached
    assert again.path.read_bytes() == DATA
    assert len(server.requests_for(PATH)) == 2


def test_interrupted_transfer_resumes_with_range_and_206(server: LocalServer, tmp_path: Path,
                                                         no_sleep: SleepRecorder) -> None:
    server.add(PATH, truncated(DATA), default=serve(DATA))
    progress: list[tuple[int, int | None]] = []
    result = download(server.url(PATH), tmp_path, timeout=5, retries=3, sleep=no_sleep,
                      progress=lambda done, total: progress.append((done, total)))

    assert result.path.read_bytes() == DATA
    assert result.sha256 == SHA  # hash covers the bytes from both attempts
    assert (result.resumed, result.attempts) == (True, 2)
    second = server.requests_for(PATH)[1]
    assert second.headers["range"] == f"bytes={len(DATA) // 2}-"
    assert second.headers["if-range"] == '"v1"'
    assert len(no_sleep.calls) == 1
    assert progress[-1] == (len(DATA), len(DATA))
    assert json.loads(provenance_path(result.path).read_text(encoding="utf-8"))["resumed"] is True


def test_leftover_part_file_from_an_earlier_run_is_resumed(server: LocalServer, tmp_path: Path,
                                                           no_sleep: SleepRecorder) -> None:
    server.add(PATH, serve(DATA))
    part_path(tmp_path / NAME).write_bytes(DATA[:1000])
    result = download(server.url(PATH), tmp_path, timeout=5, retries=0, sleep=no_sleep)

    assert result.path.read_bytes() == DATA
    assert (result.resumed, result.attempts, result.sha256) == (True, 1, SHA)
    assert server.requests_for(PATH)[0].headers["range"] == "bytes=1000-"


def test_server_that_ignores_range_restarts_from_zero(server: LocalServer, tmp_path: Path,
                                                      no_sleep: SleepRecorder) -> None:
    server.add(PATH, serve(DATA, ranges=False))
    part_path(tmp_path / NAME).write_bytes(b"stale bytes of some older attempt")
    result = download(server.url(PATH), tmp_path, timeout=5, retries=0, sleep=no_sleep)

    assert server.requests_for(PATH)[0].headers["range"].startswith("bytes=")
    assert result.path.read_bytes() == DATA  # not appended to the stale part
    assert (result.resumed, result.sha256) == (False, SHA)


def test_206_with_a_content_range_for_the_wrong_offset_is_not_appended(server: LocalServer, tmp_path: Path,
                                                                       no_sleep: SleepRecorder) -> None:
    server.add(PATH, wrong_content_range(DATA), default=serve(DATA))
    part_path(tmp_path / NAME).write_bytes(DATA[:500])
    result = download(server.url(PATH), tmp_path, timeout=5, retries=2, sleep=no_sleep)

    assert result.path.read_bytes() == DATA
    assert (result.attempts, result.resumed) == (2, False)
    assert "range" not in server.requests_for(PATH)[1].headers  # the bad part was discarded


def test_complete_part_answered_with_416_restarts_from_zero(server: LocalServer, tmp_path: Path,
                                                            no_sleep: SleepRecorder) -> None:
    server.add(PATH, default=serve(DATA))
    part_path(tmp_path / NAME).write_bytes(DATA)  # complete, but the rename never happened
    result = download(server.url(PATH), tmp_path, timeout=5, retries=1, sleep=no_sleep)

    assert result.path.read_bytes() == DATA
    assert result.attempts == 2
    assert [r.headers.get("range") for r in server.requests_for(PATH)] == [f"bytes={len(DATA)}-", None]


def test_file_changed_on_server_between_attempts_is_not_spliced(server: LocalServer, tmp_path: Path,
                                                                no_sleep: SleepRecorder) -> None:
    newer = DATA.replace(b"536087", b"536088")
    server.add(PATH, truncated(DATA), serve(newer, etag='"v2"'))  # first attempt saw ETag "v1"
    result = download(server.url(PATH), tmp_path, timeout=5, retries=1, sleep=no_sleep)

    assert server.requests_for(PATH)[1].headers["if-range"] == '"v1"'
    assert result.path.read_bytes() == newer  # If-Range made the server send the whole new version
    assert (result.resumed, result.etag) == (False, '"v2"')


def test_503_then_success_is_retried_with_backoff(server: LocalServer, tmp_path: Path,
                                                  no_sleep: SleepRecorder) -> None:
    server.add(PATH, status(503), status(502), serve(DATA))
    result = download(server.url(PATH), tmp_path, timeout=5, retries=3, sleep=no_sleep, backoff_base=0.5)

    assert result.path.read_bytes() == DATA
    assert result.attempts == 3
    assert no_sleep.calls == [0.5, 1.0]  # exponential


def test_persistent_5xx_gives_up_with_url_status_and_attempts(server: LocalServer, tmp_path: Path,
                                                              no_sleep: SleepRecorder) -> None:
    server.add(PATH, default=status(500))
    with pytest.raises(DownloadError) as info:
        download(server.url(PATH), tmp_path, timeout=5, retries=2, sleep=no_sleep)

    err = info.value
    assert isinstance(err, FetchError) and err.exit_code == 5
    assert (err.status, err.attempts, err.url) == (500, 3, server.url(PATH))
    assert server.url(PATH) in str(err) and "3 pogingen" in str(err) and "HTTP-status 500" in str(err)
    assert len(server.requests_for(PATH)) == 3
    assert len(no_sleep.calls) == 2  # no sleep after the last attempt
    assert not (tmp_path / NAME).exists()


def test_429_honours_retry_after_up_to_the_cap(server: LocalServer, tmp_path: Path,
                                               no_sleep: SleepRecorder) -> None:
    server.add(PATH, status(429, headers={"Retry-After": "7"}), status(429, headers={"Retry-After": "3600"}),
               serve(DATA))
    result = download(server.url(PATH), tmp_path, timeout=5, retries=3, sleep=no_sleep, max_retry_after=30)

    assert result.attempts == 3
    assert no_sleep.calls == [7.0, 30.0]


def test_404_is_not_retried_and_says_not_published(server: LocalServer, tmp_path: Path,
                                                   no_sleep: SleepRecorder) -> None:
    with pytest.raises(NotPublishedError) as info:
        download(server.url(PATH), tmp_path, timeout=5, retries=3, sleep=no_sleep)

    assert "niet gepubliceerd" in str(info.value) and "404" in str(info.value)
    assert (info.value.status, info.value.attempts) == (404, 1)
    assert len(server.requests_for(PATH)) == 1 and no_sleep.calls == []


def test_other_4xx_is_not_retried(server: LocalServer, tmp_path: Path, no_sleep: SleepRecorder) -> None:
    server.add(PATH, default=status(403))
    with pytest.raises(DownloadError) as info:
        download(server.url(PATH), tmp_path, timeout=5, retries=3, sleep=no_sleep)

    assert not isinstance(info.value, NotPublishedError)
    assert info.value.status == 403 and "403" in str(info.value)
    assert len(server.requests_for(PATH)) == 1


def test_checksum_mismatch_keeps_nothing(server: LocalServer, tmp_path: Path, no_sleep: SleepRecorder) -> None:
    server.add(PATH, serve(DATA))
    wrong = "0" * 64
    with pytest.raises(DownloadError) as info:
        download(server.url(PATH), tmp_path, timeout=5, retries=3, sleep=no_sleep, expected_sha256=wrong)

    assert "controlegetal klopt niet" in str(info.value) and wrong in str(info.value) and SHA in str(info.value)
    assert list(tmp_path.iterdir()) == []
    assert len(server.requests_for(PATH)) == 1


def test_matching_expected_checksum_is_accepted(server: LocalServer, tmp_path: Path,
                                                no_sleep: SleepRecorder) -> None:
    server.add(PATH, serve(DATA))
    result = download(server.url(PATH), tmp_path, timeout=5, retries=0, sleep=no_sleep,
                      expected_sha256=SHA.upper())
    assert result.sha256 == SHA


def test_timeout_is_retried(server: LocalServer, tmp_path: Path, no_sleep: SleepRecorder) -> None:
    server.add(PATH, slow(0.3, serve(DATA)), default=serve(DATA))
    result = download(server.url(PATH), tmp_path, timeout=0.1, retries=1, sleep=no_sleep)

    assert result.attempts == 2 and result.path.read_bytes() == DATA


def test_connection_refused_fails_after_retries(tmp_path: Path, no_sleep: SleepRecorder) -> None:
    srv = LocalServer()  # bound, never started, then closed: nothing listens on the port
    url = srv.url(PATH)
    srv.close_unstarted()
    with pytest.raises(DownloadError) as info:
        download(url, tmp_path, timeout=1, retries=2, sleep=no_sleep)

    assert info.value.attempts == 3 and info.value.status is None
    assert "verbindingsfout" in str(info.value)


def test_redirect_is_followed_and_final_url_recorded(server: LocalServer, tmp_path: Path,
                                                     no_sleep: SleepRecorder) -> None:
    server.add("/moved/" + NAME, redirect(server.url(PATH)))
    server.add(PATH, serve(DATA))
    result = download(server.url("/moved/" + NAME), tmp_path, timeout=5, retries=0, sleep=no_sleep)

    assert result.url == server.url("/moved/" + NAME)
    assert result.final_url == server.url(PATH)
    assert result.path.name == NAME


def test_explicit_filename_and_unsafe_names(server: LocalServer, tmp_path: Path, no_sleep: SleepRecorder) -> None:
    server.add("/Document(abc)/resource", serve(b"%PDF"))
    result = download(server.url("/Document(abc)/resource"), tmp_path, timeout=5, retries=0, sleep=no_sleep,
                      filename="abc.pdf")
    assert result.path == tmp_path / "abc.pdf"

    with pytest.raises(UsageError):
        download(server.url("/dir/"), tmp_path, timeout=5, retries=0, sleep=no_sleep)
    with pytest.raises(UsageError):
        download(server.url(PATH), tmp_path, timeout=5, retries=0, sleep=no_sleep, filename="../escape.csv")
    with pytest.raises(UsageError):
        download("ftp://example.org/x.csv", tmp_path, timeout=5, retries=0, sleep=no_sleep)
    with pytest.raises(UsageError):
        download(server.url(PATH), tmp_path, timeout=5, retries=0, sleep=no_sleep, expected_sha256="abc")


def test_injected_client_is_used_and_left_open(server: LocalServer, tmp_path: Path,
                                               no_sleep: SleepRecorder) -> None:
    server.add(PATH, serve(DATA))
    with httpx.Client(headers={"User-Agent": "custom-agent"}) as client:
        download(server.url(PATH), tmp_path, timeout=5, retries=0, sleep=no_sleep, client=client)
        assert not client.is_closed
    assert server.requests_for(PATH)[0].headers["user-agent"] == "custom-agent"


def test_retry_after_parsing_and_backoff() -> None:
    now = datetime(2024, 6, 3, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("Mon, 03 Jun 2024 10:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Mon, 03 Jun 2024 09:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert [backoff_delay(n, None, base=1.0) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert backoff_delay(20, None) == 60.0
    assert backoff_delay(1, 500.0, max_retry_after=120) == 120.0
