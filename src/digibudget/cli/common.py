"""Shared pieces of the command line: the Typer app, the error edge, common options, rendering to files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import duckdb
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from .. import output, queries
from ..errors import DigibudgetError, FileAccessError, LoadedWithErrors, StoreError
from ..nlformat import nl_number
from ..settings import load_settings
from .click_nl import DutchTyper

app = DutchTyper(help="digibudget: één integraal, herleidbaar overzicht van de digitaliseringsuitgaven van het Rijk.",
                  no_args_is_help=True, add_completion=False)
err = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[str | None, typer.Option("--db", help="Database file (default: setting 'database').")]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="Uitvoer: table (tabel met Nederlandse getallen), "
                                           "csv (voor machines), csv-nl (voor Nederlandse Excel: puntkomma, "
                                           "decimale komma, BOM) of json.")]


def translate(exc: DigibudgetError) -> tuple[str, int]:
    """The one translator of library errors for the command line: the Dutch line a user reads and the exit code,
    both from the error (its class's ``label`` and ``exit_code``; no exit code is written anywhere else)."""
    return f"{exc.label}: {exc.describe()}", exc.exit_code


def edge(fn: F) -> F:
    """Run a command; a library error becomes one Dutch line on stderr and the error class's exit code. So does an
    OSError no check of the command caught first (a FileAccessError: the path and the reason) and an error of DuckDB
    itself (a StoreError: a damaged or cut-off database file), never a traceback;
    only a closed pipe (``| head``) ends the command without a word."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return fn(*args, **kwargs)
            except (BrokenPipeError, duckdb.InterruptException):  # a closed pipe, Ctrl-C: no message of ours
                raise
            except OSError as exc:
                raise FileAccessError.from_os(exc) from exc
            except duckdb.Error as exc:  # a damaged or cut-off database file (or a defect): said, not a traceback
                raise StoreError.from_duckdb(exc) from exc
        except DigibudgetError as exc:
            message, code = translate(exc)
            err.print(message, style="bold red" if code != LoadedWithErrors.exit_code else None,
                      highlight=False, markup=False)
            raise typer.Exit(code) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def progress_bar(first: str = "lezen") -> Iterator[Callable[[str, int, int], None]]:
    """A transient progress bar on stderr and its callback (what, done, total), as a load job reports progress."""
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  console=err, transient=True) as progress:
        task = progress.add_task(first, total=1)

        def tick(what: str, done: int, total: int) -> None:
            progress.update(task, description=what, completed=done, total=max(total, 1))

        yield tick


def db_path(db: str | None) -> str:
    """The database file: ``--db`` when given, else the setting ``database`` (environment, settings file, default);
    resolved here, and only here, for every command."""
    return str(load_settings(overrides={"database": db})["database"])


def emit(con: Any, results: list[queries.Result], fmt: str, output_file: Path | None) -> None:
    """Render to the terminal, or write a file in any export format (csv, json, xlsx, parquet, datapackage)."""
    if output_file is None:
        for r in results:
            output.render(r, fmt)
        return
    if fmt == "json":
        output_file.write_text("\n".join(output.to_json(r) for r in results), encoding="utf-8")
        written = [output_file]
    else:
        from .. import export

        written = export.export(results, output_file, "csv" if fmt == "table" else fmt,
                                sources=queries.sources(con), findings=queries.findings(con), title=results[0].title)
    for path in written:
        err.print(f"Geschreven: {path}", highlight=False)


# what pipeline.build / reclassify count besides the lines per theme
DERIVED_NL = {"mutations": "mutaties", "lineage": "herkomstkoppelingen"}


def counts_nl(counts: dict[str, int]) -> str:
    """'cyberveiligheid 32 regels, ..., mutaties 28.211': the counts of a build, in Dutch."""
    themes = [f"{t} {nl_number(n)} regels" for t, n in sorted(counts.items()) if t not in DERIVED_NL]
    return ", ".join(themes + [f"{nl} {nl_number(counts[k])}" for k, nl in DERIVED_NL.items() if k in counts])
