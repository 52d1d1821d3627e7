"""Where a run without configuration places its project: never a walk of the file
system's root or of the home folder when the named paths lie far apart."""

from __future__ import annotations

import os

from throughlint.project import Project
from throughlint.settings import Settings

QUEUE = "import queue\n\njobs = queue.Queue()\n"


def test_far_apart_paths_are_linted_alone_not_their_common_home(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    for folder in ("one", "two", "unrelated"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "jobs.py").write_text(QUEUE)
    named = [str(tmp_path / "one" / "jobs.py"), str(tmp_path / "two" / "jobs.py")]
    project = Project.for_paths(Settings(project_root=str(tmp_path)), named, use_cache=False)
    assert project.root == os.path.abspath(tmp_path)
    assert sorted(os.path.abspath(path) for path in project.files()) == sorted(named)
    result = project.lint_paths(named)
    assert len({d.path for d in result.diagnostics}) == 2
    assert {d.code for d in result.diagnostics} == {"TL201"}


def test_a_named_device_does_not_widen_the_project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "jobs.py").write_text(QUEUE)
    paths = [str(tmp_path / "pkg" / "jobs.py"), os.devnull]
    project = Project.for_paths(Settings(project_root=str(tmp_path)), paths, use_cache=False)
    assert project.root == os.path.abspath(tmp_path / "pkg")
    assert project.scope == ()


def test_a_file_outside_the_current_project_is_not_linted_with_it(run_cli, tmp_path):
    """Run from inside a repository (the current folder looks like a project) on a file
    of another folder: the project is that file's folder, not the repository, whose
    files were collected into the index (bench/loops.py ran so from a checkout)."""
    repository = tmp_path / "repository"
    (repository / "pkg").mkdir(parents=True)
    (repository / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    for index in range(3):
        (repository / "pkg" / f"mod{index}.py").write_text(QUEUE)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "jobs.py").write_text(QUEUE)
    completed = run_cli(
        "--isolated", "--no-cache", "--verbose", str(elsewhere / "jobs.py"), cwd=repository
    )
    assert completed.returncode == 1, completed.stderr
    assert "no other file in the project" in completed.stderr, completed.stderr
    inside = run_cli("--isolated", "--no-cache", "--verbose", "pkg/mod0.py", cwd=repository)
    assert "facts of the 2 other project file(s)" in inside.stderr, inside.stderr
