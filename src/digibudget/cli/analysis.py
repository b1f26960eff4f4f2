"""Commands of the analyses: table, mutations, waterfall, export, moments, overlap, profiles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import output, queries
from ..classify.rules import load_rules
from ..remote import read_connection
from ..vocab import NIVEAUS, theme_choices
from .common import DbOption, FormatOption, app, db_path, edge, emit, err

# the choices, from the vocabulary (a theme added to themes.toml is listed here); the library validates a value
# and answers in Dutch (a click choice would answer in English)
THEMES_HELP = f"Theme(s): {', '.join(theme_choices())}; repeat the option."
NIVEAUS_HELP = f"{', '.join(NIVEAUS)}."


@app.command("table", rich_help_panel="Analyse en export")
@edge
def table_cmd(db: DbOption = None, fmt: FormatOption = "table",
              moment: Annotated[str | None, typer.Option(help="Budget moment, e.g. 2025-OWB (default: the latest with "
                                                               "broad coverage).")]
              = None,
              thema: Annotated[list[str] | None, typer.Option(help=THEMES_HELP)] = None,
              van: Annotated[int | None, typer.Option(help="First year (default: the moment's year).")] = None,
              tot: Annotated[int | None, typer.Option(help="Last year (default: first + 5).")] = None,
              niveau: Annotated[str, typer.Option(help=NIVEAUS_HELP)] = "regel",
              hoofdstuk: Annotated[str | None, typer.Option(help="Only this chapter.")] = None,
              artikel: Annotated[str | None, typer.Option(help="Only this article.")] = None,
              instrument: Annotated[str | None, typer.Option(help="Only this instrument.")] = None,
              uitvoerder: Annotated[str | None, typer.Option(help="Only executors whose name contains this.")] = None,
              vuo: Annotated[str | None, typer.Option(help="V, U or O.")] = None,
              hints: Annotated[bool, typer.Option(help="Include weak tags below the threshold.")] = False,
              output_file: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
              ) -> None:
    """The integrated table of digital spending (question 8): themes x chapters x articles x years."""
    from ..analyze.integral import integral_table
    from ..filters import canonical_chapter, canonical_instrument

    con = read_connection(db_path(db))
    result = integral_table(con, moment=moment, themes=thema, jaar_van=van, jaar_tot=tot, niveau=niveau,
                            hoofdstuk=canonical_chapter(hoofdstuk), artikel=artikel,
                            instrument=canonical_instrument(con, instrument), uitvoerder=uitvoerder,
                            vuo=vuo, include_hints=hints)
    emit(con, [result], fmt, output_file)



@app.command("mutations", rich_help_panel="Analyse en export")
@edge
def mutations_cmd(db: DbOption = None, fmt: FormatOption = "table",
                  hoofdstuk: Annotated[str | None, typer.Option(help="Only this chapter.")] = None,
                  artikel: Annotated[str | None, typer.Option(help="Only this article.")] = None,
                  line_key: Annotated[str | None, typer.Option(help="Only this line key.")] = None,
                  soort: Annotated[str | None, typer.Option(help="A type (kasschuif, overboeking, herschikking, "
                                                                 "taakstelling, nieuwe middelen, 'onverklaard: "
                                                                 "verlaging', ...) or a group: onverklaard, "
                                                                 "verklaard.")] = None,
                  jaar: Annotated[int | None, typer.Option(help="The year the money is for.")] = None,
                  begrotingsjaar: Annotated[int | None, typer.Option(help="The year of the budget moment.")] = None,
                  limit: Annotated[int | None, typer.Option(help="At most this many rows.")] = None,
                  output_file: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]
                  = None) -> None:
    """Every change between budget moments, in publication order, typed only with evidence (label, column,
    counterpart, kasschuif profile, review); without it 'onverklaard: verhoging' or 'onverklaard: verlaging'."""
    from ..analyze import mutations
    from ..analyze.coverage import with_mutations_coverage

    con = read_connection(db_path(db))
    result = mutations.mutations(con, hoofdstuk=hoofdstuk, artikel=artikel, line_key=line_key, soort=soort,
                                 jaar=jaar, begrotingsjaar=begrotingsjaar, limit=limit)
    emit(con, [with_mutations_coverage(con, result, begrotingsjaar=begrotingsjaar, jaar=jaar, hoofdstuk=hoofdstuk)],
         fmt, output_file)


@app.command("waterfall", rich_help_panel="Analyse en export")
@edge
def waterfall_cmd(hoofdstuk: Annotated[str, typer.Argument(metavar="HOOFDSTUK", help="Chapter, e.g. VI.")],
                  artikel: Annotated[str | None, typer.Argument(metavar="ARTIKEL",
                                                               help="Article, e.g. 36 (none: chapter level).")]
                  = None, db: DbOption = None, fmt: FormatOption = "table",
                  vuo: Annotated[str, typer.Option(help="V, U or O.")] = "U",
                  begrotingsjaar: Annotated[int | None, typer.Option(help="The year of the budget moments.")] = None,
                  jaar: Annotated[int | None, typer.Option(help="The year the money is for.")] = None) -> None:
    """From the ontwerpbegroting through each moment's typed mutations to the latest stand, with a check row."""
    from ..analyze import mutations

    con = read_connection(db_path(db))
    output.render(mutations.waterfall(con, hoofdstuk, artikel, vuo=vuo, begrotingsjaar=begrotingsjaar,
                                      jaar=jaar), fmt)


