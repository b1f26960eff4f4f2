"""Targets checked up front, written to hidden files beside them and moved into place only when all are complete."""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Sequence
from pathlib import Path

from ..errors import UsageError
from ..queries import Result
from .common import numbered, slug


class Staged:
    """Targets checked up front, written to hidden files beside them, moved into place together."""

    def __init__(self) -> None:
        self.targets: list[Path] = []
        self._tmp: dict[Path, Path] = {}
        self._done = False

    def add(self, target: Path) -> None:
        check_target(target)
        if target in self._tmp:
            raise UsageError(f"twee uitvoerbestanden zouden naar {target} gaan")
        self.targets.append(target)
        self._tmp[target] = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")

    def tmp(self, target: Path) -> Path:
        return self._tmp[target]

    def commit(self) -> list[Path]:
        for target in self.targets:
            os.replace(self._tmp[target], target)
        self._done = True
        return list(self.targets)

    def discard(self) -> None:
        if not self._done:
            for tmp in self._tmp.values():
                tmp.unlink(missing_ok=True)


def check_target(target: Path) -> None:
    """Refuse a target whose folder is missing or read-only, that is a folder, or that exists read-only."""
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"map {folder} bestaat niet", expected="een bestaande map voor de uitvoer")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"kan niet schrijven in map {folder}")
    if target.is_dir():
        raise UsageError(f"{target} is een map", expected="een bestandsnaam")
    if target.exists() and (not os.access(target, os.W_OK) or not stat.S_IMODE(target.stat().st_mode) & 0o222):
        raise UsageError(f"{target} bestaat en is alleen-lezen; niet overschreven")


def view_paths(views: Sequence[Result], first: Path, suffix: str) -> list[Path]:
    """One file per view: the first to ``first``, the others beside it as ``{stem}_{slug(title)}{suffix}``."""
    paths, used = [first], {first.name}
    for i, view in enumerate(views[1:], start=2):
        name = numbered(f"{first.stem}_{slug(view.title, f'tabel{i}')}", used, suffix)
        used.add(name)
        paths.append(first.with_name(name))
    return paths
