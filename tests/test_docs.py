"""The README, the docs and --help must not drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from typer.main import get_command

from digibudget.cli import app
from digibudget.findings import CATALOGUE
from digibudget.settings import SETTINGS

REPO = Path(__file__).resolve().parents[1]


def _commands() -> list[str]:
    root = get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    names: list[str] = []
    for name, cmd in root.commands.items():
        names.append(name)
        if isinstance(cmd, typer.core.TyperGroup):
            names.extend(f"{name} {sub}" for sub in cmd.commands)
    return names


def test_every_cli_command_is_documented() -> None:
    doc = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = [c for c in _commands() if f"digibudget {c}" not in doc]
    assert missing == []


def test_every_setting_is_documented() -> None:
    doc = (REPO / "docs" / "settings.md").read_text(encoding="utf-8")
    for s in SETTINGS:
        assert f"`{s.name}`" in doc and s.env_var in doc, s.name


def test_every_finding_code_is_documented() -> None:
    doc = (REPO / "docs" / "findings.md").read_text(encoding="utf-8")
    assert sorted(c for c in CATALOGUE if f"`{c}`" not in doc) == []


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_screen = "\n".join(readme.splitlines()[:40])
    assert "./dev demo" in first_screen and "./dev test" in first_screen
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^\./dev test\b", ci, re.M)


def test_generated_docs_are_current() -> None:
    from digibudget.docgen import GENERATED

    for name, fn in GENERATED.items():
        assert (REPO / "docs" / name).read_text(encoding="utf-8") == fn(), f"run python -m digibudget.docgen ({name})"
