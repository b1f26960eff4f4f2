"""The schema as named, recorded migrations, in order (applied by store.migrate). A migration is never edited once
released: a change of schema is a new migration.

Long because: the migrations are one ordered, append-only list (a released one is never edited or moved), so the
schema's history grows here by design.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_core", """
CREATE TABLE source (
    source_id      INTEGER PRIMARY KEY,
    sha256         VARCHAR NOT NULL UNIQUE,
    kind           VARCHAR NOT NULL,
    file_name      VARCHAR NOT NULL,
    path           VARCHAR NOT NULL,
    size_bytes     BIGINT NOT NULL,
    url            VARCHAR,
    title          VARCHAR,
    licence        VARCHAR,
    loaded_at      TIMESTAMP NOT NULL,
    rows_read      INTEGER NOT NULL,
    lines_loaded   INTEGER NOT NULL,
    amounts_loaded INTEGER NOT NULL
);
-- one row per line of a published budget table (any level, totals included)
CREATE TABLE budget_line (
    line_id               BIGINT PRIMARY KEY,
    source_id             INTEGER NOT NULL,
    source_row            INTEGER NOT NULL,
    source_ref            VARCHAR,
    begrotingsjaar        SMALLINT NOT NULL,
    document_fase         VARCHAR,
    hoofdstuk             VARCHAR NOT NULL,
    hoofdstuk_naam        VARCHAR,
    artikel               VARCHAR,
    artikel_naam          VARCHAR,
    artikel_type          VARCHAR,
    artikelonderdeel      VARCHAR,
    artikelonderdeel_naam VARCHAR,
    instrument            VARCHAR,
    instrument_raw        VARCHAR,
    regeling              VARCHAR,
    detail                VARCHAR,
    niveau                VARCHAR NOT NULL,
    vuo                   VARCHAR NOT NULL CHECK (vuo IN ('V', 'U', 'O')),
    is_total              BOOLEAN NOT NULL,
    line_key              VARCHAR NOT NULL,
    duplicate_of          BIGINT
);
-- one figure of a line: the stand or mutation at a budget moment (moment_jaar, fase) for the year `jaar`
CREATE TABLE amount (
    line_id       BIGINT NOT NULL,
    moment_jaar   SMALLINT NOT NULL,
    fase          VARCHAR NOT NULL CHECK (fase IN ('OWB', 'VB', 'O1', 'SBS', 'O2', 'JV', 'SW')),
    measure       VARCHAR NOT NULL CHECK (measure IN ('stand', 'mutatie', 'realisatie', 'verschil')),
    mutatie_soort VARCHAR,
    jaar          SMALLINT NOT NULL,
    value         DECIMAL(38,10) NOT NULL,
    unit          VARCHAR NOT NULL CHECK (unit IN ('EUR1000', 'EURMLN')),
    source_column VARCHAR NOT NULL,
    source_row    INTEGER NOT NULL
);
-- the share of an article's expenditure that is committed, per moment, as a source states it
CREATE TABLE legal_commitment (
    source_id     INTEGER NOT NULL,
    source_row    INTEGER NOT NULL,
    begrotingsjaar SMALLINT NOT NULL,
    moment_jaar   SMALLINT NOT NULL,
    fase          VARCHAR NOT NULL,
    hoofdstuk     VARCHAR NOT NULL,
    artikel       VARCHAR NOT NULL,
    jaar          SMALLINT NOT NULL,
    category      VARCHAR NOT NULL CHECK (category IN ('juridisch_verplicht', 'complementair_noodzakelijk',
                      'bestuurlijk_gebonden', 'beleidsmatig_gereserveerd', 'nog_niet_ingevuld')),
    pct           DECIMAL(7,3) NOT NULL,
    source_column VARCHAR NOT NULL
);
CREATE TABLE finding (
    finding_id  BIGINT PRIMARY KEY,
    source_id   INTEGER,
    code        VARCHAR NOT NULL,
    severity    VARCHAR NOT NULL,
    message     VARCHAR NOT NULL,
    path        VARCHAR,
    row_number  INTEGER,
    column_name VARCHAR,
    figures     JSON
);
CREATE VIEW amount_k AS
SELECT a.*, CASE a.unit WHEN 'EURMLN' THEN a.value * 1000 ELSE a.value END AS value_k
FROM amount a;
"""),
    Migration("0002_classification", """
