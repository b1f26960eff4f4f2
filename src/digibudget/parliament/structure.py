"""Segment a document's lines into front matter, questions and answers.

Headings vary between documents: 'Vraag 22 ' (trailing space), 'Vraag (1):', 'Vraag 1 en 2', 'Vraag 2a', a bare
'1.' in numbered lists, 'Antwoord', 'Antwoord 1', 'Antwoord: <text>', 'Antwoord op vragen 7, 8, en 9'.
An answer without explicit numbers answers every question since the previous answer; an answer naming numbers
answers those, wherever they stand. A question followed directly by the next question, whose text has a
paragraph ending in '?' followed by more paragraphs, is read as a question with an answer without a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lines import Line

_NUM = r"\(?\d+[a-z]?\)?"
_NUMS = rf"{_NUM}(?:\s*(?:,\s*en|,|en|&|t/m|tot en met|-|–)\s*{_NUM})*"
_Q_HEAD = re.compile(
    rf"^\s*(?:Vraag|Vragen)\s*(?:nr\.?\s*)?(?P<nums>{_NUMS})\s*(?:[:.]\s*(?P<rest>\S.*)?)?$", re.IGNORECASE)
_Q_LABEL = re.compile(r"^\s*Vraag\s*:?\s*$", re.IGNORECASE)
_A_HEAD = re.compile(
    rf"^\s*Antwoord(?:en)?(?:\s+(?:op\s+)?(?:(?:de\s+)?vra(?:ag|gen)\s*)?(?:nr\.?\s*)?(?P<nums>{_NUMS}),?)?"
    r"\s*(?::\s*(?P<rest>.*))?$",
    re.IGNORECASE)
_BARE_NUM = re.compile(r"^\s*(?P<num>\d+[a-z]?)\s*[.)]?\s*$")


def parse_numbers(text: str) -> tuple[str, ...]:
    """'7, 8, en 9' → ('7', '8', '9'); '3 t/m 5' → ('3', '4', '5'); '(1)' → ('1',); '2a' → ('2a',)."""
    text = text.replace("(", " ").replace(")", " ")
    out: list[str] = []
    for m in re.finditer(r"(\d+[a-z]?)(?:\s*(?:t/m|tot en met|-|–)\s*(\d+)\b)?", text):
        first, last = m.group(1), m.group(2)
        if last is not None and first.isdigit() and int(last) > int(first) and int(last) - int(first) < 100:
            out.extend(str(n) for n in range(int(first), int(last) + 1))
        else:
            out.append(first)
            if last is not None:
                out.append(last)
    return tuple(dict.fromkeys(out))


@dataclass
class Block:
    """A question or an answer as found in the text."""

    kind: str  # "question" | "answer"
    heading: list[Line]
    lines: list[Line] = field(default_factory=list)
    numbers: tuple[str, ...] = ()
    explicit_numbers: bool = False

    @property
    def row(self) -> int | None:
        first = self.heading or self.lines
        return first[0].row if first else None


@dataclass
class Segmented:
    front_matter: list[Line]
    blocks: list[Block]


def _heading_line(line: Line, head_text: str, rest: str | None) -> tuple[Line, Line | None]:
    """Split 'Vraag 1: text' into a heading line and a body line."""
    if rest:
        return Line(head_text, line.row, ()), Line(rest, line.row, line.footnote_refs)
    return line, None


def _numeric_mode(lines: list[Line]) -> bool:
    return not any(_Q_HEAD.match(line.text) for line in lines)


def _is_bare_heading(lines: list[Line], i: int, expected: int) -> bool:
    m = _BARE_NUM.match(lines[i].text)
    if m is None or lines[i].text.startswith("\t"):
        return False
    digits = re.match(r"\d+", m.group("num"))
    if digits is None or int(digits.group(0)) not in (expected, expected - 1):
        return False
    if int(digits.group(0)) == expected - 1 and not m.group("num")[-1].isalpha():
        return False
    nxt = next((ln.text for ln in lines[i + 1:] if ln.text.strip()), "")
    return bool(nxt) and not _BARE_NUM.match(nxt) and not nxt.startswith("\t")


def segment(lines: list[Line]) -> Segmented:
    """Cut lines into front matter and question/answer blocks."""
    numeric = _numeric_mode(lines)
    front: list[Line] = []
    blocks: list[Block] = []
    expected = 1
    for i, line in enumerate(lines):
        current = blocks[-1] if blocks else None
        q = _Q_HEAD.match(line.text)
        if q is None and numeric and _is_bare_heading(lines, i, expected):
            nums = (_BARE_NUM.match(line.text) or q)
            assert nums is not None
            number = nums.group("num")
            blocks.append(Block("question", [line], numbers=(number,), explicit_numbers=True))
            digits = re.match(r"\d+", number)
            expected = int(digits.group(0)) + 1 if digits else expected
            continue
        if q is not None:
            numbers = parse_numbers(q.group("nums"))
            head, body = _heading_line(line, line.text[: q.start("rest")] if q.group("rest") else line.text,
                                       q.group("rest"))
            block = Block("question", [head], numbers=numbers, explicit_numbers=True)
            if body is not None:
                block.lines.append(body)
            blocks.append(block)
            digits = re.match(r"\d+", numbers[-1]) if numbers else None
            expected = int(digits.group(0)) + 1 if digits else expected
            continue
        a = _A_HEAD.match(line.text) if current is not None else None
        if a is not None:
            nums_text = a.group("nums")
            head, body = _heading_line(line, line.text[: a.start("rest")] if a.group("rest") else line.text,
                                       a.group("rest"))
            block = Block("answer", [head], numbers=parse_numbers(nums_text) if nums_text else (),
                          explicit_numbers=bool(nums_text))
            if body is not None:
                block.lines.append(body)
            blocks.append(block)
            continue
        if current is None:
            front.append(line)
        elif (current.kind == "question" and not any(ln.text.strip() for ln in current.lines)
              and _Q_LABEL.match(line.text)):
            current.heading.append(line)
        else:
            current.lines.append(line)
    return Segmented(front, _split_implicit_answers(blocks))


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    paras: list[list[Line]] = [[]]
    for line in lines:
        if line.text.strip():
            paras[-1].append(line)
        elif paras[-1]:
            paras.append([])
    return [p for p in paras if p]


def _split_implicit_answers(blocks: list[Block]) -> list[Block]:
    """A question directly followed by another question may hold its answer without an 'Antwoord' heading."""
    out: list[Block] = []
    for i, block in enumerate(blocks):
        out.append(block)
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if block.kind != "question" or (nxt is not None and nxt.kind == "answer"):
            continue
        paras = _paragraphs(block.lines)
        last_q = max((k for k, p in enumerate(paras) if p[-1].text.rstrip().endswith("?")), default=None)
        if last_q is None or last_q == len(paras) - 1:
            continue
        cut_row = paras[last_q + 1][0]
        cut = next(k for k, ln in enumerate(block.lines) if ln is cut_row)
        answer = Block("answer", [], lines=block.lines[cut:])
        block.lines = block.lines[:cut]
        out.append(answer)
    return out
