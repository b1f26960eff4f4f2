"""Draft answers (issue 14): the seed document and a list of questions written for the bundled years."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from digibudget import store
from digibudget.cli import app
from digibudget.errors import RuleError
from digibudget.parliament.draft import Draft, draft_document, load_draft_rules
from digibudget.parliament.draft_render import agreement_report, to_docx, to_html, to_markdown
from digibudget.parliament.parse import parse_file

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "data" / "documents" / "2026A02691_feitelijke_vragen_suppletoire_2026.txt"
OWN = REPO / "tests" / "fixtures" / "parliament" / "eigen_vragen_2022_2025.txt"


@pytest.fixture(scope="module")
def con(bundled_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = store.connect(bundled_db, read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def own(con: duckdb.DuckDBPyConnection) -> dict[str, Draft]:
    return {d.number: d for d in draft_document(con, parse_file(OWN))}


def _values(d: Draft) -> set[Decimal]:
    return {f.value_eur for f in d.figures}


def test_executor_in_a_named_suppletoire(own: dict[str, Draft]) -> None:
    # 2022_2SUPP_VI_art36, NCSC (Opdrachten), 'Stand 2e suppletoire begroting (4)=(2+3)': 5.395
    d = own["1"]
    assert d.rule.analyse == "regel" and d.status == "concept met cijfers"
    assert _values(d) == {Decimal(5_395_000)}
    assert "2e suppletoire 2022" in d.paragraphs[0] and "rij 498" in d.paragraphs[0]


def test_artikelonderdeel_in_a_future_year(own: dict[str, Draft]) -> None:
    # 2025_OWB_VII_art6, 6.8 Generieke Digitale Infrastructuur, column 2027: 350.992
    d = own["2"]
    assert d.rule.analyse == "artikel" and _values(d) == {Decimal(350_992_000)}
    assert "ontwerpbegroting 2025" in d.paragraphs[0] and "kolom '2027'" in d.paragraphs[0]


def test_commitment_split(own: dict[str, Draft]) -> None:
    d = own["3"]
    assert d.rule.analyse == "verplichtingen"
    text = " ".join(d.paragraphs)
    for pct in ("juridisch verplicht 10%", "bestuurlijk gebonden 86%", "beleidsmatig gereserveerd 2%",
                "nog niet ingevuld 2%"):
        assert pct in text
    assert Decimal(53_688_800) in _values(d) and "rij 1856" in text


def test_theme_per_ministry_takes_the_moment_of_the_year(own: dict[str, Draft]) -> None:
    d = own["4"]
    assert d.rule.analyse == "thema_per_hoofdstuk" and "ontwerpbegroting 2017" in d.paragraphs[0]
    assert any(p.startswith("Dekking:") for p in d.paragraphs)


def test_named_kasschuiven_and_amendment_money(own: dict[str, Draft]) -> None:
    # Miljoenennota 2023 (2023_MN_VII_hoofdstuk): 'Kasschuiven' 3,8 mln in 2023, typed by its label
    kas = own["5"]
    assert "kasschuif (bewijs: label" in kas.paragraphs[0] and Decimal(3_800_000) in _values(kas)
    # 2021_1SUPP_VI_art36: 'Mutaties via ISB, NvW, moties en amendementen (2)' +81.350 on Programma-uitgaven
    amend = own["6"]
    assert Decimal(81_350_000) in _values(amend)
    assert all("nieuwe middelen (bewijs: kolom" in p for p in amend.paragraphs)


def test_what_the_data_cannot_answer(own: dict[str, Draft]) -> None:
    d = own["7"]
    assert d.status == "niet uit de data te beantwoorden" and not d.figures
    assert "fte" in d.evidence


def test_seed_drafts_every_question_and_the_report_is_current(con: duckdb.DuckDBPyConnection) -> None:
    doc = parse_file(SEED)
    drafts = draft_document(con, doc)
    assert [d.number for d in drafts] == [str(n) for n in range(1, 40)]
    assert all(d.paragraphs for d in drafts)
    md = to_markdown(drafts, SEED.name)
    assert md.count("\n## Vraag ") == 39
    assert "<section id='vraag-39'>" in to_html(drafts, SEED.name)
    assert to_docx(drafts, SEED.name)[:2] == b"PK"
    doc_file = (REPO / "docs" / "drafts.md").read_text(encoding="utf-8")
    assert agreement_report(drafts, SEED.name) in doc_file, "docs/drafts.md is stale: run the command in it"


def test_rules_are_validated(tmp_path: Path) -> None:
    version, rules = load_draft_rules()
    assert version and rules[-1].id == "rest" and rules[-1].pattern is None
    bad = tmp_path / "r.toml"
    bad.write_text('[[rule]]\nid = "x"\nanalyse = "raden"\n', encoding="utf-8")
    with pytest.raises(RuleError):
        load_draft_rules(bad)


def test_cli_draft_formats(bundled_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["docs", "draft", str(OWN), "--db", str(bundled_db)])
    assert res.exit_code == 0, res.output
    assert "## Vraag 8" in res.output and "€ 14.009.000" in res.output  # ICTU, 1e suppletoire 2024
    out = tmp_path / "concept.docx"
    res = runner.invoke(app, ["docs", "draft", str(OWN), "--db", str(bundled_db), "--format", "docx", "-o", str(out)])
    assert res.exit_code == 0 and out.read_bytes()[:2] == b"PK"
