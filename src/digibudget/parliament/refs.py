"""Kamerstuk citations, budget locations, cross-references, organisations and years in Dutch prose.

Citation variants handled: 'Kamerstuknummer II, 2025/26, 26643 nr. 1450', 'Kamerstukken II 2022/23, 29628,
nr. 1139', 'Kamerstuk 36740-VII-35', 'Kamerstuk 26643-1316', '36 915 VII, nr. 2, art. 6 en 7, p. 17-24',
'[Kamerstuk 32 761, nr. 277]' and a bare dossier '29 628'.
"""

from __future__ import annotations

import re

from .model import BudgetLocation, Citation, CrossReference

_CHAPTER = r"(?:[IVXLC]+|[A-Z])"
_ARTICLES = r"\d+(?:\.\d+)?(?:\s*(?:,|en)\s*\d+(?:\.\d+)?)*"
_PAGES = r"\d+(?:\s*[-–]\s*\d+)?(?:\s*(?:,|en)\s*\d+(?:\s*[-–]\s*\d+)?)*"
_TRAILER = (
    rf"(?:,\s*(?:tabel\s+\d+\s+en\s+)?art(?:ikel|\.)?\s*(?P<arts>{_ARTICLES}))?"
    rf"(?:[^;)\n]{{0,80}}?,\s*(?:blz\.|p\.|pag\.)\s*(?P<pages>{_PAGES}))?"
)
_PREFIXED = re.compile(
    r"(?:Bijlage bij\s+)?Kamerstuk(?:ken|nummer)?\s*(?P<chamber>II|I)?\b,?\s*"
    r"(?P<year>(?:19|20)\d{2}\s*[/–-]\s*\d{2,4})?,?\s*"
    r"(?P<dossier>\d{2}\s?\d{3})(?![\d.,]\d)"
    rf"(?:(?:\s+|-)(?P<chapter>{_CHAPTER})\b(?!-?\w*\.\w))?"
    r"(?:\s*,?\s*nr\.?\s*(?P<number>\d+)|-(?P<number2>\d+))?" + _TRAILER
)
_BARE = re.compile(
    r"(?<![\w.,/-])(?P<dossier>\d{2} \d{3})(?![\d.,]?\d)"
    rf"(?:\s+(?P<chapter>{_CHAPTER})\b)?"
    r"(?:\s*,?\s*nr\.?\s*(?P<number>\d+))?" + _TRAILER
)
_TOEZEGGING = re.compile(r"\bTZ\d{6}-\d+\b")
_H_ARTICLE = re.compile(
    r"\bH(?:oofdstuk|fdst\.)?\s?(?P<h>[IVXLC]+|\d{1,2})\s*,?\s+(?:beleids)?art(?:ikel|\.)\s*(?P<a>\d+)(?:\.(?P<o>\d+))?")
_ARTICLE = re.compile(r"\b(?:[Bb]eleids)?[Aa]rt(?:ikel|\.)\s*(?P<a>\d+)(?:\.(?P<o>\d+))?(?![\d.]\d)")
_LAW_AFTER = re.compile(r"^[^.;]{0,30}?(?:\blid\b|\w*wet\b|verordening|richtlijn|\bAwb\b|\bAVG\b|\bWbdwb\b|\bCbw\b)",
                        re.IGNORECASE)
_XREF = re.compile(
    r"\b[Zz]ie\s+(?:ook\s+)?(?:het\s+|de\s+)?(?:antwoord(?:en)?\s+(?:op\s+)?(?:de\s+)?)?"
    r"vra(?:ag|gen)\s+(?P<nums>\d+[a-z]?(?:\s*(?:,\s*en|,|en|t/m|-)\s*\d+[a-z]?)*)")
_YEAR = re.compile(r"(?<![\w.,/€])((?:19|20)\d{2})(?![\w]|[.,]\d)")

