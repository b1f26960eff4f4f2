"""Download published source files: rijksfinancien.nl open-data bulk files and Tweede Kamer open data.

Every download is streamed to a ``.part`` file, hashed while streaming, renamed atomically and described by a
``<file>.provenance.json`` sidecar, so later stages can trace each figure back to the exact bytes fetched.
"""

from __future__ import annotations

from .http import DownloadError, FetchResult, NotPublishedError, download
from .rijksfinancien import BudgetFetch, Miss, bulk_file_name, bulk_file_url, fetch_budget_tables
from .tweedekamer import KamerDocument, KamerDocumentMeta, fetch_kamer_documents, list_documents

__all__ = [
    "BudgetFetch",
    "DownloadError",
    "FetchResult",
    "KamerDocument",
    "KamerDocumentMeta",
    "Miss",
    "NotPublishedError",
    "bulk_file_name",
    "bulk_file_url",
    "download",
    "fetch_budget_tables",
    "fetch_kamer_documents",
    "list_documents",
]
