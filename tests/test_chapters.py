"""Chapter (hoofdstuk) names per year: the bundled table is what the bundled source files say, and the lookup
never invents a name."""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from pathlib import Path

from digibudget.chapters import COLUMNS, chapter_label, chapter_labels, chapter_name, chapter_table

DATA = Path(__file__).resolve().parents[1] / "data"
BEGROTINGSSTATEN = "begrotingsstaten/begrotingsstaten_rijksfinancien_nl_20200914.csv"
META = "gevolgen/tables_meta.json"
REPAIRS = {"Financi?n": "Financiën", "Financien": "Financiën"}  # a letter lost in the file's encoding, a lost trema


def derive() -> list[tuple[str, int, int, str, str, str]]:
    """The table from the bundled files: the rijksfinancien.nl begrotingsstaten 2013-2021 (one name per chapter and
    year, column 'Naam Begroting '), and the Miljoenennota chapter tables of tables_meta.json whose title carries the
    chapter's name (not in capitals). Consecutive years with the same name and source become one row."""
    per_year: dict[tuple[str, int], tuple[str, str, str]] = {}
    with (DATA / BEGROTINGSSTATEN).open(encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            raw = r["Naam Begroting "].strip()
            name = REPAIRS.get(raw, raw)
            assert "?" not in name, raw
            note = f"teken hersteld: bron schrijft '{raw}'" if name != raw else ""
            key = (r["Begrotingsnummer"].strip(), int(r["Begrotingsjaar"]))
            assert per_year.get(key, (name,))[0] == name, key  # one name per chapter and year
            per_year[key] = (name, f"{BEGROTINGSSTATEN} (kolom 'Naam Begroting')", note)
    for t in json.loads((DATA / META).read_text(encoding="utf-8")):
        code, title = str(t["hoofdstuk"]), str(t["titel"])
        if t["document"] != "MN" or not title.startswith(code + " "):
            continue
        name = title[len(code) + 1:].split(" (")[0].split(":")[0].strip()
        if name.isupper():
            continue  # 'BINNENLANDSE ZAKEN ...': a heading in capitals, not the name as written
        key = (code, int(t["begrotingsjaar"]))
        per_year.setdefault(key, (name, f"{META} (tabel {t['id']}, titel; {t['url']})", ""))
    rows: list[tuple[str, int, int, str, str, str]] = []
    for (code, year), (name, source, note) in sorted(per_year.items()):
        if rows and rows[-1][0] == code and rows[-1][2] == year - 1 and rows[-1][3:] == (name, source, note):
            rows[-1] = (*rows[-1][:2], year, *rows[-1][3:])
        else:
            rows.append((code, year, year, name, source, note))
    return rows


def bundled_rows() -> list[tuple[str, int, int, str, str, str]]:
    text = (resources.files("digibudget") / "data" / "hoofdstuk_namen.csv").read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return [(r["hoofdstuk"], int(r["jaar_van"]), int(r["jaar_tot"]), r["naam"], r["bron"], r["opmerking"])
            for r in reader]


def test_the_bundled_table_is_what_the_sources_say() -> None:
    assert sorted(bundled_rows()) == derive()


def test_names_follow_renames_and_splits() -> None:
    assert chapter_name("XIII", 2017) == "Economische Zaken"
    assert chapter_name("XIII", 2018) == "Economische Zaken en Klimaat"
    assert chapter_name("VI", 2017) == "Veiligheid en Justitie"
    assert chapter_name("vi", 2019) == "Justitie en Veiligheid"
    assert chapter_name("XIV", 2018) is None  # not in the bundled sources for 2018: no name is made up
    assert chapter_name("XIV", 2019) == "Landbouw, Natuur en Voedselkwaliteit"
    assert chapter_name("IXB", 2019) == "Financiën"
    # a gap between two years of the same name takes it; after the last year, the last name says its year
    assert chapter_name("VII", 2023) == "Binnenlandse Zaken en Koninkrijksrelaties"
    assert chapter_name("XIII", 2025) is None
    assert chapter_label("XIII", 2025) == "Economische Zaken en Klimaat (naam 2021)"
    assert chapter_label("XIII") == "Economische Zaken en Klimaat"
    assert chapter_labels(["VI", "QQ"], 2015) == {"VI": "Veiligheid en Justitie"}


def test_every_row_cites_its_file() -> None:
    for r in chapter_table():
        assert (DATA / r.bron.split(" (")[0]).is_file(), r
        assert r.jaar_van <= r.jaar_tot
