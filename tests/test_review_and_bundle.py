"""Library functions both edges call (issue 15 part 2): recording a review decision (CLI `review`,
`review-mutation`; POST /api/review, /api/review/mutatie) and everything for one moment (CLI `export`, the report)."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from digibudget import review, store
from digibudget.analyze.bundle import moment_bundle
from digibudget.cli import app
from digibudget.errors import NotFoundError, UsageError

runner = CliRunner()


@pytest.fixture
def db(bundled_db: Path, tmp_path: Path) -> Path:
    shutil.copyfile(bundled_db, tmp_path / "db.duckdb")  # a copy: recording writes next to it
    return tmp_path / "db.duckdb"


def test_review_line_and_mutation_append_one_decision_each_by_stable_key(db: Path) -> None:
    con = store.connect(db)
    try:
        line_id, line_key = con.execute("SELECT line_id, line_key FROM budget_line ORDER BY line_id LIMIT 1"
                                        ).fetchone() or (None, None)
        mut_id, mut_key = con.execute("SELECT mutation_id, mutation_key FROM mutation ORDER BY mutation_id LIMIT 1"
                                      ).fetchone() or (None, None)
        theme = con.execute("SELECT DISTINCT theme FROM line_theme ORDER BY 1 LIMIT 1").fetchone()
        assert line_id is not None and mut_id is not None and theme is not None
        first = review.review_line(con, db, str(line_id), str(theme[0]), 0.5, "Kamerstuk 1", "tester", "2026-01-02")
        second = review.review_mutation(con, db, str(mut_id), "kasschuif", "Kamerbrief", "tester")
        with pytest.raises(UsageError):
            review.review_line(con, db, str(line_id), "geen-thema", 0.5, "x", "tester")
        with pytest.raises(NotFoundError):
            review.review_mutation(con, db, "999999999", "kasschuif", "x", "tester")
    finally:
        con.close()
    assert first.path == second.path == db.with_name("decisions.toml")
    assert (first.key, second.key) == (line_key, mut_key)
    data = tomllib.loads(first.path.read_text(encoding="utf-8"))
    assert [d["line_key"] for d in data["decision"]] == [line_key] and data["decision"][0]["weight"] == 0.5
    assert [m["mutation_key"] for m in data["mutation"]] == [mut_key]


def test_the_cli_records_through_the_library_and_rebuilds(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    mut_key = (con.execute("SELECT mutation_key FROM mutation WHERE counted ORDER BY mutation_key LIMIT 1")
               .fetchone() or [""])[0]
    con.close()
    out = runner.invoke(app, ["review-mutation", mut_key, "--soort", "taakstelling", "--reason", "Kamerbrief",
                              "--reviewer", "tester", "--db", str(db)])
    assert out.exit_code == 0, out.output
    assert f"Beoordeling vastgelegd in {db.with_name('decisions.toml')} voor {mut_key}" in " ".join(out.output.split())
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT DISTINCT soort, evidence_kind FROM mutation WHERE mutation_key = ?",
                           [mut_key]).fetchall() == [("taakstelling", "review")]
    finally:
        con.close()


def test_one_bundle_for_the_export_and_the_report(bundled_db: Path, tmp_path: Path) -> None:
    con = duckdb.connect(str(bundled_db), read_only=True)
    try:
        default = moment_bundle(con)
        asked = moment_bundle(con, default.moment)
    finally:
        con.close()
    assert default.window.standaard and not asked.window.standaard and default.moment == asked.moment
    assert default.lines.coverage is not None and default.lines.coverage.standaard
    assert [r.rows for r in default.results()] == [r.rows for r in asked.results()]
    out = runner.invoke(app, ["export", "--db", str(bundled_db), "--format", "datapackage", "-o", str(tmp_path / "dp")])
    assert out.exit_code == 0, out.output
    import json

    package = json.loads((tmp_path / "dp" / "datapackage.json").read_text(encoding="utf-8"))
    assert len(package["resources"]) >= len(default.results())
    assert package["toelichting"]["moment"] == default.moment
