"""National-scale benchmarks, each figure against a baseline measured in the same invocation (on demand, never CI).

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/run.py --rows 1000000 5000000 [--skip-10m] [--out /tmp/digibudget-bench]

Per size: generate the bulk files if missing (bench/generate.py); in fresh subprocesses (peak memory = the child's
ru_maxrss) the baseline (DuckDB read_csv of the same files into a bare table) and digibudget's full ingest
(validation, findings, provenance, reconciliation, classification, selection, mutations; phases timed); then on the
built database: classification (classify.run, warm), the integrated table (analyze.integral.integral_table, all
themes, warm, median of runs), a budget-line page (explain + lines of one line), the pandas route (the same CSVs
and the tags from the database as CSV, weighted sums per theme x hoofdstuk x year) and, when bench/api_latency.py
exists, the API under 16 concurrent clients. Writes BENCHMARKS.md at the repository root.

Long because: one benchmark job whose children (baseline, build, add one moment, queries, pandas) and report share
its constants and helpers; each child is a short function, and splitting the file would scatter one measurement
over several scripts that must agree on paths and settings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "bench"))

from digibudget.settings import SETTINGS  # noqa: E402 - after the path above

# DuckDB's buffer limit in both children: digibudget's setting job_memory_limit (its default unless the environment
# sets it), which a writing job applies (store.writing); --memory-limit changes it for both
MEMORY_LIMIT = os.environ.get("DIGIBUDGET_JOB_MEMORY_LIMIT",
                              next(str(s.default) for s in SETTINGS if s.name == "job_memory_limit"))
RUNS = 9
# the query measurements run in this many processes, one after the other; each figure is the median of the
# processes' medians (single runs on this shared machine moved by 30-50 %: bench/NOTES.md, eighth round)
QUERY_PROCESSES = 3
QUERY_TIMES = ("classify_s", "integral_ms", "integral_hoofdstuk_ms", "page_ms")
TARGETS = {"ingest_ratio": 3.0, "ingest_peak_mb": 1500, "integral_ms": 100, "classify_s": 5.0, "api_p95_ms": 100,
           "pandas_ratio": 10.0}


# --- children: one measured job each ---------------------------------------------------------------------------

def child_baseline(files: list[Path], db: Path) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(str(db))
    con.execute(f"SET memory_limit='{MEMORY_LIMIT}'")
    names = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
    start = time.perf_counter()
    con.execute(f"CREATE TABLE bare AS SELECT * FROM read_csv([{names}], delim=';', header=true, "  # noqa: S608
                "decimal_separator=',', union_by_name=true)")
    con.execute("CHECKPOINT")
    seconds = time.perf_counter() - start
    rows = con.execute("SELECT count(*) FROM bare").fetchone()
    return {"seconds": seconds, "rows": rows[0] if rows else 0}


Timer = Callable[[str, Callable[..., Any]], Callable[..., Any]]


def _timer(phases: dict[str, float], *, verbose: bool = False) -> Timer:
    """A wrapper that adds the time spent in a function to ``phases[name]`` (and, verbose, prints the process's peak
    memory so far)."""
    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - start
                if verbose:
                    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                    print(f"  {name}: {phases[name]:.1f} s (peak so far {peak:.0f} MB)", file=sys.stderr, flush=True)
        return run
    return timed


def child_ingest(files: list[Path], db: Path) -> dict[str, Any]:
    from digibudget import ingest, pipeline, store

    phases: dict[str, float] = {}
    timed = _timer(phases, verbose=True)

    ingest.bulk_sql.stage_many = timed("read+validate (SQL)", ingest.bulk_sql.stage_many)  # type: ignore[method-assign]
    ingest._write_all = timed("write", ingest._write_all)  # type: ignore[method-assign]
    ingest.reconcile.run = timed("reconcile", ingest.reconcile.run)  # type: ignore[method-assign]
    derived = pipeline.incremental  # the first build derives everything (incremental.derive_all)
    derived.classify.run = timed("classify", derived.classify.run)  # type: ignore[method-assign]
    derived.selection.build = timed("selection", derived.selection.build)  # type: ignore[method-assign]
    derived.tagged.record = timed("tagged facts", derived.tagged.record)  # type: ignore[method-assign]
    derived.lineage.build = timed("lineage", derived.lineage.build)  # type: ignore[method-assign]
    derived.mutations.build = timed("mutations", derived.mutations.build)  # type: ignore[method-assign]
    start = time.perf_counter()
    with store.writing(db) as con:  # the job as the CLI runs it (job_memory_limit, checkpoint, atomic swap)
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()
        report, counts = pipeline.build(con, files, decisions=db.with_name("no-decisions.toml"))
    seconds = time.perf_counter() - start
    con = store.connect(db, read_only=True)
    counted = con.execute("SELECT (SELECT count(*) FROM budget_line), (SELECT count(*) FROM amount), "
                          "(SELECT count(*) FROM finding), (SELECT count(*) FROM fact), "
                          "(SELECT count(*) FROM mutation), (SELECT count(*) FROM tag)").fetchone()
    con.close()
    assert counted is not None
    return {"seconds": seconds, "phases": phases, "lines": counted[0], "amounts": counted[1], "findings": counted[2],
            "facts": counted[3], "mutations": counted[4], "tags": counted[5], "themes": counts,
            "files": len(report.loaded), "memory_limit": limit[0] if limit else None}


# the moment added to a database of all the others (the newest in publication order: the jaarverslag of the last year)
ADD_FILE = "Budgettaire_Tabellen_2031_JV_incl.csv"


def child_add(files: list[Path], db: Path) -> dict[str, Any]:
    """Add files to a built database as `digibudget ingest` does: the incremental job (analyze.incremental); when a
    server hosts the jobs of the database it runs the job (phases not timed then: they run in the server)."""
    from digibudget import ingest, jobhost, jobs, pipeline, store
    from digibudget.analyze import incremental

    phases: dict[str, float] = {}
    timed = _timer(phases)

    ingest.bulk_sql.stage_many = timed("read+validate", ingest.bulk_sql.stage_many)  # type: ignore[method-assign]
    ingest._write_all = timed("write", ingest._write_all)  # type: ignore[method-assign]
    ingest.reconcile.run = timed("reconcile", ingest.reconcile.run)  # type: ignore[method-assign]
    incremental.classify.run = timed("classify", incremental.classify.run)  # type: ignore[method-assign]
    incremental.update_facts = timed("facts", incremental.update_facts)  # type: ignore[method-assign]
    incremental.lineage.build = timed("lineage", incremental.lineage.build)  # type: ignore[method-assign]
    incremental.update_mutations = timed("mutations", incremental.update_mutations)  # type: ignore[method-assign]
    incremental.mutations.build = timed("mutations (full)", incremental.mutations.build)  # type: ignore[method-assign]
    start = time.perf_counter()
    if jobhost.hosted(db):  # a server hosts the jobs: the job as `digibudget ingest` hands it over (jobs.run)
        jobs.run(str(db), "ingest", {"paths": [str(p) for p in files]})
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "phases": {"job in the server": seconds}, "mode": "hosted by the server",
                "lines": None, "mutations": None}
    with store.writing(db) as con:
        row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
        mode = "in place" if row and Path(str(row[0])).resolve() == db.resolve() else "copy and swap"
        opened = time.perf_counter() - start
        pipeline.build(con, files, decisions=db.with_name("no-decisions.toml"))
        before_close = time.perf_counter()
    phases["open (copy)" if mode == "copy and swap" else "open"] = opened
    phases["checkpoint, close (fsync, swap)"] = time.perf_counter() - before_close
    seconds = time.perf_counter() - start
    con = store.connect(db, read_only=True)
    counted = con.execute("SELECT (SELECT count(*) FROM budget_line), (SELECT count(*) FROM mutation)").fetchone()
    con.close()
    assert counted is not None
    return {"seconds": seconds, "phases": phases, "mode": mode, "lines": counted[0], "mutations": counted[1]}


def run_child(kind: str, folder: Path, db: Path, *, fresh: bool = True,
              extra: list[str] | None = None) -> dict[str, Any]:
    """One measured job in a fresh process (its peak memory is its own); ``fresh`` starts from no database."""
    for suffix in ("", ".wal") if fresh else ():
        Path(str(db) + suffix).unlink(missing_ok=True)
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--files", str(folder), "--db", str(db),
                          *(extra or [])], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{kind} child failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# --- measurements on the built database ------------------------------------------------------------------------

def median_ms(fn: Callable[[], object], runs: int = RUNS) -> float:
    fn()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure_db(db: Path, folder: Path) -> dict[str, Any]:
    import duckdb

    from digibudget import classify
    from digibudget.analyze import integral, moments
    from digibudget.classify import explain
    from digibudget.queries import lines

    con = duckdb.connect(str(db))
    con.execute(f"SET memory_limit='{MEMORY_LIMIT}'")
    out: dict[str, Any] = {}
    n_lines = con.execute("SELECT count(*) FROM budget_line").fetchone()
    out["lines"] = int(n_lines[0]) if n_lines else 0
    con.execute("BEGIN")
    start = time.perf_counter()
    classify.run(con, decisions_file=db.with_name("no-decisions.toml"))
    out["classify_s"] = time.perf_counter() - start
    con.execute("ROLLBACK")
    latest = moments.latest_moment(con)
    assert latest is not None
    moment = f"{latest[0]}-{latest[1]}"
    out["moment"] = moment
    out["integral_ms"] = median_ms(lambda: integral.integral_table(con, moment=moment, jaar_van=2013, jaar_tot=2031))
    out["integral_hoofdstuk_ms"] = median_ms(lambda: integral.integral_table(
        con, moment=moment, jaar_van=2013, jaar_tot=2031, niveau="hoofdstuk"))
    rows = integral.integral_table(con, moment=moment, jaar_van=2013, jaar_tot=2031).rows
    out["integral_rows"] = len(rows)
    by_chapter = integral.integral_table(con, moment=moment, jaar_van=2013, jaar_tot=2031, niveau="hoofdstuk")
    years = [i for i, c in enumerate(by_chapter.columns) if c.isdigit()]
    out["integral_sum"] = float(sum(r[i] or 0 for r in by_chapter.rows for i in years))
    line = con.execute("SELECT line_id FROM line_theme WHERE counted ORDER BY line_id LIMIT 1").fetchone()
    assert line is not None
    info = con.execute("SELECT hoofdstuk, artikel FROM budget_line WHERE line_id = ?", [line[0]]).fetchone()
    assert info is not None

    def page() -> None:
        explain.explain(con, str(line[0]))
        lines(con, hoofdstuk=info[0], artikel=info[1], limit=200)

    out["page_ms"] = median_ms(page)
    export_tags(con, folder, latest)
    out["latest"] = list(latest)
    con.close()
    return out


def median_of_processes(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The first process's results, with each time the median over all processes (every process's figure kept in
    ``per_process``) and the highest peak memory."""
    out = dict(runs[0])
    out["per_process"] = {k: [r[k] for r in runs] for k in QUERY_TIMES}
    for k in QUERY_TIMES:
        out[k] = statistics.median(r[k] for r in runs)
    out["maxrss_mb"] = max(r["maxrss_mb"] for r in runs)
    return out


