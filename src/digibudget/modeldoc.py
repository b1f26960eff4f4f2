"""docs/model.md, generated: the tables and columns of a freshly migrated database (DuckDB's catalogue), the
comments written beside them in the migrations, and a note per table on what it holds. A table that a migration
adds without a note here fails the generator, so the page cannot drift from the schema.
"""

from __future__ import annotations

import re

import duckdb

from .migrations import MIGRATIONS

# table -> (group, one row per, notes): the meaning the column list cannot show
LOADED, DERIVED, BOOKKEEPING = "loaded", "derived", "bookkeeping"
TABLES: dict[str, tuple[str, str, str]] = {
    "source": (LOADED, "loaded file (sha256 unique)",
               "kind (`btabel`, `btabel_json`, `begrotingsstaten`, `gevolgen`, `bulk`, `document`), path, size, URL "
               "(from a fetch's `.provenance.json`, or the reader's own for a known file: the `btabel_json` files "
               "name rijksfinancien/drupal @ de1d571f and their path), title, licence, counts, "
               "`latest_moment` (the latest budget moment it has figures for, `vocab.publication_key`: with the "
               "sha256 it orders sources by publication, `vocab.SOURCE_NEWNESS_SQL`: figures, names and links "
               "take the newest publication where sources tie, never the one loaded last)"),
    "budget_line": (LOADED, "row of a published table",
                    "begrotingsjaar, hoofdstuk .. regeling/detail, `niveau`, `vuo`, `is_total`, `line_key` (stable "
                    "across moments and years), `duplicate_of` (a repeated copy in the same source), `source_row`"),
    "amount": (LOADED, "figure of a line",
               "`moment_jaar` + `fase` = the budget moment, `measure` (stand, mutatie, realisatie, verschil), "
               "`mutatie_soort`, `jaar` (the year the money is for), `value` DECIMAL(38,10) in the published `unit` "
               "(EUR1000 or EURMLN), `source_column`, `source_row`"),
    "amount_k": (LOADED, "figure of a line (a view)", "`amount` with `value_k` in EUR x 1,000"),
    "legal_commitment": (LOADED, "stated share",
                         "per article, moment (`moment_jaar`, `fase`) and year (`jaar`): `category` "
                         "(`juridisch_verplicht`, `complementair_noodzakelijk`, `bestuurlijk_gebonden`, "
                         "`beleidsmatig_gereserveerd`, `nog_niet_ingevuld`), `pct`; `instrument` (NULL = the whole "
                         "article; set when the source gives the share of one instrument over the article), `vuo` "
                         "(`U`: a share of uitgaven, the default; `V` only where a source says verplichtingen; never "
                         "`O`: ingest refuses it), `source_text` (the label or sentence the share came from). The "
                         "categories of one article x moment x year x V/U must add up to 100 (within 1) when more "
                         "than one is given (`commitment-split-mismatch`); `analyze.commitment.commitment_split` "
                         "lists them"),
    "finding": (LOADED, "data-quality finding",
                "stable `code`, severity, message with both figures, file, row, column, JSON figures"),
    "document": (LOADED, "parliamentary document", "a loaded Q&A document (text, docx, KOOP XML, PDF)"),
    "question": (LOADED, "question of a document", "with its answer and a status"),
    "reference": (LOADED, "citation in a question or answer",
                  "Kamerstuk citations, budget locations, cross-references, organisations"),
    "figure": (LOADED, "amount stated in a document", "in exact euros, with unit and context"),
    "link": (LOADED, "link of a question or figure to a budget line", "with basis, confidence and evidence"),
    "tag": (DERIVED, "piece of classification evidence",
            "rule or context rule id, field, matched text; reviewed decisions as `override`"),
    "line_theme": (DERIVED, "decision per line and theme",
                   "the strongest tag (or the decision); `counted` when confidence >= 0.5"),
    "executor": (DERIVED, "uitvoerder", "from `classify/executors.toml`"),
    "line_executor": (DERIVED, "uitvoerder recognised in a line", "with the matched text"),
    "fact": (DERIVED, "figure the analyses use",
             "per chapter and moment one base source (most articles, then the richest kind by its reader's rank, "
             "then the newest publication: the latest moment, then the sha256, never the order of loading, so the same "
             "files give the same figures in any load order); per article reconciled detail of any source wins over "
             "the base's article total; "
             "`is_part` marks 'waarvan' rows, which count in themes but never in totals. A `btabel_json` source "
             "(lines without article totals) is checked against the other sources' article totals: its detail "
             "counts where one agrees, and it is the base only of a chapter no other source has"),
    "mutation_stand": (DERIVED, "stand of a line at consecutive moments",
                       "in publication order (`vocab.publication_key`), per line and year"),
    "mutation": (DERIVED, "change between consecutive moments per line and year",
                 "`soort` only with evidence (`evidence_kind`: review, label, kolom, tegenboeking, kasschuifprofiel, "
                 "realisatie, nieuw_jaar; otherwise restverschil/geen and 'onverklaard: verhoging/verlaging'), "
                 "`confidence` from the evidence, `evidence` text and counterpart; `mutation_key` is stable across "
                 "rebuilds (reviewed types in the decisions file use it); `counted` avoids double counting across "
                 "source kinds ([mutations.md](mutations.md))"),
    "lineage": (DERIVED, "article that continues under another number or chapter",
                "`basis` renummering (found in the data) or review (`data/lineage/`), `relatie` 1:1 / splitsing / "
                "samenvoeging, `followed` (only 1:1 links that never overlap in time; the mutations re-key the old "
                "article's lines), confidence and evidence"),
    "moment_chapter": (DERIVED, "chapter with a stand or realisation at a budget moment",
                       "what the coverage rule counts (which moments are broad), read without scanning the facts; "
                       "rebuilt with the facts"),
    "moment_line_mutation": (DERIVED, "typed changes of a line key for its moment's own year, per group of types",
                             "the counted changes summed as the integrated table shows them, stored in moment order "
                             "so that a table reads one moment's rows; rebuilt with the mutations"),
    "tagged_fact": (DERIVED, "chosen figure of a line with a theme tag, once per tag",
                    "the stands and realisations of the facts with the tag, the line's texts and its executors, "
                    "stored in moment order: what the integrated table reads for one moment instead of joining "
                    "facts, tags, lines and executors on every request; rebuilt with the facts"),
    "lineage_use": (DERIVED, "use of an article per source kind, V/U/O, year and moment",
                    "kept so that a load recomputes the use at its own moments only (analyze.incremental)"),
    "derived_state": (BOOKKEEPING, "what the derived tables were built with",
                      "the fingerprint of rules, decisions, reviewed lineage and the readers' ranks; an incremental "
                      "build runs only while it is unchanged ([updates.md](updates.md))"),
    "schema_migration": (BOOKKEEPING, "applied migration", "its name and when it was applied"),
    "source_version": (LOADED, "downloaded source",
                       "the URL, the publisher's `Last-Modified` (`published_at`) and the time of the download "
                       "(`fetched_at`), from the `.provenance.json` beside the file; they decide which of two "
                       "versions of one published file is the later one"),
    "source_replaced": (BOOKKEEPING, "source replaced by a later version of the same file",
                        "the same URL with other bytes (a corrected or completed publication): the earlier "
                        "version's lines, amounts, shares and findings are removed, its `source` row stays as the "
                        "record; with the counts of amounts that are the same, changed, or only in one version, "
                        "and the links of parliamentary figures moved to the later version's lines or dropped "
                        "(`analyze.versions`)"),
}