CREATE TABLE executor (
    executor_id VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    type        VARCHAR NOT NULL
);
-- every piece of evidence: a rule or context rule that matched a text of a line, or a reviewed decision
CREATE TABLE tag (
    line_id       BIGINT NOT NULL,
    theme         VARCHAR NOT NULL,
    weight        DECIMAL(4,3) NOT NULL,
    confidence    DECIMAL(4,3) NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('rule', 'context', 'override')),
    rule_id       VARCHAR NOT NULL,
    field         VARCHAR,
    matched_text  VARCHAR,
    text          VARCHAR,
    rules_version VARCHAR NOT NULL
);
-- the decision per line and theme: the strongest tag, or the reviewed decision; `counted` when it is firm enough
CREATE TABLE line_theme (
    line_id    BIGINT NOT NULL,
    theme      VARCHAR NOT NULL,
    weight     DECIMAL(4,3) NOT NULL,
    confidence DECIMAL(4,3) NOT NULL,
    basis      VARCHAR NOT NULL,
    rule_id    VARCHAR NOT NULL,
    counted    BOOLEAN NOT NULL
);
CREATE TABLE line_executor (
    line_id      BIGINT NOT NULL,
    executor_id  VARCHAR NOT NULL,
    field        VARCHAR NOT NULL,
    matched_text VARCHAR,
    rank         INTEGER NOT NULL
);
"""),
    Migration("0003_fact", """
-- the figures chosen for analysis: per hoofdstuk, artikel, V/U/O, moment and year one source, at the finest
-- granularity that adds up to its article total (derived data, rebuilt after every ingest)
CREATE TABLE fact (
    line_id       BIGINT NOT NULL,
    source_id     INTEGER NOT NULL,
    hoofdstuk     VARCHAR NOT NULL,
    artikel       VARCHAR NOT NULL,
    vuo           VARCHAR NOT NULL,
    moment_jaar   SMALLINT NOT NULL,
    fase          VARCHAR NOT NULL,
    measure       VARCHAR NOT NULL,
    mutatie_soort VARCHAR,
    jaar          SMALLINT NOT NULL,
    value_k       DECIMAL(38,10) NOT NULL,
    granularity   VARCHAR NOT NULL,
    is_part       BOOLEAN NOT NULL
);
"""),
    Migration("0004_documents", """
CREATE TABLE document (
    document_id INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL,
    file_name   VARCHAR NOT NULL,
    format      VARCHAR NOT NULL,
    title       VARCHAR,
    year        SMALLINT,
    n_questions INTEGER NOT NULL
);
CREATE TABLE question (
    document_id     INTEGER NOT NULL,
    number          VARCHAR NOT NULL,
    numbers         VARCHAR NOT NULL,
    text            VARCHAR NOT NULL,
    answer_text     VARCHAR,
    grouped_with    VARCHAR,
    status          VARCHAR NOT NULL,
    status_label    VARCHAR NOT NULL,
    status_evidence VARCHAR,
    data_view       VARCHAR,
    partly_deferred BOOLEAN NOT NULL,
    line            INTEGER
);
-- citations, budget locations, cross-references and organisations named in a question or its answer
CREATE TABLE reference (
    document_id      INTEGER NOT NULL,
    question_number  VARCHAR NOT NULL,
    part             VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,
    value            VARCHAR NOT NULL,
    hoofdstuk        VARCHAR,
    artikel          VARCHAR,
    artikelonderdeel VARCHAR,
    raw              VARCHAR
);
-- an amount stated in a document, in exact euros, with its context
CREATE TABLE figure (
    figure_id       BIGINT PRIMARY KEY,
    document_id     INTEGER NOT NULL,
    question_number VARCHAR NOT NULL,
    part            VARCHAR NOT NULL,
    raw             VARCHAR NOT NULL,
    value_eur       DECIMAL(38,2) NOT NULL,
    approximate     BOOLEAN NOT NULL,
    qualifiers      VARCHAR,
    table_id        VARCHAR,
    label           VARCHAR
);
-- a question or a stated figure linked to a budget line, with the basis, a confidence and the evidence
CREATE TABLE link (
    document_id     INTEGER NOT NULL,
    question_number VARCHAR NOT NULL,
    figure_id       BIGINT,
    line_id         BIGINT NOT NULL,
    basis           VARCHAR NOT NULL,
    confidence      DECIMAL(4,3) NOT NULL,
    evidence        VARCHAR NOT NULL
);
"""),
    Migration("0005_mutation", """
