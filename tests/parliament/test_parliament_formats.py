"""Other formats (.docx, .pdf, KOOP .xml), real excerpts of other documents, heading variants and errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from parliament_builders import FIXTURES, SEED, build_docx, build_pdf, write_pdf

from digibudget.errors import DocumentError
from digibudget.parliament import Document, Status, parse_bytes, parse_file, parse_text


@pytest.fixture(scope="module")
def seed() -> Document:
    return parse_file(SEED)


def _summary(doc: Document) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for q in doc.questions:
        answer = doc.answer_for(q.number)
        assert answer is not None
        out.append((q.number, q.status, q.data_view, tuple(a.value for a in q.extraction.amounts),
                    tuple(a.value for a in answer.extraction.amounts), answer.footnote_refs,
                    tuple(c.key for c in answer.extraction.citations)))
    return out


def _reconciliation(doc: Document) -> list[tuple[str, object]]:
    return [(f.code, f.figures.get("computed", f.figures.get("detail_sum"))) for f in doc.findings]


@pytest.mark.parametrize("build", [build_docx, build_pdf], ids=["docx", "pdf"])
def test_docx_and_pdf_of_the_seed_parse_like_the_text(build: object, seed: Document, tmp_path: Path) -> None:
    assert callable(build)
    path = build(tmp_path / ("seed.docx" if build is build_docx else "seed.pdf"))
    doc = parse_file(path)
    assert doc.format in ("docx", "pdf")
    assert _summary(doc) == _summary(seed)
    assert [(f.n, f.text) for f in doc.footnotes] == [(f.n, " ".join(f.text.split())) for f in seed.footnotes]
    assert _reconciliation(doc) == _reconciliation(seed)


def test_docx_skips_letterhead_and_field_codes(tmp_path: Path) -> None:
    doc = parse_file(build_docx(tmp_path / "seed.docx"))
    assert "Bezoekadres" not in doc.front_matter and "kenmerk" not in doc.front_matter
    assert "PAGE" not in doc.front_matter and "MERGEFORMAT" not in doc.front_matter
    assert doc.front_matter.startswith("Geachte Voorzitter, 1")  # the field's result is kept
    assert [len(t.rows) for t in doc.tables] == [31, 4, 4]  # the builder writes Q9 as one Word table


def test_pdf_glued_footnote_numbers_are_cut_off(tmp_path: Path) -> None:
    doc = parse_file(build_pdf(tmp_path / "seed.pdf"))
    a12 = doc.answer_for("12")
    assert a12 is not None and a12.footnote_refs == ("4",)
    assert "(GL-PvdA)." in " ".join(a12.text.split()) and "(GL-PvdA)4" not in a12.text
    assert "Pagina" not in " ".join(a.text for a in doc.answers)


def test_koop_xml() -> None:
    doc = parse_file(FIXTURES / "koop_from_seed_q11_q12.xml")
    assert doc.format == "xml" and [q.number for q in doc.questions] == ["11", "12"]
    assert doc.question("12").heading == "Vraag 12"
    a12 = doc.answer_for("12")
    assert a12 is not None and a12.heading == "Antwoord 12" and a12.footnote_refs == ("4",)
    assert [(c.key, c.via_footnote) for c in a12.extraction.citations] == [("kst-36740-VII-35", "4")]
    assert [a.value for a in a12.extraction.amounts] == [Decimal(1_300_000), Decimal(1_700_000), Decimal(400_000),
                                                          Decimal(10_000)]
    assert [f.figures.get("detail_sum") for f in doc.findings if f.code == "document-table-total-agrees"] == [
        Decimal(155409), Decimal(28845)]
    assert doc.question("11").partly_deferred


def test_koop_xml_questions_numbered_in_paragraphs() -> None:
    xml = ("<officiele-publicatie><kamervragen><vraag><al>Vraag 1</al><al>Is er budget voor X?</al></vraag>"
           "<antwoord><al>Antwoord 1</al><al>Ja, € 2,5 mln. per jaar.</al></antwoord></kamervragen>"
           "</officiele-publicatie>").encode()
    doc = parse_bytes(xml, path="ah-tk.xml")
    assert [q.number for q in doc.questions] == ["1"]
    assert doc.question("1").text == "Is er budget voor X?"
    assert [a.value for a in doc.answer_for("1").extraction.amounts] == [Decimal(2_500_000)]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "heading", "status", "amounts", "citations"),
    [
        ("kst-36120-VI-3_excerpt.txt", "Vraag (1):", Status.ANSWERED_WITHOUT_FIGURES, [], []),
        ("kst-36600-VII-58_excerpt.txt", "1.", Status.ANSWERED_WITHOUT_FIGURES, [], ["kst-32761-277"]),
        ("ah-tk-2025D04328_excerpt.txt", "Vraag 1", Status.ANSWERED_WITH_FIGURES, [Decimal(1_000_000_000)], []),
        ("kst-34475-VII-6_excerpt.txt", "1", Status.ANSWERED_WITHOUT_FIGURES, [], []),
    ],
)
def test_real_excerpts(name: str, heading: str, status: Status, amounts: list[Decimal], citations: list[str]) -> None:
    doc = parse_file(FIXTURES / name)
    assert [q.number for q in doc.questions] == ["1"]
    q = doc.question("1")
    answer = doc.answer_for("1")
    assert q.heading == heading and answer is not None
    assert q.text.rstrip().endswith("?")
    assert q.status is status
    assert [a.value for a in answer.extraction.amounts] == amounts
    assert [c.key for c in q.extraction.citations] == citations
    assert "Antwoord" not in q.text


def test_real_excerpt_inline_answer_and_approximate_amount() -> None:
    doc = parse_file(FIXTURES / "kst-34475-VII-6_excerpt.txt")
    assert doc.answer_for("1").text.startswith("Tijdens het bestuurlijke overleg")  # type: ignore[union-attr]
    erkens = parse_file(FIXTURES / "ah-tk-2025D04328_excerpt.txt")
    (amount,) = erkens.answer_for("1").extraction.amounts  # type: ignore[union-attr]
    assert amount.approximate and amount.qualifiers == ("structureel",)
    assert erkens.answer_for("1").heading == "Antwoord 1"  # type: ignore[union-attr]
    # 'Antwoord van Minister Uitermark ...' in the front matter is not an answer heading
    assert "Antwoord van Minister Uitermark" in erkens.front_matter


def test_real_excerpt_question_label_and_missing_answer() -> None:
    doc = parse_file(FIXTURES / "kst-36850-VII-3_excerpt.txt")
    q = doc.question("1")
    assert q.heading == "Vraag 1:\nVraag:" and q.text.startswith("Welke concrete stappen")
    assert q.status is Status.UNANSWERED
    assert [f.code for f in doc.findings] == ["document-unanswered-question"]


def test_grouped_and_non_adjacent_answers() -> None:
    text = "\n".join([
        "Vraag 7", "Hoeveel kost X?", "", "Vraag 8", "Hoeveel kost Y?", "", "Vraag 9 ", "Wie betaalt Z?", "",
        "Antwoord op vragen 7, 8, en 9", "X en Y kosten samen € 1,5 mln.", "",
        "Vraag 10 en 11", "Wat doet Logius? Wat doet RvIG?", "", "Antwoord", "Zie antwoord vraag 8.",
        "", "Vraag 12a", "Deel a?", "", "Vraag 12b", "Deel b?", "", "Antwoord 12a", "Alleen a.",
        "", "Antwoord 12b", "Alleen b, vóór de zomer volgt meer; zie vraag 99.",
    ])
    doc = parse_text(text)
    assert [q.numbers for q in doc.questions] == [("7",), ("8",), ("9",), ("10", "11"), ("12a",), ("12b",)]
    a = doc.answer_for("8")
    assert a is not None and a.question_numbers == ("7", "8", "9") and a.heading == "Antwoord op vragen 7, 8, en 9"
    assert doc.question("7").grouped_with == ("8", "9")
    assert doc.question("10").status is Status.ANSWERED_WITH_FIGURES  # 'Zie antwoord vraag 8' → figures there
    assert doc.answer_for("12a").text == "Alleen a."  # type: ignore[union-attr]
    assert doc.question("12b").status is Status.ANSWERED_WITHOUT_FIGURES
    assert [f.code for f in doc.findings] == ["document-unknown-cross-reference"]


def test_answer_without_heading_and_deferral_through_cross_reference() -> None:
    text = "\n".join([
        "Vraag 1", "Komt er een brief?", "", "Die volgt voor de zomer.", "",
        "Vraag 2", "En over Y?", "", "Antwoord", "Zie antwoord vraag 1.",
    ])
    doc = parse_text(text)
    assert doc.question("1").text == "Komt er een brief?"
    answer = doc.answer_for("1")
    assert answer is not None and answer.heading is None and answer.text == "Die volgt voor de zomer."
    assert doc.question("1").status is Status.DEFERRED
    assert doc.question("2").status is Status.DEFERRED


def test_other_citation_variants() -> None:
    doc = parse_text("Vraag 1\nZie Kamerstukken II 2022/23, 29628, nr. 1139 en dossier 29 628?\n\nAntwoord\nJa.")
    cites = doc.question("1").extraction.citations
    assert [(c.key, c.year) for c in cites] == [("kst-29628-1139", "2022/23"), ("29628", None)]


def test_errors(tmp_path: Path) -> None:
    fake = tmp_path / "antwoorden.docx"
    fake.write_bytes(write_pdf([["Vraag 1"]], tmp_path / "x.pdf").read_bytes())
    with pytest.raises(DocumentError, match="de bestandsnaam zegt docx, maar de inhoud is pdf") as err:
        parse_file(fake)
    assert err.value.exit_code == 7 and err.value.location is not None
    empty = tmp_path / "leeg.txt"
    empty.write_bytes(b"  \n")
    with pytest.raises(DocumentError, match="leeg"):
        parse_file(empty)
    broken = tmp_path / "kapot.docx"
    broken.write_bytes(b"PK\x03\x04 this is no zip")
    with pytest.raises(DocumentError, match="docx"):
        parse_file(broken)
    with pytest.raises(DocumentError, match="XML"):
        parse_bytes(b"<vraag><al>open", path="x.xml")
    with pytest.raises(DocumentError, match="geen tekstlaag"):
        parse_file(write_pdf([[]], tmp_path / "scan.pdf"))
    with pytest.raises(DocumentError, match="kan het bestand niet lezen"):
        parse_file(tmp_path / "missing.txt")


def test_text_without_questions_is_a_finding_not_an_error() -> None:
    doc = parse_text("Geachte Voorzitter,\nHierbij een brief zonder vragen.")
    assert doc.questions == [] and [f.code for f in doc.findings] == ["document-no-questions"]
