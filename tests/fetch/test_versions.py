"""A corrected publication: rijksfinancien.nl serves new bytes under the same address. The later version replaces
the earlier one (digibudget.versions): figures come from it alone, whatever the content hashes say, the earlier
version stays on record, and loading the two in either order gives the same tables."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from fetch_server import LocalServer, conditional
from test_update import _generated, _name
from typer.testing import CliRunner

from call_counting import counting
from digibudget import pipeline, store, versions
from digibudget.cli import app

runner = CliRunner()
AMOUNT_COLUMNS = range(14, 21)  # StandOWB .. Verschil of the bulk layout


def _doubled(data: bytes) -> bytes:
    """The same file with every amount twice as large: sums still add up, so every figure changes."""
    out = []
    for i, line in enumerate(data.decode("utf-8").split("\n")):
        cells = line.split(";")
        if i > 0 and len(cells) > max(AMOUNT_COLUMNS):
            for c in AMOUNT_COLUMNS:
                if cells[c].strip():
                    cells[c] = str(Decimal(cells[c].replace(",", ".")) * 2).replace(".", ",")
        out.append(";".join(cells))
    return "\n".join(out).encode("utf-8")


def _owb_2024(con: duckdb.DuckDBPyConnection) -> tuple[Decimal, set[int]]:
    row = con.execute("""SELECT sum(value_k), list(DISTINCT source_id) FROM fact
                         WHERE moment_jaar = 2024 AND fase = 'OWB' AND NOT is_part""").fetchone()
    assert row is not None
    return Decimal(row[0]), set(row[1])


def _orphans(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows of any table that point at a line or source no longer there (the source rows themselves excepted)."""
    found = {}
    for (table,) in con.execute("""SELECT DISTINCT table_name FROM information_schema.columns
                                   WHERE column_name = 'line_id' AND table_name NOT IN ('budget_line', 'amount_k')
                                   """).fetchall():
        row = con.execute(f"SELECT count(*) FROM {table} WHERE line_id NOT IN "
                          "(SELECT line_id FROM budget_line)").fetchone()
        found[table] = int(row[0]) if row else 0
    row = con.execute("SELECT count(*) FROM fact WHERE source_id IN (SELECT source_id FROM source_replaced)").fetchone()
    found["fact from a replaced source"] = int(row[0]) if row else 0
    return found


