"""``[tool.throughlint]``: every key applies, and every mistake is a one-line error naming
the key, with exit status 2."""

from __future__ import annotations

import json

import pytest

from throughlint.config import KEYS, ConfigError, settings_from_table
from throughlint.rules import known_codes

CODE = """\
import queue
from concurrent.futures import ThreadPoolExecutor

jobs = queue.Queue()
pool = ThreadPoolExecutor(max_workers=300)
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "app.py").write_text(CODE)
    return tmp_path


def write_config(project, body: str) -> None:
    (project / "pyproject.toml").write_text(
        f"[project]\nname = 'x'\n\n[tool.throughlint]\n{body}\n"
    )


def codes(run_cli, *args, cwd=None):
    completed = run_cli("--format", "json", "--no-cache", *args, cwd=cwd)
    assert completed.returncode in (0, 1), completed.stderr
    return sorted(d["code"] for d in json.loads(completed.stdout)["diagnostics"])


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("selekt = ['TL201']", "unknown key `tool.throughlint.selekt` (did you mean `select`?)"),
        ("select = 'TL201'", "`select` must be a list of strings"),
        ("select = ['TL777']", "`select`: unknown rule code or prefix 'TL777'"),
        ("ignore = ['XX1']", "`ignore`: unknown rule code or prefix 'XX1'"),
        ("max-threads = 0", "`max-threads` must be a positive integer"),
        ("small-loop-max = 'four'", "`small-loop-max` must be a non-negative integer"),
        ("queue-maxsize = true", "`queue-maxsize` must be a positive integer"),
        ("per-file-ignores = ['a']", "`per-file-ignores` must be a table"),
        ("per-file-ignores = {'x.py' = ['TL9']}", "`per-file-ignores.x.py`: unknown rule code"),
        ("query-functions = ['fetch']", "`query-functions` entry 'fetch' is not a dotted"),
        ("force-exclude = 1", "`force-exclude` must be true or false"),
        ("select = [", "invalid TOML"),
    ],
)
def test_broken_config_is_a_one_line_error(run_cli, project, body, fragment):
    write_config(project, body)
    completed = run_cli()
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.count("\n") == 1, completed.stderr
    assert completed.stderr.startswith("throughlint: error: ")
    assert fragment in completed.stderr
    assert "pyproject.toml" in completed.stderr


def test_keys_apply(run_cli, project):
    write_config(project, "ignore = ['TL201']")
    assert codes(run_cli, cwd=project) == ["TL202"]
    write_config(project, "max-threads = 512")
    assert codes(run_cli, cwd=project) == ["TL201"]
    write_config(project, "select = ['TL202']\nmax-threads = 100")
    assert codes(run_cli, cwd=project) == ["TL202"]
    write_config(project, "per-file-ignores = { 'app.py' = ['TL2'] }")
    assert codes(run_cli, cwd=project) == []
    write_config(project, "extend-exclude = ['app.py']")
    assert codes(run_cli, cwd=project) == []


def test_command_line_overrides_config(run_cli, project):
    write_config(project, "select = ['TL202']")
    assert codes(run_cli, "--select", "TL201", cwd=project) == ["TL201"]


def test_isolated_ignores_config(run_cli, project):
    write_config(project, "select = ['TL777']")  # broken on purpose
    assert codes(run_cli, "--isolated", cwd=project) == ["TL201", "TL202"]


def test_explicit_config_file(run_cli, project, tmp_path_factory):
    other = tmp_path_factory.mktemp("elsewhere") / "pyproject.toml"
    other.write_text("[tool.throughlint]\nignore = ['TL202']\n")
    assert codes(run_cli, "--config", str(other), cwd=project) == ["TL201"]
    completed = run_cli("--config", "missing.toml", cwd=project)
    assert completed.returncode == 2 and "config file not found: missing.toml" in completed.stderr


def test_nearest_pyproject_with_the_table_wins(run_cli, project):
    write_config(project, "ignore = ['TL201']")
    sub = project / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[project]\nname = 'no-table-here'\n")
    (sub / "mod.py").write_text(CODE)
    assert codes(run_cli, "mod.py", cwd=sub) == ["TL202"]


def test_every_documented_key_is_accepted():
    documented = {
        "select",
        "ignore",
        "extend-select",
        "per-file-ignores",
        "exclude",
        "extend-exclude",
        "small-loop-max",
        "queue-maxsize",
        "max-threads",
    }
    assert documented <= set(KEYS)


def test_settings_from_table_validates_types():
    with pytest.raises(ConfigError, match="max-processes"):
        settings_from_table({"max-processes": -1}, known_codes())
    settings = settings_from_table(
        {"small-loop-max": 8, "connection-factories": ["acme.db.connect"]}, known_codes()
    )
    assert settings.small_loop_max == 8
    assert settings.connection_factories == ("acme.db.connect",)


def test_small_loop_max_changes_what_counts_as_a_loop(run_cli, tmp_path):
    (tmp_path / "loop.py").write_text(
        "import requests\n\nfor u in ['a', 'b', 'c', 'd', 'e', 'f']:\n    s = requests.Session()\n"
    )
    # a literal list is constant input, held back by default: --show-all shows it
    assert codes(run_cli, "--show-all", cwd=tmp_path) == ["TL203"]
    assert codes(run_cli, cwd=tmp_path) == []
    write_config(tmp_path, "show-all = true\nsmall-loop-max = 6")
    assert codes(run_cli, cwd=tmp_path) == []


def test_connection_factories_extend_tl203(run_cli, tmp_path):
    (tmp_path / "job.py").write_text(
        "from acme.db import connect\n\n"
        "def run(rows):\n    for r in rows:\n        c = connect('main')\n"
    )
    assert codes(run_cli, cwd=tmp_path) == []
    write_config(tmp_path, "connection-factories = ['acme.db.connect']")
    assert codes(run_cli, cwd=tmp_path) == ["TL203"]
