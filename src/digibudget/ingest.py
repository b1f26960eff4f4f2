"""Load source files into the store: atomically, idempotently, with provenance and findings.

All files of one call are read and validated first; then everything is written in one transaction, followed by
the reconciliation checks. Any error leaves the database exactly as it was. A file whose bytes (sha256) are
already loaded adds nothing.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import reconcile, versions
from .duplicates import mark as mark_duplicates
from .errors import Location, SourceError, StrictRefusal, ValueFormatError
from .filehash import sha256_of
from .findings import Finding, store_finding_groups, store_findings
from .findings_nl import message_nl
from .sources import bulk_sql, is_json, is_sidecar
from .sources import read as read_source
from .sources import suffixes as reader_suffixes
from .sources.model import MAX_AMOUNT, MAX_PCT, ReadResult
from .sources.normalise import line_key
from .store import transaction
from .vocab import COMMITMENT_CATEGORIES, FASES, MEASURES, UNITS, VUO_CODES, publication_key_sql


@dataclass
class FileReport:
    path: str
    sha256: str
    kind: str | None = None
    status: str = "loaded"  # loaded | unchanged
    rows_read: int = 0
    lines: int = 0
    amounts: int = 0
    commitments: int = 0
    findings: int = 0
    errors: int = 0  # findings of severity 'error' (occurrences): cells whose value was not stored


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    reconciliation: dict[str, int] = field(default_factory=dict)
    replaced: list[versions.Replacement] = field(default_factory=list)  # earlier versions of files loaded now

    @property
    def loaded(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "loaded"]

    @property
    def errors(self) -> int:
        """Error-severity findings of the files loaded now (the CLI exits with EXIT_LOADED_WITH_ERRORS)."""
        return sum(f.errors for f in self.loaded)


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(0, 2)
        if fh.tell() == 0:
            return True
        fh.seek(-1, 2)
        return fh.read(1) in {b"\n", b"\r"}


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files as given, folders expanded to the files below them that some reader accepts (by suffix: .csv,
    .json, ...; sorted, so loads are reproducible; the JSON descriptions beside a table, like tables_meta.json and
    *.provenance.json, are no tables). A folder without any such file is refused: nothing would be loaded."""
    out: list[Path] = []
    accepted = reader_suffixes()
    for p in paths:
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and q.suffix in accepted and not is_sidecar(q))
            if not found:  # a wrong folder is said, not loaded as nothing
                raise SourceError("de map bevat geen bestanden die digibudget kan inlezen", location=Location(str(p)),
                                  expected="bestanden met " + ", ".join(sorted(accepted)))
            out.extend(found)
        elif p.is_file():
            out.append(p)
        elif p.exists():
            raise SourceError("dit is geen gewoon bestand of map (een apparaat, pipe of socket)",
                              location=Location(str(p)), expected="een CSV- of JSON-bestand, of een map daarvan")
        else:
            raise SourceError("bestand of map bestaat niet", location=Location(str(p)))
    return out


def _provenance(path: Path) -> dict[str, object]:
    side = path.with_name(path.name + ".provenance.json")
    if side.is_file():
        try:
            data = json.loads(side.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}
    return {}


def _digest(path: Path) -> str | SourceError:
    try:
        return sha256_of(path)
    except SourceError as exc:
        return exc


def _digests(files: Sequence[Path]) -> list[str | SourceError]:
    """The sha256 of every file, or the error that reading it gave, in file order: two at a time (hashlib lets go
    of the GIL; the 927 MB of the 5M benchmark: 0.9 -> 0.45 s)."""
    if len(files) < 2:
        return [_digest(p) for p in files]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(_digest, files))


