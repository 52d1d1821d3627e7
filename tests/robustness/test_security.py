"""throughlint never imports, executes or evaluates the code it analyses, never loads a
cache by unpickling, validates its configuration, and ``--fix`` never writes outside the
project through a symlink. Planted code would leave a marker file if it ever ran."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CONSOLE_SCRIPT = shutil.which("throughlint", path=os.path.dirname(sys.executable))


def _payload(marker: Path) -> str:
    return f"open({str(marker)!r}, 'w').write('executed')"


def _plant(root: Path, markers: Path) -> None:
    """Code that writes a marker wherever Python would run it: module level, package
    __init__, conftest, setup.py, decorators, defaults, annotations, class bodies, and
    modules shadowing ones the linter itself imports."""
    root.mkdir(parents=True, exist_ok=True)
    markers.mkdir(exist_ok=True)

    def plant(relative: str, template: str) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        code = _payload(markers / relative.replace("/", "__"))
        path.write_text(template.format(code=code))

    module_level = "import queue\n{code}\nq = queue.Queue()\n"
    plant("evil.py", module_level)
    plant("pkg/__init__.py", module_level)
    plant("conftest.py", module_level)
    plant("setup.py", module_level)
    plant("sitecustomize.py", module_level)
    plant("usercustomize.py", module_level)
    # Modules the linter imports by name: a shadow in the linted folder must not load.
    for shadow in (
        "ast.py",
        "json.py",
        "tokenize.py",
        "queue.py",
        "fnmatch.py",
        "libcst/__init__.py",
        "throughlint/__init__.py",
        "rich/__init__.py",
    ):
        plant(shadow, module_level)
    plant("decorated.py", "def deco(f):\n    {code}\n    return f\n\n@deco\ndef g():\n    pass\n")
    plant("defaults.py", "def f(x=({code})):\n    return x\n")
    plant(
        "annotations.py",
        "x: ({code}) = 1\ndef f(a: '{code_str}'): pass\n".replace("{code_str}", '__import__("os")'),
    )
    plant("class_body.py", "class C:\n    {code}\n")
    plant("typed.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    {code}\n")
    plant("strings.py", "x = eval({code!r})\nexec({code!r})\n".replace("{code!r}", "'{code}'"))
    plant("fixable.py", "import queue\n\n{code}\njobs = queue.Queue()\n")


def _console(root: Path, *args: str):
    assert CONSOLE_SCRIPT, "the throughlint console script is not installed"
    return subprocess.run(
        [CONSOLE_SCRIPT, *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "NO_COLOR": "1"},
    )


@pytest.mark.parametrize(
    "args",
    [
        ("--jobs", "2", "--format", "sarif", "."),  # worker processes and the cache
        ("--jobs", "1", "--fix", "--unsafe-fixes", "."),
        ("--diff", "--unsafe-fixes", "."),
    ],
    ids=["lint-workers-cache-sarif", "fix", "diff"],
)
def test_planted_code_never_runs(tmp_path, args):
    root, markers = tmp_path / "project", tmp_path / "markers"
    _plant(root, markers)
    completed = _console(root, *args)
    assert "Traceback" not in completed.stderr, completed.stderr
    assert completed.returncode in (0, 1), completed.stderr
    assert not list(markers.iterdir()), "analysed code was executed"
    if "--fix" in args:  # the fix really ran over the planted files
        assert "maxsize=" in (root / "fixable.py").read_text()


def test_cache_is_never_unpickled(tmp_path):
    root, markers = tmp_path / "project", tmp_path / "markers"
    _plant(root, markers)
    _console(root, "--jobs", "1", ".")
    [cache_file] = (root / ".throughlint_cache").glob("*.json")

    class Exploit:
        def __reduce__(self):
            return (os.system, (f"touch {markers / 'unpickled'}",))

    cache_file.write_bytes(pickle.dumps(Exploit()))
    completed = _console(root, "--jobs", "1", ".")
    assert "Traceback" not in completed.stderr
    assert not list(markers.iterdir())
    json.loads(cache_file.read_text())  # replaced by a fresh JSON cache


@pytest.mark.parametrize(
    ("setting", "key"),
    [
        ("small-loop-max = \"__import__('os').system('touch {marker}')\"", "small-loop-max"),
        ("max-threads = -5", "max-threads"),
        ("queue-maxsize = 1.5", "queue-maxsize"),
        ('select = "TL2"', "select"),
        ('select = ["NOPE"]', "select"),
        ("query-functions = [1, 2]", "query-functions"),
        ('per-file-ignores = {{"a.py" = 3}}', "per-file-ignores"),
        ("no-such-key = true", "no-such-key"),
    ],
)
def test_bad_config_values_are_clear_errors(tmp_path, setting, key):
    marker = tmp_path / "marker"
    (tmp_path / "pyproject.toml").write_text(
        "[tool.throughlint]\n" + setting.format(marker=marker) + "\n"
    )
    (tmp_path / "a.py").write_text("x = 1\n")
    completed = _console(tmp_path, "--no-cache", ".")
    assert completed.returncode == 2, (completed.stdout, completed.stderr)
    assert "Traceback" not in completed.stderr
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and key in lines[0], completed.stderr
    assert not marker.exists()


def test_fix_never_writes_outside_the_project_through_a_linked_folder(tmp_path):
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    (project / "pyproject.toml").write_text("[tool.throughlint]\n")
    victim = outside / "victim.py"
    victim.write_text("import queue\n\njobs = queue.Queue()\n")
    os.symlink(outside, project / "linked")
    # Walking the project does not follow the linked folder...
    walked = _console(project, "--no-cache", "--fix", "--unsafe-fixes", ".")
    assert "victim.py" not in walked.stdout
    # ...and naming a file through it lints it but never writes it.
    named = _console(project, "--no-cache", "--fix", "--unsafe-fixes", "linked/victim.py")
    assert "Traceback" not in named.stderr
    assert victim.read_text() == "import queue\n\njobs = queue.Queue()\n"
    assert "outside" in named.stderr


def test_file_names_cannot_inject_github_workflow_commands(tmp_path):
    """A hostile file name (newlines, ``::``) stays inside its own annotation line."""
    hostile = "x\n::error file=evil.py::pwned\n.py"
    (tmp_path / hostile).write_text("import queue\nq = queue.Queue()\n")
    (tmp_path / "utf16.py").write_bytes(b"# coding: utf-16\nx = 1\n")
    completed = _console(tmp_path, "--no-cache", "--format", "github", ".")
    assert "Traceback" not in completed.stderr
    lines = completed.stdout.splitlines()
    assert len(lines) == 2, completed.stdout
    assert all(line.startswith(("::warning file=", "::error file=")) for line in lines)
    assert not any(line.startswith("::error file=evil.py") for line in lines)
