"""The command line: each command opens the store, calls one library function and renders the result.

Errors of the library (DigibudgetError) are translated here, and only here, into a short Dutch message and an
exit code.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from . import __version__, ingest, output, pipeline, queries, store
from .bundled import bundled_budget_paths, bundled_data_dir, bundled_documents
from .classify import evaluate as evaluation
from .classify import explain as explaining
from .classify import external, overrides
from .classify.rules import load_rules
from .errors import DigibudgetError, UsageError
from .settings import SETTINGS, load_settings

app = typer.Typer(help="digibudget: één integraal, herleidbaar overzicht van de digitaliseringsuitgaven van het Rijk.",
                  no_args_is_help=True, add_completion=False)
err = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[str | None, typer.Option("--db", help="Database file (default: setting 'database').")]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="Output format: table, csv or json.")]


def edge(fn: F) -> F:
    """Translate library errors into a message on stderr and the error's exit code."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DigibudgetError as exc:
            err.print(f"[bold red]Fout:[/] {exc.describe()}", highlight=False, markup=True)
            raise typer.Exit(exc.exit_code) from None

    return wrapper  # type: ignore[return-value]


def _db(db: str | None) -> str:
    return db or str(load_settings()["database"])


@app.command("ingest")
@edge
def ingest_cmd(paths: Annotated[list[Path], typer.Argument(help="CSV files or folders to load.")],
               db: DbOption = None, fmt: FormatOption = "table") -> None:
    """Load budget tables (B-tabel, begrotingsstaten, suppletoire tables, bulk files) into the database."""
    con = store.connect(_db(db))
    try:
        report = _build_with_progress(con, paths, _db(db))
    finally:
        con.close()
    _print_ingest(report, fmt)


def _build_with_progress(con: Any, paths: list[Path], database: str) -> ingest.IngestReport:
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  console=err, transient=True) as progress:
        task = progress.add_task("lezen", total=1)

        def tick(what: str, done: int, total: int) -> None:
            progress.update(task, description=what, completed=done, total=max(total, 1))

        report, counts = pipeline.build(con, paths, decisions=pipeline.decisions_path(database), progress=tick)
    err.print("Classificatie: " + ", ".join(f"{t} {n} regels" for t, n in sorted(counts.items())), highlight=False)
    return report


def _print_ingest(report: ingest.IngestReport, fmt: str = "table") -> None:
    rows = [(Path(f.path).name, f.kind or "", "geladen" if f.status == "loaded" else "al geladen", f.rows_read,
             f.lines, f.amounts, f.commitments, f.findings) for f in report.files]
    output.render(queries.Result(["bestand", "soort", "status", "rijen", "regels", "bedragen", "% verplicht",
                                  "bevindingen"], rows, "Inlezen"), fmt)
    if report.reconciliation:
        r = report.reconciliation
        err.print(f"Aansluiting: {r['totals_checked']} totalen getoetst, {r['totals_mismatch']} wijken af; "
                  f"{r['stands_checked']} standen getoetst, {r['stands_mismatch']} wijken af; "
                  f"{r['cross_checked']} bedragen tussen bronnen vergeleken, {r['cross_agree']} gelijk, "
                  f"{r['cross_mismatch']} verschillend.", highlight=False)


@app.command("sources")
@edge
def sources_cmd(db: DbOption = None, fmt: FormatOption = "table") -> None:
    """List the loaded sources with their checksum and provenance."""
    con = store.connect(_db(db), read_only=True)
    output.render(queries.sources(con), fmt)


@app.command("findings")
@edge
def findings_cmd(db: DbOption = None, fmt: FormatOption = "table",
                 code: Annotated[str | None, typer.Option(help="Only this finding code.")] = None,
                 severity: Annotated[str | None, typer.Option(help="info, warning or error.")] = None,
                 source: Annotated[int | None, typer.Option(help="Only this source id.")] = None,
                 summary: Annotated[bool, typer.Option(help="Counts per code instead of the list.")] = False,
                 limit: Annotated[int | None, typer.Option(help="At most this many rows.")] = None) -> None:
    """List data-quality findings (typed, with file, row and column)."""
    con = store.connect(_db(db), read_only=True)
    result = queries.findings_summary(con) if summary else queries.findings(
        con, code=code, severity=severity, source_id=source, limit=limit)
    output.render(result, fmt)


