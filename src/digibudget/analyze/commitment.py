"""The known split of a budget (budgetflexibiliteit) per article, and per instrument where a source gives one.

One row per hoofdstuk x artikel x instrument (empty instrument = the whole article) x V/U: the percentage of each
category the sources state for a budget moment and year, with the file, row and column each came from. Unknown
stays unknown (NULL): a category no source states is never derived from the others. When two sources state the
same category for the same place, the newest publication's is shown (source.latest_moment, then the content hash,
as analyze.selection orders sources; never the order of loading) and the other is named in 'bronnen'.
"""

from __future__ import annotations

import duckdb

from ..queries import Result, query_result
from ..vocab import COMMITMENT_CATEGORIES

_SQL = """
WITH c AS (
    SELECT l.*, s.file_name,
           row_number() OVER (PARTITION BY l.hoofdstuk, l.artikel, l.instrument, l.vuo, l.category
                              ORDER BY coalesce(s.latest_moment, 0) DESC, s.sha256 DESC, l.source_row) AS rank
    FROM legal_commitment l JOIN source s USING (source_id)
    WHERE l.moment_jaar = ? AND l.fase = ? AND l.jaar = ?
)
SELECT hoofdstuk, artikel, instrument, vuo,
       {pivot},
       sum(pct) FILTER (WHERE rank = 1) AS som_pct,
       string_agg(category || ': ' || file_name || ' rij ' || source_row || ' kolom ' || source_column
                  || coalesce(' (' || source_text || ')', ''), '; ' ORDER BY category, rank) AS bronnen
FROM c
GROUP BY hoofdstuk, artikel, instrument, vuo
ORDER BY hoofdstuk, try_cast(artikel AS INTEGER) NULLS LAST, artikel, instrument NULLS FIRST, vuo
"""


def commitment_split(con: duckdb.DuckDBPyConnection, moment_jaar: int, fase: str, jaar: int) -> Result:
    """The categories known per hoofdstuk x artikel x instrument for a budget moment and year (percentages)."""
    pivot = ",\n       ".join(f"max(pct) FILTER (WHERE category = '{cat}' AND rank = 1) AS {cat}"
                              for cat in COMMITMENT_CATEGORIES)
    return query_result(con, _SQL.format(pivot=pivot), [moment_jaar, fase.upper(), jaar],
                   f"Budgetflexibiliteit {fase.upper()} {moment_jaar}, jaar {jaar}", unit="%")
