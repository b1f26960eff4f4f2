"""The embedded DuckDB store: open, migrate, transactions.

One database file holds everything. Schema changes are named, recorded migrations (table ``schema_migration``);
opening a database applies the ones it has not seen, in order, each in its own transaction.
Serving opens the file read-only.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from . import jobhost
from .errors import StoreError
from .migrations import MIGRATIONS
from .settings import load_settings

MONEY = "DECIMAL(38,10)"
# DuckDB draws an (English) progress bar on the terminal for a long query; the commands show their own, in Dutch
QUIET = "SET enable_progress_bar = false"


def _duckdb_reason(exc: Exception) -> str:
    """Why DuckDB could not open a database, in Dutch (DuckDB's own text is English)."""
    text = str(exc).lower()
    if "lock" in text:
        return "in gebruik door een ander proces"
    if "not a valid duckdb" in text or "serializ" in text or "version" in text:
        return "geen DuckDB-database of een andere versie"
    if "permission" in text:
        return "geen toegang (rechten)"
    if "no such file" in text or "cannot open file" in text:
        return "bestand of map niet te openen"
    return type(exc).__name__


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and, unless read-only, migrate) the database at ``path``; ':memory:' gives an in-memory one."""
    target = str(path)
    try:
        if target != ":memory:":
            p = Path(target)
            if read_only and not p.exists():
                raise StoreError(f"database {target} bestaat niet",
                                 expected="eerst 'digibudget ingest' of 'digibudget demo'")
            if not read_only:
                p.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(target, read_only=read_only)
        con.execute(QUIET)
    except duckdb.Error as exc:
        if "lock" in str(exc).lower() and jobhost.hosted(target):
            raise StoreError(f"de server van {target} heeft de database open om te schrijven (instelling "
                             "serve_hosts_jobs)", expected="lezen via het dashboard of de API, of de server "
                             "eerst stoppen") from exc
        if "lock" in str(exc).lower():  # another process has it open for writing: a job writing in place
            raise StoreError(f"een taak schrijft in {target}; probeer het opnieuw als die klaar is",
                             expected="het einde van de lopende ingest, update of rebuild") from exc
        raise StoreError(f"kan database {target} niet openen ({_duckdb_reason(exc)})") from exc
    if not read_only:
        migrate(con)
    else:
        pending = pending_migrations(con)
        if pending:
            con.close()
            raise StoreError(f"database {target} mist migraties {', '.join(pending)}; open haar eenmaal om te "
                             "schrijven")
    return con


def applied_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migration'"
    ).fetchone()
    if not exists or not exists[0]:
        return []
    return [r[0] for r in con.execute("SELECT name FROM schema_migration ORDER BY name").fetchall()]


def pending_migrations(con: duckdb.DuckDBPyConnection) -> list[str]:
    done = set(applied_migrations(con))
    return [m.name for m in MIGRATIONS if m.name not in done]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every pending migration; return the names applied."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_migration (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP)")
    applied: list[str] = []
    for m in MIGRATIONS:
        if m.name in applied_migrations(con):
            continue
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute(m.sql)
            con.execute("INSERT INTO schema_migration VALUES (?, now())", [m.name])
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise StoreError(f"migratie {m.name} mislukt ({type(exc).__name__})") from exc
        applied.append(m.name)
    return applied


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit when the block ends normally, roll back on any exception."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")


FileStamp = tuple[int, int, int]


def file_stamp(path: str | Path) -> FileStamp | None:
    """The identity of the database file (inode, mtime, size): it changes when a writing job swaps in a new file
    (``writing``), so readers can tell that what they cached is of the old one. None when there is no file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _limit_memory(con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB's memory limit for a writing job (setting job_memory_limit); its default is 80 % of the machine."""
    limit = str(load_settings()["job_memory_limit"])
    try:
        con.execute("SET memory_limit = ?", [limit])
    except duckdb.Error as exc:
        raise StoreError(f"instelling job_memory_limit {limit!r} is geen geheugengrootte",
                         expected="bv. 1GB of 512MB") from exc


def remove_leftovers(p: Path) -> list[Path]:
    """Remove what a killed writing job left beside the database: its copy (``.<db>.<pid>.tmp``), that copy's
    write-ahead log (``.tmp.wal``) and DuckDB's spill folder (``.tmp.tmp``, a directory), whatever their kind.
    Called only under the writer's lock, so no running job owns them; never touches the live file. Returns them."""
    removed = []
    for stale in sorted(p.parent.glob(f".{p.name}.*.tmp*")):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
        removed.append(stale)
    return removed


@contextmanager
def _writer_lock(p: Path) -> Iterator[None]:
    """The one writer of ``p``: an exclusive lock on ``<db>.lock`` (a second writer gets a clear error); what a
    killed job or server left beside the file is removed once it is held."""
    with p.with_name(p.name + ".lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise StoreError(f"een andere taak schrijft in {p}; probeer het opnieuw als die klaar is") from exc
        remove_leftovers(p)
        # a job host's socket with no server: a serving process that hosts holds this lock for its whole life
        jobhost.socket_path(p).unlink(missing_ok=True)
        yield


@contextmanager
def hosting(path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The database opened read-write for the serving process that hosts the writing jobs (jobs.py, jobhost.py):
    it holds the writer's lock for its whole life, so no other process writes beside it; DuckDB's spill folder is
    named like a job's so that what a killed server left is removed by the next writer."""
    p = Path(path)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(_writer_lock(p))
            con = connect(p)  # replays a write-ahead log left by a crash, applies pending migrations
        except StoreError as exc:
            if "schrijft" not in exc.message and "in gebruik" not in exc.message:
                raise
            raise StoreError(f"de server kan {p} niet openen om te schrijven: een ander proces heeft de database "
                             "open", expected="stop dat proces (een lopende taak, een andere server), of zet "
                             "serve_hosts_jobs op false om alleen te lezen") from exc
        stack.callback(remove_leftovers, p)
        stack.callback(con.close)
        con.execute("SET temp_directory = ?", [str(p.with_name(f".{p.name}.{os.getpid()}.tmp.tmp"))])
        yield con


def _open_in_place(p: Path) -> duckdb.DuckDBPyConnection | None:
    """The live file opened for writing, or None when another process (a reader: the dashboard) has it open, or
    this process holds it read-only: DuckDB's file lock admits one writer and no reader beside it."""
    try:
        con = duckdb.connect(str(p))
        con.execute(QUIET)
    except duckdb.Error:
        return None
    try:
        migrate(con)
        # DuckDB's spill folder named like the copy's, so that remove_leftovers finds what a killed job left
        spill = p.with_name(f".{p.name}.{os.getpid()}.tmp.tmp")
        con.execute("SET temp_directory = ?", [str(spill)])
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def writing(path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the database for a job that writes, without disturbing readers.

    In place (setting write_in_place, an existing file that no other process has open): the job writes in the file
    itself; each of its transactions (a build is one: ingest and derived tables) is all or nothing through DuckDB's
    write-ahead log, also when the process is killed, and no copy of the file is made.
    Otherwise the job works on a copy; when it ends normally the copy replaces the file in one atomic rename. Readers
    that have the file open (the dashboard) keep seeing the state before, new connections see the state after, and
    an interrupted job leaves the file as it was. One writer at a time: a second gets a clear error.
    """
    target = str(path)
    if target == ":memory:":
        con = connect(target)
        try:
            _limit_memory(con)
            yield con
        finally:
            con.close()
        return
    p = Path(target)
    p.parent.mkdir(parents=True, exist_ok=True)
    if jobhost.hosted(p):  # the serving process writes in the file itself; a copy would miss its jobs
        raise StoreError(f"de server van {target} draait en voert zelf de schrijvende taken uit; stop die eerst "
                         "voor deze opdracht (ingest, update, rebuild en reclassify gaan wel via de server)")
    with _writer_lock(p):
        if Path(target + ".wal").exists():
            connect(target).close()  # replay a write-ahead log left by a crash into the file first
        live = _open_in_place(p) if p.exists() and load_settings()["write_in_place"] else None
        if live is not None:
            try:
                _limit_memory(live)
                yield live
                live.execute("CHECKPOINT")
            finally:
                live.close()
                remove_leftovers(p)
            return
        tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
        if p.exists():
            shutil.copyfile(p, tmp)
        con = connect(tmp)
        try:
            _limit_memory(con)
            yield con
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
            raise
        con.close()
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, p)
        with contextlib.suppress(OSError):
            dirfd = os.open(p.parent, os.O_RDONLY)
            try:
                os.fsync(dirfd)
            finally:
                os.close(dirfd)
