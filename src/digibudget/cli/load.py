"""Commands that load and inspect the data: ingest, sources, findings, lines, coverage, settings, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .. import __version__, ingest, jobs, output, pipeline, queries, store, versions
from ..bundled import bundled_budget_paths, bundled_documents
from ..errors import LoadedWithErrors
from ..nlformat import nl_number
from ..remote import read_connection
from ..settings import SETTINGS, load_settings
from .common import DbOption, FormatOption, app, counts_nl, db_path, edge, err, progress_bar


@app.command("ingest", rich_help_panel="Data laden en bekijken")
@edge
def ingest_cmd(paths: Annotated[list[Path], typer.Argument(metavar="PADEN",
                                                          help="CSV or JSON files, or folders, to load.")],
               db: DbOption = None, fmt: FormatOption = "table",
               strict: Annotated[bool, typer.Option(
                   "--strict", help="Refuse the whole ingest when a file has error findings (an unreadable or "
                                    "ambiguous amount), instead of loading it and exiting with code 9.")] = False,
               ) -> None:
    """Load budget tables (B-tabel, begrotingsstaten, suppletoire tables, bulk files) into the database.

    Exit code 0: loaded cleanly; 9: loaded, but some cells could not be read (error findings, amounts not stored);
    3: refused, nothing changed."""
    with progress_bar() as tick:  # run here, or by the server of the database when it hosts the jobs (jobs.py)
        result = jobs.run(db_path(db), "ingest", {"paths": [str(p) for p in paths], "strict": strict}, tick)
    err.print("Classificatie: " + counts_nl(result["aantallen"]), highlight=False)
    report = jobs.ingest_report(result)
    _print_ingest(report, fmt)
    if report.errors:
        raise LoadedWithErrors(f"{report.errors} bevinding(en) met ernst 'error' (bedragen niet opgeslagen); zie "
                               "'digibudget findings --severity error'. Afsluitcode "
                               f"{LoadedWithErrors.exit_code}; met --strict wordt zo'n bestand geweigerd.")


def _build_with_progress(con: Any, paths: list[Path], database: str, strict: bool = False) -> ingest.IngestReport:
    with progress_bar() as tick:
        report, counts = pipeline.build(con, paths, decisions=pipeline.decisions_path(database), progress=tick,
                                        strict=strict)
    err.print("Classificatie: " + counts_nl(counts), highlight=False)
    return report


def _status(f: ingest.FileReport) -> str:
    if f.status != "loaded":
        return "al geladen"
    return f"geladen, {f.errors} fout(en)" if f.errors else "geladen"


def _print_ingest(report: ingest.IngestReport, fmt: str = "table") -> None:
    rows = [(Path(f.path).name, f.kind or "", _status(f), f.rows_read,
             f.lines, f.amounts, f.commitments, f.findings) for f in report.files]
    output.render(queries.Result(["bestand", "soort", "status", "rijen", "regels", "bedragen", "% verplicht",
                                  "bevindingen"], rows, "Inlezen"), fmt)
    if report.reconciliation:
        r = {k: nl_number(v) if isinstance(v, int) else v for k, v in report.reconciliation.items()}
        err.print(f"Aansluiting: {r['totals_checked']} totalen getoetst, {r['totals_mismatch']} wijken af; "
                  f"{r['stands_checked']} standen getoetst, {r['stands_mismatch']} wijken af; "
                  f"{r['cross_checked']} bedragen tussen bronnen vergeleken, {r['cross_agree']} gelijk, "
                  f"{r['cross_mismatch']} verschillend"
                  + (f"; {r['lines_checked']} artikelsommen van regels vergeleken, {r['lines_agree']} gelijk, "
                     f"{r['lines_mismatch']} verschillend" if r.get("lines_checked") else "")
                  + (f"; {r['splits_checked']} verdelingen budgetflexibiliteit getoetst, {r['splits_mismatch']} "
                     "tellen niet op tot 100%" if r.get("splits_checked") else "") + ".", highlight=False)
    for replacement in report.replaced:
        err.print(f"Nieuwe versie: {versions.describe(replacement)}", highlight=False, markup=False)


@app.command("sources", rich_help_panel="Data laden en bekijken")
@edge
def sources_cmd(db: DbOption = None, fmt: FormatOption = "table") -> None:
    """List the loaded sources with their checksum and provenance."""
    con = read_connection(db_path(db))
    output.render(queries.sources(con), fmt)


@app.command("findings", rich_help_panel="Data laden en bekijken")
@edge
def findings_cmd(db: DbOption = None, fmt: FormatOption = "table",
                 code: Annotated[str | None, typer.Option(help="Only this finding code.")] = None,
                 severity: Annotated[str | None, typer.Option(help="info, warning or error.")] = None,
                 source: Annotated[int | None, typer.Option(help="Only this source id.")] = None,
                 summary: Annotated[bool, typer.Option(help="Counts per code instead of the list.")] = False,
                 limit: Annotated[int | None, typer.Option(help="At most this many rows.")] = None) -> None:
    """List data-quality findings (typed, with file, row and column)."""
    con = read_connection(db_path(db))
    result = queries.findings_summary(con) if summary else queries.findings(
        con, code=code, severity=severity, source_id=source, limit=limit)
    output.render(result, fmt)


@app.command("lines", rich_help_panel="Data laden en bekijken")
@edge
def lines_cmd(db: DbOption = None, fmt: FormatOption = "table",
              hoofdstuk: Annotated[str | None, typer.Option(help="Begrotingshoofdstuk, e.g. VII.")] = None,
              artikel: Annotated[str | None, typer.Option(help="Artikelnummer, e.g. 6.")] = None,
              jaar: Annotated[int | None, typer.Option(help="The year the money is for.")] = None,
              fase: Annotated[str | None, typer.Option(help="OWB, VB, O1, SBS, O2, JV or SW.")] = None,
              vuo: Annotated[str | None, typer.Option(help="V, U or O.")] = None,
              begrotingsjaar: Annotated[int | None, typer.Option(help="The budget year of the document.")] = None,
              totals: Annotated[bool, typer.Option(help="Include total rows.")] = True,
              limit: Annotated[int | None, typer.Option(help="At most this many rows.")] = None) -> None:
    """Show budget lines with every amount, its moment and its source row (x EUR 1,000)."""
    con = read_connection(db_path(db))
    output.render(queries.lines(con, hoofdstuk=hoofdstuk, artikel=artikel, jaar=jaar, fase=fase, vuo=vuo,
                                begrotingsjaar=begrotingsjaar, include_totals=totals, limit=limit), fmt)


@app.command("coverage", rich_help_panel="Data laden en bekijken")
@edge
def coverage_cmd(db: DbOption = None, fmt: FormatOption = "table") -> None:
    """Which budget years, moments and chapters the database holds."""
    con = read_connection(db_path(db))
    output.render(queries.coverage(con), fmt)


def _shown(value: object) -> str:
    """A setting's value as a Dutch reader writes it: ja/nee, 2,5; whole numbers without separators (a port)."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return nl_number(value) if isinstance(value, float) else str(value)


