"""`digibudget update` (keep a database current from rijksfinancien.nl) and `digibudget rebuild` (derive all again).

Thin: settings, one library call each (fetch.update, the jobs of digibudget.jobs), rendering. Help texts are
Dutch here already.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn

from .. import jobs, output, queries
from ..errors import FetchError, LoadedWithErrors, SourceError
from ..fetch import update as updating
from ..fetch.http import ProgressCallback
from ..nlformat import nl_number
from ..remote import read_connection
from ..settings import load_settings
from .common import DbOption, app, db_path, edge, err, progress_bar


def _bars(progress: Progress) -> Callable[[str], ProgressCallback]:
    def factory(name: str) -> ProgressCallback:
        task: TaskID = progress.add_task(name, total=None)

        def update(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        return update

    return factory


@app.command("update", rich_help_panel="Data laden en bekijken")
@edge
def update_cmd(
    db: DbOption = None,
    jaar: Annotated[list[int] | None, typer.Option(
        "--jaar", help="Begrotingsjaar om na te vragen; herhaalbaar (standaard: vorig, dit en volgend jaar).")] = None,
    fase: Annotated[list[str] | None, typer.Option(
        "--fase", help="Begrotingsmoment (OWB, O1, SBS, O2, JV); herhaalbaar (standaard: alle).")] = None,
    dest: Annotated[Path | None, typer.Option(
        "--dest", help="Map voor de bestanden (standaard: download_dir/rijksfinancien).")] = None,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="Basis-URL van de bulkbestanden (standaard: instelling fetch_base_url).")] = None,
) -> None:
    """Database bijwerken met rijksfinancien.nl: vraag per bulkbestand of het nieuw of gewijzigd is (ETag,
    Last-Modified, sha256), download alleen dat, voeg het toe (en elk ongewijzigd bestand dat nog niet in de
    database staat) en herbereken alleen wat het raakt; daarna een samenvatting van wat er veranderde.

    Afsluitcode 0: bij; 9: geladen, maar een bestand geweigerd of niet opgehaald (genoemd, de volgende update
    probeert het opnieuw); 3 of 5: daardoor niets geladen."""
    settings = load_settings(overrides={"fetch_base_url": base_url})
    target = dest if dest is not None else Path(settings["download_dir"]) / "rijksfinancien"
    years = jaar or updating.recent_years()
    fases = fase or list(updating.FASES)
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), console=err,
                  transient=True) as progress:
        checked = updating.check_budget_tables(years, fases, target, base_url=settings["fetch_base_url"],
                                               timeout=settings["http_timeout"], retries=settings["http_retries"],
                                               progress=_bars(progress))
    checked = updating.mark_pending(checked, _known_digests(db_path(db)))
    rows = [(c.path.name, c.status, c.size if c.status not in (updating.MISSING, updating.FAILED) else None)
            for c in checked]
    output.render(queries.Result(["bestand", "status", "bytes"], rows, "Nagevraagd bij rijksfinancien.nl"), "table")
    pending, failed = checked_count(checked, updating.PENDING), [c for c in checked if c.status == updating.FAILED]
    published = len(checked) - checked_count(checked, updating.MISSING) - len(failed)
    summary = (f"{len(checked)} bestanden nagevraagd: {published} gepubliceerd, {checked_count(checked, updating.NEW)} "
               f"nieuw, {checked_count(checked, updating.CHANGED)} gewijzigd, "
               f"{checked_count(checked, updating.UNCHANGED)} ongewijzigd (niet opnieuw geladen)"
               + (f", {pending} ongewijzigd maar nog niet in de database (wordt geladen)" if pending else "")
               + (f", {len(failed)} niet opgehaald" if failed else "") + ".")
    err.print(summary, highlight=False)
    for c in failed:
        err.print(f"Niet opgehaald: {c.error}", highlight=False, markup=False)
    result: dict[str, Any] = {"geladen": 0, "moment": None, "veranderingen": None, "geweigerd": []}
    if any(c.fetched for c in checked):
        with progress_bar("laden") as tick:  # run here, or by the server of the database when it hosts the jobs
            result = jobs.run(db_path(db), "laden", {"checked": [_checked_args(c) for c in checked],
                                                      "limit": _LIMIT}, tick)
    elif not failed:
        err.print("Niets nieuws: de database is bij.", highlight=False)
        return
    refused = result.get("geweigerd") or []
    if result["geladen"] or not (refused or failed):
        err.print(f"{result['geladen']} bestand(en) geladen; afgeleide tabellen alleen herberekend waar die "
                  "bestanden iets veranderen.", highlight=False)
    for text in result.get("vervangen") or []:
        err.print(f"Nieuwe versie: {text}", highlight=False, markup=False)
    if result["moment"] is not None:
        _print_changes(result["moment"], result["veranderingen"])
    for _, why in refused:
        err.print(f"Niet geladen: {why}", highlight=False, markup=False)
    _raise_for_left_out(int(result["geladen"]), len(refused), len(failed))


def _raise_for_left_out(loaded: int, refused: int, failed: int) -> None:
    """Exit code 9 when files were loaded but others were left out (named above), 3 or 5 when nothing was loaded
    because of them; the next update tries them again."""
    if not (refused or failed):
        return
    parts = ([f"{refused} bestand(en) niet geladen omdat de lezers ze weigeren"] if refused else []) + \
        ([f"{failed} bestand(en) niet opgehaald omdat de server een fout gaf"] if failed else [])
    text = f"{' en '.join(parts)} (hierboven); de volgende update probeert ze opnieuw."
    if loaded:
        raise LoadedWithErrors(f"{text} De andere bestanden zijn geladen. Afsluitcode {LoadedWithErrors.exit_code}.")
    if refused:
        raise SourceError(f"{text} Er is niets geladen.", expected="CSV-bulkbestanden van rijksfinancien.nl")
    raise FetchError(f"{text} Er is niets geladen.")


def _known_digests(database: str) -> set[str]:
    """The sources the database holds (their sha256), read through the server when it hosts the jobs; none for a
    database that does not exist yet."""
    if not Path(database).exists():
        return set()
    con = read_connection(database)
    try:
        return updating.known_digests(con)
    finally:
        con.close()


def _checked_args(c: updating.Checked) -> dict[str, Any]:
    """A checked file as a job's argument (plain JSON, the path absolute)."""
    return {**dataclasses.asdict(c), "path": str(c.path.resolve()),
            "previous": str(c.previous.resolve()) if c.previous is not None else None}


