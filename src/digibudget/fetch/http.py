"""Robust, traceable download of one file over HTTP(S).

Long because: one download protocol (retries and backoff, resume with validators, the .part file, the checksum
and its sidecar) whose steps share the part file's state; split, a step would need the others to be read.

`download()` streams a URL to ``<dest_dir>/<name>.part``, hashing the bytes as they arrive, then renames the part
file atomically to ``<dest_dir>/<name>`` and writes ``<name>.provenance.json`` next to it.

* Retries with exponential backoff on connection errors, timeouts, HTTP 429 and 5xx (``Retry-After`` is honoured up to
  a cap); never on other 4xx. 404/410 raise `NotPublishedError`.
* An interrupted transfer resumes from the ``.part`` file with ``Range: bytes=N-`` (guarded by ``If-Range``
  when the server gave a strong ETag or a Last-Modified date). A 206 answer must carry a matching
  ``Content-Range``; a server that ignores the range and answers 200 makes the download restart from zero.
* A file already present whose sidecar sha256 matches its bytes is not fetched again (``cached=True``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from .. import __version__
from ..errors import FetchError, UsageError, reason
from ..filehash import hash_into

ProgressCallback = Callable[[int, int | None], None]
"""Called with (bytes received so far, total bytes or None when unknown)."""

SleepFunction = Callable[[float], None]

USER_AGENT = f"digibudget/{__version__}"
DEFAULT_MAX_RETRY_AFTER = 120.0
DEFAULT_BACKOFF_BASE = 1.0
DEFAULT_BACKOFF_MAX = 60.0
_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_CONTENT_RANGE_RE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+|\*)\s*$", re.IGNORECASE)


class DownloadError(FetchError):
    """A download failed; carries the URL, the last HTTP status (if any) and the number of attempts made."""

    def __init__(self, message: str, *, url: str, status: int | None = None, attempts: int = 0,
                 expected: str | None = None):
        self.url = url
        self.status = status
        self.attempts = attempts
        super().__init__(message, expected=expected)


class NotPublishedError(DownloadError):
    """The server answered 404 or 410: the file is not (or no longer) published."""


@dataclass(frozen=True)
class FetchResult:
    """A file on disk and where it came from. `cached` is True when it was already present and not fetched again."""

    path: Path
    url: str
    final_url: str
    sha256: str
    size: int
    fetched_at: str
    etag: str | None
    last_modified: str | None
    resumed: bool
    attempts: int
    cached: bool = False

    def provenance(self) -> dict[str, Any]:
        """The sidecar content: every field except the local path and the cache flag."""
        data = asdict(self)
        del data["path"], data["cached"]
        return {"file": self.path.name, **data}


@dataclass(frozen=True)
class _Transfer:
    final_url: str
    sha256: str
    size: int
    etag: str | None
    last_modified: str | None
    resumed: bool


class _Retryable(Exception):
    """One attempt failed in a way that may succeed later."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