@app.command("lines")
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
    con = store.connect(_db(db), read_only=True)
    output.render(queries.lines(con, hoofdstuk=hoofdstuk, artikel=artikel, jaar=jaar, fase=fase, vuo=vuo,
                                begrotingsjaar=begrotingsjaar, include_totals=totals, limit=limit), fmt)


@app.command("coverage")
@edge
def coverage_cmd(db: DbOption = None, fmt: FormatOption = "table") -> None:
    """Which budget years, moments and chapters the database holds."""
    con = store.connect(_db(db), read_only=True)
    output.render(queries.coverage(con), fmt)


@app.command("settings")
@edge
def settings_cmd(fmt: FormatOption = "table") -> None:
    """Show every setting, its environment variable and its current value."""
    values = load_settings()
    rows = [(s.name, s.env_var, str(values[s.name]), s.help) for s in SETTINGS]
    output.render(queries.Result(["setting", "omgevingsvariabele", "waarde", "uitleg"], rows, "Instellingen"), fmt)


@app.command("demo")
@edge
def demo_cmd(db: DbOption = None) -> None:
    """Build the database from the data bundled in the repository and print what it holds."""
    con = store.connect(_db(db))
    try:
        report = _build_with_progress(con, bundled_budget_paths(), _db(db))
        _print_ingest(report)
        from .parliament.persist import ingest_documents

        docs = ingest_documents(con, bundled_documents())
        err.print("Documenten: " + ", ".join(f"{Path(d.path).name} ({d.status}, {d.questions} vragen, "
                                            f"{d.links} koppelingen)" for d in docs), highlight=False)
        output.render(queries.coverage(con), "table")
        output.render(queries.findings_summary(con), "table")
        output.render(queries.themes(con, fase="OWB", same_year=True), "table")
    finally:
        con.close()


@app.command("themes")
@edge
def themes_cmd(db: DbOption = None, fmt: FormatOption = "table",
               vuo: Annotated[str, typer.Option(help="V, U or O.")] = "U",
               fase: Annotated[str | None, typer.Option(help="Only this budget moment.")] = None,
               jaar: Annotated[int | None, typer.Option(help="Only this year (the year the money is for).")] = None,
               begrotingsjaar: Annotated[int | None, typer.Option(help="Only this budget year's moments.")] = None,
               same_year: Annotated[bool, typer.Option(help="Only the budget year itself (jaar = begrotingsjaar).")]
               = False) -> None:
    """Totals per digital theme, year and budget moment (weighted; x EUR 1,000)."""
    con = store.connect(_db(db), read_only=True)
    output.render(queries.themes(con, vuo=vuo, fase=fase, jaar=jaar, moment_jaar=begrotingsjaar,
                                 same_year=same_year), fmt)


