"""The contract every reader of a published format fulfils, so that ingest and the selection of figures ask the
reader instead of knowing formats.

A reader says which ``kind`` of source it produces (stored as source.kind), whether a file is its format
(``matches``, on a ``Sample`` of the file read once for all readers), how to ``read`` it, which file name
``suffixes`` a folder scan picks up for it, and its ``rank``: when several sources give the same article and
moment, the richer kind wins (analyze.selection). ``lines_only``: its articles mostly have no total line of their
own, so its detail needs another source's agreement (the rijksfinancien.nl JSON B-tabel).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .model import ReadResult


@dataclass(frozen=True)
class Sample:
    """What detection reads of a file, once: the first row of a text table, or the parsed JSON document."""

    path: Path
    header: list[str] | None = None
    data: object = None


class Reader(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def rank(self) -> int: ...

    @property
    def suffixes(self) -> tuple[str, ...]: ...

    @property
    def lines_only(self) -> bool: ...

    def matches(self, sample: Sample) -> bool: ...

    def read(self, path: Path) -> ReadResult: ...


@dataclass(frozen=True)
class TableReader:
    """A reader of a text table (CSV and its cousins), recognised by its header."""

    kind: str
    rank: int
    header_matches: Callable[[list[str]], bool]
    reader: Callable[[Path], ReadResult]
    suffixes: tuple[str, ...] = (".csv",)
    lines_only: bool = False

    def matches(self, sample: Sample) -> bool:
        return sample.header is not None and self.header_matches(sample.header)

    def read(self, path: Path) -> ReadResult:
        return self.reader(path)


@dataclass(frozen=True)
class JsonReader:
    """A reader of a JSON document, recognised by its layout."""

    kind: str
    rank: int
    data_matches: Callable[[object], bool]
    reader: Callable[[Path], ReadResult]
    suffixes: tuple[str, ...] = (".json",)
    lines_only: bool = False

    def matches(self, sample: Sample) -> bool:
        return sample.header is None and self.data_matches(sample.data)

    def read(self, path: Path) -> ReadResult:
        return self.reader(path)
