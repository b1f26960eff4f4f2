"""What an answer covers: the chapters, articles, years and sources behind the figures of one budget moment.

A moment can hold the whole national budget (a B-tabel or begrotingsstaten of every chapter) or one article of one
chapter (a Miljoenennota excerpt). An answer without its coverage would present the second as if it were the
first. ``coverage`` computes, for a moment and a window of years (and the filters in use):

- the chapters (hoofdstukken, funds included) with figures at that moment, and the chapters missing compared with
  the *reference set*: the chapters of the broadest broad moment of the nearest begrotingsjaar (see below);
- the number of articles, and how many of them are given at line level ('detail') rather than as article totals;
- the years of the window that hold figures, and the years no loaded source holds ('geen bron');
- the source files used;
- whether the moment is *broad* (national) or *partial*.

A moment is broad when it holds at least ``BROAD_SHARE`` (80 %) of the number of chapters of the broadest loaded
moment. The default moment of every view is the latest broad moment with digital lines (``default_moment``); only
when no moment is broad does it fall back to the latest moment with digital lines. docs/coverage.md explains it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb

from ..queries import Result
from ..vocab import FASE_ORDER, Moment, fase_order_sql
from ..vocab import moment_label as moment_label  # re-exported: callers import it from here

BROAD_SHARE = 0.8
PARTIAL_STATEMENT = "gedeeltelijke dekking: geen landelijk totaal"
DEFAULT_NOTE = "standaard: het laatste moment met brede dekking"
DEFAULT_NOTE_CLI = DEFAULT_NOTE + "; kies een ander moment met --moment"
_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})([A-Z]?)$")
_ROMAN_VALUE = {"I": 1, "V": 5, "X": 10}


def chapter_key(hoofdstuk: str) -> tuple[int, int, str]:
    """Budget order: I, IIA, IIB, III, ..., XVIII, then the funds (A, B, C, F, H, J, ...) alphabetically."""
    m = _ROMAN.match(hoofdstuk)
    if m and (m.group(1) or m.group(2)):
        digits = [_ROMAN_VALUE[c] for c in m.group(1) + m.group(2)]
        value = sum(-d if i + 1 < len(digits) and d < digits[i + 1] else d for i, d in enumerate(digits))
        return (0, value, m.group(3))
    return (1, 0, hoofdstuk)


def nl_int(n: int) -> str:
    """An integer in Dutch notation (1.234)."""
    return f"{n:,}".replace(",", ".")


@dataclass(frozen=True)
class Coverage:
    """The coverage of one answer (JSON via ``to_dict``, a Dutch sentence via ``sentence``)."""

    moment_jaar: int
    fase: str
    jaar_van: int
    jaar_tot: int
    hoofdstukken: tuple[str, ...]
    ontbrekend: tuple[str, ...]
    referentie: str  # the label of the reference moment
    artikelen: int
    artikelen_detail: int
    jaren: tuple[int, ...]
    jaren_zonder_bron: tuple[int, ...]
    bronnen: tuple[str, ...]
    breed: bool
    standaard: bool = False
    filters: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    context: str = ""  # what the answer is, when not the figures of the moment itself (e.g. mutations up to it)
    # the year before the moment (t-1) when an answer gives it in its own column (the integrated table), and
    # whether a source of the moment holds it (a B-tabel of moment t carries year t-1; most other sources do not)
    vorig_jaar: int | None = None
    vorig_jaar_bron: bool = False

    @property
    def label(self) -> str:
        return moment_label(self.moment_jaar, self.fase)

    @property
    def moment(self) -> str:
        return f"{self.moment_jaar}-{self.fase}"

    @property
    def status(self) -> str:
        return "breed" if self.breed else "gedeeltelijk"

    def chapters_line(self) -> str:
        n, total = len(self.hoofdstukken), len(self.hoofdstukken) + len(self.ontbrekend)
        text = f"{nl_int(n)} van {nl_int(total)} hoofdstukken geladen voor {self.label}"
        if self.hoofdstukken:
            text += ": " + ", ".join(self.hoofdstukken)
        return text + "; ontbrekend: " + (", ".join(self.ontbrekend) if self.ontbrekend else "geen")

    def sentence(self) -> str:
        """One Dutch sentence, e.g. '1 van 26 hoofdstukken geladen voor ontwerpbegroting 2025: VII; ontbrekend:
        I, IIA, ...; jaren zonder bron: 2030; ...; gedeeltelijke dekking: geen landelijk totaal'."""
        parts = [self.context + self.chapters_line()]
        if self.jaren_zonder_bron:
            parts.append("jaren zonder bron: " + ", ".join(str(y) for y in self.jaren_zonder_bron))
        if self.vorig_jaar is not None:
            parts.append(f"t-1 ({self.vorig_jaar}): " + ("uit de bron van dit moment" if self.vorig_jaar_bron
                                                          else "geen bron"))
        parts.append(f"{nl_int(self.artikelen_detail)} van {nl_int(self.artikelen)} artikelen op regelniveau, "
                     "de rest als artikeltotaal")
        parts.append(f"referentie: {self.referentie}")
        if self.filters:
            parts.append("filters: " + ", ".join(f"{k} {v}" for k, v in self.filters))
        parts.append("brede dekking" if self.breed else PARTIAL_STATEMENT)
        return "; ".join(parts) + "."

    def short(self) -> str:
        """A short ASCII-safe form for an HTTP header: moment, status, chapters, empty years."""
        total = len(self.hoofdstukken) + len(self.ontbrekend)
        text = f"{self.moment}; {self.status}; {len(self.hoofdstukken)}/{total} hoofdstukken"
        if self.jaren_zonder_bron:
            text += "; jaren zonder bron: " + ",".join(str(y) for y in self.jaren_zonder_bron)
        return text

    def to_dict(self) -> dict[str, Any]:
        return {"moment": self.moment, "begrotingsjaar": self.moment_jaar, "fase": self.fase, "label": self.label,
                "status": self.status, "breed": self.breed, "standaardmoment": self.standaard,
                "hoofdstukken": list(self.hoofdstukken), "ontbrekende_hoofdstukken": list(self.ontbrekend),
                "aantal_hoofdstukken": len(self.hoofdstukken),
                "referentie_hoofdstukken": len(self.hoofdstukken) + len(self.ontbrekend),
                "referentie": self.referentie, "artikelen": self.artikelen,
                "artikelen_op_regelniveau": self.artikelen_detail, "jaar_van": self.jaar_van,
                "jaar_tot": self.jaar_tot, "jaren_met_cijfers": list(self.jaren),
                "jaren_zonder_bron": list(self.jaren_zonder_bron), "bronnen": list(self.bronnen),
                **({"vorig_jaar": self.vorig_jaar, "vorig_jaar_bron": self.vorig_jaar_bron}
                   if self.vorig_jaar is not None else {}),
                "filters": dict(self.filters), "zin": self.sentence()}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


