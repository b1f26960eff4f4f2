"""Parsing and normalising published values: amounts, V/U/O, chapters, instruments, line keys."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation, localcontext

from ..errors import Location, ValueFormatError
from ..findings import Finding
from ..vocab import VUO_CODES

SCALE = Decimal("1e-10")  # the store keeps 10 decimals (DECIMAL(38,10))
MAX_DIGITS = 28  # ... and so at most 28 digits before the decimal point
# the minus signs of print: hyphen-minus, figure dash, en dash, em dash, minus sign
_MINUS = str.maketrans({"‒": "-", "−": "-", "–": "-", "—": "-"})
# spaces of print: no-break, narrow no-break, thin, figure space; all read as a plain space
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})
_EN = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_NL = re.compile(r"^(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_SPACE_GROUPED = re.compile(r"^\d{1,3}( \d{3})+([.,]\d+)?$")
_SCI = re.compile(r"^\d+(\.\d+)?[eE][-+]?\d+$")
STYLES = {"en": "'.' als decimaalteken, ',' voor duizendtallen", "nl": "',' als decimaalteken, '.' voor duizendtallen"}


class AmbiguousAmountError(ValueFormatError):
    """A cell that reads as two different numbers, and its column does not tell which convention it follows."""

    def __init__(self, raw: str, readings: dict[str, Decimal], location: Location) -> None:
        self.readings = readings
        super().__init__(f"bedrag {raw!r} is dubbelzinnig", location=location,
                         expected=" of ".join(f"{format(v, 'f')} ({STYLES[k]})" for k, v in readings.items()))


def _unsigned(raw: str) -> tuple[bool, str]:
    """(negative, the digits and separators) of a printed amount: Dutch minus signs, '(1.234)' negatives and
    spaces of print are understood; digits grouped by spaces must be grouped by three."""
    text = raw.translate(_SPACES).strip().translate(_MINUS)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text.startswith("-"):
        negative, text = not negative, text[1:].strip()
    if " " in text:
        if not _SPACE_GROUPED.match(text):
            return negative, "?"  # spaces that group nothing: unreadable
        text = text.replace(" ", "")
    return negative, text


def readings(text: str) -> dict[str, Decimal]:
    """The values an unsigned amount can mean in each convention ('en', 'nl') that admits it."""
    out: dict[str, Decimal] = {}
    if _EN.match(text):
        out["en"] = Decimal(text.replace(",", ""))
    if _NL.match(text):
        out["nl"] = Decimal(text.replace(".", "").replace(",", "."))
    return out


class ColumnEvidence:
    """What the cells of one column say about its number convention. A cell that reads in one convention only
    (1.234,5; 12.5; 1,234,567) is evidence; an integer or a cell like 1.234 (1.234 or 1234) is none."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def add(self, raw: str) -> None:
        if len(self.seen) == 2:
            return
        body = _unsigned(raw)[1]
        r = readings(body)
        if len(r) == 1:
            self.seen.update(r)

    def style(self, default: str | None = None) -> str | None:
        """'en' or 'nl' when the cells agree on one; when they tell nothing, ``default`` (the convention the source
        format documents, if any); None when they contradict each other."""
        if not self.seen:
            return default
        return next(iter(self.seen)) if len(self.seen) == 1 else None


HOOFDSTUKKEN = {
    "I", "IIA", "IIB", "III", "IV", "V", "VI", "VII", "VIII", "IXA", "IXB", "X", "XII", "XIII", "XIV", "XV",
    "XVI", "XVII", "XVIII", "XIX", "XX", "RIJK", "A", "B", "C", "D", "E", "F", "H", "J", "K", "L", "M", "N",
}


