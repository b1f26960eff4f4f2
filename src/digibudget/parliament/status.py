"""Classify how each question was dealt with.

Order of precedence (first that applies):

1. ``refused``: the answer invokes confidentiality ('commerciële vertrouwelijkheid', 'niet verder gespecificeerd',
   'staatsgeheim', ...);
2. ``answered_with_figures``: the answer states sums of money or holds a table with amounts;
3. ``answerable_from_data``: the question asks for an overview or table of budgets that a digibudget view gives
   (``data_view``: 'overlap' for overlap/fragmentation, 'integral_table' for an integral table/overview);
4. ``deferred``: the answer promises the information later ('voor de zomer', 'op een later moment', 'in een brief
   die ... volgt', 'nog niet worden gegeven', 'wordt nog uitgewerkt', ...);
5. ``answered_without_figures``; ``unanswered`` when no answer was found.

An answer that is only a cross-reference ('Zie antwoord vraag 8.') takes the status of its target, unless the
question itself is answerable from the data (rule 3). A later promise inside an answer with figures sets
``partly_deferred``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Answer, Question, Status, Table

_REFUSAL = re.compile(
    r"commerci[eë]le vertrouwelijkheid|vertrouwelijk(?:e|heid)? (?:karakter|informatie|aard)|"
    r"niet (?:verder |nader )?(?:worden |kan worden |kunnen worden )?gespecificeerd|staatsgeheim|"
    r"(?:kan|kunnen) (?:ik|wij|we) (?:hier )?niet (?:op )?ingaan|(?:kan|kunnen) niet openbaar",
    re.IGNORECASE)
_DEFERRAL = re.compile(
    r"voor de zomer|op een later moment|later(?:e)? (?:brief|moment)|brief die\b[^.]{0,60}\bvolgt|"
    r"nog niet (?:worden |kunnen worden |kan worden )?gegeven|nog geen informatie|"
    r"streef(?:t)? ernaar\b[^.]{0,100}\b(?:te informeren|te verzenden|te sturen)|"
    r"\bzal\b[^.]{0,60}\b(?:informeren|nader ingegaan|nader toegelicht)|nader ingegaan worden|"
    r"worden zichtbaar in|(?:wordt|worden) (?:nog|op (?:dit|het) moment|momenteel) (?:nader )?uitgewerkt|"
    r"is een volgende stap",
    re.IGNORECASE)
_OVERVIEW = re.compile(
    r"integrale tabel|integraal overzicht|overzicht (?:geven |worden gegeven |te geven )?van (?:alle |de )?"
    r"(?:budgetten|uitgaven|middelen)|overzicht (?:geven |worden gegeven )?van budgetten",
    re.IGNORECASE)
_VIEWS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("overlap", re.compile(r"overlap|versnippering", re.IGNORECASE)),
    ("mutations", re.compile(r"mutaties tussen|verschil(?:len)? tussen (?:de )?begrotingsmomenten", re.IGNORECASE)),
    ("integral_table", re.compile(r".", re.DOTALL)),
)
_ONLY_XREF = re.compile(r"^\s*(?:zie\b[^.]*\.?\s*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    status: Status
    evidence: str | None = None
    data_view: str | None = None
    partly_deferred: bool = False


def data_view(question_text: str) -> str | None:
    """The digibudget view that answers a request for an overview of budgets, or None."""
    if not _OVERVIEW.search(question_text):
        return None
    return next(name for name, pattern in _VIEWS if pattern.search(question_text))


def _has_figures(answer: Answer, tables: list[Table]) -> bool:
    return bool(answer.extraction.amounts) or any(t.detail_rows for t in tables)


def _sentence(text: str, m: re.Match[str]) -> str:
    start = max(text.rfind(". ", 0, m.start()) + 2, 0) if text.rfind(". ", 0, m.start()) >= 0 else 0
    end = text.find(". ", m.end())
    return " ".join(text[start:end + 1 if end >= 0 else len(text)].split())


def classify_own(question: Question, answer: Answer | None, tables: list[Table]) -> Verdict:
    """The status of a question from its own answer, ignoring cross-references."""
    if answer is None:
        return Verdict(Status.UNANSWERED)
    text = answer.text
    refusal = _REFUSAL.search(text)
    if refusal:
        return Verdict(Status.REFUSED, _sentence(text, refusal))
    deferral = _DEFERRAL.search(text)
    if _has_figures(answer, tables):
        evidence = (answer.extraction.amounts[0].raw if answer.extraction.amounts
                    else f"table {tables[0].id}")
        return Verdict(Status.ANSWERED_WITH_FIGURES, evidence, partly_deferred=deferral is not None)
    view = data_view(question.text)
    overview = _OVERVIEW.search(question.text)
    if view is not None and overview is not None:
        return Verdict(Status.ANSWERABLE_FROM_DATA, overview.group(0), data_view=view)
    if deferral:
        return Verdict(Status.DEFERRED, _sentence(text, deferral))
    return Verdict(Status.ANSWERED_WITHOUT_FIGURES)


def is_only_cross_reference(answer: Answer) -> bool:
    return bool(answer.extraction.cross_references) and bool(_ONLY_XREF.match(answer.text))


def resolve(question: Question, own: Verdict, answer: Answer | None, verdicts: dict[str, Verdict]) -> Verdict:
    """Follow 'Zie antwoord vraag N' for answers that are nothing but such a reference."""
    if answer is None or not is_only_cross_reference(answer):
        return own
    view = data_view(question.text)
    if view is not None:
        return Verdict(Status.ANSWERABLE_FROM_DATA, answer.text.strip(), data_view=view)
    targets = [t for xref in answer.extraction.cross_references for t in xref.targets if t in verdicts]
    for target in targets:
        verdict = verdicts[target]
        if verdict.status is Status.DEFERRED:
            return Verdict(Status.DEFERRED, f"{answer.text.strip()} → {verdict.evidence}")
    if targets:
        verdict = verdicts[targets[0]]
        return Verdict(verdict.status, f"{answer.text.strip()} → {verdict.evidence or verdict.status.label}",
                       data_view=verdict.data_view, partly_deferred=verdict.partly_deferred)
    return own
