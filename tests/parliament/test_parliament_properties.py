"""Properties: parsing loses no text; amounts and table reconciliation behave for any input."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from parliament_builders import SEED

from digibudget.errors import Location
from digibudget.parliament import Document, parse_text
from digibudget.parliament.amounts import find_amounts, format_number, parse_number
from digibudget.parliament.model import Table, TableRow
from digibudget.parliament.reconcile import check_table_totals

_MARKERS = re.compile(r"\[bookmark:[^\]]*\]|\[footnoteRef:\d+\]")
_NOTE_BRACKETS = re.compile(r"\[\d+:(?=\s)|\]")


def expected_words(raw: str) -> Counter[str]:
    """The document's words once conversion artefacts (anchors, markers, footnote brackets) are removed."""
    return Counter(_NOTE_BRACKETS.sub(" ", _MARKERS.sub("", raw)).split())


def parsed_words(doc: Document) -> Counter[str]:
    pieces = [doc.front_matter]
    pieces += [q.heading + "\n" + q.text for q in doc.questions]
    pieces += [(a.heading or "") + "\n" + a.text for a in doc.answers]
    pieces += [f.text for f in doc.footnotes]
    return Counter(" ".join(pieces).split())


def test_seed_loses_no_text() -> None:
    raw = SEED.read_text(encoding="utf-8")
    assert parsed_words(parse_text(raw)) == expected_words(raw)


_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéë", min_size=1, max_size=8).filter(
    lambda w: w not in {"vraag", "vragen", "antwoord", "antwoorden", "zie", "en"})
_sentence = st.lists(_word, min_size=1, max_size=12).map(" ".join)


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, int]:
    lines = [draw(_sentence).capitalize() + ","]
    n = draw(st.integers(min_value=1, max_value=8))
    note = 0
    for k in range(1, n + 1):
        bookmark = f"[bookmark: _Hlk{draw(st.integers(0, 10**9))}]" if draw(st.booleans()) else ""
        lines += [f"{bookmark}Vraag {k}" + (" " if draw(st.booleans()) else ""), draw(_sentence) + "?", ""]
        body = draw(_sentence) + "."
        if draw(st.booleans()):
            note += 1
            body += f"[footnoteRef:{note}] {draw(_sentence)}. [{note}:  {draw(_sentence)}] "
        lines += ["Antwoord", body, ""]
        if draw(st.booleans()):
            lines += ["\t", "\t" + draw(_word), "\t" + format_number(Decimal(draw(st.integers(0, 10**6)))), ""]
    return "\n".join(lines), n


@settings(max_examples=60, deadline=None)
@given(documents())
def test_parsing_loses_no_text(generated: tuple[str, int]) -> None:
    raw, n = generated
    doc = parse_text(raw)
    assert len(doc.questions) == n and len(doc.answers) == n
    assert parsed_words(doc) == expected_words(raw)
    assert all(q.answer_id is not None for q in doc.questions)


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_amount_text_round_trip(value: Decimal) -> None:
    assert parse_number(format_number(value)) == value
    (found,) = find_amounts(f"Er is € {format_number(value)} beschikbaar.")
    assert found.value == value


@given(st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False))
def test_millions_are_exact(value: Decimal) -> None:
    (found,) = find_amounts(f"in totaal {format_number(value)} mln. euro per jaar")
    assert found.value == value * 1_000_000 and found.qualifiers == ("per jaar",)


@given(st.lists(st.integers(min_value=-10**6, max_value=10**7), min_size=1, max_size=12), st.integers(-5, 5))
def test_table_total_check(values: list[int], error: int) -> None:
    rows = [TableRow(label=f"r{k}", value=Decimal(v), amount=Decimal(v) * 1000) for k, v in enumerate(values)]
    total = Decimal(sum(values) + error)
    rows.append(TableRow(label="Totaal", value=total, amount=total * 1000, is_total=True))
    table = Table(id="t", answer_id="a", caption=None, unit="x € 1.000", multiplier=Decimal(1000), rows=rows)
    (finding,) = check_table_totals(table, None)
    assert finding.code == ("document-table-total-agrees" if error == 0 else "document-table-total-mismatch")
    assert finding.figures["detail_sum"] == sum(values)
    if error:
        assert finding.figures["difference"] == -error
    assert finding.location == Location(None, None)
