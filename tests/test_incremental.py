"""Incremental derived tables (analyze.incremental): over random sequences of loads, the tables an incremental build
leaves are those a full rebuild of the same lines gives (mutation ids read as their identity, docs/updates.md)."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from call_counting import counting
from digibudget import ingest, pipeline, store
from digibudget.analyze import incremental, mutations
from digibudget.bundled import bundled_budget_paths
from digibudget.vocab import publication_key

REPO = Path(__file__).resolve().parents[1]


def _generated(tmp_path: Path, rows: int) -> list[Path]:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = gen
    spec.loader.exec_module(gen)
    paths: list[Path] = gen.generate(rows, tmp_path, seed=11)
    return paths


def _load_in_random_batches(paths: list[Path], seed: int, most: int) -> tuple[duckdb.DuckDBPyConnection, int]:
    """Load the files in a random order, in batches of 1..most files, each batch one build; returns the
    connection and how many builds took the incremental path for mutations."""
    rng = random.Random(seed)
    order = list(paths)
    rng.shuffle(order)
    con = store.connect(":memory:")
    builds = 0
    with counting(mutations, "build") as full_builds:
        i = 0
        while i < len(order):
            k = rng.randint(1, most)
            pipeline.build(con, order[i:i + k])
            builds += 1
            i += k
    return con, builds - full_builds.count


def _assert_same_as_rebuild(con: duckdb.DuckDBPyConnection) -> None:
    incremental_tables = incremental.identities(con)
    pipeline.reclassify(con)
    full_tables = incremental.identities(con)
    for table, rows in incremental_tables.items():
        assert rows == full_tables[table], f"{table}: incremental and full rebuild differ"
    assert full_tables["mutation"] and full_tables["fact"] and full_tables["mutation_stand"]


@pytest.mark.parametrize("seed", [3])
def test_bundled_files_in_random_order_match_a_full_rebuild(seed: int) -> None:
    con, incremental_builds = _load_in_random_batches(ingest.expand(bundled_budget_paths()), seed, 2)
    assert incremental_builds >= 1  # the incremental path ran (a load that changes lineage rebuilds mutations)
    _assert_same_as_rebuild(con)


def test_generated_moments_in_random_order_match_a_full_rebuild(tmp_path: Path) -> None:
    paths = _generated(tmp_path, 2000)
    con, incremental_builds = _load_in_random_batches(paths, 5, 12)
    assert incremental_builds >= 5
    _assert_same_as_rebuild(con)


def test_a_change_keeps_its_id_and_a_new_moment_adds_ids_after_the_highest(tmp_path: Path) -> None:
    paths = _generated(tmp_path, 2000)
    # the newest publication (Budgettaire_Tabellen_<year>_<fase>_incl.csv): an older file than those loaded would
    # change nothing, as its stands are restated by the newer files, which win the ties (analyze.selection)
    last = max(paths, key=lambda p: publication_key(int(p.name.split("_")[2]), p.name.split("_")[3]))
    paths.remove(last)
    con = store.connect(":memory:")
    pipeline.build(con, paths)
    before = dict(con.execute("SELECT mutation_id, mutation_key || line_id FROM mutation").fetchall())
    top = max(before)
    pipeline.build(con, [last])
    after = dict(con.execute("SELECT mutation_id, mutation_key || line_id FROM mutation").fetchall())
    kept = [i for i in before if i in after]
    assert kept and all(after[i] == before[i] for i in kept)
    assert any(i > top for i in after)
    assert all(i > top for i in set(after) - set(before))


def test_changed_decisions_make_a_full_rebuild(tmp_path: Path) -> None:
    paths = sorted(_generated(tmp_path, 2000))
    con = store.connect(":memory:")
    pipeline.build(con, paths[:-1])
    fp = incremental.stored_fingerprint(con)
    decisions = tmp_path / "decisions.toml"
    decisions.write_text("", encoding="utf-8")
    lineage, ranks = pipeline.reviewed_lineage_paths(), pipeline.source_preference()
    assert incremental.fingerprint(decisions, lineage, ranks) == fp  # an empty file: no change
    key = con.execute("SELECT line_key FROM budget_line WHERE NOT is_total LIMIT 1").fetchone()
    assert key is not None
    decisions.write_text(f'[[decision]]\nline_key = "{key[0]}"\ntheme = "digitalisering"\nweight = 1.0\n'
                         'reason = "test"\nreviewer = "t"\ndate = "2026-11-30"\n', encoding="utf-8")
    assert incremental.fingerprint(decisions, lineage, ranks) != fp
    pipeline.build(con, paths[-1:], decisions=decisions)
    assert con.execute("SELECT count(*) FROM tag WHERE kind = 'override'").fetchone() == (
        con.execute("SELECT count(*) FROM budget_line WHERE line_key = ?", [key[0]]).fetchone())


def test_loading_nothing_new_rebuilds_only_after_a_change_of_rules_or_decisions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = sorted(_generated(tmp_path, 2000))[:3]
    con = store.connect(":memory:")
    _, first = pipeline.build(con, paths)
    rebuilt: list[int] = []
    real = incremental.derive_all

    def counting(*args: Any, **kwargs: Any) -> dict[str, int]:
        rebuilt.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(incremental, "derive_all", counting)
    report, again = pipeline.build(con, paths)  # the same files: nothing loaded, nothing derived again
    assert not report.loaded and rebuilt == [] and again == first
    decisions = tmp_path / "decisions.toml"
    key = con.execute("SELECT line_key FROM budget_line WHERE NOT is_total LIMIT 1").fetchone()
    assert key is not None
    decisions.write_text(f'[[decision]]\nline_key = "{key[0]}"\ntheme = "digitalisering"\nweight = 1.0\n'
                         'reason = "test"\nreviewer = "t"\ndate = "2026-11-30"\n', encoding="utf-8")
    pipeline.build(con, paths, decisions=decisions)
    assert rebuilt == [1]