@app.command("explain")
@edge
def explain_cmd(line: Annotated[str, typer.Argument(help="A line id or line key.")], db: DbOption = None,
                fmt: FormatOption = "table") -> None:
    """Why a budget line got, or did not get, each theme: rules, matched text, false friends, decisions."""
    con = store.connect(_db(db), read_only=True)
    ex = explaining.explain(con, line)
    if fmt == "json":
        import json

        typer.echo(json.dumps({"regel": {k: str(v) if v is not None else None for k, v in ex.line.items()},
                               "teksten": ex.texts, "regels_versie": ex.rules_version,
                               "themas": [v.__dict__ for v in ex.verdicts],
                               "uitvoerders": ex.executors}, ensure_ascii=False, indent=1, default=str))
        return
    out = Console(width=160) if not Console().is_terminal else Console()
    ln = ex.line
    out.print(f"[bold]Regel {ln['line_id']}[/] ({ln['line_key']}) uit {ln['file_name']}, rij {ln['source_row']}",
              highlight=False)
    for fld, scope, text in ex.texts:
        out.print(f"  {fld} ({'eigen tekst' if scope == 'own' else 'context'}): {text}", highlight=False,
                  markup=False)
    for v in ex.verdicts:
        state = "telt mee" if v.counted else ("zwakke aanwijzing" if v.evidence else "niet")
        out.print(f"[bold]{v.label}[/]: {state}" + (f" (gewicht {v.weight:g}, zekerheid {v.confidence:g}, "
                                                     f"{v.basis})" if v.evidence else ""), highlight=False)
        for e in v.evidence:
            out.print(f"    + {e['regel']} [{e['soort']}] {e['veld']}: '{e['match']}' in \"{e['tekst']}\"",
                      highlight=False, markup=False)
        for e in v.vetoed:
            out.print(f"    - {e['regel']} afgewezen ({e['veto']} '{e['veto_match']}'): \"{e['tekst']}\"",
                      highlight=False, markup=False)
    for name, fld, match in ex.executors:
        out.print(f"Uitvoerder: {name} ({fld}: '{match}')", highlight=False, markup=False)


@app.command("review")
@edge
def review_cmd(line: Annotated[str, typer.Argument(help="A line id or line key.")],
               theme: Annotated[str, typer.Option(help="The theme decided on.")],
               weight: Annotated[float, typer.Option(help="Share of the line's money, 0 (not this theme) to 1.")],
               reason: Annotated[str, typer.Option(help="Why.")],
               reviewer: Annotated[str, typer.Option(help="Who decided.")],
               date: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: today).")] = None,
               db: DbOption = None) -> None:
    """Record a reviewed decision for a line (by its line key, so it survives re-ingest) and reclassify."""
    import datetime as dt

    database = _db(db)
    con = store.connect(database)
    try:
        line_id = explaining.resolve_line(con, line)
        row = con.execute("SELECT line_key FROM budget_line WHERE line_id = ?", [line_id]).fetchone()
        assert row is not None
        path = pipeline.decisions_path(database)
        overrides.add_decision(path, overrides.Decision(str(row[0]), theme, weight, reason, reviewer,
                                                        date or dt.date.today().isoformat()),
                               load_rules().theme_ids())
        pipeline.reclassify(con, decisions=path)
    finally:
        con.close()
    err.print(f"Besluit vastgelegd in {path} voor {row[0]}", highlight=False)


@app.command("reclassify")
@edge
def reclassify_cmd(db: DbOption = None) -> None:
    """Run the classification rules and reviewed decisions again over every line."""
    con = store.connect(_db(db))
    try:
        counts = pipeline.reclassify(con, decisions=pipeline.decisions_path(_db(db)))
    finally:
        con.close()
    output.render(queries.Result(["thema", "regels"], sorted(counts.items()), "Classificatie"), "table")


@app.command("classify")
@edge
def classify_cmd(file: Annotated[Path, typer.Argument(help="CSV with hoofdstuk, artikel, artikel_naam, "
                                                         "artikelonderdeel, instrument, regeling.")],
                 output_file: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
                 ) -> None:
    """Tag lines that are not in the database; prints CSV with themes, weights, executor and evidence."""
    rows = external.read_input(file)
    columns = list(rows[0].keys()) if rows else list(external.INPUT_COLUMNS)
    text = external.to_csv(external.classify_rows(rows), columns)
    if output_file:
        output_file.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)


