"""Which files get linted: folders, excludes, .gitignore, explicit files, --force-exclude."""

from __future__ import annotations

import json
import subprocess

import pytest

BAD = "import queue\nq = queue.Queue()\n"


def linted(run_cli, *args, cwd):
    completed = run_cli("--format", "json", "--no-cache", *args, cwd=cwd)
    assert completed.returncode in (0, 1), completed.stderr
    return sorted({d["path"] for d in json.loads(completed.stdout)["diagnostics"]})


@pytest.fixture
def tree(tmp_path):
    for name in (
        "app/main.py",
        "app/sub/deep.py",
        "app/stub.pyi",
        ".venv/lib/site.py",
        "build/gen.py",
        "__pycache__/x.py",
        "node_modules/pkg/y.py",
        "generated/out.py",
        "notes.txt",
    ):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(BAD)
    return tmp_path


def test_default_excludes_skip_venvs_caches_and_builds(run_cli, tree):
    assert linted(run_cli, cwd=tree) == [
        "app/main.py",
        "app/stub.pyi",
        "app/sub/deep.py",
        "generated/out.py",
    ]


def test_extend_exclude_patterns(run_cli, tree):
    (tree / "pyproject.toml").write_text(
        "[tool.throughlint]\nextend-exclude = ['generated', 'app/sub', '*.pyi']\n"
    )
    assert linted(run_cli, cwd=tree) == ["app/main.py"]


def test_a_folder_named_on_the_command_line_is_linted_even_if_excluded(run_cli, tree):
    (tree / "pyproject.toml").write_text("[tool.throughlint]\nextend-exclude = ['generated']\n")
    assert linted(run_cli, "generated", cwd=tree) == ["generated/out.py"]
    assert linted(run_cli, "generated/out.py", cwd=tree) == ["generated/out.py"]


def test_force_exclude_applies_to_files_named_explicitly(run_cli, tree):
    (tree / "pyproject.toml").write_text("[tool.throughlint]\nextend-exclude = ['generated']\n")
    args = ("--force-exclude", "generated/out.py", "app/main.py")
    assert linted(run_cli, *args, cwd=tree) == ["app/main.py"]


def test_gitignore_is_respected_inside_a_work_tree(run_cli, tree):
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    (tree / ".gitignore").write_text("generated/\n")
    assert linted(run_cli, cwd=tree) == ["app/main.py", "app/stub.pyi", "app/sub/deep.py"]
    # a tracked file is linted even when it matches .gitignore
    (tree / ".gitignore").write_text("app/sub/\n")
    subprocess.run(["git", "add", "-f", "app/sub/deep.py"], cwd=tree, check=True)
    assert "app/sub/deep.py" in linted(run_cli, cwd=tree)


def test_an_ignored_folder_named_on_the_command_line_is_linted(run_cli, tree):
    subprocess.run(["git", "init", "-q"], cwd=tree, check=True)
    (tree / ".gitignore").write_text("generated/\n")
    assert linted(run_cli, "generated", cwd=tree) == ["generated/out.py"]
    assert linted(run_cli, cwd=tree) == ["app/main.py", "app/stub.pyi", "app/sub/deep.py"]


def test_gitignore_is_not_used_outside_a_work_tree(run_cli, tree):
    (tree / ".gitignore").write_text("generated/\n")
    assert "generated/out.py" in linted(run_cli, cwd=tree)


def test_paths_are_reported_from_the_project_root(run_cli, tree):
    """In JSON, absolute and relative spellings read the same (issue 15, item 13)."""
    assert linted(run_cli, "./app/main.py", cwd=tree) == ["app/main.py"]
    assert linted(run_cli, str(tree / "app" / "main.py"), cwd=tree) == ["app/main.py"]


def test_the_same_file_twice_is_linted_once(run_cli, tree):
    completed = run_cli("--format", "json", "app/main.py", "app", "app/main.py", cwd=tree)
    paths = [d["path"] for d in json.loads(completed.stdout)["diagnostics"]]
    assert paths.count("app/main.py") == 1


def test_a_symlinked_file_is_linted_under_its_own_path(run_cli, tmp_path):
    """``scripts/load_link.py -> ../src/pkg/load.py``: a full run met the symlink first
    (``scripts`` sorts before ``src``), linted the module under the scripts folder's name,
    held its TL102 back as a cold path, and so disagreed with ``throughlint
    src/pkg/load.py``, which shows it (issue 14)."""
    from support.cli_projects import write_project

    root = write_project(
        tmp_path,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/db.py": """\
                import sqlite3


                def connect():
                    return sqlite3.connect("x.db")


                def insert(conn, row):
                    conn.execute("INSERT INTO t VALUES (?)", (row,))
                """,
            "src/pkg/load.py": """\
                from pkg.db import connect, insert


                def load(rows):
                    conn = connect()
                    for row in rows:
                        insert(conn, row)
                    conn.commit()
                """,
        },
    )
    (root / "scripts").mkdir()
    (root / "scripts" / "load_link.py").symlink_to("../src/pkg/load.py")
    full = run_cli("--format", "json", "--no-cache", ".", cwd=root)
    alone = run_cli("--format", "json", "--no-cache", "src/pkg/load.py", cwd=root)
    found = [
        [(d["path"], d["line"], d["code"]) for d in json.loads(run.stdout)["diagnostics"]]
        for run in (full, alone)
    ]
    assert found[0] == found[1] == [("src/pkg/load.py", 7, "TL102")]
