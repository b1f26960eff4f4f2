"""Latency of the integrated-table endpoint under a bounded load (a measurement, not a test).

Starts `digibudget serve` on a free loopback port over a database (default: a fresh demo database in a temporary
folder) and measures /api/tabel with QUERIES distinct parameter sets (filters, levels, sorting, pages):

1. cold: each distinct query once, one after the other, on a fresh server (every answer is computed);
2. load: REQUESTS requests from CONCURRENCY concurrent kept-alive connections (plain HTTP/1.1 on asyncio, much
   lighter than httpx, as the clients share the CPU with the server), cycling through the queries, on the
   server of step 1 (its response cache filled);
3. the baseline in the same run: step 2 against a fresh server with the response cache off
   (DIGIBUDGET_SERVE_CACHE_MB=0; the result cache of the queries stays), after its own cold pass.

The clients run on the same machine as the server and take CPU from it. Prints one line per step:

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
from typing import Any
from urllib.parse import urlencode

import httpx

BIN = Path(sys.executable).with_name("digibudget")
_BASE: list[dict[str, str]] = [
    {"per_pagina": "100"},
    {"hoofdstuk": "VII", "sorteer": "{jaar}", "richting": "af"},
    {"niveau": "artikel"},
    {"thema": "digitalisering", "per_pagina": "20"},
    {"niveau": "uitvoerder", "vuo": "U"},
    {"niveau": "hoofdstuk"},
]


def queries(moments: list[tuple[int, str]]) -> list[dict[str, str]]:
    """The distinct parameter sets: the base sets for the two newest moments (sorted on their first year), and
    pages 1-4 of the paged ones."""
    out: list[dict[str, str]] = []
    for jaar, fase in moments[-2:]:
        for q in _BASE:
            pages = range(1, 5) if "per_pagina" in q else range(1, 2)
            for page in pages:
                item = {k: v.replace("{jaar}", str(jaar)) for k, v in q.items()} | {"moment": f"{jaar}-{fase}"}
                if page > 1:
                    item["pagina"] = str(page)
                out.append(item)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ok(r: httpx.Response) -> bool:
    try:
        return r.status_code == 200 and bool(r.json()["kolommen"])
    except ValueError:
        return False


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, target: str) -> bool:
    """One GET over a kept-alive connection: HTTP/1.1 by hand, so that the load generator, which shares the CPU
    with the server, spends as little of it as possible (httpx costs more per request than a cached answer)."""
    writer.write(f"GET {target} HTTP/1.1\r\nHost: bench\r\n\r\n".encode("ascii"))
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    body = await reader.readexactly(length)
    return status == 200 and b'"kolommen"' in body


async def load(base: str, qs: list[dict[str, str]], total: int, concurrency: int) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    counter = itertools.count()
    host, port = base.removeprefix("http://").split(":")
    targets = ["/api/tabel?" + urlencode(q) for q in qs]

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while (i := next(counter)) < total:
                start = time.perf_counter()
                try:
                    ok = await _get(reader, writer, targets[i % len(targets)])
                except (OSError, ValueError, StopIteration, asyncio.IncompleteReadError):
                    ok = False
                latencies.append(time.perf_counter() - start)
                errors += 0 if ok else 1
                if not ok:
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, int(port))
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors


def cold(base: str, qs: list[dict[str, str]]) -> tuple[list[float], int]:
    latencies, errors = [], 0
    with httpx.Client(base_url=base, timeout=120) as client:
        for q in qs:
            start = time.perf_counter()
            ok = _ok(client.get("/api/tabel", params=q))
            latencies.append(time.perf_counter() - start)
            errors += 0 if ok else 1
    return latencies, errors


def summary(label: str, latencies: list[float], errors: int, wall: float | None = None) -> str:
    ms = sorted(x * 1000 for x in latencies)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    rate = f", {len(ms) / wall:.0f} req/s" if wall else ""
    return (f"{label}: {len(ms)} requests{rate}; median {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, "
            f"max {ms[-1]:.1f} ms, errors {errors}")


def serve(db: Path, cache_mb: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "DIGIBUDGET_WRITE_TOKEN": "", "DIGIBUDGET_SERVE_CACHE_MB": str(cache_mb)}
    server = subprocess.Popen([str(BIN), "serve", "--db", str(db), "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(base + "/api/momenten", timeout=5).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.terminate()
            raise SystemExit("server did not start")
        time.sleep(0.2)


def measure(db: Path, requests: int, concurrency: int, cache_mb: int) -> dict[str, Any]:
    server, base = serve(db, cache_mb)
    try:
        rows = httpx.get(base + "/api/momenten", timeout=60).json()["rijen"]
        moments = [(int(r["begrotingsjaar"]), str(r["fase"])) for r in rows]
        qs = queries(moments)
        c_lat, c_err = cold(base, qs)
        started = time.perf_counter()
        l_lat, l_err = asyncio.run(load(base, qs, requests, concurrency))
        wall = time.perf_counter() - started
        peak = peak_mb(server.pid)
    finally:
        server.terminate()
        server.wait(10)
    return {"queries": len(qs), "cold": (c_lat, c_err), "load": (l_lat, l_err, wall), "peak_mb": peak}


def peak_mb(pid: int) -> float:
    """The server's peak resident memory so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


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
        cached = measure(db, args.requests, args.concurrency, 64)
        plain = measure(db, args.requests, args.concurrency, 0)
    print(f"/api/tabel, {cached['queries']} distinct queries, {args.concurrency} concurrent clients")
    print(summary("cold", *cached["cold"]))
    print(summary("load", *cached["load"]))
    print(summary("load without response cache", *plain["load"]))
    print(f"server peak memory: {cached['peak_mb']:.0f} MB; without response cache {plain['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
