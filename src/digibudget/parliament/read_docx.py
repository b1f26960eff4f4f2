"""Reader for .docx files (python-docx for the package, lxml for the XML).

Body paragraphs and tables are read in document order. Field codes (the instruction between a field's 'begin'
and 'separate' marks, e.g. ``PAGE`` or ``HYPERLINK "..."``) are skipped and their result kept. Tables before the
first question heading are letterhead (addresses, 'Datum', 'Kenmerk') and are skipped. Footnote texts come from
the footnotes part (word/footnotes.xml); a footnote's number is the order of its first reference, as Word
prints it.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from ..errors import DocumentError, Location
from .limits import check_paragraphs
from .lines import Line, RawDocument, table_lines
from .model import Footnote
from .structure import _Q_HEAD

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def _open(data: bytes, path: str | None) -> Any:
    try:
        import docx

        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"geen leesbaar .docx-bestand ({type(exc).__name__})", location=Location(path),
                            expected="een Word-document (.docx)") from exc
    except Exception as exc:  # python-docx raises its own PackageNotFoundError and lxml errors
        raise DocumentError(f"geen leesbaar .docx-bestand ({type(exc).__name__})", location=Location(path),
                            expected="een Word-document (.docx)") from exc


class _ParagraphReader:
    """Text of one paragraph, with field codes skipped and footnote references collected."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.refs: list[str] = []
        self.field_depth = 0
        self.in_instruction: list[bool] = []

    def read(self, element: Any) -> None:
        for node in element.iter():
            tag = node.tag
            if tag == W + "fldChar":
                kind = node.get(W + "fldCharType")
                if kind == "begin":
                    self.in_instruction.append(True)
                elif kind == "separate" and self.in_instruction:
                    self.in_instruction[-1] = False
                elif kind == "end" and self.in_instruction:
                    self.in_instruction.pop()
            elif any(self.in_instruction):
                continue
            elif tag == W + "t":
                self.parts.append(node.text or "")
            elif tag == W + "tab":
                self.parts.append(" ")
            elif tag in (W + "br", W + "cr"):
                self.parts.append("\n")
            elif tag == W + "footnoteReference":
                self.refs.append(node.get(W + "id") or "")

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _paragraph(element: Any) -> tuple[str, list[str]]:
    reader = _ParagraphReader()
    reader.read(element)
    return reader.text, reader.refs


def _cell_text(cell: Any) -> str:
    return " ".join(_paragraph(p)[0] for p in cell.iter(W + "p")).strip()


def _footnote_texts(document: Any) -> dict[str, str]:
    part = next((rel.target_part for rel in document.part.rels.values()
                 if rel.reltype == _FOOTNOTES_REL and not rel.is_external), None)
    if part is None:
        return {}
    from lxml import etree

    root = etree.fromstring(part.blob, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    out: dict[str, str] = {}
    for note in root.iter(W + "footnote"):
        if note.get(W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = " ".join(_paragraph(p)[0] for p in note.iter(W + "p"))
        out[note.get(W + "id") or ""] = " ".join(text.split())
    return out


def _blocks(body: Any) -> list[Any]:
    """Body paragraphs and tables in order; content controls (w:sdt) are opened."""
    out: list[Any] = []
    for child in body:
        if child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                out.extend(_blocks(content))
        elif child.tag in (W + "p", W + "tbl"):
            out.append(child)
    return out


def read_docx(data: bytes, path: str | None = None) -> RawDocument:
    document = _open(data, path)
    notes = _footnote_texts(document)
    order: dict[str, str] = {}
    doc = RawDocument(format="docx", source=path)
    seen_question = False
    blocks = _blocks(document.element.body)
    check_paragraphs(len(blocks), path)
    for row, block in enumerate(blocks, start=1):
        if block.tag == W + "tbl":
            if not seen_question:
                continue
            rows = [[_cell_text(tc) for tc in tr.iter(W + "tc")] for tr in block.iter(W + "tr")]
            doc.lines.extend(table_lines(rows, row))
            continue
        text, ids = _paragraph(block)
        refs = tuple(order.setdefault(i, str(len(order) + 1)) for i in ids)
        for k, piece in enumerate(text.split("\n")):
            if _Q_HEAD.match(piece):
                seen_question = True
            doc.lines.append(Line(piece, row, refs if k == 0 else ()))
        doc.lines.append(Line("", row))
    doc.footnotes = [Footnote(n, notes.get(i, "")) for i, n in order.items() if i in notes]
    return doc
