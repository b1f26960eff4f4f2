"""One exception hierarchy for the whole library.

Library code raises these; only the edges (CLI, HTTP) translate them into friendly messages.
Every error that concerns input names where it happened: file, row and column when known.
"""

from __future__ import annotations

import errno
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where in an input something happened. Rows are 1-based physical line numbers."""

    path: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.path:
            parts.append(Path(self.path).name)
        if self.row is not None:
            parts.append(f"rij {self.row}")
        if self.column:
            name = self.column if len(self.column) <= 60 else self.column[:57] + "..."
            parts.append(f"kolom '{name}'")
        return ", ".join(parts)


class DigibudgetError(Exception):
    """Base of every error digibudget raises on purpose.

    Each class declares its command-line exit code (``exit_code``, the only place exit codes are defined), its HTTP
    status and the Dutch word the command line puts before the message (``label``). The message is user-facing and
    Dutch; ``expected`` says what was expected."""

    exit_code = 1
    http_status = 500
    label = "Fout"

    def __init__(self, message: str, *, location: Location | None = None, expected: str | None = None):
        self.message = message
        self.location = location
        self.expected = expected
        super().__init__(self.describe())

    def describe(self) -> str:
        text = self.message
        if self.location is not None and str(self.location):
            text = f"{self.location}: {text}"
        if self.expected:
            text = f"{text} (verwacht: {self.expected})"
        return text


class SourceError(DigibudgetError):
    """An input file cannot be read as the format it claims to be (encoding, separator, truncation)."""

    exit_code = 3
    http_status = 422


class StrictRefusal(SourceError):
    """``ingest --strict``: a file would load with error-severity findings (an unreadable or ambiguous amount), so
    the whole ingest is refused."""

    exit_code = 3
    http_status = 422


class SchemaError(SourceError):
    """An input file lacks the columns or the shape its reader needs."""

    exit_code = 3
    http_status = 422


class ValueFormatError(SourceError):
    """A cell holds a value that cannot be understood (an amount, a year, a V/U/O code)."""

    exit_code = 3
    http_status = 422


class UnknownFormatError(SourceError):
    """No reader recognises the file."""

    exit_code = 3
    http_status = 422


class StoreError(DigibudgetError):
    """The database cannot be opened, migrated or written."""

    exit_code = 4
    http_status = 503

    @classmethod
    def from_duckdb(cls, exc: Exception) -> StoreError:
        """An error DuckDB raised while a command read or wrote the database: a file cut off or damaged (a copy
        that stopped halfway, a disk error), or a defect; DuckDB's own first line is kept for a report."""
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        return cls(f"de database kon niet worden gelezen of geschreven ({type(exc).__name__}: {first})",
                   expected="een complete, onbeschadigde database; maak haar opnieuw met 'digibudget demo' of "
                            "'digibudget ingest', of meld dit als fout")


class FetchError(DigibudgetError):
    """A download failed after its retries, or its content is not what was expected."""

    exit_code = 5
    http_status = 502


class RuleError(DigibudgetError):
    """A classification rule or override file is invalid."""

    exit_code = 6
    http_status = 500


class DocumentError(DigibudgetError):
    """A parliamentary document cannot be parsed."""

    exit_code = 7
    http_status = 422


class NotFoundError(DigibudgetError):
    """A requested object (line, question, source) does not exist."""

    exit_code = 8
    http_status = 404


class UsageError(DigibudgetError):
    """A parameter given by a user is invalid."""

    exit_code = 2
    http_status = 400


class SettingsError(UsageError):
    """A setting has an invalid value."""

    exit_code = 2
    http_status = 400


class LoadedWithErrors(DigibudgetError):
    """Not a failure: ``ingest`` loaded everything, but some file has findings of severity 'error' (cells that could
    not be read, amounts not stored). Raised after the load is committed, so scripts see exit code 9, not 0."""

    exit_code = 9
    http_status = 200
    label = "Let op"


EXIT_LOADED_WITH_ERRORS = LoadedWithErrors.exit_code


def exit_codes() -> list[tuple[int, str, str]]:
    """(exit code, class name, first paragraph of the docstring) of every error class declared here (subclasses
    elsewhere, such as fetch's DownloadError, share their base's code), for the generated CLI reference."""
    classes = [c for c in globals().values()
               if isinstance(c, type) and issubclass(c, DigibudgetError) and c.__module__ == __name__]
    return sorted((c.exit_code, c.__name__, " ".join((c.__doc__ or "").split("\n\n")[0].split())) for c in classes)


_OS_REASONS = {errno.ENOENT: "bestaat niet", errno.EACCES: "geen toegang (rechten)", errno.EPERM: "niet toegestaan",
               errno.EISDIR: "is een map", errno.ENOTDIR: "een deel van het pad is geen map",
               errno.ENOSPC: "de schijf is vol", errno.EROFS: "alleen-lezen bestandssysteem",
               errno.ENAMETOOLONG: "de naam is te lang", errno.EEXIST: "bestaat al", errno.EIO: "leesfout (I/O)"}


def os_reason(exc: OSError) -> str:
    """Why a file could not be read or written, in Dutch (the operating system's own text is English)."""
    return _OS_REASONS.get(exc.errno or -1, f"systeemfout {exc.errno}" if exc.errno else "systeemfout")


def toml_reason(exc: BaseException) -> str:
    """Where a TOML file is broken, in Dutch ('regel 3, kolom 7'), from tomllib's English message."""
    m = re.search(r"line (\d+), column (\d+)", str(exc))
    return f"ongeldige TOML bij regel {m.group(1)}, kolom {m.group(2)}" if m else "ongeldige TOML"


def reason(exc: BaseException) -> str:
    """Why reading something failed, in Dutch, for an exception of the standard library (whose text is English):
    a file that cannot be opened, bytes that are not UTF-8, broken TOML, JSON or CSV."""
    if isinstance(exc, OSError):
        return os_reason(exc)
    if isinstance(exc, UnicodeDecodeError):
        return f"geen UTF-8 (byte 0x{exc.object[exc.start:exc.start + 1].hex()} op positie {exc.start})"
    if exc.__class__.__name__ == "TOMLDecodeError":
        return toml_reason(exc)
    if exc.__class__.__name__ == "JSONDecodeError":
        return f"ongeldige JSON bij regel {getattr(exc, 'lineno', '?')}, kolom {getattr(exc, 'colno', '?')}"
    if exc.__class__.__name__ == "Error" and exc.__class__.__module__ == "_csv":
        return "ongeldige CSV"
    return f"onleesbaar ({exc.__class__.__name__})"


class FileAccessError(DigibudgetError):
    """A file or folder the operating system refused where no check of the command caught it first (a missing
    folder, no rights, a full disk): the path and the reason, in Dutch."""

    exit_code = 1

    @classmethod
    def from_os(cls, exc: OSError) -> FileAccessError:
        """The error for an OSError of the standard library, naming the path(s) it carries."""
        paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
        where = " -> ".join(paths) if paths else "een bestand of map"
        return cls(f"{where}: {os_reason(exc)}")
