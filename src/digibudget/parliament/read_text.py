"""Reader for plain text, in particular text converted from .docx by a docx-to-text tool.

Such text carries artefacts of the conversion: ``[bookmark: _Hlk226978294]`` anchors, ``[footnoteRef:4]`` markers
where a footnote is referenced, and the footnote's own text inline as ``[4:  Kamerstuknummer II, ...]``.
The reader removes the anchors, turns the markers into references and the inline bodies into footnotes.
"""

from __future__ import annotations

import re

from ..errors import DocumentError, Location
from .limits import check_paragraphs
from .lines import Line, RawDocument
from .model import Footnote

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_FOOTNOTE_REF = re.compile(r"\[footnoteRef:\s*(\d+)\]")
_FOOTNOTE_BODY_START = re.compile(r"\[(\d+):\s")


def decode(data: bytes, path: str | None = None) -> str:
    """Decode bytes as UTF-8 (with or without BOM), falling back to Windows-1252."""
    if not data.strip():
        raise DocumentError("het document is leeg", location=Location(path), expected="tekst met vragen")
    if b"\x00" in data[:4096]:
        raise DocumentError("het document is binair, geen tekst", location=Location(path),
                            expected="platte tekst, .docx, .pdf of KOOP-.xml")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def strip_artefacts(line: str) -> tuple[str, tuple[str, ...]]:
    """Remove bookmarks and footnote markers from one line; return the text and the referenced numbers."""
    refs = tuple(m.group(1) for m in _FOOTNOTE_REF.finditer(line))
    text = _FOOTNOTE_REF.sub("", _BOOKMARK.sub("", line))
    return text, refs


def _take_bodies(text: str, open_body: list[str] | None, bodies: list[tuple[str, list[str]]]
                 ) -> tuple[str, list[str] | None]:
    """Cut inline footnote bodies ``[N:  ...]`` out of one line (bodies may run over several lines).

    ``open_body`` is the text list of a body still open from the previous line. Returns the remaining text and
    the body that is still open at the end of this line, if any.
    """
    kept: list[str] = []
    pos = 0
    if open_body is not None:
        end = _closing(text, 0)
        if end is None:
            open_body.append(text)
            return "", open_body
        open_body.append(text[:end])
        pos = end + 1
    while True:
        m = _FOOTNOTE_BODY_START.search(text, pos)
        if m is None:
            kept.append(text[pos:])
            return "".join(kept), None
        kept.append(text[pos:m.start()])
        body: list[str] = []
        bodies.append((m.group(1), body))
        end = _closing(text, m.end())
        if end is None:
            body.append(text[m.end():])
            return "".join(kept), body
        body.append(text[m.end():end])
        pos = end + 1


def _closing(text: str, start: int) -> int | None:
    """Index of the ']' that closes a bracket opened before ``start`` (nested brackets allowed)."""
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch == "[":
            depth += 1
        elif ch == "]":
            if depth == 0:
                return i
            depth -= 1
    return None


def read_text(data: bytes | str, path: str | None = None) -> RawDocument:
    """Read plain text into lines and footnotes."""
    text = data if isinstance(data, str) else decode(data, path)
    if not text.strip():
        raise DocumentError("het document is leeg", location=Location(path), expected="tekst met vragen")
    check_paragraphs(text.count("\n") + 1, path)
    doc = RawDocument(format="text", source=path)
    bodies: list[tuple[str, list[str]]] = []
    open_body: list[str] | None = None
    for row, raw in enumerate(text.splitlines(), start=1):
        cleaned, refs = strip_artefacts(raw)
        cleaned, open_body = _take_bodies(cleaned, open_body, bodies)
        doc.lines.append(Line(cleaned.rstrip("\r"), row, refs))
    doc.footnotes = [Footnote(n, " ".join(" ".join(parts).split())) for n, parts in bodies]
    return doc
