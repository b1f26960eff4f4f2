"""'Wat is er veranderd' (issue 14) on the bundled data, against changes checked by hand in the source files."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from lxml import etree

from digibudget import store
from digibudget.analyze import changes
from digibudget.changes_render import ATOM, to_atom, to_markdown
from digibudget.errors import RuleError, UsageError


@pytest.fixture(scope="module")
def con(bundled_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = store.connect(bundled_db, read_only=True)
    yield c
    c.close()


def _rows(result: Any) -> list[dict[str, Any]]:
    return [dict(zip(result.columns, r, strict=True)) for r in result.rows]


def test_new_and_disappeared_lines(con: duckdb.DuckDBPyConnection) -> None:
    # budgettaire_tabellen_owb_2016_origineel.csv row 680: VII art. 6.3 'Baten-lastenagentschap Logius', Bedrag t
    # (2016) 75,254; budgettaire_tabellen_owb_2017_origineel.csv row 2601: 'Agentschap Logius', Bedrag t-1 (2016)
    # 89,932. Another key and another amount: one line disappeared, one new.
    report = changes.changes(con, van="2016-OWB", naar="2017-OWB",
                             selection=changes.Selection(themes=("digitalisering",), hoofdstukken=("VII",)),
                             limit=1000)
    new = {r["regeling"]: r for r in _rows(report.section("Nieuwe regels")) if r["artikelonderdeel"] == "3"}
    gone = {r["regeling"]: r for r in _rows(report.section("Verdwenen regels")) if r["artikelonderdeel"] == "3"}
    assert (new["Agentschap Logius"]["bedrag"], new["Agentschap Logius"]["jaar"]) == (Decimal(89932), 2016)
    assert (new["Agentschap Logius"]["rij"], new["Agentschap Logius"]["kolom"]) == (2601, "Bedrag t-1")
    old = gone["Baten-lastenagentschap Logius"]
    assert (old["bedrag"], old["rij"], old["kolom"]) == (Decimal(75254), 680, "Bedrag t")
    assert "Agentschap Logius" not in gone and "Baten-lastenagentschap Logius" not in new


def test_typed_and_unexplained_mutations(con: duckdb.DuckDBPyConnection) -> None:
    # 2024_1SUPP_VII_art6, column 'Mutaties 1e suppletoire begroting (4)', 2024: CBS +1580 and ICTU -1580 (each
    # other's counterpart: herschikking), 'Diverse bijdragen' +100 (no counterpart, label or profile: unexplained)
    report = changes.changes(con, van="2024-VB", naar="2024-O1",
                             selection=changes.Selection(hoofdstukken=("VII",), artikel="6"), limit=1000)
    muts = {(r["regeling"], r["jaar"]): r for r in _rows(report.section("Grootste mutaties"))}
    cbs = muts[("CBS", 2024)]
    assert (cbs["bedrag"], cbs["soort"], cbs["bewijs"]) == (Decimal(1580), "herschikking", "tegenboeking")
    assert "ICTU" in cbs["onderbouwing"] and cbs["kolom"] == "Mutaties 1e suppletoire begroting (4)"
    div = muts[("Diverse bijdragen", 2024)]
    assert (div["bedrag"], div["soort"], div["bewijs"], div["zekerheid"]) == (
        Decimal(100), "onverklaard: verhoging", "geen", Decimal(0))


def test_lineage_move_and_renamed_lines(con: duckdb.DuckDBPyConnection) -> None:
    report = changes.changes(con, van="2020-OWB", naar="2020-VB", limit=1000)
    moves = _rows(report.section("Vernummerd of verhuisd"))
    assert any((m["hoofdstuk_van"], m["artikel_van"], m["artikel_naar"], m["vuo"], m["gevolgd"]) ==
               ("V", "43", "3", "U", True) for m in moves)
    # a renumbering is no new line: nothing of V is new or gone
    assert not [r for r in _rows(report.section("Nieuwe regels")) if r["hoofdstuk"] == "V"]
    # VI art. 36: the OWB 2020 JSON says 'Opdrachten NCSC' 8730, the 2020 suppletoire table 'NCSC' 8730
    renamed = {(r["omschrijving_van"], r["omschrijving_naar"], r["bedrag"])
               for r in _rows(report.section("Anders benoemd"))}
    assert ("Opdrachten NCSC", "NCSC", Decimal(8730)) in renamed


def test_default_pair_and_bad_requests(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    van, naar = changes.default_pair(con)
    assert van[0] == naar[0] and van != naar
    with pytest.raises(UsageError):
        changes.changes(con, van="2020-VB", naar="2020-OWB")  # backwards in publication order
    with pytest.raises(UsageError):
        changes.changes(con, van="2020-OWB")
    bad = tmp_path / "volg.toml"
    bad.write_text("[[volg]]\nopmerking = 'geen sleutel'\n", encoding="utf-8")
    with pytest.raises(RuleError):
        changes.load_watch_list(bad)


def test_watch_list_follows_names_and_keys(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    watch = tmp_path / "volg.toml"
    watch.write_text('[[volg]]\nnaam = "logius"\n', encoding="utf-8")
    keys, names = changes.load_watch_list(watch)
    report = changes.changes(con, van="2016-OWB", naar="2017-OWB",
                             selection=changes.Selection(line_keys=keys, names=names), limit=1000)
    rows = _rows(report.section("Nieuwe regels")) + _rows(report.section("Verdwenen regels"))
    assert rows and all("logius" in (r["regeling"] or "").lower() for r in rows)


def test_markdown_and_atom_feed(con: duckdb.DuckDBPyConnection) -> None:
    import feedparser

    sel = changes.Selection(themes=("cyberveiligheid",))
    md = to_markdown(changes.changes(con, van="2024-VB", naar="2024-O1", selection=sel))
    assert md.startswith("# Wat is er veranderd van vastgestelde begroting 2024 naar 1e suppletoire 2024")
    assert "## Grootste mutaties" in md
    reports = changes.feed_reports(con, sel, entries=4, limit=5)
    assert len(reports) == 4
    xml = to_atom(reports, sel, "http://127.0.0.1:8000")
    root = etree.fromstring(xml)
    # RFC 4287: the feed and every entry have exactly one id, title and updated; the feed an author and a self link
    for el in (root, *root.findall(f"{{{ATOM}}}entry")):
        for name in ("id", "title", "updated"):
            assert len(el.findall(f"{{{ATOM}}}{name}")) == 1, name
    assert root.find(f"{{{ATOM}}}author/{{{ATOM}}}name") is not None
    assert root.find(f"{{{ATOM}}}link[@rel='self']") is not None
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and len(parsed.entries) == 4
    assert all(e.link.startswith("http://127.0.0.1:8000/veranderingen?van=") for e in parsed.entries)
    assert all(e.updated_parsed is not None for e in parsed.entries)
