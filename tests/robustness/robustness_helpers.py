"""Shared helpers of the robustness tests: exact database snapshots, content fingerprints, generated bulk files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

# the tables an ingest writes; every other table (classification, facts) is derived from them
INGEST_TABLES = ("source", "budget_line", "amount", "legal_commitment", "finding", "schema_migration")
# columns that may differ between two loads of the same files, left out of fingerprints (snapshots keep them):
# wall-clock times, and finding ids: reconcile.run stores the findings of each source in the order its unordered
# SQL returns the sources, so the id ranges of two sources can swap between runs (same rows otherwise)
VOLATILE = {"source": {"loaded_at"}, "schema_migration": {"applied_at"}, "finding": {"finding_id"}}
BULK_HEADER = ("IBOSnummer;Begrotingsjaar;Fase;VUO;Totaal;Hoofdstuknummer;Hoofdstuknaam;Artikelnummer;Artikelnaam;"
               "Artikelonderdeelnummer;Instrumentnummer;Instrumentnaam;Detailnummer;Detailnaam;StandOWB;StandO1;"
               "StandVB;StandSBS;StandO2;Realisatie;Verschil")
_INSTRUMENTS = ("Subsidies (regelingen)", "Opdrachten", "Bijdrage aan agentschappen", "Bijdrage aan ZBO's/RWT's",
                "Bijdrage aan medeoverheden")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                       "ORDER BY ordinal_position", [table]).fetchall()
    return [r[0] for r in rows]


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                       "AND table_schema = 'main' ORDER BY table_name").fetchall()
    return [r[0] for r in rows]


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a fixed order: two snapshots are equal only if the contents are."""
    out: dict[str, list[tuple[object, ...]]] = {}
    for table in tables(con):
        cols = ", ".join(f'"{c}"' for c in _columns(con, table))
        out[table] = con.execute(f"SELECT {cols} FROM {table} ORDER BY ALL").fetchall()
    return out


def fingerprint(con: duckdb.DuckDBPyConnection, only: tuple[str, ...] | None = None
                ) -> tuple[tuple[str, int, str], ...]:
    """Per table: row count and a sha256 of all rows in order, without the wall-clock columns."""
    parts = []
    for table in tables(con):
        if only is not None and table not in only:
            continue
        cols = [c for c in _columns(con, table) if c not in VOLATILE.get(table, set())]
        rows = con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY ALL").fetchall()
        h = hashlib.sha256()
        for row in rows:
            h.update(repr(row).encode())
        parts.append((table, len(rows), h.hexdigest()))
    return tuple(parts)


def fingerprint_of(db: Path, only: tuple[str, ...] | None = None) -> tuple[tuple[str, int, str], ...]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return fingerprint(con, only)
    finally:
        con.close()


def write_bulk(path: Path, rows: int, *, year: int = 2024, fase: str = "O1") -> Path:
    """A rijksfinancien.nl bulk file (the layout of tests/fixtures/fetch) with ``rows`` detail rows of VII."""
    out = ["\ufeff" + BULK_HEADER]
    for i in range(rows):
        art, ond, instr = 1 + i % 90, 1 + i // 90 % 9, 1 + i // 810 % 5
        detail = i // 4050 + 1
        out.append(f"{year}.VII.{art}.{ond}.{instr}.{detail};{year};{fase};U;N;VII;Binnenlandse Zaken en "
                   f"Koninkrijksrelaties;{art};Artikel {art};{ond};{instr};{_INSTRUMENTS[instr - 1]};{detail};"
                   f"Regeling {i};{i % 9973},{i % 10};{(i * 7) % 100003};{i};;;;")
    path.write_text("\r\n".join(out) + "\r\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- peak memory of a command, in a child process

_CHILD = """
import json, resource, sys
from digibudget.cli import main
sys.argv = ["digibudget", *sys.argv[2:]]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
finally:
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes
    with open(__OUT__, "w") as fh:
        json.dump({"code": code, "peak_mb": round(peak_mb)}, fh)
"""


def run_measured(args: list[str], workdir: Path, timeout: float = 600) -> tuple[int, float, str]:
    """Run ``digibudget <args>`` in a fresh Python process; returns (exit code, peak resident memory in MB, output).
    Peak memory is the child's own ru_maxrss, so nothing of the test process counts."""
    import json
    import os
    import subprocess
    import sys

    out = workdir / "peak.json"
    code = _CHILD.replace("__OUT__", repr(str(out)))
    env = {**os.environ, "NO_COLOR": "1", "TMPDIR": str(workdir)}
    proc = subprocess.run([sys.executable, "-c", code, "child", *args], cwd=workdir, env=env, capture_output=True,
                          timeout=timeout, check=False)
    data = json.loads(out.read_text())
    return int(data["code"]), float(data["peak_mb"]), (proc.stdout + proc.stderr).decode(errors="replace")
