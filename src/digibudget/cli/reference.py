"""The command-line reference (docs/cli.md), generated from the Typer app: every command with its arguments and
options and their Dutch help as a user reads it with --help, the exit codes from the error classes, and the notes
below (what each command does in more detail; English, as the dev docs are). `python -m digibudget.docgen` writes
it; a test fails when the committed file differs, and when a note names a command that does not exist or a command
has no note."""

from __future__ import annotations

from typing import Any

import typer
from typer.main import get_command

from ..errors import exit_codes
from . import app
from .click_nl import OPTIONS_NL, SUBCOMMAND_NL, TYPES_NL
from .help_nl import dutch

INTRO = """# Command line

Generated from the command-line code by `python -m digibudget.docgen` (`digibudget/cli/reference.py`); do not edit
by hand. `--help` reads in Dutch: commands and options keep English docstrings and help texts in the code, and the
command classes of `digibudget/cli/click_nl.py` put the Dutch version from `digibudget/cli/help_nl.py` in their place
(a test fails when a help text has no Dutch version there); the words Typer and Click add ("Gebruik:", "Opties",
"[verplicht]", the errors of a wrong command line) are Dutch too.

Every command opens the database (setting `database`, or `--db FILE`), calls one library function and renders the
result. Listing commands take `--format table|csv|csv-nl|json`: the same rows in four formats (`table` shows Dutch
numbers, 1.234,5; `csv-nl` is CSV for Dutch Excel: `;`-separated, decimal comma, UTF-8 with BOM; `csv` and `json`
stay plain for machines); money is exact (strings in JSON) and in the unit named in the output (`x € 1.000`).
Answers about a budget moment (`table`, `overlap`, `mutations`, `demo`) print their coverage under the table: the
chapters present and missing, the years no source holds, the detail share, broad or partial
([coverage.md](coverage.md)); `--format json` adds a `dekking` object, CSV stays plain.

Errors print one Dutch line, `Fout: <file>, rij <n>, kolom '<name>': <what> (verwacht: <what was expected>)`, and
exit with the code of the error's class (below). `ingest` exits 9 when everything loaded but some cell could not be
read (findings of severity `error`, e.g. `unreadable-amount`, `ambiguous-amount`: no value stored; the status
column says `geladen, N fout(en)`); `ingest --strict` refuses such a file, and with it the whole ingest (exit 3,
nothing changed). A wrong command line (unknown option, missing argument) exits 2. See
[robustness.md](robustness.md).
"""

OUTRO = """Fases: OWB ontwerpbegroting, VB vastgestelde begroting, O1 1e suppletoire, SBS septembersuppletoire, O2 2e
suppletoire, JV jaarverslag (realisatie), SW slotwet.
"""

