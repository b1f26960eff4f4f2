"""`fetch budget` and `fetch kamer` through Typer's CliRunner, against the local server."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fetch_server import FIXTURES, LocalServer, odata_pages, serve, status
from typer.testing import CliRunner

from digibudget.cli.fetch import fetch_app

NAME = "Budgettaire_Tabellen_2024_O1_incl.csv"
DATA = (FIXTURES / NAME).read_bytes()
ODATA = FIXTURES / "odata"
IDS = ["0f3c1a52-7d4e-4b1a-9c2e-5a8b6d7e9f01", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
       "9e8d7c6b-5a49-4382-a1b0-c9d8e7f6a5b4"]
EXTS = [".pdf", ".docx", ".pdf"]
FILTER_36915 = ("Verwijderd eq false and (Soort eq 'Lijst van vragen en antwoorden' or "
                "Soort eq 'Antwoord schriftelijke vragen') and Kamerstukdossier/any(d: d/Nummer eq 36915)")


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No digibudget.toml or DIGIBUDGET_* variable from the developer's machine leaks into the tests."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("DIGIBUDGET_"):
            monkeypatch.delenv(name)


def test_budget_downloads_and_reports(server: LocalServer, tmp_path: Path) -> None:
    server.add("/open_data/" + NAME, serve(DATA))
    dest = tmp_path / "out"
    result = CliRunner().invoke(fetch_app, ["budget", "--year", "2024", "--fase", "O1", "--dest", str(dest),
                                            "--base-url", server.url("/open_data/")])

    assert result.exit_code == 0, result.output
    assert (dest / NAME).read_bytes() == DATA
    assert f"Opgehaald: {dest / NAME}" in result.stdout
    assert json.loads((dest / (NAME + ".provenance.json")).read_text(encoding="utf-8"))["size"] == len(DATA)


def test_budget_defaults_come_from_settings(server: LocalServer, tmp_path: Path) -> None:
    server.add("/open_data/" + NAME, serve(DATA))
    env = {"DIGIBUDGET_FETCH_BASE_URL": server.url("/open_data/"), "DIGIBUDGET_DOWNLOAD_DIR": "dl",
           "DIGIBUDGET_HTTP_RETRIES": "0"}
    result = CliRunner().invoke(fetch_app, ["budget", "--year", "2024", "--fase", "O1"], env=env)

    assert result.exit_code == 0, result.output
    assert (tmp_path / "dl" / "rijksfinancien" / NAME).read_bytes() == DATA


def test_budget_partial_miss_is_reported_but_succeeds(server: LocalServer, tmp_path: Path) -> None:
    server.add("/open_data/" + NAME, serve(DATA))
    result = CliRunner().invoke(fetch_app, ["budget", "--year", "2024", "--fase", "O1", "--fase", "O2",
                                            "--dest", str(tmp_path), "--base-url", server.url("/open_data/")])

    assert result.exit_code == 0
    assert "Niet gepubliceerd: " + server.url("/open_data/Budgettaire_Tabellen_2024_O2_incl.csv") in result.stderr


def test_budget_nothing_published_exits_with_fetch_code(server: LocalServer, tmp_path: Path) -> None:
    result = CliRunner().invoke(fetch_app, ["budget", "--year", "2030", "--fase", "JV", "--dest", str(tmp_path),
                                            "--base-url", server.url("/open_data/")])
    assert result.exit_code == 5
    assert "Fout: geen van de gevraagde bestanden is gepubliceerd" in result.stderr


def test_budget_server_failure_is_a_friendly_error(server: LocalServer, tmp_path: Path) -> None:
    server.add("/open_data/" + NAME, default=status(500))
    result = CliRunner().invoke(fetch_app, ["budget", "--year", "2024", "--fase", "O1", "--retries", "0",
                                            "--dest", str(tmp_path), "--base-url", server.url("/open_data/")])
    assert result.exit_code == 5
    assert result.stderr.strip().splitlines()[-1].startswith("Fout: download van ")
    assert "HTTP-status 500" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_budget_invalid_fase_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(fetch_app, ["budget", "--year", "2024", "--fase", "O3", "--dest", str(tmp_path),
                                            "--base-url", "http://127.0.0.1:9/"])
    assert result.exit_code == 2
    assert "Fout: onbekende fase 'O3' (verwacht: OWB, O1, SBS, O2, JV)" in result.stderr


def test_kamer_downloads_the_answer_documents(server: LocalServer, tmp_path: Path) -> None:
    base = "/OData/v4/2.0/"
    server.add(base + "Document", default=odata_pages([ODATA / "documents_page1.json",
                                                       ODATA / "documents_page2.json"],
                                                      expected_filter=FILTER_36915))
    for doc_id, ext in zip(IDS, EXTS, strict=True):
        server.add(f"{base}Document({doc_id})/resource",
                   serve((ODATA / "resource" / f"{doc_id}{ext}").read_bytes()))
    result = CliRunner().invoke(fetch_app, ["kamer", "--dossier", "36915", "--dest", str(tmp_path / "tk"),
                                            "--base-url", server.url(base)])

    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "tk").iterdir() if not p.name.endswith(".json")) == sorted(
        f"{i}{e}" for i, e in zip(IDS, EXTS, strict=True))
    assert "2024-10-28  Lijst van vragen en antwoorden" in result.stdout
    assert "3 document(en)" in result.stdout


def test_kamer_rejects_injection_in_dossier() -> None:
    result = CliRunner().invoke(fetch_app, ["kamer", "--dossier", "36915) or (true", "--base-url",
                                            "http://127.0.0.1:9/"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Fout: Kamerstukdossiernummer")
