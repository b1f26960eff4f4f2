"""Run every recogniser over one question or answer (its prose plus the footnotes it references)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .amounts import find_amounts
from .model import Citation, Extraction, Footnote
from .refs import (
    find_budget_locations,
    find_citations,
    find_cross_references,
    find_organisations,
    find_years,
)


def extract(text: str, footnotes: Sequence[Footnote] = ()) -> Extraction:
    """Citations, budget locations, cross-references, amounts, organisations and years of ``text``.

    Citations found in the referenced ``footnotes`` are included, marked with ``via_footnote``.
    Amounts, organisations and years come from the text itself only.
    """
    spans = find_citations(text)
    citations: list[Citation] = [c for _, _, c in spans]
    for note in footnotes:
        citations.extend(replace(c, via_footnote=note.n) for _, _, c in find_citations(note.text))
    citation_spans = [(s, e) for s, e, _ in spans]
    return Extraction(
        citations=tuple(citations),
        budget_locations=tuple(find_budget_locations(text, spans)),
        cross_references=tuple(find_cross_references(text)),
        amounts=tuple(a for a in find_amounts(text) if not any(s <= a.start < e for s, e in citation_spans)),
        organisations=tuple(find_organisations(text)),
        years=tuple(find_years(text, citation_spans)),
    )
