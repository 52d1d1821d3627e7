"""``pyproject.toml`` is found by parsing it, not by searching its bytes (issue 15, items
5 and 6): every TOML spelling of ``[tool.throughlint]`` counts, a mention in a comment or
a string does not, and a ``tool`` that is not a table is a one-line error with exit 2."""

from __future__ import annotations

import pytest

UNBOUNDED = "import queue\n\njobs = queue.Queue()\n"


@pytest.mark.parametrize(
    "toml",
    [
        '[tool]\nthroughlint = { ignore = ["TL201"] }\n',
        '[ tool . throughlint ]\nignore = ["TL201"]\n',
        '[tool."throughlint"]\nignore = ["TL201"]\n',
        "[tool.'throughlint']\nignore = ['TL201']\n",
        'tool = { throughlint = { ignore = ["TL201"] } }\n',
    ],
)
def test_every_toml_spelling_of_the_table_is_read(run_cli, tmp_path, toml):
    (tmp_path / "jobs.py").write_text(UNBOUNDED)
    (tmp_path / "pyproject.toml").write_text(toml)
    result = run_cli("--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "TL201" not in result.stdout


def test_the_table_is_found_from_a_subfolder(run_cli, tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "jobs.py").write_text(UNBOUNDED)
    (tmp_path / "pyproject.toml").write_text('[ tool . throughlint ]\nignore = ["TL201"]\n')
    result = run_cli("--no-cache", ".", cwd=tmp_path / "pkg")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_mention_in_a_string_is_not_a_table(run_cli, tmp_path):
    """A parent folder's file that only mentions the table must not become the project
    root (nor hide the defaults)."""
    (tmp_path / "jobs.py").write_text(UNBOUNDED)
    (tmp_path / "pyproject.toml").write_text('[project]\ndescription = "tool.throughlint"\n')
    result = run_cli("--no-cache", "--format", "json", ".")
    assert result.returncode == 1, result.stderr
    assert '"TL201"' in result.stdout


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("tool = 1  # tool.throughlint\n", "`tool` must be a table, got int 1"),
        ("[[tool]]\nname = 'x'  # tool.throughlint\n", "`tool` must be a table, got an array"),
        ("[tool]\nthroughlint = 'TL201'\n", "`tool.throughlint` must be a table"),
    ],
)
def test_a_tool_that_is_not_a_table_is_a_one_line_error(run_cli, tmp_path, toml, expected):
    (tmp_path / "jobs.py").write_text(UNBOUNDED)
    (tmp_path / "pyproject.toml").write_text(toml)
    result = run_cli("--no-cache", ".")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("throughlint: error: ")
    assert expected in lines[0] and "pyproject.toml" in lines[0]


def test_an_explicit_config_with_a_bad_tool_is_a_one_line_error(run_cli, tmp_path):
    (tmp_path / "jobs.py").write_text(UNBOUNDED)
    (tmp_path / "other.toml").write_text("tool = [1, 2]\n")
    result = run_cli("--no-cache", "--config", "other.toml", ".")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "`tool` must be a table" in result.stderr


def test_someone_elses_broken_toml_is_left_alone(run_cli, tmp_path):
    (tmp_path / "jobs.py").write_text(UNBOUNDED)
    (tmp_path / "pyproject.toml").write_text("[project\nname = \n")
    result = run_cli("--no-cache", ".")
    assert result.returncode == 1, result.stderr
    assert "TL201" in result.stdout


def test_the_order_of_the_named_files_does_not_choose_the_config(run_cli, tmp_path):
    """Pre-commit names the changed files in any order. ``tools/`` has a configuration of
    its own that selects only TL2; named first, it was the configuration of the whole run
    and hid ``shop/report.py``'s per-item write (and its project-wide helper) from it."""
    import json

    from support.cli_projects import write_project

    root = write_project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/report.py": """\
                import sqlite3


                def save(conn: sqlite3.Connection, rows):
                    for row in rows:
                        conn.execute("INSERT INTO t VALUES (?)", (row,))
                """,
            "tools/pyproject.toml": '[tool.throughlint]\nselect = ["TL2"]\n',
            "tools/backfill.py": "import queue\n\nJOBS = queue.Queue()\n",
        },
    )
    found = []
    for names in (["tools/backfill.py", "shop/report.py"], ["shop/report.py", "tools/backfill.py"]):
        completed = run_cli("--format", "json", "--no-cache", *names, cwd=root)
        found.append(
            sorted((d["path"], d["code"]) for d in json.loads(completed.stdout)["diagnostics"])
        )
    assert found[0] == found[1] == [("shop/report.py", "TL102"), ("tools/backfill.py", "TL201")]


def test_without_a_config_above_all_named_files_the_first_ones_is_used(run_cli, tmp_path):
    """Two sub-projects and no configuration above both: the first path's, as before (the
    shared folder's defaults would drop both projects' settings)."""
    import json

    for name, ignore in (("svc_a", "TL201"), ("svc_b", "TL999")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "pyproject.toml").write_text(
            f'[tool.throughlint]\nignore = ["{ignore}"]\n'
        )
        (tmp_path / name / "jobs.py").write_text("import queue\n\nJOBS = queue.Queue()\n")
    completed = run_cli(
        "--format", "json", "--no-cache", "svc_a/jobs.py", "svc_b/jobs.py", cwd=tmp_path
    )
    assert not json.loads(completed.stdout)["diagnostics"], completed.stdout
