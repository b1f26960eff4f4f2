"""No English reaches a reader (issue 13): the templates' text, the finding catalogue's Dutch titles and messages,
and the dashboard's error messages are scanned for English words."""

from __future__ import annotations

import re
import string
from importlib import resources

import pytest
from hostile import TestClient

from digibudget.findings import CATALOGUE
from digibudget.findings_nl import MESSAGES_NL, message_nl

# words that are English and not Dutch (so 'is', 'of', 'in', 'door' are allowed)
ENGLISH = re.compile(r"\b(the|and|with|from|should|must|found|not|invalid|which|this|that|these|only|every|each|when"
                     r"|where|into|would|shows?|prints?|writes?|reads?|default|files?|lines?|rows?|columns?|output"
                     r"|input|instead|without|between|their|them|your|you|are|been|for|to|an|has|have|missing"
                     r"|unknown|error|expected|appears|times|value|page|search|source|sources|chart)\b",
                     re.I)
# names, metavariables (FILE) and the severity codes a filter takes
ALLOWED = re.compile(r"\b(Parquet|JSON|CSV|Excel|OpenAPI|API|HHI|URL|sha256|WCAG|[A-Z]{3,})\b|info, warning of error|"
                     r"warning \(waarschuwing\) of error")


def english(text: str) -> list[str]:
    return ENGLISH.findall(ALLOWED.sub("", re.sub(r"{[^}]*}", "", text)))  # no {placeholders}


def _template_text(source: str) -> str:
    """What a reader sees of a template: no Jinja code, no tags, no attribute values except title/alt/aria."""
    text = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}", " ", source, flags=re.S)
    text = re.sub(r"<(script|style|code)\b.*?</\1>", " ", text, flags=re.S)  # code: identifiers, not prose
    visible = " ".join(re.findall(r'(?:title|alt|aria-label|placeholder)="([^"]*)"', text))
    return re.sub(r"<[^>]*>", " ", text) + " " + visible


def _templates() -> list[str]:
    folder = resources.files("digibudget.web") / "templates"
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".html"))


@pytest.mark.parametrize("name", _templates())
def test_templates_have_no_english(name: str) -> None:
    source = (resources.files("digibudget.web") / "templates" / name).read_text(encoding="utf-8")
    assert english(_template_text(source)) == []


def test_the_detector_finds_english() -> None:
    assert english(_template_text("<p>No rows found for this filter</p>")) == ["rows", "found", "for", "this"]
    assert english(_template_text("<p>Geen rijen voor dit filter; zie de bron of de API</p>")) == []


def test_every_finding_has_a_dutch_message_with_the_same_figures() -> None:
    fields = string.Formatter()
    for code, ft in CATALOGUE.items():
        assert code in MESSAGES_NL, code
        en = {f for _, f, _, _ in fields.parse(ft.template) if f}
        nl = {f for _, f, _, _ in fields.parse(MESSAGES_NL[code]) if f}
        assert {f.split("!")[0] for f in en} == {f.split("!")[0] for f in nl}, code
        assert english(MESSAGES_NL[code]) == [] and english(ft.title) == [], code
    assert set(MESSAGES_NL) == set(CATALOGUE)
    assert message_nl("empty-row", '{"count": 1234}') == "1.234 lege regels zijn overgeslagen"


def test_the_quality_page_shows_dutch_titles_and_messages(client: TestClient) -> None:
    rows = client.get("/api/bevindingen?code=duplicate-line&per_pagina=5").json()["rijen"]
    assert rows and all(r["titel"] == "Dubbele regel" and "komt" in r["melding"] and "appears" not in r["melding"]
                        and r["ernst"] == "waarschuwing" for r in rows)
    page = client.get("/kwaliteit?code=duplicate-line").text
    assert "Dubbele regel" in page and "appears" not in page


@pytest.mark.parametrize(("url", "status", "dutch"), [
    ("/bestaat-niet", 404, "bestaat niet"), ("/bron/999999", 404, "geen bron 999999"),
    ("/tabel?van=3000", 400, "mag ten hoogste 2100 zijn"), ("/tabel?moment=2017-XX", 400, "niet de juiste vorm"),
    ("/api/tabel?sorteer=onzin", 400, "onbekende sorteerkolom"), ("/bron/1?rij=999999", 404, "geen rij 999999"),
    ("/regel/abc", 400, "geheel getal")])
def test_errors_are_dutch(client: TestClient, url: str, status: int, dutch: str) -> None:
    r = client.get(url)
    assert r.status_code == status
    text = r.json()["fout"] if url.startswith("/api") else re.sub(r"<[^>]*>", " ", r.text)
    assert dutch in text, text
    main = text if url.startswith("/api") else text.split("Verder:")[0]
    assert english(main) == [], main
    assert "Not Found" not in text


def test_cli_help_is_dutch() -> None:
    from typer.main import get_command

    from digibudget.cli import app
    from digibudget.cli.help_nl import command_texts, dutch

    texts = command_texts(dutch(get_command(app)))
    assert len(texts) > 100
    left = [(where, text) for where, text in texts if english(text)]
    assert left == [], "add a Dutch help text to digibudget.cli.help_nl.HELP_NL"


def test_the_installed_command_prints_dutch_help(capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    from digibudget.cli import main

    argv = sys.argv
    sys.argv = ["digibudget", "table", "--help"]
    try:
        with pytest.raises(SystemExit):
            main()
    finally:
        sys.argv = argv
    assert "De integrale tabel van de digitale uitgaven" in capsys.readouterr().out


def test_the_settings_are_explained_in_dutch() -> None:
    """`digibudget settings` shows each setting's Dutch explanation (``Setting.uitleg``), not the English help of
    the developer documentation; numbers in it are written the Dutch way (1.502 MB, 1,5 GB)."""
    import json

    from typer.testing import CliRunner

    from digibudget.cli import app
    from digibudget.settings import SETTINGS

    out = CliRunner().invoke(app, ["settings", "--format", "json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)["rijen"]
    assert [r["instelling"] for r in rows] == [s.name for s in SETTINGS]
    assert all(r["uitleg"] == s.uitleg != s.help for r, s in zip(rows, SETTINGS, strict=True))
    assert [(r["instelling"], english(r["uitleg"])) for r in rows if english(r["uitleg"])] == []
    assert [r["instelling"] for r in rows if re.search(r"\d,\d{3}\b|\d\.\d\s*GB", r["uitleg"])] == []
    shown = {r["instelling"]: r["waarde"] for r in rows}
    assert (shown["write_in_place"], shown["http_timeout"], shown["port"]) == ("ja", "30", "8000")