def _processes(db: dict[str, Any], key: str, fmt: str) -> str:
    """'median of the processes a / b / c' where the run had more than one."""
    runs = db.get("per_process", {}).get(key, [])
    return f" (median of {len(runs)} processes: {' / '.join(format(x, fmt) for x in runs)})" if len(runs) > 1 else ""


def tags_csv(folder: Path) -> Path:
    return folder.parent / f"tags_{folder.name}.csv"


def export_tags(con: Any, folder: Path, moment: tuple[int, str]) -> None:
    """What the database decided, for the pandas route: the counted tags of the lines chosen for the moment."""
    mj, fase = moment
    con.execute(f"""COPY (SELECT DISTINCT s.file_name, l.source_row, t.theme, t.weight FROM line_theme t
                          JOIN fact f USING (line_id) JOIN budget_line l USING (line_id)
                          JOIN source s ON s.source_id = l.source_id
                          WHERE t.counted AND f.moment_jaar = {int(mj)} AND f.fase = '{fase}'
                            AND f.measure IN ('stand', 'realisatie'))
                    TO '{tags_csv(folder)}' (HEADER, DELIMITER ',')""")  # noqa: S608 - integers, a known fase, our path


def pandas_route(folder: Path, moment: tuple[int, str]) -> dict[str, Any]:
    """pandas reads the same CSVs and computes the weighted sums per theme x hoofdstuk x year of the moment. It is
    given, as a CSV, what the database decided: the counted tags of the lines chosen for that moment (file, row,
    theme, weight), so that it does the same work as integral_table's hoofdstuk level."""
    import pandas as pd

    _, fase = moment
    column = {"OWB": "StandOWB", "VB": "StandVB", "O1": "StandO1", "SBS": "StandSBS", "O2": "StandO2",
              "JV": "Realisatie"}[fase]
    start = time.perf_counter()
    frames = []
    for p in sorted(folder.glob("Budgettaire_Tabellen_*.csv")):
        df = pd.read_csv(p, sep=";", decimal=",", encoding="utf-8-sig", dtype={"Hoofdstuknummer": str},
                         keep_default_na=False, na_values=[""])
        df["file_name"] = p.name
        df["source_row"] = range(2, len(df) + 2)
        frames.append(df)
    data = pd.concat(frames, ignore_index=True)
    read_s = time.perf_counter() - start
    tags = pd.read_csv(tags_csv(folder))
    start = time.perf_counter()
    merged = data[data[column].notna()].merge(tags, on=["file_name", "source_row"])
    merged["weighted"] = merged[column] * merged["weight"].astype(float)
    table = merged.groupby(["theme", "Hoofdstuknummer", "Begrotingsjaar"])["weighted"].sum()
    compute_s = time.perf_counter() - start
    return {"read_s": read_s, "compute_s": compute_s, "total_s": read_s + compute_s, "groups": len(table),
            "sum": float(table.sum())}


