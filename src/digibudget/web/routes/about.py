"""Over de cijfers (methodology and glossary) and /docs: the API documentation as a static page made from the
OpenAPI description (no CDN, no script)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ...analyze.coverage import BROAD_SHARE
from .. import about
from ..deps import render

router = APIRouter()


@router.get("/over", response_class=HTMLResponse, include_in_schema=False)
def about_page(request: Request) -> HTMLResponse:
    return render("about.html", request, themes=about.themes(), soorten=about.mutation_types(),
                  evidence=about.evidence(), glossary=about.GLOSSARY, broad_pct=round(100 * BROAD_SHARE))


def _schema_text(schema: dict[str, Any], components: dict[str, Any]) -> str:
    """A parameter's type in a few words: 'integer, 1990-2100', 'een van: U, V, O', 'tekst (patroon ...)'."""
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    for key in ("anyOf", "oneOf"):
        if key in schema:
            parts = [_schema_text(s, components) for s in schema[key] if s.get("type") != "null"]
            return " of ".join(p for p in parts if p)
    if "enum" in schema:
        return "een van: " + ", ".join(str(v) for v in schema["enum"])
    if schema.get("type") == "array":
        return "lijst van " + _schema_text(schema.get("items", {}), components)
    kind = {"integer": "geheel getal", "number": "getal", "string": "tekst", "boolean": "ja/nee"}.get(
        str(schema.get("type", "")), str(schema.get("type", "")))
    bounds = [f"{w} {schema[k]}" for k, w in (("minimum", "min."), ("maximum", "max."), ("maxLength", "max. lengte"))
              if k in schema]
    return ", ".join([kind, *bounds])


def api_operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every documented operation: method, path, summary, parameters (name, where, required, type, description)
    and response codes."""
    components = spec.get("components", {}).get("schemas", {})
    ops = []
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            params = [{"naam": p["name"], "waar": {"query": "query", "path": "pad"}.get(p["in"], p["in"]),
                       "verplicht": bool(p.get("required")), "type": _schema_text(p.get("schema", {}), components),
                       "omschrijving": p.get("description") or p.get("schema", {}).get("description", "")}
                      for p in op.get("parameters", [])]
            ops.append({"methode": method.upper(), "pad": path, "samenvatting": op.get("summary", ""),
                        "parameters": params, "antwoorden": sorted(op.get("responses", {}))})
    return ops


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def api_docs(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    return render("api_docs.html", request, title=spec["info"]["title"], version=spec["info"]["version"],
                  description=spec["info"].get("description", ""), operations=api_operations(spec))
