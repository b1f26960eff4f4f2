"""`digibudget docs`: parliamentary documents on the command line (no database needed)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table as RichTable

from ..errors import UsageError
from ..export.staging import check_target
from ..findings_nl import SEVERITY_NL, message_nl
from ..parliament.model import Document
from ..parliament.parse import parse_file
from ..parliament.serialize import to_json
from ..remote import read_connection
from .click_nl import DutchTyper
from .common import DbOption, db_path, edge

docs_app = DutchTyper(help="Kamerstukken met vragen en antwoorden lezen: vragen, antwoorden, bedragen, status.",
                       no_args_is_help=True)


class OutputFormat(StrEnum):
    json = "json"
    table = "table"


@docs_app.callback()
def _docs() -> None:
    """Parliamentary question-and-answer documents."""


@docs_app.command("parse")
@edge
def parse_command(
    file: Annotated[Path, typer.Argument(metavar="BESTAND",
                                         help="Document: .txt (uit docx), .docx, .xml (KOOP) of .pdf")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Uitvoer: json of table")] = OutputFormat.table,
) -> None:
    """Parse FILE and print its questions, answers, statuses, references, amounts, tables and findings."""
    doc = parse_file(file)
    if format is OutputFormat.json:
        typer.echo(to_json(doc))
    else:
        _render(doc)


@docs_app.command("ingest")
@edge
def ingest_command(
    files: Annotated[list[Path], typer.Argument(metavar="BESTANDEN",
                                                help="Documents to load (.txt, .docx, .xml, .pdf)")],
    db: DbOption = None,
) -> None:
    """Load documents into the database: questions, statuses, references, figures, links to budget lines."""
    from .. import jobs
    from ..parliament.persist import DocReport

    done = jobs.run(db_path(db), "documenten", {"paths": [str(f) for f in files]})  # here, or by the server
    reports = [DocReport(**r) for r in done["rapporten"]]
    console = Console(width=200)
    table = RichTable(title="Documenten")
    for header in ("Bestand", "Status", "Vragen", "Bedragen", "Koppelingen", "Bevindingen"):
        table.add_column(header)
    for r in reports:
        table.add_row(Path(r.path).name, "geladen" if r.status == "loaded" else "al geladen", str(r.questions),
                      str(r.figures), str(r.links), str(r.findings))
    console.print(table)


def _short(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _render(doc: Document) -> None:
    console = Console(width=200)
    table = RichTable(title=f"{doc.source} ({len(doc.questions)} vragen)", show_lines=False)
    for header in ("Vraag", "Status", "Antwoord", "Groep", "Bedragen", "Verwijzingen"):
        table.add_column(header, overflow="fold")
    for q in doc.questions:
        answer = doc.answer(q.answer_id) if q.answer_id else None
        extractions = [q.extraction] + ([answer.extraction] if answer else [])
        amounts = [a.raw for e in extractions for a in e.amounts]
        refs = [c.key for e in extractions for c in e.citations]
        refs += [f"vraag {', '.join(x.targets)}" for e in extractions for x in e.cross_references]
        status = q.status.label + (f" ({q.data_view})" if q.data_view else "")
        status += " (deels uitgesteld)" if q.partly_deferred else ""
        table.add_row(q.number, status, _short(answer.text) if answer else "", ", ".join(q.grouped_with),
                      "; ".join(amounts), "; ".join(dict.fromkeys(refs)))
    console.print(table)
    for t in doc.tables:
        tt = RichTable(title=f"Tabel {t.id}: {t.caption or ''} ({t.unit or 'euro'})")
        for header in ("Groep", "Subgroep", "Omschrijving", "Bedrag", "Euro"):
            tt.add_column(header)
        for r in t.rows:
            tt.add_row(r.group or "", r.subgroup or "", ("Totaal: " if r.is_total else "") + _short(r.label, 60),
                       "" if r.value is None else str(r.value), "" if r.amount is None else str(r.amount))
        console.print(tt)
    for f in doc.findings:
        console.print(f"[{SEVERITY_NL.get(f.severity, f.severity)}] {f.type.title}: "
                      f"{message_nl(f.code, f.figures, f.message)}", markup=False)


class DraftFormat(StrEnum):
    markdown = "markdown"
    html = "html"
    docx = "docx"
    rapport = "rapport"


@docs_app.command("draft")
@edge
def draft_command(
    file: Annotated[Path, typer.Argument(metavar="BESTAND", help="Document met vragen (met of zonder antwoorden): "
                                                                ".txt, .docx, .xml, .pdf")],
    db: DbOption = None,
    format: Annotated[DraftFormat, typer.Option("--format", "-f", help="markdown (standaard), html, docx, of rapport "
                                                                      "(gepubliceerde bedragen tegen het concept)")]
    = DraftFormat.markdown,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Schrijf naar dit bestand (docx: verplicht).")]
    = None,
    rules: Annotated[Path | None, typer.Option("--rules", help="Eigen draft_rules.toml (standaard: de ingebouwde).")]
    = None,
) -> None:
    """Draft answers from the loaded figures: per question the analysis chosen by the rules (with its evidence), a
    short Dutch answer with every figure's moment and source cell, and what the data cannot answer."""
    from ..parliament.draft import draft_document
    from ..parliament.draft_render import agreement_report, to_docx, to_html, to_markdown

    if format is DraftFormat.docx and output is None:
        raise UsageError("--output is verplicht voor docx", expected="--output BESTAND.docx")
    if output is not None:
        check_target(output)  # before the drafts are made: a missing folder is said at once
    doc = parse_file(file)
    con = read_connection(db_path(db))
    try:
        drafts = draft_document(con, doc, rules_path=rules)
    finally:
        con.close()
    title = file.name
    if format is DraftFormat.docx:
        assert output is not None
        output.write_bytes(to_docx(drafts, title))
    else:
        text = {DraftFormat.markdown: to_markdown, DraftFormat.html: to_html,
                DraftFormat.rapport: agreement_report}[format](drafts, title)
        if output is None:
            typer.echo(text)
            return
        output.write_text(text, encoding="utf-8")
    typer.echo(f"Geschreven: {output}", err=True)
