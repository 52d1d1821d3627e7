"""Slow tests here (the standard-library corpus run) run only with ``-m slow`` or
``THROUGHLINT_SLOW=1``, so the default suite stays fast."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    if "slow" in (config.getoption("-m") or "") or os.environ.get("THROUGHLINT_SLOW"):
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow or THROUGHLINT_SLOW=1")
    for item in items:
        if _HERE in Path(str(item.fspath)).resolve().parents and "slow" in item.keywords:
            item.add_marker(skip)