#: Built-in organisations: code → ways they are written. Acronyms match case-sensitively on word boundaries.
ORGANISATIONS: dict[str, tuple[str, ...]] = {
    "NCSC": ("NCSC", "Nationaal Cyber Security Centrum"),
    "DTC": ("DTC", "Digital Trust Center"),
    "Logius": ("Logius",),
    "RvIG": ("RvIG", "Rijksdienst voor Identiteitsgegevens"),
    "ICTU": ("ICTU",),
    "KVK": ("KVK", "KvK", "Kamer van Koophandel"),
    "RDW": ("RDW",),
    "RVO": ("RVO", "Rijksdienst voor Ondernemend Nederland"),
    "DICTU": ("DICTU",),
    "RvIHH": ("RvIHH", "Rijksorganisatie voor Informatiehuishouding"),
    "RIS": ("RIS", "Rijksinkoopsamenwerking"),
    "OBF": ("OBF", "Organisatie voor Bedrijfsvoering en Financiën"),
    "VNG": ("VNG", "Vereniging van Nederlandse Gemeenten", "Vereniging Nederlandse Gemeenten"),
    "RDI": ("RDI", "Rijksinspectie Digitale Infrastructuur"),
    "SSC-ICT": ("SSC-ICT",),
    "CBS": ("CBS", "Centraal Bureau voor de Statistiek"),
    "ADR": ("Auditdienst Rijk",),
    "AcICT": ("AcICT", "Adviescollege ICT-toetsing"),
    "NCTV": ("NCTV",),
    "SVB": ("SVB",),
    "DUO": ("DUO",),
    "EZK": ("EZK", "Economische Zaken en Klimaat", "Economische Zaken"),
    "BZK": ("BZK", "Binnenlandse Zaken en Koninkrijksrelaties"),
    "JenV": ("JenV", "JenV", "Justitie en Veiligheid"),
    "FIN": ("FIN", "Financiën"),
    "IenW": ("IenW", "Infrastructuur en Waterstaat"),
    "LVVN": ("LVVN",),
    "KGG": ("KGG",),
    "OCW": ("OCW", "Onderwijs, Cultuur en Wetenschap"),
    "BUZA": ("BUZA", "Buitenlandse Zaken"),
}
_ORG_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (code, re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                      + r")(?![\w-])"))
    for code, names in ORGANISATIONS.items()
]
_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(n: int) -> str:
    """7 → 'VII' (chapter numbers stay below 40)."""
    out = ""
    for value, numeral in _ROMAN:
        while n >= value:
            out += numeral
            n -= value
    return out


def _split_list(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    return tuple(p for p in re.split(r"\s*(?:,|en)\s*", text) if p)


def _citation(m: re.Match[str], raw: str) -> Citation:
    groups = m.groupdict()
    number = groups.get("number") or groups.get("number2")
    pages = groups.get("pages")
    return Citation(
        raw=raw.strip(),
        dossier=m.group("dossier").replace(" ", ""),
        chapter=groups.get("chapter"),
        number=number,
        year=re.sub(r"\s+", "", groups["year"]) if groups.get("year") else None,
        articles=_split_list(groups.get("arts")),
        pages=re.sub(r"\s+", " ", pages) if pages else None,
    )


def find_citations(text: str) -> list[tuple[int, int, Citation]]:
    """Kamerstuk citations with their spans."""
    found: list[tuple[int, int, Citation]] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_PREFIXED, _BARE):
        for m in pattern.finditer(text):
            if any(s <= m.start("dossier") < e for s, e in taken):
                continue
            found.append((m.start(), m.end(), _citation(m, m.group(0))))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda t: t[0])
    return found


def find_toezeggingen(text: str) -> list[str]:
    return [m.group(0) for m in _TOEZEGGING.finditer(text)]


def find_budget_locations(text: str, citations: list[tuple[int, int, Citation]] | None = None
                          ) -> list[BudgetLocation]:
    """'H7 artikel 11', 'artikel 6.2', 'art. 6.8', and the articles named inside budget citations."""
    cites = citations if citations is not None else find_citations(text)
    out: list[BudgetLocation] = []
    taken = [(s, e) for s, e, _ in cites]
    for _, _, c in cites:
        for art in c.articles:
            a, _, o = art.partition(".")
            out.append(BudgetLocation(raw=f"{c.raw}: art. {art}", artikel=a, artikelonderdeel=o or None,
                                      hoofdstuk=c.chapter))
    for m in _H_ARTICLE.finditer(text):
        h = m.group("h")
        out.append(BudgetLocation(raw=m.group(0), artikel=m.group("a"), artikelonderdeel=m.group("o"),
                                  hoofdstuk=roman(int(h)) if h.isdigit() else h))
        taken.append((m.start(), m.end()))
    for m in _ARTICLE.finditer(text):
        if any(s <= m.start() < e for s, e in taken) or _LAW_AFTER.match(text[m.end():]):
            continue
        out.append(BudgetLocation(raw=m.group(0), artikel=m.group("a"), artikelonderdeel=m.group("o")))
    return out


def find_cross_references(text: str) -> list[CrossReference]:
    """'Zie antwoord vraag 8', 'Zie vraag 1', 'zie het antwoord op vragen 3 en 4'."""
    from .structure import parse_numbers

    return [CrossReference(raw=m.group(0), targets=parse_numbers(m.group("nums"))) for m in _XREF.finditer(text)]


def find_organisations(text: str) -> list[str]:
    """Codes of the built-in organisations named in ``text``, in the order of :data:`ORGANISATIONS`."""
    return [code for code, pattern in _ORG_PATTERNS if pattern.search(text)]


def find_years(text: str, exclude: list[tuple[int, int]] | None = None) -> list[int]:
    """Distinct years (1900-2099) named in ``text``, sorted; spans in ``exclude`` (e.g. citations) are skipped."""
    spans = exclude or []
    years = {int(m.group(1)) for m in _YEAR.finditer(text) if not any(s <= m.start() < e for s, e in spans)}
    return sorted(years)
