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
from robustness_helpers import fingerprint

from digibudget import ingest, store
from digibudget.errors import DigibudgetError
from digibudget.sources import read

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REAL = sorted((FIXTURES / "budget").glob("*.csv")) + [FIXTURES / "fetch" / "Budgettaire_Tabellen_2024_O1_incl.csv"]
HEADERS = {p.name: next(csv.reader(io.StringIO(p.read_text(encoding="utf-8-sig")),
                                   delimiter=";" if "met_eenheid" in p.name or "Budgettaire" in p.name else ","))
           for p in REAL}
BYTES_EXAMPLES, CSV_EXAMPLES, MUTATION_EXAMPLES = 150, 250, 150
FUZZ_EXAMPLES = BYTES_EXAMPLES + CSV_EXAMPLES + MUTATION_EXAMPLES
FUZZ = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_nasty = st.sampled_from(["", " ", '"', '""', "a,b", "a;b", "a\tb", "line\nbreak", "cr\rhere", "\x00", "\ufeff",
                          "=SUM(A1)", "'; DROP TABLE amount; --", "<script>alert(1)</script>", "é€😀", "NULL",
                          "\\N", "x" * 300])
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
_year = st.one_of(st.integers(1990, 2030).map(str), st.sampled_from(["", "20x4", "1899", "99999", " 2024 "]))
_by_column = {
    "begrotingsjaar": _year, "jaar": _year,
    "fase": st.sampled_from(["OWB", "VB", "O1", "SBS", "O2", "JV", "SW", "1stesup", "2desup", "x", ""]),
    "begrotingsfase": st.sampled_from(["OWB", "VB", "1stesup", "2desup", "JV", "SW", "", "??"]),
    "vuo": st.sampled_from(["V", "U", "O", "u", " V ", "", "X", "Uitgaven"]),
    "v/u/o": st.sampled_from(["V", "U", "O", "", "verplichtingen"]),
    "totaal": st.sampled_from(["J", "N", "", "?"]), "indicatie totaal": st.sampled_from(["J", "N", "", "ja"]),
    "hoofdstuk": st.sampled_from(["VII", "XIII", "vi", "Rijk", "", "ZZ", "VII, Binnenlandse Zaken"]),
    "document": st.sampled_from(["OWB", "1SUPP", "2SUPP", "SBS", "MN", "", "X"]),
    "niveau": st.sampled_from(["artikel", "artikelonderdeel", "instrument", "detail", "mutatie", "mutatiecategorie",
                               "stand", "totaal", "ontvangsten", ""]),
    "eenheid": st.sampled_from(["x1000_eur", "mln_eur", "pct", "x1000", "miljoen", "xmiljoen", "x1", "miljard", ""]),
    "regel": st.one_of(st.integers(0, 50).map(str), st.sampled_from(["", "1a", "-1"])),
    "kolom": st.sampled_from(["Vastgestelde begroting (1)", "Stand 1e suppletoire begroting (2)", "2024",
                              "Mutaties 2e suppletoire begroting (3): Overige mutaties", "Uitgaven", "", "?"]),
    "omschrijving": st.sampled_from(["Stand Miljoenennota 2024", "Stand voorjaarsnota", "Verplichtingen", "",
                                     "Uitgaven", "6.2 Overheidsdienstverlening"]),
    "instrument": st.sampled_from(["Subsidies", "Opdrachten", "Bijdrage aan agentschappen", "", "Onbekend"]),
    "artikel": st.sampled_from(["6", "36.2 Nationale Veiligheid", "alle", "", "x"]),
}
_amount_columns = ("bedrag", "stand", "realisatie", "verschil", "waarde", "ontwerpbegroting", "vastgestelde",
                   "suppletoire", "% juridisch")


def _cell_for(name: str) -> st.SearchStrategy[str]:
    low = name.lower()
    for key, strategy in _by_column.items():
        if low.startswith(key):
            return st.one_of(strategy, strategy, strategy, _text, _nasty)
    if any(k in low for k in _amount_columns):
        return st.one_of(_amount, _amount, _amount, _text, _nasty)
    return st.one_of(_text, _nasty)


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
    rows = draw(st.lists(st.tuples(*(_cell_for(h) for h in header)).map(list), min_size=0, max_size=8))
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
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


@st.composite
def damaged_real_files(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(REAL)).read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["cut", "delete", "insert", "flip", "replace-cell"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
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
    before = fingerprint(con)
    try:
        ingest.ingest(con, [path])
    except DigibudgetError as exc:
        assert "fuzz.csv" in exc.describe()  # the message names the file
        assert fingerprint(con) == before


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
