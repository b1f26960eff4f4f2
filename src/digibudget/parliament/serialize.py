"""A parsed document as plain, deterministic JSON-ready data (amounts as exact strings)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from ..findings import Finding
from .amounts import canonical
from .model import Amount, Document, Extraction, Question, Table


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else format(canonical(value), "f")


def _amount(a: Amount) -> dict[str, Any]:
    return {"raw": a.raw, "euro": _dec(a.value), "approximate": a.approximate, "qualifiers": list(a.qualifiers)}


def extraction_dict(e: Extraction) -> dict[str, Any]:
    return {
        "citations": [{"raw": c.raw, "key": c.key, "dossier": c.dossier, "chapter": c.chapter, "number": c.number,
                       "year": c.year, "articles": list(c.articles), "pages": c.pages,
                       "via_footnote": c.via_footnote} for c in e.citations],
        "budget_locations": [{"raw": b.raw, "hoofdstuk": b.hoofdstuk, "artikel": b.artikel,
                              "artikelonderdeel": b.artikelonderdeel} for b in e.budget_locations],
        "cross_references": [{"raw": x.raw, "targets": list(x.targets)} for x in e.cross_references],
        "amounts": [_amount(a) for a in e.amounts],
        "organisations": list(e.organisations),
        "years": list(e.years),
    }


def table_dict(t: Table) -> dict[str, Any]:
    return {
        "id": t.id, "answer_id": t.answer_id, "caption": t.caption, "unit": t.unit, "multiplier": _dec(t.multiplier),
        "rows": [{"label": r.label, "group": r.group, "subgroup": r.subgroup, "value": _dec(r.value),
                  "euro": _dec(r.amount), "is_total": r.is_total} for r in t.rows],
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    figures = {k: (_dec(v) if isinstance(v, Decimal) else v) for k, v in sorted(f.figures.items())}
    return {"code": f.code, "severity": f.severity, "title": f.type.title, "message": f.message,
            "row": f.location.row, "figures": figures}


def question_dict(doc: Document, q: Question) -> dict[str, Any]:
    answer = doc.answer(q.answer_id) if q.answer_id else None
    return {
        "number": q.number,
        "numbers": list(q.numbers),
        "heading": q.heading,
        "text": q.text,
        "status": q.status.value,
        "status_label": q.status.label,
        "status_evidence": q.status_evidence,
        "data_view": q.data_view,
        "partly_deferred": q.partly_deferred,
        "grouped_with": list(q.grouped_with),
        "footnotes": list(q.footnote_refs),
        "extraction": extraction_dict(q.extraction),
        "answer": None if answer is None else {
            "id": answer.id,
            "heading": answer.heading,
            "text": answer.text,
            "question_numbers": list(answer.question_numbers),
            "footnotes": list(answer.footnote_refs),
            "tables": list(answer.table_ids),
            "extraction": extraction_dict(answer.extraction),
        },
    }


def document_dict(doc: Document) -> dict[str, Any]:
    return {
        "source": doc.source,
        "format": doc.format,
        "front_matter": doc.front_matter,
        "questions": [question_dict(doc, q) for q in doc.questions],
        "footnotes": [{"n": f.n, "text": f.text} for f in doc.footnotes],
        "tables": [table_dict(t) for t in doc.tables],
        "findings": [finding_dict(f) for f in doc.findings],
    }


def to_json(doc: Document) -> str:
    """Deterministic JSON: same input, same bytes."""
    return json.dumps(document_dict(doc), ensure_ascii=False, indent=2)
