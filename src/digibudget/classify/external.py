"""Classify lines that are not in the database: a CSV with hoofdstuk, artikel, artikel_naam, artikelonderdeel,
instrument, regeling (any may be empty). The same engine runs on an in-memory database, so results are identical
to those of loaded lines."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .. import store
from ..errors import Location, SchemaError
from ..sources import textfile
from .engine import run
from .rules import RuleSet, load_rules

INPUT_COLUMNS = ("hoofdstuk", "artikel", "artikel_naam", "artikelonderdeel", "instrument", "regeling")


@dataclass
class Classified:
    row: dict[str, str]
    themes: dict[str, tuple[float, float, bool, str]]  # theme -> (weight, confidence, counted, rule)
    executors: list[str]
    evidence: list[str]


def load_rows(con: duckdb.DuckDBPyConnection, rows: list[dict[str, str]]) -> None:
    """Insert rows as budget lines (source 0) so the engine can classify them."""
    records = []
    for i, r in enumerate(rows, start=1):
        niveau = "regeling" if r.get("regeling") or r.get("detail") else "instrument" if r.get("instrument") else \
            "artikelonderdeel" if r.get("artikelonderdeel_naam") or r.get("artikelonderdeel") else "artikel"
        if r.get("niveau") in {"artikel", "artikelonderdeel", "instrument", "regeling", "detail", "hoofdstuk"}:
            niveau = r["niveau"]
        ond_naam = r.get("artikelonderdeel_naam") or r.get("artikelonderdeel") or None
        records.append([i, 0, i, None, 0, None, r.get("hoofdstuk") or "?", None, r.get("artikel") or None,
                        r.get("artikel_naam") or None, None, None, ond_naam, r.get("instrument") or None,
                        r.get("instrument") or None, r.get("regeling") or None, r.get("detail") or None, niveau, "U",
                        niveau in {"artikel", "hoofdstuk"}, r.get("line_key") or f"extern|{i}", None])
    con.executemany("INSERT INTO budget_line VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    records)


def classify_rows(rows: list[dict[str, str]], rules: RuleSet | None = None) -> list[Classified]:
    rules = rules or load_rules()
    con = store.connect(":memory:")
    try:
        load_rows(con, rows)
        run(con, rules)
        themes: dict[int, dict[str, tuple[float, float, bool, str]]] = {}
        for line_id, theme, weight, conf, counted, rule_id in con.execute(
                "SELECT line_id, theme, weight, confidence, counted, rule_id FROM line_theme").fetchall():
            themes.setdefault(int(line_id), {})[str(theme)] = (float(weight), float(conf), bool(counted),
                                                               str(rule_id))
        executors: dict[int, list[str]] = {}
        for line_id, ex in con.execute("""SELECT line_id, executor_id FROM line_executor
                                          GROUP BY ALL ORDER BY line_id, min(rank)""").fetchall():
            executors.setdefault(int(line_id), []).append(str(ex))
        evidence: dict[int, list[str]] = {}
        for line_id, text in con.execute("""
                SELECT line_id, rule_id || ' [' || coalesce(field, '') || ': ' || coalesce(matched_text, '') || ']'
                FROM tag ORDER BY line_id, confidence DESC, rule_id""").fetchall():
            evidence.setdefault(int(line_id), []).append(str(text))
    finally:
        con.close()
    return [Classified(r, themes.get(i, {}), executors.get(i, []), evidence.get(i, []))
            for i, r in enumerate(rows, start=1)]


def read_input(path: Path) -> list[dict[str, str]]:
    header, body, _ = textfile.rows(path)
    low = [h.lower() for h in header]
    missing = [c for c in INPUT_COLUMNS if c not in low]
    if missing:
        raise SchemaError(f"kolommen {', '.join(missing)} ontbreken", location=Location(str(path), 1),
                          expected="een kopregel met " + ", ".join(INPUT_COLUMNS) + " (cellen mogen leeg zijn)")
    out: list[dict[str, str]] = []
    for _, cells in body:
        if not any(c.strip() for c in cells):
            continue
        out.append({h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(low)})
    return out


def to_csv(results: list[Classified], input_columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*input_columns, "themas", "gewichten", "uitvoerder", "onderbouwing"])
    for c in results:
        counted = [(t, v) for t, v in sorted(c.themes.items()) if v[2]]
        w.writerow([*(c.row.get(col, "") for col in input_columns), ";".join(t for t, _ in counted),
                    ";".join(f"{v[0]:g}" for _, v in counted), ";".join(c.executors), " ; ".join(c.evidence)])
    return buf.getvalue()


def classify_rules_for_labelled(path: Path, rules: RuleSet) -> tuple[list[dict[str, str]], list[Classified]]:
    """Read a labelled file (the input columns plus labels) and classify its lines."""
    header, body, _ = textfile.rows(path)
    low = [h.lower() for h in header]
    rows = [{h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(low)}
            for _, cells in body if any(c.strip() for c in cells)]
    if not rows:
        raise SchemaError(f"gelabeld bestand {path} heeft geen rijen")
    return rows, classify_rows(rows, rules)
