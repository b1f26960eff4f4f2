"""`digibudget update` against a local server: the first run downloads and loads what is published; the second asks
with the recorded validators, gets 304 for the files it has, and downloads and loads only the new one."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from fetch_server import LocalServer, SleepRecorder, conditional, serve, status, truncated
from typer.testing import CliRunner

from digibudget import store
from digibudget.cli import app
from digibudget.fetch import update as updating

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def _generated(tmp_path: Path, rows: int = 2000) -> dict[str, Path]:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = gen
    spec.loader.exec_module(gen)
    return {p.name: p for p in gen.generate(rows, tmp_path / "gen", seed=3)}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    return _generated(tmp_path)


def _name(year: int, fase: str) -> str:
    return f"Budgettaire_Tabellen_{year}_{fase}_incl.csv"


def test_update_downloads_only_what_is_new_and_adds_it(server: LocalServer, tmp_path: Path,
                                                        files: dict[str, Path]) -> None:
    db, dest = str(tmp_path / "db.duckdb"), tmp_path / "downloads"
    for fase in ("OWB", "O1"):
        server.add("/open_data/" + _name(2024, fase), default=conditional(files[_name(2024, fase)].read_bytes(),
                                                                          etag=f'"{fase}"'))
    args = ["update", "--db", db, "--dest", str(dest), "--base-url", server.url("/open_data/"), "--jaar", "2024",
            "--fase", "OWB", "--fase", "O1", "--fase", "SBS"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "2 nieuw" in first.output and "niet gepubliceerd" in first.output
    con = store.connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM source").fetchone() == (2,)
    con.close()

    server.add("/open_data/" + _name(2024, "SBS"), default=conditional(files[_name(2024, "SBS")].read_bytes(),
                                                                       etag='"SBS"'))
    before = len(server.requests_for("/open_data/" + _name(2024, "OWB")))
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "1 nieuw" in second.output and "2 ongewijzigd" in second.output
    asked = server.requests_for("/open_data/" + _name(2024, "OWB"))[before:]
    assert [r.headers.get("if-none-match") for r in asked] == ['"OWB"']  # a conditional request, answered 304
    assert "Wat veranderde van" in second.output
    con = store.connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM source").fetchone() == (3,)
    assert con.execute("SELECT count(*) FROM mutation WHERE fase = 'SBS' AND moment_jaar = 2024").fetchone() != (0,)

    third = runner.invoke(app, args)
    assert third.exit_code == 0 and "Niets nieuws" in third.output


def test_a_changed_file_is_downloaded_again_and_the_same_bytes_are_unchanged(
        server: LocalServer, tmp_path: Path, files: dict[str, Path], no_sleep: SleepRecorder) -> None:
    path = "/open_data/" + _name(2024, "OWB")
    data = files[_name(2024, "OWB")].read_bytes()
    server.add(path, serve(data, etag=None), serve(data, etag=None), serve(data + b"\r\n", etag='"v2"'))
    url = server.url("/open_data/")
    first = updating.check_budget_tables([2024], ["OWB"], tmp_path, base_url=url, retries=0, sleep=no_sleep)
    assert [c.status for c in first] == [updating.NEW]
    # no validator the server honours: the bytes come again, with the recorded sha256: unchanged, not reloaded
    again = updating.check_budget_tables([2024], ["OWB"], tmp_path, base_url=url, retries=0, sleep=no_sleep)
    assert [c.status for c in again] == [updating.UNCHANGED]
    changed = updating.check_budget_tables([2024], ["OWB"], tmp_path, base_url=url, retries=0, sleep=no_sleep)
    assert [c.status for c in changed] == [updating.CHANGED]
    assert (tmp_path / _name(2024, "OWB")).read_bytes() == data + b"\r\n"


def test_update_hands_its_load_to_a_server_that_hosts_the_jobs(server: LocalServer, tmp_path: Path,
                                                                files: dict[str, Path]) -> None:
    """While `digibudget serve` hosts the jobs (here its job host in this process), update's load step runs there,
    in the file itself, and the summary of what changed is counted there (no other process can open the file)."""
    from digibudget import jobs

    db, dest = str(tmp_path / "db.duckdb"), tmp_path / "downloads"
    server.add("/open_data/" + _name(2024, "OWB"), default=conditional(files[_name(2024, "OWB")].read_bytes()))
    args = ["update", "--db", db, "--dest", str(dest), "--base-url", server.url("/open_data/"), "--jaar", "2024",
            "--fase", "OWB", "--fase", "O1"]
    assert runner.invoke(app, args).exit_code == 0
    server.add("/open_data/" + _name(2024, "O1"), default=conditional(files[_name(2024, "O1")].read_bytes()))
    inode = Path(db).stat().st_ino
    with jobs.hosting(db) as hosted:
        second = runner.invoke(app, args)
        assert second.exit_code == 0, second.output
        assert hosted.host.generation == 1  # the server ran it
        assert "1 bestand(en) geladen" in second.output and "Wat veranderde van" in second.output, second.output
        cur = hosted.con.cursor()
        assert cur.execute("SELECT count(*) FROM source").fetchone() == (2,)
        cur.close()
    assert Path(db).stat().st_ino == inode


def test_a_file_downloaded_but_not_loaded_is_loaded_by_the_next_update(
        server: LocalServer, tmp_path: Path, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """'Unchanged' is about the publisher, not the database: a load that failed after its download, or a second
    database fed from the same folder, must not be told 'Niets nieuws' while it lacks the file."""
    from digibudget import pipeline

    dest = tmp_path / "downloads"
    server.add("/open_data/" + _name(2024, "OWB"), default=conditional(files[_name(2024, "OWB")].read_bytes(),
                                                                       etag='"OWB"'))

    def args(db: Path) -> list[str]:
        return ["update", "--db", str(db), "--dest", str(dest), "--base-url", server.url("/open_data/"),
                "--jaar", "2024", "--fase", "OWB"]

    def sources(db: Path) -> int:
        con = store.connect(str(db), read_only=True)
        try:
            row = con.execute("SELECT count(*) FROM source").fetchone()
            return int(row[0]) if row else 0
        finally:
            con.close()

    real = pipeline.build

    def broken(*a: object, **k: object) -> object:
        raise RuntimeError("schijf vol")

    a = tmp_path / "a.duckdb"
    monkeypatch.setattr(pipeline, "build", broken)
    assert runner.invoke(app, args(a)).exit_code != 0  # downloaded, then the load failed
    monkeypatch.setattr(pipeline, "build", real)
    again = runner.invoke(app, args(a))  # the publisher answers 304 now
    assert again.exit_code == 0, again.output
    assert "nog niet in de database" in again.output and "Niets nieuws" not in again.output, again.output
    assert sources(a) == 1

    b = tmp_path / "b.duckdb"  # another database, the same downloads folder
    other = runner.invoke(app, args(b))
    assert other.exit_code == 0 and "nog niet in de database" in other.output, other.output
    assert sources(b) == 1
    third = runner.invoke(app, args(b))
    assert third.exit_code == 0 and "Niets nieuws" in third.output, third.output


def test_a_refused_file_does_not_hold_back_the_others(server: LocalServer, tmp_path: Path,
                                                     files: dict[str, Path]) -> None:
    """A publisher's error page served as a bulk file: the other files are loaded (exit code 9), the refused one is
    named with the reader's reason and asked for again next time (exit code 3 while it is all there is), and loaded
    once the publisher serves the real file."""
    db, dest = tmp_path / "db.duckdb", tmp_path / "downloads"
    page = b"<html><body>Pagina niet gevonden</body></html>"
    server.add("/open_data/" + _name(2024, "OWB"), default=conditional(files[_name(2024, "OWB")].read_bytes(),
                                                                       etag='"OWB"'))
    server.add("/open_data/" + _name(2024, "O1"), default=conditional(page, etag='"page"'))
    args = ["update", "--db", str(db), "--dest", str(dest), "--base-url", server.url("/open_data/"), "--jaar", "2024",
            "--fase", "OWB", "--fase", "O1"]

    def moments() -> list[tuple[object, ...]]:
        con = store.connect(str(db), read_only=True)
        try:
            return con.execute("SELECT DISTINCT begrotingsjaar, document_fase FROM budget_line ORDER BY 2").fetchall()
        finally:
            con.close()

    first = runner.invoke(app, args)
    text = " ".join(first.output.split())
    assert first.exit_code == 9, first.output
    assert f"Niet geladen: {_name(2024, 'O1')}, rij 1: het bestand is XML of HTML" in text, text
    assert moments() == [(2024, "OWB")]
    second = runner.invoke(app, args)
    assert second.exit_code == 3 and "Er is niets geladen" in " ".join(second.output.split()), second.output
    assert moments() == [(2024, "OWB")]
    server.add("/open_data/" + _name(2024, "O1"), default=conditional(files[_name(2024, "O1")].read_bytes(),
                                                                      etag='"O1"'))
    third = runner.invoke(app, args)
    assert third.exit_code == 0 and "1 gewijzigd" in third.output, third.output
    assert moments() == [(2024, "O1"), (2024, "OWB")]


def test_a_server_error_for_one_file_is_named_and_the_others_load(
        server: LocalServer, tmp_path: Path, files: dict[str, Path], no_sleep: SleepRecorder) -> None:
    """A file the server answers with an HTTP error after the retries is 'niet opgehaald' with the reason; the others
    are loaded (exit code 9), and with nothing else to load the exit code is 5."""
    db, dest = tmp_path / "db.duckdb", tmp_path / "downloads"
    server.add("/open_data/" + _name(2024, "OWB"), default=conditional(files[_name(2024, "OWB")].read_bytes()))
    server.add("/open_data/" + _name(2024, "O1"), default=status(403))
    checked = updating.check_budget_tables([2024], ["OWB", "O1"], dest, base_url=server.url("/open_data/"),
                                           retries=1, sleep=no_sleep)
    assert [(c.fase, c.status, c.http_status) for c in checked] == [("OWB", updating.NEW, 200),
                                                                      ("O1", updating.FAILED, 403)]
    assert "HTTP-status 403" in (checked[1].error or "")
    args = ["update", "--db", str(db), "--dest", str(dest), "--base-url", server.url("/open_data/"), "--jaar", "2024",
            "--fase", "OWB", "--fase", "O1"]
    first = runner.invoke(app, args)
    text = " ".join(first.output.split())
    assert first.exit_code == 9 and "1 niet opgehaald" in text and "Niet opgehaald: " in text, first.output
    con = store.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM source").fetchone() == (1,)
    con.close()
    second = runner.invoke(app, args)  # OWB is unchanged and loaded: only the failure is left
    assert second.exit_code == 5 and "Niets nieuws" not in second.output, second.output


def test_a_conditional_request_is_retried_on_a_server_error_and_a_short_body(
        server: LocalServer, tmp_path: Path, files: dict[str, Path], no_sleep: SleepRecorder) -> None:
    """A file fetched before is asked for again: a 503 (with Retry-After) and a body shorter than its Content-Length
    are tried again, as a first download is, and the new bytes arrive whole."""
    path = "/open_data/" + _name(2024, "OWB")
    old, new = files[_name(2024, "OWB")].read_bytes(), files[_name(2024, "O1")].read_bytes()
    server.add(path, serve(old, etag='"v1"'))
    url = server.url("/open_data/")
    first = updating.check_budget_tables([2024], ["OWB"], tmp_path, base_url=url, retries=3, sleep=no_sleep)
    assert [c.status for c in first] == [updating.NEW]
    server.add(path, status(503, headers={"Retry-After": "7"}), truncated(new), serve(new, etag='"v2"'))
    again = updating.check_budget_tables([2024], ["OWB"], tmp_path, base_url=url, retries=3, sleep=no_sleep)
    assert [c.status for c in again] == [updating.CHANGED]
    assert (tmp_path / _name(2024, "OWB")).read_bytes() == new
    assert no_sleep.calls[:1] == [7.0]


def test_a_download_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path, server: LocalServer) -> None:
    blocked = tmp_path / "a_file"
    blocked.write_text("", encoding="utf-8")
    out = runner.invoke(app, ["update", "--db", str(tmp_path / "db.duckdb"), "--dest", str(blocked), "--base-url",
                              server.url("/open_data/"), "--jaar", "2024", "--fase", "OWB"])
    assert out.exit_code == 5 and "kan downloadmap" in out.output and "Traceback" not in out.output, out.output


def test_an_unreachable_server_names_the_files_it_did_not_ask_for(tmp_path: Path, no_sleep: SleepRecorder) -> None:
    """Nothing listens: the first file fails after its retries and the others are not asked for; the error says
    which ones, so that nobody takes them for checked."""
    from digibudget.fetch.http import DownloadError

    srv = LocalServer()  # bound, never started, then closed: nothing listens on the port
    base = srv.url("/")
    srv.close_unstarted()
    with pytest.raises(DownloadError) as info:
        updating.check_budget_tables([2024, 2025], ["OWB", "JV", "O1"], tmp_path, base_url=base, retries=1,
                                     sleep=no_sleep)
    text = info.value.describe()
    assert _name(2024, "OWB") in text  # the file asked for
    assert "niet gevraagd: 5 andere bestanden" in text
    assert _name(2024, "JV") in text and _name(2025, "JV") in text and "en 0 meer" not in text
    assert info.value.status is None and info.value.attempts == 2
    with pytest.raises(DownloadError) as one:
        updating.check_budget_tables([2024], ["OWB"], tmp_path, base_url=base, retries=0, sleep=no_sleep)
    assert "niet gevraagd" not in one.value.describe()
