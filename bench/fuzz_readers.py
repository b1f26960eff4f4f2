"""Coverage-guided fuzzing of the readers and the ingest with atheris (on demand, never in CI).

    .venv/bin/pip install atheris          # not a project dependency
    .venv/bin/python bench/fuzz_readers.py -atheris_runs=200000 [corpus_dir]

Each input is written to a temporary .csv file, read with ``digibudget.sources.read`` and ingested into an
in-memory database. A DigibudgetError is the expected way to refuse; any other exception is a finding of the
fuzzer (atheris stops and writes the input as crash-*). Seed it with tests/fixtures/budget and
tests/fixtures/broken for a head start: ``mkdir corpus && cp tests/fixtures/budget/*.csv tests/fixtures/broken/*
corpus/``.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from digibudget import ingest, store
    from digibudget.errors import DigibudgetError
    from digibudget.sources import read

_TMP = Path(tempfile.mkdtemp(prefix="digibudget-atheris-"))
_PATH = _TMP / "fuzz.csv"
_STATE = {"con": store.connect(":memory:"), "runs": 0}


def one_input(data: bytes) -> None:
    _STATE["runs"] += 1
    if _STATE["runs"] % 500 == 0:  # a fresh database now and then keeps each run fast
        _STATE["con"].close()
        _STATE["con"] = store.connect(":memory:")
    _PATH.write_bytes(data)
    try:
        read(_PATH)
    except DigibudgetError:
        return
    with contextlib.suppress(DigibudgetError):
        ingest.ingest(_STATE["con"], [_PATH])


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
