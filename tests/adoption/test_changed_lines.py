"""``--diff-from REF`` in real temporary git repositories."""

from __future__ import annotations

import pytest

from adoption.helpers import NEW_FINDING, REPORTS, findings, git, init_repo, write_project
from throughlint.changed_lines import parse_diff


def _lint(tl, *args, cwd):
    return tl("--no-cache", "--format", "json", *args, cwd=cwd)


@pytest.fixture
def repo(tmp_path):
    write_project(tmp_path)
    init_repo(tmp_path)
    git(tmp_path, "switch", "-q", "-c", "feature")
    return tmp_path


def test_only_findings_on_changed_lines(run_cli, repo):
    orders = repo / "app" / "orders.py"
    # An unrelated edit above old findings moves them without changing them...
    orders.write_text("# header\n" + orders.read_text() + NEW_FINDING)
    git(repo, "commit", "-qam", "new rebuild job")
    # ...and a changed line with an old finding on it counts as changed (uncommitted too).
    reports = repo / "app" / "reports.py"
    reports.write_text(REPORTS.replace("ThreadPoolExecutor() as pool", "ThreadPoolExecutor() as p"))
    completed = _lint(run_cli, "--diff-from", "main", ".", cwd=repo)
    assert completed.returncode == 1, completed.stderr
    reported = [(d["path"], d["line"]) for d in findings(completed)]
    last = len(orders.read_text().splitlines())
    assert reported == [("app/orders.py", last), ("app/reports.py", 6)]
    assert "finding(s) on lines unchanged since main" in completed.stderr
    # Without --diff-from, everything is there.
    assert len(findings(_lint(run_cli, ".", cwd=repo))) == 5


def test_untracked_files_are_new_in_every_line(tl, repo):
    (repo / "app" / "jobs.py").write_text("import queue\n\nJOBS = queue.Queue()\n")
    completed = _lint(tl, "--diff-from", "main", "app", cwd=repo)
    assert [(d["path"], d["code"]) for d in findings(completed)] == [("app/jobs.py", "TL201")]


def test_changes_made_on_the_base_branch_after_the_fork_do_not_count(tl, repo):
    (repo / "notes.txt").write_text("feature work\n")
    git(repo, "add", "notes.txt")
    git(repo, "commit", "-qm", "feature")
    git(repo, "switch", "-q", "main")
    reports = repo / "app" / "reports.py"
    reports.write_text("# edited on main\n" + REPORTS.replace("as pool", "as workers"))
    git(repo, "commit", "-qam", "main moves on")
    git(repo, "switch", "-q", "feature")
    # The feature branch still has the old reports.py: a plain diff against main would call
    # its lines changed; against the merge base nothing changed.
    completed = _lint(tl, "--diff-from", "main", ".", cwd=repo)
    assert completed.returncode == 0, completed.stderr
    assert findings(completed) == []


def test_a_moved_file_is_not_new_code(tl, repo):
    git(repo, "mv", "app/reports.py", "app/rendering.py")
    completed = _lint(tl, "--diff-from", "main", ".", cwd=repo)
    assert findings(completed) == []
    rendering = repo / "app" / "rendering.py"
    rendering.write_text(rendering.read_text().replace("as pool", "as workers"))
    changed = findings(_lint(tl, "--diff-from", "main", ".", cwd=repo))
    assert [(d["path"], d["line"]) for d in changed] == [("app/rendering.py", 6)]


def test_clean_diff_exits_zero(tl, repo):
    completed = _lint(tl, "--diff-from", "HEAD", ".", cwd=repo)
    assert completed.returncode == 0 and findings(completed) == []


def test_bad_reference_and_no_repository_are_usage_errors(tl, repo, tmp_path_factory):
    bad = tl("--no-cache", "--diff-from", "no-such-branch", ".", cwd=repo)
    assert bad.returncode == 2
    assert "unknown git revision 'no-such-branch'" in bad.stderr
    outside = tmp_path_factory.mktemp("plain")
    write_project(outside)
    plain = tl("--no-cache", "--diff-from", "main", ".", cwd=outside)
    assert plain.returncode == 2 and "is not in a git repository" in plain.stderr


def test_diff_from_with_a_baseline(tl, repo):
    tl("--no-cache", "--write-baseline", "b.json", "app", cwd=repo)
    orders = repo / "app" / "orders.py"
    orders.write_text(orders.read_text() + NEW_FINDING)
    completed = _lint(tl, "--diff-from", "main", "--baseline", "b.json", "app", cwd=repo)
    assert [d["code"] for d in findings(completed)] == ["TL203"]
    assert "4 baselined finding(s) hidden" in completed.stderr
    assert "gone" not in completed.stderr
    # The baseline records every finding, whatever --diff-from says.
    run_diff = _lint(tl, "--diff-from", "main", "--write-baseline", "c.json", "app", cwd=repo)
    assert "wrote 5 finding(s)" in run_diff.stderr


def test_parse_diff_hunks_and_names(tmp_path):
    diff = (
        "diff --git a/a.py b/a.py\n"
        "--- a/a.py\n+++ b/a.py\n"
        "@@ -3,0 +4,2 @@ def f():\n+x\n+y\n"
        "@@ -10 +12 @@\n-old\n+new\n"
        "@@ -20,3 +21,0 @@\n-gone\n-gone\n-gone\n"
        'diff --git "a/we ird\\t.py" "b/we ird\\t.py"\n'
        '--- "a/we ird\\t.py"\n+++ "b/we ird\\t.py"\n'
        "@@ -1 +1 @@\n-a\n+b\n"
        "diff --git a/deleted.py b/deleted.py\n--- a/deleted.py\n+++ /dev/null\n"
        "@@ -1,2 +0,0 @@\n-a\n-b\n"
    )
    files = parse_diff(diff, str(tmp_path))
    assert files == {
        str((tmp_path / "a.py").resolve()): {4, 5, 12},
        str((tmp_path / "we ird\t.py").resolve()): {1},
    }
