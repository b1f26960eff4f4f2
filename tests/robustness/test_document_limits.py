"""Bounded memory on documents (issue 18, failure 6): a small .docx that unpacks to hundreds of MB, a flood of
paragraphs and a huge text file are refused by size and paragraph limits (settings max_document_mb,
max_paragraphs) before they are parsed. `docs parse` runs in a child process; the test asserts on its peak memory.
Default sizes are smaller and built the same way; DIGIBUDGET_SLOW=1 runs the issue's 225 MB / 3 M paragraphs."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
from robustness_helpers import run_measured

LIMIT_MB = 1536
SLOW = os.environ.get("DIGIBUDGET_SLOW") == "1"
_PARAGRAPH = "<w:p><w:r><w:t>Vraag {i}: wat kost het programma aan ICT in 2025 en waarom?</w:t></w:r></w:p>"


def make_docx(path: Path, paragraphs: int, template: str = _PARAGRAPH) -> Path:
    """A real .docx (python-docx's own template) whose body holds ``paragraphs`` paragraphs, written in chunks."""
    import docx

    base = path.with_suffix(".base.docx")
    docx.Document().save(str(base))
    with zipfile.ZipFile(base) as src:
        xml = src.read("word/document.xml").decode("utf-8")
        head, _, rest = xml.partition("<w:body>")
        tail = rest[rest.index("<w:sectPr"):]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for item in src.infolist():
                if item.filename != "word/document.xml":
                    out.writestr(item, src.read(item.filename))
            with out.open("word/document.xml", "w", force_zip64=True) as fh:
                fh.write((head + "<w:body>").encode())
                for start in range(0, paragraphs, 10_000):
                    fh.write("".join(template.format(i=i % 10) for i in range(start, min(paragraphs, start + 10_000)))
                             .encode())
                fh.write(tail.encode())
    base.unlink()
    return path


def _parse(tmp_path: Path, path: Path) -> tuple[int, str]:
    code, peak, out = run_measured(["docs", "parse", str(path), "--format", "json"], tmp_path)
    print(f"\n{path.name} ({path.stat().st_size / 2**20:.1f} MB): exit {code}, peak {peak:.0f} MB")
    assert peak < LIMIT_MB, f"{path.name}: peak {peak:.0f} MB"
    assert "Traceback" not in out, out[-2000:]
    return code, out


def test_a_docx_that_unpacks_to_hundreds_of_mb_is_refused(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "bom.docx", 3_000_000 if SLOW else 400_000)  # 225 MB or 30 MB of XML
    assert path.stat().st_size < 2 * 2**20  # small on disk
    code, out = _parse(tmp_path, path)
    assert code == 7 and "max_document_mb" in out and "uitgepakte" in out, out[-500:]


def test_a_flood_of_paragraphs_is_refused(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "flood.docx", 250_000, "<w:p/>")  # 1.5 MB of XML, within the size limit
    code, out = _parse(tmp_path, path)
    assert code == 7 and "max_paragraphs" in out, out[-500:]


def test_a_huge_text_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("w", encoding="utf-8") as fh:
        for _ in range(300 if not SLOW else 3000):
            fh.write("Vraag 1\nWat kost het?\n" * 1000)
    code, out = _parse(tmp_path, path)
    assert code == 7 and ("max_paragraphs" in out or "max_document_mb" in out), out[-500:]


@pytest.mark.parametrize("paragraphs", [20_000])
def test_a_large_docx_within_the_limits_parses_within_bounded_memory(tmp_path: Path, paragraphs: int) -> None:
    path = make_docx(tmp_path / "large.docx", paragraphs)
    code, out = _parse(tmp_path, path)
    assert code == 0, out[-500:]