def api_latency(db: Path) -> dict[str, Any] | None:
    script = REPO / "bench" / "api_latency.py"
    if not script.exists():
        return None
    out = subprocess.run([sys.executable, str(script), "--db", str(db), "--requests", "5000", "--concurrency", "16"],
                         capture_output=True, text=True, check=False, timeout=1800)
    text = out.stdout + out.stderr
    found: dict[str, Any] = {"output": text.strip()[-900:]}
    for key, label in (("cold", "cold"), ("load", "load"), ("plain", "load without response cache")):
        m = re.search(rf"^{label}: (\d+) requests(?:, (\d+) req/s)?; median ([\d.]+) ms, p95 ([\d.]+) ms, "
                      rf"max ([\d.]+) ms, errors (\d+)", text, re.MULTILINE)
        if m is None:
            return {"failed": True, "output": text[-1500:]}
        found[key] = {"requests": int(m.group(1)), "rate": int(m.group(2) or 0), "median_ms": float(m.group(3)),
                      "p95_ms": float(m.group(4)), "max_ms": float(m.group(5)), "errors": int(m.group(6))}
    m = re.search(r"^server peak memory: ([\d.]+) MB; without response cache ([\d.]+) MB", text, re.MULTILINE)
    if out.returncode != 0 or m is None:
        return {"failed": True, "output": text[-1500:]}
    found["peak_mb"], found["plain_peak_mb"] = float(m.group(1)), float(m.group(2))
    return found