def ingest(con: duckdb.DuckDBPyConnection, paths: Sequence[Path],
           progress: Callable[[str, int, int], None] | None = None,
           then: Callable[[duckdb.DuckDBPyConnection], None] | None = None, *, strict: bool = False) -> IngestReport:
    """Load files; `then` runs inside the same transaction after the writes (e.g. classification), so an
    interruption leaves the database before or after the whole job, never in between. `strict`: a file with
    findings of severity 'error' (a cell whose value could not be stored) refuses the whole ingest."""
    files = expand(paths)
    report = IngestReport()
    known = {r[0] for r in con.execute("SELECT sha256 FROM source").fetchall()}
    # the digests first (an unreadable file stops here; its error is raised in file order below), then the clean
    # bulk files among the new ones staged together in SQL; the rest is read in Python, file by file
    digests: list[str | SourceError] = []
    for digest in _digests(files):
        digests.append(digest)
        if isinstance(digest, SourceError):
            break
    new: list[Path] = []
    seen: set[str] = set()
    for path, digest in zip(files, digests, strict=False):
        if isinstance(digest, str) and digest not in known and digest not in seen:
            seen.add(digest)
            new.append(path)
    pending: list[tuple[Path, str, ReadResult | bulk_sql.Staged]] = []
    staged: dict[Path, bulk_sql.Staged] = {}
    seen = set()
    try:
        staged = bulk_sql.stage_many(con, new)
        for i, (path, digest) in enumerate(zip(files, digests, strict=False)):
            if progress:
                progress(f"lezen {path.name}", i, len(files))
            if isinstance(digest, SourceError):
                raise digest
            if digest in known or digest in seen:
                report.files.append(FileReport(str(path), digest, status="unchanged"))
                continue
            seen.add(digest)
            st = staged.get(path)
            if st is not None and st.refuse():  # raises the Python reader's error, if the file has one
                groups = bulk_sql.finding_groups(st)
                _strict(strict, path, [(f, n) for f, n, _ in groups])
                pending.append((path, digest, st))
                report.files.append(FileReport(str(path), digest, st.kind, "loaded", st.rows_read, st.lines,
                                               st.amounts, 0, st.findings,
                                               sum(n for f, n, _ in groups if f.severity == "error")))
                continue
            if st is not None:
                bulk_sql.forget(con, st)
            result = read_source(path)
            check(path, result)
            _strict(strict, path, [(f, f.occurrences) for f in result.findings])
            pending.append((path, digest, result))
            report.files.append(FileReport(
                str(path), digest, result.kind, "loaded", result.rows_read, len(result.lines),
                sum(len(line.amounts) for line in result.lines), len(result.commitments),
                sum(f.occurrences for f in result.findings),
                sum(f.occurrences for f in result.findings if f.severity == "error")))
        if not pending:
            return report
        if progress:
            progress("schrijven", len(files), len(files))
        with transaction(con):
            new_ids = _write_all(con, pending)
            report.replaced = versions.replace_earlier(con, new_ids)  # before the cross-source checks
            report.reconciliation = reconcile.run(con, new_ids)
            if then is not None:
                then(con)
    finally:
        for batch in {st.batch.n: st.batch for st in staged.values()}.values():
            batch.drop(con)
    return report


def _strict(strict: bool, path: Path, findings: Sequence[tuple[Finding, int]]) -> None:
    """Under --strict, refuse a file with findings of severity 'error', naming the first and how many there are."""
    errors = [(f, n) for f, n in findings if f.severity == "error"]
    if not strict or not errors:
        return
    first = min((f for f, _ in errors), key=lambda f: -1 if f.location.row is None else f.location.row)
    total = sum(n for _, n in errors)
    more = f" (en nog {total - 1} foutbevinding(en))" if total > 1 else ""
    raise StrictRefusal(f"{message_nl(first.code, first.figures, first.message)}{more}; --strict weigert een bestand "
                        "dat met foutbevindingen zou laden",
                        location=Location(str(path), first.location.row, first.location.column),
                        expected="elk bedrag leesbaar; zonder --strict laadt het bestand en worden dit bevindingen")