# ---------------------------------------------------------------- moments and the broad rule


def moment_chapters(con: duckdb.DuckDBPyConnection) -> dict[tuple[int, str], int]:
    """Number of chapters with figures per budget moment (all loaded data, no filters)."""
    rows = con.execute("SELECT moment_jaar, fase, count(*) FROM moment_chapter GROUP BY ALL").fetchall()
    return {(int(y), str(f)): int(n) for y, f, n in rows}


def broad_threshold(counts: dict[tuple[int, str], int]) -> int:
    """The least number of chapters a broad moment holds: BROAD_SHARE of the broadest loaded moment."""
    return math.ceil(BROAD_SHARE * max(counts.values())) if counts else 1


def broad_moments(con: duckdb.DuckDBPyConnection) -> set[tuple[int, str]]:
    counts = moment_chapters(con)
    least = broad_threshold(counts)
    return {m for m, n in counts.items() if n >= least}


def _order(m: tuple[int, str]) -> tuple[int, int]:
    return (m[0], FASE_ORDER.get(m[1], 99))


def default_moment(con: duckdb.DuckDBPyConnection) -> Moment | None:
    """The latest broad moment with digital lines; without any, the latest moment with digital lines."""
    rows = con.execute("""
        SELECT DISTINCT moment_jaar, fase FROM fact
        WHERE measure = 'stand' AND line_id IN (SELECT line_id FROM line_theme WHERE counted)""").fetchall()
    tagged = sorted(((int(y), str(f)) for y, f in rows), key=_order)
    if not tagged:
        return None
    broad = broad_moments(con)
    wide = [m for m in tagged if m in broad]
    return Moment(*(wide or tagged)[-1])


def reference_moment(con: duckdb.DuckDBPyConnection, moment_jaar: int,
                     counts: dict[tuple[int, str], int] | None = None) -> tuple[int, str] | None:
    """The broadest broad moment of the begrotingsjaar nearest to ``moment_jaar`` (ties: the later year)."""
    counts = moment_chapters(con) if counts is None else counts
    least = broad_threshold(counts)
    broad = [(m, n) for m, n in counts.items() if n >= least]
    if not broad:
        return None
    best = min(broad, key=lambda mn: (abs(mn[0][0] - moment_jaar), -mn[0][0], -mn[1], -FASE_ORDER.get(mn[0][1], 0)))
    return best[0]


# ---------------------------------------------------------------- the coverage of one answer


def _chapters_at(con: duckdb.DuckDBPyConnection, moment: tuple[int, str]) -> set[str]:
    rows = con.execute("SELECT hoofdstuk FROM moment_chapter WHERE moment_jaar = ? AND fase = ?",
                       list(moment)).fetchall()  # the chapters with a stand or realisation at the moment
    return {str(r[0]) for r in rows}


