"""Answers to parliamentary questions from the Tweede Kamer open-data API (OData v4, "gegevensmagazijn").

`list_documents` queries ``Document`` entities of the answer kinds ('Lijst van vragen en antwoorden', 'Antwoord
schriftelijke vragen') in one Kamerstukdossier, following ``@odata.nextLink`` paging; `fetch_kamer_documents` then
downloads each document's file from ``Document({Id})/resource``.

Query strings are built from validated parts only: the dossier number must be digits, string literals are quoted with
OData's doubled-quote escaping, and document ids must be GUIDs before they go into a URL or a file name.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx

from ..errors import UsageError
from .http import (
    DEFAULT_BACKOFF_BASE,
    DEFAULT_MAX_RETRY_AFTER,
    DownloadError,
    ProgressCallback,
    SleepFunction,
    backoff_delay,
    check_url,
    download,
    make_client,
    parse_retry_after,
)
from .rijksfinancien import ProgressFactory

DEFAULT_ODATA_URL = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/"
ANSWER_SOORTEN: tuple[str, ...] = ("Lijst van vragen en antwoorden", "Antwoord schriftelijke vragen")
MAX_PAGES = 1000

_DOSSIER_RE = re.compile(r"^[0-9]{1,7}$")
_TOEVOEGING_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z .\-]{0,29}$")
_GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

EXTENSIONS: dict[str, str] = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/msword": ".doc",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "text/html": ".html",
    "text/plain": ".txt",
    "application/json": ".json",
}


@dataclass(frozen=True)
class KamerDocumentMeta:
    """One ``Document`` entity as listed by the API (before its file is downloaded)."""

    id: str
    soort: str
    titel: str
    onderwerp: str | None
    datum: date | None
    documentnummer: str | None
    volgnummer: int | None
    content_type: str | None
    dossiers: tuple[str, ...]
    """Kamerstukdossiers the document belongs to, as ``Nummer`` or ``Nummer-Toevoeging`` (``36600-VII``)."""


@dataclass(frozen=True)
class KamerDocument:
    """A downloaded parliamentary document and its provenance."""

    id: str
    soort: str
    titel: str
    onderwerp: str | None
    datum: date | None
    dossier: str
    volgnummer: int | None
    documentnummer: str | None
    content_type: str | None
    path: Path
    sha256: str
    cached: bool


def odata_string(value: str) -> str:
    """An OData string literal: single quotes, with embedded quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def validate_dossier(dossier: int | str) -> int:
    text = str(dossier).strip()
    if isinstance(dossier, bool) or not _DOSSIER_RE.match(text) or int(text) == 0:
        raise UsageError(f"Kamerstukdossiernummer {dossier!r} is ongeldig", expected="cijfers, bv. 36915")
    return int(text)


def validate_toevoeging(toevoeging: str) -> str:
    text = toevoeging.strip()
    if not _TOEVOEGING_RE.match(text):
        raise UsageError(f"dossiertoevoeging {toevoeging!r} is ongeldig", expected="bv. VII of XIII")
    return text


def document_filter(dossier: int | str, *, soorten: Iterable[str] = ANSWER_SOORTEN,
                    toevoeging: str | None = None) -> str:
    """The ``$filter`` expression selecting non-deleted documents of the given kinds in one dossier."""
    number = validate_dossier(dossier)
    kinds = [s for s in soorten]
    if not kinds or any(not isinstance(s, str) or not s.strip() for s in kinds):
        raise UsageError("geef ten minste één niet-lege documentsoort")
    soort_clause = " or ".join(f"Soort eq {odata_string(s)}" for s in kinds)
    dossier_clause = f"d/Nummer eq {number}"
    if toevoeging is not None:
        dossier_clause += f" and d/Toevoeging eq {odata_string(validate_toevoeging(toevoeging))}"
    return f"Verwijderd eq false and ({soort_clause}) and Kamerstukdossier/any(d: {dossier_clause})"