# --- report ----------------------------------------------------------------------------------------------------

def machine() -> dict[str, str]:
    import duckdb

    try:
        import pandas as pd
        pandas_version = pd.__version__
    except ImportError:  # pragma: no cover
        pandas_version = "not installed"
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    return {"CPU": cpu, "cores": str(os.cpu_count()), "RAM": f"{mem / 1024 / 1024:.1f} GiB",
            "OS": platform.platform(), "Python": platform.python_version(), "DuckDB": duckdb.__version__,
            "pandas": pandas_version}


def write_report(results: dict[int, dict[str, Any]], notes: str) -> Path:
    m = machine()
    lines = ["# Benchmarks", "",
             f"Measured {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with `.venv/bin/python bench/run.py` "
             "(bench/README.md). Each figure comes with its baseline from the same invocation.", "",
             "## Machine", "", *[f"- {k}: {v}" for k, v in m.items()],
             "- DuckDB memory_limit in the measured children: given per size below (shared machine: other "
             "engineers' jobs may run at the same time)", ""]
    for rows, r in results.items():
        base, ing, db = r["baseline"], r["ingest"], r["db"]
        ratio = ing["seconds"] / base["seconds"]
        derived_phases = ("classify", "selection", "tagged facts", "lineage", "mutations")
        ing_only = ing["seconds"] - sum(ing["phases"].get(k, 0) for k in derived_phases)
        pandas = db["pandas"]
        lines += [f"## {rows:,} rows ({r['mb']:.0f} MB in {r['files']} files; DuckDB memory_limit "
                  f"{r.get('memory_limit', MEMORY_LIMIT)})", "",
                  "| measurement | digibudget | baseline | ratio | target | met |", "|---|---|---|---|---|---|"]

        def row(name: str, value: str, baseline: str, rat: str, target: str, met: bool | None,
                lines: list[str] = lines) -> None:
            lines.append(f"| {name} | {value} | {baseline} | {rat} | {target} | "
                         f"{'n/a' if met is None else 'yes' if met else '**no**'} |")

        derived = ing["seconds"] - ing_only
        row("ingest: read, validate, findings, provenance, write, duplicates, reconciliation (`ingest.ingest`)",
            f"{ing_only:.1f} s", f"DuckDB read_csv into a bare table {base['seconds']:.1f} s",
            f"{ing_only / base['seconds']:.1f}x", "<= 3x", ing_only / base["seconds"] <= TARGETS["ingest_ratio"])
        row("derived tables in the same job: classification, selection, tagged facts, lineage, mutations",
            f"{derived:.1f} s", "-", "-", "-", None)
        row("whole build job (`pipeline.build`: the ingest and the derived tables, one transaction)",
            f"{ing['seconds']:.1f} s", f"{base['seconds']:.1f} s", f"{ratio:.1f}x", "-", None)
        row("peak memory of the build job process (ru_maxrss, whole job)", f"{ing['maxrss_mb']:.0f} MB",
            f"{base['maxrss_mb']:.0f} MB", f"{ing['maxrss_mb'] / base['maxrss_mb']:.1f}x", "< 1500 MB",
            ing["maxrss_mb"] < TARGETS["ingest_peak_mb"])
        row(f"classification of {db['lines']:,} lines (classify.run, warm)",
            f"{db['classify_s']:.2f} s ({db['lines'] / db['classify_s'] / 1e6:.1f} million lines/s)"
            f"{_processes(db, 'classify_s', '.2f')}", "-", "-", "< 5 s", db["classify_s"] < TARGETS["classify_s"])
        pandas_ratio = pandas["total_s"] * 1000 / db["integral_hoofdstuk_ms"]
        row(f"integrated table, all themes, {db['moment']}, years 2013-2031, niveau regel (median of {RUNS}, warm)",
            f"{db['integral_ms']:.1f} ms{_processes(db, 'integral_ms', '.1f')}", "-", "-", "< 100 ms",
            db["integral_ms"] < TARGETS["integral_ms"])
        row("integrated table, niveau hoofdstuk (theme x hoofdstuk x year)",
            f"{db['integral_hoofdstuk_ms']:.1f} ms{_processes(db, 'integral_hoofdstuk_ms', '.1f')}",
            f"pandas: read CSVs {pandas['read_s']:.1f} s + compute {pandas['compute_s'] * 1000:.0f} ms, "
            f"peak memory {pandas['maxrss_mb']:.0f} MB",
            f"{pandas_ratio:.0f}x faster (compute only: "
            f"{pandas['compute_s'] * 1000 / db['integral_hoofdstuk_ms']:.1f}x)", ">= 10x faster",
            pandas_ratio >= TARGETS["pandas_ratio"])
        row("budget-line page (explain + lines of its article)",
            f"{db['page_ms']:.1f} ms{_processes(db, 'page_ms', '.1f')}", "-", "-", "-", None)
        row("peak memory of the processes running the three measurements above (ru_maxrss, the highest)",
            f"{db['maxrss_mb']:.0f} MB", f"pandas route {pandas['maxrss_mb']:.0f} MB",
            f"{pandas['maxrss_mb'] / db['maxrss_mb']:.1f}x less", "-", None)
        api = r.get("api")
        name = "API /api/tabel under load, 16 concurrent connections"
        if api is None:
            row(name, "not measured: bench/api_latency.py does not exist", "-", "-", "< 100 ms, 0 errors", None)
        elif api.get("failed"):
            row(name, "failed to run (output below)", "-", "-", "< 100 ms, 0 errors", None)
        else:
            load, plain, cold = api["load"], api["plain"], api["cold"]
            row(f"{name} ({load['requests']:,} requests over the distinct queries)",
                f"p95 {load['p95_ms']:.1f} ms, median {load['median_ms']:.1f} ms, {load['rate']} req/s, "
                f"errors {load['errors']}; server peak memory {api['peak_mb']:.0f} MB",
                f"without the response cache: p95 {plain['p95_ms']:.1f} ms, median {plain['median_ms']:.1f} ms, "
                f"{plain['rate']} req/s, errors {plain['errors']}; server peak memory {api['plain_peak_mb']:.0f} MB",
                f"p95 {plain['p95_ms'] / max(load['p95_ms'], 0.001):.0f}x lower", "< 100 ms, 0 errors",
                load["p95_ms"] < TARGETS["api_p95_ms"] and load["errors"] == 0)
            row("(the baseline above: the response cache off, every request routed, checked, sorted, paged and "
                "encoded again from the cached query result)", f"p95 {plain['p95_ms']:.1f} ms, errors "
                f"{plain['errors']}", "-", "-", "-", None)
            row(f"API cold: the first request of each of the {cold['requests']} distinct queries, one at a time",
                f"p95 {cold['p95_ms']:.1f} ms, median {cold['median_ms']:.1f} ms, max {cold['max_ms']:.1f} ms",
                "-", "-", "-", None)
        add = r.get("add_one")
        if add:
            job, bare, built = add["add"], add["bare"], add["base"]
            share = job["seconds"] / ing["seconds"]
            row(f"add one moment ({add['file']}, {add['file_rows']:,} rows) to a database of the other "
                f"{built['lines']:,} lines: the job as `digibudget ingest` runs it ({job['mode']})",
                f"{job['seconds']:.1f} s", f"full build of all files {ing['seconds']:.1f} s; DuckDB read_csv of the "
                f"one file {bare['seconds']:.2f} s",
                f"{share:.1%} of the full build; {job['seconds'] / bare['seconds']:.0f}x the bare read",
                "<= 5 s and <= 10 % of a full build",
                job["seconds"] <= 5 and share <= 0.10)
            row("peak memory of the add-one job (ru_maxrss)", f"{job['maxrss_mb']:.0f} MB",
                f"full build {ing['maxrss_mb']:.0f} MB", "-", "< 1500 MB", job["maxrss_mb"] < 1500)
            again = add.get("replace")
            if again:
                row("replace that moment by a corrected version (one amount changed, the same address, a later "
                    "Last-Modified: `digibudget.versions`), the job as `digibudget update` loads it "
                    f"({again['mode']}); peak memory", f"{again['seconds']:.1f} s; {again['maxrss_mb']:.0f} MB",
                    f"the add-one job {job['seconds']:.1f} s; full build {ing['seconds']:.1f} s",
                    f"{again['seconds'] / ing['seconds']:.1%} of the full build", "-", None)
            for key, how in (("served", "the server runs the job (serve_hosts_jobs)"),
                             ("served_copy", "serve_hosts_jobs=false: the job works on a copy because the server "
                                             "holds the file")):
                served = add.get(key)
                if not served:
                    continue
                row(f"the same job while the server answers /api/tabel (16 connections; {how})",
                    f"job {served['job']['seconds']:.1f} s ({served['job']['mode']}); during it {served['requests']:,} "
                    f"requests, p95 {served['p95_ms']:.1f} ms, median {served['median_ms']:.1f} ms, max "
                    f"{served['max_ms']:.1f} ms, errors {served['errors']}; new moment shown right after: "
                    f"{'yes' if served['new_moment_shown'] else 'NO'}; server peak memory "
                    f"{served.get('server_peak_mb', float('nan')):.0f} MB", "-", "-", "p95 < 100 ms, 0 errors",
                    served["p95_ms"] < 100 and served["errors"] == 0 and served["new_moment_shown"])
        other = ing_only - sum(ing["phases"].get(k, 0) for k in ("read+validate (SQL)", "write", "reconcile"))
        lines += ["", "Build phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in ing["phases"].items())
                  + f"; the rest of the ingest (digests, the Python file scan, findings, commit) {other:.1f} s.",
                  f"Loaded {ing['lines']:,} lines, {ing['amounts']:,} amounts, {ing['findings']:,} findings, "
                  f"{ing['tags']:,} tags, {ing['facts']:,} facts, {ing['mutations']:,} mutations. "
                  f"Baseline table: {base['rows']:,} rows. Database file after the build: "
                  + (f"{r['db_mb']:,.0f} MB." if "db_mb" in r else "not recorded (a reused build, `--reuse`)."),
                  f"pandas route: {pandas['groups']} groups (theme x hoofdstuk x year), sum {pandas['sum']:,.1f}; "
                  f"integral_table (hoofdstuk level) sum {db['integral_sum']:,.1f}"
                  f"{' (equal)' if abs(pandas['sum'] - db['integral_sum']) < 0.01 else ' (DIFFERENT)'}.", ""]
        if add and add.get("replace"):
            lines += ["Replace it by a corrected version, phases: " + ", ".join(
                f"{k} {v:.2f} s" for k, v in add["replace"]["phases"].items()) + ".", ""]
        if add:
            lines += ["Add one moment, phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in add["add"]["phases"].items())
                      + "." + (" While served: " + ", ".join(f"{k} {v:.2f} s" for k, v in
                                                              add["served"]["job"]["phases"].items()) + "."
                               if add.get("served") else "")
                      + (" Failed requests while served: " + "; ".join(add["served"]["failures"]) + "."
                         if add.get("served", {}).get("failures") else ""), ""]
        if "load_average" in r:
            lines += [f"Load average (1, 5, 15 min) at the end of this size: "
                      f"{', '.join(f'{x:.1f}' for x in r['load_average'])} (a shared 2-core machine).", ""]
        if api and api.get("failed"):
            lines += ["API output:", "", "```", api["output"], "```", ""]
    lines += ["## Profiled and changed", "", notes.strip(), ""]
    path = REPO / "BENCHMARKS.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def add_one_moment(folder: Path, out: Path, rows: int, *, api: bool) -> dict[str, Any]:
    """Add one moment (ADD_FILE) to a database of all the other files: in place with no reader, and again with the
    server answering /api/tabel under load during the job (the job then works on a copy); beside the bare read of
    the same file."""
    import shutil

    result: dict[str, Any] = {"file": ADD_FILE, "file_rows": sum(1 for _ in (folder / ADD_FILE).open("rb")) - 1}
    base = out / f"digibudget_{rows}_without_one.duckdb"
    print("  build without the one moment ...", flush=True)
    result["base"] = run_child("ingest", folder, base, extra=["--exclude", ADD_FILE])
    result["bare"] = run_child("baseline", folder, out / f"baseline_one_{rows}.duckdb", extra=["--only", ADD_FILE])
    work = out / f"digibudget_{rows}_add.duckdb"
    shutil.copyfile(base, work)
    first, corrected = versions_of_one_file(folder, out / f"versions_{rows}")
    print("  add one moment ...", flush=True)
    result["add"] = run_child("add", first, work, fresh=False, extra=["--only", ADD_FILE])
    print(f"  {result['add']}", flush=True)
    print("  replace it by a corrected version ...", flush=True)
    result["replace"] = run_child("add", corrected, work, fresh=False, extra=["--only", ADD_FILE])
    print(f"  {result['replace']}", flush=True)
    if api:
        shutil.copyfile(base, work)
        result["served"] = add_while_serving(folder, work, hosted=True)
        print(f"  served (hosted): {result['served']}", flush=True)
        shutil.copyfile(base, work)
        result["served_copy"] = add_while_serving(folder, work, hosted=False)
        print(f"  served (copy): {result['served_copy']}", flush=True)
    return result


