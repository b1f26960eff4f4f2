"""The vocabulary is declared once (vocab.py) and everything else derives from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digibudget import vocab
from digibudget.analyze.integral import LEVELS
from digibudget.errors import UsageError
from digibudget.vocab import FASES, Moment

SRC = Path(__file__).resolve().parents[1] / "src" / "digibudget"


@given(st.integers(vocab.YEAR_MIN, vocab.YEAR_MAX), st.sampled_from(FASES))
def test_a_moment_prints_and_parses_itself(year: int, fase: str) -> None:
    m = Moment(year, fase)
    assert str(m) == f"{year}-{fase}"
    assert Moment.parse(str(m)) == m
    assert Moment.parse(f"{fase.lower()} {year}") == m == Moment.parse(f"{fase}{year}")
    assert Moment.parse(f"{year}/{fase}") == m
    assert re.match(vocab.MOMENT_PATTERN, str(m))  # the web validates with the same grammar


@pytest.mark.parametrize("text", ["2025-XX", "2025", "OWB", "1234-OWB", "2025-OWB-1", "2025--OWB", ""])
def test_what_the_grammar_refuses(text: str) -> None:
    with pytest.raises(UsageError):
        Moment.parse(text)


def test_a_moment_is_a_year_fase_pair() -> None:
    m = Moment.of((2017, "OWB"))
    assert m == (2017, "OWB") and m.jaar == 2017 and m.label == "ontwerpbegroting 2017"
    assert Moment.of("2017-jv").label == "jaarverslag 2017"
    assert sorted([Moment(2015, "JV"), Moment(2016, "OWB")], key=Moment.publication_key) == [
        Moment(2016, "OWB"), Moment(2015, "JV")]  # OWB t+1 (September t) before JV t (May t+1)
    with pytest.raises(UsageError):
        Moment.of((2017, "XX"))


def test_fases_labels_and_aliases_agree() -> None:
    assert set(vocab.FASE_LABEL) == set(FASES) == set(vocab.PUBLICATION)
    assert all(vocab.fase_of(f.lower()) == f for f in FASES)
    assert {vocab.fase_of(a) for a in vocab.FASE_ALIASES} <= set(FASES)
    assert vocab.fase_of("XX") is None


def test_the_levels_of_the_integral_table_are_the_vocabulary_levels() -> None:
    assert tuple(LEVELS) == vocab.NIVEAUS


def test_themes_come_from_the_themes_file() -> None:
    from digibudget.classify.rules import load_rules

    assert vocab.theme_ids() == tuple(load_rules().theme_ids())


# the fase list written out as a literal: only vocab.py (and the first migration, never edited) may spell it
_FASE_LIST = re.compile(r"""['"]OWB['"],\s*['"]VB['"],\s*['"]O1['"]""")
_FASE_REGEX = re.compile(r"OWB\|VB\|O1")


def test_the_fase_list_is_written_once() -> None:
    spelled = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                     if _FASE_LIST.search(p.read_text(encoding="utf-8")) or _FASE_REGEX.search(p.read_text("utf-8")))
    allowed = {"migrations.py"}
    if "web/data.py" in spelled:  # the web branch folds data.py into queries (issue 15); until then it is allowed
        allowed.add("web/data.py")
    assert set(spelled) <= allowed, spelled


def test_the_cli_reference_names_the_vocabulary_levels() -> None:
    text = (SRC.parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "--niveau " + "|".join(vocab.NIVEAUS) in text


def test_the_words_for_a_fase_name_every_fase() -> None:
    assert {f for _, f in vocab.FASE_WORDS} == set(FASES)
    assert next(f for p, f in vocab.FASE_WORDS if re.search(p, "de tweede suppletoire begroting")) == "O2"
