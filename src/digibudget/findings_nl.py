"""The Dutch messages of the finding catalogue (findings.CATALOGUE): what a reader sees on the Datakwaliteit page,
in the CLI and in exports. The stable codes and the stored English messages stay as they are; the Dutch message is
made from the same figures (a test keeps the placeholders of both equal)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from .findings import CATALOGUE
from .nlformat import nl_number

SEVERITY_NL = {"info": "informatie", "warning": "waarschuwing", "error": "fout"}

MESSAGES_NL: dict[str, str] = {
    "ambiguous-amount": "bedragcel '{raw}' is te lezen als {reading_a} ({style_a}) of als {reading_b} ({style_b}) en "
                        "geen andere cel van de kolom zegt welke; er is geen waarde voor opgeslagen",
    "header-row-in-data": "een herhaalde kopregel is overgeslagen",
    "empty-row": "{count} lege regels zijn overgeslagen",
    "unknown-instrument": "instrument '{raw}' past bij geen van de gepubliceerde instrumenten; overgenomen zoals "
                          "geschreven",
    "instrument-normalised": "instrument '{raw}' gelezen als '{normalised}'",
    "vuo-normalised": "V/U/O-code '{raw}' gelezen als '{normalised}'",
    "unknown-hoofdstuk": "hoofdstuk '{raw}' is geen bekende hoofdstukcode",
    "duplicate-line": "regel {key} komt {count} keer voor in deze bron voor hetzelfde jaar en moment",
    "duplicate-total": "regel {key} heeft twee totaalrijen: rij {row_a} ({figures_a}) en rij {row_b} "
                       "({figures_b}); {decision}{note}",
    "duplicate-line-differs": "regel {key} staat in {count} rijen met verschillende bedragen ({rows}); alle tellen "
                              "mee, als aparte regels die de bron hetzelfde noemt",
    "total-mismatch": "{what}: de detailrijen tellen op tot {detail_sum}, de totaalrij zegt {total} (verschil "
                      "{difference})",
    "stand-mismatch": "{what}: {previous} + {mutations} = {expected}, maar de tabel zegt {stand}",
    "source-mismatch": "{what}: {source_a} zegt {value_a}, {source_b} zegt {value_b} (verschil {difference})",
    "lines-source-mismatch": "{what}: de regels van {source_a} ({count}) tellen op tot {value_a}, {source_b} zegt "
                             "{value_b} (verschil {difference}){note}",
    "source-agreement": "{what}: {count} bedragen komen overeen tussen {source_a} en {source_b}",
    "unit-mismatch": "{what}: eenheid '{unit}' wijkt af van de verwachte '{expected}'",
    "float-artefact": "bedrag '{raw}' is een afrondingsartefact van een kommagetal; opgeslagen als {value}",
    "amount-missing": "{count} bedragcellen zijn leeg (nog niet bekend); daarvoor is geen waarde opgeslagen",
    "source-replaced": "dit bestand vervangt een eerdere versie (bron {old_source}) van hetzelfde adres: {changed} van "
                       "{compared} bedragen gewijzigd, {only_new} nieuw; de cijfers komen uit deze versie",
    "version-dropped-amounts": "deze versie mist {only_old} bedragen die de eerdere versie (bron {old_source}) had; "
                               "ze tellen in geen enkel cijfer meer mee",
    "percentage-out-of-range": "percentage juridisch verplicht {value} ligt buiten 0-100",
    "truncated-table": "{what}: de brontabel is onvolledig ({reason}); totalen over de rijen zijn gedeeltelijk",
    "total-flag-inferred": "de totaalindicatie van een {vuo}-rij is leeg; gelezen als '{flag}' uit het niveau van "
                           "de rij",
    "unreadable-amount": "bedragcel {raw!r} is niet te lezen (verwacht: {expected}); er is geen waarde opgeslagen",
    "row-skipped": "{reason}; de rij is niet geladen",
    "pro-memorie": "bedrag '{raw}' (pro memorie: nog niet gekwantificeerd); er is geen waarde opgeslagen",
    "filled-from-row-above": "een lege cel is gelezen als '{value}', de waarde van de rij erboven",
    "ambiguous-fase": "fase '{raw}' gelezen als '{normalised}' {reason}",
    "code-mapped": "{what} '{raw}' gelezen als '{normalised}' ({reason})",
    "records-left-out": "{count} records {what} zijn niet geladen ({total} in totaal): {reason}",
    "record-is-part": "{what} ({value}) is een deel van de andere regels van het artikel, geen eigen regel; niet "
                      "apart geladen",
    "commitment-split-mismatch": "{what}: de categorieën tellen op tot {total}% ({parts}), niet tot 100% (1 punt "
                                 "afronding toegestaan)",
    "file-may-be-truncated": "het bestand eindigt niet met een regeleinde: de laatste rij kan zijn afgebroken; "
                             "vergelijk met het gepubliceerde bestand",
    "document-table-total-agrees": "{what}: de rijen tellen op tot {detail_sum}, zoals de totaalrij zegt ({unit})",
    "document-table-total-mismatch": "{what}: de rijen tellen op tot {detail_sum}, de totaalrij zegt {total} "
                                     "({unit}; verschil {difference})",
    "document-stated-total-agrees": "{what}: de tekst noemt {stated_raw} ({stated} euro), de tabel geeft "
                                    "{computed} euro",
    "document-stated-total-mismatch": "{what}: de tekst noemt {stated_raw} ({stated} euro), maar de tabel telt op "
                                      "tot {computed} euro (verschil {difference} euro)",
    "document-unanswered-question": "vraag {number} heeft geen antwoord in het document",
    "document-unknown-cross-reference": "{where} verwijst naar vraag {target}, die niet in het document staat",
    "document-missing-footnote": "naar voetnoot {n} wordt verwezen, maar de tekst ervan is niet gevonden",
    "document-no-questions": "geen vraagkoppen ('Vraag 1', '1.') gevonden; de hele tekst is als inleiding bewaard",
    "document-location-not-loaded": "vraag {number} verwijst naar {place}, waarvoor geen begrotingsregel is geladen",
    "document-figure-contradicts": "vraag {number}: het document noemt {stated} euro voor {what} ({year}); de "
                                   "geladen data geven {loaded} euro ({source}, rij {row}; verschil {difference} "
                                   "euro)",
    "document-figures-unverifiable": "{count} genoemde bedragen voor {year} zijn niet te toetsen: er zijn geen "
                                     "begrotingsdata voor {year} geladen",
}


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_AS_IS = re.compile(r"row|rij|year|jaar|number|^n$|target|key")  # row numbers, years, question numbers, keys


# Text figures the readers and checks store in English (a reason, a decision, a note), in Dutch: replaced in
# order wherever they occur in a figure, so both a whole sentence and a phrase inside a longer text are covered.
# The stored finding keeps its English figures (and message); only what a reader sees is Dutch.
FIGURE_TEXTS_NL: list[tuple[re.Pattern[str], str]] = [(re.compile(p), nl) for p, nl in [
    # sources/btabel.py
    (r"^a fragment row without year or V/U/O$", "een fragmentrij zonder jaar of V/U/O"),
    (r"^no V/U/O code but amounts$", "geen V/U/O-code, wel bedragen"),
    (r"^no V/U/O code and no amounts$", "geen V/U/O-code en geen bedragen"),
    (r"^V/U/O cell holds (.*)$", r"de V/U/O-cel bevat \1"),
    (r" \(from the row's label\)$", " (uit het label van de rij)"),
    (r"^J \(rows below split it further\)$", "J (de rijen eronder splitsen hem verder)"),
    # sources/gevolgen.py
    (r"^percentage row (.*) names no category of the budgetflexibiliteit$",
     r"percentagerij \1 noemt geen categorie van de budgetflexibiliteit"),
    (r"^a percentage of (.*) is no share of uitgaven or verplichtingen$",
     r"een percentage van \1 is geen aandeel van uitgaven of verplichtingen"),
    # sources/owb_json.py
    (r"^marked 'sub'$", "gemarkeerd als 'sub'"),
    (r"^of the aanvullende posten \(hoofdstuk (.*)\)$", r"van de aanvullende posten (hoofdstuk \1)"),
    (r"^marked premie \(premiegefinancierd\)$", "gemarkeerd als premie (premiegefinancierd)"),
    (r"^they are parts of a 'Main' record \(the visual splits a line over poster categories\); loading them would "
     r"count that money twice$", "het zijn delen van een 'Main'-record (de visual verdeelt een regel over "
                                 "postcategorieën); ze laden zou dat geld dubbel tellen"),
    (r"^they are no chapter of the begroting and are never summed into its totals$",
     "het zijn geen hoofdstukken van de begroting en ze tellen nooit mee in de totalen"),
    (r"^premium-financed amounts are not part of the begroting \(not in the begrotingsstaten\)$",
     "premiegefinancierde bedragen horen niet bij de begroting (niet in de begrotingsstaten)"),
    (r"^the begrotingsstaten call chapter III 'III'$", "de begrotingsstaten noemen hoofdstuk III 'III'"),
    (r"^Nationale Schuld: the begrotingsstaten number these articles 1 and 2, with the same amounts$",
     "Nationale Schuld: de begrotingsstaten nummeren deze artikelen 1 en 2, met dezelfde bedragen"),
    (r"Gemeentefonds: the JSON books the verplichtingen of the whole fund on art\. 2",
     "Gemeentefonds: de JSON boekt de verplichtingen van het hele fonds op art. 2"),
    (r"Gemeentefonds: the JSON books the integratie-uitkeringen on art\. 3, the begrotingsstaten on art\. 4",
     "Gemeentefonds: de JSON boekt de integratie-uitkeringen op art. 3, de begrotingsstaten op art. 4"),
    (r"the JSON has a second V record with the premiegefinancierde verplichtingen, not marked premie",
     "de JSON heeft een tweede V-record met de premiegefinancierde verplichtingen, niet gemarkeerd als premie"),
    (r"amounts moved between XVI art\. 1 and 4 \((.*?)\) in one of the two files",
     r"bedragen verschoven tussen XVI art. 1 en 4 (\1) in een van beide bestanden"),
    (r"the V record and its two parts are all in the JSON, none marked 'sub'",
     "het V-record en zijn twee delen staan alle in de JSON, geen gemarkeerd als 'sub'"),
    # reconcile.py
    (r"^article sums of lines$", "artikelsommen van regels"),
    (r"^article totals$", "artikeltotalen"),
    # duplicates.py
    (r"^row (\d+) counts: its figures agree with the sum of the detail rows \((\d+) of (\d+), the other (\d+)\)$",
     r"rij \1 telt: de bedragen kloppen met de som van de detailrijen (\2 van \3, de andere \4)"),
    (r"^row (\d+) counts: it gives (\d+) figures, the other (\d+)$",
     r"rij \1 telt: die geeft \2 bedragen, de andere \3"),
    (r"^row (\d+) counts: the other holds only fractions between 0 and 1$",
     r"rij \1 telt: de andere bevat alleen breuken tussen 0 en 1"),
    (r"^no evidence tells them apart: both stay as loaded until someone reviews them$",
     "niets onderscheidt ze: beide blijven zoals geladen tot iemand ze beoordeelt"),
    (r"^; row (\d+) holds only fractions between 0 and 1 \((.*?)\) next to a full total row: most likely a percentage "
     r"\(e\.g\. (.*?) juridisch verplicht\) typed into an amount column, else an amount of (.*?) x EUR 1,000; it is "
     r"not counted and no percentage is derived from it$",
     r"; rij \1 bevat alleen breuken tussen 0 en 1 (\2) naast een volledige totaalrij: waarschijnlijk een "
     r"percentage (bv. \3 juridisch verplicht) in een bedragkolom, anders een bedrag van \4 x € 1.000; ze telt niet "
     r"mee en er wordt geen percentage uit afgeleid"),
    # parliament (parse.py, reconcile.py)
    (r"\banswer to question ", "antwoord op vraag "),
    (r"\bsum of the rows of ", "som van de rijen van "),
    (r"\btotal row of ", "totaalrij van "),
    # a row number inside a longer figure ('row 2: Bedrag t 1234')
    (r"\brow (\d+)\b", r"rij \1"),
]]


def figure_text_nl(text: str) -> str:
    """An English text figure in Dutch (FIGURE_TEXTS_NL); a text it does not know is returned as it is."""
    for pattern, nl in FIGURE_TEXTS_NL:
        text = pattern.sub(nl, text)
    return text


def _figure(key: str, value: Any) -> Any:
    """A figure as a Dutch reader reads it: amounts and counts in Dutch notation (1.234,5); row numbers, years
    and keys as they are; English text figures in Dutch."""
    if isinstance(value, str) and not _NUMBER.match(value):
        value = figure_text_nl(value)
    if _AS_IS.search(key) or isinstance(value, bool):
        return value
    if isinstance(value, str) and _NUMBER.match(value):
        return nl_number(Decimal(value))
    if isinstance(value, int | float | Decimal):
        return nl_number(Decimal(str(value)) if isinstance(value, float) else value)
    return value


def message_nl(code: str, figures: dict[str, Any] | str | None, fallback: str = "") -> str:
    """The Dutch message of a finding from its code and figures (as stored: a dict or its JSON text)."""
    if isinstance(figures, str):
        try:
            figures = json.loads(figures)
        except ValueError:
            figures = None
    template = MESSAGES_NL.get(code)
    if template is None or not isinstance(figures, dict):
        return fallback
    try:
        return template.format(**{k: _figure(k, v) for k, v in figures.items()})
    except (KeyError, IndexError, ValueError):
        return title_nl(code)


def title_nl(code: str) -> str:
    """The Dutch title of a finding code (the catalogue's titles are Dutch)."""
    return CATALOGUE[code].title if code in CATALOGUE else code


def finding_text(code: str, figures: str | None, fallback: str) -> str:
    """The Dutch message of a stored finding, with '(3x)' when it was grouped from several occurrences."""
    text = message_nl(code, figures, fallback)
    try:
        occurrences = json.loads(figures).get("occurrences") if figures else None
    except (ValueError, AttributeError):
        occurrences = None
    return f"{text} ({occurrences}x)" if isinstance(occurrences, int) and occurrences > 1 else text
