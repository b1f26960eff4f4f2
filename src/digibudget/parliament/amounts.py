"""Sums of money in Dutch prose, as exact euros.

Recognised: '€ 130.000', '€0', '5,7 mln. euro', 'circa € 64,3 mln.', '0,01 mln.', '1,2 mld.', '78 mln.'.
A number counts as money only with a euro sign, the word euro or a scale word (mln., miljoen, mld., miljard);
'22,78 fte', years and page numbers do not. Table unit notes ('x € 1.000') are not amounts; :func:`unit_multiplier`
reads them. Words around an amount that say how it recurs or when ('per jaar', 'structureel', 'tot 2028',
'vanaf 2027', 'in 2026') are kept as qualifiers.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .model import Amount

NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_APPROX = r"circa|ca\.|ongeveer|bijna|ruim|zo'n|zo’n|rond|om en nabij"
_SCALES: dict[str, Decimal] = {
    "mln": Decimal(1_000_000), "miljoen": Decimal(1_000_000),
    "mld": Decimal(1_000_000_000), "miljard": Decimal(1_000_000_000),
    "dzd": Decimal(1000), "duizend": Decimal(1000),
}
_AMOUNT = re.compile(
    rf"(?:(?P<approx>\b(?:{_APPROX}))\s+)?"
    r"(?P<euro1>€\s*|\bEUR\s+)?"
    rf"(?<![\d.,])(?P<num>{NUMBER})(?![\d])"
    r"(?:\s*(?P<scale>mln|miljoen|mld|miljard|dzd|duizend)\b\.?)?"
    r"(?:\s*(?P<euro2>euro\b|EUR\b))?",
    re.IGNORECASE,
)
_UNIT_NOTE = re.compile(
    r"(?:bedrag(?:en)?\s*)?(?:x|×)\s*(?:€|eur(?:o)?)\s*(?P<unit>1\.000\.000|1\.000|1 mln\.?|mln\.?|miljoen|duizend)",
    re.IGNORECASE,
)
_QUALIFIER = re.compile(
    r"per jaar|jaarlijks|structureel|incidenteel|eenmalig|cumulatief|"
    r"(?:tot en met|t/m|tot|vanaf|in|na|per)\s+(?:19|20)\d{2}",
    re.IGNORECASE,
)
_STOP = re.compile(r"[,;()]|\.\s|\s+en\s+|\s+of\s+|:\s")


def parse_number(text: str) -> Decimal:
    """A Dutch-formatted number ('1.234,5', '3.796', '0,01') as a Decimal."""
    cleaned = text.strip().replace(".", "").replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {text!r}") from exc


def canonical(value: Decimal) -> Decimal:
    """The shortest exact form without exponent: 5.7E+6 → 5700000, 0.0100 → 0.01."""
    if value == 0:
        return Decimal(0)
    value = value.normalize()
    exponent = value.as_tuple().exponent
    return value.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else value


def format_number(value: Decimal) -> str:
    """Inverse of :func:`parse_number` (thousands with '.', decimals with ',')."""
    sign = "-" if value < 0 else ""
    text = format(abs(value), "f")
    whole, _, frac = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = ".".join(groups)
    return sign + out + ("," + frac if frac else "")


def unit_multiplier(text: str) -> Decimal | None:
    """'Bedragen x € 1.000' → 1000; 'x € 1 mln' → 1000000; None when the text is no unit note."""
    m = _UNIT_NOTE.search(text)
    if m is None:
        return None
    unit = m.group("unit").lower().rstrip(".")
    if unit in ("1.000", "duizend"):
        return Decimal(1000)
    return Decimal(1_000_000)


def is_unit_note(text: str) -> bool:
    m = _UNIT_NOTE.search(text)
    return m is not None and not text[: m.start()].strip(" :bedragBEDRAG") and not text[m.end():].strip(" )")


def _window_after(text: str, end: int, limit: int) -> str:
    tail = text[end:end + 60]
    stop = _STOP.search(tail)
    cut = min(stop.start() if stop else len(tail), limit - end if limit > end else len(tail))
    return tail[:cut]


def _window_before(text: str, start: int, floor: int) -> str:
    head = text[max(floor, start - 60):start]
    stops = list(_STOP.finditer(head))
    return head[stops[-1].end():] if stops else head


def find_amounts(text: str) -> list[Amount]:
    """Every sum of money in ``text``, in order."""
    matches = [m for m in _AMOUNT.finditer(text)
               if (m.group("euro1") or m.group("scale") or m.group("euro2")) and not _is_unit_context(text, m)]
    out: list[Amount] = []
    prev_end = 0
    for k, m in enumerate(matches):
        value = parse_number(m.group("num"))
        if m.group("scale"):
            value *= _SCALES[m.group("scale").lower()]
        next_start = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        before = _window_before(text, m.start(), prev_end)
        after = _window_after(text, m.end(), next_start)
        quals = [q.group(0) for q in _QUALIFIER.finditer(before)] + [q.group(0) for q in _QUALIFIER.finditer(after)]
        start = m.start("approx") if m.group("approx") else m.start("euro1") if m.group("euro1") else m.start("num")
        raw = " ".join(text[start:m.end()].split())
        out.append(Amount(raw=raw, value=canonical(value),
                          approximate=bool(m.group("approx")), qualifiers=tuple(quals), start=start))
        prev_end = m.end()
    return out


def _is_unit_context(text: str, m: re.Match[str]) -> bool:
    """'x € 1.000' in a table header is a unit, not an amount."""
    return bool(re.search(r"(?:x|×)\s*$", text[max(0, m.start() - 4):m.start("euro1") if m.group("euro1") else
                                              m.start("num")], re.IGNORECASE))
