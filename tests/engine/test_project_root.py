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
