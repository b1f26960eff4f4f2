"""Fuzzing the readers and the ingest with hypothesis: whatever the bytes, the only exceptions are DigibudgetError
subclasses, and a refused ingest changes nothing.

Three generators: random bytes; CSV text under the real headers of every layout (columns dropped, repeated or
added) with cells drawn from what each column holds plus garbage; and real fixture files with random damage.
``FUZZ_EXAMPLES`` counts the examples a full run of this module tries.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from robustness_helpers import INGEST_TABLES

from digibudget import ingest, store
from digibudget.errors import DigibudgetError
from digibudget.sources import read

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REAL = [*sorted((FIXTURES / "budget").glob("*.csv")), FIXTURES / "fetch" / "Budgettaire_Tabellen_2024_O1_incl.csv"]
HEADERS = {p.name: next(csv.reader(io.StringIO(p.read_text(encoding="utf-8-sig")),
                                   delimiter=";" if "met_eenheid" in p.name or "Budgettaire" in p.name else ","))
           for p in REAL}
BYTES_EXAMPLES, CSV_EXAMPLES, MUTATION_EXAMPLES = 150, 250, 150
FUZZ_EXAMPLES = BYTES_EXAMPLES + CSV_EXAMPLES + MUTATION_EXAMPLES
FUZZ = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_nasty = st.sampled_from(["", " ", '"', '""', "a,b", "a;b", "a\tb", "line\nbreak", "cr\rhere", "\ufeff",
                          "=SUM(A1)", "'; DROP TABLE amount; --", "<script>alert(1)</script>", "é€😀", "NULL",
                          "\\N", "x" * 300, "Verplichtingen", "Totaal"])
_digits = st.integers(min_value=0, max_value=10**32).map(str)
_amount = st.one_of(
    _digits, st.integers(-10**9, 10**9).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-10**9, max_value=10**9).map(str),
    st.integers(0, 10**12).map(lambda n: f"{n:,}"),  # 1,234,567
    st.integers(0, 10**12).map(lambda n: f"{n:,}".replace(",", ".")),  # 1.234.567
    st.tuples(st.integers(0, 10**6), st.integers(0, 99)).map(lambda t: f"{t[0]:,}".replace(",", ".") + f",{t[1]}"),
    st.integers(0, 10**6).map(lambda n: f"({n})"), st.integers(0, 10**6).map(lambda n: f"\u2012 {n}"),
    st.sampled_from(["pm", "p.m.", "-", "1e5", "1.5E-3", "9e99999", "1e-99999", "NaN", "inf", "0,5%", "91.80%",
                     "n.v.t.", "````"]),
)
# per column kind: values the readers accept, and values they must refuse or flag
_KINDS: dict[str, tuple[list[str], list[str]]] = {
    "year": ([str(y) for y in range(2013, 2027)], ["", "20x4", "1899", "99999", " 2024 ", "2024.0"]),
    "fase": (["OWB", "VB", "O1", "SBS", "O2", "JV", "SW", "I1", "I2", "o1"], ["x", "", "1SUPP"]),
    "btabel-fase": (["OWB", "VB", "1stesup", "2desup", "JV", "SW"], ["", "??", "MN"]),
    "vuo": (["V", "U", "O", "u", " V "], ["", "X", "Uitgaven", "VU"]),
    "totaal": (["J", "N", "j", "Ja", "Nee"], ["", "?", "1"]),
    "hoofdstuk": (["VII", "XIII", "vi", "IIB", "VII, Binnenlandse Zaken", "Rijk"], ["", "ZZ", "7"]),
    "document": (["OWB", "1SUPP", "2SUPP", "SBS", "MN"], ["", "X", "JV"]),
    "niveau": (["artikel", "artikelonderdeel", "instrument", "detail", "mutatie", "mutatiecategorie", "stand",
                "totaal", "ontvangsten"], ["", "regel"]),
    "eenheid": (["x1000_eur", "mln_eur", "pct", "x1000", "miljoen", "xmiljoen", ""], ["x1", "miljard", "EUR"]),
    "regel": ([str(n) for n in range(1, 12)], ["", "1a", "-1", "1.0"]),
    "kolom": (["Vastgestelde begroting (1)", "Stand 1e suppletoire begroting (2)", "2024", "Ontwerpbegroting",
               "Mutaties 2e suppletoire begroting (3): Overige mutaties", "Uitgaven", "Stand 2e suppletoire"],
              ["", "?", "Kolom 9"]),
    "omschrijving": (["Stand Miljoenennota 2024", "Stand Voorjaarsnota 2025", "Verplichtingen", "Uitgaven",
                      "6.2 Overheidsdienstverlening", "Art. 6: Uitgaven", "Juridisch verplicht"], ["", "Stand"]),
    "instrument": (["Subsidies", "Opdrachten", "Bijdrage aan agentschappen", "Bekostiging", ""], ["Onbekend"]),
    "artikel": (["6", "36.2 Nationale Veiligheid", "1", "99", "-", "A"], ["alle", "", "x"]),
}
# header prefix (lower case) -> kind; the first match wins
_COLUMN_KINDS = (("begrotingsjaar", "year"), ("jaar", "year"), ("begrotingsfase", "btabel-fase"), ("fase", "fase"),
                 ("vuo", "vuo"), ("v/u/o", "vuo"), ("uitgaven", "vuo"), ("totaal", "totaal"),
                 ("indicatie totaal", "totaal"), ("hoofdstuk", "hoofdstuk"), ("begrotings hoofdstuk", "hoofdstuk"),
                 ("begrotingsnummer", "hoofdstuk"), ("begrotingsstaat", "hoofdstuk"), ("document", "document"),
                 ("niveau", "niveau"), ("eenheid", "eenheid"), ("regel", "regel"), ("kolom", "kolom"),
                 ("omschrijving", "omschrijving"), ("instrument", "instrument"), ("financieel instrument",
                 "instrument"), ("artikel", "artikel"), ("onderdeel", "artikel"))
_amount_columns = ("bedrag", "stand", "realisatie", "verschil", "waarde", "ontwerpbegroting", "vastgestelde",
                   "suppletoire", "% juridisch")


def _mostly(good: st.SearchStrategy[str], odds: int,
            bad: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[str]:
    """``good``, but something bad once in ``odds`` draws (so most rows get through to the deeper code)."""
    garbage = st.one_of(bad, _text, _nasty) if bad is not None else st.one_of(_text, _nasty)
    return st.integers(0, odds - 1).flatmap(lambda k: garbage if k == 0 else good)


def _cell_for(name: str) -> st.SearchStrategy[str]:
    low = name.lower()
    for prefix, kind in _COLUMN_KINDS:
        if low.startswith(prefix):
            good, bad = _KINDS[kind]
            return _mostly(st.sampled_from(good), 40, st.sampled_from(bad))
    if any(k in low for k in _amount_columns):
        return _mostly(_amount, 10)
    return _mostly(st.sampled_from(["", "Naam", "Binnenlandse Zaken", "6.2"]), 3)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = list(draw(st.sampled_from(sorted(HEADERS.values()))))
    if draw(st.booleans()):  # damage the header: drop, repeat, add columns, shuffle
        for _ in range(draw(st.integers(0, 3))):
            op = draw(st.sampled_from(["drop", "repeat", "add", "shuffle"]))
            if op == "drop" and len(header) > 1:
                header.pop(draw(st.integers(0, len(header) - 1)))
            elif op == "repeat":
                header.append(draw(st.sampled_from(header)))
            elif op == "add":
                header.insert(draw(st.integers(0, len(header))), draw(st.one_of(_text, _nasty)))
            else:
                header = draw(st.permutations(header))
    rows = draw(st.lists(st.tuples(*(_cell_for(h) for h in header)).map(list), min_size=1, max_size=8))
    for row in rows:
        if draw(st.integers(0, 9)) == 0:  # a ragged row
            del row[draw(st.integers(0, len(row))):]
    if rows and draw(st.integers(0, 9)) == 0:
        rows.insert(draw(st.integers(0, len(rows))), list(header))  # a repeated header row
    sep = draw(st.sampled_from([",", ";", "\t"]))
    buf = io.StringIO()
    if draw(st.integers(0, 4)) == 0:  # written by hand: nothing quoted
        buf.write("\n".join(sep.join(r) for r in [header, *rows]))
    else:
        csv.writer(buf, delimiter=sep, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(
            [header, *rows])
    text = buf.getvalue()
    encoding = draw(st.sampled_from(["utf-8"] * 12 + ["utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


@st.composite
def damaged_real_files(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(REAL)).read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["cut", "delete", "insert", "insert", "flip", "replace-cell", "replace-cell"]))
        body = data.find(b"\n") + 1  # mostly past the header, where the damage is harder to see
        pos = min(draw(st.one_of(st.integers(0, max(len(data) - 1, 0)), st.integers(body, max(len(data) - 1, body)),
                                 st.integers(body, max(len(data) - 1, body)))), max(len(data) - 1, 0))
        if op == "cut":
            del data[pos:]
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 40))]
        elif op == "insert":
            data[pos:pos] = draw(st.one_of(st.binary(max_size=8), _nasty.map(lambda s: s.encode("utf-8"))))
        elif op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif data:
            end = data.find(b",", pos + 1)
            if end > pos:
                data[pos:end] = draw(_amount).encode("utf-8")
    return bytes(data)


_state: dict[str, object] = {}


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="digibudget-fuzz-") as tmp:
        con = store.connect(":memory:")
        _state["con"] = con
        yield Path(tmp)
        con.close()


def _try(workdir: Path, data: bytes) -> None:
    """Read and ingest ``data``: a DigibudgetError is the only acceptable failure, and it changes nothing."""
    path = workdir / "fuzz.csv"
    path.write_bytes(data)
    try:
        read(path)
    except DigibudgetError as exc:
        assert exc.describe()
    con = _state["con"]
    assert isinstance(con, duckdb.DuckDBPyConnection)
    before = _counts(con)
    try:
        ingest.ingest(con, [path])
    except DigibudgetError as exc:
        assert "fuzz.csv" in exc.describe()  # the message names the file
        assert _counts(con) == before  # (test_broken_files compares every row; counts keep this fast)


_COUNTS = "SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in INGEST_TABLES)


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[object, ...] | None:
    return con.execute(_COUNTS).fetchone()


@settings(FUZZ, max_examples=BYTES_EXAMPLES)
@given(data=st.one_of(st.binary(max_size=400), st.sampled_from(REAL).flatmap(
    lambda p: st.binary(max_size=60).map(lambda tail, p=p: p.read_bytes()[:200] + tail))))
def test_random_bytes(workdir: Path, data: bytes) -> None:
    _try(workdir, data)


@settings(FUZZ, max_examples=CSV_EXAMPLES)
@given(data=csv_files())
def test_random_csv_under_real_headers(workdir: Path, data: bytes) -> None:
    _try(workdir, data)


@settings(FUZZ, max_examples=MUTATION_EXAMPLES)
@given(data=damaged_real_files())
def test_damaged_real_files(workdir: Path, data: bytes) -> None:
    _try(workdir, data)