def versions_of_one_file(folder: Path, out: Path) -> tuple[Path, Path]:
    """Two downloads of ADD_FILE from one address, as `digibudget update` leaves them (a .provenance.json beside
    each): the file as generated, and a corrected version a day later with one amount changed (the first row's
    StandOWB, plus one). Loading the second replaces the first (digibudget.versions). Returns the two folders."""
    import shutil

    data = (folder / ADD_FILE).read_bytes()
    rows = data.split(b"\n")
    cells = rows[1].split(b";")
    cells[14] = str(Decimal(cells[14].decode().replace(",", ".")) + 1).replace(".", ",").encode()
    corrected = b"\n".join([rows[0], b";".join(cells), *rows[2:]])
    folders = []
    for name, content, modified in (("v1", None, "Mon, 30 Nov 2026 10:00:00 GMT"),
                                    ("v2", corrected, "Tue, 01 Dec 2026 09:00:00 GMT")):
        target = out / name
        target.mkdir(parents=True, exist_ok=True)
        if content is None:
            shutil.copyfile(folder / ADD_FILE, target / ADD_FILE)
        else:
            (target / ADD_FILE).write_bytes(content)
        (target / (ADD_FILE + ".provenance.json")).write_text(json.dumps(
            {"url": "https://www.rijksfinancien.nl/open_data/" + ADD_FILE, "last_modified": modified,
             "fetched_at": "2026-12-01T10:00:00+00:00"}), encoding="utf-8")
        folders.append(target)
    return folders[0], folders[1]


