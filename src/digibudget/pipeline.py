"""The main job: load sources, then classify every line. Library functions the CLI and the web app call."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from . import classify, ingest, sources
from .analyze import lineage, mutations, selection
from .bundled import bundled_data_dir
from .classify.overrides import decisions_path as decisions_path  # re-exported: callers that still name pipeline
from .classify.overrides import load_mutation_decisions
from .errors import DigibudgetError
from .store import transaction


def build(con: duckdb.DuckDBPyConnection, paths: Sequence[Path], *, decisions: Path | None = None,
          progress: Callable[[str, int, int], None] | None = None, strict: bool = False
          ) -> tuple[ingest.IngestReport, dict[str, int]]:
    counts: dict[str, int] = {}

    def derive(c: duckdb.DuckDBPyConnection) -> None:
        counts.update(_derive(c, decisions))

    report = ingest.ingest(con, paths, progress=progress, then=derive, strict=strict)
    if not report.loaded:  # nothing new: rules or decisions may still have changed
        counts = reclassify(con, decisions=decisions)
    return report, counts


def reclassify(con: duckdb.DuckDBPyConnection, *, decisions: Path | None = None) -> dict[str, int]:
    with transaction(con):
        return _derive(con, decisions)


def _derive(con: duckdb.DuckDBPyConnection, decisions: Path | None) -> dict[str, int]:
    """Everything derived from the loaded lines: tags, the chosen facts, the typed mutations."""
    counts = classify.run(con, decisions_file=decisions)
    preference = source_preference()
    selection.build(con, preference=preference)
    counts["lineage"] = lineage.build(con, lineage.load_reviewed(reviewed_lineage_paths()))
    counts["mutations"] = mutations.build(con, preference=preference,
                                          reviews=load_mutation_decisions(decisions, mutations.SOORTEN))
    return counts


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
