"""The rijksfinancien.nl open-data bulk files ("Budgettaire tabellen").

Published as ``Budgettaire_Tabellen_{jaar}_{fase}_{incl|excl}.{csv|json|ods|xlsx}`` under one folder
(see RIJKSFINANCIEN_OPEN_DATA_FORMAT.md §1); incl/excl = inclusief/exclusief premies. Not every year × fase
exists: a file that is not (yet) published answers 404, which is reported as a `Miss` rather than an error.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import httpx

from ..errors import UsageError
from .http import (
    DEFAULT_BACKOFF_BASE,
    FetchResult,
    NotPublishedError,
    ProgressCallback,
    SleepFunction,
    check_url,
    download,
    make_client,
)

DEFAULT_BASE_URL = "https://www.rijksfinancien.nl/sites/default/files/bestanden/open_data/"
FASES: tuple[str, ...] = ("OWB", "O1", "SBS", "O2", "JV")
VARIANTS: tuple[str, ...] = ("incl", "excl")
FORMATS: tuple[str, ...] = ("csv", "json", "ods", "xlsx")
FIRST_YEAR = 2013
LAST_YEAR = 2040

ProgressFactory = Callable[[str], ProgressCallback]
"""Given a file name, returns the progress callback for its download."""


@dataclass(frozen=True)
class Miss:
    """A requested bulk file the server does not publish (HTTP 404/410)."""

    year: int
    fase: str
    url: str
    reason: str


class BudgetFetch(NamedTuple):
    """What `fetch_budget_tables` got (`results`) and what was not published (`misses`)."""

    results: list[FetchResult]
    misses: list[Miss]


def validate_year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise UsageError(f"begrotingsjaar {year!r} valt buiten het bereik", expected=f"{FIRST_YEAR}..{LAST_YEAR}")
    return year


def validate_fase(fase: str) -> str:
    normalised = fase.strip().upper()
    if normalised not in FASES:
        raise UsageError(f"onbekende fase {fase!r}", expected=", ".join(FASES))
    return normalised


def validate_variant(variant: str) -> str:
    normalised = variant.strip().lower()
    if normalised not in VARIANTS:
        raise UsageError(f"onbekende variant {variant!r}", expected=" of ".join(VARIANTS))
    return normalised


def validate_format(fmt: str) -> str:
    normalised = fmt.strip().lower().lstrip(".")
    if normalised not in FORMATS:
        raise UsageError(f"onbekend formaat {fmt!r}", expected=", ".join(FORMATS))
    return normalised


def bulk_file_name(year: int, fase: str, variant: str = "incl", fmt: str = "csv") -> str:
    """``Budgettaire_Tabellen_{jaar}_{fase}_{incl|excl}.{fmt}``, after validating every part."""
    return (f"Budgettaire_Tabellen_{validate_year(year)}_{validate_fase(fase)}_"
            f"{validate_variant(variant)}.{validate_format(fmt)}")


def bulk_file_url(year: int, fase: str, variant: str = "incl", fmt: str = "csv",
                  base_url: str = DEFAULT_BASE_URL) -> str:
    """The URL of one bulk file under `base_url` (a trailing slash is added when missing)."""
    check_url(base_url)
    if "?" in base_url or "#" in base_url:
        raise UsageError(f"de basis-URL mag geen query of fragment bevatten: {base_url!r}")
    return base_url.rstrip("/") + "/" + bulk_file_name(year, fase, variant, fmt)


def fetch_budget_tables(
    years: Iterable[int],
    fases: Iterable[str],
    variant: str = "incl",
    fmt: str = "csv",
    base_url: str = DEFAULT_BASE_URL,
    dest_dir: Path = Path("."),
    *,
    timeout: float = 30.0,
    retries: int = 4,
    client: httpx.Client | None = None,
    sleep: SleepFunction = time.sleep,
    progress: ProgressFactory | None = None,
    backoff_base: float = DEFAULT_BACKOFF_BASE,
) -> BudgetFetch:
    """Download every year × fase bulk file. Unpublished files (404/410) become `misses`; other failures raise.

    All parameters are validated before anything is downloaded, so a typo never leaves a half-done batch.
    """
    wanted_years = [validate_year(y) for y in years]
    wanted_fases = [validate_fase(f) for f in fases]
    if not wanted_years or not wanted_fases:
        raise UsageError("geef ten minste één jaar en één fase")
    targets = [(y, f, bulk_file_url(y, f, variant, fmt, base_url)) for y in wanted_years for f in wanted_fases]
    results: list[FetchResult] = []
    misses: list[Miss] = []
    http = client if client is not None else make_client(timeout)
    try:
        for year, fase, url in dict.fromkeys(targets):
            callback = progress(bulk_file_name(year, fase, variant, fmt)) if progress is not None else None
            try:
                results.append(download(url, dest_dir, timeout=timeout, retries=retries, client=http, sleep=sleep,
                                        progress=callback, backoff_base=backoff_base))
            except NotPublishedError as exc:
                misses.append(Miss(year=year, fase=fase, url=url, reason=exc.message))
    finally:
        if client is None:
            http.close()
    return BudgetFetch(results=results, misses=misses)
