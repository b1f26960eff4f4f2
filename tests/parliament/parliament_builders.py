"""Build .docx and .pdf test documents from the seed's real text (no real .docx/.pdf of it is public here).

The docx has a letterhead table before the first question, a PAGE field code, real Word tables for the seed's
tab-indented tables and a real footnotes part (word/footnotes.xml) with w:footnoteReference runs.
The PDF has a running header, page numbers, footnotes at the foot of each page and footnote numbers glued to the
word that references them, like a typeset Kamerstuk.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "parliament"
SEED = FIXTURES / "seed_2026A02691.txt"

_REF = re.compile(r"\[footnoteRef:(\d+)\]")
_BODY = re.compile(r"\[(\d+):\s+((?:[^\[\]]|\[[^\]]*\])*)\]")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def seed_blocks(text: str) -> tuple[list[tuple[str, object]], dict[str, str]]:
    """The seed as ('p', text-with-{{N}}-markers) and ('table', rows) blocks, plus footnote texts."""
    notes = {m.group(1): " ".join(m.group(2).split()) for m in _BODY.finditer(text)}
    text = _BODY.sub("", _BOOKMARK.sub("", text))
    text = _REF.sub(lambda m: "{{" + m.group(1) + "}}", text)
    blocks: list[tuple[str, object]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("\t") and _table_ahead(lines, i):
            rows: list[list[str]] = [[]]
            while i < len(lines) and (lines[i].startswith("\t") or not lines[i].strip()):
                if lines[i].startswith("\t"):
                    rows[-1].append(lines[i][1:].strip())
                elif rows[-1]:
                    rows.append([])
                i += 1
            blocks.append(("table", [r for r in rows if r]))
            continue
        blocks.append(("p", lines[i]))
        i += 1
    return blocks, notes


def _table_ahead(lines: list[str], i: int) -> bool:
    j = i
    while j < len(lines) and (lines[j].startswith("\t") or not lines[j].strip()):
        if re.fullmatch(r"\t[\d.]+\s*", lines[j]):
            return True
        j += 1
    return False


def build_docx(path: Path) -> Path:
    """Write the seed as a .docx with letterhead, a field code, tables and a footnotes part."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement

    blocks, notes = seed_blocks(SEED.read_text(encoding="utf-8"))
    document = docx.Document()
    letterhead = document.add_table(rows=2, cols=2)
    letterhead.cell(0, 0).text = "Directoraat-generaal Economie en Digitalisering"
    letterhead.cell(0, 1).text = "Datum"
    letterhead.cell(1, 0).text = "Bezoekadres Bezuidenhoutseweg 73"
    letterhead.cell(1, 1).text = "Ons kenmerk 2026A02691"
    used_notes: list[str] = []
    for kind, content in blocks:
        if kind == "table":
            rows = content
            assert isinstance(rows, list)
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for r, cells in enumerate(rows):
                for c, value in enumerate(cells):
                    table.cell(r, c).text = value
            continue
        assert isinstance(content, str)
        paragraph = document.add_paragraph()
        for piece in re.split(r"(\{\{\d+\}\})", content):
            m = re.fullmatch(r"\{\{(\d+)\}\}", piece)
            if m is None:
                if piece:
                    paragraph.add_run(piece)
                continue
            used_notes.append(m.group(1))
            run = paragraph.add_run()
            ref = OxmlElement("w:footnoteReference")
            ref.set(qn("w:id"), m.group(1))
            run._r.append(ref)
    # a field code: PAGE, whose instruction must not appear in the text, whose result ('3') is kept in a footer-like
    # paragraph of the front matter
    field_paragraph = document.paragraphs[0]
    run = field_paragraph.add_run()
    for kind, value in (("begin", None), ("instr", " PAGE \\* MERGEFORMAT "), ("separate", None)):
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.text = value
            run._r.append(instr)
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
    result = field_paragraph.add_run(" 1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    result._r.append(end)
    xml = [f'<w:footnotes xmlns:w="{W_NS}">',
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
           "</w:footnote>"]
    for n in used_notes:
        body = notes[n].replace("&", "&amp;").replace("<", "&lt;")
        xml.append(f'<w:footnote w:id="{n}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> '
                   f"{body}</w:t></w:r></w:p></w:footnote>")
    xml.append("</w:footnotes>")
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                "".join(xml).encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    document.save(str(path))
    return path


def _pdf_escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def write_pdf(pages: list[list[str]], path: Path) -> Path:
    """A minimal PDF (Helvetica, WinAnsiEncoding), one text line per entry, top to bottom."""
    objects: list[bytes] = []
    font_id = 3
    page_ids: list[int] = []
    contents: list[bytes] = []
    for lines in pages:
        ops = [b"BT /F1 8 Tf 10 TL 40 800 Td"]
        for line in lines:
            ops.append(b"(" + _pdf_escape(line) + b") Tj T*")
        ops.append(b"ET")
        contents.append(b"\n".join(ops))
    n_pages = len(pages)
    # object numbering: 1 catalog, 2 pages, 3 font, then (page, content) pairs
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{4 + 2 * k} 0 R" for k in range(n_pages)).encode()
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(n_pages).encode() + b" >>")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    for k, stream in enumerate(contents):
        page_id, content_id = 4 + 2 * k, 5 + 2 * k
        page_ids.append(page_id)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 "
                       f"{font_id} 0 R >> >> /Contents {content_id} 0 R >>".encode())
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    path.write_bytes(out.getvalue())
    return path


def _wrap(text: str, width: int = 110) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines or [""]


def build_pdf(path: Path, lines_per_page: int = 60) -> Path:
    """Typeset the seed: wrapped paragraphs, one table row per line, footnotes at the foot of their page."""
    blocks, notes = seed_blocks(SEED.read_text(encoding="utf-8"))
    flow: list[tuple[str, list[str]]] = []  # (line, footnote numbers referenced on it)
    for kind, content in blocks:
        if kind == "table":
            assert isinstance(content, list)
            flow.extend((" ".join(c for c in row if c), []) for row in content)
            continue
        assert isinstance(content, str)
        if not content.strip():
            continue
        for line in _wrap(content):
            refs = re.findall(r"\{\{(\d+)\}\}", line)
            flow.append((re.sub(r"\s*\{\{(\d+)\}\}", r"\1", line), refs))
    pages: list[list[str]] = []
    body: list[str] = []
    foot: list[str] = []
    for line, refs in flow:
        note_lines = [f"{n} {notes[n]}" for n in refs]
        if len(body) + len(foot) + len(note_lines) + 3 > lines_per_page:
            pages.append(body + [""] * (lines_per_page - len(body) - len(foot) - 2) + foot)
            body, foot = [], []
        if not body:
            body.append("2026A02691")
        body.append(line)
        foot.extend(note_lines)
    pages.append(body + foot)
    for k, page in enumerate(pages, start=1):
        page.append(f"Pagina {k} van {len(pages)}")
    return write_pdf(pages, path)