INTRO = """# The data model as built

Generated by `python -m digibudget.docgen` from the migrations (`migrations.MIGRATIONS`, applied in order and
recorded in `schema_migration`) on a fresh in-memory database: the tables and columns are DuckDB's own catalogue,
the comments are those written beside them in the migrations, the notes are `modeldoc.TABLES`. One DuckDB file;
a schema change is a new migration, never an edit of an old one.
"""

PROSE = """## At national scale

At national scale (millions of amount rows) `fact`, `mutation_stand` and `mutation` are built per group of years
the money is for (about 2.5 million amount rows each), because every choice there compares figures of one year;
only the typing of changes (a kasschuif spans years, a counterpart can sit in any chapter) runs over all changes,
and candidate counterparts stream into one bounded aggregate per change. A writing job runs with DuckDB's memory
limit set to `job_memory_limit` (see settings.md), beyond which DuckDB spills to disk. Measured figures are in
BENCHMARKS.md.

## Money

Amounts are exact decimals in the unit the source publishes; every output names its unit (`x € 1.000`). V, U and
O are separate lines and are never added to each other; total rows are never added to detail rows. Theme totals
multiply by the tag weight; "alle digitale thema's" counts a line once with its largest weight. Juridisch
verplicht is published per article and is never spread over lines.

## Sources of kind `btabel_json`

The rijksfinancien.nl ontwerpbegroting records (2019, 2020; `sources/owb_json.py`): one line per record, row = the
record's number in the JSON array, column `bedrag`; `begrotingsjaar` = `jaar`, fase OWB, measure stand, only the
budget year. Left out, each with a `records-left-out` or `record-is-part` finding that counts them: the `sub`
records (parts of a `Main` record), the premiegefinancierde records (`premie`; not part of the begroting), the
aanvullende posten (hoofdstuk 60, 61, 80, 81, 83, 86, 999: no chapter of the begroting, so they can never be summed
into chapter or national totals) and an article-level 'waarvan' record next to the article's lines. A record is
an article total only when it is the only record of its article and V/U/O and names nothing below the article.
"""

