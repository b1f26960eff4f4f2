"""The source reader contract: every format is a Reader in the registry; ingest and the selection of figures ask
the readers (suffixes, ranks) instead of naming formats."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from digibudget import ingest, pipeline, sources, store
from digibudget.analyze.selection import SourcePreference
from digibudget.errors import SchemaError
from digibudget.sources import REGISTRY, btabel, detect
from digibudget.sources.contract import Sample, TableReader

BUDGET = Path(__file__).parent / "fixtures" / "budget"


def test_every_reader_declares_its_kind_rank_and_suffixes() -> None:
    kinds = [r.kind for r in REGISTRY]
    assert len(kinds) == len(set(kinds))
    assert all(isinstance(r.rank, int) and r.rank > 0 and r.suffixes for r in REGISTRY)
    assert sources.ranks() == {"bulk": 4, "btabel": 3, "btabel_json": 3, "gevolgen": 2, "begrotingsstaten": 1}
    assert sources.lines_only_kinds() == {"btabel_json"}


def test_the_sql_rank_is_the_readers_rank() -> None:
    pref = pipeline.source_preference()
    con = duckdb.connect()
    for r in REGISTRY:
        assert con.execute(f"SELECT {pref.rank_sql('?')}", [r.kind]).fetchone() == (r.rank,)
    assert con.execute(f"SELECT {pref.rank_sql('?')}", ["nieuw"]).fetchone() == (None,)  # not 1


def test_a_kind_without_a_rank_is_refused(tmp_path: Path) -> None:
    con = store.connect(":memory:")
    ingest.ingest(con, [BUDGET / "btabel_2015_excerpt.csv"])
    pipeline.source_preference().check(con)  # every loaded kind has a rank
    with pytest.raises(SchemaError, match="btabel"):
        SourcePreference({"bulk": 4}).check(con)
    with pytest.raises(ValueError, match="without a rank"):
        SourcePreference({"bulk": 4}, frozenset({"btabel_json"}))


def test_a_folder_scan_picks_up_every_suffix_a_reader_accepts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    (tmp_path / "a.csv").write_text("x\n", encoding="utf-8")
    (tmp_path / "b.tsv").write_text("x\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("x\n", encoding="utf-8")
    (tmp_path / "tables_meta.json").write_text("{}", encoding="utf-8")
    assert [p.name for p in ingest.expand([tmp_path])] == ["a.csv"]
    tsv = replace(btabel.READER, kind="btabel_tsv", suffixes=(".tsv",))
    monkeypatch.setattr(sources, "REGISTRY", (*REGISTRY, tsv))
    assert [p.name for p in ingest.expand([tmp_path])] == ["a.csv", "b.tsv"]


def test_detection_asks_each_reader() -> None:
    reader = detect(BUDGET / "btabel_2015_excerpt.csv")
    assert reader is btabel.READER and reader.kind == "btabel"
    assert isinstance(reader, TableReader) and not reader.matches(Sample(BUDGET, data=[{"a": 1}]))
