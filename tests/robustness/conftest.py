from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: long robustness runs; set DIGIBUDGET_SLOW=1 to run them")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("DIGIBUDGET_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow; set DIGIBUDGET_SLOW=1 to run")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
