"""Adding a theme is a change to themes.toml alone: a copy with one more theme, named by the setting themes_file,
shows the theme in the CLI choices, the API enum (OpenAPI) and the generated theme docs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

NEW_THEME = '''

[[theme]]
id = "open_data"
label = "Open data"
description = "Het openbaar maken van overheidsgegevens."
definition = "Uitgaven aan het openbaar en herbruikbaar maken van overheidsgegevens."

[[theme.clause]]
id = "od-1"
kind = "insluiting"
text = "Open-dataportalen en het publiceren van datasets."
'''


@pytest.fixture(scope="module")
def themes_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    shipped = resources.files("digibudget.classify").joinpath("themes.toml").read_text(encoding="utf-8")
    # keep the file's order: the themes, then the rules
    head, sep, rules = shipped.partition("\n[[rule]]")
    path = tmp_path_factory.mktemp("themes") / "themes.toml"
    path.write_text(head + NEW_THEME + sep + rules, encoding="utf-8")
    return {**os.environ, "DIGIBUDGET_THEMES_FILE": str(path), "COLUMNS": "200"}


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(list(args), env=env, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def _run(env: dict[str, str], *args: str) -> str:
    return _cli(env, sys.executable, *args)


def test_the_new_theme_is_a_cli_choice(themes_env: dict[str, str]) -> None:
    cli = str(Path(sys.executable).with_name("digibudget"))
    assert "open_data" in _cli(themes_env, cli, "table", "--help")
    assert "open_data" not in _cli({**themes_env, "DIGIBUDGET_THEMES_FILE": ""}, cli, "table", "--help")


def test_the_new_theme_is_in_the_api_enum(themes_env: dict[str, str], tmp_path: Path) -> None:
    code = ("import json; from digibudget.web.app import create_app; "
            f"print(json.dumps(create_app({str(tmp_path / 'x.duckdb')!r}).openapi()['components']['schemas']))")
    schemas = json.loads(_run(themes_env, "-c", code))
    assert "open_data" in schemas["Thema"]["enum"]
    assert schemas["Thema"]["enum"][:1] == ["digitalisering"]


def test_the_new_theme_is_in_the_generated_docs(themes_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from digibudget import docgen, vocab

    monkeypatch.setenv("DIGIBUDGET_THEMES_FILE", themes_env["DIGIBUDGET_THEMES_FILE"])
    text = docgen.themes_md()
    assert "## Open data (`open_data`)" in text and "`od-1`" in text
    assert vocab.theme_ids()[-1] == "open_data"


def test_a_broken_settings_file_is_reported_not_raised_at_import(tmp_path: Path) -> None:
    """The theme choices are built at import; a broken settings file must still reach the Dutch error edge."""
    (tmp_path / "digibudget.toml").write_text("[digibudget]\nbogus = 1\n", encoding="utf-8")
    cli = str(Path(sys.executable).with_name("digibudget"))
    done = subprocess.run([cli, "settings"], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in done.stderr and "Fout" in done.stdout + done.stderr and done.returncode != 0