# What each command does, in more detail than its --help (keyed by the command as typed after 'digibudget').
NOTES: dict[str, str] = {
    'rebuild': (
        'derive every table again from all loaded lines: tags, chosen figures, lineage, mutations (a load recomputes '
        'only what its new files reach, [updates.md](updates.md); this is the full rebuild)'
    ),
    'update': (
        'keep the database current from rijksfinancien.nl: ask for the bulk files of the recent budget years '
        '(default: last, this and next year; all moments) with the recorded ETag / Last-Modified, download only '
        'what is new or changed (a 304 costs nothing; the same sha256 counts as unchanged), load it, and any '
        'unchanged file the database does not hold yet, incrementally with a progress bar and print what changed up '
        'to the newest moment; a file the readers refuse or the server answers with an error is named and left out '
        '(exit code 9, or 3 / 5 when nothing loaded) ([updates.md](updates.md))'
    ),
    'ingest': (
        'load CSV or JSON files or folders (B-tabel, begrotingsstaten, suppletoire/Miljoenennota tables in long form,'
        ' bulk files, the rijksfinancien.nl ontwerpbegroting JSON); atomic and idempotent; prints rows, lines, '
        'amounts and findings per file and the reconciliation counts; exit 9 when a file loaded with error findings, '
        '`--strict` refuses it instead'
    ),
    'sources': (
        'the loaded sources: kind, file, sha256, rows, URL'
    ),
    'findings': (
        'data-quality findings with file, row, column; `--code`, `--severity`, `--source`, `--summary`, `--limit`'
    ),
    'lines': (
        'budget lines with every amount, moment (`moment_jaar`, `fase`), measure (stand, mutatie, realisatie) and '
        'source row; filters `--hoofdstuk --artikel --jaar --fase --vuo --begrotingsjaar --no-totals --limit`'
    ),
    'coverage': (
        'which kinds of source, budget years, moments and chapters are loaded'
    ),
    'themes': (
        'totals per digital theme, year and budget moment (`--vuo U`, `--fase`, `--jaar`, `--begrotingsjaar`): the '
        'chosen figures (one source per chapter and moment, finest reconciled granularity) times the theme weight, '
        'with the total they are part of and the share; "alle digitale thema\'s" counts each line once'
    ),
    'explain': (
        'why a line (id or line key) got, or did not get, each theme: matched rules with the matched text, context '
        'inherited from the rows above, false friends that vetoed a rule, reviewed decisions, and the uitvoerder '
        '(`--format json` too)'
    ),
    'review': (
        'record a reviewed decision in `decisions.toml` (keyed by line key, so it survives re-ingest; weight 0 = not '
        'this theme) and reclassify'
    ),
    'reclassify': (
        'run the rules and decisions again over every line (after editing a rules or decisions file)'
    ),
    'classify': (
        'tag lines that are not in the database (columns hoofdstuk, artikel, artikel_naam, artikelonderdeel, '
        'instrument, regeling; any may be empty): CSV with the input columns plus themes, weights, uitvoerder and '
        'evidence (`--output`)'
    ),
    'evaluate': (
        'precision and recall per theme and for "any digital theme" on the hand-labelled set '
        '(`data/evaluation/labelled.csv`); `--stratum`, `--errors`'
    ),
    'table': (
        'the integrated table of digital spending (question 8): for a budget moment (`--moment 2025-OWB`, default the'
        ' latest moment with broad coverage, see [coverage.md](coverage.md)) and years t..t+5 (`--van`, `--tot`), '
        'every tagged line with its weighted amounts per year, V/U/O, hoofdstuk, artikel, instrument, uitvoerder and '
        "the article's juridisch verplicht share; `--niveau regel|artikel|hoofdstuk|instrument|uitvoerder|thema` "
        "(article rows give juridisch verplicht and 'niet juridisch verplicht (verdeling onbekend)' amounts), filters"
        ' `--thema --hoofdstuk --artikel --instrument --uitvoerder --vuo --hints`; `--output FILE` with `--format '
        'csv|json|xlsx|parquet|datapackage`'
    ),
    'mutations': (
        'every change between budget moments per line and year, in publication order, typed only with evidence '
        '(kasschuif, overboeking, herschikking, taakstelling, nieuwe middelen, loon- en prijsbijstelling, '
        "realisatieverschil, nieuwe raming); without evidence 'onverklaard: verhoging' or 'onverklaard: verlaging'. "
        'Each row has its evidence kind (`bewijs`), confidence, evidence text, counterpart and stable `mutation_key` '
        '([mutations.md](mutations.md)); filters `--hoofdstuk --artikel --line-key --soort` (a type, or `onverklaard`'
        ' / `verklaard`) `--jaar --begrotingsjaar --limit`; `--output`'
    ),
    'review-mutation': (
        'record a reviewed type for a mutation in the decisions file (by its stable key, so it survives re-ingest) '
        'and rebuild; it wins over every rule, with evidence kind `review`'
    ),
    'lineage': (
        'where an article came from and where it continues: renumbering found in the data (same name, the old number '
        'ends where the new one starts) and reviewed was/wordt links (`data/lineage/`), with evidence; followed links'
        ' are no mutations'
    ),
    'changes': (
        'what changed between two budget moments (default: the last two loaded moments of the latest year that has '
        'two with a chapter in common) for a selection (`--thema`, `--hoofdstuk` (repeatable), `--artikel`, '
        '`--uitvoerder`, `--volglijst FILE`: a TOML watch list of `[[volg]] line_key = ...` or `naam = ...`): new, '
        'disappeared and renamed lines, the largest mutations with type and evidence, renumbered articles, changed '
        'commitment shares, new findings; `--format table|json|csv|markdown`, `--limit`, `--output` '
        '([changes.md](changes.md))'
    ),
    'waterfall': (
        "from the ontwerpbegroting through each moment's typed mutations to the latest stand, per source kind and "
        'year, with a `controle` row (start + steps - end)'
    ),
    'export': (
        'everything for one budget moment: integrated table (lines and articles), themes, mutations, overlap, '
        'multi-funded executors, questions, plus sources and findings; Excel gets a sheet per view with Dutch headers'
        ' and units, frozen header, totals where additive, Bronnen, Bevindingen and Toelichting; no row caps; text '
        'escaped against formula injection'
    ),
    'serve': (
        'the web dashboard and JSON/CSV API on the database, read-only, offline (assets from installed packages), '
        'bound to 127.0.0.1 by default (`--host`, `--port`); pages: overzicht, integrale tabel, begrotingsregel, '
        'mutaties, overlap, Kamervragen, datakwaliteit; API documented at `/docs` (OpenAPI)'
    ),
    'report': (
        'one self-contained HTML report (overview, integrated table, main mutations, overlap, open parliamentary '
        "questions) with every figure's source; printable to PDF from the browser"
    ),
    'moments': (
        'the budget moments in the database with their coverage (chapters, articles, detail lines, digital lines, '
        'years, sources)'
    ),
    'overlap': (
        'overlap and fragmentation (question 28): per theme and dimension the number of units, the HHI concentration '
        'and the largest unit; `--dimensie` lists the units; executors funded from several chapters; near-identical '
        'descriptions in different ministries (`--drempel`)'
    ),
    'profiles': (
        'funding cliffs (`--daling`), a dip followed by a spike in the last year, and opaque reserves (questions 3, '
        '18-20); `--alles` for all lines'
    ),
    'settings': (
        'every setting with its environment variable and value'
    ),
    'demo': (
        'build the database from the bundled `data/` and print coverage and findings'
    ),
    'version': (
        'the version'
    ),
    'fetch budget': (
        'download `Budgettaire_Tabellen_{jaar}_{fase}_{incl|excl}` bulk files (`--year`, `--fase` repeatable) with '
        'retries and resume; a `.provenance.json` beside each file records URL and sha256, which `ingest` stores'
    ),
    'fetch kamer': (
        "download the 'Lijst van vragen en antwoorden' / 'Antwoord schriftelijke vragen' documents of a budget "
        'dossier from the Tweede Kamer OData API (`--dossier 36915`)'
    ),
    'docs ingest': (
        'load documents into the database (atomic, idempotent by sha256): questions with status, references '
        '(Kamerstuk citations, budget locations, cross-references, organisations), stated figures in exact euros '
        '(text and tables), links to budget lines (by budget location, uitvoerder and amount, each with basis, '
        'confidence and evidence) and findings (table totals, stated totals, figures that contradict the loaded data,'
        ' places not loaded)'
    ),
    'questions': (
        'the questions with status (beantwoord met/zonder cijfers, uitgesteld, geweigerd, beantwoordbaar uit de '
        'data), the view that answers them, linked lines and figures; `--status`, `--document`'
    ),
    'question': (
        'one question (`8` or `1:8`) as JSON: text, answer, status, references, figures and linked budget lines with '
        'their evidence'
    ),
    'docs parse': (
        'parse a parliamentary Q&A document (.txt, .docx, officielebekendmakingen .xml, .pdf) and print questions, '
        'answers, grouping, status, references, amounts, tables and findings (`--format json|table`); needs no '
        'database'
    ),
    'docs draft': (
        'draft answers from the loaded figures: per question the analysis chosen by `parliament/draft_rules.toml` '
        '(named with the text that matched), a short Dutch answer with every figure in euros, its budget moment and '
        'source cell, unexplained mutations called so, and *niet uit de data te beantwoorden* where budget tables '
        "cannot answer; `rapport` compares the published answers' amounts with the drafts ([drafts.md](drafts.md))"
    ),
}


