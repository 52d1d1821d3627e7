"""One engine for every front-end: for every file of the fixture projects with a cross-file
finding, ``throughlint FILE``, ``Project.lint_buffer``, a real LSP session, a real
``pytest --throughlint`` run and the findings left after ``--fix`` report exactly what a
full run of the file's project reports for it."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from throughlint.config import load_settings
from throughlint.engine import lint_text
from throughlint.project import Project
from throughlint.rules import known_codes
from throughlint.settings import Settings

from conftest import FIXTURES

PROJECTS = FIXTURES / "projects"
_HEADER = re.compile(
    r"^(?P<path>\S+?):(?P<line>\d+):(?P<column>\d+): (?P<code>TL\d+) \[[a-z0-9-]+\] (?P<msg>.*)$"
)

Finding = tuple[int, int, str, str]  # line, column, code, message


def _cross_file_files() -> list[tuple[str, str]]:
    """(project, file) pairs whose full-run findings include one the file alone lacks."""
    pairs = []
    for project in sorted(p for p in PROJECTS.iterdir() if p.is_dir()):
        settings = Settings(project_root=str(project))
        full = Project(settings, str(project), use_cache=False).lint_paths([str(project)])
        for path in sorted(project.glob("*.py")):
            alone = {
                (d.span.line, d.code) for d in lint_text(path.read_text(), str(path), settings)
            }
            whole = {(d.span.line, d.code) for d in full.calls if d.path == str(path)}
            if whole - alone:
                pairs.append((project.name, path.name))
    return pairs


CROSS_FILE = _cross_file_files()


def test_the_fixture_projects_have_cross_file_findings():
    assert len(CROSS_FILE) >= 4, CROSS_FILE
    assert {"django_shop", "sqlalchemy_etl", "dbapi_etl"} <= {p for p, _ in CROSS_FILE}


def _copy(project: str, into: Path) -> Path:
    """``into/pyproject.toml`` and ``into/<project>/``: the project's root is ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    (into / "pyproject.toml").write_text("[tool.throughlint]\n")
    shutil.copytree(PROJECTS / project, into / project)
    return into


def _json_findings(completed, path: str) -> list[tuple]:
    assert completed.returncode in (0, 1), completed.stderr
    return sorted(
        (d["line"], d["column"], d["code"], d["message"], d["priority"])
        for d in json.loads(completed.stdout)["diagnostics"]
        if d["path"] == path
    )


def _plain(findings) -> list[Finding]:
    return sorted(item[:4] for item in findings)


@pytest.fixture(scope="module")
def full_runs(tmp_path_factory):
    """Each project copied once, with its full-run findings per file."""
    import subprocess

    runs = {}
    for project in sorted({p for p, _ in CROSS_FILE}):
        root = _copy(project, tmp_path_factory.mktemp(project))
        completed = subprocess.run(
            [sys.executable, "-m", "throughlint", "--format", "json", "--no-cache", project],
            cwd=root,
            capture_output=True,
            text=True,
        )
        runs[project] = (root, completed)
    return runs


@pytest.fixture(params=CROSS_FILE, ids=[f"{p}/{f}" for p, f in CROSS_FILE])
def case(request, full_runs):
    project, name = request.param
    root, completed = full_runs[project]
    relative = f"{project}/{name}"
    return root, relative, _json_findings(completed, relative)


def test_one_file_cli_matches_the_full_run(case, run_cli):
    root, relative, expected = case
    assert expected
    for extra in (["--no-cache"], [], []):  # without a cache, then cold and warm caches
        completed = run_cli("--format", "json", *extra, relative, cwd=root)
        assert _json_findings(completed, relative) == expected, extra


def test_lint_buffer_matches_the_full_run(case):
    root, relative, expected = case
    path = root / relative
    settings = load_settings(None, str(path), known_codes())
    project = Project.for_paths(settings, [str(path)], use_cache=False)
    found = project.lint_buffer(str(path), path.read_text(), shown=relative)
    assert _plain((d.span.line, d.span.column, d.code, d.message) for d in found) == _plain(
        expected
    )


def test_lsp_publishes_what_the_full_run_reports(case):
    from adoption.test_lsp import _in_process_session, _open

    root, relative, expected = case
    path = root / relative
    published: list = []

    async def scenario(session) -> None:
        _open(session, path.as_uri(), path.read_text())
        published.extend(await session.next_diagnostics(path.as_uri()))

    asyncio.run(_in_process_session(scenario, str(root)))
    lines = path.read_text().splitlines()
    got = []
    for d in published:
        # LSP columns are 0-based UTF-16 units; the fixtures are ASCII
        assert lines[d.range.start.line].isascii()
        got.append((d.range.start.line + 1, d.range.start.character + 1, d.code, d.message))
    assert sorted(got) == _plain(expected)


def test_pytest_lint_item_reports_what_the_full_run_reports(case, pytester, monkeypatch):
    root, relative, expected = case
    monkeypatch.setenv("CI", "true")  # as on CI, where pytest does not cut summary lines
    project = relative.split("/")[0]
    shutil.copytree(root / project, pytester.path / project)
    (pytester.path / "pyproject.toml").write_text("[tool.throughlint]\n")
    # the project's folder, not the file: pytest would import a file named on its own. In a
    # process of its own, as a user runs it (in-process state is tested in
    # tests/engine/test_state_between_lints.py and tests/adoption/test_lsp_long_lived.py)
    result = pytester.runpytest_subprocess("--throughlint", "-p", "no:cacheprovider", project)
    assert f"{relative}::throughlint FAILED" in result.stdout.str() or result.ret == 1
    got = []
    for line in result.outlines:
        match = _HEADER.match(line)
        if match and match["path"] == relative:
            got.append((int(match["line"]), int(match["column"]), match["code"], match["msg"]))
    want = _plain(expected)
    assert [item[:3] for item in sorted(got)] == [item[:3] for item in want]
    for (*_, shown), (*_, message) in zip(sorted(got), want, strict=True):
        assert shown.startswith(message)  # then the fix's description, if any


def test_findings_left_after_fix_are_those_of_a_full_run_after_it(case, run_cli, tmp_path):
    _, relative, _ = case
    project = relative.split("/")[0]
    work = _copy(project, tmp_path / "fixed")
    fixed = run_cli("--fix", "--unsafe-fixes", "--format", "json", relative, cwd=work)
    remaining = _json_findings(fixed, relative)
    after = _json_findings(run_cli("--format", "json", "--no-cache", project, cwd=work), relative)
    assert remaining == after
    text = run_cli("--fix", "--unsafe-fixes", relative, cwd=work)  # nothing left to fix
    assert bool(remaining) == ("All checks passed" not in text.stdout), text.stdout
