"""Dutch CSV (issue 13): ';'-separated, decimal comma, UTF-8 with BOM, so Dutch Excel opens numbers as numbers;
the default CSV stays plain for machines. Read back as a Dutch-locale spreadsheet would."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

from hostile import TestClient
from typer.testing import CliRunner

from digibudget.cli import app as cli_app

NL_NUMBER = re.compile(r"^-?\d+(,\d+)?$")  # what a Dutch-locale spreadsheet reads as a number (no grouping)


def parse_nl(text: str) -> list[dict[str, object]]:
    """A Dutch-locale reader: BOM, ';' as separator, a cell of digits with a decimal comma is a number."""
    assert text.startswith("\ufeff"), "no byte order mark: Excel would guess the encoding"
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    return [{k: Decimal(v.replace(",", ".")) if NL_NUMBER.match(v) else v for k, v in r.items()} for r in rows]


def test_table_as_dutch_csv_gives_the_same_numbers(client: TestClient) -> None:
    query = "moment=2017-OWB&hoofdstuk=VII"
    r = client.get(f"/api/tabel.csv?{query}&formaat=csv-nl")
    assert r.status_code == 200 and 'filename="integrale_tabel_nl.csv"' in r.headers["content-disposition"]
    text = r.content.decode("utf-8")
    nl = parse_nl(text)
    exact = json.loads(client.get(f"/api/tabel?{query}").text)["rijen"]
    assert len(nl) == len(exact) > 0
    for a, b in zip(nl, exact, strict=True):
        for col in ("2017", "gewicht", "mutatie_onverklaard"):
            if b[col] is None:
                assert a[col] == ""
            else:
                assert a[col] == Decimal(b[col]), col  # a number, not text, and the same number
    assert any("," in line for line in text.splitlines()[1:])  # decimal commas are there (weights, amounts)
    # the default stays plain: comma-separated, decimal point, no BOM
    plain = client.get(f"/api/tabel.csv?{query}").content.decode("utf-8")
    assert not plain.startswith("\ufeff") and plain.split("\n")[0].count(",") > 5


def test_every_csv_endpoint_takes_formaat(client: TestClient) -> None:
    for url in ("/api/overzicht.csv", "/api/bronnen.csv", "/api/kamervragen.csv", "/api/overlap.csv",
                "/api/bevindingen.csv"):
        r = client.get(url + "?formaat=csv-nl")
        assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf"), url
    assert client.get("/api/bronnen.csv?formaat=xls").status_code == 400


def test_cli_writes_dutch_csv(web_db: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli_app, ["table", "--db", str(web_db), "--moment", "2017-OWB", "--format", "csv-nl"])
    assert result.exit_code == 0, result.output
    rows = parse_nl(result.stdout)
    assert rows and any(isinstance(r["2017"], Decimal) for r in rows)
    assert "csv-nl" in runner.invoke(cli_app, ["lines", "--help"]).stdout