-- the stands chosen to follow a line across budget moments: per source kind, line key, moment and year one figure
-- (derived data, rebuilt by analyze.mutations.build)
CREATE TABLE mutation_stand (
    kind             VARCHAR NOT NULL,
    line_key         VARCHAR NOT NULL,
    line_id          BIGINT NOT NULL,
    source_id        INTEGER NOT NULL,
    hoofdstuk        VARCHAR NOT NULL,
    artikel          VARCHAR,
    vuo              VARCHAR NOT NULL,
    is_article_total BOOLEAN NOT NULL,
    moment_jaar      SMALLINT NOT NULL,
    fase             VARCHAR NOT NULL,
    moment           INTEGER NOT NULL,
    measure          VARCHAR NOT NULL,
    jaar             SMALLINT NOT NULL,
    value_k          DECIMAL(38,10) NOT NULL,
    tolerance        DECIMAL(38,10) NOT NULL
);
-- every change of a line between two budget moments, typed, with a confidence and the evidence
CREATE TABLE mutation (
    mutation_id      BIGINT PRIMARY KEY,
    kind             VARCHAR NOT NULL,
    line_key         VARCHAR NOT NULL,
    part_key         VARCHAR NOT NULL,
    line_id          BIGINT NOT NULL,
    van_line_id      BIGINT,
    source_id        INTEGER NOT NULL,
    source_row       INTEGER,
    source_column    VARCHAR,
    hoofdstuk        VARCHAR NOT NULL,
    artikel          VARCHAR,
    artikelonderdeel VARCHAR,
    instrument       VARCHAR,
    regeling         VARCHAR,
    niveau           VARCHAR NOT NULL,
    is_total         BOOLEAN NOT NULL,
    is_article_total BOOLEAN NOT NULL,
    is_part          BOOLEAN NOT NULL,
    vuo              VARCHAR NOT NULL,
    van_moment_jaar  SMALLINT,
    van_fase         VARCHAR,
    moment_jaar      SMALLINT NOT NULL,
    fase             VARCHAR NOT NULL,
    moment           INTEGER NOT NULL,
    jaar             SMALLINT NOT NULL,
    value_k          DECIMAL(38,10) NOT NULL,
    van_stand        DECIMAL(38,10),
    naar_stand       DECIMAL(38,10),
    tolerance        DECIMAL(38,10) NOT NULL,
    basis            VARCHAR NOT NULL CHECK (basis IN ('mutatie', 'standverschil', 'restverschil',
                         'realisatieverschil', 'nieuw_jaar')),
    mutatie_soort    VARCHAR,
    soort            VARCHAR NOT NULL CHECK (soort IN ('kasschuif', 'overboeking', 'herschikking', 'taakstelling',
                         'nieuwe middelen', 'loon- en prijsbijstelling', 'onverklaard')),
    confidence       DECIMAL(4,3) NOT NULL,
    evidence         VARCHAR NOT NULL,
    counterpart_id   BIGINT,
    n_counterparts   INTEGER NOT NULL,
    counted          BOOLEAN NOT NULL
);
"""),
    Migration("0006_commitment_split", """
-- the full split of an article's budget (budgetflexibiliteit): the share of one instrument where a source gives it
-- (NULL = the whole article), whether it is a share of uitgaven (U) or verplichtingen (V; never O: ingest refuses
-- it), and the label or sentence the share came from
ALTER TABLE legal_commitment ADD COLUMN instrument VARCHAR;
ALTER TABLE legal_commitment ADD COLUMN vuo VARCHAR NOT NULL DEFAULT 'U';
ALTER TABLE legal_commitment ADD COLUMN source_text VARCHAR;
"""),
    Migration("0007_mutation_evidence", """
