"""Count how often a module's function is called while a block runs (the tests that forbid or count a full
derivation: test_incremental, fetch/test_versions)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any


@dataclass
class Calls:
    count: int = 0


@contextmanager
def counting(module: ModuleType, name: str) -> Iterator[Calls]:
    """Replace ``module.name`` by a wrapper that counts its calls and calls the real function; put back after."""
    real = getattr(module, name)
    calls = Calls()

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.count += 1
        return real(*args, **kwargs)

    setattr(module, name, counted)
    try:
        yield calls
    finally:
        setattr(module, name, real)
