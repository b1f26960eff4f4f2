"""The same files give the same figures whatever order they are loaded in (analyze.selection, rule 1): where sources
tie, the newest publication wins (source.latest_moment, then the content hash), never the source loaded last."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from digibudget import pipeline, store
from digibudget.bundled import bundled_data_dir
from digibudget.classify.explain import resolve_line
from digibudget.parliament.persist import ingest_documents
from digibudget.queries import executors_by_line_key
from digibudget.vocab import FASES, publication_key
from migration_helpers import database_before

REPO = Path(__file__).resolve().parents[1]
# three exports, up to the OWB 2017, the O2 2018 and the OWB 2021
STATEN = sorted((bundled_data_dir() / "begrotingsstaten").glob("*.csv"))
SEED = REPO / "data" / "documents" / "2026A02691_feitelijke_vragen_suppletoire_2026.txt"


def _figures(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Facts, stands and changes with the file and row they come from instead of ids (ids follow the load order)."""
    where = "JOIN source s USING (source_id) JOIN budget_line l ON l.line_id = x.line_id"
    return {
        "fact": con.execute(f"""SELECT x.hoofdstuk, x.artikel, x.vuo, x.moment_jaar, x.fase, x.measure, x.mutatie_soort,
                                       x.jaar, x.value_k, x.granularity, x.is_part, s.file_name, l.source_row
                                FROM fact x {where} ORDER BY ALL""").fetchall(),
        "mutation_stand": con.execute(f"""SELECT x.kind, x.line_key, x.moment, x.jaar, x.value_k, s.file_name,
                                                 l.source_row FROM mutation_stand x {where} ORDER BY ALL""").fetchall(),
        "mutation": con.execute(f"""SELECT x.kind, x.line_key, x.part_key, x.moment, x.jaar, x.basis, x.soort,
                                           x.evidence_kind, x.value_k, x.van_stand, x.naar_stand, x.counted,
                                           x.n_counterparts, x.source_column, s.file_name, l.source_row
                                    FROM mutation x {where} ORDER BY ALL""").fetchall(),
    }


def _load(order: list[Path], *, one_by_one: bool, names: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    """The figures of the files loaded in this order, and (as table 'source') each file's latest moment; with
    ``names`` also what the names and links say (``_names``)."""
    con = store.connect(":memory:")
    for batch in ([[p] for p in order] if one_by_one else [order]):
        pipeline.build(con, batch)
    out = _figures(con)
    out["source"] = con.execute("SELECT file_name, latest_moment FROM source ORDER BY ALL").fetchall()
    if names:
        out.update(_names(con))
    con.close()
    return out


def _names(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """What names and links say, with lines as their file and row: the line a line key resolves to (explain), its
    executor (the transfers Sankey), the seed's links to budget lines."""
    where = "JOIN budget_line l USING (line_id) JOIN source s USING (source_id)"
    out: dict[str, list[tuple[Any, ...]]] = {"files_of_key": con.execute(  # the keys of more than one file
        "SELECT line_key, list_sort(list(DISTINCT file_name)) FROM budget_line JOIN source USING (source_id) "
        "GROUP BY line_key HAVING count(DISTINCT source_id) > 1 ORDER BY 1").fetchall()}
    keys = [str(k) for k, _ in out["files_of_key"]]
    at = "SELECT s.file_name, l.source_row FROM budget_line l JOIN source s USING (source_id) WHERE l.line_id = ?"
    out["explain"] = [(k, *(con.execute(at, [resolve_line(con, k)]).fetchone() or ())) for k in keys]
    out["executor"] = sorted(executors_by_line_key(con, keys).items())
    ingest_documents(con, [SEED])
    out["link"] = con.execute(f"SELECT question_number, basis, evidence, s.file_name, l.source_row FROM link {where} "
                              f"ORDER BY ALL").fetchall()
    return out


def _generated(tmp_path: Path) -> list[Path]:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = gen
    spec.loader.exec_module(gen)
    paths: list[Path] = gen.generate(2000, tmp_path, seed=7)
    return sorted(paths)


def test_the_three_begrotingsstaten_exports_in_any_order_give_the_same_figures() -> None:
    assert len(STATEN) == 3
    oldest_first = _load(STATEN, one_by_one=False, names=True)
    # the exports disagree on some figures (a realisation of 2014, B art. 3: 18,708,261 in 2020's export and
    # 18,708,263 in 2016's); before, the export loaded last won those ties, so loading newest first changed 253 facts
    newest_first = _load(STATEN[::-1], one_by_one=True, names=True)
    for table, rows in oldest_first.items():
        assert rows, table
        assert rows == newest_first[table], f"{table}: the load order changed the figures"
    # names and links follow the newest publication too (before: the line loaded last, or any line)
    rank = {p.name: i for i, p in enumerate(STATEN)}  # oldest first (the 'source' check above)
    newest = {k: max(files, key=rank.__getitem__) for k, files in oldest_first["files_of_key"]}
    assert [(k, newest[k]) for k, _, _ in oldest_first["explain"]] == [(k, f) for k, f, _ in oldest_first["explain"]]
    assert len(oldest_first["explain"]) > 100 and len(oldest_first["link"]) > 5
    b3 = [r for r in oldest_first["fact"] if r[:8] == ("B", "3", "U", 2014, "JV", "realisatie", None, 2014)]
    assert [(r[8], r[11]) for r in b3] == [(18708261, "begrotingsstaten_rijksfinancien_nl_20200914.csv")]
    # ingest records the latest moment of each file (sorted by name: oldest export first)
    assert oldest_first["source"] == [
        (STATEN[0].name, publication_key(2017, "OWB")), (STATEN[1].name, publication_key(2018, "O2")),
        (STATEN[2].name, publication_key(2021, "OWB"))]


def test_generated_moments_in_reverse_order_give_the_same_figures(tmp_path: Path) -> None:
    paths = _generated(tmp_path)  # every file restates the stands before its own moment
    assert _load(paths, one_by_one=False) == _load(paths[::-1], one_by_one=False)


@pytest.mark.parametrize("fase", FASES)
def test_migration_0014_gives_the_key_of_vocab(tmp_path: Path, fase: str) -> None:
    db = tmp_path / "old.duckdb"
    con = database_before(db, "0014")
    con.execute("INSERT INTO source VALUES (1, 'x', 'bulk', 'f.csv', 'f.csv', 0, NULL, NULL, NULL, now(), 1, 1, 2)")
    con.execute("INSERT INTO source VALUES (2, 'y', 'document', 'd.txt', 'd.txt', 0, NULL, NULL, NULL, now(), 0, 0, 0)")
    con.execute("INSERT INTO budget_line (line_id, source_id, source_row, begrotingsjaar, hoofdstuk, niveau, vuo, "
                "is_total, line_key) VALUES (1, 1, 2, 2030, 'VII', 'artikel', 'U', true, 'k')")
    con.execute("INSERT INTO amount VALUES (1, 2030, ?, 'stand', NULL, 2030, 5, 'EUR1000', 'c', 2), "
                "(1, 2029, 'JV', 'realisatie', NULL, 2029, 5, 'EUR1000', 'c', 2)", [fase])
    con.close()
    con = store.connect(db)
    assert "0014_source_latest_moment" in store.applied_migrations(con)
    expected = max(publication_key(2030, fase), publication_key(2029, "JV"))
    assert con.execute("SELECT source_id, latest_moment FROM source ORDER BY 1").fetchall() == [(1, expected),
                                                                                                 (2, None)]
    con.close()
