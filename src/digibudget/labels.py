"""What a person reads for an id the data carries: the Dutch label of a theme id (``cyberveiligheid`` ->
``Cyberveiligheid``, ``digitale_infrastructuur`` -> ``Digitale infrastructuur``), from classify/themes.toml.

Machine formats (JSON, plain CSV, Parquet) keep the ids; pages, charts, terminal tables and the Dutch CSV show the
labels. Anything that is not a theme id (e.g. "alle digitale thema's") is shown as it is.
"""

from __future__ import annotations

import functools


@functools.cache
def theme_labels() -> dict[str, str]:
    """theme id -> Dutch label, in the order of themes.toml."""
    from .classify.rules import load_rules

    return {t.id: t.label for t in load_rules().themes}


def theme_label(value: object) -> str:
    """The label of a theme id; other text as it is; None as ''."""
    if value is None:
        return ""
    return theme_labels().get(str(value), str(value))


THEME_COLUMNS = frozenset({"thema"})


def readable(result_columns: list[str], row: tuple[object, ...]) -> tuple[object, ...]:
    """A row with its theme ids replaced by their labels (for the formats people read)."""
    idx = {i for i, c in enumerate(result_columns) if c in THEME_COLUMNS}
    if not idx:
        return row
    return tuple(theme_label(v) if i in idx and v is not None else v for i, v in enumerate(row))


def themes_sentence() -> str:
    """The themes as a reader lists them: 'digitalisering, cyberveiligheid, digitale infrastructuur en
    informatiehuishouding' (from themes.toml, so a new theme appears without editing a page)."""
    names = [label[:1].lower() + label[1:] for label in theme_labels().values()]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


_NUMBER_WORDS = ("nul", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien")


def themes_count() -> str:
    """How many themes there are, as a word ('vier'; a numeral above ten)."""
    n = len(theme_labels())
    return _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else str(n)
