"""Parse a parliamentary question-and-answer document into a :class:`~.model.Document`.

Entry points: :func:`parse_file` (a path), :func:`parse_bytes` (bytes plus a format or file name),
:func:`parse_raw` (lines already read by a reader). The format is taken from the file's content and checked
against its extension: a '.docx' that is really a PDF is an error, not a guess.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import DocumentError, Location, reason
from ..findings import Finding
from . import limits
from .extract import extract
from .lines import Line, RawDocument, join_refs
from .model import Answer, Document, Question
from .read_text import read_text
from .reconcile import check_stated_totals, check_table_totals
from .status import Verdict, classify_own, resolve
from .structure import Block, segment
from .tables import build_tables

FORMATS = ("text", "docx", "xml", "pdf")
_EXTENSIONS = {".txt": "text", ".text": "text", ".docx": "docx", ".xml": "xml", ".pdf": "pdf"}


def sniff(data: bytes) -> str:
    """The format of some bytes by their content: 'pdf', 'docx', 'xml' or 'text'."""
    head = data.lstrip()[:512]
    if head.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if head.startswith(b"<?xml") or head.startswith(b"<officiele-publicatie") or head.startswith(b"<"):
        return "xml"
    return "text"


def _content_nl(data: bytes, found: str) -> str:
    """What the content is, in the words of a Dutch message ('platte tekst', 'binaire gegevens')."""
    if found == "text":
        return "binaire gegevens, geen tekst" if b"\x00" in data[:4096] else "platte tekst"
    return {"xml": "XML"}.get(found, found)


def detect_format(data: bytes, path: str | None = None) -> str:
    """The format of ``data``; raises DocumentError when the content contradicts the file's extension."""
    if not data.strip():
        raise DocumentError("het document is leeg", location=Location(path),
                            expected="een document met vragen en antwoorden (.txt, .docx, .xml of .pdf)")
    found = sniff(data)
    claimed = _EXTENSIONS.get(Path(path).suffix.lower()) if path else None
    if claimed is not None and claimed != found and not (claimed == "text" and found == "xml"):
        raise DocumentError(f"de bestandsnaam zegt {claimed}, maar de inhoud is {_content_nl(data, found)}",
                            location=Location(path), expected=f"een {claimed}-bestand")
    return found


def read(data: bytes, fmt: str, path: str | None = None) -> RawDocument:
    """Run the reader of one format."""
    if fmt == "text":
        return read_text(data, path)
    if fmt == "docx":
        from .read_docx import read_docx

        return read_docx(data, path)
    if fmt == "xml":
        from .read_xml import read_xml

        return read_xml(data, path)
    if fmt == "pdf":
        from .read_pdf import read_pdf

        return read_pdf(data, path)
    raise DocumentError(f"onbekend documentformaat {fmt!r}", location=Location(path), expected=", ".join(FORMATS))


def parse_file(path: str | Path) -> Document:
    """Parse the document at ``path`` (format from content, checked against the extension)."""
    p = Path(path)
    try:
        if p.is_dir():
            raise DocumentError("dit is een map", location=Location(str(p)),
                                expected="een document (.txt, .docx, .xml of .pdf)")
        if not p.is_file() and p.exists():
            raise DocumentError("dit is geen gewoon bestand (een apparaat, pipe of socket)", location=Location(str(p)))
        limits.check_size(p.stat().st_size, str(p), "het bestand")
        data = p.read_bytes()
    except OSError as exc:
        raise DocumentError(f"kan het bestand niet lezen: {reason(exc)}", location=Location(str(p))) from exc
    return parse_bytes(data, path=str(p))


def parse_bytes(data: bytes, fmt: str | None = None, path: str | None = None) -> Document:
    """Parse bytes; ``fmt`` forces a format, otherwise it is detected."""
    limits.check_size(len(data), path, "het bestand")
    chosen = fmt or detect_format(data, path)
    if fmt is not None and not data.strip():
        raise DocumentError("het document is leeg", location=Location(path))
    if chosen == "docx":
        limits.check_docx(data, path)
    raw = read(data, chosen, path)
    limits.check_paragraphs(len(raw.lines), path)
    return parse_raw(raw)


def parse_text(text: str, path: str | None = None) -> Document:
    """Parse text already in memory (the docx-to-text form of the seed, or any plain text)."""
    return parse_raw(read_text(text, path))


def _text(lines: list[Line]) -> str:
    return "\n".join(line.text for line in lines).strip("\n")


