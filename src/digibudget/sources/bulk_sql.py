"""The set-based path for the rijksfinancien.nl bulk layout: the same lines, amounts and findings as ``bulk.read``,
computed inside DuckDB instead of one Python object per row.

1. ``stage``: DuckDB ``read_csv`` (every option stated, all VARCHAR, strict) into a temporary table; one Python pass
   over the bytes counts the physical lines, so that record i is physical line i + 2 exactly (the file is staged
   only when no cell holds a line break, no line is blank and no CR stands alone; otherwise, and on any DuckDB
   error, the caller falls back to ``bulk.read``, which reads anything and names any error precisely).
2. Validation in SQL. Every cell that decides a value (year, fase, V/U/O, total flag, hoofdstuk, instrument, the
   slug of a description, an amount that is not a plain number) is interpreted by the very Python functions
   ``bulk.read`` uses, once per distinct value, and joined back. The first row with a cell that cannot be read is
   handed to ``bulk.parse_row``, which raises the same error (file, physical row, column, expected).
   Findings are the same codes and messages, grouped in SQL exactly as ``ingest.store_findings`` groups them.
3. ``write``: INSERT ... SELECT into budget_line and amount inside the caller's transaction (exact DECIMALs,
   ``line_key`` as ``normalise.line_key``).

All SQL here is assembled from constants, generated table and column names (``bulk_line_3``, ``c7``) and values quoted
by ``_sql_str``; no cell of a file reaches it unquoted (hence the per-file S608 exemption in pyproject.toml).

Long because: one staging path whose steps (``_Stager``: read, line table, value maps, refused rows, decide,
count, findings) share the batch's temporary tables and must run in this order; each step is a short method, and
splitting the module would only spread one SQL pipeline over two files.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ..errors import Location, SourceError, ValueFormatError
from ..findings import Finding
from . import bulk, bulk_files
from .normalise import (
    amount_or_finding,
    normalise_hoofdstuk,
    normalise_instrument,
    normalise_vuo,
    parse_year,
    slug,
)

# what str.strip() removes, for DuckDB's trim(x, characters)
_WS = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
# an amount DuckDB can cast exactly as Python's Decimal reads it: no spaces, no exotic minus, at most 18 digits
# before and 10 after the decimal comma (every other non-empty cell goes through normalise.amount_or_finding)
_PLAIN = r"^-?(\d{1,3}(\.\d{3}){1,5}|\d{1,18})(,\d{1,10})?$"
_MAX_VALUE = bulk_files.MAX_AMOUNT  # declared once, in sources.model


@dataclass
class Batch:
    """Bulk files with the same header, separator and line ending, staged together in temporary tables."""

    n: int  # suffix of the temporary tables
    lay: bulk.Layout
    sep: str

    def drop(self, con: duckdb.DuckDBPyConnection) -> None:
        for t in ("raw", "line", "files", "ids", "map_year", "map_fase", "map_vuo", "map_tot", "map_hfd",
                  "map_instr", "map_slug", "map_amount"):
            con.execute(f"DROP TABLE IF EXISTS bulk_{t}_{self.n}")


@dataclass
class Staged:
    """One bulk file validated in its batch's temporary tables, ready to be written."""

    path: Path
    batch: Batch
    fid: int
    rows_read: int = 0
    lines: int = 0
    amounts: int = 0
    findings: int = 0  # occurrences, as len(ReadResult.findings) would count them
    groups: list[tuple[tuple[int, str, str, str], Finding, int, list[int]]] = field(default_factory=list)
    error_row: int | None = None  # the first row the Python reader refuses: raised in file order by ``refusal``
    big_row: int | None = None  # the first row with an amount the store cannot hold (ingest.check)
    kind: str = bulk.KIND
    licence: str = bulk.LICENCE

    def refuse(self) -> bool:
        """Raise the Python reader's error for this file, if it has one. False: the SQL path cannot decide this
        file (a short row of blank cells), read it in Python."""
        lay, sep = self.batch.lay, self.batch.sep
        if self.error_row is not None:
            bulk_files.raise_for_row(self.path, lay, sep, self.error_row)
            return False
        if self.big_row is not None:
            bulk_files.refuse_amount(self.path, lay, sep, self.big_row)
        return True


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _cell(i: int | None) -> str:
    """Column i of the raw table, stripped ('' for a column the file lacks)."""
    return f"bulk_strip(c{i})" if i is not None else "''"


