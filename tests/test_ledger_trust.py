"""Issue 12 on the whole bundled data: every type has evidence, the ledger runs in publication order, lineage
follows renumbered articles, and a reviewed type survives a rebuild."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from digibudget import pipeline, store
from digibudget.analyze import lineage, mutations
from digibudget.classify.overrides import MutationDecision, add_mutation_decision
from digibudget.vocab import publication_key

TYPED = ("taakstelling", "nieuwe middelen", "overboeking", "herschikking", "kasschuif", "loon- en prijsbijstelling")


@pytest.fixture(scope="module")
def built(bundled_db: Path, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    folder = tmp_path_factory.mktemp("ledger")  # a copy: the review test writes
    shutil.copyfile(bundled_db, folder / "db.duckdb")
    con = store.connect(folder / "db.duckdb")
    yield con, folder / "decisions.toml"
    con.close()


def test_no_type_without_recorded_evidence(built: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    con, _ = built
    rows = con.execute("""
        SELECT soort, evidence_kind, confidence, evidence FROM mutation
        WHERE soort IN (SELECT unnest(?::VARCHAR[]))""", [list(TYPED)]).fetchall()
    assert rows, "the bundled data has typed mutations"
    for soort, kind, confidence, evidence in rows:
        assert kind in ("review", "label", "kolom", "tegenboeking", "kasschuifprofiel"), (soort, kind, evidence)
        assert confidence > 0 and evidence.strip()
    # and what has no evidence is called unexplained, with its direction, never typed by its sign
    bad = con.execute("""
        SELECT count(*) FROM mutation WHERE evidence_kind IN ('geen', 'restverschil')
          AND NOT (soort = CASE WHEN value_k < 0 THEN 'onverklaard: verlaging' ELSE 'onverklaard: verhoging' END
                   AND confidence = 0)""").fetchone()
    assert bad == (0,)
    kinds = {k for (k,) in con.execute("SELECT DISTINCT evidence_kind FROM mutation").fetchall()}
    assert {"label", "tegenboeking", "kasschuifprofiel", "kolom", "geen"} <= kinds


def test_nothing_runs_backwards_in_publication_order(built: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    con, _ = built
    steps = con.execute("SELECT DISTINCT van_moment_jaar, van_fase, moment_jaar, fase, moment FROM mutation "
                        "WHERE van_fase IS NOT NULL").fetchall()
    assert steps
    for van_jaar, van_fase, jaar, fase, moment in steps:
        assert publication_key(van_jaar, van_fase) < publication_key(jaar, fase) == moment
    # the artefact of issue 12: a step from the jaarverslag of t to the ontwerpbegroting of t+1 (published before it)
    assert con.execute("SELECT count(*) FROM mutation WHERE van_fase = 'JV' AND fase = 'OWB'").fetchone() == (0,)
    # the realisation of 2014 now follows the OWB 2015's figure for 2014, not the other way round
    jv = con.execute("SELECT DISTINCT van_fase, van_moment_jaar FROM mutation WHERE fase = 'JV' AND moment_jaar = 2014 "
                     "AND jaar = 2014 AND basis = 'realisatieverschil'").fetchall()
    assert ("OWB", 2015) in jv or ("O2", 2014) in jv


def test_renumbered_article_keeps_its_chain(built: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    con, _ = built
    # begrotingsstaten_rijksfinancien_nl_20200914.csv: BZ (V) art. 43 'Effectieve Europese Samenwerking' has
    # 9.069.744 in the OWB 2020 and 0 in the VB 2020; art. 3 'Effectieve Europese samenwerking' the reverse
    res = lineage.lineage(con, "V", "43", vuo="U")
    links = [dict(zip(res.columns, r, strict=True)) for r in res.rows]
    assert [(x["artikel_naar"], x["basis"], x["gevolgd"], x["laatst_van"], x["eerst_naar"]) for x in links] == [
        ("3", "renummering", True, "OWB 2020", "VB 2020")]
    assert "9.069.744" in links[0]["onderbouwing"] and links[0]["zekerheid"] == Decimal("0.9")
    big = con.execute("SELECT count(*) FROM mutation WHERE hoofdstuk = 'V' AND abs(value_k) >= 1000000 "
                      "AND soort IN ('overboeking', 'herschikking')").fetchone()
    assert big == (0,)
    # the chain of art. 3 for 2020 starts at the OWB 2020 figure of art. 43
    chain = con.execute("""SELECT fase, value_k FROM mutation_stand WHERE kind = 'begrotingsstaten'
                           AND line_key LIKE 'V|3|%|U%' AND jaar = 2020 ORDER BY moment""").fetchall()
    assert chain[:2] == [("OWB", Decimal(9069744)), ("VB", Decimal(9069744))]


def test_reviewed_links_and_splits(built: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    con, _ = built
    rows = con.execute("SELECT relatie, followed, count(*) FROM lineage WHERE basis = 'review' GROUP BY ALL").fetchall()
    kinds = {(r[0], r[1]) for r in rows}
    assert ("splitsing", False) in kinds and ("1:1", True) in kinds
    # XIII art. 7 (2017) was split over LNV and OCW articles: shown, never followed
    assert con.execute("SELECT bool_and(NOT followed) FROM lineage WHERE hoofdstuk_van = 'XIII' "
                       "AND artikel_van = '7' AND basis = 'review'").fetchone() == (True,)


def test_a_reviewed_type_wins_and_survives_a_rebuild(built: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    con, decisions = built
    row = con.execute("SELECT mutation_key, value_k FROM mutation WHERE counted AND evidence_kind = 'geen' "
                      "AND value_k < 0 ORDER BY mutation_key LIMIT 1").fetchone()
    assert row is not None
    key = str(row[0])
    add_mutation_decision(decisions, MutationDecision(key, "taakstelling", "Kamerbrief: korting", "tester",
                                                      "2026-11-30"), mutations.SOORTEN)
    pipeline.reclassify(con, decisions=decisions)
    after = con.execute("SELECT soort, evidence_kind, confidence, evidence FROM mutation WHERE mutation_key = ?",
                        [key]).fetchall()
    assert after and all(r[:3] == ("taakstelling", "review", Decimal(1)) for r in after)
    assert "tester" in after[0][3] and "Kamerbrief" in after[0][3]


def test_owb_2025_shows_the_four_commitment_categories_with_their_source_cells(
        built: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    from digibudget.analyze.integral import integral_table

    con, _ = built
    res = integral_table(con, moment="2025-OWB", niveau="artikel", hoofdstuk="VII", artikel="6")
    rows = [dict(zip(res.columns, r, strict=True)) for r in res.rows]
    u = [r for r in rows if r["vuo"] == "U"]
    assert u
    # Tabel 14 of the OWB 2025 (2025_OWB_VII_art6): 10 / 86 / 2 / 2 % of the article's uitgaven in 2025
    total = Decimal(str(u[0]["artikel_totaal_t"]))
    assert total == con.execute("""SELECT sum(value_k) FROM fact WHERE hoofdstuk = 'VII' AND artikel = '6' AND vuo = 'U'
        AND moment_jaar = 2025 AND fase = 'OWB' AND jaar = 2025 AND measure = 'stand' AND NOT is_part""").fetchone()[0]
    for r in u:
        got = [Decimal(str(r[f"{c}_t"])) for c in ("juridisch_verplicht", "bestuurlijk_gebonden",
                                                   "beleidsmatig_gereserveerd", "nog_niet_ingevuld")]
        assert got == [total * p / 100 for p in (10, 86, 2, 2)] and sum(got) == total
        assert r["verplichtingen_status"] == "budgetflexibiliteit"
        assert r["niet_juridisch_verplicht_verdeling_onbekend"] is None
        cells = r["verplichtingen_bron"]
        assert "budgettaire_gevolgen_van_beleid_long.csv rij" in cells and cells.count("rij") == 4
    # never applied to ontvangsten
    for r in rows:
        if r["vuo"] == "O":
            assert r["juridisch_verplicht_pct"] is None and r["juridisch_verplicht_t"] is None
            assert r["verplichtingen_status"] == "n.v.t. (ontvangsten)"


def test_no_commitment_share_is_ever_applied_to_ontvangsten(built: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    from digibudget.analyze.integral import integral_table

    con, _ = built
    moments = con.execute("SELECT DISTINCT moment_jaar, fase FROM legal_commitment ORDER BY ALL").fetchall()
    assert (2020, "O1") in moments  # VII art. 6, 2020: 'waarvan juridisch verplicht 74%' (was applied to O 1.246)
    seen_o = 0
    for mj, fase in moments:
        res = integral_table(con, moment=f"{mj}-{fase}", niveau="artikel", vuo="O", include_hints=True)
        for r in (dict(zip(res.columns, row, strict=True)) for row in res.rows):
            seen_o += 1
            assert r["juridisch_verplicht_pct"] is None and r["juridisch_verplicht_t"] is None, (mj, fase, r)
    assert seen_o > 0
    assert con.execute("SELECT count(*) FROM legal_commitment WHERE vuo = 'O'").fetchone() == (0,)
