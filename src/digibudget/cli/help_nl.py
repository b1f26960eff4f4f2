"""The command line's help in Dutch. Commands and options are written with English docstrings and help texts (the
code is English); what a user reads with --help is this Dutch text, put in place when the command line starts
(``dutch``, applied by the command classes of click_nl.py). A test fails when a help text has no Dutch version
here."""

from __future__ import annotations

from typing import Any

from ..vocab import theme_choices

HELP_NL: dict[str, str] = {
    'What changed between two budget moments for a selection: new, disappeared and renamed lines, the '
    'largest\nmutations with type and evidence, renumbered articles, changed commitment shares, new findings.':
        'Wat er veranderde tussen twee begrotingsmomenten voor een selectie: nieuwe, verdwenen en anders benoemde '
        'regels, de grootste mutaties met soort en bewijs, vernummerde artikelen, gewijzigde verplichtingen en '
        'nieuwe bevindingen.',
    'The earlier moment, e.g. 2020-OWB (default: the one published before --naar).':
        'Het eerdere moment, bv. 2020-OWB (standaard: het moment dat vóór --naar is gepubliceerd).',
    'The later moment (default: the last two loaded moments of the latest year that has two).':
        'Het latere moment (standaard: de laatste twee geladen momenten van het laatste jaar dat er twee heeft).',
    'Chapter(s); repeat the option.':
        'Hoofdstuk(ken); herhaal de optie.',
    'Executors whose name contains this.':
        'Uitvoerders waarvan de naam dit bevat.',
    'At most this many rows per section.':
        'Ten hoogste zoveel rijen per onderdeel.',
    'Load budget tables (B-tabel, begrotingsstaten, suppletoire tables, bulk files) into the database.\n\nExit '
    'code 0: loaded cleanly; 9: loaded, but some cells could not be read (error findings, amounts not stored);\n3: '
    'refused, nothing changed.':
        'Laad begrotingstabellen (B-tabel, begrotingsstaten, suppletoire tabellen, bulkbestanden) in de '
        'database.\n\nAfsluitcode 0: zonder fouten geladen; 9: geladen, maar sommige cellen waren onleesbaar '
        '(foutbevindingen, bedragen niet opgeslagen); 3: geweigerd, niets veranderd.',
    'Refuse the whole ingest when a file has error findings (an unreadable or ambiguous amount), instead of '
    'loading it and exiting with code 9.':
        'Weiger het hele laden als een bestand foutbevindingen heeft (een onleesbaar of dubbelzinnig bedrag), in '
        'plaats van het te laden en af te sluiten met code 9.',
    'Draft answers from the loaded figures: per question the analysis chosen by the rules (with its evidence), '
    "a\nshort Dutch answer with every figure's moment and source cell, and what the data cannot answer.":
        'Conceptantwoorden uit de geladen cijfers: per vraag de analyse die de regels kiezen (met het bewijs), een '
        'kort antwoord met bij elk bedrag het moment en de broncel, en wat niet uit de data te beantwoorden is.',
    "The integrated table of digital spending (question 8): themes x chapters x articles x years.":
        "De integrale tabel van de digitale uitgaven (vraag 8): thema's x hoofdstukken x artikelen x jaren.",
    "Database file (default: setting 'database').": "Databasebestand (standaard: instelling 'database').",
    "Budget moment, e.g. 2025-OWB (default: the latest with broad coverage).":
        "Begrotingsmoment, bv. 2025-OWB (standaard: het laatste met brede dekking).",
    "Theme(s); repeat the option.": "Thema('s); herhaal de optie.",
    "First year (default: the moment's year).": "Eerste jaar (standaard: het jaar van het moment).",
    "Last year (default: first + 5).": "Laatste jaar (standaard: eerste + 5).",
    "Only this chapter.": "Alleen dit hoofdstuk.",
    "Only this article.": "Alleen dit artikel.",
    "Only this instrument.": "Alleen dit instrument (hoofdletters maken niet uit).",
    "Only executors whose name contains this.": "Alleen uitvoerders waarvan de naam dit bevat.",
    "Include weak tags below the threshold.": "Ook zwakke labels onder de drempel tonen.",
    "Write to this file.": "Schrijf naar dit bestand.",
    "Every change between budget moments, in publication order, typed only with evidence (label, column,\n"
    "counterpart, kasschuif profile, review); without it 'onverklaard: verhoging' or 'onverklaard: verlaging'.":
        "Elke wijziging tussen begrotingsmomenten, in volgorde van publicatie, alleen getypeerd met bewijs (label, "
        "kolom, tegenboeking, kasschuifprofiel, beoordeling); zonder bewijs 'onverklaard: verhoging' of "
        "'onverklaard: verlaging'.",
    "V, U or O.": "V, U of O.",
    "Only this line key.": "Alleen deze regelsleutel.",
    "The year the money is for.": "Het jaar waarvoor het geld is.",
    "The year of the budget moment.": "Het jaar van het begrotingsmoment.",
    "At most this many rows.": "Ten hoogste zoveel rijen.",
    "From the ontwerpbegroting through each moment's typed mutations to the latest stand, with a check row.":
        "Van de ontwerpbegroting via de getypeerde mutaties van elk moment naar de laatste stand, met een "
        "controlerij.",
    "Chapter, e.g. VI.": "Hoofdstuk, bv. VI.",
    "Article, e.g. 36 (none: chapter level).": "Artikel, bv. 36 (zonder: niveau hoofdstuk).",
    "The year of the budget moments.": "Het jaar van de begrotingsmomenten.",
    "Everything for one budget moment in one export: the integrated table (lines and articles), themes,\n"
    "mutations, overlap, questions, with the sources and findings.":
        "Alles voor één begrotingsmoment in één export: de integrale tabel (regels en artikelen), thema's, "
        "mutaties, overlap, Kamervragen, met de bronnen en bevindingen.",
    "File (or folder for datapackage) to write.": "Bestand (of map voor datapackage) om te schrijven.",
    "Budget moment (default: latest broad).": "Begrotingsmoment (standaard: het laatste met brede dekking).",
    "Budget moments in the database, with their coverage (chapters, articles, detail, digital lines).":
        "Begrotingsmomenten in de database, met hun dekking (hoofdstukken, artikelen, detail, digitale regels).",
    "Overlap and fragmentation (question 28): concentration (HHI) per theme, executors funded from several\n"
    "chapters, near-identical descriptions in different ministries.":
        "Overlap en versnippering (vraag 28): concentratie (HHI) per thema, uitvoerders uit meerdere "
        "hoofdstukken, bijna gelijke omschrijvingen in verschillende ministeries.",
    "Year (default: the moment's year).": "Jaar (standaard: het jaar van het moment).",
    "Only this theme.": "Alleen dit thema.",
    "Show the units of: hoofdstuk, artikel, instrument, uitvoerder.":
        "Toon de eenheden van: hoofdstuk, artikel, instrument, uitvoerder.",
    "Similarity for near-duplicate descriptions.": "Gelijkenis voor bijna gelijke omschrijvingen.",
    "Funding cliffs, dips followed by a spike in the last year, and opaque reserves (questions 3, 18-20).":
        "Financieringskliffen, dalen gevolgd door een piek in het laatste jaar, en ondoorzichtige reserves "
        "(vragen 3, 18-20).",
    "Cliff: drop of at least this percentage.": "Klif: een daling van ten minste dit percentage.",
    "All lines, not only digital ones.": "Alle regels, niet alleen digitale.",
    "Where an article came from and where it continues: renumbering found in the data and reviewed was/wordt\n"
    "links, with evidence; 'gevolgd' links are followed by the mutations (a renumbering is no mutation).":
        "Waar een artikel vandaan komt en waar het verdergaat: vernummeringen gevonden in de data en beoordeelde "
        "was/wordt-koppelingen, met bewijs; 'gevolgd'-koppelingen volgen de mutaties (een vernummering is geen "
        "mutatie).",
    "Chapter, e.g. V.": "Hoofdstuk, bv. V.",
    "Article, e.g. 43 (none: the whole chapter).": "Artikel, bv. 43 (zonder: het hele hoofdstuk).",
    "Record a reviewed type for a mutation (by its stable key, so it survives re-ingest) and rebuild.":
        "Leg een beoordeeld type voor een mutatie vast (op de vaste sleutel, dus ook na opnieuw inlezen) en "
        "bouw opnieuw op.",
    "The type decided on (see 'mutations --help').": "Het gekozen type (zie 'mutations --help').",
    "Why (e.g. the Kamerstuk that says so).": "Waarom (bv. het Kamerstuk dat het zegt).",
    "YYYY-MM-DD (default: today).": "JJJJ-MM-DD (standaard: vandaag).",
    "Why.": "Waarom.",
    "Begrotingshoofdstuk, e.g. VII.": "Begrotingshoofdstuk, bv. VII.",
    "Artikelnummer, e.g. 6.": "Artikelnummer, bv. 6.",
    "A type (kasschuif, overboeking, herschikking, taakstelling, nieuwe middelen, 'onverklaard: verlaging', ...) or "
    "a group: onverklaard, verklaard.":
        "Een soort (kasschuif, overboeking, herschikking, taakstelling, nieuwe middelen, 'onverklaard: verlaging', "
        "...) of een groep: onverklaard, verklaard.",
    "xlsx, csv, parquet or datapackage.": "xlsx, csv, parquet of datapackage.",
    "A mutation id or mutation_key.": "Een mutatie-id of mutation_key.",
    "table, json, csv or markdown.": "table, json, csv of markdown.",
    "Watch list (TOML, [[volg]] line_key = ... or naam = ...).":
        "Volglijst (TOML, [[volg]] line_key = ... of naam = ...).",
    "obvious, random or hard.": "obvious (duidelijk), random (willekeurig) of hard (moeilijk).",
    "OWB, VB, O1, SBS, O2, JV or SW.": "OWB, VB, O1, SBS, O2, JV of SW.",
    "NUMBER or DOCUMENT:NUMBER, e.g. 1:8.": "NUMMER of DOCUMENT:NUMMER, bv. 1:8.",
    "Who decided.": "Wie besliste.",
    "Totals per digital theme, year and budget moment (weighted; x EUR 1,000), each moment marked broad or\n"
    "partial (a partial moment's total is no national total).":
        "Totalen per digitaal thema, jaar en begrotingsmoment (gewogen; x € 1.000), elk moment gemarkeerd als "
        "breed of gedeeltelijk (het totaal van een gedeeltelijk moment is geen landelijk totaal).",
    "Only this budget moment.": "Alleen dit begrotingsmoment.",
    "Only this year (the year the money is for).": "Alleen dit jaar (het jaar waarvoor het geld is).",
    "Only this budget year's moments.": "Alleen de momenten van dit begrotingsjaar.",
    "Only the budget year itself (jaar = begrotingsjaar).": "Alleen het begrotingsjaar zelf (jaar = begrotingsjaar).",
    "Why a budget line got, or did not get, each theme: rules, matched text, false friends, decisions.":
        "Waarom een begrotingsregel een thema wel of niet kreeg: regels, gevonden tekst, valse vrienden, "
        "beslissingen.",
    "A line id or line key.": "Een regel-id of regelsleutel.",
    "Record a reviewed decision for a line (by its line key, so it survives re-ingest) and reclassify.":
        "Leg een beoordeelde beslissing voor een regel vast (op de regelsleutel, dus ook na opnieuw inlezen) en "
        "classificeer opnieuw.",
    "The theme decided on.": "Het gekozen thema.",
    "Share of the line's money, 0 (not this theme) to 1.": "Aandeel van het geld van de regel, 0 (niet dit thema) "
                                                            "tot 1.",
    "Run the classification rules and reviewed decisions again over every line.":
        "Pas de classificatieregels en beoordeelde beslissingen opnieuw toe op elke regel.",
    "Tag lines that are not in the database; prints CSV with themes, weights, executor and evidence.":
        "Label regels die niet in de database staan; geeft CSV met thema's, gewichten, uitvoerder en bewijs.",
    "CSV with hoofdstuk, artikel, artikel_naam, artikelonderdeel, instrument, regeling.":
        "CSV met hoofdstuk, artikel, artikel_naam, artikelonderdeel, instrument, regeling.",
    "Write here.": "Schrijf hierheen.",
    "Precision and recall of the classifier per theme on hand-labelled real lines.":
        "Precisie en volledigheid (recall) van de classificatie per thema op met de hand gelabelde echte regels.",
    "Labelled CSV (default: the bundled set).": "Gelabelde CSV (standaard: de meegeleverde set).",
    "dev (for improving rules) or holdout.": "dev (om regels te verbeteren) of holdout (controleset).",
    "List the misclassified lines.": "Toon de verkeerd geclassificeerde regels.",
    "Load budget tables (B-tabel, begrotingsstaten, suppletoire tables, bulk files) into the database.":
        "Laad begrotingstabellen (B-tabel, begrotingsstaten, suppletoire tabellen, bulkbestanden) in de database.",
    "CSV or JSON files, or folders, to load.": "CSV- of JSON-bestanden, of mappen, om te laden.",
    "List the loaded sources with their checksum and provenance.":
        "Toon de geladen bronnen met hun controlegetal (sha256) en herkomst.",
    "List data-quality findings (typed, with file, row and column).":
        "Toon bevindingen over de datakwaliteit (getypeerd, met bestand, rij en kolom).",
    "Only this finding code.": "Alleen deze bevindingscode.",
    "info, warning or error.": "info (informatie), warning (waarschuwing) of error (fout).",
    "Only this source id.": "Alleen deze bron-id.",
    "Counts per code instead of the list.": "Aantallen per code in plaats van de lijst.",
    "Show budget lines with every amount, its moment and its source row (x EUR 1,000).":
        "Toon begrotingsregels met elk bedrag, het moment en de bronrij (x € 1.000).",
    "The budget year of the document.": "Het begrotingsjaar van het document.",
    "Include total rows.": "Ook totaalrijen tonen.",
    "Which budget years, moments and chapters the database holds.":
        "Welke begrotingsjaren, momenten en hoofdstukken de database bevat.",
    "Show every setting, its environment variable and its current value.":
        "Toon elke instelling, de omgevingsvariabele en de huidige waarde.",
    "Build the database from the data bundled in the repository and print what it holds.":
        "Bouw de database uit de meegeleverde data en toon wat erin staat.",
    "Print the version.": "Toon de versie.",
    "Parliamentary questions with their status (answered, deferred, refused, answerable from the data).":
        "Kamervragen met hun status (beantwoord, uitgesteld, geweigerd, beantwoordbaar uit de data).",
    "Only this status (code or Dutch label).": "Alleen deze status (code of Nederlandse omschrijving).",
    "Only this document id.": "Alleen dit document-id.",
    "One question: text, answer, status, references, stated figures and the budget lines it is linked to.":
        "Eén Kamervraag: tekst, antwoord, status, verwijzingen, genoemde bedragen en de gekoppelde "
        "begrotingsregels.",
    "Serve the dashboard and the JSON/CSV API over the database; with setting serve_hosts_jobs (default) the\n"
    "server also runs the writing jobs (ingest, update, rebuild) that reach it over a socket beside the database.":
        "Start het dashboard en de JSON/CSV-API over de database; met instelling serve_hosts_jobs (standaard) voert "
        "de server ook de schrijvende taken uit (ingest, update, rebuild) die hem bereiken via een socket naast "
        "de database, zonder kopie van het bestand.",
    "Address to bind (default: setting 'host', 127.0.0.1).": "Adres om op te luisteren (standaard: instelling "
                                                             "'host', 127.0.0.1).",
    "Port (default: setting 'port', 8000).": "Poort (standaard: instelling 'port', 8000).",
    "Write one self-contained HTML report (overview, integrated table, mutations, overlap, open questions).":
        "Schrijf één zelfstandig HTML-rapport (overzicht, integrale tabel, mutaties, overlap, open vragen).",
    "HTML file to write.": "HTML-bestand om te schrijven.",
    "Budget moment, e.g. 2017-OWB (default: latest broad).":
        "Begrotingsmoment, bv. 2017-OWB (standaard: het laatste met brede dekking).",
    "Download published files (rijksfinancien.nl, Tweede Kamer).":
        "Download gepubliceerde bestanden (rijksfinancien.nl, Tweede Kamer).",
    "Parliamentary documents: parse questions and answers.": "Kamerstukken: lees vragen en antwoorden.",
    "Parse FILE and print its questions, answers, statuses, references, amounts, tables and findings.":
        "Lees BESTAND en toon de vragen, antwoorden, statussen, verwijzingen, bedragen, tabellen en bevindingen.",
    "Load documents into the database: questions, statuses, references, figures, links to budget lines.":
        "Laad documenten in de database: vragen, statussen, verwijzingen, bedragen, koppelingen met "
        "begrotingsregels.",
    "Documents to load (.txt, .docx, .xml, .pdf)": "Documenten om te laden (.txt, .docx, .xml, .pdf)",
}

# help texts that list the vocabulary (cli/analysis.py builds the same English text from vocab)
_THEMES = ", ".join(theme_choices())
HELP_NL[f"Theme(s): {_THEMES}; repeat the option."] = f"Thema('s): {_THEMES}; herhaal de optie."


def _nl(text: str | None) -> str | None:
    if text is None:
        return None
    return HELP_NL.get(text.strip(), text)


def dutch(command: Any) -> Any:
    """The command tree with every help text (commands, options, arguments) replaced by its Dutch version."""
    command.help = _nl(command.help)
    command.short_help = _nl(command.short_help)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = _nl(param.help)
    for sub in getattr(command, "commands", {}).values():  # a group (typer's own click: no isinstance)
        dutch(sub)
    return command


def command_texts(command: Any, name: str = "digibudget") -> list[tuple[str, str]]:
    """(where, text) for every help text in the tree: for the test that no English help is left."""
    out = [(name, command.help or "")]
    out += [(f"{name} {p.name}", str(getattr(p, "help", "") or "")) for p in command.params]
    for sub_name, sub in getattr(command, "commands", {}).items():
        out += command_texts(sub, f"{name} {sub_name}")
    return [(w, t) for w, t in out if t]