def parse_raw(raw: RawDocument) -> Document:
    """Build the document model from a reader's lines: structure, tables, extraction, statuses, findings."""
    seg = segment(raw.lines)
    doc = Document(source=raw.source, format=raw.format, front_matter=_text(seg.front_matter).strip(),
                   footnotes=list(raw.footnotes))
    if not any(b.kind == "question" for b in seg.blocks):
        doc.findings.append(Finding("document-no-questions", Location(raw.source)))
    pending: list[Question] = []
    for block in seg.blocks:
        if block.kind == "question":
            question = _question(block, doc)
            doc.questions.append(question)
            pending.append(question)
        else:
            _answer(block, doc, pending)
            pending = [q for q in pending if q.answer_id is None]
    _link(doc)
    _statuses(doc)
    _reconcile(doc, raw.source)
    _check_footnotes(doc, raw.source)
    return doc


def _question(block: Block, doc: Document) -> Question:
    text = _text(block.lines).strip()
    refs = join_refs(block.heading + block.lines)
    notes = [f for f in (doc.footnote(n) for n in refs) if f is not None]
    numbers = block.numbers or (str(len(doc.questions) + 1),)
    return Question(number=numbers[0], numbers=numbers, text=text,
                    heading="\n".join(h.text for h in block.heading).strip(), footnote_refs=refs,
                    extraction=extract(text, notes), line=block.row)


def _answer(block: Block, doc: Document, pending: list[Question]) -> Answer:
    answer_id = f"a{len(doc.answers) + 1}"
    if block.explicit_numbers:
        numbers = block.numbers
    else:
        numbers = tuple(q.number for q in pending) or ((doc.questions[-1].number,) if doc.questions else ())
    tables, used = build_tables(block.lines, answer_id)
    prose_text = _text([ln for k, ln in enumerate(block.lines) if k not in used]).strip()
    refs = join_refs(block.heading + block.lines)
    notes = [f for f in (doc.footnote(n) for n in refs) if f is not None]
    answer = Answer(id=answer_id, text=_text(block.lines).strip(), question_numbers=numbers,
                    heading="\n".join(h.text for h in block.heading).strip() or None, footnote_refs=refs,
                    table_ids=tuple(t.id for t in tables), extraction=extract(prose_text, notes), line=block.row)
    doc.answers.append(answer)
    doc.tables.extend(tables)
    for q in doc.questions:
        if any(n in numbers for n in q.numbers) and q.answer_id is None:
            q.answer_id = answer_id
    return answer


def _link(doc: Document) -> None:
    for answer in doc.answers:
        group = tuple(n for n in answer.question_numbers)
        for q in doc.questions:
            if q.answer_id == answer.id:
                q.grouped_with = tuple(n for n in group if n not in q.numbers)
    for q in doc.questions:
        if q.answer_id is None:
            doc.findings.append(Finding("document-unanswered-question", Location(doc.source, q.line),
                                        number=q.number))
    known = {n for q in doc.questions for n in q.numbers}
    for answer in doc.answers:
        for xref in answer.extraction.cross_references:
            for target in xref.targets:
                if target not in known:
                    doc.findings.append(Finding("document-unknown-cross-reference",
                                                Location(doc.source, answer.line),
                                                where=f"answer {answer.id}", target=target))


def _statuses(doc: Document) -> None:
    own: dict[str, Verdict] = {}
    for q in doc.questions:
        answer = doc.answer(q.answer_id) if q.answer_id else None
        tables = [t for t in doc.tables if answer is not None and t.answer_id == answer.id]
        verdict = classify_own(q, answer, tables)
        for n in q.numbers:
            own[n] = verdict
    final: dict[str, Verdict] = dict(own)
    for _ in range(3):  # chains of cross-references ('zie vraag 3', which says 'zie vraag 1')
        for q in doc.questions:
            answer = doc.answer(q.answer_id) if q.answer_id else None
            final[q.number] = resolve(q, own[q.number], answer, final)
    for q in doc.questions:
        verdict = final[q.number]
        q.status, q.status_evidence = verdict.status, verdict.evidence
        q.data_view, q.partly_deferred = verdict.data_view, verdict.partly_deferred


def _reconcile(doc: Document, path: str | None) -> None:
    for table in doc.tables:
        doc.findings.extend(check_table_totals(table, path))
    for answer in doc.answers:
        tables = [t for t in doc.tables if t.answer_id == answer.id]
        if not tables:
            continue
        stated = [a for q in doc.questions if q.answer_id == answer.id for a in q.extraction.amounts]
        what = "answer to question " + ", ".join(answer.question_numbers)
        doc.findings.extend(check_stated_totals(stated, tables, what, Location(path, answer.line)))


def _check_footnotes(doc: Document, path: str | None) -> None:
    known = {f.n for f in doc.footnotes}
    refs = [r for q in doc.questions for r in q.footnote_refs] + [r for a in doc.answers for r in a.footnote_refs]
    for n in dict.fromkeys(refs):
        if n not in known:
            doc.findings.append(Finding("document-missing-footnote", Location(path), n=n))
