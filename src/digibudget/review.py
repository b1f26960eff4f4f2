"""Record a review decision: a theme (with a weight) for a budget line, or a type for a mutation. One library
function each, called by both edges (``digibudget review`` / ``review-mutation`` and POST /api/review,
/api/review/mutatie).

A decision is validated, then appended to the decisions file next to the database
(``classify.overrides.decisions_path``), keyed by the stable line key or mutation key so it survives re-ingest.
Recording does not rebuild: the command line reclassifies right after; the web server, which only reads the
database, leaves that to ``digibudget reclassify``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .analyze.mutation_types import SOORTEN
from .classify import overrides
from .classify.explain import resolve_line
from .classify.overrides import decisions_path
from .classify.rules import load_rules
from .errors import NotFoundError


@dataclass(frozen=True)
class Recorded:
    """What was recorded, and where."""

    path: Path  # the decisions file it was appended to
    key: str  # the line key or mutation key it is stored under
    decision: overrides.Decision | overrides.MutationDecision


def _date(date: str | dt.date | None) -> str:
    return (date or dt.date.today()).isoformat() if not isinstance(date, str) else date


def mutation_key_of(con: duckdb.DuckDBPyConnection, mutation: str) -> str:
    """The stable key of a mutation given by id or key; NotFoundError when there is none."""
    row = con.execute("SELECT mutation_key FROM mutation WHERE mutation_key = ? OR CAST(mutation_id AS VARCHAR) = ? "
                      "LIMIT 1", [mutation, mutation.strip()]).fetchone()
    if row is None:
        raise NotFoundError(f"mutatie {mutation!r} niet gevonden",
                            expected="een id of mutation_key uit 'digibudget mutations'")
    return str(row[0])


def review_line(con: duckdb.DuckDBPyConnection, database: str | Path, line: str, theme: str, weight: float,
                reason: str, reviewer: str, date: str | dt.date | None = None) -> Recorded:
    """Record a reviewed theme and weight (0 = not this theme) for a line given by id or line key."""
    line_id = resolve_line(con, line)
    row = con.execute("SELECT line_key FROM budget_line WHERE line_id = ?", [line_id]).fetchone()
    assert row is not None  # resolve_line found it
    decision = overrides.Decision(str(row[0]), theme, weight, reason, reviewer, _date(date))
    path = decisions_path(database)
    overrides.add_decision(path, decision, load_rules().theme_ids())
    return Recorded(path, decision.line_key, decision)


def review_mutation(con: duckdb.DuckDBPyConnection, database: str | Path, mutation: str, soort: str, reason: str,
                    reviewer: str, date: str | dt.date | None = None) -> Recorded:
    """Record a reviewed type for a mutation given by id or mutation key."""
    decision = overrides.MutationDecision(mutation_key_of(con, mutation), soort, reason, reviewer, _date(date))
    path = decisions_path(database)
    overrides.add_mutation_decision(path, decision, SOORTEN)
    return Recorded(path, decision.mutation_key, decision)
