"""Answers first (issue 13): the overview opens with the total and the totals per theme and per ministry for the
moment's years, with coverage; the integrated table shows amounts right after what the row is, totals per ministry
and theme for the whole selection, and a header that stays visible."""

from __future__ import annotations

import re
from decimal import Decimal
from importlib import resources

from hostile import TestClient


def _table(html: str, table_id: str) -> list[list[str]]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [[" ".join(re.sub(r"<[^>]+>", " ", c).split())
             for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]


def _nl(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


def test_overview_opens_with_the_answer_and_the_totals(client: TestClient) -> None:
    html = client.get("/?moment=2017-OWB").text
    assert html.index('id="antwoord"') < html.index('id="dekking"') < html.index('class="chart"')
    assert re.search(r"Ontwerpbegroting 2017: € [\d.]+,\d mln aan digitale uitgaven in 2017", html)
    themes = _table(html, "per-thema")
    assert themes[0][:2] == ["thema", "2017"] and themes[-1][0] == "Totaal"
    assert sum(_nl(r[1]) for r in themes[1:-1]) == _nl(themes[-1][1])
    ministries = _table(html, "per-ministerie")
    assert ministries[0][:2] == ["hoofdstuk", "2017"]
    assert any(r[0].startswith("VII Binnenlandse Zaken") for r in ministries[1:])  # the name beside the code
    assert _nl(ministries[-1][1]) == _nl(themes[-1][1])  # the same total either way
    # the headline total is the table's total, in millions
    total = _nl(themes[-1][1]) / 1000
    assert f"€ {round(total, 1):,}".replace(",", "X").replace(".", ",").replace("X", ".") in html


def test_integral_table_shows_amounts_first_and_totals(client: TestClient) -> None:
    html = client.get("/tabel?moment=2017-OWB").text
    header = _table(html, "integrale-tabel")[0]
    # what the line is, then t-1 (the B-tabel of 2017 carries 2016), the years, and the rest per row in <details>
    assert header[:5] == ["hoofdstuk", "artikel", "regeling", "2016 (t-1)", "2017"] and header[-1] == "details"
    assert "thema" not in header and "<dt>regel-ids</dt>" in html and "<dt>V/U/O</dt>" in html
    assert html.count("<details><summary>") >= 10  # one per row: opens without script, by keyboard too
    header = _table(client.get("/tabel?moment=2017-OWB&niveau=artikel").text, "integrale-tabel")[0]
    assert "mutatie kasschuif" in header and "mutatie_kasschuif" not in header  # readable headers
    totals = _table(html, "totaal-ministerie")
    assert totals[-1][0] == "Totaal" and len(totals) > 3
    assert 'scope="col"' in html


def test_the_header_sticks_inside_the_tables_own_scroll_box() -> None:
    css = (resources.files("digibudget.web") / "static" / "style.css").read_text(encoding="utf-8")
    wrap = re.search(r"\.table-wrap \{([^}]*)\}", css)
    assert wrap and "overflow: auto" in wrap.group(1) and "max-height" in wrap.group(1)
    assert re.search(r"table\.data th \{[^}]*position: sticky; top: 0", css)


def test_t_minus_1_comes_from_the_moments_own_source_or_says_geen_bron(client: TestClient) -> None:
    """A B-tabel of moment t carries year t-1 (OWB 2017 gives 2016); the rijksfinancien.nl records of OWB 2020 give
    the budget year only: that column says 'geen bron', never 0 or blank, and the coverage says so too."""
    with_prev = client.get("/api/tabel", params={"moment": "2017-OWB", "niveau": "hoofdstuk"}).json()
    assert with_prev["kolommen"][:5] == ["thema", "hoofdstuk", "ministerie", "vuo", "t_min_1"]
    assert with_prev["dekking"]["vorig_jaar"] == 2016 and with_prev["dekking"]["vorig_jaar_bron"] is True
    assert "t-1 (2016): uit de bron van dit moment" in with_prev["dekking"]["zin"]
    assert any(r["t_min_1"] not in (None, "0") for r in with_prev["rijen"])
    without = client.get("/api/tabel", params={"moment": "2020-OWB", "niveau": "hoofdstuk"}).json()
    assert without["dekking"]["vorig_jaar_bron"] is False and "t-1 (2019): geen bron" in without["dekking"]["zin"]
    assert all(r["t_min_1"] is None for r in without["rijen"])
    html = client.get("/tabel?moment=2020-OWB&niveau=hoofdstuk").text
    header = _table(html, "integrale-tabel")[0]
    first = _table(html, "integrale-tabel")[1]
    assert first[header.index("2019 (t-1)")] == "geen bron"
