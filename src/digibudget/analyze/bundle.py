"""Everything for one budget moment: the views the export (``digibudget export``) writes and the report
(``digibudget report``, the web's printable page) shows, computed once, in one place, for both edges."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ..queries import Result, questions, themes
from . import mutations, overlap
from .coverage import mark_moments, with_mutations_coverage
from .integral import Window, integral_table, window


@dataclass(frozen=True)
class MomentBundle:
    """The views of one budget moment, each carrying its coverage where it has one."""

    window: Window
    lines: Result  # the integrated table per budget line
    articles: Result  # the integrated table per article (with the commitment categories)
    themes: Result  # totals per theme for the moment, each moment marked broad or partial
    mutations: Result  # every typed change in the moment's budget year
    concentration: Result  # overlap: HHI per theme
    multi_funded: Result  # executors funded from several chapters
    questions: Result  # parliamentary questions with their status

    @property
    def moment(self) -> str:
        """The moment as YEAR-FASE, e.g. 2025-OWB."""
        return f"{self.window.moment_jaar}-{self.window.fase}"

    def results(self) -> list[Result]:
        """The views in the order of the export (one sheet, file or resource each)."""
        return [self.lines, self.articles, self.themes, self.mutations, self.concentration, self.multi_funded,
                self.questions]


def moment_bundle(con: duckdb.DuckDBPyConnection, moment: str | None = None) -> MomentBundle:
    """The views of ``moment`` (None: the latest moment with broad coverage, and the coverage says it is the
    default)."""
    w = window(con, moment)
    m = f"{w.moment_jaar}-{w.fase}"
    return MomentBundle(
        window=w,
        lines=integral_table(con, moment=moment),
        articles=integral_table(con, moment=moment, niveau="artikel"),
        themes=mark_moments(con, themes(con, fase=w.fase, moment_jaar=w.moment_jaar)),
        mutations=with_mutations_coverage(con, mutations.mutations(con, begrotingsjaar=w.moment_jaar),
                                          begrotingsjaar=w.moment_jaar),
        concentration=overlap.concentration(con, moment=m),
        multi_funded=overlap.multi_funded_executors(con),
        questions=questions(con),
    )
