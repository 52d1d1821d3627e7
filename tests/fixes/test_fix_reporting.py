"""What the command says about fixes agrees with what ``--fix`` does (issue 13, 7-11):
comments inside a rewritten call survive, ``[*]`` and "N fixable with `--fix`" count
only safe fixes that ``--diff`` applies (unsafe ones counted apart), a declined fix says
why, ``--fix`` leaves findings hidden by ``--baseline`` / ``--diff-from`` alone, and the
remaining count after ``--fix`` includes cross-file findings."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from fix_support import fix_source

from throughlint import fixing

SAFE_LOOP = """\
import sqlite3


def save(conn: sqlite3.Connection, items):
    rows = list(items)
    for row in rows:
        conn.execute(
            "INSERT INTO t (a) VALUES (?)",
            row,  # keep this comment
        )
"""

ONE_LINE = """\
import sqlite3


def save(conn: sqlite3.Connection, items):
    rows = list(items)
    for row in rows: conn.execute("INSERT INTO t (a) VALUES (?)", row)
"""

UNSAFE_LOOP = """\
import sqlite3


def save(conn: sqlite3.Connection, rows):
    for row in rows:
        conn.execute("INSERT INTO t (a) VALUES (?)", row)
"""

DECLINED_LOOP = """\
import sqlite3


def save(conn: sqlite3.Connection, items):
    rows = list(items)
    cur = conn.cursor()
    for row in rows:
        cur.execute("INSERT INTO t (a) VALUES (?)", row)
    return cur.lastrowid
"""


def _fixable(stdout: str) -> tuple[int, int]:
    safe = re.search(r"(\d+) fixable with `--fix`", stdout)
    more = re.search(r"(\d+) (?:more|fixable) with `--unsafe-fixes`", stdout)
    return int(safe.group(1)) if safe else 0, int(more.group(1)) if more else 0


def _would_fix(stderr: str) -> int:
    return int(re.search(r"Would fix (\d+) diagnostic", stderr).group(1))


def test_7_comment_inside_the_rewritten_call_survives(run_cli, tmp_path):
    (tmp_path / "app.py").write_text(SAFE_LOOP)
    completed = run_cli("--fix", "--no-cache", "--isolated", "app.py")
    fixed = (tmp_path / "app.py").read_text()
    assert "executemany(" in fixed, completed.stderr
    assert "# keep this comment" in fixed


def test_8_one_line_loop_star_count_and_diff_agree(run_cli, tmp_path):
    (tmp_path / "app.py").write_text(ONE_LINE)
    lint = run_cli("--no-cache", "--isolated", "app.py")
    diff = run_cli("--diff", "--no-cache", "--isolated", "app.py")
    stars = lint.stdout.count("[*]")
    assert "TL102" in lint.stdout
    assert stars == _fixable(lint.stdout)[0] == _would_fix(diff.stderr)


@pytest.mark.parametrize(
    ("source", "safe", "unsafe"),
    [(SAFE_LOOP, 1, 0), (UNSAFE_LOOP, 0, 1), (DECLINED_LOOP, 0, 0)],
    ids=["safe", "unsafe", "declined"],
)
def test_9_star_and_counts_are_only_safe_fixes(run_cli, tmp_path, source, safe, unsafe):
    (tmp_path / "app.py").write_text(source)
    lint = run_cli("--no-cache", "--isolated", "app.py")
    assert "TL102" in lint.stdout
    assert lint.stdout.count("[*]") == safe
    assert _fixable(lint.stdout) == (safe, unsafe)
    assert _would_fix(run_cli("--diff", "--no-cache", "--isolated", "app.py").stderr) == safe
    both = run_cli("--diff", "--unsafe-fixes", "--no-cache", "--isolated", "app.py")
    assert _would_fix(both.stderr) == safe + unsafe


def test_declined_fix_says_why_in_diff_verbose_and_json(run_cli, tmp_path):
    (tmp_path / "app.py").write_text(DECLINED_LOOP)
    reason = "`cur.lastrowid` is read outside the loop"
    diff = run_cli("--diff", "--unsafe-fixes", "--no-cache", "--isolated", "app.py")
    assert f"app.py:8:9: TL102: fix declined: {reason}" in diff.stderr
    verbose = run_cli("--fix", "--verbose", "--no-cache", "--isolated", "app.py")
    assert reason in verbose.stderr
    quiet = run_cli("--fix", "--no-cache", "--isolated", "app.py")
    assert reason not in quiet.stderr
    document = json.loads(run_cli("--no-cache", "--isolated", "--format", "json").stdout)
    (fix,) = [d["fix"] for d in document["diagnostics"] if d["code"] == "TL102"]
    assert fix["declined"].startswith(reason)
    assert document["summary"]["fixable"] == 0


def test_unsafe_fix_not_applied_is_named_with_verbose(run_cli, tmp_path):
    (tmp_path / "app.py").write_text(UNSAFE_LOOP)
    verbose = run_cli("--fix", "--verbose", "--no-cache", "--isolated", "app.py")
    assert "unsafe fix not applied (`--unsafe-fixes`)" in verbose.stderr
    assert (tmp_path / "app.py").read_text() == UNSAFE_LOOP


def test_10_fix_honours_the_baseline(run_cli, tmp_path):
    (tmp_path / "old.py").write_text(SAFE_LOOP)
    written = run_cli("--no-cache", "--isolated", "--write-baseline", "base.json", ".")
    assert written.returncode == 0, written.stderr
    (tmp_path / "new.py").write_text(SAFE_LOOP)
    fixed = run_cli("--fix", "--no-cache", "--isolated", "--baseline", "base.json", ".")
    assert (tmp_path / "old.py").read_text() == SAFE_LOOP, fixed.stderr
    assert "executemany(" in (tmp_path / "new.py").read_text()


def _git(folder, *args):
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def test_10_fix_honours_diff_from(run_cli, tmp_path):
    (tmp_path / "old.py").write_text(SAFE_LOOP)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "start")
    (tmp_path / "new.py").write_text(SAFE_LOOP)
    _git(tmp_path, "add", "new.py")
    fixed = run_cli("--fix", "--no-cache", "--isolated", "--diff-from", "HEAD", ".")
    assert (tmp_path / "old.py").read_text() == SAFE_LOOP, fixed.stderr
    assert "executemany(" in (tmp_path / "new.py").read_text(), fixed.stderr


MODELS = """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=20)