@app.command("settings", rich_help_panel="Data laden en bekijken")
@edge
def settings_cmd(fmt: FormatOption = "table") -> None:
    """Show every setting, its environment variable and its current value."""
    values = load_settings()
    rows = [(s.name, s.env_var, _shown(values[s.name]), s.uitleg) for s in SETTINGS]
    output.render(queries.Result(["instelling", "omgevingsvariabele", "waarde", "uitleg"], rows, "Instellingen"), fmt)


@app.command("demo", rich_help_panel="Data laden en bekijken")
@edge
def demo_cmd(db: DbOption = None) -> None:
    """Build the database from the data bundled in the repository and print what it holds."""
    from ..analyze.coverage import mark_moments
    from ..parliament.persist import ingest_documents

    with store.writing(db_path(db)) as con:
        report = _build_with_progress(con, bundled_budget_paths(), db_path(db))
        docs = ingest_documents(con, bundled_documents())
    _print_ingest(report)
    err.print("Documenten: " + ", ".join(f"{Path(d.path).name} ({'geladen' if d.status == 'loaded' else 'al geladen'}, "
                                        f"{d.questions} vragen, "
                                        f"{d.links} koppelingen)" for d in docs), highlight=False)
    con = read_connection(db_path(db))
    try:
        output.render(queries.coverage(con), "table")
        output.render(queries.findings_summary(con), "table")
        output.render(mark_moments(con, queries.themes(con, fase="OWB", same_year=True)), "table")
        for result in _integrated_tables(con):
            output.render(result, "table")
    finally:
        con.close()


def _integrated_tables(con: Any) -> list[queries.Result]:
    """The integrated table for the default moment (the latest with broad coverage, per article) and for the
    moment with most digital detail (per chapter): what the demo prints, each with its coverage."""
    from ..analyze.coverage import default_moment
    from ..analyze.integral import integral_table
    from ..vocab import Moment

    latest = default_moment(con)
    if latest is None:
        return []
    richest = con.execute("""
        SELECT moment_jaar, fase FROM fact JOIN line_theme USING (line_id)
        WHERE counted AND measure = 'stand' AND granularity = 'detail'
        GROUP BY ALL ORDER BY count(DISTINCT line_id) DESC, moment_jaar DESC LIMIT 1""").fetchall()
    out = [integral_table(con, niveau="artikel", vuo="U")]  # the default moment, and it says so
    if richest and tuple(richest[0]) != latest:
        richest_moment = Moment(int(richest[0][0]), str(richest[0][1]))
        out.append(integral_table(con, moment=richest_moment, niveau="hoofdstuk", vuo="U"))
    return out



@app.command("version", rich_help_panel="Data laden en bekijken")
def version_cmd() -> None:
    """Print the version."""
    typer.echo(__version__)


