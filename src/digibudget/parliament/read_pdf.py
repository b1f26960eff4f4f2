"""Reader for PDF (text layer via pypdf).

PDF text loses structure the other formats keep, so this reader repairs what it can:

* running headers and footers (a line repeated at the top or bottom of most pages, page numbers) are dropped;
* footnote texts at the foot of a page ('1 Kamerstuk 26 643, nr. 1450') become footnotes, and the number glued to
  the word that references it ('komen.1', 'brieven2', 'Politie 20211') is cut off and kept as a reference;
* label-and-amount lines after a unit note ('Bedragen x € 1.000') become table rows.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from ..errors import DocumentError, Location
from .lines import Line, RawDocument
from .model import Footnote

_PAGE_NUMBER = re.compile(r"^\s*(?:(?:pagina|blad|page)\s+)?\d+(?:\s*(?:van|/|of)\s*\d+)?\s*$", re.IGNORECASE)
_NOTE_START = re.compile(r"^(?P<n>\d{1,3})\s+(?P<text>\S.*)$")
_UNIT_AT_END = re.compile(
    r"(?:bedrag(?:en)?\s*)?(?:x|×)\s*(?:€|eur(?:o)?)\s*(?:1\.000\.000|1\.000|1 mln\.?|mln\.?)\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^(?:Vraag|Vragen|Antwoord)\b", re.IGNORECASE)
_ROW = re.compile(r"^(?P<label>\S.*?)\s+(?P<num>-?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?)\s*$")


def _pages(data: bytes, path: str | None) -> list[str]:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        reader = PdfReader(io.BytesIO(data))
        return [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise DocumentError(f"geen leesbare PDF ({type(exc).__name__})", location=Location(path),
                            expected="een PDF-bestand") from exc


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines that open or close most pages (running headers and footers), compared exactly."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({x.strip() for x in lines[:2] + lines[-2:] if x.strip()})
    return {text for text, n in counts.items() if n >= max(2, len(pages) // 2 + 1)}


def _split_notes(lines: list[str], next_note: int) -> tuple[list[str], list[tuple[str, str]]]:
    """Cut the footnote block off the foot of a page: consecutive numbers from ``next_note`` on."""
    for start in range(len(lines)):
        m = _NOTE_START.match(lines[start].strip())
        if m is None or int(m.group("n")) != next_note:
            continue
        notes: list[tuple[str, str]] = []
        expected = next_note
        ok = True
        for line in lines[start:]:
            m2 = _NOTE_START.match(line.strip())
            if m2 is not None and int(m2.group("n")) == expected:
                notes.append((m2.group("n"), m2.group("text")))
                expected += 1
            elif notes:
                notes[-1] = (notes[-1][0], notes[-1][1] + " " + line.strip())
            else:
                ok = False
        if ok and notes:
            return lines[:start], notes
    return lines, []


def _unglue(lines: list[str], numbers: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Remove glued footnote numbers from the text; return each line with the numbers it referenced."""
    out = [(line, ()) for line in lines]
    result: list[tuple[str, tuple[str, ...]]] = list(out)
    for n in numbers:
        glued = re.compile(rf"(?:(?<=[^\W\d_])|(?<=[)\]’”'])|(?<=[^\W\d_]\.)|(?<=[)\]’”']\.)|(?<=(?:19|20)\d\d))"
                           rf"({n})(?=[\s,.;:)]|$)")
        for k, (line, refs) in enumerate(result):
            m = glued.search(line)
            if m is not None:
                result[k] = (line[:m.start()] + line[m.end():], (*refs, n))
                break
    return result


def _unit_suffix(text: str) -> tuple[str, str] | None:
    """'KVK bedrag x€1.000' → ('KVK', 'bedrag x€1.000'); None when the line does not end in a unit note."""
    m = _UNIT_AT_END.search(text)
    if m is None:
        return None
    return text[: m.start()].strip(), m.group(0).strip()


def _is_group_heading(text: str) -> bool:
    stripped = text.strip()
    return 0 < len(stripped) <= 60 and not stripped.endswith((".", ":", "?", ";", ",")) and not text.startswith("\t")


def _tables(lines: list[tuple[str, tuple[str, ...]]]) -> list[tuple[str, tuple[str, ...]]]:
    out: list[tuple[str, tuple[str, ...]]] = []
    in_table = False
    for text, refs in lines:
        stripped = text.strip()
        row = _ROW.match(stripped)
        unit = _unit_suffix(stripped)
        ends_prose = stripped.endswith((".", ":", "?")) or not stripped
        if _HEADING.match(stripped):
            row = unit = None
        if unit is not None:
            if not in_table:
                heading = out.pop() if out and _is_group_heading(out[-1][0]) else None
                out.append(("", ()))
                if heading is not None:
                    out.extend([("\t" + heading[0].strip(), heading[1]), ("\t", ()), ("", ())])
            in_table = True
            out.extend([("\t" + unit[0], refs), ("\t" + unit[1], ()), ("", ())])
        elif in_table and row is not None:
            out.extend([("\t" + row.group("label"), refs), ("\t" + row.group("num"), ()), ("", ())])
        elif in_table and not ends_prose and not _HEADING.match(stripped):
            cells = [stripped, ""] if len(stripped) <= 80 else ["", stripped, ""]
            out.extend([*(("\t" + c, refs) for c in cells), ("", ())])
        else:
            if in_table:
                out.extend([("", ()), ("", ())])
            in_table = False
            out.append((text, refs))
    return out


def read_pdf(data: bytes, path: str | None = None) -> RawDocument:
    pages = [text.splitlines() for text in _pages(data, path)]
    if not any(line.strip() for page in pages for line in page):
        raise DocumentError("de PDF heeft geen tekstlaag (gescand?)", location=Location(path),
                            expected="een PDF met tekst")
    running = _running_lines(pages)
    doc = RawDocument(format="pdf", source=path)
    next_note = 1
    row = 0
    for lines in pages:
        kept = [x for x in lines if x.strip() not in running and not _PAGE_NUMBER.match(x)]
        body, notes = _split_notes(kept, next_note)
        next_note += len(notes)
        doc.footnotes.extend(Footnote(n, " ".join(t.split())) for n, t in notes)
        for text, refs in _tables(_unglue(body, [n for n, _ in notes])):
            row += 1
            doc.lines.append(Line(text if text.startswith("\t") else text.rstrip(), row, refs))
    return doc
