"""Figure-backed draft answers to factual questions (issue 14): from what a question names to an analysis, and from
the analysis to a short Dutch answer where every figure carries its source cell, its budget moment and how sure it is.

1. ``entities``: what the question names: a post (a quoted name, or 'de post ...', found among the loaded lines), an
   executor (classify/executors.toml), an article or artikelonderdeel, a chapter (a Roman numeral, 'H7', or a
   ministry's abbreviation or name), a theme, years, a budget moment ('2e suppletoire 2022', 'ontwerpbegroting 2025').
2. ``decide``: the first rule of draft_rules.toml (by priority) whose pattern and needs hold; the matched text is the
   evidence.
3. the analysis (parliament.draft_analyses) writes the answer; what the data cannot answer is said plainly.
4. ``compare``: the amounts of the published answer, if any, against the draft's figures.
"""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path

import duckdb

from ..classify.rules import load_rules
from ..errors import RuleError, reason
from ..vocab import FASE_WORDS
from .draft_analyses import run
from .draft_model import (
    ANALYSES,
    NEEDS,
    STATUS_NO_FIGURES,
    STATUS_NOT_ANSWERABLE,
    STATUS_WITH_FIGURES,
    Draft,
    DraftRule,
    Entities,
    Figure,
    norm,
)
from .link import tolerance
from .model import Document, Question
from .refs import find_budget_locations, find_years

__all__ = ["ANALYSES", "MINISTRIES", "NEEDS", "STATUS_NOT_ANSWERABLE", "STATUS_NO_FIGURES", "STATUS_WITH_FIGURES",
           "Draft", "DraftRule", "Entities", "Figure", "compare", "decide", "draft_document", "entities",
           "load_draft_rules", "norm", "published_amounts"]

# ministries (abbreviation or name in lower case) -> begrotingshoofdstuk
MINISTRIES: dict[str, str] = {
    "az": "III", "algemene zaken": "III", "bz": "V", "buza": "V", "buitenlandse zaken": "V", "jenv": "VI",
    "justitie en veiligheid": "VI", "veiligheid en justitie": "VI", "bzk": "VII",
    "binnenlandse zaken": "VII", "ocw": "VIII", "onderwijs, cultuur en wetenschap": "VIII", "fin": "IXB",
    "financien": "IXB", "defensie": "X", "ienw": "XII", "infrastructuur en waterstaat": "XII", "ezk": "XIII",
    "ez": "XIII", "economische zaken": "XIII", "lnv": "XIV", "lvvn": "XIV", "szw": "XV",
    "sociale zaken en werkgelegenheid": "XV", "vws": "XVI", "volksgezondheid, welzijn en sport": "XVI",
}
_QUOTED = re.compile(r"[‘'\"“]([^’'\"”]{3,80})[’'\"”]")
_POST = re.compile(r"\b(?:de |het )?(?:post|regeling|budget voor|middelen voor|bijdrage aan)\s+(?:de |het )?"
                   r"([A-Z][\w\- ]{2,60}?)(?=\s*(?:\(|\?|,|\.|$| van | in | op | naar | voor ))")
_CHAPTER = re.compile(r"\b(?:hoofdstuk|H)\s?(?P<h>[IVX]{1,5}[AB]?|\d{1,2})\b")


def load_draft_rules(path: Path | None = None) -> tuple[str, list[DraftRule]]:
    """The rules, validated (unknown analysis or need, bad pattern: RuleError), highest priority first."""
    text = path.read_text(encoding="utf-8") if path else \
        resources.files("digibudget.parliament").joinpath("draft_rules.toml").read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"draft_rules.toml: {reason(exc)}") from exc
    rules: list[DraftRule] = []
    for i, r in enumerate(data.get("rule", [])):
        at = f"draft_rules.toml [[rule]] #{i + 1} ({r.get('id', '?')})"
        if r.get("analyse") not in ANALYSES:
            raise RuleError(f"{at}: onbekende analyse {r.get('analyse')!r}", expected=", ".join(ANALYSES))
        needs = tuple(r.get("needs", ()))
        if any(n not in NEEDS for n in needs):
            raise RuleError(f"{at}: onbekende voorwaarde (needs) in {needs}", expected=", ".join(NEEDS))
        try:
            pattern = re.compile(r["pattern"]) if r.get("pattern") else None
            unless = re.compile(r["unless"]) if r.get("unless") else None
        except re.error as exc:
            raise RuleError(f"{at}: ongeldig patroon (positie {exc.pos})") from exc
        rules.append(DraftRule(str(r["id"]), str(r.get("label", r["id"])), str(r["analyse"]),
                               int(r.get("priority", 0)), pattern, unless, needs))
    return str(data.get("version", "")), sorted(rules, key=lambda x: -x.priority)


