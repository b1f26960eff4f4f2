"""Classification quality on the hand-labelled real lines (data/evaluation). Fails when quality drops below what
was reached. The 'holdout' half was never used to improve the rules (see data/evaluation/README.md)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from digibudget.classify.evaluate import Evaluation, evaluate

LABELLED = Path(__file__).resolve().parents[1] / "data" / "evaluation" / "labelled.csv"


@pytest.fixture(scope="module")
def holdout() -> Evaluation:
    return evaluate(LABELLED, split="holdout")


@pytest.fixture(scope="module")
def full() -> Evaluation:
    return evaluate(LABELLED)


def _score(ev: Evaluation, theme: str) -> tuple[float, float]:
    s = next(s for s in ev.scores if s.theme == theme)
    return s.precision, s.recall


def test_the_labelled_set_is_large_and_stratified() -> None:
    with LABELLED.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) >= 250
    strata = {r["stratum"] for r in rows}
    assert strata == {"obvious", "random", "hard"}
    assert len({r["line_key"] for r in rows}) == len(rows)


def test_any_digital_theme_on_the_holdout_meets_the_target(holdout: Evaluation) -> None:
    precision, recall = _score(holdout, "any")
    assert holdout.n >= 150
    assert precision >= 0.96 and recall >= 0.85  # reached: 0.964 / 0.857


@pytest.mark.parametrize(("theme", "min_p", "min_r"), [
    ("any", 0.979, 0.91),                     # reached 0.980 (97/99) / 0.915
    ("digitalisering", 0.96, 0.85),           # reached 0.961 / 0.859
    ("cyberveiligheid", 1.0, 1.0),            # 5 positives only: a weak measurement
    ("digitale_infrastructuur", 1.0, 0.91),   # reached 1.000 / 0.917 (12 positives)
    ("informatiehuishouding", 0.87, 0.87),    # reached 0.875 / 0.875 (16 positives)
])
def test_per_theme_quality_on_the_whole_set(full: Evaluation, theme: str, min_p: float, min_r: float) -> None:
    precision, recall = _score(full, theme)
    assert precision >= min_p and recall >= min_r, (theme, precision, recall)
