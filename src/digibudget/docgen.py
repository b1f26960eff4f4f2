"""Generate the reference docs that are data in the code: settings and the findings catalogue.

`python -m digibudget.docgen` rewrites docs/settings.md and docs/findings.md; a test fails when they differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .duplicates import RULES_MD
from .findings import CATALOGUE
from .settings import SETTINGS, SETTINGS_FILE


def settings_md() -> str:
    out = ["# Settings", "",
           f"Each setting is read from the environment variable, else from `{SETTINGS_FILE}` (table "
           "`[digibudget]`) in the working folder, else its default. `digibudget settings` shows the values in "
           "force.", "", "| setting | environment variable | type | default | meaning |", "|---|---|---|---|---|"]
    for s in SETTINGS:
        out.append(f"| `{s.name}` | `{s.env_var}` | {s.type.__name__} | `{s.default}` | {s.help} |")
    return "\n".join(out) + "\n"


def findings_md() -> str:
    out = ["# Findings catalogue", "",
           "Data-quality problems are findings, never silent: each has a stable code, a severity and a message. "
           "`digibudget findings` lists them with file, row and column; `--summary` counts them per code.", "",
           "| code | severity | title (shown to users) | message |", "|---|---|---|---|"]
    for ft in CATALOGUE.values():
        out.append(f"| `{ft.code}` | {ft.severity} | {ft.title} | {ft.template.replace('|', '/')} |")
    return "\n".join(out) + "\n\n" + RULES_MD


GENERATED = {"settings.md": settings_md, "findings.md": findings_md}


def main(argv: list[str] | None = None) -> int:
    docs = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "docs"
    docs.mkdir(exist_ok=True)
    for name, fn in GENERATED.items():
        (docs / name).write_text(fn(), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