def _cell(text: Any) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _type(param: Any, ctx: typer.Context) -> str:
    shown = str(param.display_type_rich(ctx) or "")
    bare = shown.strip("<>").lower()
    return TYPES_NL.get(bare, shown.strip("<>"))


def _default(param: Any) -> str:
    if param.required:
        return "verplicht"
    default = param.default
    if default is None or callable(default) or default == [] or default == ():
        return ""
    if isinstance(default, bool):
        return "ja" if default else "nee"
    return f"`{getattr(default, 'value', default)}`"


def _names(param: Any) -> str:
    if param.param_type_name == "argument":
        return f"`{param.metavar or param.name.upper()}`"
    names = [*param.opts, *param.secondary_opts]
    return ", ".join(f"`{n}`" for n in names)


def _command_md(path: str, cmd: Any, parent: typer.Context) -> list[str]:
    ctx = typer.Context(cmd, info_name=path.split()[-1], parent=parent)
    pieces = [OPTIONS_NL if p == "[OPTIONS]" else SUBCOMMAND_NL if p == "COMMAND [ARGS]..." else p
              for p in cmd.collect_usage_pieces(ctx)]
    out = [f"### `digibudget {path}`", "", (cmd.help or "").strip(), "",
           f"Gebruik: `digibudget {path} {' '.join(pieces)}`", ""]
    params = [p for p in cmd.get_params(ctx) if p.name != "help"]
    if params:
        out += ["| argument / optie | type | standaard | uitleg |", "|---|---|---|---|"]
        out += [f"| {_names(p)} | {_cell(_type(p, ctx))} | {_default(p)} | {_cell(p.help or '')} |" for p in params]
        out.append("")
    if path not in NOTES:
        raise KeyError(f"no note for 'digibudget {path}' in digibudget/cli/reference.py NOTES")
    return [*out, NOTES[path], ""]


