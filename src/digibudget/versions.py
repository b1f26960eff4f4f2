"""A later version of a published file replaces the earlier one (docs/updates.md, 'A corrected publication').

rijksfinancien.nl corrects or completes a bulk file under the same address. ``digibudget update`` (or ``fetch``
then ``ingest``) then loads the new bytes as a new source beside the old one. Left side by side, both versions
would be sources of the same moment, and which one gives the figures would follow the tie-breaks of the selection
(the content hash), not the publication: the database could keep showing the figures the publisher corrected.

So, inside the load's transaction: two sources with the same URL (from the ``.provenance.json`` beside a
download; never parliamentary documents), the same file name and the same reader are two versions of one file.
The later one is the one the publisher dated later (``Last-Modified``), else the one downloaded later, else the
one loaded now. The earlier version's lines, amounts, shares and findings are removed; its ``source`` row stays as
the record of what was loaded, and ``source_replaced`` says by what, with the counts of amounts that changed.
Links of parliamentary figures to its lines move to the later version's line with the same key, V/U/O, budget
year and total flag, or are dropped (and counted). The derived tables are then recomputed where the later version
reaches and where the earlier one reached (``analyze.incremental``, with the lines and amount groups kept here in
``REMOVED_LINES`` and ``REMOVED_AMOUNTS`` for the rest of the load).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

import duckdb

from .errors import Location


@dataclass(frozen=True)
class Replacement:
    """One earlier version replaced: its source id and file, the later version, and how their amounts compare
    (per line key, V/U/O, moment, measure, kind of change and year)."""

    source_id: int
    replaced_by: int
    file_name: str
    url: str
    amounts_same: int
    amounts_changed: int
    amounts_only_old: int
    amounts_only_new: int
    links_moved: int
    links_dropped: int


def _timestamp(value: object, *, http_date: bool) -> dt.datetime | None:
    """A provenance timestamp as naive UTC; None when absent or unreadable (then it decides nothing)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = parsedate_to_datetime(value) if http_date else dt.datetime.fromisoformat(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def record(con: duckdb.DuckDBPyConnection, source_id: int, provenance: Mapping[str, object]) -> None:
    """Keep the URL and the timestamps of a downloaded source (its ``.provenance.json``); nothing without a URL."""
    url = provenance.get("url")
    if not isinstance(url, str) or not url.strip():
        return
    con.execute("INSERT INTO source_version VALUES (?, ?, ?, ?)",
                [source_id, url.strip(), _timestamp(provenance.get("last_modified"), http_date=True),
                 _timestamp(provenance.get("fetched_at"), http_date=False)])


def replace_earlier(con: duckdb.DuckDBPyConnection, new_ids: Sequence[int]) -> list[Replacement]:
    """Replace, for every new source, each other version of the same file that is still in use (see the module
    doc); returns what was replaced, in order."""
    done: list[Replacement] = []
    if not new_ids:
        return done
    ids = ", ".join(str(int(i)) for i in new_ids)
    shared = con.execute(f"""  -- the new sources whose URL another source has too (one query, not one per source)
        SELECT DISTINCT n.source_id FROM source_version n JOIN source_version o ON o.url = n.url
         AND o.source_id <> n.source_id WHERE n.source_id IN ({ids}) ORDER BY 1""").fetchall()  # noqa: S608 - ints
    for (new,) in shared:
        mine = _version(con, new)
        if mine is None:
            continue
        url, new_time = mine
        others = con.execute("""
            SELECT v.source_id, coalesce(v.published_at, v.fetched_at) FROM source_version v
            JOIN source s USING (source_id) JOIN source me ON me.source_id = $new
            WHERE v.url = $url AND v.source_id <> $new AND s.kind <> 'document'
              AND s.kind = me.kind AND s.file_name = me.file_name  -- (a sidecar copied beside another file: no)
              AND v.source_id NOT IN (SELECT source_id FROM source_replaced)
            ORDER BY v.source_id""", {"url": url, "new": new}).fetchall()
        for other, other_time in others:
            if other_time is not None and new_time is not None and other_time > new_time:
                # the file loaded now is the older version: no cross-source check has compared it yet
                done.append(_replace(con, new, int(other), url, earlier_checked=False))
                break
            done.append(_replace(con, int(other), new, url, earlier_checked=int(other) not in new_ids))
    return done


def _version(con: duckdb.DuckDBPyConnection, source_id: int) -> tuple[str, dt.datetime | None] | None:
    row = con.execute("""
        SELECT v.url, coalesce(v.published_at, v.fetched_at) FROM source_version v JOIN source s USING (source_id)
        WHERE v.source_id = ? AND s.kind <> 'document'
          AND v.source_id NOT IN (SELECT source_id FROM source_replaced)""", [source_id]).fetchone()
    return (str(row[0]), row[1]) if row else None


_COMPARE = """
    WITH v AS (
        SELECT l.source_id, l.line_key, l.vuo, a.moment_jaar, a.fase, a.measure, coalesce(a.mutatie_soort, '') AS soort,
               a.jaar, sum(a.value_k) AS value_k
        FROM budget_line l JOIN amount_k a USING (line_id)
        WHERE l.source_id IN ($old, $new) AND l.duplicate_of IS NULL
        GROUP BY ALL
    ), o AS (SELECT * EXCLUDE (source_id) FROM v WHERE source_id = $old),
    n AS (SELECT * EXCLUDE (source_id) FROM v WHERE source_id = $new)
    SELECT count(*) FILTER (WHERE o.value_k = n.value_k),
           count(*) FILTER (WHERE o.value_k <> n.value_k),
           count(*) FILTER (WHERE n.line_key IS NULL),
           count(*) FILTER (WHERE o.line_key IS NULL)
    FROM o FULL JOIN n ON o.line_key = n.line_key AND o.vuo = n.vuo AND o.moment_jaar = n.moment_jaar
     AND o.fase = n.fase AND o.measure = n.measure AND o.soort = n.soort AND o.jaar = n.jaar"""


def _replace(con: duckdb.DuckDBPyConnection, old: int, new: int, url: str, *, earlier_checked: bool
             ) -> Replacement:
    """Replace ``old`` by ``new``; ``earlier_checked``: ``old`` was loaded before this load, so the cross-source
    checks compared it with other sources, and those findings go with it."""
    params = {"old": old, "new": new}
    row = con.execute(_COMPARE, params).fetchone()
    same, changed, only_old, only_new = (int(x) for x in row) if row else (0, 0, 0, 0)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE version_link_map AS
        SELECT o.line_id AS old_line, min(n.line_id) AS new_line
        FROM budget_line o JOIN budget_line n ON n.source_id = $new AND n.line_key = o.line_key AND n.vuo = o.vuo
         AND n.begrotingsjaar = o.begrotingsjaar AND n.is_total = o.is_total
        WHERE o.source_id = $old AND o.line_id IN (SELECT line_id FROM link)
        GROUP BY o.line_id""", params)
    row = con.execute("""
        SELECT count(*) FILTER (WHERE m.new_line IS NOT NULL), count(*) FILTER (WHERE m.new_line IS NULL)
        FROM link k JOIN budget_line l ON l.line_id = k.line_id AND l.source_id = $old
        LEFT JOIN version_link_map m ON m.old_line = k.line_id""", {"old": old}).fetchone()
    moved, dropped = (int(row[0]), int(row[1])) if row else (0, 0)
    con.execute("UPDATE link SET line_id = m.new_line FROM version_link_map m WHERE link.line_id = m.old_line")
    con.execute("DROP TABLE version_link_map")
    lines = "SELECT line_id FROM budget_line WHERE source_id = $old"
    if earlier_checked:  # the derived tables hold its lines: say where, for the incremental derivation
        _keep_removed(con, old)
    con.execute(f"DELETE FROM link WHERE line_id IN ({lines})", {"old": old})  # noqa: S608 - constants
    con.execute(f"DELETE FROM amount WHERE line_id IN ({lines})", {"old": old})  # noqa: S608 - constants
    for table in ("legal_commitment", "finding", "budget_line"):
        con.execute(f"DELETE FROM {table} WHERE source_id = $old", {"old": old})  # noqa: S608 - constant names
    # the cross-source findings (no source of their own) that compared the earlier version with another source: they
    # name it by its file name, which the later version shares; the later version's are made after this (reconcile)
    name = con.execute("SELECT file_name FROM source WHERE source_id = ?", [old]).fetchone()
    file_name = str(name[0]) if name else ""
    quoted = json.dumps(file_name, ensure_ascii=False)
    if earlier_checked:
            con.execute("""DELETE FROM finding WHERE source_id IS NULL AND (contains(CAST(figures AS VARCHAR), $exact)
                                                                 OR contains(CAST(figures AS VARCHAR), $at_row))""",
                    {"exact": quoted, "at_row": quoted[:-1] + " (rij "})
    con.execute("INSERT INTO source_replaced VALUES (?, ?, ?, now(), ?, ?, ?, ?, ?, ?)",
                [old, new, url, same, changed, only_old, only_new, moved, dropped])
    _findings(con, old, new, same + changed, changed, only_old, only_new)
    return Replacement(old, new, file_name, url, same, changed, only_old, only_new, moved, dropped)


REMOVED_LINES = "version_removed_line"  # temp tables: the removed lines, and where their amounts were
REMOVED_AMOUNTS = "version_removed_amount"


def _keep_removed(con: duckdb.DuckDBPyConnection, old: int) -> None:
    """Before its rows go: the lines of a replaced version that the derived tables were built with, and the
    groups its amounts were in (kind, hoofdstuk, moment, measure, year), which analyze.incremental recomputes."""
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {REMOVED_LINES} (source_id BIGINT, line_id BIGINT)")
    con.execute(f"""CREATE TEMP TABLE IF NOT EXISTS {REMOVED_AMOUNTS} (source_id BIGINT, kind VARCHAR,
                    hoofdstuk VARCHAR, has_artikel BOOLEAN, moment_jaar SMALLINT, fase VARCHAR, measure VARCHAR,
                    jaar SMALLINT)""")
    con.execute(f"INSERT INTO {REMOVED_LINES} SELECT source_id, line_id FROM budget_line "  # noqa: S608 - constant
                "WHERE source_id = $old", {"old": old})
    con.execute(f"""INSERT INTO {REMOVED_AMOUNTS}
        SELECT DISTINCT l.source_id, s.kind, l.hoofdstuk, l.artikel IS NOT NULL, a.moment_jaar, a.fase, a.measure,
               a.jaar
        FROM amount a JOIN budget_line l USING (line_id) JOIN source s USING (source_id)
        WHERE l.source_id = $old""", {"old": old})  # noqa: S608 - constant names


def removed_sources(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The replaced versions of this load whose lines the derived tables still hold (``_keep_removed``)."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?",
                         [REMOVED_LINES]).fetchone()
    if not exists or not exists[0]:  # (no query of a missing table: an error would abort the load's transaction)
        return []
    rows = con.execute(f"SELECT DISTINCT source_id FROM {REMOVED_LINES} ORDER BY 1").fetchall()  # noqa: S608
    return [int(r[0]) for r in rows]


def forget_removed(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the record of the removed lines once the derived tables no longer hold them."""
    con.execute(f"DROP TABLE IF EXISTS {REMOVED_LINES}")
    con.execute(f"DROP TABLE IF EXISTS {REMOVED_AMOUNTS}")


def _findings(con: duckdb.DuckDBPyConnection, old: int, new: int, compared: int, changed: int, only_old: int,
              only_new: int) -> None:
    """The replacement as findings of the later version: what changed (info) and what it no longer has (warning)."""
    from .findings import Finding, store_findings

    row = con.execute("SELECT path FROM source WHERE source_id = ?", [new]).fetchone()
    path = str(row[0]) if row else None
    found = [Finding("source-replaced", Location(path), old_source=old, changed=changed, compared=compared,
                     only_new=only_new)]
    if only_old:
        found.append(Finding("version-dropped-amounts", Location(path), old_source=old, only_old=only_old))
    store_findings(con, new, path, found)


def describe(r: Replacement) -> str:
    """One Dutch sentence for a person: which version replaced which, and how much of the money changed."""
    from .nlformat import nl_number

    compared = r.amounts_same + r.amounts_changed
    text = (f"{r.file_name} (bron {r.replaced_by}) vervangt de eerdere versie (bron {r.source_id}) van {r.url}: "
            f"{nl_number(r.amounts_changed)} van {nl_number(compared)} bedragen anders")
    if r.amounts_only_old or r.amounts_only_new:
        text += (f", {nl_number(r.amounts_only_old)} alleen in de eerdere en {nl_number(r.amounts_only_new)} alleen "
                 "in de nieuwe versie")
    if r.links_moved or r.links_dropped:
        text += (f"; koppelingen van Kamerstukken: {nl_number(r.links_moved)} verplaatst naar de nieuwe versie, "
                 f"{nl_number(r.links_dropped)} vervallen (de regel staat niet meer in het bestand)")
    return text + ". De cijfers komen nu alleen uit de nieuwe versie."