_counter = [0]


def stage_many(con: duckdb.DuckDBPyConnection, paths: Sequence[Path]) -> dict[Path, Staged]:
    """Stage every clean bulk file of ``paths`` (see the module doc); files missing from the result need the Python
    reader. Errors are not raised here but kept per file (``Staged.refuse``), so that the caller raises them in file
    order, as the Python reader would."""
    groups: dict[tuple[tuple[str, ...], str, str], list[tuple[Path, tuple[int, bool, list[tuple[int, bytes]]]]]] = {}
    for path in paths:
        found = bulk_files.header_of(path)
        if found is None:
            continue
        header, sep, ending = found
        try:
            bulk.layout(path, header)
        except SourceError:
            continue  # a missing column: the Python reader names it
        scanned = bulk_files.scan(path)
        if scanned is not None:
            groups.setdefault((tuple(header), sep, ending), []).append((path, scanned))
    out: dict[Path, Staged] = {}
    for (names, sep, ending), members in groups.items():
        for batch in _batches(members):
            out.update(_stage_group(con, list(names), sep, ending, batch))
    return out


# files staged together at most (bytes of CSV): each batch's staging tables stay within DuckDB's memory limit
# (job_memory_limit), so that staging stays linear in the rows instead of spilling in the middle of every pass
STAGE_BATCH_BYTES = 256 << 20


def _batches(members: list[tuple[Path, Any]]) -> list[list[tuple[Path, Any]]]:
    """Consecutive files in groups of at most STAGE_BATCH_BYTES (a bigger file is a batch of its own)."""
    out: list[list[tuple[Path, Any]]] = []
    size = 0
    for m in members:
        n = m[0].stat().st_size
        if not out or size + n > STAGE_BATCH_BYTES:
            out.append([])
            size = 0
        out[-1].append(m)
        size += n
    return out


def stage(con: duckdb.DuckDBPyConnection, path: Path) -> Staged | None:
    """One file: ``stage_many`` for a single path."""
    return stage_many(con, [path]).get(path)


def _stage_group(con: duckdb.DuckDBPyConnection, header: list[str], sep: str, ending: str,
                 members: list[tuple[Path, tuple[int, bool, list[tuple[int, bytes]]]]]) -> dict[Path, Staged]:
    _counter[0] += 1
    batch = Batch(_counter[0], bulk.layout(members[0][0], header), sep)
    try:
        return _stage(con, batch, ending, members)
    except duckdb.Error:
        batch.drop(con)
        if len(members) == 1:
            return {}
        out: dict[Path, Staged] = {}
        for m in members:  # find the file DuckDB cannot read; stage the others
            out.update(_stage_group(con, header, sep, ending, [m]))
        return out
    except BaseException:
        batch.drop(con)
        raise


_Member = tuple[Path, tuple[int, bool, list[tuple[int, bytes]]]]  # (path, bulk_files.scan of it)
_MapRow = tuple[str, str, str, str, str]  # (key, value, ok or slug, finding code, finding message)


def _stage(con: duckdb.DuckDBPyConnection, batch: Batch, ending: str,
           members: list[_Member]) -> dict[Path, Staged]:
    return _Stager(con, batch, members).run(ending)


