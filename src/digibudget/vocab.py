"""The budget vocabulary declared once: fases (order, Dutch labels, aliases, publication), the budget moment,
V/U/O, units, levels (niveau), mutation types and the themes. SQL fragments, web enums, CLI choices and docs derive
from these; nothing else spells them out.

The order in which budget moments are *published* is not the order of their year and fase: for money of year t the
ontwerpbegroting of t+1 (Prinsjesdag, September t, which also shows year t) comes before the 2e suppletoire of t
(December t) and the jaarverslag of t (May t+1). Changes between moments must run in publication order, or a step
from the jaarverslag of t to the ontwerpbegroting of t+1 appears that never happened.
"""

from __future__ import annotations

import re
import tomllib
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from .errors import DigibudgetError, RuleError, UsageError, reason
from .settings import load_settings


# --- fases ------------------------------------------------------------------------------------------------------
class Fase(StrEnum):
    """The budget moments of one budget year, in the order of the budget cycle."""

    OWB = "OWB"
    VB = "VB"
    O1 = "O1"
    SBS = "SBS"
    O2 = "O2"
    JV = "JV"
    SW = "SW"


FASES: tuple[str, ...] = tuple(f.value for f in Fase)
FASE_ORDER = {f: i for i, f in enumerate(FASES)}
FASE_LABEL = {"OWB": "ontwerpbegroting", "VB": "vastgestelde begroting", "O1": "1e suppletoire",
              "SBS": "septembersuppletoire", "O2": "2e suppletoire", "JV": "jaarverslag", "SW": "slotwet"}
# other spellings of a fase in published files (B-tabel: 1STESUP/2DESUP; bulk files: I1/I2 for the incidentele
# suppletoire begrotingen) -> the canonical code
FASE_ALIASES = {"1STESUP": "O1", "2DESUP": "O2", "I1": "O1", "I2": "SBS"}

# how Dutch text names a fase (lower case, as regular expressions; first match wins): 'de 2e suppletoire', ...
FASE_WORDS = (
    (r"ontwerpbegroting|miljoenennota|prinsjesdag", "OWB"), (r"vastgestelde begroting", "VB"),
    (r"(1e|eerste) suppletoire|voorjaarsnota", "O1"),
    (r"septembersuppletoire|suppletoire begroting september|suppletoire bij de miljoenennota", "SBS"),
    (r"(2e|tweede) suppletoire|najaarsnota", "O2"), (r"jaarverslag|realisatie", "JV"), (r"slotwet", "SW"),
)


def fase_of(code: str) -> str | None:
    """The canonical fase of a code as published (any case, an alias too), or None."""
    c = code.strip().upper()
    return c if c in FASE_ORDER else FASE_ALIASES.get(c)


def fase_order_sql(col: str) -> str:
    """The position of a fase in the budget cycle, as SQL over a column (constants only: safe to format into SQL)."""
    return f"list_position([{', '.join(repr(f) for f in FASES)}], {col})"


# per fase: (years after the budget year, month) of publication, and a rank for moments published in the same month
#   OWB t: Prinsjesdag, September t-1          VB t: adopted by Parliament, December t-1
#   O1 t: with the Voorjaarsnota, spring t     SBS t: with the Miljoenennota, September t (after OWB t+1)
#   O2 t: with the Najaarsnota, December t     JV t: Verantwoordingsdag, May t+1; SW t: with it, after it
PUBLICATION: dict[str, tuple[int, int, int]] = {
    "OWB": (-1, 9, 1), "VB": (-1, 12, 2), "O1": (0, 4, 3), "SBS": (0, 9, 4), "O2": (0, 12, 5),
    "JV": (1, 5, 6), "SW": (1, 5, 7),
}


def publication_key(moment_jaar: int, fase: str) -> int:
    """An integer that orders budget moments by publication (yyyymm * 10 + rank): OWB 2015 < JV 2014."""
    offset, month, rank = PUBLICATION[fase]
    return ((moment_jaar + offset) * 100 + month) * 10 + rank


def publication_key_sql(year_col: str, fase_col: str) -> str:
    """The same key as SQL over a year column and a fase column (constants only: safe to format into SQL)."""
    cases = " ".join(f"WHEN '{f}' THEN (CAST({year_col} AS INTEGER) + ({o})) * 1000 + {m * 10 + r}"
                     for f, (o, m, r) in PUBLICATION.items())
    return f"(CASE {fase_col} {cases} END)"


