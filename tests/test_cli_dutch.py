"""The command line speaks Dutch (issue 13, issue 15 part 3): Typer's and Click's own words around the help texts
and the errors of a wrong command line, and the messages of library errors shown by the CLI."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digibudget.cli import app, main
from digibudget.cli.click_nl import usage_error_nl

# what Typer/Click print in English around our texts
CLICK_WORDS = re.compile(r"Usage|Options\b|Commands\b|Arguments\b|Show this message|\bError\b|Missing|No such|"
                         r"Invalid value|Try '|for help|\[required\]|\[default|Possible options|Did you mean|"
                         r"unexpected extra|requires an? |<(str|int|float|bool|path)\b|Aborted|Input should")

CASES = {
    "help": (["--help"], 0, "Gebruik: digibudget [OPTIES] COMMANDO [ARGUMENTEN]..."),
    "table help": (["table", "--help"], 0, "Toon deze hulp en stop."),
    "bad option": (["table", "--bogus"], 2, "onbekende optie --bogus"),
    "missing argument": (["waterfall"], 2, "argument 'HOOFDSTUK' ontbreekt"),
    "missing option": (["review", "1", "--theme", "x"], 2, "optie '--weight' ontbreekt"),
    "no such command": (["tabel"], 2, "onbekend commando 'tabel'; bedoelt u 'table'?"),
    "invalid value": (["table", "--van", "abc"], 2, "ongeldige waarde voor '--van': verwacht een geheel getal"),
    "no value": (["table", "--format"], 2, "optie '--format' vraagt een waarde"),
    "bad choice": (["docs", "parse", "x.txt", "--format", "xml"], 2, "'xml' is geen van 'json', 'table'"),
    "extra arguments": (["moments", "a", "b"], 2, "onverwachte extra argumenten (a b)"),
    "sub-app help": (["fetch", "budget", "--help"], 0, "[verplicht]"),
}


def _installed(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run the installed entry point (digibudget.cli:main) in-process."""
    argv = sys.argv
    sys.argv = ["digibudget", *args]
    try:
        with pytest.raises(SystemExit) as stop:
            main()
    finally:
        sys.argv = argv
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out + out.err


