"""The main job: load sources, then classify every line. Library functions the CLI and the web app call."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from . import ingest
from .analyze import incremental, mutations
from .bundled import bundled_data_dir
from .classify.overrides import MutationDecision, add_mutation_decision
from .errors import DigibudgetError
from .settings import load_settings
from .store import transaction


def decisions_path(database: str | Path | None = None) -> Path:
    configured = str(load_settings()["overrides_file"])
    if configured:
        return Path(configured)
    db = Path(str(database or load_settings()["database"]))
    return db.with_name("decisions.toml") if str(db) != ":memory:" else Path("decisions.toml")


def build(con: duckdb.DuckDBPyConnection, paths: Sequence[Path], *, decisions: Path | None = None,
          progress: Callable[[str, int, int], None] | None = None, strict: bool = False
          ) -> tuple[ingest.IngestReport, dict[str, int]]:
    counts: dict[str, int] = {}
    row = con.execute("SELECT coalesce(max(source_id), 0) FROM source").fetchone()
    known = int(row[0]) if row else 0

    def derive(c: duckdb.DuckDBPyConnection) -> None:  # only what the new sources reach (analyze.incremental)
        new = [int(r[0]) for r in c.execute("SELECT source_id FROM source WHERE source_id > ? ORDER BY 1",
                                            [known]).fetchall()]
        counts.update(incremental.derive(c, new, decisions, reviewed_lineage_paths()))

    report = ingest.ingest(con, paths, progress=progress, then=derive, strict=strict)
    if not report.loaded:  # nothing new: rebuild only when rules, decisions or code changed since the last build
        if incremental.stored_fingerprint(con) == incremental.fingerprint(decisions, reviewed_lineage_paths()):
            counts = incremental.current_counts(con)
        else:
            counts = reclassify(con, decisions=decisions)
    return report, counts


def reclassify(con: duckdb.DuckDBPyConnection, *, decisions: Path | None = None) -> dict[str, int]:
    with transaction(con):
        return _derive(con, decisions)


def _derive(con: duckdb.DuckDBPyConnection, decisions: Path | None) -> dict[str, int]:
    """Everything derived from the loaded lines, rebuilt: tags, the chosen facts, lineage, the typed mutations."""
    return incremental.derive_all(con, decisions, reviewed_lineage_paths())


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