@app.command("evaluate")
@edge
def evaluate_cmd(labelled: Annotated[Path | None, typer.Argument(help="Labelled CSV (default: the bundled set).")]
                 = None, stratum: Annotated[str | None, typer.Option(help="obvious, random or hard.")] = None,
                 split: Annotated[str | None, typer.Option(help="dev (for improving rules) or holdout.")] = None,
                 errors: Annotated[bool, typer.Option(help="List the misclassified lines.")] = False,
                 fmt: FormatOption = "table") -> None:
    """Precision and recall of the classifier per theme on hand-labelled real lines."""
    path = labelled or bundled_data_dir() / "evaluation" / "labelled.csv"
    if split not in {None, "dev", "holdout"}:
        raise UsageError(f"unknown split {split!r}", expected="dev or holdout")
    ev = evaluation.evaluate(path, stratum=stratum, split=split)
    rows = [(s.theme, s.tp, s.fp, s.fn, f"{s.precision:.3f}", f"{s.recall:.3f}") for s in ev.scores]
    output.render(queries.Result(["thema", "tp", "fp", "fn", "precisie", "recall"], rows,
                                 f"Evaluatie op {ev.n} gelabelde regels"), fmt)
    if errors:
        output.render(queries.Result(["fout", "thema", "regel", "stratum"], list(ev.errors), "Fouten"), fmt)


@app.command("questions")
@edge
def questions_cmd(db: DbOption = None, fmt: FormatOption = "table",
                  status: Annotated[str | None, typer.Option(help="Only this status (code or Dutch label).")] = None,
                  document: Annotated[int | None, typer.Option(help="Only this document id.")] = None) -> None:
    """Parliamentary questions with their status (answered, deferred, refused, answerable from the data)."""
    con = store.connect(_db(db), read_only=True)
    output.render(queries.questions(con, status=status, document_id=document), fmt)


@app.command("question")
@edge
def question_cmd(ref: Annotated[str, typer.Argument(help="NUMBER or DOCUMENT:NUMBER, e.g. 1:8.")],
                 db: DbOption = None) -> None:
    """One question: text, answer, status, references, stated figures and the budget lines it is linked to."""
    import json

    con = store.connect(_db(db), read_only=True)
    typer.echo(json.dumps(queries.question_detail(con, ref), ensure_ascii=False, indent=1, default=str))


@app.command("table")
@edge
def table_cmd(db: DbOption = None, fmt: FormatOption = "table",
              moment: Annotated[str | None, typer.Option(help="Budget moment, e.g. 2025-OWB (default: latest).")]
              = None,
              thema: Annotated[list[str] | None, typer.Option(help="Theme(s); repeat the option.")] = None,
              van: Annotated[int | None, typer.Option(help="First year (default: the moment's year).")] = None,
              tot: Annotated[int | None, typer.Option(help="Last year (default: first + 5).")] = None,
              niveau: Annotated[str, typer.Option(help="regel, artikel, hoofdstuk, instrument, uitvoerder, thema.")]
              = "regel",
              hoofdstuk: Annotated[str | None, typer.Option(help="Only this chapter.")] = None,
              artikel: Annotated[str | None, typer.Option(help="Only this article.")] = None,
              instrument: Annotated[str | None, typer.Option(help="Only this instrument.")] = None,
              uitvoerder: Annotated[str | None, typer.Option(help="Only executors whose name contains this.")] = None,
              vuo: Annotated[str | None, typer.Option(help="V, U or O.")] = None,
              hints: Annotated[bool, typer.Option(help="Include weak tags below the threshold.")] = False,
              output_file: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
              ) -> None:
    """The integrated table of digital spending (question 8): themes x chapters x articles x years."""
    from .analyze.integral import integral_table

    con = store.connect(_db(db), read_only=True)
    result = integral_table(con, moment=moment, themes=thema, jaar_van=van, jaar_tot=tot, niveau=niveau,
                            hoofdstuk=hoofdstuk, artikel=artikel, instrument=instrument, uitvoerder=uitvoerder,
                            vuo=vuo, include_hints=hints)
    _emit(con, [result], fmt, output_file)