def check(path: Path, result: ReadResult) -> None:
    """Refuse what the store would refuse, before anything is written, naming the file, row and column.

    The readers validate their cells; this is the last line of defence so that no input can end an ingest with a
    database error. It also notes a file whose last line has no line break: its last row may be cut short.
    """
    where = str(path)
    if result.rows_read == result.blank_rows:
        blank = f" (alleen {result.blank_rows} lege regels)" if result.blank_rows else ""
        raise SourceError(f"het bestand heeft een kopregel maar geen gegevensrijen{blank}", location=Location(where, 2),
                          expected="ten minste één rij gegevens; is de download afgebroken?")

    def refuse(what: str, row: int, column: str | None = None) -> None:
        raise ValueFormatError(what, location=Location(where, row, column))

    for line in result.lines:
        if not line.hoofdstuk.strip():
            refuse("de regel heeft geen hoofdstuk", line.source_row)
        if not line.niveau.strip():
            refuse("de regel heeft geen niveau", line.source_row, "niveau")
        if line.vuo not in VUO_CODES:
            refuse(f"V/U/O-code {line.vuo!r} is niet V, U of O", line.source_row)
        if not -32768 <= line.begrotingsjaar <= 32767:
            refuse(f"begrotingsjaar {line.begrotingsjaar} valt buiten het bereik", line.source_row)
        for a in line.amounts:
            row = a.source_row or line.source_row
            if not a.source_column.strip():
                refuse("een bedrag heeft geen kolomnaam", row)
            if a.fase not in FASES or a.measure not in MEASURES or a.unit not in UNITS:
                refuse(f"bedrag van een onbekende soort ({a.fase}, {a.measure}, {a.unit})", row, a.source_column)
            if not (-32768 <= a.jaar <= 32767 and -32768 <= a.moment_jaar <= 32767):
                refuse(f"jaar {a.jaar} of moment {a.moment_jaar} valt buiten het bereik", row, a.source_column)
            limit = MAX_AMOUNT / 1000 if a.unit == "EURMLN" else MAX_AMOUNT  # amount_k shows millions x 1000
            if not a.value.is_finite() or abs(a.value) >= limit:
                refuse(f"bedrag {a.value} valt buiten het bereik", row, a.source_column)
    for c in result.commitments:
        if not c.hoofdstuk.strip() or not c.artikel.strip() or not c.source_column.strip():
            refuse("bij een percentage ontbreekt het hoofdstuk, artikel of de kolom", c.source_row,
                   c.source_column or None)
        if c.fase not in FASES or not c.pct.is_finite() or abs(c.pct) >= MAX_PCT:
            refuse(f"percentage {c.pct} ({c.fase}) kan niet worden opgeslagen", c.source_row, c.source_column)
        if c.vuo not in {"U", "V"} or c.category not in COMMITMENT_CATEGORIES:
            refuse(f"een aandeel {c.category} van {c.vuo!r} kan niet worden opgeslagen (alleen van uitgaven of "
                   "verplichtingen)",
                   c.source_row, c.source_column)
    if not is_json(path) and not _ends_with_newline(path):  # a JSON file that parsed is complete
        last = max((line.source_row for line in result.lines), default=None)
        result.findings.append(Finding("file-may-be-truncated", Location(where, last)))


def _write_all(con: duckdb.DuckDBPyConnection, pending: Sequence[tuple[Path, str, ReadResult | bulk_sql.Staged]]
               ) -> list[int]:
    """Write every file (source ids and line ids in file order; staged bulk files in one statement per batch),
    then mark duplicates and store the findings, file by file."""
    row = con.execute("SELECT coalesce(max(source_id), 0) + 1 FROM source").fetchone()
    source_id = int(row[0]) if row else 1
    row = con.execute("SELECT coalesce(max(line_id), 0) FROM budget_line").fetchone()
    next_line = int(row[0]) + 1 if row else 1
    ids: list[int] = []
    bulk_writes: list[tuple[bulk_sql.Staged, int, int]] = []
    for path, digest, result in pending:
        if isinstance(result, bulk_sql.Staged):
            prov = _provenance(path)
            con.execute(
                "INSERT INTO source VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?, NULL)",
                [source_id, digest, result.kind, path.name, str(path), path.stat().st_size,
                 prov.get("url"), None, result.licence, result.rows_read, result.lines, result.amounts])
            versions.record(con, source_id, prov)
            bulk_writes.append((result, source_id, next_line))
            next_line += result.lines
        else:
            _write(con, path, digest, result, source_id, next_line)
            next_line += len(result.lines)
        ids.append(source_id)
        source_id += 1
    bulk_sql.write(con, bulk_writes)
    record_latest_moments(con, ids)
    duplicates = mark_duplicates(con, ids)
    for (path, _, result), sid in zip(pending, ids, strict=True):
        store_findings(con, sid, str(path), duplicates.get(sid, []))
        if isinstance(result, bulk_sql.Staged):
            store_finding_groups(con, sid, str(path), bulk_sql.finding_groups(result))
        else:
            store_findings(con, sid, str(path), result.findings)
    return ids


def record_latest_moments(con: duckdb.DuckDBPyConnection, ids: Sequence[int]) -> None:
    """``source.latest_moment`` of the new sources: the latest budget moment they have figures or shares for, in
    publication order. Where sources tie, the derived tables and the shares prefer the newest publication by it
    (then the content hash), not the source loaded last (migration 0014)."""
    if not ids:
        return
    id_list = ", ".join(str(int(i)) for i in ids)
    con.execute(f"""
        UPDATE source SET latest_moment = x.m
        FROM (SELECT source_id, max({publication_key_sql("moment_jaar", "fase")}) AS m
              FROM (SELECT l.source_id, a.moment_jaar, a.fase FROM budget_line l JOIN amount a USING (line_id)
                    WHERE l.source_id IN ({id_list}) AND l.line_id BETWEEN
                          (SELECT min(line_id) FROM budget_line WHERE source_id IN ({id_list})) AND
                          (SELECT max(line_id) FROM budget_line WHERE source_id IN ({id_list}))
                    UNION ALL SELECT source_id, moment_jaar, fase FROM legal_commitment
                    WHERE source_id IN ({id_list}))
              GROUP BY source_id) x
        WHERE source.source_id = x.source_id""")  # noqa: S608 - integers and constants


