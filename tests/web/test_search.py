"""Search and filters as a reader types them (issue 13): case- and accent-insensitive, every kind linked."""

from __future__ import annotations

import pytest
from hostile import TestClient

from digibudget.filters import fold


def _hits(client: TestClient, q: str) -> list[dict[str, str]]:
    r = client.get("/api/zoeken", params={"q": q})
    assert r.status_code == 200
    return list(r.json()["rijen"])


def test_fold_drops_case_and_accents() -> None:
    assert fold("Materiële UITGAVEN") == "materiele uitgaven"


@pytest.mark.parametrize(("query", "kind", "link"), [
    ("logius", "Begrotingsregel", "/regel/"), ("LOGIUS", "Uitvoerder", "/tabel?uitvoerder="),
    ("ncsc", "Kamervraag", "/kamervragen/"), ("owb 2017", "Bron", "/bron/"),
    ("Materiele", "Begrotingsregel", "/regel/"), ("beheer activa", "Artikel", "/tabel?niveau=artikel")])
def test_search_finds_every_kind_and_links_to_it(client: TestClient, query: str, kind: str, link: str) -> None:
    hits = [h for h in _hits(client, query) if h["soort"] == kind]
    assert hits and all(h["link"].startswith(link) for h in hits), (query, kind)
    assert client.get(hits[0]["link"]).status_code == 200


def test_search_is_case_and_accent_insensitive(client: TestClient) -> None:
    assert _hits(client, "materiele") == _hits(client, "MATERIËLE")
    assert _hits(client, "zzzqqq") == []
    page = client.get("/zoeken?q=logius").text
    assert 'id="zoekresultaten"' in page and "/regel/" in page
    assert 'role="search"' in client.get("/").text  # the box is on every page


def test_filters_match_case_insensitively(client: TestClient) -> None:
    def count(query: str) -> int:
        return len(client.get(f"/api/tabel?moment=2017-OWB&{query}").json()["rijen"])

    assert count("instrument=subsidies") == count("instrument=Subsidies") == count("instrument=SUBSIDIES") > 0
    assert count("hoofdstuk=vii") == count("hoofdstuk=VII") > 0
    assert count("uitvoerder=logius") == count("uitvoerder=Logius") > 0