def _emit(con: Any, results: list[queries.Result], fmt: str, output_file: Path | None) -> None:
    """Render to the terminal, or write a file in any export format (csv, json, xlsx, parquet, datapackage)."""
    if output_file is None:
        for r in results:
            output.render(r, fmt)
        return
    if fmt == "json":
        output_file.write_text("\n".join(output.to_json(r) for r in results), encoding="utf-8")
        written = [output_file]
    else:
        from . import export

        written = export.export(results, output_file, "csv" if fmt == "table" else fmt,
                                sources=queries.sources(con), findings=queries.findings(con), title=results[0].title)
    for path in written:
        err.print(f"Geschreven: {path}", highlight=False)


@app.command("mutations")
@edge
def mutations_cmd(db: DbOption = None, fmt: FormatOption = "table",
                  hoofdstuk: Annotated[str | None, typer.Option(help="Only this chapter.")] = None,
                  artikel: Annotated[str | None, typer.Option(help="Only this article.")] = None,
                  line_key: Annotated[str | None, typer.Option(help="Only this line key.")] = None,
                  soort: Annotated[str | None, typer.Option(help="kasschuif, overboeking, herschikking, "
                                                                 "taakstelling, nieuwe middelen, ...")] = None,
                  jaar: Annotated[int | None, typer.Option(help="The year the money is for.")] = None,
                  begrotingsjaar: Annotated[int | None, typer.Option(help="The year of the budget moment.")] = None,
                  limit: Annotated[int | None, typer.Option(help="At most this many rows.")] = None,
                  output_file: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]
                  = None) -> None:
    """Every change between budget moments, typed (kasschuif, overboeking, herschikking, taakstelling, nieuwe
    middelen, loon- en prijsbijstelling, onverklaard) with confidence and evidence."""
    from .analyze import mutations

    con = store.connect(_db(db), read_only=True)
    _emit(con, [mutations.mutations(con, hoofdstuk=hoofdstuk, artikel=artikel, line_key=line_key, soort=soort,
                                    jaar=jaar, begrotingsjaar=begrotingsjaar, limit=limit)], fmt, output_file)


@app.command("waterfall")
@edge
def waterfall_cmd(hoofdstuk: Annotated[str, typer.Argument(help="Chapter, e.g. VI.")],
                  artikel: Annotated[str | None, typer.Argument(help="Article, e.g. 36 (none: chapter level).")]
                  = None, db: DbOption = None, fmt: FormatOption = "table",
                  vuo: Annotated[str, typer.Option(help="V, U or O.")] = "U",
                  begrotingsjaar: Annotated[int | None, typer.Option(help="The year of the budget moments.")] = None,
                  jaar: Annotated[int | None, typer.Option(help="The year the money is for.")] = None) -> None:
    """From the ontwerpbegroting through each moment's typed mutations to the latest stand, with a check row."""
    from .analyze import mutations

    con = store.connect(_db(db), read_only=True)
    output.render(mutations.waterfall(con, hoofdstuk, artikel, vuo=vuo, begrotingsjaar=begrotingsjaar,
                                      jaar=jaar), fmt)


