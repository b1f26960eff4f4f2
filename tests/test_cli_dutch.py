"""The command line speaks Dutch (issue 13, issue 15 part 3): Typer's and Click's own words around the help texts
and the errors of a wrong command line, and the messages of library errors shown by the CLI."""

from __future__ import annotations

import re
import sys

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
    "missing argument": (["waterfall"], 2, "argument 'hoofdstuk' ontbreekt"),
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