def _commands(root: Any) -> list[tuple[str, str, Any]]:
    """(panel, path, command) grouped by the panels of --help (in their first order), sub-commands after their
    group's name."""
    panels: dict[str, list[tuple[str, str, Any]]] = {}
    for name, cmd in root.commands.items():
        panel = cmd.rich_help_panel if isinstance(getattr(cmd, "rich_help_panel", None), str) else "Overige"
        subs = getattr(cmd, "commands", None)
        group = panels.setdefault(panel, [])
        group += [(panel, f"{name} {s}", sub) for s, sub in subs.items()] if subs else [(panel, name, cmd)]
    return [c for group in panels.values() for c in group]


def cli_md() -> str:
    root = dutch(get_command(app))
    commands = _commands(root)
    unknown = sorted(set(NOTES) - {path for _, path, _ in commands})
    if unknown:
        raise KeyError(f"NOTES names commands that do not exist: {unknown}")
    out = [INTRO, "## Exit codes", "", "Each error class declares its exit code (`digibudget/errors.py`); the command "
           "line takes it from there.", "", "| code | error class | when |", "|---|---|---|"]
    out += [f"| {code} | `{name}` | {_cell(doc)} |" for code, name, doc in exit_codes()]
    out += ["", "## Commands", "", "| command | group |", "|---|---|"]
    out += [f"| [`digibudget {path}`](#digibudget-{path.replace(' ', '-')}) | {panel} |"
            for panel, path, _ in commands]
    out.append("")
    parent = typer.Context(root, info_name="digibudget")
    panel_now = None
    for panel, path, cmd in commands:
        if panel != panel_now:
            out += [f"## {panel}", ""]
            panel_now = panel
        out += _command_md(path, cmd, parent)
    return "\n".join([*out, OUTRO]).rstrip("\n") + "\n"
