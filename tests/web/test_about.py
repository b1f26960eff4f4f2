"""'Over de cijfers' and the offline API documentation (issue 13)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from hostile import TestClient

from digibudget.analyze.mutations import EVIDENCE_KINDS, SOORTEN
from digibudget.classify.rules import load_rules
from digibudget.web import about


def test_every_mutation_type_has_a_meaning_and_its_evidence() -> None:
    assert set(about.SOORT_NL) == set(SOORTEN)
    for soort, meaning, kinds in about.mutation_types():
        assert meaning and kinds and set(kinds) <= set(EVIDENCE_KINDS), soort


def test_the_page_explains_themes_types_evidence_and_terms(client: TestClient) -> None:
    page = client.get("/over").text
    for t in load_rules().themes:
        assert t.label in page and t.description.replace("'", "&#39;") in page
    for s in SOORTEN:
        assert f'<th scope="row">{s}</th>' in page
    for k in EVIDENCE_KINDS:
        assert f'<th scope="row">{k}</th>' in page
    for term in ("juridisch verplicht", "V / U / O", "Kamerstuk", "dekking", "HHI"):
        assert f"<dt>{term}" in page
    assert 'href="/over"' in client.get("/").text  # in the navigation


def test_written_theme_clauses_are_listed_when_the_rules_have_them(client: TestClient,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    @dataclass(frozen=True)
    class Clause:
        id: str
        kind: str
        text: str

    rules = load_rules()
    first = rules.themes[0]

    @dataclass(frozen=True)
    class WithClauses:
        id: str
        label: str
        description: str
        clauses: tuple[Any, ...]

    themed = WithClauses(first.id, first.label, first.description,
                         (Clause("d1", "omvat", "Generieke digitale infrastructuur zoals DigiD"),))

    class Rules:
        themes = (themed, *rules.themes[1:])

    monkeypatch.setattr(about, "load_rules", lambda: Rules)
    page = client.get("/over").text
    assert "d1 (omvat)" in page and "Generieke digitale infrastructuur zoals DigiD" in page


def test_docs_are_served_offline_from_the_openapi_description(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    spec = client.get("/openapi.json").json()
    for path in spec["paths"]:
        assert f"{path}</code>" in r.text, path
    assert "jaar" in r.text and "geheel getal" in r.text
    external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?:)?//', r.text)
    assert external == []