@pytest.mark.parametrize("case", CASES)
def test_no_english_click_words_remain(case: str, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # no wrapping inside a phrase
    args, code, dutch = CASES[case]
    got, text = _installed(args, capsys)
    flat = " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())
    assert got == code, text
    assert dutch in flat, text
    assert CLICK_WORDS.findall(flat) == [], text
    via_runner = CliRunner().invoke(app, args, env={"COLUMNS": "200"})  # tests see the same words as users
    assert via_runner.exit_code == code and CLICK_WORDS.findall(via_runner.output) == [], via_runner.output


def test_an_unknown_usage_error_is_never_shown_in_english() -> None:
    assert usage_error_nl("Something new went wrong") == "deze opdrachtregel is niet te gebruiken; zie --help"
    assert usage_error_nl("Invalid value for '--x': some new reason") == \
        "ongeldige waarde voor '--x': deze waarde is niet geldig"


def test_short_help_texts_are_dutch_too() -> None:
    """Short English help ('Why.', 'Who decided.') that the general detector lets through."""
    from typer.main import get_command

    from digibudget.cli.help_nl import command_texts, dutch

    short = re.compile(r"\b(why|who|decided|what|how|when|where|which|or|an?|e\.g|watch|list)\b", re.I)
    assert [(w, t) for w, t in command_texts(dutch(get_command(app))) if short.search(t)] == []


def _raised_texts() -> list[tuple[str, str]]:
    """(where, text) of every literal message and 'expected' text of an error raised in the library: what the
    command line prints after 'Fout:' and the dashboard after its label. f-string placeholders count as names, not
    words."""
    import ast

    src = Path(__file__).resolve().parents[1] / "src" / "digibudget"

    def text(node: ast.expr) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            return " ".join(v.value if isinstance(v, ast.Constant) else "X" for v in node.values)
        if isinstance(node, ast.BinOp):
            return " ".join(t for t in (text(node.left), text(node.right)) if t)
        return None

    out: list[tuple[str, str]] = []
    for path in sorted(src.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            if not re.search(r"(Error|Refusal|Errors|_Retryable|_Fatal)$", name) or name in {
                    "ValueError", "TypeError", "KeyError", "OSError", "RuntimeError"}:
                continue
            args = [a for a in node.args[:1]] + [k.value for k in node.keywords if k.arg == "expected"]
            out += [(f"{path.relative_to(src)}:{node.lineno}", t) for t in map(text, args) if t]
    return out


def _english() -> Callable[[str], list[str]]:
    """The detector the dashboard's texts are held to (tests/web/test_dutch_text.py)."""
    sys.path.insert(0, str(Path(__file__).parent / "web"))
    from test_dutch_text import english

    return english  # type: ignore[no-any-return]


def test_library_error_texts_are_dutch() -> None:
    english = _english()
    texts = _raised_texts()
    assert len(texts) > 200
    strict = re.compile(r"\b(or|cannot|must|does|is not|failed|missing|unknown|invalid|got|needs|an?)\b", re.I)
    # names quoted in a message ('digibudget lines', 'value'), options (--output) and a setting or key in
    # parentheses ((needs)) are identifiers, not prose
    names = re.compile(r"'[^']*'|--[\w-]+|\(\w+\)")
    left = [(w, t) for w, t in texts if english(names.sub(" ", t)) or strict.search(names.sub(" ", t))]
    assert left == [], "write the message in Dutch (users read it after 'Fout:')"


def test_a_wrong_file_gives_one_dutch_line(tmp_path: Path) -> None:
    bad = tmp_path / "kapot.csv"
    bad.write_text("Hoofdstuk;Artikel\nVII;1;2;3\n", encoding="utf-8")
    empty = tmp_path / "leeg.txt"
    empty.write_text("  \n", encoding="utf-8")
    for args in (["ingest", str(bad)], ["ingest", str(tmp_path / "bestaat-niet.csv")], ["docs", "parse", str(empty)],
                 ["lines", "--fase", "XX"], ["explain", "1"], ["question", "a:b"]):
        out = CliRunner().invoke(app, [*args, "--db", str(tmp_path / "t.duckdb")] if args[0] != "docs" else args)
        line = " ".join(out.output.split())
        assert out.exit_code in {2, 3, 4, 7, 8} and line.startswith("Fout: "), (args, out.output)
        assert _english()(line) == [] and "expected" not in line, (args, line)


def test_document_findings_are_shown_in_dutch(tmp_path: Path) -> None:
    doc = tmp_path / "geen-vragen.txt"
    doc.write_text("Een tekst zonder vragen.\n", encoding="utf-8")
    out = CliRunner().invoke(app, ["docs", "parse", str(doc)])
    assert out.exit_code == 0 and "Geen vragen gevonden" in out.output, out.output
    assert _english()(" ".join(out.output.split()).split("Geen vragen gevonden")[1]) == [], out.output


def test_the_findings_of_the_bundled_data_read_in_dutch(bundled_db: Path) -> None:
    """Reader and check findings store some text figures in English (a reason, a decision); the CLI and the web
    show them through findings_nl in Dutch. Left out: a line key (names from the data) and the notes that
    data/gevolgen/tables_meta.json writes about a truncated table (data, not code)."""
    out = CliRunner().invoke(app, ["findings", "--db", str(bundled_db), "--format", "json"])
    assert out.exit_code == 0, out.output
    import json

    rows = json.loads(out.stdout)["rijen"]
    assert len(rows) > 1000
    english = _english()
    left = {(r["code"], r["melding"]) for r in rows
            if r["code"] not in {"duplicate-line", "truncated-table"} and english(r["melding"])}
    assert sorted(left)[:5] == []


def test_figure_texts_become_dutch_and_unknown_text_stays() -> None:
    from digibudget.findings_nl import figure_text_nl

    assert figure_text_nl("answer to question 9, sum of the rows of a9-t1") == \
        "antwoord op vraag 9, som van de rijen van a9-t1"
    assert figure_text_nl("row 2: Bedrag t 1234; row 3: Bedrag t 5") == "rij 2: Bedrag t 1234; rij 3: Bedrag t 5"
    assert figure_text_nl("V/U/O cell holds 'x'") == "de V/U/O-cel bevat 'x'"
    assert figure_text_nl("Digitale Overheid") == "Digitale Overheid"


def test_counts_in_the_update_summary_are_written_the_dutch_way(capsys: pytest.CaptureFixture[str]) -> None:
    from digibudget.cli.update import _LIMIT, _print_changes

    _print_changes([2031, "O2"], {"van": "O1 2031", "naar": "O2 2031",
                                  "secties": [("Nieuwe regels (naam)", 345), ("Mutaties", _LIMIT)]})
    text = " ".join(capsys.readouterr().err.split())
    assert "nieuwe regels: 345," in text and "mutaties: ten minste 1.000" in text, text
