"""The pre-commit hook, for real: ``pre-commit try-repo`` installs this repository into its
own environment and runs the hook on a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

BAD = "import queue\n\njobs = queue.Queue()\n"
GOOD = "import queue\n\njobs = queue.Queue(maxsize=100)\n"


def _pre_commit() -> list[str]:
    executable = Path(sys.executable).parent / "pre-commit"
    if executable.exists():
        return [str(executable)]
    found = shutil.which("pre-commit")
    assert found, "pre-commit is a test dependency: pip install -e '.[test]'"
    return [found]


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def user_repo(tmp_path):
    repo = tmp_path / "user-repo"
    repo.mkdir()
    for command in (
        ["git", "init", "-q"],
        ["git", "config", "user.email", "dev@example.invalid"],
        ["git", "config", "user.name", "dev"],
    ):
        subprocess.run(command, cwd=repo, check=True)
    return repo


def try_repo(repo: Path, home: Path, hook: str = "throughlint") -> subprocess.CompletedProcess:
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    return subprocess.run(
        [*_pre_commit(), "try-repo", str(ROOT), hook, "--all-files", "--color", "never"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def test_hook_fails_on_a_bad_file_and_passes_on_a_clean_one(user_repo, pre_commit_home):
    (user_repo / "jobs.py").write_text(BAD)
    failed = try_repo(user_repo, pre_commit_home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "TL201" in failed.stdout and "jobs.py:3:8" in failed.stdout
    (user_repo / "jobs.py").write_text(GOOD)
    passed = try_repo(user_repo, pre_commit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


def test_hook_honours_exclude_for_files_pre_commit_passes(user_repo, pre_commit_home):
    (user_repo / "pyproject.toml").write_text("[tool.throughlint]\nextend-exclude = ['vendor']\n")
    (user_repo / "vendor").mkdir()
    (user_repo / "vendor" / "lib.py").write_text(BAD)
    (user_repo / "app.py").write_text(GOOD)
    result = try_repo(user_repo, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
