"""A text alternative for every chart (WCAG 1.1.1): what the figure shows, in Dutch numbers, from the same figure
specification plotly.js draws. Long series are cut after MAX_POINTS values per series, with the count said."""

from __future__ import annotations

from typing import Any

from ..nlformat import nl_number

MAX_POINTS = 12


def _num(v: Any) -> str:
    if isinstance(v, float):
        return nl_number(round(v)) if abs(v) >= 10 else nl_number(round(v, 1))
    return nl_number(v)


def _series(xs: list[Any], ys: list[Any]) -> str:
    pairs = [f"{x}: {'geen bron' if y is None else _num(y)}" for x, y in zip(xs, ys, strict=False)]
    more = f" (en {len(pairs) - MAX_POINTS} meer)" if len(pairs) > MAX_POINTS else ""
    return "; ".join(pairs[:MAX_POINTS]) + more


def describe(fig: dict[str, Any]) -> list[str]:
    """One line per series (or per top level of a sunburst, per step of a waterfall, per flow of a sankey)."""
    lines: list[str] = []
    for trace in fig.get("data", []):
        kind = trace.get("type")
        if kind == "sunburst":
            top = [(lab, val) for lab, par, val in zip(trace["labels"], trace["parents"], trace["values"],
                                                        strict=False) if not par]
            lines += [f"{lab}: {_num(val)}" for lab, val in sorted(top, key=lambda t: -t[1])]
        elif kind == "sankey":
            node = trace["node"]["label"]
            link = trace["link"]
            flows = sorted(zip(link["source"], link["target"], link["value"], strict=False), key=lambda f: -f[2])
            lines += [f"{node[a]} → {node[b]}: {_num(v)}" for a, b, v in flows[:MAX_POINTS]]
            if len(flows) > MAX_POINTS:
                lines.append(f"en {len(flows) - MAX_POINTS} kleinere stromen")
        else:
            name = trace.get("name")
            text = _series(list(trace.get("x", [])), list(trace.get("y", [])))
            lines.append(f"{name}: {text}" if name else text)
    return lines or ["geen gegevens"]
