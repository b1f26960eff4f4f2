"""'Wat is er veranderd' as text people read: Markdown (CLI, reports) and an Atom feed (RFC 4287) per selection.

Both render an analyze.changes.ChangeReport; figures are written the Dutch way (1.234.567) with their unit, and
every row keeps its line and source cell.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from urllib.parse import quote, urlencode

from lxml import etree

from .analyze.changes import ChangeReport, Selection, moment_text
from .queries import Result
from .vocab import nl_amount

ATOM = "http://www.w3.org/2005/Atom"
_SHOWN = {"regel", "regel_van", "hoofdstuk", "artikel", "instrument", "regeling", "omschrijving_van",
          "omschrijving_naar", "vuo", "moment", "jaar", "bedrag", "soort", "bewijs", "zekerheid", "onderbouwing",
          "bron", "rij", "kolom", "hoofdstuk_van", "artikel_van", "hoofdstuk_naar", "artikel_naar", "laatst_van",
          "eerst_naar", "basis", "relatie", "gevolgd", "categorie", "pct_van", "pct_naar", "code", "ernst",
          "melding"}
_NUMERIC = {"bedrag", "zekerheid", "pct_van", "pct_naar"}


def _cell(col: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    text = nl_amount(value) if col in _NUMERIC else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def section_markdown(result: Result) -> str:
    cols = [c for c in result.columns if c in _SHOWN]
    lines = [f"## {result.title}", ""]
    if not result.rows:
        return "\n".join([*lines, "Geen.", ""])
    idx = [result.columns.index(c) for c in cols]
    lines.append("| " + " | ".join(c.replace("_", " ") for c in cols) + " |")
    lines.append("|" + "|".join("---:" if c in _NUMERIC else "---" for c in cols) + "|")
    for row in result.rows:
        lines.append("| " + " | ".join(_cell(c, row[i]) for c, i in zip(cols, idx, strict=True)) + " |")
    return "\n".join([*lines, ""])


def to_markdown(report: ChangeReport) -> str:
    head = [f"# {report.title}", "",
            "Bedragen x € 1.000. Mutaties zonder bewijs voor hun soort heten 'onverklaard'. Regelnummers leiden naar "
            "de regelpagina (`digibudget explain REGEL`), bron, rij en kolom naar de broncel.", ""]
    return "\n".join(head + [section_markdown(s) for s in report.sections])


def selection_query(sel: Selection) -> str:
    """The query string of a feed or page for a selection (the same parameters as the dashboard's filters)."""
    params: list[tuple[str, str]] = [("thema", t) for t in sel.themes]
    params += [("hoofdstuk", h) for h in sel.hoofdstukken]
    if sel.artikel:
        params.append(("artikel", sel.artikel))
    if sel.uitvoerder:
        params.append(("uitvoerder", sel.uitvoerder))
    return urlencode(params)


def _summary(report: ChangeReport) -> str:
    counts = ", ".join(f"{s.title.split(' (')[0].lower()}: {len(s.rows)}" for s in report.sections)
    biggest = report.section("Grootste mutaties")
    top = ""
    if biggest.rows:
        r = dict(zip(biggest.columns, biggest.rows[0], strict=True))
        what = r["regeling"] or r["instrument"] or ""
        top = (f" Grootste mutatie: {r['hoofdstuk']} art. {r['artikel'] or '-'} {what} "
               f"{nl_amount(r['bedrag'])} (x € 1.000, {r['soort']}, jaar {r['jaar']}).")
    return f"{counts}.{top}"


def _utc(when: dt.datetime) -> dt.datetime:
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when  # the store keeps UTC without a zone


def to_atom(reports: list[tuple[ChangeReport, dt.datetime]], selection: Selection, base_url: str) -> bytes:
    """An Atom feed with one entry per loaded moment (its changes against the moment before it), newest first."""
    reports = [(r, _utc(when)) for r, when in reports]
    query = selection_query(selection)
    self_url = f"{base_url}/feed.atom" + (f"?{query}" if query else "")
    feed_id = "urn:digibudget:veranderingen:" + hashlib.sha256(query.encode()).hexdigest()[:16]
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "nl")
    etree.SubElement(root, f"{{{ATOM}}}id").text = feed_id
    etree.SubElement(root, f"{{{ATOM}}}title").text = f"digibudget: wat is er veranderd ({selection.label()})"
    newest = max((when for _, when in reports), default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    etree.SubElement(root, f"{{{ATOM}}}updated").text = newest.isoformat()
    author = etree.SubElement(root, f"{{{ATOM}}}author")
    etree.SubElement(author, f"{{{ATOM}}}name").text = "digibudget"
    etree.SubElement(root, f"{{{ATOM}}}link", rel="self", href=self_url, type="application/atom+xml")
    etree.SubElement(root, f"{{{ATOM}}}generator").text = "digibudget"
    for report, when in sorted(reports, key=lambda x: x[1], reverse=True):
        entry = etree.SubElement(root, f"{{{ATOM}}}entry")
        moment = f"{report.naar[0]}-{report.naar[1]}"
        etree.SubElement(entry, f"{{{ATOM}}}id").text = f"{feed_id}:{moment}:{report.van[0]}-{report.van[1]}"
        etree.SubElement(entry, f"{{{ATOM}}}title").text = (
            f"{moment_text(report.naar)}: veranderingen sinds {moment_text(report.van)}")
        etree.SubElement(entry, f"{{{ATOM}}}updated").text = when.isoformat()
        page = (f"{base_url}/veranderingen?van={quote(f'{report.van[0]}-{report.van[1]}')}"
                f"&naar={quote(moment)}" + (f"&{query}" if query else ""))
        etree.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=page, type="text/html")
        etree.SubElement(entry, f"{{{ATOM}}}summary").text = _summary(report)
        content = etree.SubElement(entry, f"{{{ATOM}}}content", type="text")
        content.text = to_markdown(report)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))
