"""Bounds on what a parliamentary document may cost to parse (settings max_document_mb, max_paragraphs).

A real question-and-answer document is tens of pages; a .docx is a ZIP archive, so a file of under a megabyte can
unpack to hundreds of megabytes of XML. Sizes are checked before anything is parsed: the file, and for a .docx the
unpacked size of its parts as the archive declares them (and as they are read); paragraphs are counted before the
lines of a document are built.
"""

from __future__ import annotations

import io
import zipfile

from ..errors import DocumentError, Location
from ..settings import load_settings

MB = 1 << 20


def max_bytes() -> int:
    return int(load_settings()["max_document_mb"]) * MB


def max_paragraphs() -> int:
    return int(load_settings()["max_paragraphs"])


def check_size(size: int, path: str | None, what: str = "het document") -> None:
    limit = max_bytes()
    if size > limit:
        mb = f"{size / MB:.1f}".replace(".", ",")
        raise DocumentError(f"{what} is {mb} MB, meer dan {limit // MB} MB (instelling max_document_mb)",
                            location=Location(path),
                            expected="een document met vragen en antwoorden; verhoog max_document_mb voor een groter")


def check_docx(data: bytes, path: str | None) -> None:
    """The unpacked size of a .docx: the sum its archive declares for its parts, and the bytes of its main part
    as they really unpack (read in chunks, stopping at the limit: a declared size can lie)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return  # the reader names the problem
    with archive:
        check_size(sum(i.file_size for i in archive.infolist()), path, "de uitgepakte .docx")
        if "word/document.xml" not in archive.namelist():
            return
        limit, total = max_bytes(), 0
        try:
            with archive.open("word/document.xml") as part:
                while chunk := part.read(MB):
                    total += len(chunk)
                    if total > limit:
                        check_size(total, path, "de uitgepakte .docx")
        except (zipfile.BadZipFile, OSError, EOFError):
            return  # the reader names the problem


def check_paragraphs(count: int, path: str | None) -> None:
    limit = max_paragraphs()
    if count > limit:
        raise DocumentError(f"het document heeft meer dan {limit} alinea's (instelling max_paragraphs)",
                            location=Location(path), expected="een document met vragen en antwoorden; verhoog "
                                                              "max_paragraphs voor een groter")