class _Stager:
    """The steps of staging one batch, in this order (``run``): read the CSV, build the line table, map the distinct
    values in Python, find the refused rows, decide every value, count, group the findings."""

    def __init__(self, con: duckdb.DuckDBPyConnection, batch: Batch, members: list[_Member]) -> None:
        self.con, self.batch, self.members = con, batch, members
        self.lay, self.n = batch.lay, batch.n
        self.width = len(self.lay.header)
        self.line, self.files = f"bulk_line_{batch.n}", f"bulk_files_{batch.n}"
        self.names = [str(p) for p, _ in members]
        self.loc = Location(None)
        self.proto: dict[tuple[str, str], Finding] = {}  # the first finding per (code, message): its figures
        self.maps: dict[str, list[_MapRow]] = {}  # one Python interpretation per distinct value, per mapping
        self.staged: dict[int, Staged] = {}

    def run(self, ending: str) -> dict[Path, Staged]:
        good = self.read_raw(ending)
        if not good:
            self.batch.drop(self.con)
            return {}
        self.staged = {fid: Staged(self.members[fid][0], self.batch, fid) for fid in good}
        self.line_table(good)
        self.map_keys()
        self.error_rows()
        self.map_names()
        self.map_amounts()
        self.decide()
        self.count()
        self.group_findings()
        for st in self.staged.values():
            st.groups.sort(key=lambda g: g[0])
        return {st.path: st for st in self.staged.values()}

    def read_raw(self, ending: str) -> dict[int, int]:
        """read_csv of the whole batch into ``bulk_raw_<n>``; the files with one record per physical line (fid ->
        first rowid)."""
        con, sep, width, raw, files, names = (self.con, self.batch.sep, self.width, f"bulk_raw_{self.n}",
                                              self.files, self.names)
        cols = [f"c{i}" for i in range(width)]
        # one spare column: a row with more cells fills it, a row with fewer leaves its last cells NULL (padding; an
        # empty cell stays '' because nullstr is a string no cell holds)
        types = ", ".join(f"'{c}': 'VARCHAR'" for c in [*cols, f"c{width}"])
        newline = "\\r\\n" if ending == "\r\n" else "\\n"
        con.execute(f"CREATE TEMP TABLE {files} (fid INTEGER, filename VARCHAR, physical BIGINT)")
        con.executemany(f"INSERT INTO {files} VALUES (?, ?, ?)",
                        [[i, name, m[1][0]] for i, (name, m) in enumerate(zip(names, self.members, strict=True))])
        con.execute(f"""
            CREATE TEMP TABLE {raw} AS SELECT * FROM read_csv([{", ".join(_sql_str(x) for x in names)}],
                columns={{{types}}}, header=false, skip=1, delim={_sql_str(sep)}, quote='"', escape='"',
                new_line='{newline}', auto_detect=false, strict_mode=false, null_padding=true, nullstr='\x01\x02\x03',
                encoding='utf-8', max_line_size=100000000, parallel=true, filename=true)
        """)
        per_file = con.execute(f"""
            SELECT f.fid, count(r.filename), min(r.rowid), max(r.rowid), f.physical
            FROM {files} f LEFT JOIN {raw} r ON r.filename = f.filename GROUP BY f.fid, f.physical
        """).fetchall()
        good: dict[int, int] = {}  # fid -> first rowid
        for fid, count, lo, hi, physical in per_file:
            # a blank line (DuckDB skips it), a line break inside a cell (DuckDB joins two physical lines into one
            # record; a lone CR never gets here, see bulk_files.scan) or no data rows: each makes DuckDB's records
            # fewer than the physical lines, and the Python reader decides. Equal counts mean one record per line.
            if count and count == physical - 1 and hi - lo + 1 == count:
                good[fid] = int(lo)
        quoted = {fid: (lo, self.members[fid][1][2]) for fid, lo in good.items()}
        for fid in bulk_files.differently_split(con, raw, width, sep, quoted):
            del good[fid]
        return good

    def line_table(self, good: dict[int, int]) -> None:
        """``bulk_line_<n>``: per record its file, physical line, stripped cells, skip reason and width check."""
        con, lay, width, line, files = self.con, self.lay, self.width, self.line, self.files
        con.execute(f"CREATE OR REPLACE TEMP TABLE {files} AS SELECT * FROM (VALUES "
                    + ", ".join(f"({fid}, {_sql_str(self.names[fid])}, {lo})" for fid, lo in good.items())
                    + ") t(fid, filename, first_rowid)")
        # trim(x, characters) is slow: only cells whose first or last character (code point, as x[1] and x[-1]
        # give it) is whitespace go through it; a regular expression for that test was three times slower
        ws = _sql_str(_WS)
        con.execute(f"""CREATE OR REPLACE TEMP MACRO bulk_strip(x) AS
            CASE WHEN x <> '' AND (contains({ws}, x[1]) OR contains({ws}, x[-1])) THEN trim(x, {ws})
                 ELSE coalesce(x, '') END""")
        c, col, opt = _cell, lay.col, lay.opt
        # rows to skip: empty (every cell blank) and repeated headers (half of the named columns hold their name)
        empty = " AND ".join(f"bulk_strip(c{i}) = ''" for i in range(width))
        hnames = [(i, h.lower()) for i, h in enumerate(lay.header) if h]
        probe = hnames[: len(hnames) // 2 + 1]  # a header row matches at least one of any more-than-half of the names
        hits = " + ".join(f"(lower(bulk_strip(c{i})) = {_sql_str(h)})::INTEGER" for i, h in hnames) or "0"
        maybe = " OR ".join(f"contains(lower(c{i}), {_sql_str(h)})" for i, h in probe) or "false"  # a cheap superset
        year, fase, vuo, tot, hfd = (c(col[k]) for k in ("Begrotingsjaar", "Fase", "VUO", "Totaal", "Hoofdstuknummer"))
        instr, detail = c(opt["Instrumentnaam"]), c(opt["Detailnaam"])
        con.execute(f"""
            CREATE TEMP TABLE {line} AS
            SELECT f.fid, r.rowid - f.first_rowid + 2 AS lineno, {year} AS s_year, {fase} AS s_fase, {vuo} AS s_vuo,
                   {tot} AS s_tot, {hfd} AS s_hfd, {instr} AS s_instr, {detail} AS s_detail,
                   coalesce(CASE WHEN {year} = '' THEN CASE WHEN {empty} THEN 'empty' END END,
                            CASE WHEN {maybe} THEN CASE WHEN ({hits}) * 2 >= {len(hnames)} THEN 'header' END END)
                       AS skip,
                   nullif({c(opt["IBOSnummer"])}, '') AS source_ref, nullif({c(opt["Hoofdstuknaam"])}, '') AS hnaam,
                   nullif({c(col["Artikelnummer"])}, '') AS artikel, nullif({c(opt["Artikelnaam"])}, '') AS anaam,
                   nullif({c(opt["Artikelonderdeelnummer"])}, '') AS ond,
                   c{width - 1} IS NULL OR c{width} IS NOT NULL AS width_bad,
                   {", ".join(f"coalesce(c{i}, '') AS a{k}" for k, (_, _, _, i) in enumerate(lay.amount_cols))}
            FROM bulk_raw_{self.n} r JOIN {files} f ON f.filename = r.filename
        """)
        con.execute(f"DROP TABLE bulk_raw_{self.n}")

    def note(self, findings: list[Finding]) -> tuple[str, str]:
        """The (code, message) of an interpretation's finding, if any; the first of each is kept as prototype."""
        if not findings:
            return "", ""
        f = findings[0]
        self.proto.setdefault((f.code, f.message), f)
        return f.code, f.message

    def distinct(self, expr: str) -> list[str]:
        rows = self.con.execute(f"SELECT DISTINCT {expr} FROM {self.line} WHERE skip IS NULL").fetchall()
        return [str(r[0]) for r in rows]

    def map_keys(self) -> None:
        """The cells that decide whether a row can be read: year, fase, V/U/O, total flag, hoofdstuk."""
        loc, note, distinct = self.loc, self.note, self.distinct
        maps: dict[str, list[_MapRow]] = {k: [] for k in ("year", "fase", "vuo", "tot", "hfd")}
        for v in distinct("s_year"):
            try:
                maps["year"].append((v, str(parse_year(v, location=loc)), "1", "", ""))
            except ValueFormatError:
                maps["year"].append((v, "", "0", "", ""))
        for v in distinct("s_fase"):
            known = bulk._FASES.get(v.upper())
            maps["fase"].append((v, known or "", "1" if known else "0", "", ""))
        for v in distinct("s_vuo"):
            found: list[Finding] = []
            try:
                maps["vuo"].append((v, normalise_vuo(v, location=loc, findings=found), "1", *note(found)))
            except ValueFormatError:
                maps["vuo"].append((v, "", "0", "", ""))
        for v in distinct("s_tot"):
            t = v.upper()[:1]
            maps["tot"].append((v, t, "1" if t in {"J", "N"} else "0", "", ""))
        for v in distinct("s_hfd"):
            found = []
            try:
                maps["hfd"].append((v, normalise_hoofdstuk(v, location=loc, findings=found), "1", *note(found)))
            except ValueFormatError:
                maps["hfd"].append((v, "", "0", "", ""))
        for key, rows in maps.items():
            _load(self.con, f"bulk_map_{key}_{self.n}", rows)
        self.maps.update(maps)

    def error_rows(self) -> None:
        """The first row per file that the Python reader refuses (a cell it cannot read, too few or too many cells)."""
        n = self.n
        for fid, row in self.con.execute(f"""
            SELECT l.fid, min(l.lineno) FROM {self.line} l
            LEFT JOIN bulk_map_year_{n} y ON y.k = l.s_year LEFT JOIN bulk_map_fase_{n} f ON f.k = l.s_fase
            LEFT JOIN bulk_map_vuo_{n} v ON v.k = l.s_vuo LEFT JOIN bulk_map_tot_{n} t ON t.k = l.s_tot
            LEFT JOIN bulk_map_hfd_{n} h ON h.k = l.s_hfd
            WHERE l.width_bad OR (l.skip IS NULL AND (y.ok = '0' OR f.ok = '0' OR v.ok = '0' OR t.ok = '0'
                                                      OR h.ok = '0'))
            GROUP BY l.fid
        """).fetchall():
            self.staged[int(fid)].error_row = int(row)

    def map_names(self) -> None:
        """Instrument (value, slug, finding) and the slug of the description."""
        instr_rows: list[_MapRow] = []
        for v in self.distinct("s_instr"):
            found: list[Finding] = []
            value = normalise_instrument(v or None, location=self.loc, findings=found)
            instr_rows.append((v, value or "", slug(value), *self.note(found)))
        _load(self.con, f"bulk_map_instr_{self.n}", instr_rows)
        _load(self.con, f"bulk_map_slug_{self.n}", ((v, "", slug(v), "", "") for v in self.distinct("s_detail")))
        self.maps["instr"] = instr_rows

    def map_amounts(self) -> None:
        """Amounts: plain numbers are cast in SQL; any other non-empty cell is read by amount_or_finding, once."""
        others = self.con.execute(" UNION ".join(
            f"SELECT a{k} FROM {self.line} WHERE skip IS NULL AND a{k} <> '' AND NOT regexp_matches(a{k}, '{_PLAIN}')"
            for k in range(len(self.lay.amount_cols)))).fetchall()
        amount_rows: list[_MapRow] = []
        for (v,) in others:
            found: list[Finding] = []
            amount = amount_or_finding(v, style="nl", location=self.loc, findings=found)
            too_big = amount is not None and (not amount.is_finite() or abs(amount) >= _MAX_VALUE)
            amount_rows.append((v, "" if amount is None else format(amount, "f"), "0" if too_big else "1",
                                *self.note(found)))
        _load(self.con, f"bulk_map_amount_{self.n}", amount_rows)
        self.maps["amount"] = amount_rows

    def decide(self) -> None:
        """Replace ``bulk_line_<n>`` by the staged lines, in file order, with every value decided; drop the maps.
        (When every amount of the rows read is a plain number, as in most files, the amount mapping is empty and not
        joined at all: seven joins over millions of rows for nothing.)"""
        con, line, n, k_all = self.con, self.line, self.n, range(len(self.lay.amount_cols))
        value_cols = [f"""CASE WHEN a{k} = '' THEN NULL
                 WHEN regexp_matches(a{k}, '{_PLAIN}') THEN replace(replace(a{k}, '.', ''), ',', '.')::DECIMAL(38,10)
                 ELSE nullif(m{k}.v, '')::DECIMAL(38,10) END AS v{k},
               m{k}.ok AS ok{k}, nullif(m{k}.code, '') AS code{k}, m{k}.message AS msg{k}""" for k in k_all]
        amount_joins = " ".join(f"LEFT JOIN bulk_map_amount_{n} m{k} ON m{k}.k = l.a{k}" for k in k_all)
        if not self.maps["amount"]:
            value_cols = [f"""CASE WHEN l.skip IS NOT NULL OR a{k} = '' THEN NULL  -- skipped rows: never read
                 ELSE replace(replace(a{k}, '.', ''), ',', '.')::DECIMAL(38,10) END AS v{k},
               NULL::VARCHAR AS ok{k}, NULL::VARCHAR AS code{k}, NULL::VARCHAR AS msg{k}""" for k in k_all]
            amount_joins = ""
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {line} AS
            SELECT l.fid, l.lineno, l.skip,
                   l.lineno - 1 AS lrn,  -- renumbered below in files with skipped rows
                   y.v::SMALLINT AS jaar, f.v AS fase, v.v AS vuo, t.v = 'J' AS is_total, h.v AS hoofdstuk,
                   l.hnaam, l.artikel, l.anaam, l.ond, nullif(i.v, '') AS instrument,
                   nullif(l.s_instr, '') AS instrument_raw,
                   nullif(l.s_detail, '') AS regeling,
                   CASE WHEN l.s_detail <> '' THEN 'regeling' WHEN i.v <> '' THEN 'instrument'
                        WHEN l.ond IS NOT NULL THEN 'artikelonderdeel' ELSE 'artikel' END AS niveau,
                   concat_ws('|', h.v, coalesce(l.artikel, ''), coalesce(l.ond, ''), coalesce(i.slug, ''),
                             coalesce(s.slug, ''), '', v.v) || CASE WHEN t.v = 'J' THEN '|T' ELSE '' END AS line_key,
                   l.source_ref,
                   nullif(v.code, '') AS vuo_code, v.message AS vuo_msg, nullif(h.code, '') AS hfd_code,
                   h.message AS hfd_msg, nullif(i.code, '') AS instr_code, i.message AS instr_msg,
                   {", ".join(value_cols)}
            FROM {line} l
            LEFT JOIN bulk_map_year_{n} y ON y.k = l.s_year LEFT JOIN bulk_map_fase_{n} f ON f.k = l.s_fase
            LEFT JOIN bulk_map_vuo_{n} v ON v.k = l.s_vuo LEFT JOIN bulk_map_tot_{n} t ON t.k = l.s_tot
            LEFT JOIN bulk_map_hfd_{n} h ON h.k = l.s_hfd LEFT JOIN bulk_map_instr_{n} i ON i.k = l.s_instr
            LEFT JOIN bulk_map_slug_{n} s ON s.k = l.s_detail {amount_joins}
        """)
        con.execute(f"""
            UPDATE {line} SET lrn = x.rn
            FROM (SELECT fid, lineno, row_number() OVER (PARTITION BY fid ORDER BY lineno) AS rn FROM {line}
                  WHERE skip IS NULL AND fid IN (SELECT fid FROM {line} WHERE skip IS NOT NULL)) x
            WHERE {line}.fid = x.fid AND {line}.lineno = x.lineno AND {line}.lrn <> x.rn
        """)
        for t in ("year", "fase", "vuo", "tot", "hfd", "instr", "slug", "amount"):
            con.execute(f"DROP TABLE bulk_map_{t}_{n}")

    def count(self) -> None:
        """Per file: the first amount the store cannot hold, lines, amounts, rows read, and the file-level findings."""
        con, line, k_all = self.con, self.line, range(len(self.lay.amount_cols))
        # ingest.check: an amount that rounds to 10^28 or more cannot be stored
        for fid, row in con.execute(f"""SELECT fid, min(lineno) FROM {line}
                                        WHERE skip IS NULL AND ({" OR ".join(f"ok{k} = '0'" for k in k_all)})
                                        GROUP BY fid""").fetchall():
            self.staged[int(fid)].big_row = int(row)
        for fid, lines, last_line, amounts, missing in con.execute(f"""
            SELECT fid, count(*) FILTER (WHERE skip IS NULL), max(lineno) FILTER (WHERE skip IS NULL),
                   {" + ".join(f"count(v{k}) FILTER (WHERE skip IS NULL)" for k in k_all)},
                   {" + ".join(f"count(*) FILTER (WHERE skip IS NULL AND v{k} IS NULL)" for k in k_all)},
            FROM {line} GROUP BY fid
        """).fetchall():
            st = self.staged[int(fid)]
            st.lines, st.amounts = int(lines), int(amounts)
            where = str(st.path)
            if missing:
                f = Finding("amount-missing", Location(where), count=int(missing))
                st.groups.append(((-1, "", f.code, f.message), f, 1, []))
                st.findings += 1
            if not self.members[fid][1][1]:  # no line break at the end
                f = Finding("file-may-be-truncated", Location(where, None if last_line is None else int(last_line)))
                st.groups.append(((-1 if last_line is None else int(last_line), "", f.code, f.message), f, 1,
                                  [] if last_line is None else [int(last_line)]))
                st.findings += 1
        for fid, count in con.execute(f"SELECT fid, count(*) FROM {line} GROUP BY fid").fetchall():
            self.staged[int(fid)].rows_read = int(count)

    def group_findings(self) -> None:
        """Every occurrence (file, row, column, code, message), grouped like ingest.store_findings."""
        line, maps = self.line, self.maps
        occ = [f"SELECT fid, lineno AS r, NULL AS col, 'empty-row' AS code, {_sql_str(_msg('empty-row', count=1))}"
               f" AS msg FROM {line} WHERE skip = 'empty'",
               f"SELECT fid, lineno, NULL, 'header-row-in-data', {_sql_str(_msg('header-row-in-data'))} FROM {line} "
               "WHERE skip = 'header'"]
        # a column whose interpretations gave no finding at all is not scanned for them
        occ += [f"SELECT fid, lineno, {_sql_str(name)}, {key}_code, {key}_msg FROM {line} WHERE {key}_code IS NOT NULL"
                for key, name in (("vuo", "VUO"), ("hfd", "Hoofdstuknummer"), ("instr", "Instrumentnaam"))
                if any(r[3] for r in maps[key])]
        if any(r[3] for r in maps["amount"]):
            occ += [f"SELECT fid, lineno, {_sql_str(name)}, code{k}, msg{k} FROM {line} WHERE code{k} IS NOT NULL"
                    for k, (name, _, _, _) in enumerate(self.lay.amount_cols)]
        self.proto[("empty-row", _msg("empty-row", count=1))] = Finding("empty-row", count=1)
        self.proto[("header-row-in-data", _msg("header-row-in-data"))] = Finding("header-row-in-data")
        # the first 50 rows of each group: a row occurs at most once per part of the union, so the 50 x len(occ)
        # smallest row numbers hold its first 50 distinct rows (a top-N aggregate instead of sorting them all)
        for fid, code, msg, count, row, column, rows in self.con.execute(f"""
            SELECT fid, code, msg, count(*) AS n, min(r) AS r, arg_min(coalesce(col, ''), (r, coalesce(col, ''))),
                   list_slice(list_sort(list_distinct(min(r, {50 * len(occ)}))), 1, 50) AS rows
            FROM ({" UNION ALL ".join(occ)}) GROUP BY fid, code, msg
        """).fetchall():
            st = self.staged[int(fid)]
            p = self.proto[(code, msg)]
            f = Finding(code, Location(str(st.path), int(row), column or None), **p.figures)
            st.groups.append(((int(row), column or "", code, msg), f, int(count), sorted(int(x) for x in rows)))
            st.findings += int(count)


def forget(con: duckdb.DuckDBPyConnection, st: Staged) -> None:
    """Leave this file to the Python reader: remove its staged rows."""
    con.execute(f"DELETE FROM bulk_line_{st.batch.n} WHERE fid = ?", [st.fid])


def _msg(code: str, **figures: Any) -> str:
    return Finding(code, **figures).message


def _load(con: duckdb.DuckDBPyConnection, table: str, rows: Iterable[tuple[str, str, str, str, str]]) -> None:
    """A small mapping table (k, v, ok/slug, code, message), all VARCHAR, empty strings kept as ''."""
    names = ("k", "v", "ok", "code", "message")
    with tempfile.TemporaryDirectory(prefix="digibudget-") as tmp:
        p = Path(tmp) / "map.csv"
        with p.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerows(rows)
        types = ", ".join(f"'{c}': 'VARCHAR'" for c in names)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {table} AS
            SELECT k, v, ok AS ok, ok AS slug, code, message FROM read_csv({_sql_str(str(p))}, columns={{{types}}},
                header=false, delim=',', quote='"', escape='"', new_line='\\r\\n', auto_detect=false,
                null_padding=false, force_not_null=['k', 'v', 'ok', 'code', 'message'], max_line_size=100000000)
        """)


