"""``--diff-from`` against real git whatever the user's git configuration (issue 15,
items 9 and 10): names with spaces (git ends ``+++ b/my file.py`` with a tab),
``diff.mnemonicPrefix``, ``diff.noprefix``, and settings that reshape hunks or text."""

from __future__ import annotations

import pytest

from adoption.helpers import findings, git

OLD = "import queue\n\n\ndef make():\n    return 1\n"
NEW = OLD + "\n\nJOBS = queue.Queue()\n"


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "my file.py").write_text(OLD)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "jobs.py").write_text(OLD)
    (tmp_path / "plain.py").write_text(OLD)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    git(tmp_path, "switch", "-q", "-c", "feature")
    for name in ("my file.py", "b/jobs.py", "plain.py"):
        (tmp_path / name).write_text(NEW)
    git(tmp_path, "commit", "-qam", "a new queue in every file")
    return tmp_path


def _reported(run_cli, repo, *args):
    completed = run_cli(
        "--no-cache", "--format", "json", "--diff-from", "main", *args, ".", cwd=repo
    )
    return completed, sorted((d["path"], d["line"], d["code"]) for d in findings(completed))


EXPECTED = [("b/jobs.py", 8, "TL201"), ("my file.py", 8, "TL201"), ("plain.py", 8, "TL201")]


def test_a_name_with_a_space_keeps_its_new_finding(run_cli, repo):
    completed, reported = _reported(run_cli, repo)
    assert completed.returncode == 1, completed.stderr
    assert reported == EXPECTED


@pytest.mark.parametrize(
    "setting",
    [
        ("diff.mnemonicPrefix", "true"),
        ("diff.noprefix", "true"),
        ("diff.context", "10"),
        ("diff.interHunkContext", "10"),
        ("color.diff", "always"),
        ("color.ui", "always"),
        ("diff.relative", "true"),
    ],
)
def test_the_users_git_configuration_changes_nothing(run_cli, repo, setting):
    git(repo, "config", *setting)
    completed, reported = _reported(run_cli, repo)
    assert completed.returncode == 1, completed.stderr
    assert reported == EXPECTED


def test_merged_hunks_do_not_widen_the_changed_lines(run_cli, repo):
    """With ``diff.interHunkContext`` git merges nearby hunks, and the unchanged lines
    between them would count as changed: an old finding between two edits stays hidden."""
    source = "import queue\n\nA = 1\nOLD = queue.Queue()\nB = 2\n"
    (repo / "near.py").write_text(source)
    git(repo, "add", "near.py")
    git(repo, "commit", "-qm", "near")
    git(repo, "branch", "-f", "main")
    git(repo, "config", "diff.interHunkContext", "5")
    (repo / "near.py").write_text(source.replace("A = 1", "A = 10").replace("B = 2", "B = 20"))
    completed, reported = _reported(run_cli, repo)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert reported == []


def test_a_textconv_driver_does_not_move_the_lines(run_cli, repo):
    (repo / ".gitattributes").write_text("*.py diff=shout\n")
    git(repo, "config", "diff.shout.textconv", "sed 1i\\\\header")
    completed, reported = _reported(run_cli, repo)
    assert completed.returncode == 1, completed.stderr
    assert reported == EXPECTED
