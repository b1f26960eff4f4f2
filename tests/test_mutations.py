"""Mutations between budget moments, typed with evidence: checked by hand against real published tables."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digibudget import ingest, store
from digibudget.analyze import mutations, selection
from digibudget.errors import UsageError
from digibudget.pipeline import source_preference

REPO = Path(__file__).resolve().parents[1]
GEVOLGEN = REPO / "data" / "gevolgen" / "budgettaire_gevolgen_van_beleid_long.csv"
FIXTURES = Path(__file__).parent / "fixtures"
MUT = FIXTURES / "mutations"
PREFERENCE = source_preference()  # the readers' ranks of the source kinds


def _load(*paths: Path) -> duckdb.DuckDBPyConnection:
    con = store.connect(":memory:")
    ingest.ingest(con, list(paths))
    selection.build(con, preference=PREFERENCE)
    mutations.build(con, preference=PREFERENCE)
    return con


def _rows(con: duckdb.DuckDBPyConnection, where: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(f"SELECT * FROM mutation WHERE {where} ORDER BY mutation_id", params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


@pytest.fixture(scope="module")
def gevolgen() -> Iterator[duckdb.DuckDBPyConnection]:
    con = _load(GEVOLGEN)
    yield con
    con.close()


def test_herschikking_cbs_ictu_first_suppletoire_2024(gevolgen: duckdb.DuckDBPyConnection) -> None:
    # data/gevolgen, table 2024_1SUPP_VII_art6, column 'Mutaties 1e suppletoire begroting (4)', year 2024, under
    # 6.2 Bijdrage aan ZBO's/RWT's: CBS 130 -> 1710 (+1580), ICTU 15589 -> 14009 (-1580), KvK 0, Diverse +100.
    # +1580 and -1580 on two detail lines of the same article at the same moment and year: a herschikking, and
    # each is the other's only candidate (no other -1580/+1580 at O1 2024), so the match is unique.
    rows = _rows(gevolgen, "hoofdstuk = 'VII' AND artikel = '6' AND fase = 'O1' AND moment_jaar = 2024 "
                           "AND jaar = 2024 AND regeling IN ('CBS', 'ICTU')")
    by = {r["regeling"]: r for r in rows}
    assert by["CBS"]["value_k"] == Decimal(1580) and by["ICTU"]["value_k"] == Decimal(-1580)
    for name, other in (("CBS", "ICTU"), ("ICTU", "CBS")):
        r = by[name]
        assert r["soort"] == "herschikking" and r["basis"] == "mutatie" and r["mutatie_soort"] == "suppletoire"
        assert r["confidence"] == Decimal("0.8") and r["n_counterparts"] == 1
        assert r["counterpart_id"] == by[other]["mutation_id"]
        assert other in r["evidence"] and "O1 2024" in r["evidence"]
    # Diverse bijdragen +100 has no -100 anywhere at O1 2024: new money, low confidence, said why
    div = _rows(gevolgen, "regeling = 'Diverse bijdragen' AND moment_jaar = 2024 AND fase = 'O1' AND jaar = 2024")
    assert [(r["soort"], r["evidence_kind"], r["confidence"]) for r in div] == [
        ("onverklaard: verhoging", "geen", Decimal(0))]
    assert div[0]["evidence"].startswith("geen onderbouwing in de geladen data: geen tegenboeking")


def test_miljoenennota_2023_named_mutations_typed_by_label(gevolgen: duckdb.DuckDBPyConnection) -> None:
    # table 2023_MN_VII_hoofdstuk (EUR mln), between Stand Voorjaarsnota 2022 and Stand Miljoenennota 2023:
    # 'Kasschuiven' 12.3 (2022), 3.8 (2023), -7.5 (2024), -8.5 (2025): sum 0.1 mln = 100 (x 1,000), within one
    # unit (1 mln) of zero; typed by its label, with high confidence.
    ks = _rows(gevolgen, "regeling = 'Kasschuiven'")
    assert [(r["jaar"], r["value_k"]) for r in ks] == [
        (2022, Decimal(12300)), (2023, Decimal(3800)), (2024, Decimal(-7500)), (2025, Decimal(-8500))]
    assert {(r["soort"], r["confidence"], r["evidence"]) for r in ks} == {
        ("kasschuif", Decimal("0.9"), "label: 'Kasschuiven'")}
    moments = {(r["van_fase"], r["van_moment_jaar"], r["fase"], r["moment_jaar"]) for r in ks}
    assert moments == {("O1", 2022, "OWB", 2023)}
    assert sum(r["value_k"] for r in ks) == Decimal(100)
    gdi = _rows(gevolgen, "regeling = 'Overboeking Investeringspost GDI'")
    assert {r["soort"] for r in gdi} == {"overboeking"} and len(gdi) == 5  # 62.2 mln in 2023..2027
    lpb = _rows(gevolgen, "regeling = 'Herverkaveling Loon- en Prijsbijstelling Groningen'")
    assert {r["soort"] for r in lpb} == {"loon- en prijsbijstelling"}
    # 'Mutaties besluitvorming Miljoenennota' is the subtotal of the named rows after it: never counted itself
    assert _rows(gevolgen, "regeling = 'Mutaties besluitvorming Miljoenennota'") == []


def test_overboeking_groningen_between_chapters() -> None:
    # begrotingsstaten 2020, uitgaven: VII art. 10 'Groningen versterken en perspectief' OWB 0 -> VB 98704 (+98704);
    # XIII art. 5 'Een veilig Groningen met perspectief' OWB 264781 -> VB 166077 (-98704). Same moment (VB 2020),
    # same year, opposite and equal, different chapters: an overboeking, each the other's only candidate.
    con = _load(MUT / "begrotingsstaten_2020_U_VII_XIII.csv")
    vii = _rows(con, "hoofdstuk = 'VII' AND artikel = '10' AND fase = 'VB'")
    xiii = _rows(con, "hoofdstuk = 'XIII' AND artikel = '5' AND fase = 'VB'")
    assert len(vii) == len(xiii) == 1
    assert (vii[0]["van_stand"], vii[0]["naar_stand"], vii[0]["value_k"]) == (0, 98704, 98704)
    assert (xiii[0]["van_stand"], xiii[0]["naar_stand"], xiii[0]["value_k"]) == (264781, 166077, -98704)
    assert vii[0]["soort"] == xiii[0]["soort"] == "overboeking"
    assert vii[0]["confidence"] == Decimal("0.8") and vii[0]["counterpart_id"] == xiii[0]["mutation_id"]
    assert vii[0]["evidence"] == "tegenboeking XIII art. 5 (U) -98.704 bij VB 2020, jaar 2020"
    # VII art. 11 Centraal apparaat 401762 -> 414206 (+12444) against XIII art. 40 Apparaat 294229 -> 281785
    assert [r["soort"] for r in _rows(con, "hoofdstuk = 'VII' AND artikel = '11' AND fase = 'VB'")] == ["overboeking"]
    # the file has no realisation or O2 for 2020: the last step is VB -> O1
    assert {r["fase"] for r in _rows(con, "true")} <= {"VB", "O1"}
    con.close()


def test_kasschuif_between_two_ontwerpbegrotingen() -> None:
    # B-tabel 'ROC Leiden' (VIII art. 4, Subsidies, U): OWB 2016 gives 2016 20000, 2017 20000, 2018 0;
    # OWB 2017 gives 2016 (t-1) 32458, 2017 7017, 2018 525. Changes OWB 2016 -> OWB 2017:
    # 2016 +12458, 2017 -12983, 2018 +525; sum 0: a kasschuif over three years, found by the rule, not a label.
    con = _load(MUT / "btabel_2016_roc_leiden.csv", MUT / "btabel_2017_roc_leiden.csv")
    rows = _rows(con, "regeling IS NULL AND line_key LIKE 'VIII|4|%roc-leiden%' AND fase = 'OWB'")
    assert [(r["jaar"], r["value_k"]) for r in rows] == [
        (2016, Decimal(12458)), (2017, Decimal(-12983)), (2018, Decimal(525))]
    assert {(r["soort"], r["basis"], r["van_moment_jaar"], r["moment_jaar"]) for r in rows} == {
        ("kasschuif", "standverschil", 2016, 2017)}
    assert rows[0]["evidence"] == "zelfde regel, OWB 2017: 2016 +12.458, 2017 -12.983, 2018 +525 (som 0)"
    con.close()


def test_waterfall_vi36_2021_shows_incidental_suppletoires(gevolgen: duckdb.DuckDBPyConnection) -> None:
    # VI art. 36 Programma-uitgaven 2021: OWB 273598; VB mutations +81350; O1 +7395 (stand 362343);
    # 2e suppletoire: Miljoenennota +51014, overige -121069, stand 537288. The 2SUPP table's 'stand 1e
    # suppletoire' is 607343, 245000 above the 1SUPP table's 362343 (incidentele suppletoires): that part is
    # explained by no published mutation column, so it is shown as 'onverklaard' (restverschil), not hidden.
    # 273598 + 81350 + 7395 + 51014 - 121069 + 245000 = 537288.
    res = mutations.waterfall(gevolgen, "VI", "36", jaar=2021)
    assert res.unit == "x € 1.000" and res.columns[:7] == ["bronsoort", "jaar", "volgorde", "moment", "stap",
                                                         "soort", "bedrag"]
    rows = [r for r in res.rows if r[0] == "gevolgen"]
    start = [r for r in rows if r[4] == "ontwerpbegroting"]
    end = [r for r in rows if r[4] == "eindstand"]
    check = [r for r in rows if r[4] == "controle"]
    assert start[0][6] == 273598 and end[0][6] == 537288 and check[0][6] == 0
    steps = sorted((r[3], r[5], r[6]) for r in rows if r[4] == "mutatie")
    assert sum(s[2] for s in steps) == 537288 - 273598
    # O2: the 245000 residual and the Miljoenennota column's +51014 have no evidence of a type: both unexplained
    assert ("O2 2021", "onverklaard: verhoging", Decimal(245000 + 51014)) in steps
    assert ("O2 2021", "onverklaard: verlaging", Decimal(-121069)) in steps
    # the VB column is 'Mutaties via ISB, NvW, moties en amendementen': an increase there is new money by its kind
    assert ("VB 2021", "nieuwe middelen", Decimal(81350)) in steps
    rest = _rows(gevolgen, "hoofdstuk = 'VI' AND artikel = '36' AND vuo = 'U' AND basis = 'restverschil' "
                           "AND jaar = 2021 "
                           "AND moment_jaar = 2021 AND fase = 'O2' AND is_article_total")
    assert [(r["value_k"], r["evidence_kind"]) for r in rest] == [(Decimal(245000), "restverschil")]
    vb = _rows(gevolgen, "hoofdstuk = 'VI' AND artikel = '36' AND vuo = 'U' AND fase = 'VB' AND moment_jaar = 2021 "
                         "AND jaar = 2021 "
                         "AND is_article_total")
    assert {(r["soort"], r["evidence_kind"], r["confidence"]) for r in vb} == {
        ("nieuwe middelen", "kolom", Decimal("0.6"))}


def test_mutations_query(gevolgen: duckdb.DuckDBPyConnection) -> None:
    res = mutations.mutations(gevolgen, hoofdstuk="vii", artikel="6", soort="herschikking", begrotingsjaar=2024)
    assert res.unit == "x € 1.000" and "onderbouwing" in res.columns and "soort" in res.columns
    assert {r[res.columns.index("regeling")] for r in res.rows} == {"CBS", "ICTU"}
    assert all(isinstance(r[res.columns.index("bedrag")], Decimal) for r in res.rows)
    assert len(mutations.mutations(gevolgen, limit=3).rows) == 3
    with pytest.raises(UsageError):
        mutations.mutations(gevolgen, soort="bezuiniging")
    with pytest.raises(UsageError):
        mutations.waterfall(gevolgen, "VI", "36", vuo="X")


def test_kept_moment_sums_equal_the_changes_they_sum(gevolgen: duckdb.DuckDBPyConnection) -> None:
    """moment_line_mutation (what the integrated table reads) holds, per moment and line key, the counted changes
    of the moment's own year summed per group of types: the same as summing the mutation table, and in moment
    order."""
    kept = gevolgen.execute("SELECT * EXCLUDE (moment) FROM moment_line_mutation ORDER BY ALL").fetchall()
    assert len(kept) > 50
    by_hand: dict[tuple[Any, ...], list[Any]] = {}
    groups = [name for name, _ in mutations.MOMENT_SUMS]
    rows = gevolgen.execute("SELECT moment_jaar, fase, line_key, soort, value_k FROM mutation "
                            "WHERE counted AND jaar = moment_jaar").fetchall()
    for mj, fase, key, soort, value in rows:
        sums = by_hand.setdefault((mj, fase, key), [None] * len(groups))
        hits = {"kasschuif": soort == "kasschuif", "overboeking": soort in ("overboeking", "herschikking"),
                "taakstelling": soort == "taakstelling", "nieuwe_middelen": soort == "nieuwe middelen",
                "loon_prijs": soort == "loon- en prijsbijstelling",
                "overig_verklaard": soort in ("realisatieverschil", "nieuwe raming"),
                "verklaard": not soort.startswith("onverklaard"), "onverklaard": soort.startswith("onverklaard")}
        for i, g in enumerate(groups):
            if hits[g]:
                sums[i] = (sums[i] or 0) + value
    assert kept == sorted((*k, *v) for k, v in by_hand.items())
    order = [r[0] for r in gevolgen.execute("SELECT moment FROM moment_line_mutation").fetchall()]
    assert order == sorted(order)  # stored by moment: a table reads one moment's row groups


def test_build_is_repeatable(gevolgen: duckdb.DuckDBPyConnection) -> None:
    before = gevolgen.execute("SELECT * FROM mutation ORDER BY mutation_id").fetchall()
    mutations.build(gevolgen, preference=PREFERENCE)
    assert gevolgen.execute("SELECT * FROM mutation ORDER BY mutation_id").fetchall() == before


# --- properties on generated tables ---------------------------------------------------------------------------

FASES = ("OWB", "VB", "O1", "O2")
_money = st.integers(min_value=-5000, max_value=5000)


def _insert(con: duckdb.DuckDBPyConnection, lines: list[tuple[str, str, bool]],
            amounts: list[tuple[int, str, str, str | None, int, int]],
            source_id: int = 1) -> None:
    """lines: (artikel, regeling, is_total); amounts: (line index, fase, measure, mutatie_soort, jaar, value)."""
    con.execute("INSERT INTO source VALUES (?, ?, 'gevolgen', 'gen.csv', 'gen.csv', 0, NULL, NULL, NULL, now(), "
                "0, 0, 0, NULL)", [source_id, f"sha{source_id}"])
    base = source_id * 1000
    for i, (artikel, regeling, is_total) in enumerate(lines):
        key = f"VII|{artikel}|||{regeling}||U" + ("|T" if is_total else "")
        con.execute("""INSERT INTO budget_line (line_id, source_id, source_row, begrotingsjaar, document_fase,
                       hoofdstuk, artikel, regeling, niveau, vuo, is_total, line_key)
                       VALUES (?, ?, ?, 2024, 'O2', 'VII', ?, ?, ?, 'U', ?, ?)""",
                    [base + i, source_id, i + 1, artikel, regeling or None,
                     "artikel" if is_total else "regeling", is_total, key])
    for i, fase, measure, soort, jaar, value in amounts:
        con.execute("INSERT INTO amount VALUES (?, 2024, ?, ?, ?, ?, ?, 'EUR1000', 'kolom', ?)",
                    [base + i, fase, measure, soort, jaar, value, i + 1])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_money, min_size=1, max_size=6), st.sampled_from(FASES))
def test_a_moment_against_itself_has_no_mutations(values: list[int], fase: str) -> None:
    # the same stands at one moment, published twice (two sources, like the three begrotingsstaten exports)
    con = store.connect(":memory:")
    lines = [("6", f"r{i}", False) for i in range(len(values))]
    for sid in (1, 2):
        _insert(con, lines, [(i, fase, "stand", None, 2024, v) for i, v in enumerate(values)], sid)
    mutations.build(con, preference=PREFERENCE)
    assert con.execute("SELECT count(*) FROM mutation").fetchall() == [(0,)]
    con.close()


_line_plan = st.tuples(st.lists(_money, min_size=4, max_size=4),  # stands OWB, VB, O1, O2
                       st.lists(st.booleans(), min_size=4, max_size=4),  # is the stand published?
                       st.lists(st.one_of(st.none(), _money), min_size=3, max_size=3))  # mutations VB, O1, O2


@settings(max_examples=20, deadline=None)
@given(st.lists(_line_plan, min_size=1, max_size=4))
def test_waterfall_start_plus_steps_is_end(plan: list[tuple[list[int], list[bool], list[int | None]]]) -> None:
    con = store.connect(":memory:")
    lines: list[tuple[str, str, bool]] = [("6", "", True)]
    amounts: list[tuple[int, str, str, str | None, int, int]] = []
    total = [0, 0, 0, 0]
    for n, (stands, published, muts) in enumerate(plan, start=1):
        lines.append(("6", f"r{n}", False))
        for k, fase in enumerate(FASES):
            total[k] += stands[k]
            if published[k]:
                amounts.append((n, fase, "stand", None, 2024, stands[k]))
        for k, m in enumerate(muts):
            if m is not None:
                amounts.append((n, FASES[k + 1], "mutatie", "suppletoire", 2024, m))
    amounts += [(0, fase, "stand", None, 2024, total[k]) for k, fase in enumerate(FASES)]
    _insert(con, lines, amounts)
    mutations.build(con, preference=PREFERENCE)
    res = mutations.waterfall(con, "VII", "6", jaar=2024)
    start = sum(r[6] for r in res.rows if r[4] == "ontwerpbegroting")
    steps = sum(r[6] for r in res.rows if r[4] == "mutatie")
    end = sum(r[6] for r in res.rows if r[4] == "eindstand")
    assert (start, end) == (total[0], total[3])
    assert start + steps == end
    assert [r[6] for r in res.rows if r[4] == "controle"] == [0]
    con.close()


@settings(max_examples=20, deadline=None)
@given(st.lists(st.lists(_money, min_size=2, max_size=5), min_size=1, max_size=5))
def test_kasschuiven_net_to_zero_per_line_and_moment(per_line: list[list[int]]) -> None:
    con = store.connect(":memory:")
    lines = [("6", f"r{n}", False) for n in range(len(per_line))]
    amounts: list[tuple[int, str, str, str | None, int, int]] = []
    expected: set[str] = set()
    for n, values in enumerate(per_line):
        if n % 2:  # every other line gets a real cash shift: the last year takes what the others give up
            values = [*values[:-1], -sum(values[:-1])]
            if sum(1 for v in values if v) >= 2:
                expected.add(f"VII|6|||r{n}||U")
        amounts += [(n, "O1", "mutatie", "suppletoire", 2024 + j, v) for j, v in enumerate(values)]
    _insert(con, lines, amounts)
    mutations.build(con, preference=PREFERENCE)
    groups = con.execute("""SELECT line_key, moment, coalesce(mutatie_soort, ''), basis, sum(value_k), count(*),
                                   max(tolerance) FROM mutation WHERE soort = 'kasschuif' GROUP BY ALL""").fetchall()
    for _key, _moment, _soort, _basis, total, n, tol in groups:
        assert abs(total) < tol and n >= 2
    assert expected <= {g[0] for g in groups}
    con.close()


def test_built_per_group_of_years_gives_the_same_tables() -> None:
    """At national scale facts and mutations are built per group of years (bounded memory); the tables must be
    exactly those of one pass over everything, ids included. Real files: the 'gevolgen' tables (years t-1..t+4 per
    moment, kasschuiven across years) and a begrotingsstaten export (one year per moment)."""
    con = store.connect(":memory:")
    ingest.ingest(con, [GEVOLGEN, REPO / "data" / "begrotingsstaten" / "begrotingsstaten_2013-2017.csv"])

    def tables() -> list[list[tuple[Any, ...]]]:
        return [con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
                for t in ("fact", "mutation_stand", "mutation")]

    selection.build(con, preference=PREFERENCE)
    mutations.build(con, preference=PREFERENCE)
    whole = tables()
    assert len(selection.year_groups(con)) == 1 and all(whole)
    groups = selection.year_groups(con, max_rows=1)
    assert len(groups) > 10 and all(len(g) == 1 for g in groups)
    selection.build(con, preference=PREFERENCE, max_rows=1)
    mutations.build(con, preference=PREFERENCE, max_rows=1)
    assert tables() == whole
    assert {r[0] for r in con.execute("SELECT DISTINCT soort FROM mutation").fetchall()} >= {"kasschuif",
                                                                                           "overboeking"}


def test_equally_good_counterparts_are_ordered_by_their_identity_not_by_load() -> None:
    # one decrease of 100 in article 6 and three increases of 100 in articles 9, 8 and 7 (loaded in that order):
    # all three are exact counterparts in another article, so the change names the first by its chain key (art. 7)
    # and lists all three in that order; the tie-break is the changes' identity, never the order of loading
    con = store.connect(":memory:")
    lines = [("6", "r", False), ("9", "r", False), ("8", "r", False), ("7", "r", False)]
    _insert(con, lines, [(0, "VB", "mutatie", "suppletoire", 2024, -100)]
            + [(i, "VB", "mutatie", "suppletoire", 2024, 100) for i in (1, 2, 3)])
    mutations.build(con, preference=PREFERENCE)
    (cut,) = _rows(con, "value_k < 0")
    other = _rows(con, "mutation_id = ?", [cut["counterpart_id"]])[0]
    assert (cut["soort"], cut["n_counterparts"], other["artikel"]) == ("overboeking", 3, "7")
    listed = cut["evidence"].split(": ", 1)[1].split("; ")
    assert [c.split()[2] for c in listed] == ["7", "8", "9"], cut["evidence"]
    con.close()
