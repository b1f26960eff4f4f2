"""Exports of query results without row caps: CSV, XLSX, Parquet and a Frictionless data package.

One call, ``export(results, path, fmt, ...)``, writes every view of a list of ``queries.Result`` in one format and
returns the files it wrote. Rows are streamed to disk; nothing is capped or silently rounded. Every file is first
written next to its target and moved into place only when all files of the call are complete, so a failure leaves
earlier exports as they were.

Modules: ``common`` (shared text, unit and name helpers), ``staging`` (target checks and atomic replacement),
``profile`` (column types), ``tabular`` (CSV and Parquet), ``xlsx`` (workbook) and ``datapackage`` (Frictionless).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

from ..errors import UsageError
from ..queries import Result
from .common import all_views, amount_columns, escape_text, headers, slug, unescape_text
from .datapackage import write_datapackage
from .staging import Staged, view_paths
from .tabular import rows_from_csv, write_csv, write_parquet
from .xlsx import EXCEL_DIGITS, XLSX_MAX_ROWS, write_xlsx

__all__ = [
    "EXCEL_DIGITS",
    "FORMATS",
    "SUFFIXES",
    "XLSX_MAX_ROWS",
    "amount_columns",
    "escape_text",
    "export",
    "export_to_dir",
    "headers",
    "rows_from_csv",
    "slug",
    "unescape_text",
]

FORMATS = ("csv", "xlsx", "parquet", "datapackage")
SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx", "parquet": ".parquet", "datapackage": ""}


def export_to_dir(directory: Path, name: str, results: Sequence[Result], fmt: str, *,
                  sources: Result | None = None, findings: Result | None = None, title: str = "",
                  meta: dict[str, str] | None = None) -> list[Path]:
    """``export`` to a file named by a user inside ``directory``: the name may not leave that folder.

    The format's suffix is added when the name has none (not for a datapackage, which is a folder).
    """
    _check_format(fmt)
    if (not name or name in {".", ".."} or name.startswith(".") or any(c in name for c in "/\\:\0")
            or any(unicodedata.category(c) == "Cc" for c in name) or len(name.encode()) > 200):
        raise UsageError(f"ongeldige bestandsnaam {name!r}",
                         expected="een gewone bestandsnaam zonder mappen, '..', ':' of een '.' vooraan")
    if not directory.is_dir():
        raise UsageError(f"map {directory} bestaat niet")
    if SUFFIXES[fmt] and not Path(name).suffix:
        name += SUFFIXES[fmt]
    target = directory / name
    if target.resolve().parent != directory.resolve():  # e.g. an existing symlink pointing elsewhere
        raise UsageError(f"{name!r} wijst buiten {directory}", expected="een bestand in de map")
    return export(results, target, fmt, sources=sources, findings=findings, title=title, meta=meta)


def export(results: Sequence[Result], path: Path, fmt: str, *, sources: Result | None = None,
           findings: Result | None = None, title: str = "", meta: dict[str, str] | None = None) -> list[Path]:
    """Write ``results`` to ``path`` as csv, xlsx, parquet or datapackage; return the files written.

    csv / parquet: one file per view, the first to ``path``, the others beside it as ``{stem}_{slug(title)}``;
    ``sources`` and ``findings``, when given, are written as two more views. xlsx: one workbook with a sheet per
    view plus Bronnen, Bevindingen and Toelichting. datapackage: ``path`` is a folder (its parent must exist) with
    one CSV per view and ``datapackage.json``.
    """
    _check_format(fmt)
    if not results:
        raise UsageError("niets om te exporteren", expected="ten minste één tabel")
    meta = {**coverage_meta(results), **(meta or {})}
    path = Path(path)
    staged = Staged()
    try:
        if fmt == "xlsx":
            staged.add(path)
            write_xlsx(list(results), staged.tmp(path), sources, findings, title, meta or {})
        elif fmt == "datapackage":
            write_datapackage(list(results), path, staged, sources, findings, title, meta or {})
        else:
            views = all_views(results, sources, findings)
            for target in view_paths(views, path, SUFFIXES[fmt]):
                staged.add(target)
            for result, target in zip(views, staged.targets, strict=True):
                if fmt == "csv":
                    write_csv(result, staged.tmp(target), units=True)
                else:  # each view carries its own coverage in its metadata
                    write_parquet(result, staged.tmp(target), title, {**meta, **coverage_meta([result])})
        return staged.commit()
    finally:
        staged.discard()


def coverage_meta(results: Sequence[Result]) -> dict[str, str]:
    """The coverage of the first view that has one (analyze.coverage): the Dutch sentence and the JSON object."""
    for r in results:
        if r.coverage is not None:
            return {"dekking": r.coverage.sentence(), "dekking_json": r.coverage.to_json()}
    return {}


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"onbekend exportformaat {fmt!r}", expected=", ".join(FORMATS))
