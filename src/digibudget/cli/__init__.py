"""The command line: each command opens the store, calls one library function and renders the result.

Errors of the library (DigibudgetError) are translated here, and only here, into a short Dutch message and an
exit code.
"""

from __future__ import annotations

from . import analysis, classification, load, parliament, serve, update  # noqa: F401 - importing registers the commands
from .common import app, edge
from .docs import docs_app
from .fetch import fetch_app

__all__ = ["app", "edge", "main"]

app.add_typer(fetch_app, name="fetch", help="Download published files (rijksfinancien.nl, Tweede Kamer).",
              rich_help_panel="Data laden en bekijken")
app.add_typer(docs_app, name="docs", help="Parliamentary documents: parse questions and answers.",
              rich_help_panel="Kamervragen")


def main() -> None:
    """The installed ``digibudget`` command (help texts, Click's words and errors in Dutch: cli/click_nl.py)."""
    from typer.main import get_command

    get_command(app)(prog_name="digibudget")


if __name__ == "__main__":  # pragma: no cover
    main()

