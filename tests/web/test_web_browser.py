"""End to end in Debian's headless Chromium (driven by Playwright, never 'playwright install'): uvicorn on a free
loopback port, every page opened, a filter applied on the integrated table, a download checked, charts rendered,
hostile text shown as text. Screenshots go to tests/artifacts/ for review."""

from __future__ import annotations

import csv
import io
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile import HOSTILE, HOSTILE_YEAR
from test_dutch_numbers import ENGLISH

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[1] / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

# In CI the browser must be there (./dev test installs it): a missing chromium fails instead of skipping.
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                 reason="no /usr/bin/chromium (./dev test installs it)")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(web_db: Path) -> Iterator[str]:
    import uvicorn

    from digibudget.web.app import create_app

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(str(web_db)), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("dialog", lambda d: (pg.errors.append(f"dialog: {d.message}"), d.dismiss()))
    yield pg
    context.close()


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _charts_rendered(page: Any, minimum: int = 1) -> None:
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=15000)
    assert page.locator(".js-plotly-plot").count() >= minimum
    # what plotly drew (titles, ticks, labels): Dutch numbers, no English thousands separator, no k/M suffix
    texts = page.locator(".js-plotly-plot svg text").all_text_contents()
    assert texts
    english = [t for t in texts if ENGLISH.search(t)]
    assert english == [], english


PAGES = [("overzicht", "/?moment=2017-OWB", 2), ("mutaties", "/mutaties", 2),
         ("overlap", "/overlap?moment=2017-OWB", 1),
         ("kamervragen", "/kamervragen", 0), ("kamervraag_8", "/kamervragen/8", 0), ("datakwaliteit", "/kwaliteit", 0),
         ("bronnen", "/bronnen", 0), ("bron", "/bron/1?rij=2", 0),
         ("veranderingen", "/veranderingen?van=2016-OWB&naar=2017-OWB&thema=digitalisering", 0)]


@pytest.mark.parametrize(("name", "path", "charts"), PAGES)
def test_page_shows_data_and_charts(server: str, page: Any, name: str, path: str, charts: int) -> None:
    page.goto(server + path)
    assert page.locator("table.data tbody tr").count() > 0
    assert "Geen rijen." not in page.locator("table.data").first.inner_text()
    if charts:
        _charts_rendered(page, charts)
    _shot(page, name)
    assert page.errors == []


def test_integral_table_filter_sort_page_and_download(server: str, page: Any) -> None:
    page.goto(server + "/tabel?moment=2017-OWB")
    before = page.locator("#integrale-tabel tbody tr").count()
    page.select_option("#hoofdstuk", "VII")
    page.click("#toepassen")
    page.wait_for_url("**hoofdstuk=VII**")
    rows = page.locator("#integrale-tabel tbody tr")
    assert 0 < rows.count() <= before
    cells = page.locator("#integrale-tabel tbody tr td:nth-child(1)").all_inner_texts()  # amounts come after
    assert {c.split()[0] for c in cells} == {"VII"} and all("Binnenlandse Zaken" in c for c in cells)
    page.click("#integrale-tabel thead >> text=2017")  # at line level 'regels' is in each row's details
    page.wait_for_url("**sorteer=2017**")
    _shot(page, "integrale_tabel")
    with page.expect_download() as info:
        page.click("#download-csv")
    path = info.value.path()
    data = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
    assert data and {r["hoofdstuk"] for r in data} == {"VII"} and "regel_ids" in data[0]
    with page.expect_download() as info:
        page.click("#download-xlsx")
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"
    assert page.errors == []


def test_line_page_history_chart_and_source_link(server: str, page: Any) -> None:
    page.goto(server + "/tabel?moment=2017-OWB&hoofdstuk=VII")
    # a row of one line links its regeling to the line's page (the line ids are also in the row's details)
    page.locator("#integrale-tabel tbody > tr > td > a[href^='/regel/']").first.click()
    page.wait_for_url("**/regel/**")
    _charts_rendered(page)
    assert page.locator("#bronrijen tbody tr").count() > 0
    _shot(page, "begrotingsregel")
    page.locator("#bronrijen tbody a[href^='/bron/']").first.click()
    page.wait_for_url("**/bron/**")
    assert len(page.inner_text("#sha256").strip()) == 64
    assert page.errors == []


def test_hostile_description_is_shown_as_text(server: str, page: Any) -> None:
    page.goto(server + f"/tabel?moment={HOSTILE_YEAR}-OWB")
    assert HOSTILE in page.inner_text("#integrale-tabel")
    assert page.locator("#integrale-tabel script").count() == 0
    _shot(page, "vijandige_tekst")
    assert page.errors == []  # no alert dialog, no script error


def test_overview_shows_the_coverage_and_switches_moment(server: str, page: Any) -> None:
    page.goto(server + "/")
    note = page.inner_text("#dekking")
    assert "hoofdstukken geladen voor ontwerpbegroting 2021" in note and "brede dekking" in note
    assert "Standaard: het laatste moment met brede dekking" in note
    page.select_option("#moment", "2025-OWB")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**moment=2025-OWB**")
    note = page.inner_text("#dekking")
    assert "1 van 26 hoofdstukken geladen voor ontwerpbegroting 2025" in note
    assert "gedeeltelijke dekking: geen landelijk totaal" in note
    _shot(page, "overzicht_dekking")
    assert page.errors == []


def test_changes_page_switches_moments_and_links_the_feed(server: str, page: Any) -> None:
    page.goto(server + "/veranderingen?van=2024-VB&naar=2024-O1&hoofdstuk=VII")
    assert "Wat is er veranderd van vastgestelde begroting 2024 naar 1e suppletoire 2024" in page.inner_text("main")
    assert "herschikking" in page.inner_text("#veranderingen-4")
    page.select_option("select[name=van]", "2020-OWB")
    page.select_option("select[name=naar]", "2020-VB")
    page.fill("input[name=hoofdstuk]", "V")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/veranderingen?*")
    assert "43" in page.inner_text("#veranderingen-5")  # V art. 43 continues as art. 3
    feed = page.locator("link[rel=alternate][type='application/atom+xml']").get_attribute("href")
    assert feed is not None and feed.startswith("/feed.atom")
    response = page.request.get(server + feed)
    assert response.status == 200 and b"<feed" in response.body()
    _shot(page, "veranderingen_formulier")
    assert page.errors == []


def test_draft_page_paste_and_upload(server: str, page: Any) -> None:
    page.goto(server + "/concept")
    page.fill("#tekst", "Vraag 1\nHoeveel bedraagt de opdracht aan het NCSC in de 2e suppletoire begroting 2022?")
    page.click("form[action='/concept'] button[type=submit]")
    page.wait_for_selector("#vraag-1")
    assert "€ 5.395.000" in page.inner_text("#vraag-1")
    page.goto(server + "/concept")
    own = Path(__file__).parents[1] / "fixtures" / "parliament" / "eigen_vragen_2022_2025.txt"
    page.set_input_files("#bestand", str(own))
    page.wait_for_selector("#vraag-8", timeout=30000)
    assert "niet uit de data te beantwoorden" in page.inner_text("#vraag-7")
    _shot(page, "conceptantwoord")
    assert page.errors == []
