"""Reconstruct tables from an answer's lines (tab-per-cell convention, see :mod:`.lines`).

A table region is a run of tab-led and empty lines; one empty line ends a row, two or more end a table.
Rows are read as:

* a unit note ('bedrag x€1.000', 'Bedragen x € 1.000') sets the unit of the table (and of later tables of the
  same answer that name none);
* a label with a number is a data row; a label starting with 'Totaal' / 'Subtotaal' is a total row;
* a label alone in the first column is a heading: a financial instrument ('Subsidies', 'Agentschappen',
  'Bijdragen aan ZBO's/RWT's', 'Medeoverheden', ...) opens a group, anything else ('Logius', 'KVK') a subgroup;
* a label alone in an indented column is a data row whose amount is not given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .amounts import is_unit_note, parse_number, unit_multiplier
from .lines import Line
from .model import Table, TableRow

_NUMBER_CELL = re.compile(r"^[-–]?\s?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_TOTAL = re.compile(r"^(?:sub)?totaal\b", re.IGNORECASE)
_INSTRUMENT = re.compile(
    r"^(?:subsidies?|opdrachten|bijdragen? aan .+|medeoverheden|agentschappen|inkomensoverdrachten|leningen|"
    r"garanties|bekostiging|personele uitgaven|materi[eë]le uitgaven|overige bijdragen|apparaat(?:suitgaven)?)$",
    re.IGNORECASE)
_COLUMN_HEADER = re.compile(r"^(?:dossier|omschrijving|project|onderdeel|post|regeling|naam)$", re.IGNORECASE)


@dataclass
class Region:
    """The lines of one table and the index of its first line within the answer's lines."""

    start: int
    end: int
    rows: list[list[Line]]


def _is_cell(line: Line) -> bool:
    return line.text.startswith("\t")


def find_regions(lines: list[Line]) -> list[Region]:
    """Table regions in ``lines`` (only those with at least one number cell)."""
    regions: list[Region] = []
    i = 0
    while i < len(lines):
        if not _is_cell(lines[i]):
            i += 1
            continue
        j = i
        while j < len(lines) and (_is_cell(lines[j]) or not lines[j].text.strip()):
            j += 1
        end = j
        while end > i and not _is_cell(lines[end - 1]):
            end -= 1
        regions.extend(_split_tables(lines, i, end))
        i = j
    return [r for r in regions if any(_NUMBER_CELL.match(ln.text.strip()) for row in r.rows for ln in row)]


def _split_tables(lines: list[Line], start: int, end: int) -> list[Region]:
    out: list[Region] = []
    rows: list[list[Line]] = [[]]
    blank_run = 0
    table_start = start
    for k in range(start, end):
        line = lines[k]
        if _is_cell(line):
            if blank_run >= 2 and any(rows):
                out.append(Region(table_start, k, [r for r in rows if r]))
                rows = [[]]
                table_start = k
            blank_run = 0
            rows[-1].append(line)
        else:
            blank_run += 1
            if rows[-1]:
                rows.append([])
    if any(rows):
        out.append(Region(table_start, end, [r for r in rows if r]))
    return out


def _caption(lines: list[Line], start: int) -> str | None:
    for k in range(start - 1, -1, -1):
        text = lines[k].text.strip()
        if not text:
            continue
        if _is_cell(lines[k]):
            return None
        return text if text.endswith(":") else None
    return None


def build_tables(lines: list[Line], answer_id: str, first_index: int = 1) -> tuple[list[Table], set[int]]:
    """Tables of one answer, and the indexes of the lines they occupy (to keep them out of prose extraction)."""
    tables: list[Table] = []
    used: set[int] = set()
    unit: str | None = None
    multiplier = Decimal(1)
    for n, region in enumerate(find_regions(lines), start=first_index):
        used.update(range(region.start, region.end))
        table = Table(id=f"{answer_id}-t{n}", answer_id=answer_id, caption=_caption(lines, region.start),
                      unit=unit, multiplier=multiplier, line=lines[region.start].row)
        group: str | None = None
        subgroup: str | None = None
        for row in region.rows:
            cells = [ln.text.strip() for ln in row]
            unit_cells = [c for c in cells if c and is_unit_note(c)]
            if unit_cells:
                found = unit_multiplier(unit_cells[0])
                if found is not None:
                    unit, multiplier = " ".join(unit_cells[0].split()), found
                    table.unit, table.multiplier = unit, multiplier
            texts = [c for c in cells if c and c not in unit_cells and not _NUMBER_CELL.match(c)]
            numbers = [c for c in cells if _NUMBER_CELL.match(c)]
            label = " ".join(texts)
            if not texts and not numbers:
                continue
            if numbers:
                value = parse_number(numbers[-1].replace("–", "-").replace(" ", ""))
                table.rows.append(TableRow(label=label, value=value, amount=None, group=group, subgroup=subgroup,
                                           is_total=bool(_TOTAL.match(label)), line=row[0].row))
            elif unit_cells and _COLUMN_HEADER.match(label):
                continue
            elif not cells[0] and not unit_cells:
                table.rows.append(TableRow(label=label, value=None, amount=None, group=group, subgroup=subgroup,
                                           line=row[0].row))
            elif _INSTRUMENT.match(label):
                group, subgroup = label, None
            else:
                subgroup = label
        table.rows = [_with_amount(r, table.multiplier) for r in table.rows]
        tables.append(table)
    return tables, used


def _with_amount(row: TableRow, multiplier: Decimal) -> TableRow:
    if row.value is None:
        return row
    return TableRow(label=row.label, value=row.value, amount=row.value * multiplier, group=row.group,
                    subgroup=row.subgroup, is_total=row.is_total, line=row.line)
