"""The command line: each command opens the store, calls one library function and renders the result.

Errors of the library (DigibudgetError) are translated here, and only here, into a short Dutch message and an
exit code.
"""

from __future__ import annotations

from . import analysis, classification, load, parliament, update  # noqa: F401 - importing registers the commands
from .common import app, edge

__all__ = ["app", "edge", "main"]


def _mount() -> None:
    try:
        from ..fetch.cli import fetch_app
    except ImportError:  # pragma: no cover - the fetch package is part of the distribution
        pass
    else:
        app.add_typer(fetch_app, name="fetch", help="Download published files (rijksfinancien.nl, Tweede Kamer).")
    try:
        from ..parliament.cli import docs_app
    except ImportError:  # pragma: no cover
        pass
    else:
        app.add_typer(docs_app, name="docs", help="Parliamentary documents: parse questions and answers.")
    try:
        from ..web.commands import register
    except ImportError:  # pragma: no cover - the web package is part of the distribution
        pass
    else:
        register(app, edge)


_mount()


def main() -> None:
    from typer.main import get_command

    from .help_nl import dutch

    dutch(get_command(app))(prog_name="digibudget")


if __name__ == "__main__":  # pragma: no cover
    main()