def document_query_url(base_url: str, dossier: int | str, *, soorten: Iterable[str] = ANSWER_SOORTEN,
                       toevoeging: str | None = None) -> str:
    """The first-page URL of the document query, every parameter percent-encoded."""
    params = [
        ("$filter", document_filter(dossier, soorten=soorten, toevoeging=toevoeging)),
        ("$expand", "Kamerstukdossier"),
    ]
    query = "&".join(f"{key}={quote(value, safe='')}" for key, value in params)
    return _entity_url(base_url, "Document") + "?" + query


def resource_url(base_url: str, document_id: str) -> str:
    """``{base}Document({Id})/resource``: the document's file."""
    return _entity_url(base_url, f"Document({_check_guid(document_id)})/resource")


def extension_for(content_type: str | None) -> str:
    """A file extension for a MIME type; ``.bin`` when unknown."""
    if not content_type:
        return ".bin"
    return EXTENSIONS.get(content_type.split(";", 1)[0].strip().lower(), ".bin")


def list_documents(
    dossier: int | str,
    *,
    base_url: str = DEFAULT_ODATA_URL,
    soorten: Iterable[str] = ANSWER_SOORTEN,
    toevoeging: str | None = None,
    timeout: float = 30.0,
    retries: int = 4,
    client: httpx.Client | None = None,
    sleep: SleepFunction = time.sleep,
    backoff_base: float = DEFAULT_BACKOFF_BASE,
) -> list[KamerDocumentMeta]:
    """Every matching ``Document`` entity, all pages, in the order the API returns them (duplicates dropped)."""
    url: str | None = document_query_url(base_url, dossier, soorten=soorten, toevoeging=toevoeging)
    base = urlsplit(base_url)
    seen_pages: set[str] = set()
    found: dict[str, KamerDocumentMeta] = {}
    http = client if client is not None else make_client(timeout)
    try:
        while url is not None:
            if url in seen_pages or len(seen_pages) >= MAX_PAGES:
                raise DownloadError(f"de OData-pagina's houden niet op (pagina {len(seen_pages) + 1}: {url})", url=url)
            seen_pages.add(url)
            page = _get_json(http, url, timeout=timeout, retries=retries, sleep=sleep, backoff_base=backoff_base)
            values = page.get("value")
            if not isinstance(values, list):
                raise DownloadError(f"OData-antwoord van {url} heeft geen lijst 'value'", url=url)
            for entity in values:
                meta = _parse_document(entity, url)
                found.setdefault(meta.id, meta)
            url = _next_link(page, url, base)
    finally:
        if client is None:
            http.close()
    return list(found.values())


def fetch_kamer_documents(
    dossier: int | str,
    dest_dir: Path,
    *,
    base_url: str = DEFAULT_ODATA_URL,
    soorten: Iterable[str] = ANSWER_SOORTEN,
    toevoeging: str | None = None,
    timeout: float = 30.0,
    retries: int = 4,
    client: httpx.Client | None = None,
    sleep: SleepFunction = time.sleep,
    progress: ProgressFactory | None = None,
    backoff_base: float = DEFAULT_BACKOFF_BASE,
) -> list[KamerDocument]:
    """List the answer documents of a dossier and download each file as ``{Id}{ext}`` into `dest_dir`."""
    number = validate_dossier(dossier)
    label = f"{number}-{validate_toevoeging(toevoeging)}" if toevoeging is not None else str(number)
    http = client if client is not None else make_client(timeout)
    try:
        metas = list_documents(number, base_url=base_url, soorten=soorten, toevoeging=toevoeging, timeout=timeout,
                               retries=retries, client=http, sleep=sleep, backoff_base=backoff_base)
        documents: list[KamerDocument] = []
        for meta in metas:
            name = meta.id.lower() + extension_for(meta.content_type)
            callback: ProgressCallback | None = progress(name) if progress is not None else None
            result = download(resource_url(base_url, meta.id), dest_dir, timeout=timeout, retries=retries,
                              client=http, filename=name, sleep=sleep, progress=callback,
                              backoff_base=backoff_base)
            documents.append(KamerDocument(
                id=meta.id, soort=meta.soort, titel=meta.titel, onderwerp=meta.onderwerp, datum=meta.datum,
                dossier=label, volgnummer=meta.volgnummer, documentnummer=meta.documentnummer,
                content_type=meta.content_type, path=result.path, sha256=result.sha256, cached=result.cached))
    finally:
        if client is None:
            http.close()
    return documents