-- derived data: rebuilt by the next build (ingest, classify or demo). A type needs evidence (evidence_kind); without
-- it a change is 'onverklaard: verhoging' or 'onverklaard: verlaging'. mutation_key is stable across re-ingests, so
-- a reviewed type (decisions file, [[mutation]]) finds its change again.
DROP TABLE mutation;
CREATE TABLE mutation (
    mutation_id      BIGINT PRIMARY KEY,
    mutation_key     VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,
    line_key         VARCHAR NOT NULL,
    part_key         VARCHAR NOT NULL,
    line_id          BIGINT NOT NULL,
    van_line_id      BIGINT,
    source_id        INTEGER NOT NULL,
    source_row       INTEGER,
    source_column    VARCHAR,
    hoofdstuk        VARCHAR NOT NULL,
    artikel          VARCHAR,
    artikelonderdeel VARCHAR,
    instrument       VARCHAR,
    regeling         VARCHAR,
    niveau           VARCHAR NOT NULL,
    is_total         BOOLEAN NOT NULL,
    is_article_total BOOLEAN NOT NULL,
    is_part          BOOLEAN NOT NULL,
    vuo              VARCHAR NOT NULL,
    van_moment_jaar  SMALLINT,
    van_fase         VARCHAR,
    moment_jaar      SMALLINT NOT NULL,
    fase             VARCHAR NOT NULL,
    moment           INTEGER NOT NULL,
    jaar             SMALLINT NOT NULL,
    value_k          DECIMAL(38,10) NOT NULL,
    van_stand        DECIMAL(38,10),
    naar_stand       DECIMAL(38,10),
    tolerance        DECIMAL(38,10) NOT NULL,
    basis            VARCHAR NOT NULL CHECK (basis IN ('mutatie', 'standverschil', 'restverschil',
                         'realisatieverschil', 'nieuw_jaar')),
    mutatie_soort    VARCHAR,
    soort            VARCHAR NOT NULL CHECK (soort IN ('kasschuif', 'overboeking', 'herschikking', 'taakstelling',
                         'nieuwe middelen', 'loon- en prijsbijstelling', 'realisatieverschil', 'nieuwe raming',
                         'onverklaard: verhoging', 'onverklaard: verlaging')),
    evidence_kind    VARCHAR NOT NULL CHECK (evidence_kind IN ('review', 'label', 'kolom', 'tegenboeking',
                         'kasschuifprofiel', 'realisatie', 'nieuw_jaar', 'restverschil', 'geen')),
    confidence       DECIMAL(4,3) NOT NULL,
    evidence         VARCHAR NOT NULL,
    counterpart_id   BIGINT,
    n_counterparts   INTEGER NOT NULL,
    counted          BOOLEAN NOT NULL
);
"""),
    Migration("0008_lineage", """
-- a budget article that continues under another number or chapter: renumbering found in the data (same name, the
-- old number ends where the new one starts) or a reviewed mapping (data/lineage/). Only 1:1 links that never
-- overlap in time are followed by the mutations (a split or merge is shown, not followed).
CREATE TABLE lineage (
    hoofdstuk_van VARCHAR NOT NULL,
    artikel_van   VARCHAR NOT NULL,
    hoofdstuk_naar VARCHAR NOT NULL,
    artikel_naar  VARCHAR NOT NULL,
    vuo           VARCHAR NOT NULL,
    laatst_van    VARCHAR,
    eerst_naar    VARCHAR,
    basis         VARCHAR NOT NULL CHECK (basis IN ('renummering', 'review')),
    relatie       VARCHAR NOT NULL CHECK (relatie IN ('1:1', 'splitsing', 'samenvoeging')),
    followed      BOOLEAN NOT NULL,
    confidence    DECIMAL(4,3) NOT NULL,
    evidence      VARCHAR NOT NULL
);
"""),
    Migration("0009_derived_state", """
