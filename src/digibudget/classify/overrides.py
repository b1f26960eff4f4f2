"""Reviewed decisions: a TOML file of (line key, theme, weight, reason, reviewer, date) that wins over the rules.

Decisions are keyed by the stable line key, so they survive re-ingest and apply to the same line in every year and
moment. A weight of 0 says 'not this theme'.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..errors import RuleError, UsageError, reason
from ..settings import load_settings


def decisions_path(database: str | Path | None = None) -> Path:
    """The reviewed-decisions file: the setting overrides_file, else decisions.toml beside the database."""
    configured = str(load_settings()["overrides_file"])
    if configured:
        return Path(configured)
    db = Path(str(database or load_settings()["database"]))
    return db.with_name("decisions.toml") if str(db) != ":memory:" else Path("decisions.toml")


@dataclass(frozen=True)
class Decision:
    line_key: str
    theme: str
    weight: float
    reason: str
    reviewer: str
    date: str


def load_decisions(path: Path | None, themes: list[str]) -> list[Decision]:
    if path is None or not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"beslissingenbestand {path}: {reason(exc)}") from exc
    out: list[Decision] = []
    for i, d in enumerate(data.get("decision", [])):
        at = f"{path} [[decision]] #{i + 1}"
        missing = [k for k in ("line_key", "theme", "weight", "reason", "reviewer", "date") if k not in d]
        if missing:
            raise RuleError(f"{at}: {', '.join(missing)} ontbreekt")
        if d["theme"] not in themes:
            raise RuleError(f"{at}: onbekend thema {d['theme']!r}", expected=", ".join(themes))
        weight = float(d["weight"])
        if not 0 <= weight <= 1:
            raise RuleError(f"{at}: gewicht {weight} ligt niet tussen 0 en 1")
        out.append(Decision(str(d["line_key"]), str(d["theme"]), weight, str(d["reason"]), str(d["reviewer"]),
                            str(d["date"])))
    return out


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _check_review(reason: str, reviewer: str, date: str) -> None:
    if not reason.strip() or not reviewer.strip():
        raise UsageError("een beslissing heeft een reden en een beoordelaar nodig")
    try:
        dt.date.fromisoformat(date)
    except ValueError as exc:
        raise UsageError(f"datum {date!r}", expected="JJJJ-MM-DD") from exc


def _append(path: Path, block: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(block)


def add_decision(path: Path, decision: Decision, themes: list[str]) -> None:
    """Append one decision (validated first, so a bad one never lands in the file)."""
    if decision.theme not in themes:
        raise UsageError(f"onbekend thema {decision.theme!r}", expected=", ".join(themes))
    if not 0 <= decision.weight <= 1:
        raise UsageError(f"gewicht {decision.weight} ligt niet tussen 0 en 1")
    _check_review(decision.reason, decision.reviewer, decision.date)
    load_decisions(path, themes)  # refuse to append to a broken file
    block = (f"\n[[decision]]\nline_key = {_toml_str(decision.line_key)}\ntheme = {_toml_str(decision.theme)}\n"
             f"weight = {decision.weight}\nreason = {_toml_str(decision.reason)}\n"
             f"reviewer = {_toml_str(decision.reviewer)}\ndate = {_toml_str(decision.date)}\n")
    _append(path, block)


@dataclass(frozen=True)
class MutationDecision:
    """A reviewed type for one change between budget moments, keyed by its stable ``mutation_key``."""

    mutation_key: str
    soort: str
    reason: str
    reviewer: str
    date: str


def _read_toml(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"beslissingenbestand {path}: {reason(exc)}") from exc


def load_mutation_decisions(path: Path | None, soorten: tuple[str, ...]) -> list[MutationDecision]:
    """The [[mutation]] blocks of the decisions file: a reviewed type wins over every rule, and survives re-ingest."""
    if path is None or not path.is_file():
        return []
    blocks = _read_toml(path).get("mutation", [])
    out: list[MutationDecision] = []
    for i, d in enumerate(blocks if isinstance(blocks, list) else []):
        at = f"{path} [[mutation]] #{i + 1}"
        missing = [k for k in ("mutation_key", "soort", "reason", "reviewer", "date") if k not in d]
        if missing:
            raise RuleError(f"{at}: {', '.join(missing)} ontbreekt")
        if d["soort"] not in soorten:
            raise RuleError(f"{at}: onbekende soort {d['soort']!r}", expected=", ".join(soorten))
        out.append(MutationDecision(str(d["mutation_key"]), str(d["soort"]), str(d["reason"]), str(d["reviewer"]),
                                    str(d["date"])))
    return out


def add_mutation_decision(path: Path, decision: MutationDecision, soorten: tuple[str, ...]) -> None:
    """Append one reviewed mutation type (validated first, so a bad one never lands in the file)."""
    if decision.soort not in soorten:
        raise UsageError(f"onbekende soort {decision.soort!r}", expected=", ".join(soorten))
    if not decision.mutation_key.strip():
        raise UsageError("een beslissing over een mutatie heeft de mutation_key nodig")
    _check_review(decision.reason, decision.reviewer, decision.date)
    load_mutation_decisions(path, soorten)  # refuse to append to a broken file
    block = (f"\n[[mutation]]\nmutation_key = {_toml_str(decision.mutation_key)}\n"
             f"soort = {_toml_str(decision.soort)}\nreason = {_toml_str(decision.reason)}\n"
             f"reviewer = {_toml_str(decision.reviewer)}\ndate = {_toml_str(decision.date)}\n")
    _append(path, block)