@app.command("export")
@edge
def export_cmd(output_file: Annotated[Path, typer.Option("--output", "-o", help="File (or folder for "
                                                                                  "datapackage) to write.")],
               fmt: Annotated[str, typer.Option("--format", "-f", help="xlsx, csv, parquet or datapackage.")]
               = "xlsx",
               moment: Annotated[str | None, typer.Option(help="Budget moment (default: latest).")] = None,
               db: DbOption = None) -> None:
    """Everything for one budget moment in one export: the integrated table (lines and articles), themes,
    mutations, overlap, questions, with the sources and findings."""
    import datetime as dt

    from . import export
    from .analyze import mutations, overlap
    from .analyze.integral import integral_table, window

    con = store.connect(_db(db), read_only=True)
    w = window(con, moment)
    m = f"{w.moment_jaar}-{w.fase}"
    results = [integral_table(con, moment=m), integral_table(con, moment=m, niveau="artikel"),
               queries.themes(con, fase=w.fase, moment_jaar=w.moment_jaar),
               mutations.mutations(con, begrotingsjaar=w.moment_jaar), overlap.concentration(con, moment=m),
               overlap.multi_funded_executors(con), queries.questions(con)]
    written = export.export(results, output_file, fmt, sources=queries.sources(con), findings=queries.findings(con),
                            title=f"digibudget: digitale uitgaven, {w.label}",
                            meta={"database": _db(db), "moment": m, "regels_versie": load_rules().version,
                                  "gemaakt": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")})
    for path in written:
        err.print(f"Geschreven: {path}", highlight=False)


@app.command("moments")
@edge
def moments_cmd(db: DbOption = None, fmt: FormatOption = "table") -> None:
    """Budget moments in the database, with their coverage (chapters, articles, detail, digital lines)."""
    from .analyze.moments import moments

    con = store.connect(_db(db), read_only=True)
    output.render(moments(con), fmt)


@app.command("overlap")
@edge
def overlap_cmd(db: DbOption = None, fmt: FormatOption = "table",
                moment: Annotated[str | None, typer.Option(help="Budget moment (default: latest).")] = None,
                jaar: Annotated[int | None, typer.Option(help="Year (default: the moment's year).")] = None,
                thema: Annotated[str | None, typer.Option(help="Only this theme.")] = None,
                dimensie: Annotated[str | None, typer.Option(help="Show the units of: hoofdstuk, artikel, "
                                                                  "instrument, uitvoerder.")] = None,
                drempel: Annotated[float, typer.Option(help="Similarity for near-duplicate descriptions.")] = 0.9,
                output_file: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]
                = None) -> None:
    """Overlap and fragmentation (question 28): concentration (HHI) per theme, executors funded from several
    chapters, near-identical descriptions in different ministries."""
    from .analyze import overlap

    con = store.connect(_db(db), read_only=True)
    results = [overlap.concentration(con, moment=moment, jaar=jaar, theme=thema)]
    if dimensie:
        results.append(overlap.spread(con, dimensie, moment=moment, jaar=jaar, theme=thema))
    results += [overlap.multi_funded_executors(con), overlap.near_duplicates(con, threshold=drempel)]
    _emit(con, results, fmt, output_file)


@app.command("profiles")
@edge
def profiles_cmd(db: DbOption = None, fmt: FormatOption = "table",
                 moment: Annotated[str | None, typer.Option(help="Budget moment (default: latest).")] = None,
                 daling: Annotated[float, typer.Option(help="Cliff: drop of at least this percentage.")] = 50,
                 alles: Annotated[bool, typer.Option(help="All lines, not only digital ones.")] = False) -> None:
    """Funding cliffs, dips followed by a spike in the last year, and opaque reserves (questions 3, 18-20)."""
    from .analyze import profiles

    con = store.connect(_db(db), read_only=True)
    for r in (profiles.cliffs(con, moment=moment, drop_pct=daling, digital_only=not alles),
              profiles.last_year_spikes(con, moment=moment, digital_only=not alles),
              profiles.opaque(con, digital_only=not alles)):
        output.render(r, fmt)


@app.command("version")
def version_cmd() -> None:
    """Print the version."""
    typer.echo(__version__)


def _mount() -> None:
    try:
        from .fetch.cli import fetch_app
    except ImportError:  # pragma: no cover - the fetch package is part of the distribution
        pass
    else:
        app.add_typer(fetch_app, name="fetch", help="Download published files (rijksfinancien.nl, Tweede Kamer).")
    try:
        from .parliament.cli import docs_app
    except ImportError:  # pragma: no cover
        pass
    else:
        app.add_typer(docs_app, name="docs", help="Parliamentary documents: parse questions and answers.")
    try:
        from .web.commands import register
    except ImportError:  # pragma: no cover - the web package is part of the distribution
        pass
    else:
        register(app, edge)


_mount()


def main() -> None:
    app(prog_name="digibudget")


if __name__ == "__main__":  # pragma: no cover
    main()
