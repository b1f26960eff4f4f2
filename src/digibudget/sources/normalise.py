"""Parsing and normalising published values: amounts, V/U/O, chapters, instruments, line keys."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation, localcontext

from ..errors import Location, ValueFormatError
from ..findings import Finding

SCALE = Decimal("1e-10")  # the store keeps 10 decimals (DECIMAL(38,10))
MAX_DIGITS = 28  # ... and so at most 28 digits before the decimal point
_MINUS = str.maketrans({"‒": "-", "−": "-", "–": "-", "—": "-"})
_EN = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_NL = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_SCI = re.compile(r"^-?\d+(\.\d+)?[eE][-+]?\d+$")

HOOFDSTUKKEN = {
    "I", "IIA", "IIB", "III", "IV", "V", "VI", "VII", "VIII", "IXA", "IXB", "X", "XII", "XIII", "XIV", "XV",
    "XVI", "XVII", "XVIII", "XIX", "XX", "RIJK", "A", "B", "C", "D", "E", "F", "H", "J", "K", "L", "M", "N",
}


def parse_amount(raw: str, *, style: str, location: Location, findings: list[Finding]) -> Decimal | None:
    """Parse one published amount exactly.

    style "en": '.' decimal point, ',' thousands separator (the B-tabel template: "412955.78476", "50,736").
    style "nl": ',' decimal comma, '.' thousands separator (rijksfinancien.nl bulk files: "1.234,5").
    Empty cells give None (not yet known). Dutch minus signs and '(1.234)' negatives are understood.
    """
    text = raw.strip().replace("\u00a0", "").replace(" ", "").translate(_MINUS)
    if text in {"", "-"}:
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if _SCI.match(text):
        value = _in_range(Decimal(text), raw, location)
        rounded = _quantize(value)
        findings.append(Finding("float-artefact", location, raw=raw.strip(), value=rounded))
        return -rounded if negative else rounded
    pattern, thousands, decimal = (_EN, ",", ".") if style == "en" else (_NL, ".", ",")
    if not pattern.match(text):
        raise ValueFormatError(f"cannot read amount {raw!r}", location=location,
                               expected=("a number like 1234 or 1,234.5" if style == "en"
                                         else "a number like 1234 or 1.234,5"))
    try:
        value = _in_range(Decimal(text.replace(thousands, "").replace(decimal, ".")), raw, location)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid numbers
        raise ValueFormatError(f"cannot read amount {raw!r}", location=location) from exc
    if value != _quantize(value):
        rounded = _quantize(value)
        findings.append(Finding("float-artefact", location, raw=raw.strip(), value=rounded))
        value = rounded
    return -value if negative else value


def _in_range(value: Decimal, raw: str, location: Location) -> Decimal:
    if value and value.adjusted() >= MAX_DIGITS:
        raise ValueFormatError(f"amount {raw.strip()[:40]!r} is too large", location=location,
                               expected=f"an amount below 10^{MAX_DIGITS}")
    return value


def _quantize(value: Decimal) -> Decimal:
    """Round to the store's 10 decimals exactly (the default context's 28 digits are too few for large amounts)."""
    if value.adjusted() < 17:
        return value.quantize(SCALE)
    with localcontext() as ctx:
        ctx.prec = MAX_DIGITS + 12
        return value.quantize(SCALE)


def amount_or_finding(raw: str, *, style: str, location: Location, findings: list[Finding]) -> Decimal | None:
    """Like parse_amount, but an unreadable cell becomes an 'unreadable-amount' finding instead of an error.

    Used for the amount cells of real tables, where one garbled cell must not hide the rest of the file.
    """
    if raw.strip().lower() in {"pm", "p.m.", "p.m"}:
        findings.append(Finding("pro-memorie", location, raw=raw.strip()))
        return None
    try:
        return parse_amount(raw, style=style, location=location, findings=findings)
    except ValueFormatError as exc:
        findings.append(Finding("unreadable-amount", location, raw=raw, expected=exc.expected or ""))
        return None


def parse_percentage(raw: str, *, location: Location, findings: list[Finding]) -> Decimal | None:
    text = raw.strip().replace(" ", "").rstrip("%").replace(",", ".").translate(_MINUS)
    if text.lower() in {"", "-", "n.v.t.", "nvt", "n.v.t"}:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueFormatError(f"cannot read percentage {raw!r}", location=location,
                               expected="a percentage like 91.80%") from exc
    if value < 0 or value > 100:
        findings.append(Finding("percentage-out-of-range", location, value=value))
    return value


def parse_year(raw: str, *, location: Location) -> int:
    text = raw.strip()
    if not re.fullmatch(r"(19|20)\d\d", text):
        raise ValueFormatError(f"cannot read year {raw!r}", location=location, expected="a year like 2024")
    return int(text)


def normalise_vuo(raw: str, *, location: Location, findings: list[Finding]) -> str:
    text = raw.strip().upper()
    if text not in {"V", "U", "O"}:
        raise ValueFormatError(f"V/U/O code {raw!r} is not V, U or O", location=location,
                               expected="V (verplichtingen), U (uitgaven) or O (ontvangsten)")
    if text != raw:
        findings.append(Finding("vuo-normalised", location, raw=raw, normalised=text))
    return text


def normalise_hoofdstuk(raw: str, *, location: Location, findings: list[Finding]) -> str:
    text = raw.strip().upper().split(",")[0].strip()
    if not text:
        raise ValueFormatError("the hoofdstuk cell is empty", location=location,
                               expected="a chapter code like VII or XIII")
    if text not in HOOFDSTUKKEN:
        findings.append(Finding("unknown-hoofdstuk", location, raw=raw))
    return text


# The published instrument types (and the apparaat categories), each with the patterns that recognise its
# many spellings in the real files. Order matters: the first match wins.
INSTRUMENTS: tuple[tuple[str, str], ...] = (
    ("Bijdrage aan ZBO's/RWT's", r"\bzbo|\brwt"),
    ("Bijdrage aan agentschappen", r"agentschap|baten.?lasten"),
    ("Bijdrage aan medeoverheden", r"mede.?overhe|andere overhe"),
    ("Bijdrage aan (inter)nationale organisaties", r"internationale organisatie|\(inter\)|\(inter-\)"),
    ("Bijdrage aan (andere) begrotingshoofdstukken", r"andere begroting|andere hoofdstuk|begrotingshoofdstuk"),
    ("Bijdrage aan sociale fondsen", r"sociale fondsen|b&s fondsen"),
    ("Subsidies", r"^subsidie"),
    ("Opdrachten", r"^opdracht"),
    ("Bekostiging", r"^bekostiging"),
    ("Inkomensoverdrachten", r"^inkomensoverdracht"),
    ("Leningen", r"^lening"),
    ("Garanties", r"^garantie"),
    ("Personele uitgaven", r"^personele"),
    ("Materiële uitgaven", r"^mat[eé]ri?[eë]?le"),
    ("Apparaatsuitgaven", r"^apparaat|^personeel en materieel"),
    ("Ontvangsten", r"^ontvangsten"),
)
_INSTRUMENT_RES = tuple((name, re.compile(pat)) for name, pat in INSTRUMENTS)
INSTRUMENT_TYPES = tuple(name for name, _ in INSTRUMENTS)


def normalise_instrument(raw: str | None, *, location: Location, findings: list[Finding]) -> str | None:
    """Map a published instrument spelling to its type; unknown ones are kept as written, with a finding."""
    if raw is None or not raw.strip():
        return None
    text = " ".join(raw.replace("’", "'").replace("´", "'").split())
    low = text.lower()
    for name, rx in _INSTRUMENT_RES:
        if rx.search(low):
            if text != name:
                findings.append(Finding("instrument-normalised", location, raw=raw, normalised=name))
            return name
    findings.append(Finding("unknown-instrument", location, raw=raw))
    return text


def slug(text: str | None) -> str:
    """A lowercase ASCII key fragment: accents, punctuation and spacing variations removed."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9.]+", "-", t).strip("-")


def artikel_number(raw: str | None) -> str | None:
    """'6', '36.2 Nationale Veiligheid' -> '36.2'; text without a number stays None."""
    if raw is None:
        return None
    m = re.match(r"\s*(\d+(?:\.\d+)*)", raw)
    return m.group(1) if m else None


def line_key(hoofdstuk: str, artikel: str | None, artikelonderdeel: str | None, instrument: str | None,
             regeling: str | None, detail: str | None, vuo: str) -> str:
    """A stable key for a budget line, the same across moments and years as long as the line keeps its place."""
    parts = [hoofdstuk, artikel or "", artikelonderdeel or "", slug(instrument), slug(regeling), slug(detail), vuo]
    return "|".join(parts)
