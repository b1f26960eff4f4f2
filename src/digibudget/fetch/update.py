"""Keep a database current: ask rijksfinancien.nl what is new, download only that, add it incrementally.

For every wanted bulk file (recent budget years x moments) one request: a file fetched before is asked for with its
recorded validators (``If-None-Match`` with the ETag, ``If-Modified-Since`` with Last-Modified, from the sidecar
``*.provenance.json``). ``304 Not Modified`` costs no download; a 200 whose bytes have the recorded sha256 is
unchanged too (a server without validators); 404/410 is a file not (yet) published; 429/5xx and a body shorter
than its Content-Length are tried again, as a first download is. A file the server still answers with an error is
'niet opgehaald' (FAILED, with the reason) and the others are asked for and loaded; a server that cannot be reached
stops the run. Only new or changed files are
then loaded, in one build: the derived tables are recomputed only where the new files reach (analyze.incremental).
An unchanged file whose bytes the database does not hold (its load failed or was interrupted after the download, or
another database is fed from the same folder) is loaded too: 'unchanged' is about the publisher, not the database.

A changed file replaces the earlier download only once it is loaded: until then the earlier bytes and their sidecar
are kept beside it (``previous_path``). When the readers refuse the new bytes, the earlier ones are put back, so
the file on disk is again the one the database holds (its rows stay traceable on the source page) and the next
update asks for the new version again; when the new bytes are loaded, the earlier copy is removed.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import httpx

from ..errors import SourceError, UsageError, reason
from ..filehash import sha256_of
from .http import (
    DownloadError,
    NotPublishedError,
    ProgressCallback,
    SleepFunction,
    _Retryable,
    backoff_delay,
    download,
    make_client,
    parse_retry_after,
    part_path,
    provenance_path,
)
from .rijksfinancien import FASES, bulk_file_name, bulk_file_url, validate_fase, validate_year

# what a check found, per file (the Dutch words are what the summary shows); PENDING: unchanged at the publisher
# but not (yet) in the database (mark_pending)
NEW, CHANGED, UNCHANGED, MISSING = "nieuw", "gewijzigd", "ongewijzigd", "niet gepubliceerd"
PENDING = "ongewijzigd, nog niet in de database"
FAILED = "niet opgehaald"  # the server answered this file with an error after the retries (Checked.error says which)


@dataclass(frozen=True)
class Checked:
    """One wanted bulk file after asking the server."""

    year: int
    fase: str
    url: str
    path: Path
    status: str  # NEW | CHANGED | UNCHANGED | MISSING | PENDING | FAILED
    size: int = 0
    http_status: int | None = None
    error: str | None = None  # FAILED: what went wrong, in Dutch
    previous: Path | None = None  # CHANGED (or its later load): the earlier download, kept until this one is loaded

    @property
    def fetched(self) -> bool:
        """To be loaded: new or changed at the publisher, or not yet in the database."""
        return self.status in (NEW, CHANGED, PENDING)


@dataclass
class UpdateReport:
    checked: list[Checked] = field(default_factory=list)
    loaded_files: int = 0
    moment: tuple[int, str] | None = None  # the latest budget moment the new files hold, for the summary
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, the reader's error), not loaded
    replaced: list[str] = field(default_factory=list)  # earlier versions of a republished file (versions.describe)

    @property
    def fetched(self) -> list[Checked]:
        return [c for c in self.checked if c.fetched]

    def count(self, status: str) -> int:
        return sum(1 for c in self.checked if c.status == status)


def recent_years(today: dt.date | None = None) -> list[int]:
    """The budget years whose files can still change: last year (jaarverslag in May), this year and next
    (ontwerpbegroting on Prinsjesdag)."""
    year = (today or dt.date.today()).year
    return [year - 1, year, year + 1]


def previous_path(path: Path) -> Path:
    """Where the earlier download of a changed file waits until the new one is loaded (no reader takes the suffix:
    ``ingest`` of the folder leaves it alone)."""
    return path.with_name(path.name + ".vorige")


def _kept(path: Path) -> Path | None:
    previous = previous_path(path)
    return previous if previous.is_file() else None


def _recorded(path: Path) -> dict[str, object] | None:
    sidecar = provenance_path(path)
    if not (path.is_file() and sidecar.is_file()):
        return None
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def check_file(http: httpx.Client, year: int, fase: str, url: str, dest_dir: Path, *, timeout: float,
               retries: int, sleep: SleepFunction = time.sleep, progress: ProgressCallback | None = None,
               name: str | None = None) -> Checked:
    """Ask for one file, conditionally when it was fetched before; download it only when it is new or changed.

    Long because: one conditional request with its retries, the streamed body and the swap of file, sidecar and
    earlier version are one transaction on disk, read best in one place."""
    target = dest_dir / (name or url.rsplit("/", 1)[-1])
    recorded = _recorded(target)
    if recorded is None or recorded.get("url") != url:
        try:
            result = download(url, dest_dir, timeout=timeout, retries=retries, client=http, sleep=sleep,
                              progress=progress, filename=target.name)
        except NotPublishedError as exc:
            return Checked(year, fase, url, target, MISSING, http_status=exc.status)
        return Checked(year, fase, url, target, UNCHANGED if result.cached else NEW, result.size, 200)
    headers = {"Accept-Encoding": "identity"}
    if recorded.get("etag"):
        headers["If-None-Match"] = str(recorded["etag"])
    if recorded.get("last_modified"):
        headers["If-Modified-Since"] = str(recorded["last_modified"])
    for attempt in range(1, retries + 2):
        try:
            with http.stream("GET", url, headers=headers, timeout=timeout, follow_redirects=True) as response:
                status = response.status_code
                if status == 304:
                    size = target.stat().st_size
                    if progress is not None:
                        progress(size, size)
                    return Checked(year, fase, url, target, UNCHANGED, size, 304, previous=_kept(target))
                if status in (404, 410):
                    return Checked(year, fase, url, target, MISSING, http_status=status)
                if status == 429 or 500 <= status <= 599:  # may succeed later, as fetch.http retries them
                    raise _Retryable(f"HTTP {status}", status=status,
                                     retry_after=parse_retry_after(response.headers.get("Retry-After")))
                if status != 200:
                    raise DownloadError(f"{url} antwoordde met HTTP {status}", url=url, status=status,
                                        attempts=attempt)
                encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
                if encoding not in ("", "identity"):
                    raise DownloadError(f"de server stuurde Content-Encoding {encoding!r} terwijl identity was "
                                        "gevraagd", url=url, status=status, attempts=attempt)
                part = part_path(target)
                total = int(response.headers.get("Content-Length", "0") or 0) or None
                done = 0
                with part.open("wb") as fh:
                    for chunk in response.iter_bytes():
                        fh.write(chunk)
                        done += len(chunk)
                        if progress is not None:
                            progress(done, total)
                if total is not None and done != total:
                    raise _Retryable(f"{done} bytes ontvangen waar {total} waren aangekondigd", status=status)
                etag, modified = response.headers.get("ETag"), response.headers.get("Last-Modified")
                final_url = str(response.url)
            break
        except (httpx.TimeoutException, httpx.TransportError, _Retryable) as exc:
            if attempt > retries:
                tries = "poging" if attempt == 1 else "pogingen"
                if isinstance(exc, _Retryable):
                    raise DownloadError(f"download van {url} mislukt na {attempt} {tries}: {exc.reason}", url=url,
                                        status=exc.status, attempts=attempt) from exc
                why = "time-out" if isinstance(exc, httpx.TimeoutException) else "verbinding mislukt"
                raise DownloadError(f"download van {url} mislukt na {attempt} {tries}: {why} ({type(exc).__name__})",
                                    url=url, attempts=attempt) from exc
            sleep(backoff_delay(attempt, exc.retry_after if isinstance(exc, _Retryable) else None))
        except OSError as exc:  # the local disk, not the network: no use asking for the other files
            raise DownloadError(f"kan {part_path(target)} niet schrijven: {reason(exc)}", url=url) from exc
    digest = sha256_of(part)
    unchanged = digest == recorded.get("sha256")
    sidecar = {**recorded, "url": url, "final_url": final_url, "sha256": digest, "size": done,
               "fetched_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), "etag": etag,
               "last_modified": modified, "resumed": False, "attempts": attempt}
    try:
        if not unchanged and _kept(target) is None:  # the earlier bytes stay until the new ones are loaded
            target.replace(previous_path(target))
            provenance_path(target).replace(provenance_path(previous_path(target)))
        part.replace(target)
        tmp = provenance_path(target).with_suffix(".tmp")
        tmp.write_text(json.dumps(sidecar, indent=2, ensure_ascii=False), encoding="utf-8")
        tmp.replace(provenance_path(target))
    except OSError as exc:
        raise DownloadError(f"kan {target} of zijn herkomstbestand niet schrijven: {reason(exc)}", url=url) from exc
    return Checked(year, fase, url, target, UNCHANGED if unchanged else CHANGED, done, 200, previous=_kept(target))


def settle_previous(checked: Checked, *, loaded: bool) -> bool:
    """After the load: drop the earlier download of a loaded file, or put it back (with its sidecar) when the new
    bytes were refused. Returns whether an earlier version was put back."""
    previous = checked.previous if checked.previous is not None and checked.previous.is_file() else None
    if previous is None:
        return False
    try:
        if loaded:
            previous.unlink()
            provenance_path(previous).unlink(missing_ok=True)
            return False
        previous.replace(checked.path)
        if provenance_path(previous).is_file():
            provenance_path(previous).replace(provenance_path(checked.path))
    except OSError as exc:
        raise DownloadError(f"kan de eerdere versie {previous} niet terugzetten of opruimen: {reason(exc)}",
                            url=checked.url) from exc
    return True


def check_budget_tables(years: Iterable[int], fases: Iterable[str], dest_dir: Path, *, base_url: str,
                        variant: str = "incl", timeout: float = 30.0, retries: int = 4,
                        client: httpx.Client | None = None, sleep: SleepFunction = time.sleep,
                        progress: Callable[[str], ProgressCallback] | None = None) -> list[Checked]:
    """Ask for every year x fase CSV bulk file; download only what is new or changed (see the module doc)."""
    wanted = [(validate_year(y), validate_fase(f)) for y in years for f in fases]
    if not wanted:
        raise UsageError("geef minstens een jaar en een moment")
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"kan downloadmap {dest_dir} niet maken: {reason(exc)}", url=base_url) from exc
    http = client if client is not None else make_client(timeout)
    out: list[Checked] = []
    try:
        asked = list(dict.fromkeys(wanted))
        for i, (year, fase) in enumerate(asked):
            name = bulk_file_name(year, fase, variant, "csv")
            url = bulk_file_url(year, fase, variant, "csv", base_url)
            try:
                out.append(check_file(http, year, fase, url, dest_dir, timeout=timeout, retries=retries, sleep=sleep,
                                      progress=progress(name) if progress is not None else None, name=name))
            except DownloadError as exc:
                if exc.status is None:  # the server cannot be reached (or the disk fails): asking on is no use
                    rest = [bulk_file_name(y, f, variant, "csv") for y, f in asked[i + 1:]]
                    if not rest:
                        raise
                    shown = ", ".join(rest[:5]) + (f" en {len(rest) - 5} meer" if len(rest) > 5 else "")
                    raise DownloadError(f"{exc.message}; daarom niet gevraagd: {len(rest)} andere "
                                        f"{'bestand' if len(rest) == 1 else 'bestanden'} ({shown})", url=exc.url,
                                        attempts=exc.attempts, expected=exc.expected) from exc
                # this file failed at the server (an HTTP error after the retries): the others are still asked for
                out.append(Checked(year, fase, url, dest_dir / name, FAILED, http_status=exc.status,
                                   error=exc.describe()))
    finally:
        if client is None:
            http.close()
    return out


def mark_pending(checked: Sequence[Checked], known: set[str]) -> list[Checked]:
    """The checked files, each unchanged one whose bytes (sha256, a source's identity) are not among ``known`` (the
    database's sources) marked PENDING, so that it is loaded after all."""
    out: list[Checked] = []
    for c in checked:
        if c.status == UNCHANGED and c.path.is_file() and _digest(c.path) not in known:
            c = replace(c, status=PENDING)
        out.append(c)
    return out


def _digest(path: Path) -> str:
    """The sha256 its sidecar recorded when the file was downloaded (and checked), else the file's own."""
    recorded = _recorded(path)
    sha = recorded.get("sha256") if recorded else None
    return sha if isinstance(sha, str) and len(sha) == 64 else sha256_of(path)


def known_digests(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The sha256 of every source in the database."""
    return {str(r[0]) for r in con.execute("SELECT sha256 FROM source").fetchall()}


def _refused_path(exc: SourceError, paths: Sequence[Path]) -> Path | None:
    """The file among ``paths`` that ``exc`` names, if any."""
    named = exc.location.path if exc.location is not None else None
    if not named:
        return None
    return next((p for p in paths if Path(named).resolve() == p.resolve()), None)


def _settle(report: UpdateReport) -> None:
    """The earlier downloads of changed files: removed where the new bytes were loaded, put back where they were
    refused (and the reason says so)."""
    refused = {name for name, _ in report.refused}
    for i, (name, why) in enumerate(report.refused):
        c = next((c for c in report.checked if c.path.name == name and c.fetched), None)
        if c is not None and settle_previous(c, loaded=False):
            report.refused[i] = (name, why + " De eerdere versie van dit bestand blijft geladen en staat weer in de "
                                             "downloadmap; de volgende update vraagt de nieuwe opnieuw op.")
    for c in report.checked:
        if c.fetched and c.path.name not in refused:
            settle_previous(c, loaded=True)


def load_new(con: duckdb.DuckDBPyConnection, checked: Sequence[Checked], *, decisions: Path | None = None,
             progress: Callable[[str, int, int], None] | None = None) -> UpdateReport:
    """Load the new and changed files in one build (incremental derived tables); the report names the latest
    moment they hold, for a summary of what changed (analyze.changes). A file the readers refuse is left out and
    named in ``refused`` (the others are loaded; the next update asks for it again), so one broken publication does
    not hold back the rest."""
    from .. import pipeline, versions
    from ..vocab import publication_key

    checked = mark_pending(checked, known_digests(con))  # the database as the job sees it decides
    report = UpdateReport(list(checked))
    paths = [c.path for c in checked if c.fetched]
    if not paths:
        return report
    row = con.execute("SELECT coalesce(max(source_id), 0) FROM source").fetchone()
    known = int(row[0]) if row else 0
    while True:  # a file the readers refuse (a publisher's error page, a broken file) must not hold back the others
        try:
            ingest_report, _ = pipeline.build(con, paths, decisions=decisions, progress=progress)
            break
        except SourceError as exc:  # ingest leaves the database as it was on any error; retried without the file
            bad = _refused_path(exc, paths)
            if bad is None:
                raise
            report.refused.append((bad.name, exc.describe()))
            paths = [p for p in paths if p != bad]
            if not paths:
                _settle(report)
                return report
    _settle(report)
    report.loaded_files = len(ingest_report.loaded)
    report.replaced = [versions.describe(r) for r in ingest_report.replaced]
    moments = con.execute("SELECT DISTINCT moment_jaar, fase FROM fact WHERE source_id > ?", [known]).fetchall()
    if moments:
        report.moment = max(((int(m[0]), str(m[1])) for m in moments), key=lambda m: publication_key(*m))
    return report


__all__ = ["CHANGED", "FAILED", "FASES", "MISSING", "NEW", "PENDING", "UNCHANGED", "Checked", "UpdateReport",
           "check_budget_tables", "known_digests", "load_new", "mark_pending", "previous_path", "recent_years",
           "settle_previous"]
