"""Number conventions (issue 18, failure 1): random integers and decimals printed in every supported style read back
exactly; a column's convention is decided from the whole column, and a cell is never read as a wrong number: it
is read exactly or reported as ambiguous with both readings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digibudget.errors import Location
from digibudget.findings import Finding
from digibudget.sources.normalise import AmbiguousAmountError, ColumnEvidence, amount_or_finding, parse_amount

NEGATIVES = ("-{}", "\u2012 {}", "\u2013{}", "\u2212{}", "\u2212 {}", "({})")
SPACES = ("\u00a0", "\u202f", "\u2009", " ")
HERE = Location("x.csv", 2, "bedrag")


def _group(whole: str, sep: str) -> str:
    head = len(whole) % 3 or 3
    return sep.join([whole[:head]] + [whole[i:i + 3] for i in range(head, len(whole), 3)])


def fmt(value: Decimal, style: str, grouped: bool, negative: str = "-{}", space: str = " ") -> str:
    """Print a value: style 'en' (1,234.5), 'nl' (1.234,5) or 'space' + its decimal mark ('space.', 'space,')."""
    whole, _, frac = format(abs(value), "f").partition(".")
    if style == "en":
        text = (_group(whole, ",") if grouped else whole) + ("." + frac if frac else "")
    elif style == "nl":
        text = (_group(whole, ".") if grouped else whole) + ("," + frac if frac else "")
    else:
        text = _group(whole, space) + (style[-1] + frac if frac else "")
    return negative.format(text) if value < 0 else text


values = st.builds(lambda n, places: Decimal(n).scaleb(-places),
                   st.integers(min_value=-10 ** 15, max_value=10 ** 15), st.integers(min_value=0, max_value=5))


@settings(max_examples=400, deadline=None)
@given(value=values, style=st.sampled_from(["en", "nl"]), grouped=st.booleans(), negative=st.sampled_from(NEGATIVES))
def test_every_style_reads_back_exactly_in_its_convention(value: Decimal, style: str, grouped: bool,
                                                           negative: str) -> None:
    text = fmt(value, style, grouped, negative)
    assert parse_amount(text, style=style, location=HERE, findings=[]) == value, text


@settings(max_examples=300, deadline=None)
@given(value=values, mark=st.sampled_from([".", ","]), space=st.sampled_from(SPACES),
       negative=st.sampled_from(NEGATIVES))
def test_digits_grouped_by_spaces_read_back_exactly_without_a_convention(value: Decimal, mark: str, space: str,
                                                                         negative: str) -> None:
    text = fmt(value, "space" + mark, True, negative, space)
    if abs(value) >= 1000:  # with a space as the thousands separator, the other mark can only be the decimal one
        assert parse_amount(text, style=None, location=HERE, findings=[]) == value, text


@settings(max_examples=300, deadline=None)
@given(column=st.lists(values, min_size=1, max_size=12), style=st.sampled_from(["en", "nl"]),
       grouped=st.booleans(), negative=st.sampled_from(NEGATIVES))
def test_a_column_is_never_read_in_the_wrong_convention(column: list[Decimal], style: str, grouped: bool,
                                                         negative: str) -> None:
    cells = [fmt(v, style, grouped, negative) for v in column]
    evidence = ColumnEvidence()
    for c in cells:
        evidence.add(c)
    decided = evidence.style()
    assert decided in (style, None)
    for cell, value in zip(cells, column, strict=True):
        found: list[Finding] = []
        got = amount_or_finding(cell, style=decided, location=HERE, findings=found)
        if got is None:  # not read: only because it is ambiguous, and then the finding holds the true value
            (finding,) = found
            assert finding.code == "ambiguous-amount"
            assert value in (finding.figures["reading_a"], finding.figures["reading_b"]), (cell, finding.figures)
        else:
            assert got == value, (cell, decided)


@pytest.mark.parametrize(("cell", "readings"), [
    ("\u2012 1.234", {"en": Decimal("-1.234"), "nl": Decimal(-1234)}),
    ("(1.234)", {"en": Decimal("-1.234"), "nl": Decimal(-1234)}),
    ("1,234", {"en": Decimal(1234), "nl": Decimal("1.234")}),
])
def test_an_ambiguous_cell_is_no_guess(cell: str, readings: dict[str, Decimal]) -> None:
    with pytest.raises(AmbiguousAmountError) as info:
        parse_amount(cell, style=None, location=HERE, findings=[])
    assert info.value.readings == readings


@pytest.mark.parametrize(("column", "style"), [
    (["1", "2.5", "1.234"], "en"), (["1", "2,5", "1.234"], "nl"), (["1.234.567", "7"], "nl"),
    (["1,234,567", "7"], "en"), (["1", "1.234"], None), (["1.5", "1,5"], None), (["12 345,6", "1.234"], "nl"),
])
def test_the_column_decides(column: list[str], style: str | None) -> None:
    evidence = ColumnEvidence()
    for c in column:
        evidence.add(c)
    assert evidence.style() == style


@pytest.mark.parametrize(("column", "style"), [(["1", "1.234"], "en"), (["1", "2,5", "1.234"], "nl"),
                                               (["1.5", "1,5"], None)])
def test_a_documented_default_applies_only_where_the_column_tells_nothing(column: list[str], style: str | None
                                                                          ) -> None:
    evidence = ColumnEvidence()
    for c in column:
        evidence.add(c)
    assert evidence.style(default="en") == style


def test_spaces_that_group_nothing_are_unreadable() -> None:
    found: list[Finding] = []
    assert amount_or_finding("12 34", style="nl", location=HERE, findings=found) is None
    assert found[0].code == "unreadable-amount"


@pytest.mark.parametrize("raw", ["NaN", "nan%", "Infinity", "-inf", "sNaN"])
def test_a_percentage_that_is_no_number_is_refused_not_a_crash(raw: str) -> None:
    from digibudget.errors import ValueFormatError
    from digibudget.sources.normalise import parse_percentage

    with pytest.raises(ValueFormatError):
        parse_percentage(raw, location=HERE, findings=[])