class _Fatal(Exception):
    """One attempt failed in a way retrying will not fix."""

    def __init__(self, reason: str, *, status: int | None = None, not_found: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.not_found = not_found


def provenance_path(path: Path) -> Path:
    """The sidecar that describes a downloaded file."""
    return path.with_name(path.name + ".provenance.json")


def part_path(path: Path) -> Path:
    """The file a download is streamed into before it is complete."""
    return path.with_name(path.name + ".part")


def _validator_path(path: Path) -> Path:
    return path.with_name(path.name + ".part.validator")


def filename_from_url(url: str) -> str:
    """The last path segment of a URL, percent-decoded; empty when the URL ends in a slash."""
    path = urlsplit(url).path
    return "" if path.endswith("/") else PurePosixPath(unquote(path)).name


def sha256_file(path: Path) -> str:
    """The sha256 of a downloaded file (OSError propagates: the caller reports it as a FetchError)."""
    digest = hashlib.sha256()
    hash_into(path, digest)
    return digest.hexdigest()


def make_client(timeout: float) -> httpx.Client:
    """An HTTP client with digibudget's defaults (redirects followed, identifying User-Agent)."""
    return httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT})


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise UsageError(f"geen http(s)-URL: {url!r}", expected="http://… of https://…")


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(attempt: int, retry_after: float | None, *, base: float = DEFAULT_BACKOFF_BASE,
                  max_retry_after: float = DEFAULT_MAX_RETRY_AFTER) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based)."""
    if retry_after is not None:
        return min(retry_after, max_retry_after)
    return float(min(base * 2 ** (attempt - 1), DEFAULT_BACKOFF_MAX))


def download(
    url: str,
    dest_dir: Path,
    *,
    timeout: float,
    retries: int,
    client: httpx.Client | None = None,
    expected_sha256: str | None = None,
    filename: str | None = None,
    sleep: SleepFunction = time.sleep,
    progress: ProgressCallback | None = None,
    backoff_base: float = DEFAULT_BACKOFF_BASE,
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
) -> FetchResult:
    """Download `url` into `dest_dir` and return what was stored.

    `timeout` is httpx's per-request timeout (connect, and each read/write). `retries` is the number of extra attempts
    after the first. `filename` overrides the name taken from the URL's last path segment. `sleep` is called between
    attempts (inject a no-op in tests). Raises `NotPublishedError` on 404/410 and `DownloadError` otherwise.
    """
    check_url(url)
    if retries < 0:
        raise UsageError(f"aantal nieuwe pogingen {retries}", expected="0 of meer")
    if timeout <= 0:
        raise UsageError(f"time-out {timeout}", expected="meer dan 0 seconden")
    expected = _normalise_sha256(expected_sha256)
    name = filename if filename is not None else filename_from_url(url)
    _check_filename(name, url)
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"kan downloadmap {dest_dir} niet maken: {reason(exc)}", url=url) from exc
    target = dest_dir / name

    cached = _cached_result(target, url, expected)
    if cached is not None:
        if progress is not None:
            progress(cached.size, cached.size)
        return cached

    http = client if client is not None else make_client(timeout)
    try:
        return _download(http, url, target, timeout=timeout, retries=retries, expected=expected, sleep=sleep,
                         progress=progress, backoff_base=backoff_base, max_retry_after=max_retry_after)
    finally:
        if client is None:
            http.close()


def _download(http: httpx.Client, url: str, target: Path, *, timeout: float, retries: int, expected: str | None,
              sleep: SleepFunction, progress: ProgressCallback | None, backoff_base: float,
              max_retry_after: float) -> FetchResult:
    part = part_path(target)
    last: _Retryable | None = None
    attempt = 0
    for attempt in range(1, retries + 2):
        try:
            transfer = _attempt(http, url, part, timeout, progress)
        except _Retryable as exc:
            last = exc
            if attempt <= retries:
                sleep(backoff_delay(attempt, exc.retry_after, base=backoff_base, max_retry_after=max_retry_after))
            continue
        except _Fatal as exc:
            plural = "poging" if attempt == 1 else "pogingen"
            if exc.not_found:
                raise NotPublishedError(
                    f"{url} is niet gepubliceerd (HTTP {exc.status}, niet gevonden) na {attempt} {plural}",
                    url=url, status=exc.status, attempts=attempt) from None
            raise DownloadError(f"download van {url} mislukt na {attempt} {plural}: {exc.reason}",
                                url=url, status=exc.status, attempts=attempt) from None
        return _finish(url, target, part, transfer, expected, attempt)
    assert last is not None
    status = f", laatste HTTP-status {last.status}" if last.status is not None else ""
    raise DownloadError(
        f"download van {url} mislukt na {attempt} {'poging' if attempt == 1 else 'pogingen'}{status}: {last.reason}",
        url=url, status=last.status, attempts=attempt)


def _attempt(http: httpx.Client, url: str, part: Path, timeout: float,
             progress: ProgressCallback | None) -> _Transfer:
    offset = part.stat().st_size if part.is_file() else 0
    headers = {"Accept-Encoding": "identity"}
    validator = _read_validator(part) if offset else None
    if offset:
        headers["Range"] = f"bytes={offset}-"
        if validator:
            headers["If-Range"] = validator
    try:
        with http.stream("GET", url, headers=headers, timeout=timeout, follow_redirects=True) as response:
            return _receive(response, part, offset, validator, progress)
    except httpx.TimeoutException as exc:
        raise _Retryable(f"time-out na {timeout:g} s ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:
        raise _Retryable(f"verbindingsfout ({type(exc).__name__})") from exc
    except httpx.RequestError as exc:  # too many redirects, undecodable response
        raise _Fatal(f"verzoek mislukt ({type(exc).__name__})") from exc
    except OSError as exc:  # the local disk, not the network
        raise _Fatal(f"kan {part} niet schrijven: {reason(exc)}") from exc


def _receive(response: httpx.Response, part: Path, offset: int, validator: str | None,
             progress: ProgressCallback | None) -> _Transfer:
    status = response.status_code
    if status in (404, 410):
        raise _Fatal(f"HTTP {status}", status=status, not_found=True)
    if status == 429 or 500 <= status <= 599:
        raise _Retryable(f"HTTP {status}", status=status,
                         retry_after=parse_retry_after(response.headers.get("Retry-After")))
    if status == 416 and offset:
        _discard(part)
        raise _Retryable("HTTP 416 voor het hervatte bereik; opnieuw vanaf het begin", status=status)
    if status not in (200, 206):
        raise _Fatal(f"onverwachte HTTP-status {status}", status=status)
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise _Fatal(f"de server stuurde Content-Encoding {encoding!r} terwijl identity was gevraagd", status=status)

    total: int | None
    etag = response.headers.get("ETag")
    last_modified = response.headers.get("Last-Modified")
    if status == 206:
        start, total = _check_content_range(response.headers.get("Content-Range"), offset, part)
        if offset and validator and etag and _strong(validator) and etag != validator:
            _discard(part)
            raise _Retryable("het bestand is op de server veranderd sinds de onderbroken poging; opnieuw vanaf het "
                             "begin")
        resumed = offset > 0
    else:  # 200: a full body, also when we asked for a range (the server ignored it)
        start, total = 0, _content_length(response)
        resumed = False
        _write_validator(part, etag, last_modified)

    digest = hashlib.sha256()
    if resumed:
        hash_into(part, digest)
    received = start
    if progress is not None:
        progress(received, total)
    with part.open("ab" if resumed else "wb") as out:
        for chunk in response.iter_raw():  # unbuffered: every byte received reaches the .part file
            out.write(chunk)
            digest.update(chunk)
            received += len(chunk)
            if progress is not None:
                progress(received, total)
        out.flush()
        os.fsync(out.fileno())
    if total is not None and received != total:
        if received > total:
            _discard(part)
            raise _Retryable(f"{received} bytes ontvangen waar {total} waren aangekondigd; opnieuw vanaf het begin")
        raise _Retryable(f"verbinding verbroken na {received} van {total} bytes")
    return _Transfer(final_url=str(response.url), sha256=digest.hexdigest(), size=received, etag=etag,
                     last_modified=last_modified, resumed=resumed)


def _check_content_range(header: str | None, offset: int, part: Path) -> tuple[int, int]:
    """Validate a 206 answer against the range asked for; returns (first byte, complete length)."""
    match = _CONTENT_RANGE_RE.match(header or "")
    if match is None:
        _discard(part)
        raise _Retryable(f"206-antwoord zonder leesbare Content-Range {header!r}; opnieuw vanaf het begin")
    start, end = int(match.group(1)), int(match.group(2))
    total = end + 1 if match.group(3) == "*" else int(match.group(3))
    if start != offset:
        _discard(part)
        raise _Retryable(f"Content-Range {header!r} begint niet bij de gevraagde byte {offset}; "
                         "opnieuw vanaf het begin")
    if end < start or end != total - 1:
        _discard(part)
        raise _Retryable(f"Content-Range {header!r} is niet de rest van het bestand; opnieuw vanaf het begin")
    return start, total


def _finish(url: str, target: Path, part: Path, transfer: _Transfer, expected: str | None,
            attempts: int) -> FetchResult:
    if expected is not None and transfer.sha256 != expected:
        _discard(part)
        raise DownloadError(
            f"controlegetal klopt niet voor {url}: sha256 {transfer.sha256} ontvangen; het bestand is niet bewaard",
            url=url, attempts=attempts, expected=f"sha256 {expected}")
    os.replace(part, target)
    _validator_path(part).unlink(missing_ok=True)
    result = FetchResult(
        path=target, url=url, final_url=transfer.final_url, sha256=transfer.sha256, size=transfer.size,
        fetched_at=datetime.now(UTC).replace(microsecond=0).isoformat(), etag=transfer.etag,
        last_modified=transfer.last_modified, resumed=transfer.resumed, attempts=attempts)
    _write_json_atomically(provenance_path(target), result.provenance())
    return result


def _cached_result(target: Path, url: str, expected: str | None) -> FetchResult | None:
    sidecar = provenance_path(target)
    if not (target.is_file() and sidecar.is_file()):
        return None
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        recorded = str(data["sha256"])
        result = FetchResult(
            path=target, url=str(data["url"]), final_url=str(data["final_url"]), sha256=recorded,
            size=int(data["size"]), fetched_at=str(data["fetched_at"]), etag=_opt_str(data.get("etag")),
            last_modified=_opt_str(data.get("last_modified")), resumed=bool(data["resumed"]),
            attempts=int(data["attempts"]), cached=True)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # an unreadable sidecar means: fetch again
    if result.url != url or (expected is not None and recorded != expected):
        return None
    if sha256_file(target) != recorded:
        return None
    return result


def _opt_str(value: object) -> str | None:
    return None if value is None else str(value)


def _content_length(response: httpx.Response) -> int | None:
    raw = response.headers.get("Content-Length")
    if raw is None or not raw.strip().isdigit():
        return None
    return int(raw)


def _strong(validator: str) -> bool:
    return validator.startswith('"')


def _write_validator(part: Path, etag: str | None, last_modified: str | None) -> None:
    """Remember what identifies this version of the file, for If-Range when resuming."""
    path = _validator_path(part)
    value = etag if etag and _strong(etag) else last_modified
    if value:
        path.write_text(value, encoding="utf-8")
    else:
        path.unlink(missing_ok=True)


def _read_validator(part: Path) -> str | None:
    try:
        value = _validator_path(part).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return value or None


def _discard(part: Path) -> None:
    part.unlink(missing_ok=True)
    _validator_path(part).unlink(missing_ok=True)


def _write_json_atomically(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _normalise_sha256(value: str | None) -> str | None:
    if value is None:
        return None
    normalised = value.strip().lower()
    if not _SHA256_RE.match(normalised):
        raise UsageError(f"geen sha256-controlegetal: {value!r}", expected="64 hexadecimale tekens")
    return normalised


def _check_filename(name: str, url: str) -> None:
    if (not name or name in {".", ".."} or "/" in name or "\\" in name or "\x00" in name
            or len(name.encode("utf-8")) > 200):
        raise UsageError(f"geen veilige bestandsnaam af te leiden uit {url!r} (gevonden: {name!r})",
                         expected="een URL die eindigt op een bestandsnaam, of een expliciete bestandsnaam")