def coverage(con: duckdb.DuckDBPyConnection, moment_jaar: int, fase: str, jaar_van: int, jaar_tot: int, *,
             hoofdstuk: str | None = None, vuo: str | None = None, themes: list[str] | None = None,
             default: bool = False) -> Coverage:
    """The coverage of the figures of one moment in the years ``jaar_van``..``jaar_tot`` (and the filters)."""
    h = hoofdstuk.upper() if hoofdstuk else None
    v = vuo.upper() if vuo else None
    row = con.execute("""
        WITH g AS (  -- the moment's figures narrowed once to what the answers below read
            SELECT hoofdstuk, artikel, jaar, source_id, bool_or(granularity = 'detail') AS detail FROM fact
            WHERE moment_jaar = ? AND fase = ? AND measure IN ('stand', 'realisatie')
              AND jaar BETWEEN ? AND ? AND (?::VARCHAR IS NULL OR hoofdstuk = ?)
              AND (?::VARCHAR IS NULL OR vuo = ?)
            GROUP BY ALL
        ), art AS (
            SELECT hoofdstuk, artikel, bool_or(detail) AS detail FROM g GROUP BY ALL
        )
        SELECT (SELECT list(DISTINCT hoofdstuk) FROM art), (SELECT count(*) FROM art),
               (SELECT count(*) FILTER (WHERE detail) FROM art), (SELECT list(DISTINCT jaar) FROM g),
               (SELECT list(DISTINCT s.file_name ORDER BY s.file_name)
                FROM (SELECT DISTINCT source_id FROM g) JOIN source s USING (source_id))""",
                      [moment_jaar, fase, jaar_van, jaar_tot, h, h, v, v]).fetchone()
    present_raw, n_art, n_detail, years_raw, files = row if row else (None, 0, 0, None, None)
    present = {str(x) for x in present_raw or []}
    counts = moment_chapters(con)
    ref = reference_moment(con, moment_jaar, counts)
    reference = _chapters_at(con, ref) if ref else set(present)
    ref_label = f"{moment_label(*ref)} ({nl_int(len(reference))} hoofdstukken)" if ref else "geen breed moment geladen"
    if h:
        reference &= {h}
    missing = (reference | present) - present
    years = sorted(int(y) for y in years_raw or [])
    from ..labels import theme_label

    filters = [("hoofdstuk", h), ("V/U/O", v), ("thema", ", ".join(theme_label(t) for t in themes) if themes else None)]
    return Coverage(
        moment_jaar=moment_jaar, fase=fase, jaar_van=jaar_van, jaar_tot=jaar_tot,
        hoofdstukken=tuple(sorted(present, key=chapter_key)), ontbrekend=tuple(sorted(missing, key=chapter_key)),
        referentie=ref_label,
        artikelen=int(n_art or 0), artikelen_detail=int(n_detail or 0), jaren=tuple(years),
        jaren_zonder_bron=tuple(y for y in range(jaar_van, jaar_tot + 1) if y not in years),
        bronnen=tuple(str(f) for f in files or []),
        breed=counts.get((moment_jaar, fase), 0) >= broad_threshold(counts),
        standaard=default, filters=tuple((k, str(val)) for k, val in filters if val))


def mutations_coverage(con: duckdb.DuckDBPyConnection, *, begrotingsjaar: int | None = None, jaar: int | None = None,
                       hoofdstuk: str | None = None) -> Coverage | None:
    """Mutations lead to a moment: the coverage of the latest moment the listed changes lead to (of
    ``begrotingsjaar`` when given), in the year ``jaar`` (default: that moment's year). None without mutations."""
    h = hoofdstuk.upper() if hoofdstuk else None
    row = con.execute(f"""
        SELECT moment_jaar, fase FROM mutation
        WHERE counted AND (?::INTEGER IS NULL OR moment_jaar = ?) AND (?::VARCHAR IS NULL OR hoofdstuk = ?)
        ORDER BY moment_jaar DESC, {fase_order_sql("fase")} DESC
        LIMIT 1""", [begrotingsjaar, begrotingsjaar, h, h]).fetchone()  # noqa: S608 - constants
    if row is None:
        return None
    mj, fase = int(row[0]), str(row[1])
    year = jaar if jaar is not None else mj
    cov = coverage(con, mj, fase, year, year, hoofdstuk=h)
    scope = f"mutaties van begrotingsjaar {mj}" if begrotingsjaar is not None else \
        "mutaties van alle begrotingsjaren, dekking van het laatste moment"
    return replace(cov, context=f"{scope}: ")


def with_mutations_coverage(con: duckdb.DuckDBPyConnection, result: Result, *, begrotingsjaar: int | None = None,
                            jaar: int | None = None, hoofdstuk: str | None = None) -> Result:
    return replace(result, coverage=mutations_coverage(con, begrotingsjaar=begrotingsjaar, jaar=jaar,
                                                       hoofdstuk=hoofdstuk))


def mark_moments(con: duckdb.DuckDBPyConnection, result: Result) -> Result:
    """A result with a row per moment (columns begrotingsjaar and fase) with one more column, 'dekking': 'breed',
    or the partial statement, so a partial moment's total is never read as a national one."""
    if "begrotingsjaar" not in result.columns or "fase" not in result.columns:
        return result
    broad = broad_moments(con)
    y, f = result.columns.index("begrotingsjaar"), result.columns.index("fase")
    rows = [(*r, "breed" if (int(r[y]), str(r[f])) in broad else PARTIAL_STATEMENT) for r in result.rows]
    return result.with_rows(rows, [*result.columns, "dekking"])
