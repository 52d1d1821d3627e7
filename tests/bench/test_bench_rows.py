"""bench/run.py's throughlint rows lint what they say: the one-file row one file alone, a
corpus slice only its own files (a real corpus-shaped folder, the real CLI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
SRC = Path(__file__).resolve().parents[2] / "src"
sys.path.insert(0, str(BENCH))

import run  # noqa: E402


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    """A corpus folder as bench/corpus.py builds it (a ``pyproject.toml`` at the top, two
    packages of three modules); the bench's own folders moved under ``tmp_path``."""
    folder = tmp_path / "corpus"
    for package in ("alpha", "beta"):
        for index in range(3):
            path = folder / package / f"mod{index}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"def f{index}(rows):\n    return [r for r in rows]\n")
    (folder / "pyproject.toml").write_text('[project]\nname = "corpus"\n')
    monkeypatch.setattr(run.corpus, "CORPUS", str(folder))
    monkeypatch.setattr(run, "ONE_FILE", str(tmp_path / "one-file"))
    monkeypatch.setattr(run, "SLICE", str(tmp_path / "slice"))
    return folder


def _files(folder: Path) -> list[str]:
    return sorted(str(path) for path in folder.rglob("*.py"))


def _index_line(argv: list[str], cwd: str) -> str:
    """The run's ``--verbose`` line about the project index."""
    environment = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run(
        [*argv, "--verbose"], cwd=cwd, capture_output=True, text=True, env=environment
    )
    assert done.returncode == 0, done.stderr
    return next(line for line in done.stderr.splitlines() if "project index" in line)


def _row(commands: list, key: str) -> list[str]:
    return next(command.argv for command in commands if command.key == key)


def test_one_file_row_collects_no_other_corpus_file(corpus):
    files = _files(corpus)
    commands = run.build_commands(files, 12, files, 12, str(corpus), 1, venv=False)
    line = _index_line(_row(commands, "one"), str(corpus))
    assert "1 file(s) linted" in line
    assert "no other file in the project" in line, line


def test_slice_is_a_project_of_its_own(corpus):
    work, files = run.slice_project(_files(corpus), 2)
    assert len(files) == 3
    assert all(file.startswith(work) and os.path.isfile(file) for file in files)
    one = files[0]
    line = _index_line([sys.executable, "-m", "throughlint", "--isolated", "--no-cache", one], work)
    assert "1 other project file" not in line
    assert "facts of the 2 other project file(s)" in line, line


def test_a_slice_inside_a_configured_repository_lints_all_its_files(corpus, tmp_path):
    """The bench lives in this repository, whose ``[tool.throughlint]`` excludes ``tests``
    folders: a slice must be its own project root, or it lints a part of its files with
    the repository's settings and the repository's files as its project."""
    (tmp_path / "pyproject.toml").write_text('[tool.throughlint]\nextend-exclude = ["tests"]\n')
    tests = corpus / "alpha" / "tests" / "test_mod.py"
    tests.parent.mkdir()
    tests.write_text("def test_f(rows):\n    return rows\n")
    work, files = run.slice_project(_files(corpus), 1)
    line = _index_line([sys.executable, "-m", "throughlint", "--no-cache", "."], work)
    assert f"{len(files)} file(s) linted" in line, line
    assert "no other file in the project" in line, line
