"""Store parsed parliamentary documents: questions, references, stated figures and findings, with provenance.

Loading is atomic and idempotent (by the file's sha256), like the budget tables.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..errors import Location
from ..filehash import sha256_of
from ..findings import store_findings
from ..store import transaction
from .link import link_document
from .model import Document, Extraction
from .parse import parse_file


@dataclass
class DocReport:
    path: str
    status: str
    document_id: int | None = None
    questions: int = 0
    figures: int = 0
    links: int = 0
    findings: int = 0


def _year(doc: Document) -> int | None:
    years = Counter(y for q in doc.questions for y in q.extraction.years if 2000 <= y <= 2100)
    for a in doc.answers:
        years.update(y for y in a.extraction.years if 2000 <= y <= 2100)
    return years.most_common(1)[0][0] if years else None


def ingest_documents(con: duckdb.DuckDBPyConnection, paths: Sequence[Path]) -> list[DocReport]:
    reports: list[DocReport] = []
    parsed: list[tuple[Path, str, Document]] = []
    known = {r[0] for r in con.execute("SELECT sha256 FROM source").fetchall()}
    for path in paths:
        digest = sha256_of(path)
        if digest in known:
            reports.append(DocReport(str(path), "unchanged"))
            continue
        parsed.append((path, digest, parse_file(path)))  # parse everything before writing anything
        known.add(digest)
    with transaction(con):
        for path, digest, doc in parsed:
            reports.append(_write(con, path, digest, doc))
    return reports


def _write(con: duckdb.DuckDBPyConnection, path: Path, digest: str, doc: Document) -> DocReport:
    row = con.execute("SELECT coalesce(max(source_id), 0) + 1 FROM source").fetchone()
    source_id = int(row[0]) if row else 1
    con.execute("INSERT INTO source VALUES (?, ?, 'document', ?, ?, ?, NULL, ?, ?, now(), ?, 0, 0, NULL)",
                [source_id, digest, path.name, str(path), path.stat().st_size, _title(doc),
                 "public parliamentary document", len(doc.questions)])
    row = con.execute("SELECT coalesce(max(document_id), 0) + 1 FROM document").fetchone()
    doc_id = int(row[0]) if row else 1
    con.execute("INSERT INTO document VALUES (?, ?, ?, ?, ?, ?, ?)",
                [doc_id, source_id, path.name, doc.format, _title(doc), _year(doc), len(doc.questions)])
    questions, refs, figures = [], [], []
    row = con.execute("SELECT coalesce(max(figure_id), 0) FROM figure").fetchone()
    next_fig = int(row[0]) + 1 if row else 1
    for q in doc.questions:
        answer = doc.answer(q.answer_id) if q.answer_id else None
        questions.append([doc_id, q.number, ",".join(q.numbers or (q.number,)), q.text,
                          answer.text if answer else None, ",".join(q.grouped_with) or None, q.status.value,
                          q.status.label, q.status_evidence, q.data_view, q.partly_deferred, q.line])
        parts: list[tuple[str, Extraction]] = [("vraag", q.extraction)]
        if answer is not None:
            parts.append(("antwoord", answer.extraction))
        for part, ex in parts:
            refs.extend(_refs(doc_id, q.number, part, ex))
            for a in ex.amounts:
                figures.append([next_fig, doc_id, q.number, part, a.raw, a.value, a.approximate,
                                "; ".join(a.qualifiers) or None, None, None])
                next_fig += 1
        if answer is not None and q.number == (answer.question_numbers or (q.number,))[0]:
            for t in doc.tables:
                if t.id not in answer.table_ids:
                    continue
                for r in t.rows:
                    if r.amount is None:
                        continue
                    label = " / ".join(x for x in (r.group, r.subgroup, r.label) if x)
                    figures.append([next_fig, doc_id, q.number, "tabel", f"{r.value} ({t.unit or 'euro'})",
                                    r.amount, False, "totaal" if r.is_total else None, t.id, label])
                    next_fig += 1
    if questions:
        con.executemany("INSERT INTO question VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", questions)
    if refs:
        con.executemany("INSERT INTO reference VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", refs)
    if figures:
        con.executemany("INSERT INTO figure VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", figures)
    link_findings = link_document(con, doc_id, path)
    findings = [*doc.findings, *link_findings]
    for f in findings:
        if f.location.path is None:
            f.location = Location(str(path), f.location.row, f.location.column)
    store_findings(con, source_id, str(path), findings)
    n_links = con.execute("SELECT count(*) FROM link WHERE document_id = ?", [doc_id]).fetchone()
    return DocReport(str(path), "loaded", doc_id, len(doc.questions), len(figures),
                     int(n_links[0]) if n_links else 0, len(findings))


def _title(doc: Document) -> str | None:
    for line in doc.front_matter.splitlines():
        text = line.strip()
        if len(text) > 20 and not text.lower().startswith(("geachte", "hierbij")):
            return text[:200]
    m = re.search(r"beantwoording op de (.{10,160}?)(?:gesteld|\.)", doc.front_matter, re.I | re.S)
    return " ".join(m.group(1).split()) if m else None


def _refs(doc_id: int, number: str, part: str, ex: Extraction) -> list[list[object]]:
    out: list[list[object]] = []
    for c in ex.citations:
        out.append([doc_id, number, part, "kamerstuk", c.key, c.chapter, None, None, c.raw])
    for b in ex.budget_locations:
        where = f"{b.hoofdstuk or '?'} art. {b.artikelonderdeel or b.artikel}"
        out.append([doc_id, number, part, "begrotingslocatie", where, b.hoofdstuk, b.artikel, b.artikelonderdeel,
                    b.raw])
    for x in ex.cross_references:
        out.extend([doc_id, number, part, "kruisverwijzing", t, None, None, None, x.raw] for t in x.targets)
    for org in ex.organisations:
        out.append([doc_id, number, part, "organisatie", org, None, None, None, org])
    return out
