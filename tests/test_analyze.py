"""The integrated table, overlap and profiles on small real fixtures, checked by hand and by properties."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from digibudget import pipeline
from digibudget.analyze import overlap, profiles
from digibudget.analyze.integral import integral_table, window
from digibudget.analyze.moments import latest_moment, moments, parse_moment
from digibudget.errors import UsageError

BUDGET = Path(__file__).parent / "fixtures" / "budget"


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    from digibudget import store

    c = store.connect(":memory:")
    pipeline.build(c, [BUDGET], decisions=tmp_path_factory.mktemp("d") / "decisions.toml")
    return c


def _rows(result: object) -> list[dict[str, object]]:
    cols = result.columns  # type: ignore[attr-defined]
    return [dict(zip(cols, r, strict=True)) for r in result.rows]  # type: ignore[attr-defined]


def test_moments_parse_and_order(con: duckdb.DuckDBPyConnection) -> None:
    assert parse_moment("2025-OWB") == (2025, "OWB") and parse_moment("o1 2024") == (2024, "O1")
    with pytest.raises(UsageError):
        parse_moment("2025-XX")
    assert latest_moment(con) is not None
    assert moments(con).rows


def test_integral_table_lines_on_real_rows(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(integral_table(con, moment="2015-OWB", hoofdstuk="VII"))
    logius = [r for r in rows if "Logius" in str(r["regeling"]) and str(r["artikelonderdeel"]).startswith("3 ")]
    # the B-tabel row: VII art. 6, onderdeel 3, Bijdrage aan agentschappen, 'Baten-lastenagentschap Logius',
    # OWB 2015: 2015 = 30420, 2016 = 28868 (read from tests/fixtures/budget/btabel_2015_excerpt.csv, row 4)
    assert len(logius) == 1
    r = logius[0]
    assert (r["thema"], r["gewicht"], r["vuo"]) == ("digitalisering", Decimal("1.000"), "U")
    assert r["2015"] == Decimal(30420) and r["2016"] == Decimal(28868)
    assert r["uitvoerder"] == "Logius" and r["bronnen"] == "btabel_2015_excerpt.csv"
    assert r["2020"] is None  # t+5 is not in an ontwerpbegroting of this layout: empty, never invented


@pytest.mark.parametrize(("moment", "van", "tot", "niveau", "hoofdstuk"), [
    ("2015-OWB", 2005, 2025, "regel", None),  # empty years before and after the moment's own
    ("2015-OWB", 2015, 2035, "artikel", "VII"),  # t-1 beside the window, empty years after
    ("2015-OWB", 2000, 2010, "regel", None),  # no year of the window held: every year column empty
    ("2016-OWB", 2016, 2021, "thema", None),
])
def test_a_wide_window_equals_the_query_that_sums_every_year(
        con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch, moment: str, van: int, tot: int,
        niveau: str, hoofdstuk: str | None) -> None:
    """The query sums only the years the moment holds (its coverage) and puts back the others as empty columns:
    the same columns, in the same order, with the same rows as a query that sums every year of the window."""
    from dataclasses import replace

    from digibudget.analyze import integral

    fast = integral_table(con, moment=moment, jaar_van=van, jaar_tot=tot, niveau=niveau, hoofdstuk=hoofdstuk)
    real = integral.window_coverage
    monkeypatch.setattr(integral, "window_coverage", lambda *a, **k: replace(
        real(*a, **k), jaren=tuple(range(van, tot + 1))))
    every = integral_table(con, moment=moment, jaar_van=van, jaar_tot=tot, niveau=niveau, hoofdstuk=hoofdstuk)
    assert fast.columns == every.columns and fast.rows == every.rows
    years = [c for c in fast.columns if c.isdigit()]
    assert years == [str(y) for y in range(van, tot + 1)]
    held = set(fast.coverage.jaren)  # type: ignore[union-attr]
    filled = {y for y in years if any(r[fast.columns.index(y)] is not None for r in fast.rows)}
    assert filled <= {str(y) for y in held}


def test_aggregates_equal_the_sum_of_their_lines(con: duckdb.DuckDBPyConnection) -> None:
    lines = _rows(integral_table(con, moment="2015-OWB"))
    chapters = _rows(integral_table(con, moment="2015-OWB", niveau="hoofdstuk"))
    assert lines and chapters
    sums: dict[tuple[object, ...], Decimal] = defaultdict(Decimal)
    for r in lines:
        for y in range(2015, 2021):
            if r[str(y)] is not None:
                sums[(r["thema"], r["hoofdstuk"], r["vuo"], y)] += Decimal(str(r[str(y)]))
    for c in chapters:
        for y in range(2015, 2021):
            if c[str(y)] is not None:
                assert Decimal(str(c[str(y)])) == sums[(c["thema"], c["hoofdstuk"], c["vuo"], y)]


def test_commitment_is_shown_per_article_never_spread(con: duckdb.DuckDBPyConnection) -> None:
    arts = _rows(integral_table(con, moment="2015-OWB", niveau="artikel", vuo="U"))
    with_pct = [a for a in arts if a["juridisch_verplicht_pct"] is not None]
    for a in with_pct:
        total = Decimal(str(a["artikel_totaal_t"]))
        jv = Decimal(str(a["juridisch_verplicht_t"]))
        njv = Decimal(str(a["niet_juridisch_verplicht_verdeling_onbekend"]))
        assert jv + njv == total
        assert jv == total * Decimal(str(a["juridisch_verplicht_pct"])) / 100


def test_bad_parameters(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(UsageError):
        integral_table(con, niveau="provincie")
    with pytest.raises(UsageError):
        integral_table(con, themes=["ruimtevaart"])
    with pytest.raises(UsageError):
        window(con, "2015-OWB", 2015, 2050)


def test_overlap_concentration_is_a_proper_hhi(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(overlap.concentration(con, moment="2015-OWB"))
    assert rows
    for r in rows:
        if r["aantal"] == 1:  # one unit: no HHI, and the row says why
            assert r["hhi"] is None and "één eenheid" in r["opmerking"]
        else:
            assert 0 < int(str(r["hhi"])) < 10000 and r["opmerking"] is None
    # an unknown executor is no unit of the concentration: its money is shown apart
    assert not [r for r in rows if r["grootste"] in ("(onbekend)", "(geen)")]
    assert any(r["zonder_eenheid_x1000"] for r in rows if r["dimensie"] == "uitvoerder")
    spread = _rows(overlap.spread(con, "hoofdstuk", moment="2015-OWB"))
    for theme in {r["thema"] for r in spread}:
        shares = [Decimal(str(r["aandeel_pct"])) for r in spread if r["thema"] == theme]
        assert abs(sum(shares) - 100) <= Decimal("0.5")
    with pytest.raises(UsageError):
        overlap.spread(con, "provincie")


def test_near_duplicates_leave_out_standard_budget_terms(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(overlap.near_duplicates(con))
    generic = [r for r in rows if any(t in str(r[k]).lower() for k in ("omschrijving_a", "omschrijving_b")
                                      for t in ("waarvan ict", "materi"))]
    assert generic == []


def test_profiles_find_cliffs_in_real_series(con: duckdb.DuckDBPyConnection) -> None:
    cliffs = _rows(profiles.cliffs(con, moment="2015-OWB", digital_only=False, min_amount=1))
    for c in cliffs:
        assert Decimal(str(c["bedrag_na"])) <= Decimal(str(c["bedrag_voor"])) / 2
    # B-tabel 2015, VII art. 6 'Implementatie NUP (VNG)': 9,045 in 2014 (t-1), nothing from 2015 on: a cliff
    nup = [c for c in cliffs if c["omschrijving"] == "Implementatie NUP (VNG)"]
    assert [(c["jaar_voor"], c["bedrag_voor"], c["jaar_na"]) for c in nup] == [(2014, Decimal(9045), 2015)]


def test_opaque_reserves_are_found_in_the_begrotingsstaten(con: duckdb.DuckDBPyConnection) -> None:
    rows = _rows(profiles.opaque(con, min_amount=1))
    # begrotingsstaten 2019-2020: VI art. 92 'Nog onverdeeld' (O2 2019: 171,168) is a reserve without specification
    top = rows[0]
    assert (top["hoofdstuk"], top["artikel"], top["omschrijving"], top["kenmerk"]) == (
        "VI", "92", "Nog onverdeeld", "onverdeeld")
    assert top["hoogste_bedrag"] == Decimal(171168)
    assert all(r["kenmerk"] for r in rows)
