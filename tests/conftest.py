from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# pytester for the pytest-plugin tests (tests/plugin/): only the top-level conftest may
# declare pytest_plugins.
pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def pytest_collection_modifyitems(config, items):
    """``@pytest.mark.slow`` tests (corpus and long fuzz runs) run only when asked for with
    ``-m slow`` or ``THROUGHLINT_SLOW=1``, so the default suite stays fast."""
    if "slow" in (config.getoption("-m") or "") or os.environ.get("THROUGHLINT_SLOW"):
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow or THROUGHLINT_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def run_cli(tmp_path):
    """Run the real ``throughlint`` command in a subprocess; returns CompletedProcess."""

    def run(*args: str, cwd: Path | str | None = None, env: dict | None = None):
        environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
        return subprocess.run(
            [sys.executable, "-m", "throughlint", *args],
            cwd=str(cwd or tmp_path),
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
        )

    return run
