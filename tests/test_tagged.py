"""The tagged facts (analyze.tagged): what the integrated table reads, checked against the rule written out in Python
on real fixture rows, and filled by its migration on a database of an older release."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pytest

from digibudget import pipeline, store
from digibudget.analyze import tagged

BUDGET = Path(__file__).parent / "fixtures" / "budget"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tagged")
    db = folder / "db.duckdb"
    con = store.connect(db)
    pipeline.build(con, [BUDGET], decisions=folder / "decisions.toml")
    con.close()
    return db


def _expected(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """Every stand or realisation of the facts, once per tag of its line, with the line's texts and the names of
    its executors (sorted, distinct, '; '), made in Python from the tables it is derived from."""
    lines = {r[0]: r[1:] for r in con.execute(
        "SELECT line_id, artikel_naam, artikelonderdeel, artikelonderdeel_naam, instrument, regeling, detail, "
        "line_key FROM budget_line").fetchall()}
    names = dict(con.execute("SELECT executor_id, name FROM executor").fetchall())
    executors: dict[int, set[str]] = defaultdict(set)
    for line_id, executor_id in con.execute("SELECT line_id, executor_id FROM line_executor").fetchall():
        executors[line_id].add(names[executor_id])
    tags: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for line_id, *tag in con.execute("SELECT line_id, theme, weight, confidence, counted FROM line_theme").fetchall():
        tags[line_id].append(tuple(tag))
    rows = []
    facts = con.execute("SELECT moment_jaar, fase, jaar, measure, line_id, source_id, hoofdstuk, artikel, vuo, "
                        "value_k, granularity, is_part FROM fact").fetchall()
    for (moment_jaar, fase, jaar, measure, line_id, source_id, hoofdstuk, artikel, vuo, value_k, granularity,
         is_part) in facts:
        if measure not in ("stand", "realisatie"):
            continue
        for tag in tags[line_id]:
            ex = "; ".join(sorted(executors[line_id])) if executors[line_id] else None
            rows.append((moment_jaar, fase, jaar, measure, line_id, source_id, hoofdstuk, artikel, vuo, value_k,
                         granularity, is_part, *tag, *lines[line_id], ex))
    return sorted(rows, key=repr)


def test_the_tagged_facts_are_the_facts_of_tagged_lines_with_their_texts(built: Path) -> None:
    con = store.connect(built, read_only=True)
    rows = sorted(con.execute("SELECT * FROM tagged_fact").fetchall(), key=repr)
    expected = _expected(con)
    con.close()
    assert len(expected) > 100 and any(r[-1] for r in expected)  # real rows, some with an executor
    assert rows == expected


def test_the_migration_fills_the_table_as_a_derivation_does(built: Path, tmp_path: Path) -> None:
    """A database of the release before (no tagged_fact, every other derived table built) gets the table from its
    migration, equal to what the derivation records."""
    db = tmp_path / "old.duckdb"
    db.write_bytes(built.read_bytes())
    con = duckdb.connect(str(db))
    derived = sorted(con.execute("SELECT * FROM tagged_fact").fetchall(), key=repr)
    con.execute("DROP TABLE tagged_fact")
    con.execute("DELETE FROM schema_migration WHERE name = '0016_tagged_fact'")
    con.close()
    con = store.connect(db)
    assert "0016_tagged_fact" in store.applied_migrations(con)
    assert sorted(con.execute("SELECT * FROM tagged_fact").fetchall(), key=repr) == derived
    assert tagged.record(con) == len(derived)
    con.close()


def test_a_scope_table_must_be_a_plain_name(built: Path) -> None:
    con = store.connect(built, read_only=True)
    with pytest.raises(ValueError, match="sc; DROP"):
        tagged.record_scope(con, "sc; DROP TABLE fact")
    con.close()
