"""Bulk-file naming and batch download of rijksfinancien.nl budgettaire tabellen."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fetch_server import FIXTURES, LocalServer, SleepRecorder, serve, status

from digibudget.errors import UsageError
from digibudget.fetch.http import DownloadError, ProgressCallback
from digibudget.fetch.rijksfinancien import (
    DEFAULT_BASE_URL,
    bulk_file_name,
    bulk_file_url,
    fetch_budget_tables,
)

NAME = "Budgettaire_Tabellen_2024_O1_incl.csv"
DATA = (FIXTURES / NAME).read_bytes()
COLUMNS = [
    "IBOSnummer", "Begrotingsjaar", "Fase", "VUO", "Totaal", "Hoofdstuknummer", "Hoofdstuknaam", "Artikelnummer",
    "Artikelnaam", "Artikelonderdeelnummer", "Instrumentnummer", "Instrumentnaam", "Detailnummer", "Detailnaam",
    "StandOWB", "StandO1", "StandVB", "StandSBS", "StandO2", "Realisatie", "Verschil",
]


def test_file_names_and_urls_follow_the_published_pattern() -> None:
    assert bulk_file_name(2024, "O1") == NAME
    assert bulk_file_name(2025, "sbs", "EXCL", ".xlsx") == "Budgettaire_Tabellen_2025_SBS_excl.xlsx"
    assert bulk_file_url(2023, "JV", "incl", "json") == DEFAULT_BASE_URL + "Budgettaire_Tabellen_2023_JV_incl.json"
    assert bulk_file_url(2026, "OWB", base_url="http://127.0.0.1:1/x") == (
        "http://127.0.0.1:1/x/Budgettaire_Tabellen_2026_OWB_incl.csv")
    assert DEFAULT_BASE_URL == "https://www.rijksfinancien.nl/sites/default/files/bestanden/open_data/"


@pytest.mark.parametrize(("year", "fase", "variant", "fmt"), [
    (2012, "O1", "incl", "csv"), (2041, "O1", "incl", "csv"), (True, "O1", "incl", "csv"),
    (2024, "VB", "incl", "csv"), (2024, "O1; rm", "incl", "csv"), (2024, "O1", "inclusief", "csv"),
    (2024, "O1", "incl", "7z"),
])
def test_invalid_parts_are_usage_errors(year: int, fase: str, variant: str, fmt: str) -> None:
    with pytest.raises(UsageError) as info:
        bulk_file_name(year, fase, variant, fmt)
    assert info.value.exit_code == 2 and info.value.expected


def test_fixture_has_the_published_bulk_layout() -> None:
    assert DATA.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(DATA.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == COLUMNS
    assert all(len(r) == len(COLUMNS) for r in rows)
    totals = [r for r in rows[1:] if r[4] == "J"]
    assert [(r[3], r[14], r[15], r[16]) for r in totals] == [("V", "536087", "529482", "536087"),
                                                              ("U", "536087", "534082", "536087")]


def test_batch_reports_unpublished_files_without_aborting(server: LocalServer, tmp_path: Path,
                                                          no_sleep: SleepRecorder) -> None:
    server.add("/open_data/" + NAME, serve(DATA))
    outcome = fetch_budget_tables([2024], ["O2", "O1", "JV"], "incl", "csv", server.url("/open_data/"),
                                  tmp_path, timeout=5, retries=2, sleep=no_sleep)

    results, misses = outcome
    assert [r.path.name for r in results] == [NAME]
    assert results[0].path.read_bytes() == DATA
    assert [(m.year, m.fase) for m in misses] == [(2024, "O2"), (2024, "JV")]
    assert misses[0].url == server.url("/open_data/Budgettaire_Tabellen_2024_O2_incl.csv")
    assert "niet gepubliceerd" in misses[0].reason
    assert len(server.requests_for("/open_data/Budgettaire_Tabellen_2024_JV_incl.csv")) == 1  # 404 not retried


def test_batch_propagates_real_failures(server: LocalServer, tmp_path: Path, no_sleep: SleepRecorder) -> None:
    server.add("/open_data/" + NAME, default=status(500))
    with pytest.raises(DownloadError) as info:
        fetch_budget_tables([2024], ["O1"], base_url=server.url("/open_data/"), dest_dir=tmp_path,
                            timeout=5, retries=1, sleep=no_sleep)
    assert info.value.status == 500 and info.value.attempts == 2


def test_batch_validates_everything_before_downloading(server: LocalServer, tmp_path: Path,
                                                       no_sleep: SleepRecorder) -> None:
    with pytest.raises(UsageError):
        fetch_budget_tables([2024, 1999], ["O1"], base_url=server.url("/"), dest_dir=tmp_path, sleep=no_sleep)
    with pytest.raises(UsageError):
        fetch_budget_tables([], ["O1"], base_url=server.url("/"), dest_dir=tmp_path, sleep=no_sleep)
    assert server.script.requests == []


def test_progress_factory_gets_one_callback_per_file(server: LocalServer, tmp_path: Path,
                                                     no_sleep: SleepRecorder) -> None:
    server.add("/open_data/" + NAME, serve(DATA))
    seen: dict[str, list[int]] = {}

    def factory(name: str) -> ProgressCallback:
        seen[name] = []
        return lambda done, total: seen[name].append(done)

    fetch_budget_tables([2024], ["O1", "O2"], base_url=server.url("/open_data/"), dest_dir=tmp_path,
                        timeout=5, retries=0, sleep=no_sleep, progress=factory)
    assert set(seen) == {NAME, "Budgettaire_Tabellen_2024_O2_incl.csv"}
    assert seen[NAME][-1] == len(DATA)
