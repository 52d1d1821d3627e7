"""Differential runs of a fix: a small project is copied twice, one copy is fixed with the
real ``throughlint --fix`` (or ``--unsafe-fixes``), then both copies run in a subprocess.
What each printed, its exit status and the exception it ended with are compared."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    stdout: str
    error: str  # the last line of the traceback ("KeyError: 'b'"), "" when none
    status: int


@dataclass(frozen=True)
class Differential:
    original: Run
    fixed: Run
    before: str  # the linted file before and after the fix
    after: str
    lint_output: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def run_program(folder: Path, entry: str, env: dict[str, str] | None = None) -> Run:
    completed = subprocess.run(
        [sys.executable, entry],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(folder), **(env or {})},
    )
    lines = completed.stderr.strip().splitlines()
    error = lines[-1] if completed.returncode and lines else ""
    return Run(completed.stdout, error, completed.returncode)


def throughlint(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "throughlint", "--no-cache", "--isolated", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )


def differential(
    tmp_path: Path,
    files: dict[str, str],
    *,
    target: str = "app.py",
    lint: tuple[str, ...] = (),
    entry: str = "app.py",
    unsafe: bool = False,
    preview: bool = False,
    env: dict[str, str] | None = None,
) -> Differential:
    """Fix ``target`` (linting it with the extra paths ``lint``, e.g. a models package)
    in one copy of ``files`` and run ``entry`` in both copies."""
    original, fixed = tmp_path / "original", tmp_path / "fixed"
    for folder in (original, fixed):
        folder.mkdir()
        _write(folder, files)
    # ``--show-all``: the small programs here loop over literal lists (constant input),
    # which a plain run holds back and so does not fix
    flags = ["--fix", "--show-all", "--unsafe-fixes"] if unsafe else ["--fix", "--show-all"]
    flags += ["--preview"] if preview else []
    linted = throughlint(fixed, *flags, target, *lint)
    return Differential(
        run_program(original, entry, env),
        run_program(fixed, entry, env),
        files[target],
        (fixed / target).read_text(),
        linted.stdout + linted.stderr,
    )


def assert_same_behaviour(result: Differential, expected_original: str) -> None:
    """The original printed ``expected_original`` (it exercises the case), and the fixed
    program printed the same and ended the same way."""
    assert result.original.stdout.strip() == expected_original, result.original
    assert result.fixed == result.original, (
        f"the fix changed behaviour\n{result.lint_output}\n--- fixed program:\n{result.after}"
    )


def one_file(body: str, prefix: str = "") -> dict[str, str]:
    """A program of one file, ``app.py``: ``prefix`` (settings, imports) then ``body``."""
    return {"app.py": prefix + textwrap.dedent(body)}
