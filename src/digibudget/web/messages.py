"""Error messages in Dutch for the dashboard and the API's 'fout' field: the library's errors (English, for logs
and the API's 'error' field) and FastAPI's validation errors, translated by pattern. What no pattern knows gets a
general Dutch sentence, never the English text."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import DigibudgetError, NotFoundError, StoreError, UsageError

_WORDS = {"sort column": "sorteerkolom", "theme": "thema", "fase": "fase", "niveau": "niveau", "soort": "soort",
          "dimension": "dimensie", "severity": "ernst", "V/U/O code": "V/U/O-code", "format": "formaat"}
_MESSAGES: list[tuple[re.Pattern[str], str]] = [(re.compile(p), nl) for p, nl in [
    (r"^no budget line (.+)$", "geen begrotingsregel {0}"),
    (r"^no question (.+)$", "geen Kamervraag {0}"),
    (r"^no source (\d+)$", "geen bron {0}"),
    (r"^no row (\d+) in source (\d+)$", "bron {1} heeft geen rij {0}"),
    (r"^question id (.+)$", "vraagnummer {0}"),
    (r"^budget moment (.+) not understood$", "begrotingsmoment {0} niet begrepen"),
    (r"^years (.+)$", "jaren {0}"),
    (r"^threshold (.+)$", "drempel {0}"),
    (r"^drop (.+)$", "daling {0}"),
    (r"^no digital budget lines are loaded$", "er zijn geen digitale begrotingsregels geladen"),
    (r"^the database is being replaced; try again$", "de database wordt vervangen; probeer het zo opnieuw"),
]]
_EXPECTED = {"a source id from /bronnen": "een bron-id uit /bronnen",
             "a row number the source file has": "een rijnummer dat het bronbestand heeft",
             "YEAR-FASE, e.g. 2025-OWB or 2024-O1": "JAAR-FASE, bv. 2025-OWB of 2024-O1",
             "a window of at most 21 years, from <= to": "ten hoogste 21 jaar, van <= tot",
             "a similarity between 0.5 and 1": "een gelijkenis tussen 0,5 en 1",
             "V, U or O": "V, U of O", "info, warning or error": "info, warning of error",
             "NUMBER or DOCUMENT:NUMBER, e.g. 1:8": "NUMMER of DOCUMENT:NUMMER, bv. 1:8",
             "see 'digibudget questions'": "zie /kamervragen",
             "a percentage between 0 and 100": "een percentage tussen 0 en 100",
             "run 'digibudget ingest' first": "laad eerst data (digibudget ingest)"}
_GENERAL = {NotFoundError: "het gevraagde bestaat niet", UsageError: "deze invoer is niet te gebruiken",
            StoreError: "de database gaf een fout"}
LABEL = {UsageError: "Ongeldige invoer", NotFoundError: "Niet gevonden", StoreError: "Databasefout"}


def _unknown(message: str) -> str | None:
    m = re.match(r"^unknown (.+?) ('.*'|\S+)$", message)
    if m and m.group(1) in _WORDS:
        return f"onbekende {_WORDS[m.group(1)]} {m.group(2)}"
    return None


def library_error_nl(exc: DigibudgetError) -> str:
    """'Niet gevonden: geen bron 7 (verwacht: een bron-id uit /bronnen)'."""
    label = next((v for k, v in LABEL.items() if isinstance(exc, k)), "Fout")
    text = _unknown(exc.message)
    for pattern, nl in _MESSAGES:
        m = pattern.match(exc.message)
        if m:
            text = nl.format(*m.groups())
            break
    if text is None:  # the library writes its messages in Dutch (tests/test_cli_dutch.py); the web's own are above
        text = exc.message
    expected = exc.expected
    if expected and expected in _EXPECTED:
        text += f" (verwacht: {_EXPECTED[expected]})"
    elif expected:
        text += f" (verwacht: {expected})"
    return f"{label}: {text}"


_VALIDATION = {
    "missing": "ontbreekt", "int_parsing": "moet een geheel getal zijn", "float_parsing": "moet een getal zijn",
    "bool_parsing": "moet ja of nee zijn (true/false)", "string_pattern_mismatch": "heeft niet de juiste vorm",
    "string_too_long": "is te lang (ten hoogste {max_length} tekens)", "string_too_short": "is te kort",
    "greater_than_equal": "moet ten minste {ge} zijn", "less_than_equal": "mag ten hoogste {le} zijn",
    "greater_than": "moet groter zijn dan {gt}", "less_than": "moet kleiner zijn dan {lt}",
    "enum": "moet een van deze waarden zijn: {expected}", "literal_error": "moet een van deze waarden zijn: {expected}",
    "int_from_float": "moet een geheel getal zijn", "too_long": "heeft te veel waarden",
}


def validation_error_nl(errors: Sequence[Mapping[str, Any]]) -> str:
    """FastAPI's (pydantic's) validation errors in Dutch: "parameter 'jaar' mag ten hoogste 2100 zijn"."""
    parts = []
    for e in errors:
        where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
        ctx = {k: str(v).replace(" or ", " of ") for k, v in (e.get("ctx") or {}).items()}
        template = _VALIDATION.get(str(e.get("type", "")), "heeft een ongeldige waarde")
        try:
            what = template.format(**ctx)
        except (KeyError, IndexError):
            what = "heeft een ongeldige waarde"
        parts.append(f"parameter '{where}' {what}")
    return "Ongeldige parameter: " + "; ".join(parts)


HTTP_NL = {404: "Niet gevonden: deze pagina of dit object bestaat niet",
           405: "Methode niet toegestaan: deze pagina kan alleen gelezen worden",
           401: "Niet geautoriseerd: een geldig token is nodig", 403: "Geen toegang"}
