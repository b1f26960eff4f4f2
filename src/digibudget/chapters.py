"""The names of the budget chapters (hoofdstukken) per year: which ministry or fund a code such as 'XIII' was.

Ministries are renamed and split (XIII Economische Zaken became Economische Zaken en Klimaat in 2018, VI Veiligheid en
Justitie became Justitie en Veiligheid, XIV Landbouw, Natuur en Voedselkwaliteit came back in 2019), so a code alone
does not say which ministry it was, and one name per code would be wrong for some years. The table is bundled as
package data (``data/hoofdstuk_namen.csv``: hoofdstuk, jaar_van, jaar_tot, naam, bron, opmerking); every row names
the published file it was taken from (tests/test_chapters.py derives the table again from the bundled source files
and fails when they disagree). A year the table does not hold gets no invented name: between two years with the
same name that name (the ministry was not renamed in between); after the last known year the last name with the
year it is from, e.g. 'Economische Zaken en Klimaat (naam 2021)'.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class ChapterName:
    hoofdstuk: str
    jaar_van: int
    jaar_tot: int
    naam: str
    bron: str
    opmerking: str = ""


COLUMNS = ("hoofdstuk", "jaar_van", "jaar_tot", "naam", "bron", "opmerking")


@functools.cache
def chapter_table() -> tuple[ChapterName, ...]:
    """The bundled table, ordered by chapter and year."""
    text = (resources.files("digibudget") / "data" / "hoofdstuk_namen.csv").read_text(encoding="utf-8")
    rows = [ChapterName(r["hoofdstuk"], int(r["jaar_van"]), int(r["jaar_tot"]), r["naam"], r["bron"],
                        r.get("opmerking") or "") for r in csv.DictReader(io.StringIO(text))]
    return tuple(sorted(rows, key=lambda r: (r.hoofdstuk, r.jaar_van)))


def _rows(hoofdstuk: str) -> list[ChapterName]:
    return [r for r in chapter_table() if r.hoofdstuk == hoofdstuk.upper()]


def chapter_name(hoofdstuk: str, jaar: int) -> str | None:
    """The name of chapter ``hoofdstuk`` in budget year ``jaar`` as published, or None when no bundled source holds
    it (a gap between two years with the same name takes that name)."""
    rows = _rows(hoofdstuk)
    for r in rows:
        if r.jaar_van <= jaar <= r.jaar_tot:
            return r.naam
    before = [r for r in rows if r.jaar_tot < jaar]
    after = [r for r in rows if r.jaar_van > jaar]
    if before and after and before[-1].naam == after[0].naam:
        return before[-1].naam
    return None


def chapter_label(hoofdstuk: str, jaar: int | None = None) -> str:
    """What a reader sees beside the code: the name of that year; without a year the latest name; for a year after
    the last one known the last name with its year; '' when nothing is known."""
    rows = _rows(hoofdstuk)
    if not rows:
        return ""
    if jaar is None:
        return rows[-1].naam
    name = chapter_name(hoofdstuk, jaar)
    if name is not None:
        return name
    before = [r for r in rows if r.jaar_tot < jaar]
    if before:
        return f"{before[-1].naam} (naam {before[-1].jaar_tot})"
    return f"{rows[0].naam} (naam {rows[0].jaar_van})"


def chapter_labels(codes: Iterable[str], jaar: int | None = None) -> dict[str, str]:
    """``chapter_label`` for each code (codes without any known name are left out)."""
    out = {}
    for code in codes:
        label = chapter_label(str(code), jaar)
        if label:
            out[str(code)] = label
    return out
