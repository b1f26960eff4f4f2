"""The Frictionless data package: a folder with one CSV per view and a ``datapackage.json`` describing them."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..queries import Result
from .common import all_views, amount_columns, headers, numbered, slug
from .profile import profile_columns, unique_names
from .staging import Staged
from .tabular import write_csv

_FIELD_TYPES = {"null": "string", "boolean": "boolean", "integer": "integer", "decimal": "number", "float": "number",
                "date": "date", "datetime": "datetime", "datetimetz": "datetime", "time": "time", "string": "string"}


def _factor(unit: str) -> int | None:
    u = unit.lower().replace(" ", "")
    for marker, factor in (("1.000.000.000", 10**9), ("mld", 10**9), ("1.000.000", 10**6), ("mln", 10**6),
                           ("1.000", 1000), ("1000", 1000)):
        if marker in u:
            return factor
    return None


def _schema(result: Result) -> dict[str, Any]:
    amounts = set(amount_columns(result))
    titles = dict(zip(result.columns, headers(result), strict=True))
    fields: list[dict[str, Any]] = []
    for col, name in zip(profile_columns(result), unique_names(result.columns), strict=True):
        f: dict[str, Any] = {"name": name, "type": _FIELD_TYPES[col.kind]}
        if col.kind in {"datetime", "datetimetz", "time"}:
            f["format"] = "any"
        if f["type"] == "number":
            f["decimalChar"] = "."
            f["bareNumber"] = True
        if col.name in amounts and result.unit:
            f["title"] = titles[col.name]
            f["description"] = f"Bedrag in {result.unit}"
            f["columnType"] = "value"
            if "€" in result.unit or "eur" in result.unit.lower():
                f["currency"] = "EUR"
            factor = _factor(result.unit)
            if factor:
                f["factor"] = factor
        if col.kind == "string":
            f["description"] = (f.get("description", "") + " Tekst die met = + - @, tab of CR begint, is "
                                "voorafgegaan door een apostrof (bescherming tegen formule-injectie).").strip()
        fields.append(f)
    return {"fields": fields, "missingValues": [""]}


def _sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _package_sources(sources: Result) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in sources.rows:
        rec = dict(zip(sources.columns, row, strict=True))
        src: dict[str, Any] = {"title": str(rec.get("bestand") or rec.get("bron") or "bron")}
        if rec.get("url"):
            src["path"] = str(rec["url"])
        sha = rec.get("sha256")
        if sha:
            src["sha256" if len(str(sha)) == 64 else "sha256_prefix"] = str(sha)
        if rec.get("soort"):
            src["description"] = f"soort: {rec['soort']}"
        out.append(src)
    return out


def write_datapackage(views: list[Result], folder: Path, staged: Staged, sources: Result | None,
                       findings: Result | None, title: str, meta: dict[str, str]) -> None:
    """Fill ``folder`` (created when missing, and removed again on failure) with the package's staged files."""
    if not folder.parent.is_dir():
        raise UsageError(f"map {folder.parent} bestaat niet", expected="een bestaande map voor het datapakket")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} bestaat en is geen map", expected="een map voor het datapakket")
    created = not folder.exists()
    folder.mkdir(exist_ok=True)
    try:
        _fill_datapackage(views, folder, staged, sources, findings, title, meta)
    except BaseException:
        if created:
            staged.discard()
            shutil.rmtree(folder, ignore_errors=True)
        raise


def _fill_datapackage(views: list[Result], folder: Path, staged: Staged, sources: Result | None,
                      findings: Result | None, title: str, meta: dict[str, str]) -> None:
    tables = all_views(views, sources, findings)
    resource_names: list[str] = []
    for i, view in enumerate(tables, start=1):
        name = numbered(slug(view.title, f"tabel{i}"), {*resource_names, "datapackage"})
        resource_names.append(name)
        staged.add(folder / f"{name}.csv")
    descriptor = folder / "datapackage.json"
    staged.add(descriptor)
    resources = []
    for view, name in zip(tables, resource_names, strict=True):
        target = folder / f"{name}.csv"
        write_csv(view, staged.tmp(target), units=False)
        sha, size = _sha256(staged.tmp(target))
        resource: dict[str, Any] = {
            "name": name, "path": target.name, "profile": "tabular-data-resource", "title": view.title or name,
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "bytes": size, "hash": f"sha256:{sha}",
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True,
                        "header": True},
            "schema": _schema(view)}
        if view.unit:
            resource["unit"] = view.unit
        resources.append(resource)
    package: dict[str, Any] = {
        "profile": "tabular-data-package", "name": slug(title, "digibudget").replace("_", "-"),
        "title": title or "digibudget-export",
        "created": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "licenses": [{"name": "CC0-1.0", "title": "Creative Commons Zero v1.0 Universal",
                      "path": "https://creativecommons.org/publicdomain/zero/1.0/"}],
        "resources": resources}
    if sources is not None:
        package["sources"] = _package_sources(sources)
    if meta:
        package["toelichting"] = {k: v for k, v in meta.items() if k != "dekking_json"}
        if "dekking_json" in meta:  # the coverage of the answer as an object (analyze.coverage)
            package["dekking"] = json.loads(meta["dekking_json"])
    with staged.tmp(descriptor).open("w", encoding="utf-8") as fh:
        json.dump(package, fh, ensure_ascii=False, indent=2, default=str)
        fh.write("\n")

