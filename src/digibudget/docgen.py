"""Generate the reference docs that are data in the code: settings, the findings catalogue, the theme definitions
the data model and the command-line reference.

`python -m digibudget.docgen` rewrites docs/settings.md, docs/findings.md, docs/themes.md, docs/model.md and
docs/cli.md; a test fails when they differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .classify.rules import load_rules
from .duplicates import RULES_MD
from .findings import CATALOGUE
from .modeldoc import model_md
from .settings import SETTINGS, SETTINGS_FILE


def settings_md() -> str:
    out = ["# Settings", "",
           f"Each setting is read from the environment variable, else from `{SETTINGS_FILE}` (table "
           "`[digibudget]`) in the working folder, else its default. `digibudget settings` shows the values in "
           "force, with the Dutch explanation (`uitleg`, the last column here).", "",
           "| setting | environment variable | type | default | meaning | uitleg (shown by `digibudget settings`) |",
           "|---|---|---|---|---|---|"]
    for s in SETTINGS:
        out.append(f"| `{s.name}` | `{s.env_var}` | {s.type.__name__} | `{s.default}` | {s.help} | {s.uitleg} |")
    return "\n".join(out) + "\n"


def findings_md() -> str:
    out = ["# Findings catalogue", "",
           "Data-quality problems are findings, never silent: each has a stable code, a severity and a message. "
           "`digibudget findings` lists them with file, row and column; `--summary` counts them per code.", "",
           "| code | severity | title (shown to users) | message |", "|---|---|---|---|"]
    for ft in CATALOGUE.values():
        out.append(f"| `{ft.code}` | {ft.severity} | {ft.title} | {ft.template.replace('|', '/')} |")
    return "\n".join(out) + "\n\n" + RULES_MD


_KIND_TITLE = {"insluiting": "Insluitingen", "uitsluiting": "Uitsluitingen", "grensgeval": "Grensgevallen"}


def themes_md() -> str:
    """The written theme definitions (Dutch, as in themes.toml) and, per clause, the rules that implement it."""
    rules = load_rules()
    out = ["# Theme definitions", "",
           f"Generated from `src/digibudget/classify/themes.toml` (rules version {rules.version}) by "
           "`python -m digibudget.docgen`. The definitions are user-facing and therefore Dutch. Each clause is an "
           "inclusion (*insluiting*), an exclusion (*uitsluiting*, the false friends) or a borderline decision "
           "(*grensgeval*); every rule in `themes.toml` names the clause it implements (`clause`), and loading "
           "fails when a rule names an unknown clause. The hand-labelled evaluation sets in `data/evaluation/` are "
           "labelled against these definitions.", ""]
    for t in rules.themes:
        out += [f"## {t.label} (`{t.id}`)", "", t.definition or t.description, ""]
        for kind, title in _KIND_TITLE.items():
            clauses = [c for c in t.clauses if c.kind == kind]
            if not clauses:
                continue
            out += [f"**{title}**", "", "| clausule | tekst | regels |", "|---|---|---|"]
            for c in clauses:
                ids = ", ".join(f"`{r.id}`" for r in rules.rules if r.clause == c.id) or "-"
                out.append(f"| `{c.id}` | {c.text.replace('|', '/')} | {ids} |")
            out.append("")
    return "\n".join(out)


def cli_md() -> str:
    """The command-line reference, generated from the Typer app (the command line builds it: cli/reference.py)."""
    from .cli.reference import cli_md as generate

    return generate()


GENERATED = {"settings.md": settings_md, "findings.md": findings_md, "themes.md": themes_md, "model.md": model_md,
             "cli.md": cli_md}


def main(argv: list[str] | None = None) -> int:
    docs = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "docs"
    docs.mkdir(exist_ok=True)
    for name, fn in GENERATED.items():
        (docs / name).write_text(fn(), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
