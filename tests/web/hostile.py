"""The hostile texts the web tests plant in their database (a module of its own: test files import it by a name no
other folder's module has, unlike 'conftest')."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():  # starlette's TestClient warns about httpx at import time
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

HOSTILE = "<script>alert(1)</script> Logius"
FORMULA = "=cmd|' /C calc'!A0"
HOSTILE_YEAR = 2012  # a year no bundled file holds, so the default (latest) moment is unchanged

__all__ = ["FORMULA", "HOSTILE", "HOSTILE_YEAR", "TestClient"]