_CREATE = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.I)
_ALTER = re.compile(r"^\s*ALTER\s+TABLE\s+(\w+)\s+ADD\s+(?:COLUMN\s+)?(\w+)[^-]*--\s*(.+)$", re.I)
_ALTER_TABLE = re.compile(r"^\s*ALTER\s+TABLE\s+(\w+)", re.I)
_DROP = re.compile(r"^\s*DROP\s+", re.I)
_COLUMN = re.compile(r"^\s+(\w+)\s+[A-Z][^-]*?--\s*(.+)$")


def migration_comments() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """The comments of the migrations: the '--' lines just above a CREATE or an ALTER TABLE (the table's; a DROP
    in between keeps them), a '-- ...' at the end of a column's line or of an ALTER TABLE ... ADD COLUMN (the
    column's)."""
    tables: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    for m in MIGRATIONS:
        above: list[str] = []
        current: str | None = None
        for line in m.sql.splitlines():
            stripped = line.strip()
            if stripped.startswith("--"):
                above.append(stripped.lstrip("-").strip())
                continue
            if _DROP.match(line):
                continue
            if created := _CREATE.match(line):
                current = created.group(1)
                if above:
                    tables[current] = " ".join(above)
            elif altered := _ALTER_TABLE.match(line):
                if above:
                    tables[altered.group(1)] = "; ".join(t for t in (tables.get(altered.group(1)), " ".join(above))
                                                         if t)
                if column := _ALTER.match(line):
                    columns[(column.group(1), column.group(2))] = column.group(3).strip()
            elif current and (col := _COLUMN.match(line)):
                columns[(current, col.group(1))] = col.group(2).strip()
            above = []
    return tables, columns


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def model_md() -> str:
    from .store import migrate

    con = duckdb.connect()
    migrate(con)
    objects = con.execute("""
        SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main'
        ORDER BY table_name""").fetchall()
    missing = sorted(str(name) for name, _ in objects if name not in TABLES)
    if missing:
        raise KeyError(f"modeldoc.TABLES has no note for {', '.join(missing)}: add one")
    table_comments, column_comments = migration_comments()
    out = [INTRO]
    for group, title in ((LOADED, "Loaded (from sources; provenance on every row)"),
                         (DERIVED, "Derived (rebuilt in the same transaction as every ingest, and by `reclassify`)"),
                         (BOOKKEEPING, "Bookkeeping")):
        out += [f"## {title}", "", "| table | one row per | notes |", "|---|---|---|"]
        out += [f"| `{name}` | {row} | {_cell(notes)} |" for name, (g, row, notes) in TABLES.items()
                if g == group and any(name == o[0] for o in objects)]
        out.append("")
    out += ["## Tables and columns", ""]
    for name, kind in objects:
        out += [f"### `{name}`{' (view)' if kind == 'VIEW' else ''}", ""]
        if name in table_comments:
            out += [table_comments[name][:1].upper() + table_comments[name][1:] + ".", ""]
        out += ["| column | type | null | comment |", "|---|---|---|---|"]
        for col, dtype, nullable in con.execute("""
                SELECT column_name, data_type, is_nullable FROM information_schema.columns
                WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position""", [name]).fetchall():
            comment = _cell(column_comments.get((name, col), ""))
            out.append(f"| `{col}` | {dtype} | {'yes' if nullable == 'YES' else 'no'} | {comment} |")
        out.append("")
    return "\n".join(out) + "\n" + PROSE
