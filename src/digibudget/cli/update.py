"""`digibudget update` (keep a database current from rijksfinancien.nl) and `digibudget rebuild` (derive all again).

Thin: settings, one library call each (fetch.update, pipeline), rendering. Help texts are Dutch here already.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn

from .. import output, pipeline, queries, store
from ..fetch import update as updating
from ..fetch.http import ProgressCallback
from ..settings import load_settings
from .common import DbOption, app, db_path, edge, err


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
    Last-Modified, sha256), download alleen dat, voeg het toe en herbereken alleen wat het raakt; daarna een
    samenvatting van wat er veranderde."""
    settings = load_settings(overrides={"fetch_base_url": base_url})
    target = dest if dest is not None else Path(settings["download_dir"]) / "rijksfinancien"
    years = jaar or updating.recent_years()
    fases = fase or list(updating.FASES)
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), console=err,
                  transient=True) as progress:
        checked = updating.check_budget_tables(years, fases, target, base_url=settings["fetch_base_url"],
                                               timeout=settings["http_timeout"], retries=settings["http_retries"],
                                               progress=_bars(progress))
    rows = [(c.path.name, c.status, c.size if c.status != updating.MISSING else None) for c in checked]
    output.render(queries.Result(["bestand", "status", "bytes"], rows, "Nagevraagd bij rijksfinancien.nl"), "table")
    summary = (f"{len(checked)} bestanden nagevraagd: {len(checked) - checked_count(checked, updating.MISSING)} "
               f"gepubliceerd, {checked_count(checked, updating.NEW)} nieuw, "
               f"{checked_count(checked, updating.CHANGED)} gewijzigd, "
               f"{checked_count(checked, updating.UNCHANGED)} ongewijzigd (niet opnieuw geladen).")
    err.print(summary, highlight=False)
    if not any(c.fetched for c in checked):
        err.print("Niets nieuws: de database is bij.", highlight=False)
        return
    with store.writing(db_path(db)) as con, Progress(TextColumn("{task.description}"), BarColumn(),
                                                      TextColumn("{task.completed}/{task.total}"), console=err,
                                                      transient=True) as progress:
        task = progress.add_task("laden", total=1)

        def tick(what: str, done: int, total: int) -> None:
            progress.update(task, description=what, completed=done, total=max(total, 1))

        report = updating.load_new(con, checked, decisions=pipeline.decisions_path(db_path(db)), progress=tick)
    err.print(f"{report.loaded_files} bestand(en) geladen; afgeleide tabellen alleen herberekend waar die "
              "bestanden iets veranderen.", highlight=False)
    if report.moment is not None:
        _print_changes(db_path(db), report.moment)


def checked_count(checked: list[updating.Checked], status: str) -> int:
    return sum(1 for c in checked if c.status == status)


_LIMIT = 1000  # rows counted per section of the summary


def _print_changes(database: str, moment: tuple[int, str]) -> None:
    """What changed up to the newest moment loaded (analyze.changes), as counts per section; details with
    'digibudget changes'."""
    from ..analyze import changes
    from ..errors import UsageError

    con = store.connect(database, read_only=True)
    try:
        report = changes.changes(con, naar=moment, limit=_LIMIT)
    except UsageError:
        err.print(f"Nieuw moment {changes.moment_text(moment)}: geen eerder moment van dat jaar om mee te "
                  "vergelijken.", highlight=False)
        return
    finally:
        con.close()
    counts = ", ".join(f"{s.title.split(' (')[0].lower()}: {'ten minste ' if len(s.rows) >= _LIMIT else ''}"
                       f"{len(s.rows)}" for s in report.sections)
    err.print(f"Wat veranderde van {changes.moment_text(report.van)} naar {changes.moment_text(report.naar)}: "
              f"{counts}. Details: digibudget changes --naar {moment[0]}-{moment[1]}", highlight=False)


@app.command("rebuild", rich_help_panel="Classificatie")
@edge
def rebuild_cmd(db: DbOption = None) -> None:
    """Alle afgeleide tabellen opnieuw opbouwen uit alle geladen regels: classificatie, gekozen cijfers,
    herkomst van artikelen en mutaties (een laadtaak herberekent alleen wat nieuwe bestanden raken)."""
    with store.writing(db_path(db)) as con:
        counts = pipeline.reclassify(con, decisions=pipeline.decisions_path(db_path(db)))
    output.render(queries.Result(["tabel of thema", "aantal"], sorted(counts.items()), "Opnieuw opgebouwd"),
                  "table")