class Book(models.Model):
    title = models.CharField(max_length=20)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
"""

VIEWS = """\
from shop.models import Book


def names():
    for book in Book.objects.all():
        notify(book.author.name)
"""


def test_11_remaining_after_fix_counts_cross_file_findings(run_cli, tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "models.py").write_text(MODELS)
    (tmp_path / "shop" / "views.py").write_text(VIEWS)
    (tmp_path / "shop" / "load.py").write_text(SAFE_LOOP)
    before = run_cli("--no-cache", "--isolated", "--format", "concise", ".")
    assert "TL101" in before.stdout, before.stdout
    fixed = run_cli("--fix", "--no-cache", "--isolated", "--format", "concise", ".")
    assert "executemany(" in (tmp_path / "shop" / "load.py").read_text()
    remaining = int(re.search(r"; (\d+) remaining", fixed.stderr).group(1))
    assert remaining == fixed.stdout.count(": TL") >= 1
    assert "TL101" in fixed.stdout


def test_fixable_counts_agree_with_diff_on_the_demo_and_fixture_projects(run_cli, tmp_path):
    """``[*]`` = "N fixable with `--fix`" = what ``--diff`` fixes; with
    ``--unsafe-fixes`` every offered fix is applied (a fix may enable another in a later
    round, so that count can only grow) and none is left offered afterwards."""
    import shutil

    from conftest import FIXTURES

    projects = [FIXTURES / "demo", *sorted((FIXTURES / "projects").iterdir())]
    for project in (p for p in projects if p.is_dir()):
        lint = run_cli("--no-cache", ".", cwd=project)
        safe, unsafe = _fixable(lint.stdout)
        assert lint.stdout.count("[*]") == safe, project
        diff = run_cli("--diff", "--no-cache", ".", cwd=project)
        assert _would_fix(diff.stderr) == safe, (project, diff.stderr)
        copy = tmp_path / project.name
        shutil.copytree(project, copy)
        fixed = run_cli("--fix", "--unsafe-fixes", "--no-cache", "--format", "json", ".", cwd=copy)
        applied = int(re.search(r"Fixed (\d+) diagnostic", fixed.stderr).group(1))
        assert applied >= safe + unsafe, (project, fixed.stderr)
        left = json.loads(fixed.stdout)["diagnostics"]
        assert not [d for d in left if d["fix"] and "declined" not in d["fix"]], project


def test_the_round_limit_is_said_not_silent(monkeypatch):
    """A fix that needs another round after the last one: the file says how many fixes
    were left and to run ``--fix`` again (the executemany fix waits for the commit fix)."""
    before = Path(__file__).parent / "golden" / "commit_then_executemany.before"
    text = before.read_text(encoding="utf-8")
    monkeypatch.setattr(fixing, "MAX_ROUNDS", 1)
    item = fix_source(text, unsafe=True)
    assert [d.fix.kind for d in item.applied] == ["commit-after-loop"]
    assert item.error == "stopped after 1 fix rounds with 1 fix(es) left; run --fix again"
    monkeypatch.setattr(fixing, "MAX_ROUNDS", 2)
    assert fix_source(text, unsafe=True).error is None