@app.command("export", rich_help_panel="Analyse en export")
@edge
def export_cmd(output_file: Annotated[Path, typer.Option("--output", "-o", help="File (or folder for "
                                                                                  "datapackage) to write.")],
               fmt: Annotated[str, typer.Option("--format", "-f", help="xlsx, csv, parquet or datapackage.")]
               = "xlsx",
               moment: Annotated[str | None, typer.Option(help="Budget moment (default: latest broad).")] = None,
               db: DbOption = None) -> None:
    """Everything for one budget moment in one export: the integrated table (lines and articles), themes,
    mutations, overlap, questions, with the sources and findings."""
    import datetime as dt

    from .. import export
    from ..analyze.bundle import moment_bundle
    from ..analyze.coverage import DEFAULT_NOTE_CLI

    con = read_connection(db_path(db))
    bundle = moment_bundle(con, moment)
    meta = {"database": db_path(db), "moment": bundle.moment, "regels_versie": load_rules().version,
            "gemaakt": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    if bundle.window.standaard:
        meta["standaardmoment"] = DEFAULT_NOTE_CLI
    title = f"digibudget: digitale uitgaven, {bundle.window.label}"
    written = export.export(bundle.results(), output_file, fmt, sources=queries.sources(con),
                            findings=queries.findings(con), title=title, meta=meta)
    for path in written:
        err.print(f"Geschreven: {path}", highlight=False)


@app.command("moments", rich_help_panel="Analyse en export")
@edge
def moments_cmd(db: DbOption = None, fmt: FormatOption = "table") -> None:
    """Budget moments in the database, with their coverage (chapters, articles, detail, digital lines)."""
    from ..analyze.moments import moments

    con = read_connection(db_path(db))
    output.render(moments(con), fmt)


@app.command("overlap", rich_help_panel="Analyse en export")
@edge
def overlap_cmd(db: DbOption = None, fmt: FormatOption = "table",
                moment: Annotated[str | None, typer.Option(help="Budget moment (default: latest broad).")] = None,
                jaar: Annotated[int | None, typer.Option(help="Year (default: the moment's year).")] = None,
                thema: Annotated[str | None, typer.Option(help="Only this theme.")] = None,
                dimensie: Annotated[str | None, typer.Option(help="Show the units of: hoofdstuk, artikel, "
                                                                  "instrument, uitvoerder.")] = None,
                drempel: Annotated[float, typer.Option(help="Similarity for near-duplicate descriptions.")] = 0.9,
                output_file: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]
                = None) -> None:
    """Overlap and fragmentation (question 28): concentration (HHI) per theme, executors funded from several
    chapters, near-identical descriptions in different ministries."""
    from ..analyze import overlap

    con = read_connection(db_path(db))
    results = [overlap.concentration(con, moment=moment, jaar=jaar, theme=thema)]
    if dimensie:
        results.append(overlap.spread(con, dimensie, moment=moment, jaar=jaar, theme=thema))
    results += [overlap.multi_funded_executors(con), overlap.near_duplicates(con, threshold=drempel)]
    emit(con, results, fmt, output_file)


@app.command("profiles", rich_help_panel="Analyse en export")
@edge
def profiles_cmd(db: DbOption = None, fmt: FormatOption = "table",
                 moment: Annotated[str | None, typer.Option(help="Budget moment (default: latest broad).")] = None,
                 daling: Annotated[float, typer.Option(help="Cliff: drop of at least this percentage.")] = 50,
                 alles: Annotated[bool, typer.Option(help="All lines, not only digital ones.")] = False) -> None:
    """Funding cliffs, dips followed by a spike in the last year, and opaque reserves (questions 3, 18-20)."""
    from ..analyze import profiles

    con = read_connection(db_path(db))
    for r in (profiles.cliffs(con, moment=moment, drop_pct=daling, digital_only=not alles),
              profiles.last_year_spikes(con, moment=moment, digital_only=not alles),
              profiles.opaque(con, digital_only=not alles)):
        output.render(r, fmt)