# every source with its place in publication order (1 = oldest): the latest moment it has figures or shares for
# (source.latest_moment), then its content hash; never the order of loading. Where sources tie on anything else, the
# newest publication wins, for figures (analyze.selection, analyze.mutations) and for names and links alike.
SOURCE_NEWNESS_SQL = ("SELECT source_id, row_number() OVER (ORDER BY coalesce(latest_moment, 0), sha256) AS newness "
                      "FROM source")


def moment_label(moment_jaar: int, fase: str) -> str:
    return f"{FASE_LABEL.get(fase, fase)} {moment_jaar}"


# --- the budget moment ------------------------------------------------------------------------------------------
YEAR_MIN, YEAR_MAX = 1990, 2100
_FASE_ALT = "|".join(sorted(FASES, key=len, reverse=True))
# the one grammar of a moment: '2025-OWB', '2025 o1', '2025/JV', 'OWB2025', 'O1 2024' (case-insensitive); the web
# validates query parameters with this same pattern (OpenAPI shows it)
MOMENT_PATTERN = (rf"(?i)^\s*(?:(\d{{4}})\s*[-/ ]?\s*({_FASE_ALT})|({_FASE_ALT})\s*[-/ ]?\s*(\d{{4}}))\s*$")
_MOMENT_RE = re.compile(MOMENT_PATTERN)


class Moment(NamedTuple):
    """A budget moment: the budget year and the fase ('2025-OWB' is the ontwerpbegroting 2025). A tuple, so code
    that holds (year, fase) pairs keeps working; it parses and prints itself with one grammar."""

    jaar: int
    fase: str

    @classmethod
    def parse(cls, text: str) -> Moment:
        """'2025-OWB', '2025 O1', 'OWB2025' -> Moment(2025, 'OWB'); anything else is a UsageError."""
        m = _MOMENT_RE.match(text)
        if m:
            year, fase = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
            if YEAR_MIN <= int(year) <= YEAR_MAX:
                return cls(int(year), fase.upper())
        raise UsageError(f"begrotingsmoment {text!r} niet begrepen",
                         expected=f"JAAR-FASE, bv. 2025-OWB of 2024-O1 (fase {', '.join(FASES)}; "
                                  f"jaar {YEAR_MIN}-{YEAR_MAX})")

    @classmethod
    def of(cls, value: Moment | tuple[int, str] | str) -> Moment:
        """A moment from text (parsed) or a (year, fase) pair (checked)."""
        if isinstance(value, str):
            return cls.parse(value)
        year, fase = value
        if fase not in FASE_ORDER:
            raise UsageError(f"onbekende fase {fase!r}", expected=", ".join(FASES))
        return cls(int(year), fase)

    def __str__(self) -> str:
        return f"{self.jaar}-{self.fase}"

    @property
    def label(self) -> str:
        """In Dutch, as a reader says it: 'ontwerpbegroting 2025'."""
        return moment_label(self.jaar, self.fase)

    def cycle_key(self) -> tuple[int, int]:
        """Orders moments by year, then by fase in the budget cycle."""
        return self.jaar, FASE_ORDER[self.fase]

    def publication_key(self) -> int:
        """Orders moments by publication (see ``publication_key``)."""
        return publication_key(self.jaar, self.fase)


MomentLike = Moment | str

# --- amounts ----------------------------------------------------------------------------------------------------
class VUO(StrEnum):
    """Verplichtingen, uitgaven, ontvangsten: never added to each other."""

    V = "V"
    U = "U"
    O = "O"  # noqa: E741 - the published code for ontvangsten


VUO_CODES: tuple[str, ...] = tuple(v.value for v in VUO)


def check_vuo(vuo: str) -> str:
    """A V/U/O code as a user typed it (any case), checked: the code, or a UsageError."""
    if vuo.upper() not in VUO_CODES:
        raise UsageError(f"onbekende V/U/O-code {vuo!r}", expected="V, U of O")
    return vuo.upper()