def checked_count(checked: list[updating.Checked], status: str) -> int:
    return sum(1 for c in checked if c.status == status)


_LIMIT = 1000  # rows counted per section of the summary


def _print_changes(moment: list[Any], changed: dict[str, Any] | None) -> None:
    """What changed up to the newest moment loaded (analyze.changes, counted by the job), as counts per section;
    details with 'digibudget changes'."""
    from ..analyze import changes

    if changed is None:
        # (the moment may be new, or a corrected publication of one loaded before: the line above says which)
        err.print(f"Geladen moment {changes.moment_text((int(moment[0]), str(moment[1])))}: geen eerder moment van "
                  "dat jaar om mee te vergelijken.", highlight=False)
        return
    counts = ", ".join(f"{title.split(' (')[0].lower()}: {'ten minste ' if n >= _LIMIT else ''}{nl_number(n)}"
                       for title, n in changed["secties"])
    err.print(f"Wat veranderde van {changed['van']} naar {changed['naar']}: "
              f"{counts}. Details: digibudget changes --naar {moment[0]}-{moment[1]}", highlight=False)


@app.command("rebuild", rich_help_panel="Classificatie")
@edge
def rebuild_cmd(db: DbOption = None) -> None:
    """Alle afgeleide tabellen opnieuw opbouwen uit alle geladen regels: classificatie, gekozen cijfers,
    herkomst van artikelen en mutaties (een laadtaak herberekent alleen wat nieuwe bestanden raken)."""
    counts = jobs.run(db_path(db), "rebuild", {})["aantallen"]
    output.render(queries.Result(["tabel of thema", "aantal"], sorted(counts.items()), "Opnieuw opgebouwd"),
                  "table")
