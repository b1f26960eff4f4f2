"""Evaluation harness: precision and recall per theme on a hand-labelled set of real budget lines."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SchemaError
from .external import classify_rules_for_labelled
from .rules import RuleSet, load_rules


@dataclass(frozen=True)
class Score:
    theme: str
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Evaluation:
    scores: list[Score]
    errors: list[tuple[str, str, str, str]]  # (kind fp|fn, theme, line text, stratum)
    n: int
    # gold theme (or 'geen') -> predicted theme (or 'geen') -> number of lines: the confusion between themes
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)


def split_of(line_key: str) -> str:
    """A fixed half of the labelled set ('dev') for improving rules; the other half ('holdout') only measures."""
    return "dev" if int(hashlib.md5(line_key.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "holdout"


def evaluate(labelled: Path, rules: RuleSet | None = None, stratum: str | None = None,
             split: str | None = None) -> Evaluation:
    rules = rules or load_rules()
    rows, results = classify_rules_for_labelled(labelled, rules)
    themes = rules.theme_ids()
    for t in themes:
        if t not in rows[0]:
            raise SchemaError(f"gelabeld bestand {labelled} heeft geen kolom {t!r}", expected=", ".join(themes))
    counts = {t: [0, 0, 0, 0] for t in [*themes, "any"]}
    errors: list[tuple[str, str, str, str]] = []
    n = 0
    confusion: dict[str, dict[str, int]] = {}
    for row, res in zip(rows, results, strict=True):
        if stratum and row.get("stratum") != stratum:
            continue
        if split and split_of(row.get("line_key", "")) != split:
            continue
        n += 1
        text = " / ".join(v for k in ("hoofdstuk", "artikel_naam", "artikelonderdeel_naam", "instrument",
                                         "regeling", "detail") if (v := row.get(k, "")))
        gold_any = pred_any = False
        for t in themes:
            gold = row.get(t, "0").strip() == "1"
            pred = bool(res.themes.get(t, (0, 0, False, ""))[2])
            gold_any |= gold
            pred_any |= pred
            _count(counts[t], gold, pred)
            if gold != pred:
                errors.append(("fp" if pred else "fn", t, text, row.get("stratum", "")))
        _count(counts["any"], gold_any, pred_any)
        _confuse(confusion, [t for t in themes if row.get(t, "0").strip() == "1"],
                 [t for t in themes if res.themes.get(t, (0, 0, False, ""))[2]])
    scores = [Score(t, *c) for t, c in counts.items()]
    return Evaluation(scores, errors, n, confusion)


def _confuse(confusion: dict[str, dict[str, int]], gold: list[str], pred: list[str]) -> None:
    """Per gold theme: the predicted themes that are that theme or no gold theme of the line (a line labelled with
    two themes and predicted with both is no confusion)."""
    for g in gold or ["geen"]:
        for p in [p for p in pred if p == g or p not in gold] or ["geen"]:
            confusion.setdefault(g, {}).setdefault(p, 0)
            confusion[g][p] += 1


def _count(c: list[int], gold: bool, pred: bool) -> None:
    if gold and pred:
        c[0] += 1
    elif pred:
        c[1] += 1
    elif gold:
        c[2] += 1
    else:
        c[3] += 1