def _known_post(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    row = con.execute("""SELECT count(*) FROM budget_line WHERE duplicate_of IS NULL AND strip_accents(lower(
        concat_ws(' ', regeling, detail, artikelonderdeel_naam))) LIKE '%' || strip_accents(lower(?)) || '%'""",
                      [name.strip()]).fetchone()
    return bool(row and row[0])


def entities(con: duckdb.DuckDBPyConnection, text: str) -> Entities:
    """What the question names (see the module docstring); a post counts only when a loaded line carries it."""
    low = norm(text)
    ent = Entities()
    for m in [*_QUOTED.finditer(text), *_POST.finditer(text)]:
        name = m.group(1).strip(" .")
        if name and name not in ent.posts and _known_post(con, name):
            ent.posts.append(name)
    rules = load_rules()
    for e in rules.executors:
        if re.search(e.aliases, low) and (e.id, e.name) not in ent.executors:
            ent.executors.append((e.id, e.name))
    for loc in find_budget_locations(text):
        ent.locations.append((loc.hoofdstuk, loc.artikel, loc.artikelonderdeel))
    for m in re.finditer(r"artikelonderdeel\s+(\d+)\.(\d+)", low):
        if not any(a == m.group(1) and o == m.group(2) for _, a, o in ent.locations):
            ent.locations.append((None, m.group(1), m.group(2)))
    for key, h in MINISTRIES.items():
        if re.search(r"(?<![\w-])" + re.escape(key) + r"(?![\w-])", low) and h not in ent.hoofdstukken:
            ent.hoofdstukken.append(h)
    for m in _CHAPTER.finditer(text):
        h = m.group("h")
        h = _roman(int(h)) if h.isdigit() else h
        if h not in ent.hoofdstukken:
            ent.hoofdstukken.append(h)
    for t in rules.themes:
        words = {"digitalisering": r"digitaliser|digitale overheid", "cyberveiligheid": r"cyber",
                 "digitale_infrastructuur": r"digitale infrastructuur|telecom|breedband|connectiviteit",
                 "informatiehuishouding": r"informatiehuishouding|archie|openbaarheid|\bwoo\b"}.get(t.id, norm(t.label))
        if re.search(words, low):
            ent.themes.append(t.id)
    ent.years = sorted(set(find_years(text)))
    for pattern, fase in FASE_WORDS:
        found = re.search(r"(?:" + pattern + r")\D{0,25}((?:19|20)\d{2})", low)
        if found:
            ent.moment = (int(found.group(found.lastindex or 1)), fase)
            if low.count(str(ent.moment[0])) == 1:  # the year names the moment, not the money asked about
                ent.years = [y for y in ent.years if y != ent.moment[0]]
            break
    _settle_locations(ent)
    return ent


def _settle_locations(ent: Entities) -> None:
    """'artikel 6' next to 'H7 artikel 6' is one place; a place without a chapter takes the one chapter named."""
    placed = {(a, o) for h, a, o in ent.locations if h}
    settled: list[tuple[str | None, str, str | None]] = []
    for h, a, o in ent.locations:
        if not h and (a, o) in placed:
            continue
        if not h and len(ent.hoofdstukken) == 1:
            h = ent.hoofdstukken[0]
        if (h, a, o) not in settled:
            settled.append((h, a, o))
    ent.locations = settled


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += sym
            n -= value
    return out


def decide(rules: list[DraftRule], text: str, ent: Entities) -> tuple[DraftRule, str]:
    """The first rule that holds, and its evidence (the matched text and the entities it needed)."""
    low = norm(text)
    for rule in rules:
        m = rule.pattern.search(low) if rule.pattern else None
        if rule.pattern and not m:
            continue
        if rule.unless and rule.unless.search(low):
            continue
        if not all(ent.has(n) for n in rule.needs):
            continue
        said = [f"'{m.group(0)}'"] if m else []
        said += [f"{n}: {_entity_text(ent, n)}" for n in rule.needs]
        return rule, "; ".join(said) or "geen andere regel van toepassing"
    raise RuleError("draft_rules.toml heeft geen regel die altijd geldt",
                    expected="een laatste regel zonder voorwaarden")


def _entity_text(ent: Entities, need: str) -> str:
    if need == "post":
        return ", ".join(ent.posts)
    if need == "uitvoerder":
        return ", ".join(name for _, name in ent.executors)
    if need == "locatie":
        return ", ".join(f"{h or '?'} art. {a}{'.' + o if o else ''}" for h, a, o in ent.locations)
    if need == "hoofdstuk":
        return ", ".join(ent.hoofdstukken)
    return ", ".join(ent.themes)


def published_amounts(doc: Document, q: Question) -> list[tuple[str, Decimal]]:
    """The amounts of the published answer (in euros), if the document has one."""
    answer = next((a for a in doc.answers if a.id == q.answer_id), None)
    return [(a.raw, a.value) for a in answer.extraction.amounts] if answer else []


def compare(draft: Draft, reach: str = "") -> None:
    """Which published amounts the draft states too (within half a unit of how they were written); ``reach`` says
    up to which moment the loaded data goes, for the explanation."""
    draft.matched = [raw for raw, value in draft.published
                     if any(abs(f.value_eur - value) <= tolerance(value, raw) for f in draft.figures)]
    if not draft.published:
        draft.remark = "het gepubliceerde antwoord noemt geen bedragen" if draft.published is not None else ""
    elif len(draft.matched) == len(draft.published):
        draft.remark = "alle gepubliceerde bedragen staan ook in het concept"
    elif not draft.figures:
        about = f" (de vraag noemt {', '.join(map(str, draft.entities.years))})" if draft.entities.years else ""
        draft.remark = ("de gepubliceerde bedragen komen niet uit een geladen bron: de data heeft geen cijfers voor "
                        f"wat de vraag noemt{about}" + (f"; {reach}" if reach else ""))
    else:
        moments = sorted({f.moment for f in draft.figures})
        draft.remark = (f"{len(draft.matched)} van {len(draft.published)} gepubliceerde bedragen ook in het concept; "
                        f"het concept gebruikt {', '.join(moments)}, het antwoord gaat over een ander moment of "
                        f"ander niveau" + (f"; {reach}" if reach else ""))


def draft_document(con: duckdb.DuckDBPyConnection, doc: Document, *, rules_path: Path | None = None) -> list[Draft]:
    """A draft for every question of ``doc``."""
    _, rules = load_draft_rules(rules_path)
    reach = _reach(con)
    drafts: list[Draft] = []
    for q in doc.questions:
        ent = entities(con, q.text)
        rule, evidence = decide(rules, q.text, ent)
        d = Draft(q.number, q.text, rule, evidence, ent, published=published_amounts(doc, q))
        run(con, d)
        compare(d, reach)
        drafts.append(d)
    return drafts


def _reach(con: duckdb.DuckDBPyConnection) -> str:
    """'de geladen data reikt tot ...': the latest loaded moment, and the latest broad one."""
    from ..analyze.coverage import default_moment, moment_label
    from ..vocab import publication_key

    rows = con.execute("SELECT DISTINCT moment_jaar, fase FROM fact").fetchall()
    if not rows:
        return "er is geen begrotingsdata geladen"
    latest = max(((int(r[0]), str(r[1])) for r in rows), key=lambda m: publication_key(*m))
    broad = default_moment(con)
    return (f"de geladen data reikt tot {moment_label(*latest)}"
            + (f" (met brede dekking tot {moment_label(*broad)})" if broad and broad != latest else ""))