def parse_amount(raw: str, *, style: str | None, location: Location, findings: list[Finding]) -> Decimal | None:
    """Parse one published amount exactly.

    style "en": '.' decimal point, ',' thousands separator (the B-tabel template: "412955.78476", "50,736").
    style "nl": ',' decimal comma, '.' thousands separator (rijksfinancien.nl bulk files: "1.234,5").
    style None: the column does not tell (``ColumnEvidence``): a cell that reads one way is read so, a cell that
    reads two ways (1.234) raises AmbiguousAmountError with both readings; nothing is guessed.
    Empty cells give None (not yet known). Dutch minus signs, '(1.234)' negatives and spaces of print (no-break,
    thin) are understood.
    """
    if raw.translate(_SPACES).strip().translate(_MINUS) in {"", "-"}:
        return None
    negative, text = _unsigned(raw)
    if _SCI.match(text):
        value = _in_range(Decimal(text), raw, location)
        rounded = _quantize(value)
        findings.append(Finding("float-artefact", location, raw=raw.strip(), value=rounded))
        return -rounded if negative else rounded
    options = readings(text)
    if style is not None:
        options = {style: options[style]} if style in options else {}
    if not options:
        raise ValueFormatError(f"bedrag {raw!r} is onleesbaar", location=location,
                               expected={"en": "een getal zoals 1234 of 1,234.5",
                                         "nl": "een getal zoals 1234 of 1.234,5"}
                               .get(style or "", "een getal zoals 1234, 1.234,5 of 1,234.5"))
    if len(set(options.values())) > 1:
        raise AmbiguousAmountError(raw.strip(), {k: -v if negative else v for k, v in options.items()}, location)
    value = _in_range(next(iter(options.values())), raw, location)
    if value != _quantize(value):
        rounded = _quantize(value)
        findings.append(Finding("float-artefact", location, raw=raw.strip(), value=rounded))
        value = rounded
    return -value if negative else value


def _in_range(value: Decimal, raw: str, location: Location) -> Decimal:
    if value and value.adjusted() >= MAX_DIGITS:
        raise ValueFormatError(f"bedrag {raw.strip()[:40]!r} is te groot", location=location,
                               expected=f"een bedrag onder 10^{MAX_DIGITS}")
    return value


def _quantize(value: Decimal) -> Decimal:
    """Round to the store's 10 decimals exactly (the default context's 28 digits are too few for large amounts)."""
    if value.adjusted() < 17:
        return value.quantize(SCALE)
    with localcontext() as ctx:
        ctx.prec = MAX_DIGITS + 12
        return value.quantize(SCALE)


def amount_or_finding(raw: str, *, style: str | None, location: Location, findings: list[Finding]) -> Decimal | None:
    """Like parse_amount, but an unreadable cell becomes an 'unreadable-amount' finding instead of an error.

    Used for the amount cells of real tables, where one garbled cell must not hide the rest of the file.
    """
    if raw.strip().lower() in {"pm", "p.m.", "p.m"}:
        findings.append(Finding("pro-memorie", location, raw=raw.strip()))
        return None
    try:
        return parse_amount(raw, style=style, location=location, findings=findings)
    except AmbiguousAmountError as exc:
        (a, va), (b, vb) = sorted(exc.readings.items())
        findings.append(Finding("ambiguous-amount", location, raw=raw.strip(), reading_a=va, style_a=STYLES[a],
                                reading_b=vb, style_b=STYLES[b]))
        return None
    except ValueFormatError as exc:
        findings.append(Finding("unreadable-amount", location, raw=raw, expected=exc.expected or ""))
        return None


def parse_percentage(raw: str, *, location: Location, findings: list[Finding]) -> Decimal | None:
    text = raw.strip().replace(" ", "").rstrip("%").replace(",", ".").translate(_MINUS)
    if text.lower() in {"", "-", "n.v.t.", "nvt", "n.v.t"}:
        return None
    try:
        value = Decimal(text)
        if not value.is_finite():  # 'NaN', 'Infinity': Decimal reads them, but they are no percentage
            raise InvalidOperation(text)
    except InvalidOperation as exc:
        raise ValueFormatError(f"percentage {raw!r} is onleesbaar", location=location,
                               expected="een percentage zoals 91.80%") from exc
    if value < 0 or value > 100:
        findings.append(Finding("percentage-out-of-range", location, value=value))
    return value


def parse_year(raw: str, *, location: Location) -> int:
    text = raw.strip()
    if not re.fullmatch(r"(19|20)\d\d", text):
        raise ValueFormatError(f"jaar {raw!r} is onleesbaar", location=location, expected="een jaar zoals 2024")
    return int(text)


def normalise_vuo(raw: str, *, location: Location, findings: list[Finding]) -> str:
    text = raw.strip().upper()
    if text not in VUO_CODES:
        raise ValueFormatError(f"V/U/O-code {raw!r} is niet V, U of O", location=location,
                               expected="V (verplichtingen), U (uitgaven) of O (ontvangsten)")
    if text != raw:
        findings.append(Finding("vuo-normalised", location, raw=raw, normalised=text))
    return text


def normalise_hoofdstuk(raw: str, *, location: Location, findings: list[Finding]) -> str:
    text = raw.strip().upper().split(",")[0].strip()
    if not text:
        raise ValueFormatError("de cel hoofdstuk is leeg", location=location,
                               expected="een hoofdstukcode zoals VII of XIII")
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
