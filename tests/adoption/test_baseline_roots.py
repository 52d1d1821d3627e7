"""Baselines without a configuration file (issue 15, items 7 and 8): paths count from the
git work tree, else from the baseline's folder, never from the current folder; recorded
findings of files that were deleted or moved are reported as gone."""

from __future__ import annotations

import json

import pytest

from adoption.helpers import findings, git, init_repo, write_project


def _json(run_cli, *args, cwd):
    completed = run_cli("--no-cache", "--format", "json", *args, cwd=cwd)
    assert completed.stdout, completed.stderr
    return completed, json.loads(completed.stdout)


@pytest.fixture(params=["git", "plain"])
def project(request, tmp_path):
    root = tmp_path / "project"
    write_project(root)
    if request.param == "git":
        init_repo(root)
    return root


def test_a_baseline_written_at_the_root_works_from_a_subfolder(run_cli, project):
    written = run_cli("--no-cache", "--write-baseline", "bl.json", ".", cwd=project)
    assert written.returncode == 0, written.stderr
    recorded = json.loads((project / "bl.json").read_text())["findings"]
    assert {entry["path"] for entry in recorded} == {"app/orders.py", "app/reports.py"}
    completed, document = _json(run_cli, "--baseline", "../bl.json", ".", cwd=project / "app")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert document["diagnostics"] == []
    assert document["summary"]["baseline"]["hidden"] == len(recorded)
    assert document["summary"]["baseline"]["gone"] == 0


def test_a_baseline_written_from_a_subfolder_works_at_the_root(run_cli, project):
    written = run_cli("--no-cache", "--write-baseline", "../bl.json", ".", cwd=project / "app")
    assert written.returncode == 0, written.stderr
    recorded = json.loads((project / "bl.json").read_text())["findings"]
    completed = run_cli("--no-cache", "--baseline", "bl.json", ".", cwd=project)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert f"{len(recorded)} baselined finding(s) hidden" in completed.stderr


def test_the_git_root_counts_for_a_baseline_kept_in_a_subfolder(run_cli, tmp_path):
    root = tmp_path / "repo"
    write_project(root)
    (root / "ci").mkdir()
    init_repo(root)
    run_cli("--no-cache", "--write-baseline", "ci/bl.json", ".", cwd=root)
    recorded = json.loads((root / "ci" / "bl.json").read_text())["findings"]
    assert {entry["path"] for entry in recorded} == {"app/orders.py", "app/reports.py"}
    completed = run_cli("--no-cache", "--baseline", "../ci/bl.json", ".", cwd=root / "app")
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_a_deleted_file_is_reported_gone(run_cli, project):
    run_cli("--no-cache", "--write-baseline", "bl.json", ".", cwd=project)
    recorded = json.loads((project / "bl.json").read_text())["findings"]
    assert sum(entry["path"] == "app/reports.py" for entry in recorded) == 1
    (project / "app" / "reports.py").unlink()
    completed, document = _json(run_cli, "--baseline", "bl.json", ".", cwd=project)
    assert completed.returncode == 0, completed.stderr
    baseline = document["summary"]["baseline"]
    assert baseline["missing_files"] == ["app/reports.py"]
    assert baseline["gone"] == 1 and baseline["hidden"] == len(recorded) - 1
    assert "no longer exist (deleted or moved): app/reports.py" in completed.stderr
    assert "1 baselined finding(s) are gone" in completed.stderr


def test_a_deleted_file_is_gone_even_when_only_some_files_are_linted(run_cli, project):
    """pre-commit passes only the changed files: the others are not gone, a deleted one is."""
    run_cli("--no-cache", "--write-baseline", "bl.json", ".", cwd=project)
    (project / "app" / "reports.py").unlink()
    completed, document = _json(run_cli, "--baseline", "bl.json", "app/__init__.py", cwd=project)
    assert document["summary"]["baseline"]["gone"] == 1, completed.stderr
    assert document["summary"]["baseline"]["missing_files"] == ["app/reports.py"]


def test_a_moved_file_is_gone_and_its_findings_are_new(run_cli, tmp_path):
    root = tmp_path / "repo"
    write_project(root)
    init_repo(root)
    run_cli("--no-cache", "--write-baseline", "bl.json", ".", cwd=root)
    git(root, "mv", "app/reports.py", "app/pages.py")
    completed, document = _json(run_cli, "--baseline", "bl.json", ".", cwd=root)
    assert completed.returncode == 1, completed.stderr
    assert [d["path"] for d in findings(completed)] == ["app/pages.py"]
    assert document["summary"]["baseline"]["missing_files"] == ["app/reports.py"]
    assert document["summary"]["baseline"]["gone"] == 1
