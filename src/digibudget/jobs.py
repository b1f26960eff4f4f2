"""The writing jobs of the command line, run by the command itself or by the serving process that hosts them.

``run`` hands a job to the serving process of the database when one hosts its jobs (jobhost: its socket answers);
otherwise it runs the job here, in ``store.writing`` (in place, or on a copy that is swapped in). Either way the
same function of the job table runs, on a connection of its own, and returns the same JSON-able result, so the
command prints the same output. A job's arguments are plain JSON (paths absolute: the server is on this machine).

``Hosted`` is the serving side: the database opened read-write once (``store.hosting``), the readers' connection
and the runner the job host calls. While a job runs, the one DuckDB instance's memory limit is the job's plus the
readers' reserve (settings job_memory_limit + serve_job_reserve); afterwards the server's again
(serve_memory_limit).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from . import ingest, jobhost, pipeline, store, versions
from .errors import SettingsError, UsageError
from .settings import load_settings

Progress = Callable[[str, int, int], None]
Job = Callable[[duckdb.DuckDBPyConnection, str, dict[str, Any], Progress], dict[str, Any]]


def _ingest(con: duckdb.DuckDBPyConnection, database: str, args: dict[str, Any], progress: Progress
            ) -> dict[str, Any]:
    """pipeline.build of the given files: the ingest report and the counts of the derived tables."""
    report, counts = pipeline.build(con, [Path(p) for p in args["paths"]], decisions=_decisions(database, args),
                                    progress=progress, strict=bool(args.get("strict", False)))
    return {"rapport": dataclasses.asdict(report), "aantallen": counts}


def _load_new(con: duckdb.DuckDBPyConnection, database: str, args: dict[str, Any], progress: Progress
              ) -> dict[str, Any]:
    """`digibudget update`'s load step: the new and changed files in one build, and what changed up to the newest
    moment they hold (counts per section of analyze.changes)."""
    from .analyze import changes
    from .fetch import update as updating

    checked = [updating.Checked(**{**c, "path": Path(c["path"]),
                                   "previous": Path(c["previous"]) if c.get("previous") else None})
               for c in args["checked"]]
    report = updating.load_new(con, checked, decisions=_decisions(database, args), progress=progress)
    out: dict[str, Any] = {"geladen": report.loaded_files, "moment": report.moment, "veranderingen": None,
                           "geweigerd": [list(r) for r in report.refused], "vervangen": report.replaced}
    if report.moment is not None:
        try:
            found = changes.changes(con, naar=report.moment, limit=int(args.get("limit", 1000)))
        except UsageError:
            return out
        out["veranderingen"] = {"van": changes.moment_text(found.van), "naar": changes.moment_text(found.naar),
                                "secties": [[s.title, len(s.rows)] for s in found.sections]}
    return out


def _rebuild(con: duckdb.DuckDBPyConnection, database: str, args: dict[str, Any], progress: Progress
             ) -> dict[str, Any]:
    """Every derived table again from all loaded lines (`rebuild`, `reclassify`)."""
    return {"aantallen": pipeline.reclassify(con, decisions=_decisions(database, args))}


def _review(con: duckdb.DuckDBPyConnection, database: str, args: dict[str, Any], progress: Progress
            ) -> dict[str, Any]:
    """A reviewed decision for a line (`review`) or a mutation (`review-mutation`), recorded in the decisions file
    beside the database, then every derived table again."""
    from . import review

    if "soort" in args:
        recorded = review.review_mutation(con, database, args["mutatie"], args["soort"], args["reden"],
                                          args["beoordelaar"], args.get("datum"))
    else:
        recorded = review.review_line(con, database, args["regel"], args["thema"], float(args["gewicht"]),
                                      args["reden"], args["beoordelaar"], args.get("datum"))
    pipeline.reclassify(con, decisions=recorded.path)
    return {"bestand": str(recorded.path), "sleutel": recorded.key}


def _documents(con: duckdb.DuckDBPyConnection, database: str, args: dict[str, Any], progress: Progress
               ) -> dict[str, Any]:
    """Parliamentary documents loaded (`docs ingest`)."""
    from .parliament.persist import ingest_documents

    return {"rapporten": [dataclasses.asdict(r) for r in ingest_documents(con, [Path(p) for p in args["paths"]])]}


def _decisions(database: str, args: dict[str, Any]) -> Path:
    """The decisions file as the command resolved it (its settings), else as this process does."""
    given = args.get("decisions")
    return Path(given) if given else pipeline.decisions_path(database)


JOBS: dict[str, Job] = {"ingest": _ingest, "laden": _load_new, "rebuild": _rebuild, "review": _review,
                        "documenten": _documents}


def run(database: str, taak: str, args: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """Run the job ``taak``: in the serving process of ``database`` when one hosts its jobs (``paths`` sent as
    absolute paths, so the sources record them so), else here."""
    tick: Progress = progress if progress is not None else (lambda what, done, total: None)
    args = {**args, "decisions": str(pipeline.decisions_path(database).resolve())}
    remote = {**args, "paths": [str(Path(p).resolve()) for p in args["paths"]]} if "paths" in args else args
    hosted = jobhost.call(database, taak, remote, tick)
    if hosted is not None:
        return hosted
    with store.writing(database) as con:
        result = JOBS[taak](con, database, args, tick)
    return dict(json.loads(json.dumps(result, default=str)))  # as it arrives from a server: the same output


def ingest_report(result: dict[str, Any]) -> ingest.IngestReport:
    """The ingest report of an ``ingest`` job's result."""
    data = result["rapport"]
    return ingest.IngestReport([ingest.FileReport(**f) for f in data["files"]], dict(data["reconciliation"]),
                               [versions.Replacement(**r) for r in data.get("replaced", [])])


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*$", re.IGNORECASE)


