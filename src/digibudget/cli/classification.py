"""Commands of the classification: themes, explain, review, reclassify, classify, evaluate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .. import jobs, output, queries
from ..bundled import bundled_data_dir
from ..classify import evaluate as evaluation
from ..classify import explain as explaining
from ..classify import external
from ..errors import UsageError
from ..remote import read_connection
from .common import DERIVED_NL, DbOption, FormatOption, app, db_path, edge, err


@app.command("themes", rich_help_panel="Classificatie")
@edge
def themes_cmd(db: DbOption = None, fmt: FormatOption = "table",
               vuo: Annotated[str, typer.Option(help="V, U or O.")] = "U",
               fase: Annotated[str | None, typer.Option(help="Only this budget moment.")] = None,
               jaar: Annotated[int | None, typer.Option(help="Only this year (the year the money is for).")] = None,
               begrotingsjaar: Annotated[int | None, typer.Option(help="Only this budget year's moments.")] = None,
               same_year: Annotated[bool, typer.Option(help="Only the budget year itself (jaar = begrotingsjaar).")]
               = False) -> None:
    """Totals per digital theme, year and budget moment (weighted; x EUR 1,000), each moment marked broad or
    partial (a partial moment's total is no national total)."""
    from ..analyze.coverage import mark_moments

    con = read_connection(db_path(db))
    output.render(mark_moments(con, queries.themes(con, vuo=vuo, fase=fase, jaar=jaar, moment_jaar=begrotingsjaar,
                                                   same_year=same_year)), fmt)


@app.command("explain", rich_help_panel="Classificatie")
@edge
def explain_cmd(line: Annotated[str, typer.Argument(metavar="REGEL", help="A line id or line key.")],
                db: DbOption = None, fmt: FormatOption = "table") -> None:
    """Why a budget line got, or did not get, each theme: rules, matched text, false friends, decisions."""
    con = read_connection(db_path(db))
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


@app.command("review", rich_help_panel="Classificatie")
@edge
def review_cmd(line: Annotated[str, typer.Argument(metavar="REGEL", help="A line id or line key.")],
               theme: Annotated[str, typer.Option(help="The theme decided on.")],
               weight: Annotated[float, typer.Option(help="Share of the line's money, 0 (not this theme) to 1.")],
               reason: Annotated[str, typer.Option(help="Why.")],
               reviewer: Annotated[str, typer.Option(help="Who decided.")],
               date: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: today).")] = None,
               db: DbOption = None) -> None:
    """Record a reviewed decision for a line (by its line key, so it survives re-ingest) and reclassify."""
    recorded = jobs.run(db_path(db), "review", {"regel": line, "thema": theme, "gewicht": weight, "reden": reason,
                                                "beoordelaar": reviewer, "datum": date})
    err.print(f"Besluit vastgelegd in {recorded['bestand']} voor {recorded['sleutel']}", highlight=False)


@app.command("reclassify", rich_help_panel="Classificatie")
@edge
def reclassify_cmd(db: DbOption = None) -> None:
    """Run the classification rules and reviewed decisions again over every line."""
    counts = jobs.run(db_path(db), "rebuild", {})["aantallen"]  # here, or by the server that hosts the jobs
    rows = sorted((DERIVED_NL.get(k, k), n) for k, n in counts.items())
    output.render(queries.Result(["thema", "regels"], rows, "Classificatie"), "table")


@app.command("classify", rich_help_panel="Classificatie")
@edge
def classify_cmd(file: Annotated[Path, typer.Argument(metavar="BESTAND",
                                                      help="CSV with hoofdstuk, artikel, artikel_naam, "
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


@app.command("evaluate", rich_help_panel="Classificatie")
@edge
def evaluate_cmd(labelled: Annotated[Path | None, typer.Argument(
                     metavar="BESTAND", help="Labelled CSV (default: the bundled set).")]
                 = None, stratum: Annotated[str | None, typer.Option(help="obvious, random or hard.")] = None,
                 split: Annotated[str | None, typer.Option(help="dev (for improving rules) or holdout.")] = None,
                 errors: Annotated[bool, typer.Option(help="List the misclassified lines.")] = False,
                 fmt: FormatOption = "table") -> None:
    """Precision and recall of the classifier per theme on hand-labelled real lines."""
    path = labelled or bundled_data_dir() / "evaluation" / "labelled.csv"
    if split not in {None, "dev", "holdout"}:
        raise UsageError(f"onbekende split {split!r}", expected="dev of holdout")
    ev = evaluation.evaluate(path, stratum=stratum, split=split)
    rows = [(s.theme, s.tp, s.fp, s.fn, f"{s.precision:.3f}", f"{s.recall:.3f}") for s in ev.scores]
    output.render(queries.Result(["thema", "tp", "fp", "fn", "precisie", "recall"], rows,
                                 f"Evaluatie op {ev.n} gelabelde regels"), fmt)
    if errors:
        output.render(queries.Result(["fout", "thema", "regel", "stratum"], list(ev.errors), "Fouten"), fmt)