def test_a_republished_file_replaces_its_earlier_version(server: LocalServer, tmp_path: Path) -> None:
    files = _generated(tmp_path)
    v1 = files[_name(2024, "OWB")].read_bytes()
    v2 = _doubled(v1)
    db, dest = str(tmp_path / "db.duckdb"), tmp_path / "downloads"
    path = "/open_data/" + _name(2024, "OWB")
    args = ["update", "--db", db, "--dest", str(dest), "--base-url", server.url("/open_data/"), "--jaar", "2024",
            "--fase", "OWB"]
    server.add(path, default=conditional(v1, etag='"v1"', last_modified="Mon, 30 Nov 2026 10:00:00 GMT"))
    assert runner.invoke(app, args).exit_code == 0
    con = store.connect(db, read_only=True)
    before, first_sources = _owb_2024(con)
    con.close()
    assert before != 0

    server.add(path, default=conditional(v2, etag='"v2"', last_modified="Tue, 01 Dec 2026 09:00:00 GMT"))
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    assert "vervangt de eerdere versie (bron 1)" in out.output and "bedragen anders" in out.output
    assert "Nieuw moment" not in out.output  # a corrected publication is no new moment
    con = store.connect(db, read_only=True)
    after, sources = _owb_2024(con)
    assert after == 2 * before and sources == {2} and first_sources == {1}
    replaced = con.execute("SELECT source_id, replaced_by, amounts_changed, amounts_only_old, amounts_only_new "
                           "FROM source_replaced").fetchall()
    assert len(replaced) == 1 and replaced[0][:2] == (1, 2) and replaced[0][2] > 0 and replaced[0][3:] == (0, 0)
    assert con.execute("SELECT count(*) FROM budget_line WHERE source_id = 1").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM source").fetchone() == (2,)  # the earlier version stays on record
    assert set(_orphans(con).values()) == {0}, _orphans(con)
    con.close()
    shown = runner.invoke(app, ["sources", "--db", db, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    listed = json.loads(shown.stdout)["rijen"]
    assert [r["vervangen_door"] for r in listed] == [2, None]

    again = runner.invoke(app, args)
    assert again.exit_code == 0 and "Niets nieuws" in again.output

    # the download folder now holds the later bytes: the earlier source shows no row of them as its own
    import warnings

    with warnings.catch_warnings():  # starlette's TestClient warns about httpx at import time
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from digibudget.web.app import create_app

    with TestClient(create_app(db), raise_server_exceptions=True) as client:
        page = client.get("/bron/1")
        assert page.status_code == 200, page.text[-1500:]
        assert 'id="vervangen"' in page.text and 'href="/bron/2"' in page.text
        gone = client.get("/api/bron/1", params={"rij": 2})
        assert gone.status_code == 404 and "vervangen door een latere versie" in gone.json()["fout"]
        later = client.get("/api/bron/2", params={"rij": 2}).json()
        assert later["tekst"] and later["tekst"].split(";")[0] == v2.decode("utf-8").split("\n")[1].split(";")[0]
        assert later["bron"]["replaced_by"] is None


def _with_provenance(folder: Path, name: str, data: bytes, last_modified: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(data)
    (folder / (name + ".provenance.json")).write_text(json.dumps(
        {"url": "https://www.rijksfinancien.nl/open_data/" + name, "last_modified": last_modified,
         "fetched_at": "2026-12-01T10:00:00+00:00"}), encoding="utf-8")
    return target


def _tables(con: duckdb.DuckDBPyConnection) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The facts and the findings, without the ids that depend on what was loaded before (line and source ids) and
    without the findings that record the replacement itself."""
    facts = con.execute("SELECT * EXCLUDE (line_id, source_id) FROM fact ORDER BY ALL").fetchall()
    findings = con.execute("SELECT code, severity, message, path, row_number, column_name, CAST(figures AS VARCHAR) "
                           "FROM finding WHERE code NOT IN ('source-replaced', 'version-dropped-amounts') "
                           "ORDER BY ALL").fetchall()
    return facts, findings


def test_either_load_order_gives_what_the_later_version_alone_gives(tmp_path: Path) -> None:
    files = _generated(tmp_path)
    name = _name(2024, "OWB")
    v1, v2 = files[name].read_bytes(), _doubled(files[name].read_bytes())
    early = _with_provenance(tmp_path / "early", name, v1, "Mon, 30 Nov 2026 10:00:00 GMT")
    late = _with_provenance(tmp_path / "late", name, v2, "Tue, 01 Dec 2026 09:00:00 GMT")
    # the other moments of 2024 restate the OWB stand: cross-source findings compare them with the OWB file
    others = [p for n, p in files.items() if n.startswith(("Budgettaire_Tabellen_2023", "Budgettaire_Tabellen_2024"))
              and n != name]
    con = store.connect(tmp_path / "only_late.duckdb")
    pipeline.build(con, others)
    pipeline.build(con, [late])
    expected = _tables(con)
    con.close()
    assert any(f[0] == "source-mismatch" for f in expected[1])  # (a check that can fail: the comparison is there)
    for i, order in enumerate(([early, late], [late, early])):
        con = store.connect(tmp_path / f"db{i}.duckdb")
        pipeline.build(con, others)
        for p in order:  # one load after the other, as two updates would
            report, _ = pipeline.build(con, [p])
            assert report.loaded and len(report.replaced) == (1 if p is order[1] else 0)
        assert report.replaced[0].replaced_by == (report.replaced[0].source_id + 1 if i == 0 else
                                                  report.replaced[0].source_id - 1)
        assert set(_orphans(con).values()) == {0}, _orphans(con)
        assert _tables(con) == expected  # facts and findings (the cross-source checks against the later version)
        later = report.replaced[0].replaced_by
        assert con.execute("SELECT code, source_id FROM finding WHERE code LIKE 'source-replaced'").fetchall() == [
            ("source-replaced", later)]
        pipeline.reclassify(con)  # a full rebuild gives the same tables
        assert _tables(con) == expected
        con.close()
    # the earlier version loaded again: the same bytes, nothing changes
    con = store.connect(tmp_path / "db0.duckdb")
    copy = tmp_path / "again" / name
    copy.parent.mkdir()
    shutil.copy(early, copy)
    report, _ = pipeline.build(con, [copy])
    assert not report.loaded and _tables(con) == expected
    con.close()


def test_links_of_parliamentary_figures_follow_the_later_version(tmp_path: Path) -> None:
    files = _generated(tmp_path)
    name = _name(2024, "OWB")
    v1 = files[name].read_bytes()
    rows = _doubled(v1).split(b"\n")
    gone = next(r for r in rows[1:] if b";N;" in r)  # a detail line the corrected file no longer has
    v2 = b"\n".join(r for r in rows if r != gone)
    early = _with_provenance(tmp_path / "early", name, v1, "Mon, 30 Nov 2026 10:00:00 GMT")
    late = _with_provenance(tmp_path / "late", name, v2, "Tue, 01 Dec 2026 09:00:00 GMT")
    con = store.connect(tmp_path / "db.duckdb")
    pipeline.build(con, [early])
    kept, dropped = con.execute("""
        SELECT min(line_id) FILTER (WHERE source_ref <> ?), min(line_id) FILTER (WHERE source_ref = ?)
        FROM budget_line WHERE NOT is_total AND vuo = ?""",
        [gone.split(b";")[0].decode(), gone.split(b";")[0].decode(), gone.split(b";")[3].decode()]).fetchone()
    key = con.execute("SELECT line_key, vuo FROM budget_line WHERE line_id = ?", [kept]).fetchone()
    for line_id in (kept, dropped):
        con.execute("INSERT INTO link VALUES (1, '1', NULL, ?, 'test', 1, 'bedrag in het antwoord')", [line_id])
    report, _ = pipeline.build(con, [late])
    (r,) = report.replaced
    assert (r.links_moved, r.links_dropped) == (1, 1)
    assert r.amounts_only_old > 0 and r.amounts_only_new == 0
    linked = con.execute("SELECT l.source_id, l.line_key, l.vuo FROM link k JOIN budget_line l USING (line_id)"
                         ).fetchall()
    assert linked == [(2, *key)]
    assert "koppelingen van Kamerstukken: 1 verplaatst naar de nieuwe versie, 1 vervallen" in versions.describe(r)
    dropped_finding = con.execute("SELECT source_id, severity, figures->>'only_old' FROM finding "
                                  "WHERE code = 'version-dropped-amounts'").fetchall()
    assert dropped_finding == [(2, "warning", str(r.amounts_only_old))]
    con.close()


def test_a_sidecar_copied_beside_another_file_replaces_nothing(tmp_path: Path) -> None:
    files = _generated(tmp_path)
    owb, o1 = _name(2024, "OWB"), _name(2024, "O1")
    first = _with_provenance(tmp_path / "a", owb, files[owb].read_bytes(), "Mon, 30 Nov 2026 10:00:00 GMT")
    other = _with_provenance(tmp_path / "b", o1, files[o1].read_bytes(), "Tue, 01 Dec 2026 09:00:00 GMT")
    sidecar = other.with_name(o1 + ".provenance.json")  # the OWB's address beside the O1 file
    sidecar.write_text(first.with_name(owb + ".provenance.json").read_text(encoding="utf-8"), encoding="utf-8")
    con = store.connect(tmp_path / "db.duckdb")
    pipeline.build(con, [first])
    report, _ = pipeline.build(con, [other])
    assert report.replaced == [] and con.execute("SELECT count(*) FROM source_replaced").fetchone() == (0,)
    assert con.execute("SELECT count(DISTINCT source_id) FROM budget_line").fetchone() == (2,)
    con.close()


def test_ingest_of_a_later_download_says_what_it_replaced(tmp_path: Path) -> None:
    files = _generated(tmp_path)
    name = _name(2024, "OWB")
    early = _with_provenance(tmp_path / "early", name, files[name].read_bytes(), "Mon, 30 Nov 2026 10:00:00 GMT")
    late = _with_provenance(tmp_path / "late", name, _doubled(files[name].read_bytes()),
                            "Tue, 01 Dec 2026 09:00:00 GMT")
    db = str(tmp_path / "db.duckdb")
    assert runner.invoke(app, ["ingest", "--db", db, str(early)]).exit_code == 0
    out = runner.invoke(app, ["ingest", "--db", db, str(late)])  # through the job's JSON result, as a server sends it
    assert out.exit_code == 0, out.output
    assert (f"Nieuwe versie: {name} (bron 2) vervangt de eerdere versie (bron 1) van "
            f"https://www.rijksfinancien.nl/open_data/{name}: ") in out.output
    assert "De cijfers komen nu alleen uit de nieuwe versie." in out.output


def _corrected_bulk(data: bytes, *, chapter_gone: bool, blank: bool = False) -> tuple[bytes, str | None]:
    """The generated file with every amount doubled (with ``blank``: every amount cell empty, so the new version
    has lines and no figures) and, with ``chapter_gone``, without the rows of its smallest chapter (its figures of
    this moment exist only in the earlier version); and that chapter."""
    from collections import Counter

    rows = _doubled(data).split(b"\n")
    if blank:
        rows = [r if i == 0 or r.count(b";") < max(AMOUNT_COLUMNS) else
                b";".join(b"" if c in AMOUNT_COLUMNS else cell for c, cell in enumerate(r.split(b";")))
                for i, r in enumerate(rows)]
    if not chapter_gone:
        return b"\n".join(rows), None
    chapters = Counter(r.split(b";")[5] for r in rows[1:] if r.count(b";") > 5)
    assert len(chapters) > 1, chapters  # (another chapter stays)
    gone = min(chapters, key=lambda c: (chapters[c], c))
    return b"\n".join(r for i, r in enumerate(rows) if i == 0 or r.split(b";")[5:6] != [gone]), gone.decode()


def _corrected_btabel(data: bytes, *, gone_chapter: str) -> bytes:
    """A real B-tabel file corrected: every 'Bedrag' cell doubled, the rows of one chapter gone."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    amounts = [i for i, h in enumerate(rows[0]) if h.startswith("Bedrag")]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        if len(row) > 1 and row[1] == gone_chapter:
            continue
        writer.writerow([str(2 * int(c)) if i in amounts and c.strip().lstrip("-").isdigit() else c
                         for i, c in enumerate(row)])
    return out.getvalue().encode("utf-8")


def _replace_incrementally(con: duckdb.DuckDBPyConnection, late: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Load ``late`` with the full derivation forbidden; returns how often mutations were rebuilt whole (which a
    change of the lineage links needs, analyze.incremental)."""
    from digibudget.analyze import incremental, mutations

    def forbidden(*args: object, **kwargs: object) -> dict[str, int]:
        raise AssertionError("a replacement rebuilt every derived table")

    with monkeypatch.context() as m, counting(mutations, "build") as whole:
        m.setattr(incremental, "derive_all", forbidden)
        report, _ = pipeline.build(con, [late])
    assert len(report.replaced) == 1
    return whole.count


def _same_as_full_rebuild(con: duckdb.DuckDBPyConnection) -> None:
    from digibudget.analyze import incremental

    assert set(_orphans(con).values()) == {0}, _orphans(con)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name LIKE 'version_removed%'"
                       ).fetchone() == (0,)
    after_load = incremental.identities(con)
    pipeline.reclassify(con)
    rebuilt = incremental.identities(con)
    for table, rows in rebuilt.items():
        assert after_load[table] == rows, f"{table}: the replacement's derived rows differ from a full rebuild"
    assert rebuilt["fact"] and rebuilt["mutation"] and rebuilt["mutation_stand"]


@pytest.mark.parametrize(("chapter_gone", "blank"), [(False, False), (True, False), (False, True)])
def test_a_replacement_recomputes_what_either_version_reached_as_a_full_rebuild_would(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chapter_gone: bool, blank: bool) -> None:
    files = _generated(tmp_path, 8000)  # (two chapters in the file)
    name = _name(2024, "JV")  # the newest of its year: it restates, and so gives, every stand of 2024
    v1 = files[name].read_bytes()
    v2, gone_chapter = _corrected_bulk(v1, chapter_gone=chapter_gone, blank=blank)
    early = _with_provenance(tmp_path / "early", name, v1, "Mon, 30 Nov 2026 10:00:00 GMT")
    late = _with_provenance(tmp_path / "late", name, v2, "Tue, 01 Dec 2026 09:00:00 GMT")
    con = store.connect(tmp_path / "db.duckdb")
    pipeline.build(con, [p for n, p in files.items() if n != name])
    pipeline.build(con, [early])
    figures = "SELECT sum(value_k) FROM fact WHERE moment_jaar = 2024 AND NOT is_part"
    before = con.execute(figures).fetchone()
    assert _replace_incrementally(con, late, monkeypatch) == 0  # and no whole rebuild of the mutations either
    assert con.execute(figures).fetchone() != before
    if gone_chapter:  # its figures of this moment went with the earlier version
        assert con.execute("SELECT count(*) FROM fact WHERE moment_jaar = 2024 AND fase = 'JV' AND hoofdstuk = ?",
                           [gone_chapter]).fetchone() == (0,)
    _same_as_full_rebuild(con)
    con.close()


def test_a_corrected_real_btabel_replaces_incrementally_as_a_full_rebuild_would(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from digibudget.bundled import bundled_data_dir

    folder = bundled_data_dir() / "btabel"
    name = "budgettaire_tabellen_owb_2016_origineel.csv"
    v1 = (folder / name).read_bytes()
    early = _with_provenance(tmp_path / "early", name, v1, "Mon, 30 Nov 2026 10:00:00 GMT")
    late = _with_provenance(tmp_path / "late", name, _corrected_btabel(v1, gone_chapter="XIII"),
                            "Tue, 01 Dec 2026 09:00:00 GMT")
    con = store.connect(tmp_path / "db.duckdb")
    pipeline.build(con, [folder / "budgettaire_tabellen_owb_2015_origineel.csv",
                         folder / "budgettaire_tabellen_owb_2017_origineel.csv"])
    pipeline.build(con, [early])
    chapter = "SELECT count(*) FROM fact WHERE moment_jaar = 2016 AND hoofdstuk = 'XIII'"
    assert con.execute(chapter).fetchone() != (0,)
    _replace_incrementally(con, late, monkeypatch)
    assert con.execute(chapter).fetchone() == (0,)
    _same_as_full_rebuild(con)
    con.close()


def test_a_refused_correction_keeps_the_loaded_version_on_disk_until_a_good_one_comes(
        server: LocalServer, tmp_path: Path) -> None:
    from digibudget.fetch import update as updating

    files = _generated(tmp_path)
    name = _name(2024, "OWB")
    v1 = files[name].read_bytes()
    db, dest = str(tmp_path / "db.duckdb"), tmp_path / "downloads"
    path, target = "/open_data/" + name, dest / name
    sidecar = target.with_name(name + ".provenance.json")
    args = ["update", "--db", db, "--dest", str(dest), "--base-url", server.url("/open_data/"), "--jaar", "2024",
            "--fase", "OWB"]
    server.add(path, default=conditional(v1, etag='"v1"', last_modified="Mon, 30 Nov 2026 10:00:00 GMT"))
    assert runner.invoke(app, args).exit_code == 0
    con = store.connect(db, read_only=True)
    before = _owb_2024(con)
    con.close()

    # the publisher's address answers with an error page (status 200): the readers refuse it, twice
    page = b"<!DOCTYPE html><html><body><h1>Onderhoud</h1></body></html>\n"
    server.add(path, default=conditional(page, etag='"v2"', last_modified="Tue, 01 Dec 2026 09:00:00 GMT"))
    for _ in range(2):
        out = runner.invoke(app, args)
        assert out.exit_code == 3, out.output
        assert "De eerdere versie van dit bestand blijft geladen en staat weer in de downloadmap" in out.output
        assert target.read_bytes() == v1 and json.loads(sidecar.read_text(encoding="utf-8"))["etag"] == '"v1"'
        assert not updating.previous_path(target).exists()
    con = store.connect(db, read_only=True)
    assert _owb_2024(con) == before and con.execute("SELECT count(*) FROM source").fetchone() == (1,)
    con.close()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from digibudget.web.app import create_app

    with TestClient(create_app(db)) as client:  # the loaded rows can still be shown as in the file
        row = client.get("/api/bron/1", params={"rij": 2}).json()
        assert row["tekst"] and row["tekst"].split(";")[0] == v1.decode("utf-8-sig").split("\n")[1].split(";")[0]

    # a corrected file is downloaded, and the job that should load it never runs: the earlier bytes wait beside it
    v3 = _doubled(v1)
    server.add(path, default=conditional(v3, etag='"v3"', last_modified="Wed, 02 Dec 2026 09:00:00 GMT"))
    (checked,) = updating.check_budget_tables([2024], ["OWB"], dest, base_url=server.url("/open_data/"), retries=0)
    assert checked.status == updating.CHANGED and target.read_bytes() == v3
    assert updating.previous_path(target).read_bytes() == v1
    # the next update finds it unchanged at the publisher but not in the database: loaded, and the wait is over
    out = runner.invoke(app, args)
    assert out.exit_code == 0, out.output
    assert "nog niet in de database" in out.output and "vervangt de eerdere versie (bron 1)" in out.output
    assert not updating.previous_path(target).exists()
    assert not updating.previous_path(target).with_name(name + ".vorige.provenance.json").exists()
    con = store.connect(db, read_only=True)
    after, sources = _owb_2024(con)
    assert (after, sources) == (2 * before[0], {2})
    con.close()
