"""The types of a change between budget moments, the evidence that can give a type, and the confidence each
kind of evidence gives (documented in docs/mutations.md). Declared once: the build, the web enum, the methodology
page and the reviewed decisions use these."""

from __future__ import annotations

from ..vocab import SOORT_GROUPS, SOORTEN, UNEXPLAINED  # the types themselves are vocabulary

__all__ = ["CONFIDENCE", "EVIDENCE_KINDS", "LABELS", "SOORTEN", "SOORT_GROUPS", "UNEXPLAINED"]
# the evidence behind a type, with the confidence it gives (the scale is documented in docs/mutations.md)
EVIDENCE_KINDS = {
    "review": "beoordeeld: een vastgelegde beslissing van een gebruiker",
    "label": "het label van een benoemde mutatieregel in de bron ('Kasschuif', 'Overboeking ...')",
    "kolom": "de soort van de bronkolom ('Mutaties via ISB, NvW, moties en amendementen')",
    "kasschuifprofiel": "dezelfde regel, hetzelfde moment: mutaties over jaren die samen nul zijn",
    "tegenboeking": "een even grote tegengestelde mutatie op een andere regel, zelfde moment en jaar",
    "realisatie": "realisatie min laatste stand: onder- of overuitputting, geen besluit",
    "nieuw_jaar": "een jaar buiten de vorige raming: de hele nieuwe raming, geen wijziging",
    "restverschil": "wat de standen meer bewogen dan de gepubliceerde mutaties: onverklaard",
    "geen": "geen onderbouwing gevonden: onverklaard",
}
CONFIDENCE = {"review": 1.0, "label": 0.9, "realisatie": 0.9, "tegenboeking": 0.8, "kasschuifprofiel": 0.8,
              "kolom": 0.6, "tegenboeking_eenzijdig": 0.6, "nieuw_jaar": 0.5, "tegenboeking_meerdere": 0.4,
              "restverschil": 0.0, "geen": 0.0}
_KIND_CONFIDENCE = "CASE {kind} " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in CONFIDENCE.items()) + " END"

# label of a named mutation -> type; first match wins (a 'loon- en prijsbijstelling' overboeking is indexation)
LABELS: tuple[tuple[str, str], ...] = (
    (r"loon- ?en prijs|loonbijstelling|prijsbijstelling|\blpo\b", "loon- en prijsbijstelling"),
    (r"kasschui", "kasschuif"),
    (r"overboek", "overboeking"),
    (r"taakstell|korting|ombuig|bezuinig", "taakstelling"),
    (r"desalder", "nieuwe middelen"),
)
