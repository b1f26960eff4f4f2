"""Accessibility and small screens in Debian's Chromium (issue 13): every page at 1.400 and 390 px wide, checked
with axe-core (axe-playwright-python, WCAG 2.1 A/AA rules: no serious or critical violations), no horizontal
page overflow at 390 px, the navigation reflowed, a skip link, and a text alternative for every chart.
Screenshots of every page at both widths go to tests/artifacts/ (not committed; described in docs/screens.md)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_web_browser import ARTIFACTS, CHROMIUM, pytestmark, server  # noqa: F401 - fixtures and marks shared

PAGES = [("overzicht", "/?moment=2017-OWB"), ("integrale_tabel", "/tabel?moment=2017-OWB"),
         ("regel", "/regel/{line}"), ("mutaties", "/mutaties"), ("overlap", "/overlap?moment=2017-OWB"),
         ("kamervragen", "/kamervragen"), ("kamervraag_8", "/kamervragen/8"), ("datakwaliteit", "/kwaliteit"),
         ("bronnen", "/bronnen"), ("bron", "/bron/1?rij=2"), ("zoeken", "/zoeken?q=logius"),
         ("over_de_cijfers", "/over"), ("api_docs", "/docs"), ("niet_gevonden", "/bestaat-niet"),
         ("veranderingen", "/veranderingen?van=2016-OWB&naar=2017-OWB&thema=digitalisering"),
         ("conceptantwoord", "/concept")]
WIDTHS = {"breed": (1400, 1000), "smal": (390, 844)}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright
    from test_web_browser import ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def line_id(web_db: Path) -> int:
    from digibudget import store

    con = store.connect(web_db, read_only=True)
    try:
        row = con.execute("SELECT min(line_id) FROM line_theme WHERE counted").fetchone()
    finally:
        con.close()
    assert row
    return int(row[0])


def _serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
    return [f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes'][:3]]}"
            for v in result.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize(("name", "path"), PAGES)
def test_page_is_accessible_and_fits(server: str, chromium: Any, line_id: int, name: str, path: str,  # noqa: F811
                                     width: str) -> None:
    w, h = WIDTHS[width]
    context = chromium.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(server + path.format(line=line_id))
        if page.locator(".chart[data-figure]").count():
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=15000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"a11y_{name}_{w}.png"), full_page=True)
        assert page.locator("html").get_attribute("lang") == "nl"
        assert page.locator("a.skip[href='#inhoud']").count() == 1 and page.locator("main#inhoud").count() == 1
        assert page.locator("h1").count() == 1
        # every chart has a text alternative next to it
        charts = page.locator(".chart[data-figure]")
        assert page.locator("figure.grafiek figcaption").count() == charts.count()
        # every data table header names its scope
        assert page.locator("table.data thead th:not([scope])").count() == 0
        if w == 390:
            width_used = page.evaluate("document.documentElement.scrollWidth")
            assert width_used <= 390, f"{name}: the page is {width_used} px wide at 390 px"
            nav = page.locator("header nav a")
            for i in range(nav.count()):
                box = nav.nth(i).bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, nav.nth(i).inner_text()
        assert _serious(page) == []
        assert errors == []
    finally:
        context.close()


def test_the_table_header_stays_visible_when_scrolling(server: str, chromium: Any) -> None:  # noqa: F811
    page = chromium.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(server + "/tabel?moment=2017-OWB")
        wrap = page.locator("#integrale-tabel").locator("xpath=..")
        wrap.evaluate("el => el.scrollTop = 400")
        top = wrap.bounding_box()
        th = page.locator("#integrale-tabel thead th").first.bounding_box()
        assert top and th and abs(th["y"] - top["y"]) <= 2, (top, th)
        # at 1.400 px the first year is visible next to what the row is
        first_year = page.locator("#integrale-tabel thead th", has_text="2017").bounding_box()
        assert first_year and first_year["x"] + first_year["width"] <= 1400
    finally:
        page.close()


def test_line_details_open_by_keyboard_and_the_years_fit(server: str, chromium: Any) -> None:  # noqa: F811
    """At line level the text columns are in a <details> per row (issue 13): the amounts of every year fit at
    1.400 px, and a row's details open with the keyboard (no script needed)."""
    page = chromium.new_page(viewport={"width": 1400, "height": 900}, java_script_enabled=False)
    try:
        page.goto(server + "/tabel?moment=2017-OWB")
        last = page.locator("#integrale-tabel thead th", has_text="2022").bounding_box()
        assert last and last["x"] + last["width"] <= 1400, last
        summary = page.locator("#integrale-tabel td.details summary").first
        details = page.locator("#integrale-tabel td.details details").first
        assert details.get_attribute("open") is None
        summary.focus()
        page.keyboard.press("Enter")
        assert details.get_attribute("open") is not None
        assert details.locator("dt", has_text="bronnen").is_visible()
        page.screenshot(path=str(ARTIFACTS / "integrale_tabel_details_1400.png"))
    finally:
        page.close()