def add_while_serving(folder: Path, db: Path, *, hosted: bool = True) -> dict[str, Any]:
    """The same job while the server answers /api/tabel from 16 connections; latencies of the requests made while
    the job ran, and whether the new moment is served right after. ``hosted``: the server runs the job (setting
    serve_hosts_jobs); else it reads the file and the job works on a copy that is swapped in."""
    import asyncio

    import api_latency
    import httpx

    failures: list[str] = []  # what the failed requests got (status and the start of the body, or the exception)
    plain_get = api_latency._get

    async def recording_get(reader: Any, writer: Any, target: str) -> bool:
        try:
            ok = await plain_get(reader, writer, target)
        except Exception as exc:
            failures.append(f"{target}: {exc!r}")
            raise
        if not ok:
            failures.append(f"{target}: not an answer with 'kolommen'")
        return ok

    api_latency._get = recording_get
    os.environ["DIGIBUDGET_SERVE_HOSTS_JOBS"] = "true" if hosted else "false"
    server, base = api_latency.serve(db, 64)
    try:
        rows = httpx.get(base + "/api/momenten", timeout=60).json()["rijen"]
        qs = api_latency.queries([(int(r["begrotingsjaar"]), str(r["fase"])) for r in rows])
        api_latency.cold(base, qs)
        job = subprocess.Popen([sys.executable, __file__, "--child", "add", "--files", str(folder), "--db", str(db),
                                "--only", ADD_FILE], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        latencies: list[float] = []
        errors = 0
        while job.poll() is None:
            lat, err = asyncio.run(api_latency.load(base, qs, 400, 16))
            latencies += lat
            errors += err
        out, err_text = job.communicate()
        if job.returncode != 0:
            raise SystemExit(f"add child failed:\n{err_text[-3000:]}")
        added: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        start = time.perf_counter()
        after = httpx.get(base + "/api/momenten", timeout=60).json()["rijen"]
        first_after_ms = (time.perf_counter() - start) * 1000
        shown = any(str(r["begrotingsjaar"]) == "2031" and r["fase"] == "JV" for r in after)
        server_peak = api_latency.peak_mb(server.pid)  # hosted, the job's memory is the server's
    finally:
        server.terminate()
        server.wait(60)
        api_latency._get = plain_get
        os.environ.pop("DIGIBUDGET_SERVE_HOSTS_JOBS", None)
    ms = sorted(x * 1000 for x in latencies)
    return {"job": added, "requests": len(ms), "errors": errors,
            "p95_ms": ms[min(len(ms) - 1, int(0.95 * len(ms)))] if ms else float("nan"),
            "median_ms": statistics.median(ms) if ms else float("nan"), "max_ms": ms[-1] if ms else float("nan"),
            "new_moment_shown": shown, "first_request_after_ms": first_after_ms, "failures": failures[:10],
            "server_peak_mb": server_peak}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 5_000_000])
    ap.add_argument("--skip-10m", action="store_true", help="leave out 10,000,000 rows even if listed")
    ap.add_argument("--out", type=Path, default=Path("/tmp/digibudget-bench"))
    ap.add_argument("--notes", type=Path, default=REPO / "bench" / "NOTES.md",
                    help="what was profiled and changed, copied into BENCHMARKS.md")
    ap.add_argument("--no-api", action="store_true")
    ap.add_argument("--memory-limit", help="DuckDB memory_limit in the children (default: job_memory_limit)")
    ap.add_argument("--reuse", action="store_true",
                    help="keep the baseline and ingest figures of an earlier run (results_N.json) and its database")
    ap.add_argument("--child", choices=["baseline", "ingest", "queries", "pandas", "add"])
    ap.add_argument("--only", help="for a child: only this file of --files")
    ap.add_argument("--exclude", help="for a child: every file of --files but this one")
    ap.add_argument("--no-add", action="store_true", help="leave out 'add one moment to a database of N rows'")
    ap.add_argument("--moment", help="for --child pandas: the moment, e.g. 2031-O2")
    ap.add_argument("--files", type=Path)
    ap.add_argument("--db", type=Path)
    args = ap.parse_args()
    if args.memory_limit:
        os.environ["DIGIBUDGET_JOB_MEMORY_LIMIT"] = args.memory_limit
        globals()["MEMORY_LIMIT"] = args.memory_limit
    if args.child:
        files = sorted(args.files.glob("Budgettaire_Tabellen_*.csv"))
        files = [p for p in files if (args.only is None or p.name == args.only) and p.name != args.exclude]
        if args.child == "add":
            result = child_add(files, args.db)
        elif args.child == "baseline":
            result = child_baseline(files, args.db)
        elif args.child == "ingest":
            result = child_ingest(files, args.db)
        elif args.child == "queries":
            result = measure_db(args.db, args.files)
        else:
            mj, fase = args.moment.split("-")
            result = pandas_route(args.files, (int(mj), fase))
        result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result, default=str))
        return
    import generate

    results: dict[int, dict[str, Any]] = {}
    for rows in args.rows:
        if rows >= 10_000_000 and args.skip_10m:
            continue
        folder = args.out / str(rows)
        if not (folder / "rows.txt").exists():
            generate.generate(rows, args.out)
        files = sorted(folder.glob("Budgettaire_Tabellen_*.csv"))
        r: dict[str, Any] = {"files": len(files), "mb": sum(p.stat().st_size for p in files) / 1e6,
                             "memory_limit": MEMORY_LIMIT}
        db = args.out / f"digibudget_{rows}.duckdb"
        earlier = args.out / f"results_{rows}.json"
        if args.reuse and earlier.exists() and db.exists():
            old = json.loads(earlier.read_text(encoding="utf-8"))
            r["baseline"], r["ingest"] = old["baseline"], old["ingest"]
            r["memory_limit"] = old.get("memory_limit", "1200MB")
            if "db_mb" in old:  # the size right after that build (later jobs may have grown the file)
                r["db_mb"] = old["db_mb"]
        else:
            print(f"{rows:,} rows: baseline ...", flush=True)
            r["baseline"] = run_child("baseline", folder, args.out / f"baseline_{rows}.duckdb")
            print(f"  {r['baseline']['seconds']:.1f} s; ingest ...", flush=True)
            r["ingest"] = run_child("ingest", folder, db)
            r["db_mb"] = db.stat().st_size / 1e6
        print(f"  {r['ingest']['seconds']:.1f} s {r['ingest']['phases']}; queries ...", flush=True)
        r["db"] = median_of_processes([run_child("queries", folder, db, fresh=False)
                                       for _ in range(QUERY_PROCESSES)])
        print(f"  {json.dumps(r['db'], default=str)}; pandas ...", flush=True)
        r["db"]["pandas"] = run_child("pandas", folder, db, fresh=False, extra=["--moment", r["db"]["moment"]])
        print(f"  {json.dumps(r['db']['pandas'], default=str)}", flush=True)
        if not args.no_api:
            r["api"] = api_latency(db)
            print(f"  api: {r['api']}", flush=True)
        if not args.no_add:
            r["add_one"] = add_one_moment(folder, args.out, rows, api=not args.no_api)
        r["load_average"] = os.getloadavg()
        results[rows] = r
        (args.out / f"results_{rows}.json").write_text(json.dumps(r, default=str, indent=1), encoding="utf-8")
    notes = args.notes.read_text(encoding="utf-8") if args.notes.exists() else "(no notes)"
    print(f"wrote {write_report(results, notes)}")


if __name__ == "__main__":
    main()
