from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from digibudget.errors import Location, ValueFormatError
from digibudget.findings import Finding
from digibudget.sources.normalise import (
    INSTRUMENT_TYPES,
    amount_or_finding,
    line_key,
    normalise_instrument,
    normalise_vuo,
    parse_amount,
    parse_percentage,
)

LOC = Location("f.csv", 3, "Bedrag t")


@pytest.mark.parametrize(("raw", "style", "expected"), [
    ("412955.78476", "en", Decimal("412955.78476")),
    ("50,736", "en", Decimal("50736")),
    ("1,030,136", "en", Decimal("1030136")),
    ("-69.575", "en", Decimal("-69.575")),
    ("1.234,5", "nl", Decimal("1234.5")),
    ("‒ 1.234", "nl", Decimal("-1234")),
    ("(1.234)", "nl", Decimal("-1234")),
    ("−17", "en", Decimal("-17")),
    ("81032,9", "nl", Decimal("81032.9")),
    ("", "en", None),
    ("  ", "nl", None),
])
def test_parse_amount_published_formats(raw: str, style: str, expected: Decimal | None) -> None:
    findings: list[Finding] = []
    assert parse_amount(raw, style=style, location=LOC, findings=findings) == expected
    assert findings == []


def test_float_artefact_is_rounded_with_a_finding() -> None:
    findings: list[Finding] = []
    value = parse_amount("-7.27595761418343E-012", style="en", location=LOC, findings=findings)
    assert value == Decimal(0)
    assert [f.code for f in findings] == ["float-artefact"]
    assert findings[0].figures["raw"] == "-7.27595761418343E-012"


@pytest.mark.parametrize("raw", ["````", "12a", "1.234,5"])
def test_unreadable_amount_names_the_cell(raw: str) -> None:
    with pytest.raises(ValueFormatError) as exc:
        parse_amount(raw, style="en", location=LOC, findings=[])
    assert "f.csv, rij 3, kolom 'Bedrag t'" in str(exc.value)
    findings: list[Finding] = []
    assert amount_or_finding(raw, style="en", location=LOC, findings=findings) is None
    assert findings[0].code == "unreadable-amount" and findings[0].location.row == 3


def test_pro_memorie_is_not_a_number() -> None:
    findings: list[Finding] = []
    assert amount_or_finding(" pm ", style="en", location=LOC, findings=findings) is None
    assert findings[0].code == "pro-memorie"


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_en_and_nl_styles_read_grouped_integers_exactly(n: int) -> None:
    en = f"{n:,}"
    nl = en.replace(",", ".")
    assert parse_amount(en, style="en", location=LOC, findings=[]) == Decimal(n)
    assert parse_amount(nl, style="nl", location=LOC, findings=[]) == Decimal(n)


@pytest.mark.parametrize(("raw", "expected"), [
    ("Bijdragen aan ZBO’s /RWT’s ", "Bijdrage aan ZBO's/RWT's"),
    ("bijdrage zboâ´s", "Bijdrage aan ZBO's/RWT's"),
    ("BIJDRAGE BATENLASTENDIENSTEN", "Bijdrage aan agentschappen"),
    ("Bijdragen aan baten-lastenagentschappen", "Bijdrage aan agentschappen"),
    ("Bijdrage aan mede-overheden", "Bijdrage aan medeoverheden"),
    ("Bijdragen (inter) nationale organisaties", "Bijdrage aan (inter)nationale organisaties"),
    ("Bijdragen aan andere begrotingen", "Bijdrage aan (andere) begrotingshoofdstukken"),
    ("INKOMENSOVERDRACHTEN", "Inkomensoverdrachten"),
    ("Materele uitgaven", "Materiële uitgaven"),
    ("Subsidies (regelingen)", "Subsidies"),
])
def test_instrument_spellings_map_to_published_types(raw: str, expected: str) -> None:
    findings: list[Finding] = []
    assert normalise_instrument(raw, location=LOC, findings=findings) == expected
    assert expected in INSTRUMENT_TYPES
    assert findings and findings[0].code == "instrument-normalised"


def test_unknown_instrument_is_kept_with_a_finding() -> None:
    findings: list[Finding] = []
    assert normalise_instrument("Rente ", location=LOC, findings=findings) == "Rente"
    assert findings[0].code == "unknown-instrument"


def test_vuo_lowercase_and_trailing_space() -> None:
    findings: list[Finding] = []
    assert normalise_vuo("v ", location=LOC, findings=findings) == "V"
    assert findings[0].code == "vuo-normalised"
    with pytest.raises(ValueFormatError):
        normalise_vuo("X", location=LOC, findings=[])


def test_percentages() -> None:
    assert parse_percentage("91.80%", location=LOC, findings=[]) == Decimal("91.80")
    assert parse_percentage("99,90%", location=LOC, findings=[]) == Decimal("99.90")
    assert parse_percentage("n.v.t.", location=LOC, findings=[]) is None
    findings: list[Finding] = []
    parse_percentage("140%", location=LOC, findings=findings)
    assert findings[0].code == "percentage-out-of-range"


def test_line_key_ignores_spelling_noise() -> None:
    a = line_key("VII", "6", "6.2", "Opdrachten", "Informatiesamenleving ", None, "U")
    b = line_key("VII", "6", "6.2", "Opdrachten", "informatiesamenleving", None, "U")
    assert a == b
    assert a != line_key("VII", "6", "6.2", "Opdrachten", "informatiesamenleving", None, "V")