def _write(con: duckdb.DuckDBPyConnection, path: Path, digest: str, result: ReadResult, source_id: int,
           next_line: int) -> None:
    prov = _provenance(path)
    n_amounts = sum(len(line.amounts) for line in result.lines)
    con.execute(
        "INSERT INTO source VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?, NULL)",
        [source_id, digest, result.kind, path.name, str(path), path.stat().st_size,
         prov.get("url") or result.url, result.title, result.licence, result.rows_read, len(result.lines),
         n_amounts])
    versions.record(con, source_id, prov)
    with tempfile.TemporaryDirectory(prefix="digibudget-") as tmp:
        lines_csv = Path(tmp) / "lines.csv"
        amounts_csv = Path(tmp) / "amounts.csv"
        with lines_csv.open("w", newline="", encoding="utf-8") as lf, \
                amounts_csv.open("w", newline="", encoding="utf-8") as af:
            lw, aw = csv.writer(lf), csv.writer(af)
            for offset, line in enumerate(result.lines):
                line_id = next_line + offset
                key = line_key(line.hoofdstuk, line.artikel, line.artikelonderdeel, line.instrument, line.regeling,
                               line.detail, line.vuo) + ("|T" if line.is_total else "")
                lw.writerow([line_id, source_id, line.source_row, line.source_ref, line.begrotingsjaar,
                             line.document_fase, line.hoofdstuk, line.hoofdstuk_naam, line.artikel, line.artikel_naam,
                             line.artikel_type, line.artikelonderdeel, line.artikelonderdeel_naam, line.instrument,
                             line.instrument_raw, line.regeling, line.detail, line.niveau, line.vuo,
                             "true" if line.is_total else "false", key])
                for a in line.amounts:
                    aw.writerow([line_id, a.moment_jaar, a.fase, a.measure, a.mutatie_soort, a.jaar,
                                 format(a.value, "f"), a.unit, a.source_column, a.source_row or line.source_row])
        if result.lines:
            _insert_csv(con, "budget_line", _LINE_COLUMNS, lines_csv)
        if n_amounts:
            _insert_csv(con, "amount", _AMOUNT_COLUMNS, amounts_csv)
    if result.commitments:
        con.executemany(
            "INSERT INTO legal_commitment (source_id, source_row, begrotingsjaar, moment_jaar, fase, hoofdstuk, "
            "artikel, jaar, category, pct, source_column, instrument, vuo, source_text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[source_id, c.source_row, c.begrotingsjaar, c.moment_jaar, c.fase, c.hoofdstuk, c.artikel, c.jaar,
              c.category, c.pct, c.source_column, c.instrument, c.vuo, c.source_text] for c in result.commitments])


_LINE_COLUMNS = ("line_id", "source_id", "source_row", "source_ref", "begrotingsjaar", "document_fase", "hoofdstuk",
                 "hoofdstuk_naam", "artikel", "artikel_naam", "artikel_type", "artikelonderdeel",
                 "artikelonderdeel_naam", "instrument", "instrument_raw", "regeling", "detail", "niveau", "vuo",
                 "is_total", "line_key")
_AMOUNT_COLUMNS = ("line_id", "moment_jaar", "fase", "measure", "mutatie_soort", "jaar", "value", "unit",
                   "source_column", "source_row")


def _insert_csv(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str], path: Path) -> None:
    """Bulk-insert our own temporary CSV (csv.writer: rows end in CRLF). Every option is stated and nothing is
    sniffed, so text from a source file (separators, quotes, lone CR or LF, NUL) comes back exactly as written; an
    empty cell is NULL."""
    names = ", ".join(columns)
    types = ", ".join(f"'{c}': 'VARCHAR'" for c in columns)
    con.execute(f"""
        INSERT INTO {table} ({names})
        SELECT * FROM read_csv('{_sql_path(path)}', columns={{{types}}}, header=false, delim=',', quote='"',
            escape='"', new_line='\\r\\n', auto_detect=false, null_padding=false, max_line_size=100000000)
    """)  # noqa: S608 - table and columns are constants here, the path is our own temporary file


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")