@app.command("lineage", rich_help_panel="Analyse en export")
@edge
def lineage_cmd(hoofdstuk: Annotated[str, typer.Argument(metavar="HOOFDSTUK", help="Chapter, e.g. V.")],
                artikel: Annotated[str | None, typer.Argument(
                    metavar="ARTIKEL", help="Article, e.g. 43 (none: the whole chapter).")]
                = None, db: DbOption = None, fmt: FormatOption = "table",
                vuo: Annotated[str | None, typer.Option(help="V, U or O.")] = None) -> None:
    """Where an article came from and where it continues: renumbering found in the data and reviewed was/wordt
    links, with evidence; 'gevolgd' links are followed by the mutations (a renumbering is no mutation)."""
    from ..analyze import lineage

    con = read_connection(db_path(db))
    emit(con, [lineage.lineage(con, hoofdstuk, artikel, vuo)], fmt, None)


@app.command("review-mutation", rich_help_panel="Analyse en export")
@edge
def review_mutation_cmd(mutation: Annotated[str, typer.Argument(metavar="MUTATIE",
                                                                                help="A mutation id or mutation_key.")],
                        soort: Annotated[str, typer.Option(help="The type decided on (see 'mutations --help').")],
                        reason: Annotated[str, typer.Option(help="Why (e.g. the Kamerstuk that says so).")],
                        reviewer: Annotated[str, typer.Option(help="Who decided.")],
                        date: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: today).")] = None,
                        db: DbOption = None) -> None:
    """Record a reviewed type for a mutation (by its stable key, so it survives re-ingest) and rebuild."""
    from .. import jobs

    recorded = jobs.run(db_path(db), "review", {"mutatie": mutation, "soort": soort, "reden": reason,
                                                "beoordelaar": reviewer, "datum": date})
    err.print(f"Beoordeling vastgelegd in {recorded['bestand']} voor {recorded['sleutel']}", highlight=False)


@app.command("changes", rich_help_panel="Analyse en export")
@edge
def changes_cmd(db: DbOption = None,
                fmt: Annotated[str, typer.Option("--format", "-f", help="table, json, csv or markdown.")] = "table",
                van: Annotated[str | None, typer.Option(help="The earlier moment, e.g. 2020-OWB (default: the one "
                                                             "published before --naar).")] = None,
                naar: Annotated[str | None, typer.Option(help="The later moment (default: the last two loaded "
                                                              "moments of the latest year that has two).")] = None,
                thema: Annotated[list[str] | None, typer.Option(help="Theme(s); repeat the option.")] = None,
                hoofdstuk: Annotated[list[str] | None, typer.Option(help="Chapter(s); repeat the option.")] = None,
                artikel: Annotated[str | None, typer.Option(help="Only this article.")] = None,
                uitvoerder: Annotated[str | None, typer.Option(help="Executors whose name contains this.")] = None,
                volglijst: Annotated[Path | None, typer.Option(help="Watch list (TOML, [[volg]] line_key = ... or "
                                                                   "naam = ...).")] = None,
                limit: Annotated[int, typer.Option(help="At most this many rows per section.")] = 25,
                output_file: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")]
                = None) -> None:
    """What changed between two budget moments for a selection: new, disappeared and renamed lines, the largest
    mutations with type and evidence, renumbered articles, changed commitment shares, new findings."""
    from ..analyze import changes
    from ..changes_render import to_markdown

    keys, names = changes.load_watch_list(volglijst) if volglijst else ((), ())
    sel = changes.Selection(tuple(thema or ()), tuple(hoofdstuk or ()), artikel, uitvoerder, keys, names)
    con = read_connection(db_path(db))
    report = changes.changes(con, van=van, naar=naar, selection=sel, limit=limit)
    if fmt == "markdown":
        text = to_markdown(report)
        if output_file:
            output_file.write_text(text, encoding="utf-8")
            err.print(f"Geschreven: {output_file}", highlight=False)
        else:
            typer.echo(text)
        return
    if fmt not in ("table", "json", "csv"):
        raise typer.BadParameter(f"onbekend formaat {fmt!r}: table, json, csv of markdown")
    if fmt == "table" and output_file is None:
        err.print(report.title, highlight=False)
    emit(con, report.sections, fmt, output_file)
