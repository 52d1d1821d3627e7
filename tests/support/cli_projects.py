"""A small project on disk, linted through the real CLI: the helpers the engine tests share."""

from __future__ import annotations

import json
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
