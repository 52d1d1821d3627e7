"""A small project on disk, linted through the real CLI: the helpers the engine tests share."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path


def write_project(root: Path, files: dict[str, str]) -> Path:
    """``root`` with a ``pyproject.toml`` that has a ``[tool.throughlint]`` table and each
    file's dedented text."""
    (root / "pyproject.toml").write_text("[tool.throughlint]\n")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def lint_json(run_cli, root: Path, *args: str) -> dict:
    """The JSON report of a no-cache run in ``root``; exit code 0 or 1 only."""
    completed = run_cli(".", "--no-cache", "--format", "json", *args, cwd=root)
    assert completed.returncode in (0, 1), completed.stderr
    return json.loads(completed.stdout)


def run_module_cli(*args: str, cwd=None) -> subprocess.CompletedProcess:
    """``python -m throughlint ARGS`` in ``cwd``: the ``run_cli`` of a module-scoped fixture
    (the ``run_cli`` fixture is per test)."""
    return subprocess.run(
        [sys.executable, "-m", "throughlint", *args],
        cwd=str(cwd),
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )


def findings_by_function(report: dict, source: str, path_suffix: str) -> dict[str, dict]:
    """Each top-level ``def``, ``async def`` or ``class`` of ``source`` (the text of the
    file ending in ``path_suffix``) with the one diagnostic inside it; two in one function
    fail."""
    starts = {
        line.removeprefix("async ").split("(")[0].split(":")[0].split()[1]: number
        for number, line in enumerate(source.splitlines(), 1)
        if line.startswith(("def ", "async def ", "class "))
    }
    found: dict[str, dict] = {}
    for diagnostic in report["diagnostics"]:
        if diagnostic["path"].endswith(path_suffix):
            owner = max(
                (name for name, start in starts.items() if start <= diagnostic["line"]),
                key=starts.__getitem__,
            )
            assert owner not in found, (owner, diagnostic)
            found[owner] = diagnostic
    return found


def app_findings(
    tmp_path: Path, models: str, name: str, source: str, codes: str = "TL101,TL102"
) -> dict[str, dict]:
    """``app/models.py`` and ``app/<name>.py`` linted through the real CLI (``--show-all``,
    ``codes`` selected): the one finding in each top-level function or class of
    ``source``."""
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/models.py": models, f"app/{name}.py": source}
    )
    report = lint_json(run_module_cli, root, "--select", codes, "--show-all")
    return findings_by_function(report, source, f"{name}.py")


# a Django app's models: an order per customer (``shop/models.py`` of the tests that
# type querysets)
SHOP_MODELS = """\
from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=10)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    total = models.IntegerField(default=0)
"""


def codes_by_function(report: dict, source: str, path_suffix: str, names) -> dict:
    """``findings_by_function``'s code for each of ``names`` (None: no finding)."""
    found = findings_by_function(report, source, path_suffix)
    return {name: found[name]["code"] if name in found else None for name in names}
