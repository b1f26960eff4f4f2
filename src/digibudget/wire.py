"""Values of a query result as JSON and back, for reads through the job host (remote.py, jobhost.py): DuckDB's
Python values (exact Decimal money, dates, lists, structs) travel exactly; a tagged object carries what JSON lacks."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from decimal import Decimal
from typing import Any


def encode(v: Any) -> Any:
    """A DuckDB value as JSON: plain where JSON has the type, else {"$": tag, "v": text}."""
    if v is None or isinstance(v, bool | int | float | str):
        return v
    if isinstance(v, Decimal):
        return {"$": "d", "v": str(v)}
    if isinstance(v, dt.datetime):
        return {"$": "dt", "v": v.isoformat()}
    if isinstance(v, dt.date):
        return {"$": "date", "v": v.isoformat()}
    if isinstance(v, dt.time):
        return {"$": "t", "v": v.isoformat()}
    if isinstance(v, dt.timedelta):
        return {"$": "td", "v": [v.days, v.seconds, v.microseconds]}
    if isinstance(v, list | tuple):
        return {"$": "tuple", "v": [encode(x) for x in v]} if isinstance(v, tuple) else [encode(x) for x in v]
    if isinstance(v, dict):
        return {"$": "map", "v": [[encode(k), encode(x)] for k, x in v.items()]}
    if isinstance(v, bytes | bytearray | memoryview):
        return {"$": "b", "v": base64.b64encode(bytes(v)).decode("ascii")}
    if isinstance(v, uuid.UUID):
        return {"$": "uuid", "v": str(v)}
    return {"$": "s", "v": str(v)}


def decode(v: Any) -> Any:
    """``encode`` undone."""
    if isinstance(v, list):
        return [decode(x) for x in v]
    if not isinstance(v, dict):
        return v
    tag: Any = v.get("$")
    value: Any = v.get("v")
    if tag == "d":
        return Decimal(value)
    if tag == "dt":
        return dt.datetime.fromisoformat(value)
    if tag == "date":
        return dt.date.fromisoformat(value)
    if tag == "t":
        return dt.time.fromisoformat(value)
    if tag == "td":
        return dt.timedelta(days=value[0], seconds=value[1], microseconds=value[2])
    if tag == "tuple":
        return tuple(decode(x) for x in value)
    if tag == "map":
        return {decode(k): decode(x) for k, x in value}
    if tag == "b":
        return base64.b64decode(value)
    if tag == "uuid":
        return uuid.UUID(value)
    return value
