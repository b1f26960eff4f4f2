"""Generate national-scale bulk files from the real bundled rows (on demand; never in CI, never in the repository).

    .venv/bin/python bench/generate.py --rows 1000000 [--out /tmp/digibudget-bench] [--seed 20260512]

Writes ``{out}/{rows}/Budgettaire_Tabellen_{jaar}_{fase}_incl.csv`` in the published rijksfinancien.nl bulk layout
(';', UTF-8 with BOM, decimal comma, CRLF; the columns ``digibudget.sources.bulk`` reads) for every budget year
2013-2031 and the moments OWB, O1, SBS, O2 and JV. Chapters, articles, article names, instrument spellings and
detail descriptions are drawn from the real rows in data/ (B-tabellen, begrotingsstaten, 'budgettaire gevolgen');
amounts are log-normal, follow each line from moment to moment (a stand changes at some suppletoire moments, the
realisation differs from the last stand) and the article total rows are the exact sum of their detail rows, as in a
published file. Rows are written file by file (streaming); the same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from digibudget.bundled import bundled_budget_paths  # noqa: E402
from digibudget.sources import read  # noqa: E402

YEARS = tuple(range(2013, 2032))
FASES = ("OWB", "O1", "SBS", "O2", "JV")
HEADER = ["IBOSnummer", "Begrotingsjaar", "Fase", "VUO", "Totaal", "Hoofdstuknummer", "Hoofdstuknaam",
          "Artikelnummer", "Artikelnaam", "Artikelonderdeelnummer", "Instrumentnummer", "Instrumentnaam",
          "Detailnummer", "Detailnaam", "StandOWB", "StandO1", "StandVB", "StandSBS", "StandO2", "Realisatie",
          "Verschil"]
# which amount columns a file of each moment fills (a later moment repeats the earlier stands of the year)
FILLED = {"OWB": {"StandOWB"}, "O1": {"StandOWB", "StandVB", "StandO1"},
          "SBS": {"StandOWB", "StandVB", "StandO1", "StandSBS"},
          "O2": {"StandOWB", "StandVB", "StandO1", "StandSBS", "StandO2"},
          "JV": {"StandOWB", "StandVB", "StandO1", "StandSBS", "StandO2", "Realisatie", "Verschil"}}
DEFAULT_OUT = Path("/tmp/digibudget-bench")
WAARVAN = re.compile(r"^\s*[-–]?\s*waarvan", re.IGNORECASE)  # as analyze.selection.WAARVAN_SQL


@dataclass(frozen=True)
class Real:
    chapters: dict[str, str]  # hoofdstuk -> naam
    articles: list[tuple[str, str, str]]  # (hoofdstuk, artikel, artikel naam)
    instruments: list[str]  # instrument spellings as published
    details: list[str]  # descriptions of regelingen and details


def real_rows() -> Real:
    """The distinct names of the bundled real tables (data/), in a fixed order."""
    chapters: dict[str, str] = {}
    articles: dict[tuple[str, str], str] = {}
    instruments: set[str] = set()
    details: set[str] = set()
    for p in sorted(f for folder in bundled_budget_paths() for f in folder.rglob("*.csv")):
        for line in read(p).lines:
            if line.hoofdstuk_naam:
                chapters.setdefault(line.hoofdstuk, line.hoofdstuk_naam)
            if line.artikel and line.artikel_naam and line.artikel.replace(".", "").isdigit():
                articles.setdefault((line.hoofdstuk, line.artikel), line.artikel_naam)
            if line.instrument_raw and not WAARVAN.match(line.instrument_raw):  # 'waarvan juridisch verplicht'
                instruments.add(line.instrument_raw)
            for text in (line.regeling, line.detail):
                # a 'waarvan' row (also as an instrument label) is a part of its sibling, not a detail that adds up
                # to the total: left out, so that the generated articles reconcile as a published file does
                if text and len(text) > 3 and not WAARVAN.match(text):
                    details.add(text)
    arts = sorted((h, a, n) for (h, a), n in articles.items() if h in chapters)
    return Real(chapters, arts, sorted(instruments), sorted(details))


@dataclass
class Line:
    ond: int
    instr: int
    detail_nr: int
    detail: str
    tenths: dict[str, int]  # amount column -> value in EUR 100 (x 1,000 with one decimal)


def _fmt(tenths: int) -> str:
    sign = "-" if tenths < 0 else ""
    whole, frac = divmod(abs(tenths), 10)
    return f"{sign}{whole},{frac}" if frac else f"{sign}{whole}"


def _chain(rng: random.Random) -> dict[str, int]:
    """The stands of one line through the year: OWB = VB, changes at some suppletoire moments, a realisation."""
    owb = int(rng.lognormvariate(8.5, 1.8)) * 10 + (5 if rng.random() < 0.1 else 0)
    o1 = owb + (int(owb * rng.uniform(-0.15, 0.2)) if rng.random() < 0.3 else 0)
    sbs = o1 + (int(o1 * rng.uniform(-0.1, 0.1)) if rng.random() < 0.15 else 0)
    o2 = sbs + (int(sbs * rng.uniform(-0.1, 0.15)) if rng.random() < 0.3 else 0)
    real = int(o2 * rng.uniform(0.85, 1.03))
    return {"StandOWB": owb, "StandVB": owb, "StandO1": o1, "StandSBS": sbs, "StandO2": o2, "Realisatie": real,
            "Verschil": real - o2}


def year_plan(real: Real, year: int, lines_per_file: int, seed: int) -> list[tuple[tuple[str, str, str],
                                                                                  list[Line]]]:
    """The lines of one budget year: one block of detail lines per article (each file adds two total rows per
    block, V and U). As in a published file an article occurs once per file, so its total rows are the sum of all
    its detail rows; article sizes are log-normal, every article gets at least one line."""
    rng = random.Random(seed * 10_000 + year)
    order = list(real.articles)
    rng.shuffle(order)
    n_art = max(1, min(len(order), lines_per_file // 40))
    details = max(n_art, lines_per_file - 2 * n_art)
    weights = [rng.lognormvariate(0.0, 1.0) for _ in range(n_art)]
    scale = (details - n_art) / sum(weights)
    sizes = [1 + int(w * scale) for w in weights]
    for k in range(details - sum(sizes)):  # what rounding left over, one line each
        sizes[k % n_art] += 1
    plan: list[tuple[tuple[str, str, str], list[Line]]] = []
    for art, size in zip(order[:n_art], sizes, strict=True):
        used: set[str] = set()
        block: list[Line] = []
        for d in range(size):
            text = rng.choice(real.details)
            if text in used:
                text = f"{text} ({d + 1})"
            used.add(text)
            block.append(Line(1 + rng.randrange(6), rng.randrange(len(real.instruments)), d + 1, text, _chain(rng)))
        plan.append((art, block))
    return plan


def write_file(path: Path, real: Real, year: int, fase: str,
               plan: list[tuple[tuple[str, str, str], list[Line]]]) -> int:
    filled = FILLED[fase]
    amount_cols = HEADER[14:]
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        w.writerow(HEADER)
        for block_nr, ((hfd, art, art_naam), block) in enumerate(plan):
            naam = real.chapters[hfd]
            head = [year, fase]
            totals = {c: sum(line.tenths[c] for line in block) for c in amount_cols}
            for vuo, factor in (("V", 1.04), ("U", 1.0)):
                amounts = [_fmt(int(totals[c] * factor)) if c in filled else "" for c in amount_cols]
                # a chapter can hold an article twice in the real data (renumbering): keep IBOS numbers unique
                w.writerow([f"{year}.{hfd}.{art}.b{block_nr}", *head, vuo, "J", hfd, naam, art, art_naam, "", "", "",
                            "", "", *amounts])
                rows += 1
            for line in block:
                instr = real.instruments[line.instr]
                amounts = [_fmt(line.tenths[c]) if c in filled else "" for c in amount_cols]
                w.writerow([f"{year}.{hfd}.{art}.{line.ond}.{line.instr}.{line.detail_nr}.b{block_nr}", *head, "U",
                            "N", hfd, naam, art, art_naam, line.ond, line.instr + 1, instr, line.detail_nr,
                            line.detail, *amounts])
                rows += 1
    return rows


def generate(rows: int, out: Path, seed: int = 20_260_512) -> list[Path]:
    real = real_rows()
    folder = out / str(rows)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("Budgettaire_Tabellen_*.csv"):
        old.unlink()
    per_file = -(-rows // (len(YEARS) * len(FASES)))
    written, paths = 0, []
    for year in YEARS:
        plan = year_plan(real, year, per_file, seed)
        for fase in FASES:
            path = folder / f"Budgettaire_Tabellen_{year}_{fase}_incl.csv"
            written += write_file(path, real, year, fase, plan)
            paths.append(path)
    (folder / "rows.txt").write_text(f"{written}\n", encoding="utf-8")
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--seed", type=int, default=20_260_512)
    args = ap.parse_args()
    if REPO in args.out.resolve().parents or args.out.resolve() == REPO:
        ap.error("write the generated files outside the repository")
    for n in args.rows:
        start = time.monotonic()
        paths = generate(n, args.out, args.seed)
        size = sum(p.stat().st_size for p in paths)
        total = (args.out / str(n) / "rows.txt").read_text().strip()
        print(f"{total} rows in {len(paths)} files, {size / 1e6:.0f} MB, {time.monotonic() - start:.1f} s "
              f"-> {args.out / str(n)}")


if __name__ == "__main__":
    main()