def _entity_url(base_url: str, path: str) -> str:
    check_url(base_url)
    if "?" in base_url or "#" in base_url:
        raise UsageError(f"de OData-basis-URL mag geen query of fragment bevatten: {base_url!r}")
    return base_url.rstrip("/") + "/" + path


def _check_guid(value: str) -> str:
    if not _GUID_RE.match(value):
        raise UsageError(f"document-id {value!r} is geen GUID")
    return value


def _get_json(http: httpx.Client, url: str, *, timeout: float, retries: int, sleep: SleepFunction,
              backoff_base: float) -> dict[str, Any]:
    reason = ""
    status: int | None = None
    attempts = retries + 1
    for attempt in range(1, attempts + 1):
        retry_after: float | None = None
        try:
            response = http.get(url, timeout=timeout, headers={"Accept": "application/json"})
        except httpx.TransportError as exc:
            reason, status = f"verbindingsfout ({type(exc).__name__})", None
        else:
            status = response.status_code
            if status == 200:
                try:
                    data = response.json()
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    raise DownloadError(f"OData-antwoord van {url} is geen JSON", url=url, status=status,
                                        attempts=attempt) from exc
                if not isinstance(data, dict):
                    raise DownloadError(f"OData-antwoord van {url} is geen JSON-object", url=url, status=status,
                                        attempts=attempt)
                return data
            if status != 429 and not 500 <= status <= 599:
                raise DownloadError(f"OData-vraag {url} mislukt: HTTP {status} {_error_text(response)}".rstrip(),
                                    url=url, status=status, attempts=attempt)
            reason = f"HTTP {status}"
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if attempt < attempts:
            sleep(backoff_delay(attempt, retry_after, base=backoff_base, max_retry_after=DEFAULT_MAX_RETRY_AFTER))
    plural = "poging" if attempts == 1 else "pogingen"
    raise DownloadError(f"OData-vraag {url} mislukt na {attempts} {plural}: {reason}", url=url, status=status,
                        attempts=attempts)


def _error_text(response: httpx.Response) -> str:
    """The OData error message, if the body carries one (shortened)."""
    try:
        data = response.json()
        message = data["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return ""
    return f"({str(message)[:200]})"


def _next_link(page: dict[str, Any], current: str, base: Any) -> str | None:
    link = page.get("@odata.nextLink")
    if link is None:
        return None
    if not isinstance(link, str) or not link:
        raise DownloadError(f"OData-antwoord van {current} heeft een ongeldige @odata.nextLink", url=current)
    absolute = urljoin(current, link)
    parts = urlsplit(absolute)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        raise DownloadError(f"OData-@odata.nextLink {absolute} verlaat de API-host {base.netloc}", url=current)
    return absolute


def _parse_document(entity: object, url: str) -> KamerDocumentMeta:
    if not isinstance(entity, dict):
        raise DownloadError(f"OData-antwoord van {url} heeft in 'value' iets anders dan een object", url=url)
    doc_id = entity.get("Id")
    if not isinstance(doc_id, str) or not _GUID_RE.match(doc_id):
        raise DownloadError(f"OData-antwoord van {url} bevat een document zonder geldige Id: {doc_id!r}", url=url)
    dossiers: list[str] = []
    raw_dossiers = entity.get("Kamerstukdossier") or []
    if isinstance(raw_dossiers, dict):
        raw_dossiers = [raw_dossiers]
    if isinstance(raw_dossiers, list):
        for d in raw_dossiers:
            if isinstance(d, dict) and d.get("Nummer") is not None:
                extra = d.get("Toevoeging")
                dossiers.append(f"{d['Nummer']}-{extra}" if extra else str(d["Nummer"]))
    return KamerDocumentMeta(
        id=doc_id,
        soort=_text(entity.get("Soort")) or "",
        titel=_text(entity.get("Titel")) or "",
        onderwerp=_text(entity.get("Onderwerp")),
        datum=_date(entity.get("Datum")),
        documentnummer=_text(entity.get("DocumentNummer")),
        volgnummer=_int(entity.get("Volgnummer")),
        content_type=_text(entity.get("ContentType")),
        dossiers=tuple(dossiers),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _date(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
