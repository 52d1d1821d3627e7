"""``fixtures/demo`` fixed in a temporary copy: the exact diff, what remains, and that a
second run changes nothing. When the demo changes on purpose, regenerate the diff with
``throughlint --diff --unsafe-fixes --no-cache . > tests/fixes/golden/demo.diff`` (and
without ``--unsafe-fixes`` into ``demo_safe.diff``) run in ``fixtures/demo``."""

from __future__ import annotations

import py_compile
import shutil

from conftest import FIXTURES

EXPECTED = FIXTURES.parent / "tests" / "fixes" / "golden" / "demo.diff"


def test_demo_fixes(run_cli, tmp_path):
    demo = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", demo)
    diff = run_cli("--diff", "--unsafe-fixes", "--no-cache", ".", cwd=demo)
    assert diff.returncode == 1, diff.stderr
    assert diff.stdout == EXPECTED.read_text(), "the demo's fixes changed; see the docstring"
    fixed = run_cli("--fix", "--unsafe-fixes", "--no-cache", "--format", "json", ".", cwd=demo)
    assert fixed.returncode == 1  # files changed (and unfixable findings remain)
    assert "Fixed 10 diagnostic(s) in 6 file(s)" in fixed.stderr
    for path in demo.rglob("*.py"):
        py_compile.compile(str(path), doraise=True)
    again = run_cli("--diff", "--unsafe-fixes", "--no-cache", ".", cwd=demo)
    assert again.returncode == 0 and again.stdout == ""


def test_demo_safe_fixes_only(run_cli, tmp_path):
    demo = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", demo)
    diff = run_cli("--diff", "--no-cache", ".", cwd=demo)
    assert diff.stdout == EXPECTED.with_name("demo_safe.diff").read_text()
