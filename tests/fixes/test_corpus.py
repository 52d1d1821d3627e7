"""The corpus run (``tests/support/fix_corpus.py``) over this machine's standard library:
every changed file compiles and a second run changes nothing. Minutes, so marked slow."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_fixing_the_standard_library_keeps_it_compiling():
    completed = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "support" / "fix_corpus.py")],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "not compiling after the fix: 0" in completed.stdout
    assert "second run: no changes" in completed.stdout
