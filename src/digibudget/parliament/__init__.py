"""Parliamentary documents: lists of questions and answers, answers to written questions.

Public API::

    parse_file(path) -> Document            # .txt (docx-to-text), .docx, officielebekendmakingen .xml, .pdf
    parse_bytes(data, fmt=None, path=None) -> Document
    parse_text(text, path=None) -> Document
    document_dict(doc) / to_json(doc)       # plain data, amounts as exact strings

The model (:mod:`.model`) holds questions, answers, footnotes, tables, per-text extractions (citations, budget
locations, cross-references, amounts, organisations, years), a status per question and data-quality findings.
"""

from .model import (
    Amount,
    Answer,
    BudgetLocation,
    Citation,
    CrossReference,
    Document,
    Extraction,
    Footnote,
    Question,
    Status,
    Table,
    TableRow,
)
from .parse import detect_format, parse_bytes, parse_file, parse_raw, parse_text
from .serialize import document_dict, to_json

__all__ = [
    "Amount",
    "Answer",
    "BudgetLocation",
    "Citation",
    "CrossReference",
    "Document",
    "Extraction",
    "Footnote",
    "Question",
    "Status",
    "Table",
    "TableRow",
    "detect_format",
    "document_dict",
    "parse_bytes",
    "parse_file",
    "parse_raw",
    "parse_text",
    "to_json",
]
