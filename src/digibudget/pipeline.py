"""The main job: load sources, then classify every line. Library functions the CLI and the web app call."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from . import ingest, sources, versions
from .analyze import incremental, selection
from .bundled import bundled_data_dir
from .classify.overrides import decisions_path as decisions_path  # re-exported: callers that still name pipeline
from .errors import DigibudgetError
from .store import transaction


def build(con: duckdb.DuckDBPyConnection, paths: Sequence[Path], *, decisions: Path | None = None,
          progress: Callable[[str, int, int], None] | None = None, strict: bool = False
          ) -> tuple[ingest.IngestReport, dict[str, int]]:
    counts: dict[str, int] = {}
    row = con.execute("SELECT coalesce(max(source_id), 0) FROM source").fetchone()
    known = int(row[0]) if row else 0

    def derive(c: duckdb.DuckDBPyConnection) -> None:  # only what the new sources reach (analyze.incremental)
        new = [int(r[0]) for r in c.execute("SELECT source_id FROM source WHERE source_id > ? ORDER BY 1",
                                            [known]).fetchall()]
        removed = bool(versions.removed_sources(c))  # earlier versions of its files that this load replaced
        counts.update(incremental.derive(c, new, decisions, reviewed_lineage_paths(),
                                         preference=source_preference(), removed=removed))
        versions.forget_removed(c)

    report = ingest.ingest(con, paths, progress=progress, then=derive, strict=strict)
    if not report.loaded:  # nothing new: rebuild only when rules, decisions or code changed since the last build
        current = incremental.fingerprint(decisions, reviewed_lineage_paths(), source_preference())
        if incremental.stored_fingerprint(con) == current:
            counts = incremental.current_counts(con)
        else:
            counts = reclassify(con, decisions=decisions)
    return report, counts


def reclassify(con: duckdb.DuckDBPyConnection, *, decisions: Path | None = None) -> dict[str, int]:
    with transaction(con):
        return _derive(con, decisions)


def _derive(con: duckdb.DuckDBPyConnection, decisions: Path | None) -> dict[str, int]:
    """Everything derived from the loaded lines, rebuilt: tags, the chosen facts, lineage, the typed mutations."""
    return incremental.derive_all(con, decisions, reviewed_lineage_paths(), preference=source_preference())


def source_preference() -> selection.SourcePreference:
    """The readers' ranks of the source kinds (the reader registry), as the selection and the mutations take them."""
    return selection.SourcePreference(sources.ranks(), sources.lines_only_kinds())


def reviewed_lineage_paths() -> list[Path]:
    """The was/wordt tables bundled in data/lineage/ (reviewed article maps)."""
    try:
        folder = bundled_data_dir() / "lineage"
    except DigibudgetError:
        return []
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []
