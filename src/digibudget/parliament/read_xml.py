"""Reader for the XML of officielebekendmakingen.nl (KOOP): Kamerstukken (kst-*.xml) and Aanhangsel (ah-tk-*.xml).

Used elements: ``vraag`` / ``antwoord`` (with an optional ``nr``: '1' or 'Vraag 1'), paragraphs ``al``,
headings ``kop``/``titel``, list items ``li``, footnotes ``noot`` (``noot.nr`` + ``noot.al``, placed where they are
referenced) and CALS tables (``table/tgroup/(thead|tbody)/row/entry``). Namespaces are ignored.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import DocumentError, Location
from .lines import Line, RawDocument, table_lines
from .model import Footnote
from .structure import _A_HEAD, _Q_HEAD

_BLOCKS = {"al", "titel", "kop", "tekstregel", "kamervraagomschrijving", "kamervraagnummer", "functie",
           "li", "plaats", "datum", "naam", "ondertekening-tekst"}
_SKIP = {"meta", "metadata", "meta-data", "nr-within-vraag"}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class _Reader:
    def __init__(self, path: str | None) -> None:
        self.doc = RawDocument(format="xml", source=path)
        self.row = 0
        self.questions = 0
        self.notes: dict[str, str] = {}

    def emit(self, text: str, refs: tuple[str, ...] = ()) -> None:
        self.row += 1
        self.doc.lines.append(Line(" ".join(text.split()), self.row, refs))
        self.doc.lines.append(Line("", self.row))

    def inline(self, el: Any, refs: list[str]) -> str:
        parts = [el.text or ""]
        for child in el:
            name = _local(child.tag)
            if name == "noot":
                refs.append(self.note(child))
            elif name not in _SKIP:
                parts.append(self.inline(child, refs))
            parts.append(child.tail or "")
        return "".join(parts)

    def note(self, el: Any) -> str:
        nr_el = next((c for c in el if _local(c.tag) == "noot.nr"), None)
        n = (nr_el.text or "").strip() if nr_el is not None else ""
        n = n or str(len(self.notes) + 1)
        body = " ".join(self.inline(c, []) for c in el if _local(c.tag) not in ("noot.nr",))
        self.notes.setdefault(n, " ".join(body.split()))
        return n

    def heading(self, el: Any, word: str, pattern: re.Pattern[str]) -> None:
        nr = next((c for c in el if _local(c.tag) == "nr"), None)
        first_al = next((c for c in el if _local(c.tag) == "al"), None)
        first_text = " ".join(self.inline(first_al, []).split()) if first_al is not None else ""
        if nr is not None:
            text = " ".join((nr.text or "").split())
            self.emit(text if pattern.match(text) else f"{word} {text}".strip())
        elif not pattern.match(first_text):
            self.emit(f"{word} {self.questions}" if word == "Vraag" else word)

    def walk(self, el: Any) -> None:
        name = _local(el.tag)
        if name in _SKIP:
            return
        if name == "vraag":
            self.questions += 1
            self.heading(el, "Vraag", _Q_HEAD)
            self.children(el, skip_nr=True)
        elif name == "antwoord":
            self.heading(el, "Antwoord", _A_HEAD)
            self.children(el, skip_nr=True)
        elif name == "table":
            self.table(el)
        elif name in _BLOCKS:
            refs: list[str] = []
            text = self.inline(el, refs)
            if text.strip():
                self.emit(text, tuple(refs))
        else:
            self.children(el)

    def children(self, el: Any, skip_nr: bool = False) -> None:
        for child in el:
            if skip_nr and _local(child.tag) == "nr":
                continue
            self.walk(child)

    def table(self, el: Any) -> None:
        for child in el:
            if _local(child.tag) == "title":
                self.emit(self.inline(child, []))
        rows: list[list[str]] = []
        for row in el.iter():
            if _local(row.tag) != "row":
                continue
            rows.append([" ".join(self.inline(entry, []).split()) for entry in row if _local(entry.tag) == "entry"])
        self.doc.lines.extend(table_lines(rows, self.row + 1))
        self.row += len(rows)


def read_xml(data: bytes, path: str | None = None) -> RawDocument:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise DocumentError("geen goed gevormde XML", location=Location(path, exc.lineno),
                            expected="officielebekendmakingen XML") from exc
    reader = _Reader(path)
    reader.walk(root)
    reader.doc.footnotes = [Footnote(n, text) for n, text in reader.notes.items()]
    return reader.doc
