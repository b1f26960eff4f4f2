"""Security of what exists: no SQL built from user input, hostile filters do no damage, CSV output defuses
spreadsheet formulas, and hostile text is stored and returned as plain text (escaping belongs to HTML output)."""

from __future__ import annotations

import ast
import csv
import inspect
import io
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from robustness_helpers import snapshot
from typer.testing import CliRunner

from digibudget import ingest, output, queries, store
from digibudget.cli import app
from digibudget.errors import NotFoundError, UsageError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BUDGET = FIXTURES / "budget"
HOSTILE = ["'; DROP TABLE amount; --", "VII' OR '1'='1", '" OR 1=1 --', "%", "_", "\\", "VII; DELETE FROM source",
           "' UNION SELECT sha256, path FROM source --", "é€😀", "a" * 10_000, "?", "$1", "); DROP TABLE source; (",
           "\x00"]
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"klik\")", "+31 20 123", "-1+2", "@SUM(A1:A9)"]
SCRIPT = "<script>alert(1)</script>"
runner = CliRunner()


def _built_from_constants(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """An f-string, .format() or % in queries.py may only build an error message."""
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.Raise):
            return True
    return False


def test_queries_build_no_sql_from_input() -> None:
    tree = ast.parse(Path(inspect.getfile(queries)).read_text(encoding="utf-8"))
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    suspicious = [n for n in ast.walk(tree)
                  if isinstance(n, ast.JoinedStr)
                  or (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "format")
                  or (isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mod) and isinstance(n.left, ast.Constant))]
    offenders = [ast.get_source_segment(Path(inspect.getfile(queries)).read_text(encoding="utf-8"), n)
                 for n in suspicious if not _built_from_constants(n, parents)]
    assert offenders == [], "SQL must take user input as ? parameters"


@pytest.fixture(scope="module")
def loaded() -> duckdb.DuckDBPyConnection:
    con = store.connect(":memory:")
    ingest.ingest(con, [BUDGET])
    return con


def _query_functions() -> list[tuple[str, inspect.Signature]]:
    out = []
    for name, fn in inspect.getmembers(queries, inspect.isfunction):
        if name.startswith("_") or fn.__module__ != queries.__name__:
            continue
        sig = inspect.signature(fn)
        params = list(sig.parameters.values())
        if params and params[0].name == "con":
            out.append((name, sig))
    return out


def test_hostile_filters_in_every_query_do_no_damage(loaded: duckdb.DuckDBPyConnection) -> None:
    before = snapshot(loaded)
    tried = 0
    for name, sig in _query_functions():
        text_params = [p for p in list(sig.parameters.values())[1:] if "str" in str(p.annotation)]
        for param in text_params:
            for hostile in HOSTILE:
                fn = getattr(queries, name)
                try:
                    if param.kind is inspect.Parameter.KEYWORD_ONLY:
                        result = fn(loaded, **{param.name: hostile})
                    else:
                        result = fn(loaded, hostile)
                except (UsageError, NotFoundError):
                    pass
                else:
                    if isinstance(result, queries.Result) and param.name in {"hoofdstuk", "artikel", "code"}:
                        assert result.rows == [], (name, param.name, hostile)
                tried += 1
    assert tried >= 3 * len(HOSTILE)
    assert snapshot(loaded) == before
    assert loaded.execute("SELECT count(*) FROM amount").fetchone() != (0,)


def test_hostile_filters_through_the_cli(tmp_path: Path) -> None:
    db = str(tmp_path / "t.duckdb")
    assert runner.invoke(app, ["ingest", str(BUDGET), "--db", db]).exit_code == 9  # 9: btabel's unreadable cell
    con = duckdb.connect(db, read_only=True)
    before = snapshot(con)
    con.close()
    for hostile in HOSTILE[:8]:
        out = runner.invoke(app, ["lines", "--db", db, "--hoofdstuk", hostile, "--artikel", hostile,
                                  "--format", "json"])
        assert out.exit_code == 0, out.output
        assert json.loads(out.stdout)["rijen"] == []
        out = runner.invoke(app, ["lines", "--db", db, "--fase", hostile])
        assert out.exit_code == 2 and "Fout:" in out.output and "Traceback" not in out.output
    con = duckdb.connect(db, read_only=True)
    assert snapshot(con) == before
    con.close()


def _hostile_btabel(folder: Path) -> tuple[Path, dict[int, str]]:
    """The real B-tabel excerpt with formulas and a script as 'Uitsplitsing' of four detail lines, saved under a
    file name that is itself a formula."""
    rows = list(csv.reader(io.StringIO((BUDGET / "btabel_2015_excerpt.csv").read_text(encoding="utf-8"))))
    col = next(i for i, h in enumerate(rows[0]) if h.startswith("Uitsplitsing"))
    placed: dict[int, str] = {}
    for text, row in zip([*FORMULAS, SCRIPT], (3, 4, 5, 7, 8), strict=True):
        assert rows[row - 1][col], row  # a detail line: its regeling is this cell
        rows[row - 1][col] = text
        placed[row] = text
    path = folder / "@btabel.csv"
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path, placed


def test_hostile_descriptions_are_plain_text_in_json_and_defused_in_csv(tmp_path: Path) -> None:
    path, placed = _hostile_btabel(tmp_path)
    db = str(tmp_path / "t.duckdb")
    assert runner.invoke(app, ["ingest", str(path), "--db", db]).exit_code == 9  # the excerpt's unreadable cell
    args = ["lines", "--db", db, "--jaar", "2015", "--fase", "OWB"]
    as_json = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)["rijen"]
    as_csv = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "--format", "csv"]).stdout)))
    by_row_json = {r["rij"]: r for r in as_json}
    by_row_csv = {int(r["rij"]): r for r in as_csv}
    for row, text in placed.items():
        assert by_row_json[row]["regeling"] == text  # stored and returned exactly, script tags included
        assert by_row_json[row]["bron"] == "@btabel.csv"
        cell = by_row_csv[row]["regeling"]
        assert cell == ("'" + text if text[0] in "=+-@" else text), cell  # a spreadsheet shows it, never runs it
        assert by_row_csv[row]["bron"] == "'@btabel.csv"
    stored = duckdb.connect(db, read_only=True)
    assert stored.execute("SELECT count(*) FROM budget_line WHERE regeling = ?", [SCRIPT]).fetchone() == (1,)
    stored.close()


def test_csv_safe_covers_every_formula_start() -> None:
    for text in [*FORMULAS, "\tx", "\rx"]:
        assert output.csv_safe(text) == "'" + text
    assert output.csv_safe(SCRIPT) == SCRIPT
    assert output.csv_safe(-5) == -5


def test_negative_amounts_stay_numbers_in_csv() -> None:
    from decimal import Decimal

    text = output.to_csv(queries.Result(["bedrag"], [(Decimal("-30420"),)]))
    assert text.splitlines()[1] == "-30420"


def test_a_hostile_file_name_is_data_not_sql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    quoted_tmp = tmp_path / "it's; DROP TABLE source; --"  # the ingest's own temporary files land here
    quoted_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(quoted_tmp))
    name = "x'); DROP TABLE amount; --.csv"
    path = tmp_path / name
    shutil.copy(BUDGET / "begrotingsstaten_2019-2020_VI_VII.csv", path)
    con = store.connect(":memory:")
    ingest.ingest(con, [path])
    assert con.execute("SELECT file_name FROM source").fetchall() == [(name,)]
    assert con.execute("SELECT count(*) FROM amount").fetchone() != (0,)
