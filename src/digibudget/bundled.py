"""Where the public data bundled with digibudget lives."""

from __future__ import annotations

from pathlib import Path

from .errors import SourceError
from .settings import load_settings


def bundled_data_dir() -> Path:
    """The folder of bundled budget tables: setting 'data_dir', else the repository's data/ folder."""
    configured = str(load_settings()["data_dir"])
    candidates = [Path(configured)] if configured else []
    candidates.append(Path(__file__).resolve().parents[2] / "data")
    for c in candidates:
        if c.is_dir():
            return c
    raise SourceError("de map met meegeleverde data ontbreekt", expected=" of ".join(str(c) for c in candidates))


BUDGET_FOLDERS = ("begrotingsstaten", "btabel", "btabel_json", "gevolgen")


def bundled_budget_paths() -> list[Path]:
    """The folders of bundled budget tables (not the evaluation set or the documents)."""
    root = bundled_data_dir()
    return [root / name for name in BUDGET_FOLDERS if (root / name).is_dir()]


def bundled_documents() -> list[Path]:
    folder = bundled_data_dir() / "documents"
    return sorted(p for p in folder.iterdir() if p.suffix in {".txt", ".docx", ".xml", ".pdf"}) \
        if folder.is_dir() else []
