"""What the page 'Over de cijfers' says: themes (from the classification rules, with their written definition
where the rules have one), mutation types and their evidence (from analyze.mutations), and a glossary, in Dutch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..analyze.mutation_types import CONFIDENCE, EVIDENCE_KINDS, SOORTEN
from ..classify.rules import load_rules

# what each mutation type means and which evidence can give it (docs/mutations.md, 'A type needs evidence')
SOORT_NL: dict[str, tuple[str, tuple[str, ...]]] = {
    "kasschuif": ("geld schuift tussen jaren op dezelfde regel; het totaal blijft gelijk",
                  ("review", "label", "kasschuifprofiel")),
    "overboeking": ("budget gaat naar een ander artikel of hoofdstuk (de gever boekt -X, de ontvanger +X)",
                    ("review", "label", "tegenboeking")),
    "herschikking": ("budget schuift binnen hetzelfde artikel", ("review", "label", "tegenboeking")),
    "taakstelling": ("een opgelegde korting op een begroting", ("review", "label")),
    "nieuwe middelen": ("nieuw geld uit de centrale middelen (bv. via moties, amendementen of de Voorjaarsnota)",
                        ("review", "label", "kolom")),
    "loon- en prijsbijstelling": ("indexatie voor lonen en prijzen, verdeeld vanuit Financiën", ("review", "label")),
    "realisatieverschil": ("realisatie min laatste stand: onder- of overuitputting, geen besluit",
                           ("review", "realisatie")),
    "nieuwe raming": ("een jaar buiten de vorige raming: de hele nieuwe raming, geen wijziging",
                      ("review", "nieuw_jaar")),
    "onverklaard: verhoging": ("een verhoging zonder bewijs van het type", ("restverschil", "geen")),
    "onverklaard: verlaging": ("een verlaging zonder bewijs van het type; een verlaging is geen taakstelling tot "
                               "iets dat zegt", ("restverschil", "geen")),
}

GLOSSARY: list[tuple[str, str]] = [
    ("Rijksbegroting", "de begroting van het Rijk; één begroting per hoofdstuk"),
    ("hoofdstuk", "begrotingshoofdstuk: een Romeins cijfer per ministerie (VII Binnenlandse Zaken en "
                  "Koninkrijksrelaties) of een letter voor een fonds (B Gemeentefonds)"),
    ("artikel, artikelonderdeel", "beleidsartikel van een hoofdstuk (VII art. 6 Digitale overheid) en het onderdeel "
                                  "daarvan (6.2, 6.8)"),
    ("financieel instrument", "hoe het geld wordt besteed: subsidies, opdrachten, bijdrage aan ZBO's/RWT's, aan "
                              "agentschappen, aan medeoverheden, enzovoort"),
    ("regeling", "de regel onder het instrument: een regeling, project of ontvanger (vaak de uitvoerder)"),
    ("uitvoerder", "de organisatie die het geld besteedt: een agentschap (Logius, RvIG, DICTU), een ZBO of RWT "
                   "(ICTU, KVK), het NCSC"),
    ("V / U / O", "verplichtingen (aangegane verplichtingen), uitgaven (kasuitgaven) en ontvangsten; ze worden "
                  "nooit bij elkaar opgeteld"),
    ("begrotingsjaar en jaar", "het jaar van het document (t) tegenover het jaar waarvoor een bedrag is (t-1 tot "
                               "en met t+4)"),
    ("begrotingsmoment", "ontwerpbegroting (september), vastgestelde begroting, 1e suppletoire (Voorjaarsnota), "
                         "suppletoire bij de Miljoenennota, 2e suppletoire (Najaarsnota), jaarverslag, slotwet"),
    ("stand", "het bedrag van een regel op een begrotingsmoment voor een jaar"),
    ("mutatie", "een wijziging van een begrotingsregel tussen twee momenten"),
    ("juridisch verplicht", "het deel van de uitgaven dat al juridisch vastligt (contracten, subsidiebeschikkingen, "
                            "wetten)"),
    ("bestuurlijk gebonden, beleidsmatig gereserveerd, nog niet ingevuld", "de rest van de budgetflexibiliteit: "
     "afspraken zonder juridische binding, geld voor bestaand beleid, en vrije ruimte"),
    ("Kamerstuk", "parlementair stuk, aangehaald als dossier, hoofdstuk en nummer (36 915 VII, nr. 2); de "
                  "officiële tekst staat op zoek.officielebekendmakingen.nl"),
    ("feitelijke vragen", "schriftelijke vragen van een Kamercommissie over een begrotingsstuk, met genummerde "
                          "antwoorden"),
    ("gewicht", "het deel van het geld van een regel dat bij een thema hoort (0 tot 1)"),
    ("zekerheid", "hoe zeker een classificatie of mutatietype is (0 tot 1), naar het soort bewijs"),
    ("dekking", "welke hoofdstukken, artikelen en jaren de geladen bronnen voor een moment bevatten; brede dekking "
                "is nodig voor een landelijk totaal"),
    ("HHI", "Herfindahl-Hirschman-index: de som van de kwadraten van de aandelen (0-10.000); hoog is geconcentreerd "
            "bij weinig eenheden, laag is verspreid"),
]


@dataclass(frozen=True)
class ThemeText:
    id: str
    label: str
    description: str
    clauses: tuple[tuple[str, str, str], ...]  # (id, kind, text) of the written definition, where there is one


def themes() -> list[ThemeText]:
    """The themes of the classification rules; their written clauses when the rules carry them (an attribute
    'clauses' of objects with id, kind and text; absent in older rule files)."""
    out = []
    for t in load_rules().themes:
        clauses: Any = getattr(t, "clauses", ()) or ()
        out.append(ThemeText(t.id, t.label, t.description,
                             tuple((str(getattr(c, "id", "")), str(getattr(c, "kind", "")), str(getattr(c, "text", "")))
                                   for c in clauses)))
    return out


def mutation_types() -> list[tuple[str, str, list[str]]]:
    """(type, meaning, evidence kinds) for every type of analyze.mutations.SOORTEN."""
    return [(s, SOORT_NL.get(s, ("", ()))[0], list(SOORT_NL.get(s, ("", ()))[1])) for s in SOORTEN]


def evidence() -> list[tuple[str, str, float | None]]:
    """(kind, meaning, confidence) for every evidence kind of analyze.mutations.EVIDENCE_KINDS."""
    return [(k, text, CONFIDENCE.get(k)) for k, text in EVIDENCE_KINDS.items()]
