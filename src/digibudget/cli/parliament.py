"""Commands on parliamentary questions stored in the database: questions, question."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import output, queries
from ..remote import read_connection
from .common import DbOption, FormatOption, app, db_path, edge


@app.command("questions", rich_help_panel="Kamervragen")
@edge
def questions_cmd(db: DbOption = None, fmt: FormatOption = "table",
                  status: Annotated[str | None, typer.Option(help="Only this status (code or Dutch label).")] = None,
                  document: Annotated[int | None, typer.Option(help="Only this document id.")] = None) -> None:
    """Parliamentary questions with their status (answered, deferred, refused, answerable from the data)."""
    con = read_connection(db_path(db))
    output.render(queries.questions(con, status=status, document_id=document), fmt)


@app.command("question", rich_help_panel="Kamervragen")
@edge
def question_cmd(ref: Annotated[str, typer.Argument(metavar="VRAAG", help="NUMBER or DOCUMENT:NUMBER, e.g. 1:8.")],
                 db: DbOption = None) -> None:
    """One question: text, answer, status, references, stated figures and the budget lines it is linked to."""
    import json

    con = read_connection(db_path(db))
    typer.echo(json.dumps(queries.question_detail(con, ref), ensure_ascii=False, indent=1, default=str))