def memory_bytes(text: str) -> int:
    """A DuckDB memory size ('1GB', '512MB', '1.5GiB') in bytes (KB = 1000, KiB = 1024, as DuckDB reads them)."""
    m = _SIZE.match(text)
    if m is None:
        raise SettingsError(f"geheugengrootte {text!r}", expected="bv. 1GB of 512MB")
    power = "bkmgt".index((m.group(2) or "b").lower())
    return int(float(m.group(1)) * (1024 if m.group(3) else 1000) ** power)


class Hosted:
    """The serving side of hosted jobs: the database open read-write in this process (``con``, whose cursors the
    dashboard reads from) and the runner the job host calls, one job at a time."""

    def __init__(self, database: str, con: duckdb.DuckDBPyConnection, serve_limit: str, job_limit: str,
                 reserve: str) -> None:
        self.database = database
        self.con = con
        self.serve_limit = serve_limit
        memory_bytes(serve_limit)  # a bad size is refused here, not when the first job runs
        self.job_limit = f"{memory_bytes(job_limit) + memory_bytes(reserve)}B"
        self.host = jobhost.JobHost(database, self.run, reader=con.cursor)
        con.execute("SET memory_limit = ?", [serve_limit])

    def stamp(self) -> store.FileStamp:
        """What the web cache keys on: the count of jobs that ended (the file itself changes during a job)."""
        return (0, self.host.generation, 0)

    def run(self, taak: str, args: dict[str, Any], progress: Progress) -> dict[str, Any]:
        job = JOBS.get(taak)
        if job is None:
            raise UsageError(f"onbekende taak {taak!r}", expected=", ".join(JOBS))
        cur = self.con.cursor()
        try:
            cur.execute("SET memory_limit = ?", [self.job_limit])
            result = job(cur, self.database, args, progress)
            with contextlib.suppress(duckdb.Error):  # refused while readers are in a transaction: the WAL keeps it
                cur.execute("CHECKPOINT")
            return result
        finally:
            with contextlib.suppress(duckdb.Error):
                cur.execute("SET memory_limit = ?", [self.serve_limit])
            cur.close()


@contextmanager
def hosting(database: str) -> Iterator[Hosted]:
    """The database opened to serve and host its writing jobs; the socket removed and the file closed at the end."""
    settings = load_settings()
    with store.hosting(database) as con:
        hosted = Hosted(database, con, str(settings["serve_memory_limit"]), str(settings["job_memory_limit"]),
                        str(settings["serve_job_reserve"]))
        hosted.host.start()
        try:
            yield hosted
        finally:
            hosted.host.stop()
