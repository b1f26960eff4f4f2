"""Why a line got, or did not get, each theme: the rules that matched, the false friends that vetoed a rule,
context inherited from the rows above, and reviewed decisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from ..errors import NotFoundError
from ..vocab import SOURCE_NEWNESS_SQL
from .rules import RuleSet, load_rules


@dataclass
class ThemeVerdict:
    theme: str
    label: str
    weight: float = 0.0
    confidence: float = 0.0
    counted: bool = False
    basis: str = ""
    evidence: list[dict[str, Any]] = field(default_factory=list)
    vetoed: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Explanation:
    line: dict[str, Any]
    texts: list[tuple[str, str, str]]  # field, scope, text
    verdicts: list[ThemeVerdict]
    executors: list[tuple[str, str, str]]
    rules_version: str


def resolve_line(con: duckdb.DuckDBPyConnection, ref: str) -> int:
    """A line id, or a line key (the line with that key in the newest publication, never the one loaded last)."""
    if ref.isdigit():
        row = con.execute("SELECT line_id FROM budget_line WHERE line_id = ?", [int(ref)]).fetchone()
    else:
        row = con.execute(f"""SELECT l.line_id FROM budget_line l JOIN ({SOURCE_NEWNESS_SQL}) o USING (source_id)
                               WHERE l.line_key = ? ORDER BY o.newness DESC, l.line_id DESC LIMIT 1""",  # noqa: S608
                          [ref]).fetchone()
    if not row or row[0] is None:
        raise NotFoundError(f"geen begrotingsregel {ref!r}",
                            expected="een regel-id (zie 'digibudget lines') of een regelsleutel")
    return int(row[0])


def explain(con: duckdb.DuckDBPyConnection, ref: str, rules: RuleSet | None = None) -> Explanation:
    rules = rules or load_rules()
    line_id = resolve_line(con, ref)
    cur = con.execute("""SELECT l.*, s.file_name FROM budget_line l JOIN source s USING (source_id)
                         WHERE line_id = ?""", [line_id])
    cols = [d[0] for d in cur.description]
    row = cur.fetchone()
    assert row is not None
    line = dict(zip(cols, row, strict=True))
    texts = _texts_from_line(line)  # the same fields and scopes as engine.LINE_TEXT_SQL
    verdicts = {t.id: ThemeVerdict(t.id, t.label) for t in rules.themes}
    for theme, weight, conf, basis, counted in con.execute(
            "SELECT theme, weight, confidence, basis, counted FROM line_theme WHERE line_id = ?", [line_id]).fetchall():
        v = verdicts[str(theme)]
        v.weight, v.confidence, v.basis, v.counted = float(weight), float(conf), str(basis), bool(counted)
    for theme, kind, rule_id, fld, matched, text, weight, conf in con.execute("""
            SELECT theme, kind, rule_id, field, matched_text, text, weight, confidence FROM tag WHERE line_id = ?
            ORDER BY confidence DESC, rule_id""", [line_id]).fetchall():
        verdicts[str(theme)].evidence.append({"soort": kind, "regel": rule_id, "veld": fld, "match": matched,
                                              "tekst": text, "gewicht": float(weight), "zekerheid": float(conf)})
    alltext = " | ".join(_norm(con, t) for _, _, t in texts)
    for r in rules.rules:
        for fld, scope, text in texts:
            wanted_scope = "own" if r.kind == "rule" else "context"
            if scope != wanted_scope or fld not in r.fields:
                continue
            norm = _norm(con, text)
            if not _match(con, norm, r.pattern):
                continue
            by = ("unless", r.unless) if r.unless and _match(con, norm, r.unless) else (
                ("unless_line", r.unless_line) if r.unless_line and _match(con, alltext, r.unless_line) else (
                    ("only_line", r.only_line) if r.only_line and not _match(con, alltext, r.only_line) else None))
            if by:
                verdicts[r.theme].vetoed.append({"regel": r.id, "veld": fld, "tekst": text, "veto": by[0],
                                                 "veto_match": _extract(con, norm if by[0] == "unless" else alltext,
                                                                        str(by[1]))})
    executors = [(str(a), str(b), str(c)) for a, b, c in con.execute("""
        SELECT e.name, le.field, le.matched_text FROM line_executor le JOIN executor e USING (executor_id)
        WHERE le.line_id = ? ORDER BY le.rank""", [line_id]).fetchall()]
    return Explanation(line, texts, list(verdicts.values()), executors, rules.version)


def _texts_from_line(line: dict[str, Any]) -> list[tuple[str, str, str]]:
    own_ond = line["niveau"] == "artikelonderdeel"
    own_art = line["niveau"] in {"artikel", "hoofdstuk", "totaal"}
    out = [(f, "own", str(line[f])) for f in ("regeling", "detail", "instrument_raw") if line.get(f)]
    if line.get("artikelonderdeel_naam"):
        out.append(("artikelonderdeel_naam", "own" if own_ond else "context", str(line["artikelonderdeel_naam"])))
    if line.get("artikel_naam"):
        out.append(("artikel_naam", "own" if own_art else "context", str(line["artikel_naam"])))
    return out


def _norm(con: duckdb.DuckDBPyConnection, text: str) -> str:
    row = con.execute("SELECT strip_accents(lower(?))", [text]).fetchone()
    return str(row[0]) if row else text


def _match(con: duckdb.DuckDBPyConnection, text: str, pattern: str) -> bool:
    row = con.execute("SELECT regexp_matches(?, ?)", [text, pattern]).fetchone()
    return bool(row and row[0])


def _extract(con: duckdb.DuckDBPyConnection, text: str, pattern: str) -> str:
    row = con.execute("SELECT regexp_extract(?, ?)", [text, pattern]).fetchone()
    return str(row[0]) if row else ""