VUO_LABEL = {"V": "verplichtingen", "U": "uitgaven", "O": "ontvangsten"}
# units as published: euro x 1,000 (the store's unit) or euro millions (some suppletoire and Miljoenennota tables)
UNITS = ("EUR1000", "EURMLN")
UNIT_LABEL = {"EUR1000": "x € 1.000", "EURMLN": "x € 1 mln"}
MEASURES = ("stand", "mutatie", "realisatie", "verschil")
COMMITMENT_CATEGORIES = ("juridisch_verplicht", "complementair_noodzakelijk", "bestuurlijk_gebonden",
                         "beleidsmatig_gereserveerd", "nog_niet_ingevuld")

# --- levels of the integrated table (analyze.integral.LEVELS has a column list for each) ---------------------------
class Niveau(StrEnum):
    """The levels of the integrated table."""

    regel = "regel"
    artikel = "artikel"
    hoofdstuk = "hoofdstuk"
    instrument = "instrument"
    uitvoerder = "uitvoerder"
    thema = "thema"


NIVEAUS: tuple[str, ...] = tuple(n.value for n in Niveau)

# --- the types of a change between budget moments (analyze.mutation_types adds the evidence) -----------------------
SOORTEN = ("kasschuif", "overboeking", "herschikking", "taakstelling", "nieuwe middelen", "loon- en prijsbijstelling",
           "realisatieverschil", "nieuwe raming", "onverklaard: verhoging", "onverklaard: verlaging")
UNEXPLAINED = ("onverklaard: verhoging", "onverklaard: verlaging")
# a filter value that selects a group of soorten
SOORT_GROUPS = {"onverklaard": UNEXPLAINED,
                "verklaard": tuple(s for s in SOORTEN if s not in UNEXPLAINED)}


# --- themes: as declared in classify/themes.toml (or the file the setting themes_file names) ------------------------
def themes_file() -> Path | None:
    """The themes file in force: the setting themes_file, or None for the one shipped in the package."""
    configured = str(load_settings()["themes_file"])
    return Path(configured) if configured else None


SHIPPED_THEMES = "digibudget/classify/themes.toml"


def themes_text(path: Path | None = None) -> tuple[str, str]:
    """(TOML text, where it came from) of the themes file: ``path``, else the one in force."""
    path = path if path is not None else themes_file()
    if path is None:
        return _shipped_text(), SHIPPED_THEMES
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except OSError as exc:
        raise RuleError(f"regelbestand {path} is niet te lezen: {reason(exc)}") from exc


def _shipped_text() -> str:
    return resources.files("digibudget.classify").joinpath("themes.toml").read_text(encoding="utf-8")


@cache
def _theme_ids(path: Path | None) -> tuple[str, ...]:
    """The theme ids of the file ``path`` (None: the shipped one)."""
    text, where = themes_text(path) if path is not None else (_shipped_text(), SHIPPED_THEMES)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"{where}: {reason(exc)}") from exc
    ids = tuple(str(t["id"]) for t in data.get("theme", []) if t.get("id"))
    if not ids:
        raise RuleError(f"{where}: geen [[theme]] gedeclareerd")
    return ids


def theme_ids() -> tuple[str, ...]:
    """The theme ids, in the order of the themes file in force (classify.rules validates the file fully)."""
    return _theme_ids(themes_file())


def theme_choices() -> tuple[str, ...]:
    """The theme ids for choices built when a module is imported (CLI options, web enums): a broken settings or
    themes file is reported by the command that reads it, in Dutch, not as a traceback at import; until then the
    shipped themes stand in."""
    try:
        return theme_ids()
    except DigibudgetError:
        return _theme_ids(None)


# a figure as a Dutch reader writes it (1.234.567 and 1.234,5): for text people read, never for machine formats
NL_NUM_MACRO = r"""
CREATE OR REPLACE TEMP MACRO nl_num(x) AS
    regexp_replace(replace(replace(replace(format('{:,.2f}', x), ',', '_'), '.', ','), '_', '.'), ',00$', '');
"""


def nl_amount(value: object) -> str:
    """A figure as a Dutch reader writes it in text (1.234.567 and -1.234,5); text stays text, None is empty."""
    from decimal import Decimal

    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        return str(value)
    d = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    text = format(d.normalize(), "f")
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, frac = text.partition(".")
    return sign + f"{int(whole):,}".replace(",", ".") + ("," + frac if frac else "")
