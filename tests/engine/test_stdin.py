"""``throughlint - --stdin-filename PATH``, as ruff: stdin is linted as that file of its
project (index included) and reported under its name; ``--fix`` prints the fixed source."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from conftest import FIXTURES

SHOP = FIXTURES / "projects" / "django_shop"


def _run(*args: str, stdin: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "throughlint", *args],
        input=stdin.encode(),
        capture_output=True,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )


def _diagnostics(completed) -> list[tuple]:
    assert completed.returncode in (0, 1), completed.stderr
    document = json.loads(completed.stdout)
    return [(d["path"], d["line"], d["code"], d["message"]) for d in document["diagnostics"]]


def test_stdin_is_linted_as_the_named_file_of_its_project(tmp_path, run_cli):
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    shutil.copytree(SHOP, tmp_path / "django_shop")
    views = (tmp_path / "django_shop" / "views.py").read_text()
    full = _diagnostics(run_cli("--format", "json", "django_shop", cwd=tmp_path))
    expected = [d for d in full if d[0] == "django_shop/views.py"]
    # the relations of models.py: five queries grouped at the loop of book_list
    assert any(d[1] == 9 and d[3].startswith("5 queries per item") for d in expected)
    name = "django_shop/views.py"
    piped = _run("-", "--stdin-filename", name, "--format", "json", stdin=views, cwd=tmp_path)
    assert _diagnostics(piped) == expected
    # the buffer, not the file on disk: an edit in the piped text shows
    edited = views.replace("def ", "def unused():\n    pass\n\n\ndef ", 1)
    shifted = _run("-", "--stdin-filename", name, "--format", "json", stdin=edited, cwd=tmp_path)
    assert [d[1] for d in _diagnostics(shifted)] == [d[1] + 4 for d in expected]


def test_stdin_fix_prints_the_fixed_source(tmp_path):
    bad = "import queue\n\njobs = queue.Queue()\n"
    fixed = _run(
        "-", "--stdin-filename", "jobs.py", "--fix", "--unsafe-fixes", stdin=bad, cwd=tmp_path
    )
    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout.decode() == "import queue\n\njobs = queue.Queue(maxsize=1000)\n"
    assert not (tmp_path / "jobs.py").exists()
    linted = _run(
        "-", "--stdin-filename", "jobs.py", "--format", "concise", stdin=bad, cwd=tmp_path
    )
    assert linted.returncode == 1
    assert linted.stdout.decode().startswith("jobs.py:3:8: TL201")


def test_stdin_filename_without_dash_is_a_usage_error(tmp_path):
    completed = _run("--stdin-filename", "x.py", "x.py", stdin="", cwd=tmp_path)
    assert completed.returncode == 2
    assert b"--stdin-filename needs `-`" in completed.stderr
