"""Latency of the integrated-table endpoint under a bounded load (a measurement, not a test).

Starts `digibudget serve` on a free loopback port over a database (default: a fresh demo database in a temporary
folder), sends REQUESTS requests from CONCURRENCY concurrent clients (httpx) to /api/tabel with varying filters,
sorting and pages, and prints median and p95 latency, throughput and errors.

    .venv/bin/python bench/api_latency.py [--db FILE] [--requests 2000] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).with_name("digibudget")
QUERIES = [
    {"moment": "2017-OWB", "per_pagina": "100"},
    {"moment": "2017-OWB", "hoofdstuk": "VII", "sorteer": "2017", "richting": "af"},
    {"moment": "2017-OWB", "niveau": "artikel"},
    {"moment": "2016-OWB", "thema": "digitalisering", "per_pagina": "20", "pagina": "2"},
    {"moment": "2017-OWB", "niveau": "uitvoerder", "vuo": "U"},
    {"per_pagina": "50"},
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def run(base: str, total: int, concurrency: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    counter = itertools.count()
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        async def worker() -> None:
            nonlocal errors
            while (i := next(counter)) < total:
                start = time.perf_counter()
                try:
                    r = await client.get("/api/tabel", params=QUERIES[i % len(QUERIES)])
                    ok = r.status_code == 200 and r.json()["kolommen"]
                except (httpx.HTTPError, ValueError):
                    ok = False
                latencies.append(time.perf_counter() - start)
                errors += 0 if ok else 1

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=16)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "bench.duckdb"
            subprocess.run([str(BIN), "demo", "--db", str(db)], check=True, capture_output=True)
        port = free_port()
        env = {**os.environ, "DIGIBUDGET_WRITE_TOKEN": ""}
        server = subprocess.Popen([str(BIN), "serve", "--db", str(db), "--port", str(port)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if httpx.get(base + "/api/momenten", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("server did not start")
                time.sleep(0.2)
            started = time.perf_counter()
            latencies, errors = asyncio.run(run(base, args.requests, args.concurrency))
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(10)
    ms = sorted(x * 1000 for x in latencies)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    print(f"/api/tabel: {len(ms)} requests, {args.concurrency} concurrent clients, {wall:.1f} s "
          f"({len(ms) / wall:.0f} req/s)")
    print(f"median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms, errors {errors}")


if __name__ == "__main__":
    main()
