"""Helpers for the never-crash tests: run the real CLI with extra fault-injecting rules.

A fault rule is a real rule module placed on ``throughlint.rules.__path__`` before the
real ``throughlint.cli.main`` runs in a subprocess; the registry discovers it like any
other rule, so the engine, workers, cache and reporters are all the real ones.

Slow tests (``@pytest.mark.slow``) run only when asked for (see ``tests/conftest.py``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

_BOOT = """\
import sys
import throughlint.rules
throughlint.rules.__path__.append({rules_dir!r})
from throughlint.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def run_with_rules(tmp_path, tmp_path_factory):
    """``run(*args, rules={"zz_name": source}, cwd=...)``: the real CLI plus extra rules
    (kept outside ``tmp_path`` so they are not linted themselves)."""
    outside = tmp_path_factory.mktemp("extra_rules")

    def run(*args: str, rules: dict[str, str], cwd: Path | None = None, timeout: float = 120):
        rules_dir = outside / "rules"
        rules_dir.mkdir(exist_ok=True)
        for name, source in rules.items():
            (rules_dir / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        boot = outside / "boot.py"
        boot.write_text(_BOOT.format(rules_dir=str(rules_dir)), encoding="utf-8")
        return subprocess.run(
            [sys.executable, str(boot), *args],
            cwd=str(cwd or tmp_path),
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
            timeout=timeout,
        )

    return run
