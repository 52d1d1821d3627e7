"""``pytest --throughlint -m throughlint``: only lint items can run, so test modules are
not imported at all (no ``DJANGO_SETTINGS_MODULE`` needed, no import-time cost) and the
collection counts are the lint items alone."""

from __future__ import annotations

from pathlib import Path

import pytest


def lint_only(config: pytest.Config) -> bool:
    return (config.getoption("markexpr", "") or "").strip() == "throughlint"


class NotImported(pytest.File):
    """Stands in for a test module that a lint-only run has no reason to import."""

    def collect(self):
        return []


class LintOnly:
    @pytest.hookimpl(tryfirst=True)
    def pytest_pycollect_makemodule(self, module_path: Path, parent: pytest.Collector):
        return NotImported.from_parent(parent, path=module_path)
