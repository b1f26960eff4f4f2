"""A bounded soak of the API on loopback (a measurement, not a test): many endpoints for SECONDS, with the server's
resident memory sampled as it goes. Reports requests, errors and memory at start, end and peak.

    .venv/bin/python bench/soak.py [--db FILE] [--seconds 180] [--concurrency 8]

The server is `digibudget serve` on a free 127.0.0.1 port; the run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).with_name("digibudget")
PATHS = [
    ("/api/tabel", {"moment": "2017-OWB", "per_pagina": "100"}),
    ("/api/tabel", {"moment": "2015-OWB", "niveau": "artikel"}),
    ("/api/overlap", {"moment": "2017-OWB"}),
    ("/api/mutaties", {"per_pagina": "50"}),
    ("/api/kamervragen", {}),
    ("/api/bevindingen", {"per_pagina": "100"}),
    ("/api/bronnen", {}),
    ("/api/momenten", {}),
    ("/", {}),
    ("/tabel", {"moment": "2017-OWB"}),
]


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def soak(base: str, pid: int, seconds: float, concurrency: int) -> dict[str, float]:
    counter = itertools.count()
    stats = {"requests": 0, "errors": 0}
    samples: list[int] = []
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        async def worker() -> None:
            while time.monotonic() < deadline:
                path, params = PATHS[next(counter) % len(PATHS)]
                try:
                    r = await client.get(path, params=params)
                    ok = r.status_code == 200
                except httpx.HTTPError:
                    ok = False
                stats["requests"] += 1
                stats["errors"] += 0 if ok else 1

        async def sampler() -> None:
            while time.monotonic() < deadline:
                samples.append(rss_kib(pid))
                await asyncio.sleep(2)

        await asyncio.gather(sampler(), *(worker() for _ in range(concurrency)))
    warm = samples[len(samples) // 4:] or samples  # after warm-up (caches, first queries)
    return {**stats, "rss_start_mib": samples[0] / 1024, "rss_warm_mib": warm[0] / 1024,
            "rss_end_mib": samples[-1] / 1024, "rss_peak_mib": max(samples) / 1024}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db")
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "soak.duckdb")
        if not args.db:
            subprocess.run([str(BIN), "demo", "--db", db], check=True, capture_output=True)
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen([str(BIN), "serve", "--db", db, "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ})
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    httpx.get(base + "/api/momenten", timeout=2)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            r = asyncio.run(soak(base, server.pid, args.seconds, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=30)
    growth = r["rss_end_mib"] - r["rss_warm_mib"]
    print(f"{int(r['requests'])} requests in {args.seconds:.0f} s ({args.concurrency} clients), "
          f"{int(r['errors'])} errors; server memory {r['rss_start_mib']:.0f} MiB at start, "
          f"{r['rss_warm_mib']:.0f} after warm-up, {r['rss_end_mib']:.0f} at end (growth {growth:+.0f} MiB), "
          f"peak {r['rss_peak_mib']:.0f} MiB")
    return 0 if r["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
