"""Draft answers as Markdown (standard output), HTML (self-contained) and .docx (what ministries work in): one
section per question headed 'Vraag N' as in the source document, after a table of questions, status and analysis."""

from __future__ import annotations

import html
import io

from .draft import Draft

INTRO = ("Concept, gemaakt door digibudget uit de geladen begrotingstabellen. Elk bedrag staat in euro's met zijn "
         "begrotingsmoment en broncel (bestand, rij, kolom); een mutatie zonder bewijs voor haar soort heet "
         "onverklaard. Controleer elk concept voor gebruik.")


def _agreement(d: Draft) -> str:
    if not d.published:
        return "-"
    return f"{len(d.matched)} van {len(d.published)}"


def overview_rows(drafts: list[Draft]) -> list[tuple[str, str, str, str]]:
    return [(d.number, d.status, d.rule.label, _agreement(d)) for d in drafts]


def to_markdown(drafts: list[Draft], title: str) -> str:
    out = [f"# Conceptantwoorden: {title}", "", INTRO, "",
           "| vraag | status | analyse | gepubliceerde bedragen ook in concept |", "|---|---|---|---|"]
    out += [f"| {n} | {s} | {a} | {g} |" for n, s, a, g in overview_rows(drafts)]
    for d in drafts:
        out += ["", f"## Vraag {d.number}", "", "> " + " ".join(d.question.split()), "", "**Concept-antwoord**", ""]
        out += [p.replace("\n", " ") for p in d.paragraphs for p in (p, "")][:-1] if d.paragraphs else ["-"]
        out += ["", f"*Analyse: {d.rule.label} (regel `{d.rule.id}`: {d.evidence}). Status: {d.status}.*"]
        if d.published:
            out += ["", f"*Gepubliceerd antwoord: {', '.join(r for r, _ in d.published)}; {d.remark}.*"]
    return "\n".join(out) + "\n"


def to_html(drafts: list[Draft], title: str) -> str:
    e = html.escape
    rows = "".join(f"<tr><th scope='row'><a href='#vraag-{e(n)}'>{e(n)}</a></th><td>{e(s)}</td><td>{e(a)}</td>"
                   f"<td>{e(g)}</td></tr>" for n, s, a, g in overview_rows(drafts))
    parts = [f"<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>{e(title)}</title>"
             "<style>body{font-family:sans-serif;max-width:60rem;margin:1rem auto;line-height:1.5}"
             "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2rem .4rem;text-align:left}"
             "blockquote{color:#333;border-left:3px solid #999;margin-left:0;padding-left:1rem}"
             ".muted{color:#555}</style></head><body>",
             f"<h1>Conceptantwoorden: {e(title)}</h1><p>{e(INTRO)}</p>",
             "<table><thead><tr><th scope='col'>vraag</th><th scope='col'>status</th><th scope='col'>analyse</th>"
             f"<th scope='col'>gepubliceerde bedragen ook in concept</th></tr></thead><tbody>{rows}</tbody></table>"]
    for d in drafts:
        parts.append(f"<section id='vraag-{e(d.number)}'><h2>Vraag {e(d.number)}</h2>"
                     f"<blockquote>{e(d.question)}</blockquote><h3>Concept-antwoord</h3>")
        parts += [f"<p>{e(p)}</p>" for p in d.paragraphs]
        parts.append(f"<p class='muted'>Analyse: {e(d.rule.label)} (regel {e(d.rule.id)}: {e(d.evidence)}). "
                     f"Status: {e(d.status)}.</p>")
        if d.published:
            parts.append(f"<p class='muted'>Gepubliceerd antwoord: {e(', '.join(r for r, _ in d.published))}; "
                         f"{e(d.remark)}.</p>")
        parts.append("</section>")
    return "".join(parts) + "</body></html>\n"


def to_docx(drafts: list[Draft], title: str) -> bytes:
    from docx import Document as DocxDocument

    doc = DocxDocument()
    doc.core_properties.language = "nl-NL"
    doc.add_heading(f"Conceptantwoorden: {title}", level=1)
    doc.add_paragraph(INTRO)
    table = doc.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, ("vraag", "status", "analyse", "bedragen ook in concept"),
                          strict=True):
        cell.text = text
    for row in overview_rows(drafts):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    for d in drafts:
        doc.add_heading(f"Vraag {d.number}", level=2)
        doc.add_paragraph(" ".join(d.question.split()), style="Intense Quote")
        for p in d.paragraphs:
            doc.add_paragraph(p)
        note = doc.add_paragraph()
        note.add_run(f"Analyse: {d.rule.label} (regel {d.rule.id}: {d.evidence}). Status: {d.status}.").italic = True
        if d.published:
            doc.add_paragraph().add_run(f"Gepubliceerd antwoord: {', '.join(r for r, _ in d.published)}; "
                                        f"{d.remark}.").italic = True
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def agreement_report(drafts: list[Draft], title: str) -> str:
    """Per question: the analysis chosen, the figures of the published answer and whether the draft states them, and
    why not where it does not (the measurement of issue 14 on a document with answers)."""
    answered = [d for d in drafts if d.published]
    equal = sum(1 for d in answered if len(d.matched) == len(d.published))
    out = [f"## {title}", "",
           f"{len(drafts)} vragen; {sum(1 for d in drafts if d.status == 'concept met cijfers')} concepten met "
           f"cijfers, {sum(1 for d in drafts if d.status == 'niet uit de data te beantwoorden')} niet uit de data "
           f"te beantwoorden; {len(answered)} gepubliceerde antwoorden noemen bedragen, in {equal} daarvan noemt "
           f"het concept dezelfde bedragen.", "",
           "| vraag | analyse (regel) | status | bedragen in het gepubliceerde antwoord | ook in concept "
           "| waarom niet |",
           "|---|---|---|---|---|---|"]
    for d in drafts:
        pub = ", ".join(r for r, _ in d.published) or "-"
        why = d.remark if d.published and len(d.matched) < len(d.published) else ""
        out.append(f"| {d.number} | {d.rule.label} (`{d.rule.id}`) | {d.status} | {pub} | "
                   f"{_agreement(d)} | {why} |")
    return "\n".join(out) + "\n"