-- what the derived tables (tags, facts, lineage, mutations) were built with: the fingerprint of the rules, the
-- decisions file and the reviewed lineage tables. An incremental build (analyze.incremental) runs only when the
-- fingerprint is unchanged; otherwise everything is rebuilt.
CREATE TABLE derived_state (
    name  VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
-- per source kind, chapter, article, V/U/O, year and moment: is the article in use (analyze.lineage), so that a load
-- recomputes the use at its own moments only
CREATE TABLE lineage_use (
    kind         VARCHAR NOT NULL,
    hoofdstuk    VARCHAR NOT NULL,
    artikel      VARCHAR NOT NULL,
    vuo          VARCHAR NOT NULL,
    jaar         SMALLINT NOT NULL,
    moment       INTEGER NOT NULL,
    moment_label VARCHAR,
    naam         VARCHAR,
    naam_raw     VARCHAR,
    totaal       DECIMAL(38,10),
    in_use       BOOLEAN
);
"""),
    Migration("0010_budget_line_without_index", """
-- budget_line without its primary-key index: line ids are handed out by the one writer (ingest, under the writer's
-- lock) and no query needs the index (joins hash; a lookup of one id scans the one row group its zone map names).
-- Keeping the index cost about 1 s per 5M lines loaded (bench/NOTES.md). Same columns, same checks.
CREATE TABLE budget_line_new (
    line_id               BIGINT NOT NULL,
    source_id             INTEGER NOT NULL,
    source_row            INTEGER NOT NULL,
    source_ref            VARCHAR,
    begrotingsjaar        SMALLINT NOT NULL,
    document_fase         VARCHAR,
    hoofdstuk             VARCHAR NOT NULL,
    hoofdstuk_naam        VARCHAR,
    artikel               VARCHAR,
    artikel_naam          VARCHAR,
    artikel_type          VARCHAR,
    artikelonderdeel      VARCHAR,
    artikelonderdeel_naam VARCHAR,
    instrument            VARCHAR,
    instrument_raw        VARCHAR,
    regeling              VARCHAR,
    detail                VARCHAR,
    niveau                VARCHAR NOT NULL,
    vuo                   VARCHAR NOT NULL CHECK (vuo IN ('V', 'U', 'O')),
    is_total              BOOLEAN NOT NULL,
    line_key              VARCHAR NOT NULL,
    duplicate_of          BIGINT
);
INSERT INTO budget_line_new SELECT * FROM budget_line ORDER BY line_id;
DROP TABLE budget_line;
ALTER TABLE budget_line_new RENAME TO budget_line;
"""),
    Migration("0011_moment_chapter", """
-- per budget moment the chapters with a stand or realisation among the facts: what the coverage rule (which moments
-- are broad) counts, kept so that every table and page reads it without scanning the facts; rebuilt with the facts
-- (analyze.selection.record_moment_chapters)
CREATE TABLE moment_chapter (
    moment_jaar SMALLINT NOT NULL,
    fase        VARCHAR NOT NULL,
    hoofdstuk   VARCHAR NOT NULL
);
INSERT INTO moment_chapter
SELECT DISTINCT moment_jaar, fase, hoofdstuk FROM fact WHERE measure IN ('stand', 'realisatie');
"""),
    Migration("0012_moment_line_mutation", """
-- per budget moment and line key the counted typed changes of the moment's own year, summed per group of types:
-- what the integrated table shows beside the amounts, kept ordered by moment so that a table reads one moment's
-- rows without scanning every change; rebuilt with the mutations (analyze.mutations.record_moment_sums)
CREATE TABLE moment_line_mutation (
    moment_jaar      SMALLINT NOT NULL,
    fase             VARCHAR NOT NULL,
    moment           INTEGER NOT NULL,
    line_key         VARCHAR NOT NULL,
    kasschuif        DECIMAL(38,10),
    overboeking      DECIMAL(38,10),
    taakstelling     DECIMAL(38,10),
    nieuwe_middelen  DECIMAL(38,10),
    loon_prijs       DECIMAL(38,10),
    overig_verklaard DECIMAL(38,10),
    verklaard        DECIMAL(38,10),
    onverklaard      DECIMAL(38,10)
);
INSERT INTO moment_line_mutation
SELECT moment_jaar, fase, moment, line_key,
       sum(value_k) FILTER (WHERE soort = 'kasschuif'),
       sum(value_k) FILTER (WHERE soort IN ('overboeking', 'herschikking')),
       sum(value_k) FILTER (WHERE soort = 'taakstelling'),
       sum(value_k) FILTER (WHERE soort = 'nieuwe middelen'),
       sum(value_k) FILTER (WHERE soort = 'loon- en prijsbijstelling'),
       sum(value_k) FILTER (WHERE soort IN ('realisatieverschil', 'nieuwe raming')),
       sum(value_k) FILTER (WHERE soort NOT LIKE 'onverklaard%'),
       sum(value_k) FILTER (WHERE soort LIKE 'onverklaard%')
FROM mutation WHERE counted AND jaar = moment_jaar
GROUP BY moment_jaar, fase, moment, line_key ORDER BY moment;
"""),
    Migration("0013_mutation_without_index", """
-- mutation without its primary-key index: ids are numbered by the one writer (analyze.mutations and
-- analyze.incremental, under the writer's lock) and no query needs the index (a lookup of one id scans the table's
-- ids, a few ms). Inserting the 3.5M changes of the 10M benchmark took 12.6 s with it and 10.5 s without
-- (bench/NOTES.md). Same columns, same checks.
CREATE TABLE mutation_new (
    mutation_id      BIGINT NOT NULL,
    mutation_key     VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,
    line_key         VARCHAR NOT NULL,
    part_key         VARCHAR NOT NULL,
    line_id          BIGINT NOT NULL,
    van_line_id      BIGINT,
    source_id        INTEGER NOT NULL,
    source_row       INTEGER,
    source_column    VARCHAR,
    hoofdstuk        VARCHAR NOT NULL,
    artikel          VARCHAR,
    artikelonderdeel VARCHAR,
    instrument       VARCHAR,
    regeling         VARCHAR,
    niveau           VARCHAR NOT NULL,
    is_total         BOOLEAN NOT NULL,
    is_article_total BOOLEAN NOT NULL,
    is_part          BOOLEAN NOT NULL,
    vuo              VARCHAR NOT NULL,
    van_moment_jaar  SMALLINT,
    van_fase         VARCHAR,
    moment_jaar      SMALLINT NOT NULL,
    fase             VARCHAR NOT NULL,
    moment           INTEGER NOT NULL,
    jaar             SMALLINT NOT NULL,
    value_k          DECIMAL(38,10) NOT NULL,
    van_stand        DECIMAL(38,10),
    naar_stand       DECIMAL(38,10),
    tolerance        DECIMAL(38,10) NOT NULL,
    basis            VARCHAR NOT NULL CHECK (basis IN ('mutatie', 'standverschil', 'restverschil',
                         'realisatieverschil', 'nieuw_jaar')),
    mutatie_soort    VARCHAR,
    soort            VARCHAR NOT NULL CHECK (soort IN ('kasschuif', 'overboeking', 'herschikking', 'taakstelling',
                         'nieuwe middelen', 'loon- en prijsbijstelling', 'realisatieverschil', 'nieuwe raming',
                         'onverklaard: verhoging', 'onverklaard: verlaging')),
    evidence_kind    VARCHAR NOT NULL CHECK (evidence_kind IN ('review', 'label', 'kolom', 'tegenboeking',
                         'kasschuifprofiel', 'realisatie', 'nieuw_jaar', 'restverschil', 'geen')),
    confidence       DECIMAL(4,3) NOT NULL,
    evidence         VARCHAR NOT NULL,
    counterpart_id   BIGINT,
    n_counterparts   INTEGER NOT NULL,
    counted          BOOLEAN NOT NULL
);
INSERT INTO mutation_new SELECT * FROM mutation;
DROP TABLE mutation;
ALTER TABLE mutation_new RENAME TO mutation;
"""),
    Migration("0014_source_latest_moment", """
-- the latest budget moment a source has figures or shares for (vocab.publication_key: ((year + offset) * 100 +
-- month) * 10 + rank). With the content hash it orders sources by publication, whatever order they were loaded
-- in: the fact and mutation builds and the shares of analyze.commitment prefer the newest publication where
-- sources tie, so that the same files give the same figures in any load order (before, the source loaded last
-- won). The next job rebuilds the derived tables (analyze.incremental.DERIVE_VERSION)
ALTER TABLE source ADD COLUMN latest_moment INTEGER;
UPDATE source SET latest_moment = x.m
FROM (SELECT source_id,
             max((CAST(moment_jaar AS INTEGER) + CASE fase WHEN 'OWB' THEN -1 WHEN 'VB' THEN -1 WHEN 'JV' THEN 1
                                                           WHEN 'SW' THEN 1 ELSE 0 END) * 1000
                 + CASE fase WHEN 'OWB' THEN 91 WHEN 'VB' THEN 122 WHEN 'O1' THEN 43 WHEN 'SBS' THEN 94
                             WHEN 'O2' THEN 125 WHEN 'JV' THEN 56 WHEN 'SW' THEN 57 END) AS m
      FROM (SELECT l.source_id, a.moment_jaar, a.fase FROM budget_line l JOIN amount a USING (line_id)
            UNION ALL SELECT source_id, moment_jaar, fase FROM legal_commitment)
      GROUP BY source_id) x
WHERE source.source_id = x.source_id;
"""),
    Migration("0015_source_version", """
-- the publication of a downloaded source, from the .provenance.json beside the file (fetch, update): the
-- publisher's Last-Modified and the time of the download. With the URL they decide which of two versions of one
-- published file is the later one (analyze.versions)
CREATE TABLE source_version (
    source_id    INTEGER NOT NULL,
    url          VARCHAR NOT NULL,
    published_at TIMESTAMP,
    fetched_at   TIMESTAMP
);
-- a source that a later version of the same published file replaced (the same URL, other bytes: the publisher
-- corrected or completed the file). Its lines, amounts, shares and findings are removed and the derived tables
-- rebuilt, so figures come from the later version only; its row in source stays as the record of what was loaded.
-- The counts compare the two versions' amounts per line key, V/U/O, moment, measure and year
CREATE TABLE source_replaced (
    source_id       INTEGER NOT NULL,
    replaced_by     INTEGER NOT NULL,
    url             VARCHAR NOT NULL,
    replaced_at     TIMESTAMP NOT NULL,
    amounts_same    INTEGER NOT NULL,
    amounts_changed INTEGER NOT NULL,
    amounts_only_old INTEGER NOT NULL,
    amounts_only_new INTEGER NOT NULL,
    links_moved     INTEGER NOT NULL,
    links_dropped   INTEGER NOT NULL
);
"""),
    Migration("0016_tagged_fact", """
-- every chosen figure (stand or realisatie) of a line with a theme tag, once per tag, with the tag, the line's
-- texts and its executors, in moment order: what the integrated table reads for one moment instead of joining the
-- facts with the tags, the lines and the executors on every request (analyze.tagged). Filled here from the derived
-- tables as they are; rebuilt with the facts
CREATE TABLE tagged_fact (
    moment_jaar           SMALLINT NOT NULL,
    fase                  VARCHAR NOT NULL,
    jaar                  SMALLINT NOT NULL,
    measure               VARCHAR NOT NULL,
    line_id               BIGINT NOT NULL,
    source_id             INTEGER NOT NULL,
    hoofdstuk             VARCHAR NOT NULL,
    artikel               VARCHAR NOT NULL,
    vuo                   VARCHAR NOT NULL,
    value_k               DECIMAL(38,10) NOT NULL,
    granularity           VARCHAR NOT NULL,
    is_part               BOOLEAN NOT NULL,
    theme                 VARCHAR NOT NULL,
    weight                DECIMAL(4,3) NOT NULL,
    confidence            DECIMAL(4,3) NOT NULL,
    counted               BOOLEAN NOT NULL,
    artikel_naam          VARCHAR,
    artikelonderdeel      VARCHAR,
    artikelonderdeel_naam VARCHAR,
    instrument            VARCHAR,
    regeling              VARCHAR,
    detail                VARCHAR,
    line_key              VARCHAR NOT NULL,
    uitvoerder            VARCHAR
);
INSERT INTO tagged_fact
WITH t AS (
    SELECT f.moment_jaar, f.fase, f.jaar, f.measure, f.line_id, f.source_id, f.hoofdstuk, f.artikel, f.vuo,
           f.value_k, f.granularity, f.is_part, lt.theme, lt.weight, lt.confidence, lt.counted
    FROM fact f JOIN line_theme lt USING (line_id)
    WHERE f.measure IN ('stand', 'realisatie')
), ex AS (
    SELECT le.line_id, array_to_string(list_sort(list_distinct(list(e.name))), '; ') AS uitvoerder
    FROM line_executor le JOIN executor e USING (executor_id)
    WHERE le.line_id IN (SELECT line_id FROM t)
    GROUP BY le.line_id
)
SELECT t.moment_jaar, t.fase, t.jaar, t.measure, t.line_id, t.source_id, t.hoofdstuk, t.artikel, t.vuo, t.value_k,
       t.granularity, t.is_part, t.theme, t.weight, t.confidence, t.counted, l.artikel_naam, l.artikelonderdeel,
       l.artikelonderdeel_naam, l.instrument, l.regeling, l.detail, l.line_key, ex.uitvoerder
FROM t JOIN budget_line l USING (line_id) LEFT JOIN ex USING (line_id)
ORDER BY t.moment_jaar, t.fase, t.line_id, t.theme, t.jaar;
"""),
)
