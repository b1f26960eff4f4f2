"""Error messages in Dutch for the dashboard and the API's 'fout' field: the library's errors (written in Dutch at
their source) with a Dutch label, FastAPI's validation errors translated by their type, HTTP errors by status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import DigibudgetError, NotFoundError, StoreError, UsageError

LABEL = {UsageError: "Ongeldige invoer", NotFoundError: "Niet gevonden", StoreError: "Databasefout"}


def library_error_nl(exc: DigibudgetError) -> str:
    """'Niet gevonden: geen bron 7 (verwacht: een bron-id uit /bronnen)'."""
    label = next((v for k, v in LABEL.items() if isinstance(exc, k)), "Fout")
    text = exc.message  # Dutch at its source, the web's own errors too (tests/test_cli_dutch.py scans them all)
    if exc.expected:
        text += f" (verwacht: {exc.expected})"
    return f"{label}: {text}"


_VALIDATION = {
    "missing": "ontbreekt", "int_parsing": "moet een geheel getal zijn", "float_parsing": "moet een getal zijn",
    "bool_parsing": "moet ja of nee zijn (true/false)", "string_pattern_mismatch": "heeft niet de juiste vorm",
    "string_too_long": "is te lang (ten hoogste {max_length} tekens)", "string_too_short": "is te kort",
    "greater_than_equal": "moet ten minste {ge} zijn", "less_than_equal": "mag ten hoogste {le} zijn",
    "greater_than": "moet groter zijn dan {gt}", "less_than": "moet kleiner zijn dan {lt}",
    "enum": "moet een van deze waarden zijn: {expected}", "literal_error": "moet een van deze waarden zijn: {expected}",
    "int_from_float": "moet een geheel getal zijn", "too_long": "heeft te veel waarden",
    "extra_forbidden": "bestaat hier niet (verwacht: {known})",
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
