"""The main job: load sources, then classify every line. Library functions the CLI and the web app call."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from . import classify, ingest
from .analyze import lineage, mutations, selection
from .bundled import bundled_data_dir
from .classify.overrides import load_mutation_decisions
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
    selection.build(con)
    counts["lineage"] = lineage.build(con, lineage.load_reviewed(reviewed_lineage_paths()))
    counts["mutations"] = mutations.build(con, reviews=load_mutation_decisions(decisions, mutations.SOORTEN))
    return counts


def reviewed_lineage_paths() -> list[Path]:
    """The was/wordt tables bundled in data/lineage/ (reviewed article maps)."""
    try:
        folder = bundled_data_dir() / "lineage"
    except DigibudgetError:
        return []
    return sorted(folder.glob("*.csv")) if folder.is_dir() else []