_LINE_COLUMNS = ("line_id", "source_id", "source_row", "source_ref", "begrotingsjaar", "document_fase", "hoofdstuk",
                 "hoofdstuk_naam", "artikel", "artikel_naam", "artikelonderdeel", "instrument", "instrument_raw",
                 "regeling", "niveau", "vuo", "is_total", "line_key")


def write(con: duckdb.DuckDBPyConnection, files: Sequence[tuple[Staged, int, int]]) -> None:
    """Insert the staged lines and amounts of (file, source_id, first line_id), one statement per batch, inside the
    caller's transaction."""
    batches: dict[int, tuple[Batch, list[tuple[int, int, int]]]] = {}
    for st, source_id, next_line in files:
        batches.setdefault(st.batch.n, (st.batch, []))[1].append((st.fid, source_id, next_line))
    for n, (batch, ids) in batches.items():
        line, idt = f"bulk_line_{n}", f"bulk_ids_{n}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {idt} AS SELECT * FROM (VALUES "
                    + ", ".join(f"({a}, {b}, {c})" for a, b, c in ids)
                    + ") t(fid, source_id, next_line)")
        con.execute(f"""
            INSERT INTO budget_line ({", ".join(_LINE_COLUMNS)})
            SELECT i.next_line + l.lrn - 1, i.source_id, l.lineno, l.source_ref, l.jaar, l.fase, l.hoofdstuk, l.hnaam,
                   l.artikel, l.anaam, l.ond, l.instrument, l.instrument_raw, l.regeling, l.niveau, l.vuo, l.is_total,
                   l.line_key
            FROM {line} l JOIN {idt} i USING (fid) WHERE l.skip IS NULL
        """)
        parts = [f"SELECT i.next_line + l.lrn - 1, l.jaar, {_sql_str(afase)}, {_sql_str(measure)}, NULL, l.jaar, "
                 f"l.v{k}, 'EUR1000', {_sql_str(name)}, l.lineno FROM {line} l JOIN {idt} i USING (fid) "
                 f"WHERE l.skip IS NULL AND l.v{k} IS NOT NULL"
                 for k, (name, afase, measure, _) in enumerate(batch.lay.amount_cols)]
        if parts:
            con.execute("INSERT INTO amount " + " UNION ALL ".join(parts))


def finding_groups(st: Staged) -> Sequence[tuple[Finding, int, list[int]]]:
    return [(f, count, rows) for _, f, count, rows in st.groups]
