"""Query parameters of the web views, declared once: enums and bounds that FastAPI validates and OpenAPI documents.

Invalid values never reach a query: FastAPI rejects them (translated to 400 by app.py), and the library functions
validate again (UsageError, also 400)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Query

from ..analyze.mutations import SOORT_GROUPS, SOORTEN
from ..labels import theme_labels
from ..parliament.model import Status
from ..vocab import FASES

Vraagstatus = Status  # the question statuses of parliament.model (beantwoord met/zonder cijfers, uitgesteld, ...)


# the theme ids of classify/themes.toml, in its order (digibudget.labels): a new theme needs no edit here
Thema = StrEnum("Thema", {t: t for t in theme_labels()})  # type: ignore[misc]


class VUO(StrEnum):
    V = "V"
    U = "U"
    O = "O"  # noqa: E741 - the published code for ontvangsten


class Niveau(StrEnum):  # the keys of analyze.integral.LEVELS (a test keeps them equal)
    regel = "regel"
    artikel = "artikel"
    hoofdstuk = "hoofdstuk"
    instrument = "instrument"
    uitvoerder = "uitvoerder"
    thema = "thema"


class Richting(StrEnum):
    op = "op"
    af = "af"


class Ernst(StrEnum):
    info = "info"
    warning = "warning"
    error = "error"


class CsvFormaat(StrEnum):
    csv = "csv"  # plain, for machines: ',' and a decimal point
    csv_nl = "csv-nl"  # for Dutch Excel: ';', a decimal comma, UTF-8 with BOM


CsvFormaatQ = Annotated[CsvFormaat, Query(description="csv (standaard, voor machines: komma, decimale punt) of "
                                          "csv-nl (voor Nederlandse Excel: puntkomma, decimale komma, UTF-8 met "
                                          "BOM).")]


class Dimensie(StrEnum):
    hoofdstuk = "hoofdstuk"
    artikel = "artikel"
    instrument = "instrument"
    uitvoerder = "uitvoerder"




# no control characters (DuckDB and spreadsheets choke on them), bounded length
TEXT = r"^[^\x00-\x1f\x7f]*$"
MOMENT = r"^(199\d|20\d\d)-(" + "|".join(FASES) + r")$"  # the fases of digibudget.vocab

MomentQ = Annotated[str | None, Query(pattern=MOMENT, description="Begrotingsmoment JAAR-FASE, bv. 2017-OWB "
                                      "(standaard: het laatste moment met brede dekking en digitale regels).")]
JaarQ = Annotated[int | None, Query(ge=1990, le=2100, description="Jaar (waarvoor het bedrag is).")]
HoofdstukQ = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9]{1,8}$", description="Begrotingshoofdstuk, bv. VII.")]
ArtikelQ = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9.]{1,10}$", description="Artikelnummer, bv. 6.")]
TextQ = Annotated[str | None, Query(max_length=200, pattern=TEXT)]
PaginaQ = Annotated[int, Query(ge=1, le=1_000_000, description="Pagina (vanaf 1).")]
PerPaginaQ = Annotated[int | None, Query(ge=1, le=1000, description="Rijen per pagina (1-1000); zonder: alle rijen.")]
SortQ = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9_]{1,40}$", description="Kolom om op te sorteren.")]


@dataclass(frozen=True)
class Paging:
    sorteer: str | None = None
    richting: Richting = Richting.op
    pagina: int = 1
    per_pagina: int | None = None


def paging(sorteer: SortQ = None, richting: Richting = Richting.op, pagina: PaginaQ = 1,
           per_pagina: PerPaginaQ = None) -> Paging:
    return Paging(sorteer, richting, pagina, per_pagina)


@dataclass(frozen=True)
class TableFilter:
    moment: str | None = None
    thema: tuple[Thema, ...] = ()
    van: int | None = None
    tot: int | None = None
    niveau: str = "regel"
    hoofdstuk: str | None = None
    artikel: str | None = None
    instrument: str | None = None
    uitvoerder: str | None = None
    vuo: VUO | None = None


def table_filter(moment: MomentQ = None,
                 thema: Annotated[list[Thema] | None, Query(description="Thema('s); herhaal de parameter.")] = None,
                 van: JaarQ = None, tot: JaarQ = None, niveau: Niveau = Niveau.regel,
                 hoofdstuk: HoofdstukQ = None, artikel: ArtikelQ = None,
                 instrument: TextQ = None, uitvoerder: TextQ = None, vuo: VUO | None = None) -> TableFilter:
    return TableFilter(moment or None, tuple(thema or ()), van, tot, niveau.value,
                       hoofdstuk or None, artikel or None, instrument or None, uitvoerder or None, vuo)


# derived from the library: the types of analyze.mutations, then the groups a filter may name ('onverklaard')
MutatieSoort = StrEnum("MutatieSoort", {s.replace(" ", "_").replace(":", "").replace("-", ""): s  # type: ignore[misc]
                                        for s in (*SOORTEN, *SOORT_GROUPS)})
