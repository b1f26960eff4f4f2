"""The main job: load sources, then classify every line. Library functions the CLI and the web app call."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from . import classify, ingest, sources
from .analyze import lineage, mutations, selection
from .bundled import bundled_data_dir
from .classify.overrides import MutationDecision, add_mutation_decision, load_mutation_decisions
from .classify.overrides import decisions_path as decisions_path  # re-exported: callers that still name pipeline
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


def mutation_key_of(con: duckdb.DuckDBPyConnection, mutation: str) -> str:
    """The stable key of a mutation given by id or key; NotFoundError when there is none."""
    from .errors import NotFoundError

    row = con.execute("SELECT mutation_key FROM mutation WHERE mutation_key = ? OR CAST(mutation_id AS VARCHAR) = ? "
                      "LIMIT 1", [mutation, mutation.strip()]).fetchone()
    if row is None:
        raise NotFoundError(f"mutatie {mutation!r} niet gevonden",
                            expected="een id of mutation_key uit 'digibudget mutations'")
    return str(row[0])


def record_mutation_review(database: str | Path, decision: MutationDecision) -> Path:
    """Append a reviewed mutation type to the decisions file (validated first); it takes effect at the next build."""
    path = decisions_path(database)
    add_mutation_decision(path, decision, mutations.SOORTEN)
    return path


def review_mutation(con: duckdb.DuckDBPyConnection, database: str | Path, mutation: str, soort: str, reason: str,
                    reviewer: str, date: str) -> tuple[Path, str]:
    """Record a reviewed type for a mutation (by id or mutation key; stored by its stable key, so it survives
    re-ingest) in the decisions file, and rebuild what derives from it. Returns the file and the key."""
    key = mutation_key_of(con, mutation)
    path = record_mutation_review(database, MutationDecision(key, soort, reason, reviewer, date))
    reclassify(con, decisions=path)
    return path, key
