"""pytest-xdist: workers send their records through ``workeroutput``; the controller merges
them in ``pytest_testnodedown`` into the one summary and JSON report."""

from __future__ import annotations

from typing import Any

import pytest

from throughlint.pytest_plugin.session import ThroughputSession


class XdistController:
    def __init__(self, session: ThroughputSession) -> None:
        self.session = session

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        output = getattr(node, "workeroutput", None) or {}
        self.session.records.extend(output.get("throughlint_records", []))
