"""The format-independent form every reader produces: numbered lines plus the document's footnotes.

Conventions shared by all readers, so that one segmenter and one table reconstructor serve every format:

* a paragraph is one line (or several, as the source breaks it); an empty line separates paragraphs;
* a table is written the way Word's text export writes it: each cell on its own line starting with a tab,
  rows separated by one empty line, and the table followed by two empty lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .model import Footnote


@dataclass(frozen=True)
class Line:
    """One line of text with artefacts removed. ``row`` is the 1-based physical line (or paragraph) number."""

    text: str
    row: int
    footnote_refs: tuple[str, ...] = ()


@dataclass
class RawDocument:
    """What a reader hands to the parser."""

    format: str
    lines: list[Line] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    source: str | None = None


def table_lines(rows: Sequence[Sequence[str]], first_row: int) -> list[Line]:
    """Write table rows (lists of cell texts) in the shared tab-per-cell convention."""
    out: list[Line] = []
    row_no = first_row
    for cells in rows:
        for cell in cells:
            out.append(Line("\t" + " ".join(cell.split()), row_no))
        out.append(Line("", row_no))
        row_no += 1
    out.append(Line("", row_no))
    return out


def join_refs(lines: Iterable[Line]) -> tuple[str, ...]:
    """The footnote numbers referenced in some lines, in order of first appearance."""
    seen: list[str] = []
    for line in lines:
        for ref in line.footnote_refs:
            if ref not in seen:
                seen.append(ref)
    return tuple(seen)
