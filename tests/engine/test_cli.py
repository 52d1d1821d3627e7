"""The real command line: formats, exit codes, selection, output options."""

from __future__ import annotations

import json
import re

import pytest

from conftest import FIXTURES

DEMO = str(FIXTURES / "demo")
BAD = """\
import queue
from concurrent.futures import ThreadPoolExecutor

jobs = queue.Queue()
pool = ThreadPoolExecutor(max_workers=5000)
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "app.py").write_text(BAD)
    (tmp_path / "clean.py").write_text("import queue\n\njobs = queue.Queue(maxsize=10)\n")
    return tmp_path


def test_version(run_cli):
    completed = run_cli("--version")
    assert completed.returncode == 0
    assert re.fullmatch(r"throughlint \d+\.\d+\.\d+\S*\n", completed.stdout)


def test_exit_codes(run_cli, project):
    assert run_cli("clean.py").returncode == 0
    assert run_cli("app.py").returncode == 1
    assert run_cli("app.py", "--exit-zero").returncode == 0
    assert run_cli("--select", "TL999X").returncode == 2
    assert run_cli("--no-such-flag").returncode == 2


def test_no_path_lints_the_current_folder(run_cli, project):
    completed = run_cli("--format", "json")
    data = json.loads(completed.stdout)
    assert data["summary"]["files"] == 2
    assert {d["code"] for d in data["diagnostics"]} == {"TL201", "TL202"}


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "sarif", "github"])
def test_every_format_reports_the_same_findings_on_the_demo(run_cli, fmt):
    reference = json.loads(run_cli(DEMO, "--format", "json", "--no-cache").stdout)
    count = reference["summary"]["diagnostics"]
    assert count >= 7
    completed = run_cli(DEMO, "--format", fmt, "--no-cache")
    assert completed.returncode == 1
    out = completed.stdout
    if fmt == "json":
        assert len(json.loads(out)["diagnostics"]) == count
    elif fmt == "sarif":
        assert len(json.loads(out)["runs"][0]["results"]) == count
    elif fmt == "github":
        assert len([line for line in out.splitlines() if line.startswith("::")]) == count
    elif fmt == "concise":
        assert (
            len([line for line in out.splitlines() if re.match(r".+:\d+:\d+: TL\d{3} ", line)])
            == count
        )
        assert f"Found {count} diagnostics" in out
    else:
        assert len(re.findall(r"^\S+:\d+:\d+: TL\d{3} \[", out, re.MULTILINE)) == count
        assert f"Found {count} diagnostics" in out


def test_json_schema_is_exact(run_cli, project):
    data = json.loads(run_cli("app.py", "--format", "json").stdout)
    assert set(data) == {"version", "diagnostics", "summary"}
    assert set(data["summary"]) == {"files", "diagnostics", "fixable", "errors", "held_back"}
    first = data["diagnostics"][0]
    assert set(first) >= {
        "code",
        "name",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "severity",
        "message",
        "fix",
    }
    assert first["path"] == "app.py"
    assert (first["code"], first["line"], first["column"]) == ("TL201", 4, 8)
    assert (first["end_line"], first["end_column"]) == (4, 21)
    assert first["severity"] == "warning"
    fixes = [d["fix"] for d in data["diagnostics"] if d["fix"] is not None]
    assert all(set(fix) == {"applicability", "description"} for fix in fixes)
    assert all(fix["applicability"] in ("safe", "unsafe") for fix in fixes)
    assert data["summary"]["fixable"] == len(fixes)


def test_select_ignore_and_prefixes(run_cli, project):
    def codes(*args):
        data = json.loads(run_cli("app.py", "--format", "json", *args).stdout)
        return sorted(d["code"] for d in data["diagnostics"])

    assert codes() == ["TL201", "TL202"]
    assert codes("--select", "TL201") == ["TL201"]
    assert codes("--select", "TL2", "--ignore", "TL202") == ["TL201"]
    assert codes("--ignore", "TL20") == []
    assert codes("--select", "TL201", "--extend-select", "TL202") == ["TL201", "TL202"]


def test_unknown_code_on_the_command_line_is_one_line(run_cli, project):
    completed = run_cli("--ignore", "TL555")
    assert completed.returncode == 2
    assert completed.stderr.strip().count("\n") == 0 and "TL555" in completed.stderr


def test_statistics_and_quiet(run_cli, project):
    out = run_cli("app.py", "--statistics", "--format", "concise").stdout
    assert re.search(r"^\s+1\s+TL201\s+unbounded-queue", out, re.MULTILINE)
    quiet = run_cli("app.py", "--quiet", "--format", "concise").stdout
    assert "Found" not in quiet and quiet.count("\n") == 2


def test_output_file(run_cli, project):
    completed = run_cli("app.py", "--format", "json", "--output-file", "report.json")
    assert completed.returncode == 1 and completed.stdout == ""
    assert len(json.loads((project / "report.json").read_text())["diagnostics"]) == 2


def test_text_output_has_a_code_frame_with_caret(run_cli, project):
    out = run_cli("app.py").stdout
    assert "4 | jobs = queue.Queue()\n  |        ^^^^^^^^^^^^^\n" in out
    assert "\x1b[" not in out  # not a terminal: no colour


def test_github_annotations_escape_and_put_errors_first(run_cli, tmp_path):
    (tmp_path / "a,b.py").write_text("import queue\nq = queue.Queue()\n")
    (tmp_path / "broken.py").write_text("def f(:\n")
    lines = run_cli("--format", "github").stdout.splitlines()
    assert lines[0].startswith("::error file=broken.py,line=1,")
    assert "title=TL000 (unreadable-source)::syntax error" in lines[0]
    assert lines[1].startswith("::warning file=a%2Cb.py,line=2,col=5,endLine=2,endColumn=18,")
    assert "title=TL201 (unbounded-queue)::" in lines[1]


def test_python_dash_m_and_console_script_agree(run_cli, project):
    import subprocess
    import sys
    from pathlib import Path

    script = Path(sys.executable).parent / "throughlint"
    assert script.exists(), "the package must be installed with its console script"
    direct = subprocess.run(
        [script, "app.py", "--format", "json"], cwd=project, capture_output=True, text=True
    )
    assert (
        json.loads(direct.stdout)["diagnostics"]
        == json.loads(run_cli("app.py", "--format", "json").stdout)["diagnostics"]
    )


def test_python_dash_m_never_imports_modules_from_the_linted_folder(run_cli, tmp_path):
    planted = "open({marker!r}, 'w').write('imported')\nimport queue\nq = queue.Queue()\n"
    marker = tmp_path / "IMPORTED"
    for name in ("argparse", "json", "queue", "fnmatch", "ast"):
        (tmp_path / f"{name}.py").write_text(planted.format(marker=str(marker)))
    completed = run_cli("--format", "json", "--no-cache")
    assert not marker.exists()
    assert completed.returncode == 1, completed.stderr
    assert {d["path"] for d in json.loads(completed.stdout)["diagnostics"]} >= {"json.py", "ast.py"}
