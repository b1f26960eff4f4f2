"""`digibudget fetch …`: download published files. Thin: read settings, call one library function, render.

Mounted by ``cli/__init__.py`` as the ``fetch`` sub-command. Progress bars go to stderr, results to stdout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TransferSpeedColumn

from ..errors import FetchError
from ..fetch.http import ProgressCallback
from ..fetch.rijksfinancien import FASES, fetch_budget_tables
from ..fetch.tweedekamer import fetch_kamer_documents
from ..settings import load_settings
from .click_nl import DutchTyper
from .common import edge

fetch_app = DutchTyper(
    help="Bestanden ophalen uit open data: budgettaire tabellen (rijksfinancien.nl) en antwoorden op "
         "Kamervragen (Tweede Kamer).",
    no_args_is_help=True,
)

DestOption = Annotated[Path | None, typer.Option("--dest", help="Map voor de bestanden (standaard: download_dir).")]
BaseUrlOption = Annotated[str | None, typer.Option("--base-url", help="Basis-URL van de bron (standaard: instelling).")]
TimeoutOption = Annotated[float | None, typer.Option("--timeout", help="Time-out per verzoek in seconden.")]
RetriesOption = Annotated[int | None, typer.Option("--retries", help="Aantal nieuwe pogingen na een fout.")]


class _ProgressBars:
    """One Rich progress bar per file, fed by `download`'s progress callback.

    The display starts with the first file, so an error raised before any download prints nothing but the error.
    """

    def __init__(self, progress: Progress):
        self._progress = progress
        self.started = False

    def __call__(self, name: str) -> ProgressCallback:
        if not self.started:
            self._progress.start()
            self.started = True
        task: TaskID = self._progress.add_task(escape(name), total=None)

        def update(done: int, total: int | None) -> None:
            self._progress.update(task, completed=done, total=total)

        return update


@contextmanager
def _progress_bars() -> Iterator[_ProgressBars]:
    progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                        console=Console(stderr=True))
    bars = _ProgressBars(progress)
    try:
        yield bars
    finally:
        if bars.started:
            progress.stop()


def _settings(**overrides: Any) -> dict[str, Any]:
    return load_settings(overrides=overrides)


def _size(n: int) -> str:
    return f"{n:,} bytes".replace(",", ".")


@fetch_app.command("budget")
@edge
def budget(
    year: Annotated[list[int], typer.Option("--year", help="Begrotingsjaar; herhaal voor meer jaren.")],
    fase: Annotated[list[str], typer.Option("--fase", help=f"Begrotingsmoment: {', '.join(FASES)}; herhaalbaar.")],
    variant: Annotated[str, typer.Option("--variant", help="incl of excl (premies).")] = "incl",
    fmt: Annotated[str, typer.Option("--format", help="csv, json, ods of xlsx.")] = "csv",
    dest: DestOption = None,
    base_url: BaseUrlOption = None,
    timeout: TimeoutOption = None,
    retries: RetriesOption = None,
) -> None:
    """Budgettaire tabellen (bulkbestanden) van rijksfinancien.nl ophalen."""
    settings = _settings(fetch_base_url=base_url, http_timeout=timeout, http_retries=retries)
    target = dest if dest is not None else Path(settings["download_dir"]) / "rijksfinancien"
    with _progress_bars() as bars:
        outcome = fetch_budget_tables(
            year, fase, variant, fmt, settings["fetch_base_url"], target,
            timeout=settings["http_timeout"], retries=settings["http_retries"], progress=bars)
    for result in outcome.results:
        label = "Al aanwezig" if result.cached else ("Opgehaald (hervat)" if result.resumed else "Opgehaald")
        typer.echo(f"{label}: {result.path} ({_size(result.size)}, sha256 {result.sha256[:12]}…)")
    for miss in outcome.misses:
        typer.echo(f"Niet gepubliceerd: {miss.url}", err=True)
    if outcome.misses and not outcome.results:
        raise FetchError("geen van de gevraagde bestanden is gepubliceerd")


@fetch_app.command("kamer")
@edge
def kamer(
    dossier: Annotated[str, typer.Option("--dossier", help="Kamerstukdossiernummer, bijvoorbeeld 36915.")],
    toevoeging: Annotated[str | None, typer.Option("--toevoeging", help="Toevoeging, bijvoorbeeld VII.")] = None,
    dest: DestOption = None,
    base_url: BaseUrlOption = None,
    timeout: TimeoutOption = None,
    retries: RetriesOption = None,
) -> None:
    """Antwoorden op Kamervragen (lijsten van vragen en antwoorden) van een begrotingsdossier ophalen."""
    settings = _settings(tk_odata_url=base_url, http_timeout=timeout, http_retries=retries)
    target = dest if dest is not None else Path(settings["download_dir"]) / "tweedekamer"
    with _progress_bars() as bars:
        documents = fetch_kamer_documents(
            dossier, target, base_url=settings["tk_odata_url"], toevoeging=toevoeging,
            timeout=settings["http_timeout"], retries=settings["http_retries"], progress=bars)
    if not documents:
        typer.echo(f"Geen documenten gevonden voor dossier {dossier}.")
        return
    for doc in documents:
        datum = doc.datum.isoformat() if doc.datum else "datum onbekend"
        typer.echo(f"{datum}  {doc.soort}  {doc.titel}  → {doc.path}")
    typer.echo(f"{len(documents)} document(en) in {target}")
