"""What git's ignore patterns match is kept in the cache folder between runs
(``git_ignore_memo.py``) and asked again when anything it depends on changes: a
``.gitignore``, a config naming an excludes file, the set of files. Which matched files
are tracked (``git add -f``) is asked each run."""

from __future__ import annotations

import json
import subprocess

import pytest

BAD = "import queue\nq = queue.Queue()\n"


@pytest.fixture
def repo(tmp_path):
    for name in ("app/main.py", "app/sub/deep.py", "generated/out.py"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(BAD)
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / ".gitignore").write_text("generated/\n")
    return tmp_path


def linted(run_cli, root, **kwargs) -> list[str]:
    """The files with a finding, from a run with the cache on."""
    completed = run_cli("--format", "json", ".", cwd=root, **kwargs)
    assert completed.returncode in (0, 1), completed.stderr
    return sorted({d["path"] for d in json.loads(completed.stdout)["diagnostics"]})


def test_the_answer_is_reused_without_git(run_cli, repo, tmp_path_factory):
    assert linted(run_cli, repo) == ["app/main.py", "app/sub/deep.py"]
    assert (repo / ".throughlint_cache" / "git-ignored.json").exists()
    no_git = tmp_path_factory.mktemp("no-git")  # a PATH where git cannot be found
    assert linted(run_cli, repo, env={"PATH": str(no_git)}) == ["app/main.py", "app/sub/deep.py"]


def test_an_edited_gitignore_is_seen(run_cli, repo):
    assert linted(run_cli, repo) == ["app/main.py", "app/sub/deep.py"]
    (repo / ".gitignore").write_text("app/sub/\n")
    assert linted(run_cli, repo) == ["app/main.py", "generated/out.py"]


def test_a_nested_gitignore_is_seen(run_cli, repo):
    assert linted(run_cli, repo) == ["app/main.py", "app/sub/deep.py"]
    (repo / "app" / ".gitignore").write_text("main.py\n")
    assert linted(run_cli, repo) == ["app/sub/deep.py"]


def test_a_file_added_to_the_index_is_seen(run_cli, repo):
    """A tracked file is never ignored: ``git add -f`` changes the answer."""
    assert linted(run_cli, repo) == ["app/main.py", "app/sub/deep.py"]
    subprocess.run(["git", "add", "-f", "generated/out.py"], cwd=repo, check=True)
    assert linted(run_cli, repo) == ["app/main.py", "app/sub/deep.py", "generated/out.py"]


def test_a_new_file_is_asked_about(run_cli, repo):
    assert linted(run_cli, repo) == ["app/main.py", "app/sub/deep.py"]
    (repo / "generated" / "more.py").write_text(BAD)
    (repo / "app" / "new.py").write_text(BAD)
    assert linted(run_cli, repo) == ["app/main.py", "app/new.py", "app/sub/deep.py"]


def test_an_excludes_file_in_the_config_is_never_memoised(run_cli, repo):
    """``core.excludesFile`` names a file the memo does not watch: git is asked each run."""
    excludes = repo / "excludes"
    excludes.write_text("app/sub/\n")
    subprocess.run(["git", "config", "core.excludesFile", str(excludes)], cwd=repo, check=True)
    assert linted(run_cli, repo) == ["app/main.py"]
    excludes.write_text("nothing\n")
    assert linted(run_cli, repo) == ["app/main.py", "app/sub/deep.py"]


def test_staging_a_file_keeps_the_answer(run_cli, repo, tmp_path_factory):
    """``git add`` (before every pre-commit run) changes the index, not the patterns: the
    patterns' answer is reused; only the files they match are checked for being tracked."""
    assert linted(run_cli, repo) == ["app/main.py", "app/sub/deep.py"]
    subprocess.run(["git", "add", "app/main.py"], cwd=repo, check=True)
    no_git = tmp_path_factory.mktemp("no-git")
    assert linted(run_cli, repo, env={"PATH": str(no_git)}) == ["app/main.py", "app/sub/deep.py"]
