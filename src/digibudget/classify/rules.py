"""Load and validate the rule files shipped with the package (or given by a user)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import RuleError, reason
from ..vocab import themes_text

FIELDS = ("regeling", "detail", "instrument_raw", "artikelonderdeel_naam", "artikel_naam")
CLAUSE_KINDS = ("insluiting", "uitsluiting", "grensgeval")


@dataclass(frozen=True)
class Clause:
    """One clause of a theme's written definition; every rule names the clause it implements."""

    id: str
    kind: str  # insluiting | uitsluiting | grensgeval
    text: str  # Dutch


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str
    definition: str = ""  # Dutch, the written definition (docs/themes.md)
    clauses: tuple[Clause, ...] = ()


@dataclass(frozen=True)
class Rule:
    id: str
    theme: str
    kind: str  # "rule" (own text) | "context" (text of the rows above)
    fields: tuple[str, ...]
    pattern: str
    unless: str | None
    unless_line: str | None
    weight: float
    confidence: float
    note: str
    clause: str = ""  # id of the definition clause the rule implements
    only_line: str | None = None  # the rule applies only when this matches some text of the line


@dataclass(frozen=True)
class Executor:
    id: str
    name: str
    type: str
    aliases: str


@dataclass(frozen=True)
class RuleSet:
    version: str
    themes: tuple[Theme, ...]
    rules: tuple[Rule, ...]
    executors: tuple[Executor, ...]
    executors_version: str

    def theme_ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise RuleError(f"onbekende regel {rule_id!r}")


def _read(path: Path | None, default: str) -> tuple[dict[str, Any], str]:
    if path is None:
        text = resources.files("digibudget.classify").joinpath(default).read_text(encoding="utf-8")
        where = f"digibudget/classify/{default}"
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RuleError(f"regelbestand {path} is niet te lezen: {reason(exc)}") from exc
        where = str(path)
    try:
        return tomllib.loads(text), where
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{where}: {reason(exc)}") from exc


def _regex(value: Any, where: str, what: str, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise RuleError(f"{where}: {what} moet een niet-lege tekst zijn")
    try:
        re.compile(value)
    except re.error as exc:
        raise RuleError(f"{where}: {what} is geen geldige reguliere expressie (positie {exc.pos})") from exc
    if re.search(r"\(\?[=!<]", value):
        raise RuleError(f"{where}: {what} gebruikt een look-around, die de RE2-engine van de database niet kent")
    return value


def _clauses(t: dict[str, Any], where: str, seen: set[str]) -> tuple[Clause, ...]:
    out: list[Clause] = []
    for i, c in enumerate(t.get("clause", [])):
        at = f"{where} [[theme]] {t.get('id')!r} clause #{i + 1}"
        cid, kind, text = str(c.get("id", "")), str(c.get("kind", "")), str(c.get("text", "")).strip()
        if not cid or cid in seen:
            raise RuleError(f"{at}: elke clausule heeft een eigen id nodig")
        if kind not in CLAUSE_KINDS:
            raise RuleError(f"{at}: soort {kind!r} is niet toegestaan", expected=", ".join(CLAUSE_KINDS))
        if not text:
            raise RuleError(f"{at}: tekst (text) is verplicht")
        seen.add(cid)
        out.append(Clause(cid, kind, text))
    return tuple(out)


def _themes(data: dict[str, Any], where: str) -> tuple[Theme, ...]:
    seen: set[str] = set()
    themes = tuple(Theme(str(t["id"]), str(t.get("label", t["id"])), str(t.get("description", "")),
                         str(t.get("definition", "")).strip(), _clauses(t, where, seen))
                   for t in data.get("theme", []))
    if not themes:
        raise RuleError(f"{where}: geen [[theme]] gedeclareerd")
    return themes


def _clause_of(r: dict[str, Any], themes: tuple[Theme, ...], at: str) -> str:
    """The clause a rule names must exist and belong to the rule's theme (when the themes define clauses)."""
    cid = str(r.get("clause", ""))
    own = {c.id for t in themes if t.id == r.get("theme") for c in t.clauses}
    if not any(t.clauses for t in themes) and not cid:
        return ""
    if cid not in own:
        raise RuleError(f"{at}: clausule {cid!r} hoort niet bij thema {r.get('theme')!r}",
                        expected=", ".join(sorted(own)) or "een [[theme.clause]] van dat thema")
    return cid


def load_rules(themes_file: Path | None = None, executors_file: Path | None = None) -> RuleSet:
    """The rules of ``themes_file``, else of the themes file in force (the setting themes_file, else the shipped
    one), with the executors."""
    text, where = themes_text(themes_file)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{where}: {reason(exc)}") from exc
    themes = _themes(data, where)
    theme_ids = {t.id for t in themes}
    rules: list[Rule] = []
    seen: set[str] = set()
    for kind, key in (("rule", "rule"), ("context", "context")):
        for i, r in enumerate(data.get(key, [])):
            rid = str(r.get("id", ""))
            at = f"{where} [[{key}]] #{i + 1} ({rid or 'zonder id'})"
            if not rid or rid in seen:
                raise RuleError(f"{at}: elke regel heeft een eigen id nodig")
            seen.add(rid)
            if r.get("theme") not in theme_ids:
                raise RuleError(f"{at}: thema {r.get('theme')!r} is niet gedeclareerd", expected=", ".join(theme_ids))
            fields = tuple(r.get("fields", []))
            bad = [f for f in fields if f not in FIELDS]
            if not fields or bad:
                raise RuleError(f"{at}: velden (fields) {bad or fields} niet toegestaan", expected=", ".join(FIELDS))
            weight, confidence = float(r.get("weight", 1.0)), float(r.get("confidence", 1.0))
            if not (0 < weight <= 1 and 0 < confidence <= 1):
                raise RuleError(f"{at}: gewicht (weight) en zekerheid (confidence) moeten in (0, 1] liggen")
            rules.append(Rule(rid, str(r["theme"]), kind, fields, str(_regex(r.get("pattern"), at, "pattern")),
                              _regex(r.get("unless"), at, "unless", required=False),
                              _regex(r.get("unless_line"), at, "unless_line", required=False),
                              weight, confidence, str(r.get("note", "")), _clause_of(r, themes, at),
                              _regex(r.get("only_line"), at, "only_line", required=False)))
    edata, ewhere = _read(executors_file, "executors.toml")
    executors: list[Executor] = []
    for i, e in enumerate(edata.get("executor", [])):
        at = f"{ewhere} [[executor]] #{i + 1}"
        if not e.get("id") or not e.get("name"):
            raise RuleError(f"{at}: id en name zijn verplicht")
        executors.append(Executor(str(e["id"]), str(e["name"]), str(e.get("type", "")),
                                  str(_regex(e.get("aliases"), at, "aliases"))))
    return RuleSet(str(data.get("version", "unversioned")), themes, tuple(rules), tuple(executors),
                   str(edata.get("version", "unversioned")))
