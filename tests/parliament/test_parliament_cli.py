"""The `docs` sub-app, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

from parliament_builders import SEED
from typer.testing import CliRunner

from digibudget.cli.docs import docs_app

runner = CliRunner()


def test_parse_json_on_the_seed() -> None:
    result = runner.invoke(docs_app, ["parse", str(SEED), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["format"] == "text" and len(data["questions"]) == 39
    by_number = {q["number"]: q for q in data["questions"]}
    q4 = by_number["4"]
    assert q4["status"] == "answered_with_figures" and q4["status_label"] == "beantwoord met cijfers"
    assert q4["answer"]["extraction"]["amounts"][0] == {
        "raw": "5,7 mln. euro", "euro": "5700000", "approximate": False, "qualifiers": ["structureel"]}
    assert by_number["12"]["answer"]["extraction"]["amounts"][3]["euro"] == "10000"
    assert by_number["20"]["status_label"] == "geweigerd"
    assert by_number["28"]["data_view"] == "overlap"
    assert by_number["28"]["answer"]["extraction"]["cross_references"] == [
        {"raw": "Zie antwoord vraag 8", "targets": ["8"]}]
    assert by_number["9"]["answer"]["tables"] == ["a9-t1", "a9-t2", "a9-t3"]
    table = next(t for t in data["tables"] if t["id"] == "a11-t1")
    assert table["rows"][-1] == {"label": "Totaal", "group": None, "subgroup": None, "value": "155409",
                                 "euro": "155409000", "is_total": True}
    mismatch = next(f for f in data["findings"] if f["code"] == "document-stated-total-mismatch")
    assert mismatch["figures"]["computed"] == "74765000" and mismatch["figures"]["stated"] == "64300000"
    assert json.loads(runner.invoke(docs_app, ["parse", str(SEED), "--format", "json"]).stdout) == data
    assert runner.invoke(docs_app, ["parse", str(SEED), "--format", "json"]).stdout == result.stdout


def test_parse_table_output() -> None:
    result = runner.invoke(docs_app, ["parse", str(SEED)])
    assert result.exit_code == 0, result.output
    assert "beantwoord met cijfers" in result.stdout and "beantwoordbaar uit de data (overlap)" in result.stdout
    assert "Genoemd bedrag wijkt af van tabel" in result.stdout


def test_errors_go_to_stderr_with_the_document_exit_code(tmp_path: Path) -> None:
    fake = tmp_path / "antwoord.docx"
    fake.write_bytes(b"%PDF-1.4\n%%EOF\n")
    result = runner.invoke(docs_app, ["parse", str(fake), "--format", "json"])
    assert result.exit_code == 7
    assert result.stderr.startswith("Fout: ") and "pdf" in result.stderr
    assert result.stdout == ""
    empty = tmp_path / "leeg.txt"
    empty.write_text("")
    result = runner.invoke(docs_app, ["parse", str(empty)])
    assert result.exit_code == 7 and "leeg" in result.stderr
