"""``--statistics -q`` prints only the table, like ruff (issue 15, item 16); no success
line is ever printed next to an error, and the exit status is 2 (item 19)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

UNBOUNDED = "import queue\n\njobs = queue.Queue()\nmore = queue.Queue()\n"


@pytest.mark.parametrize("format_name", ["text", "concise"])
def test_statistics_quiet_prints_only_the_table(run_cli, tmp_path, format_name):
    (tmp_path / "jobs.py").write_text(UNBOUNDED)
    completed = run_cli("--no-cache", "--statistics", "-q", "--format", format_name, ".")
    assert completed.returncode == 1, completed.stderr
    # TL201's fix (a maxsize) is unsafe, so the table shows no `[*]` for it.
    assert completed.stdout.splitlines() == ["    2  TL201  unbounded-queue"]


def test_statistics_without_quiet_keeps_the_diagnostics(run_cli, tmp_path):
    (tmp_path / "jobs.py").write_text(UNBOUNDED)
    completed = run_cli("--no-cache", "--statistics", ".")
    assert "jobs.py:3:8: TL201" in completed.stdout
    assert "    2  TL201  unbounded-queue" in completed.stdout
    assert "Found 2 diagnostics" in completed.stdout


@pytest.mark.parametrize("format_name", ["text", "concise"])
def test_no_success_line_next_to_an_error_from_stdin(run_cli, tmp_path, format_name):
    """``echo ... | throughlint -``: whatever ``-`` means to the engine, a run that reports
    an error never says all checks passed."""
    completed = subprocess.run(
        [sys.executable, "-m", "throughlint", "--no-cache", "--format", format_name, "-"],
        input="x = 1\n",
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )
    if "error:" in completed.stderr:
        assert "All checks passed" not in completed.stdout
        assert completed.returncode == 2
    else:  # stdin linted for real: a clean snippet
        assert completed.returncode == 0, completed.stderr


@pytest.mark.parametrize("format_name", ["text", "concise"])
def test_no_success_line_next_to_a_missing_path(run_cli, tmp_path, format_name):
    (tmp_path / "ok.py").write_text("x = 1\n")
    completed = run_cli("--no-cache", "--format", format_name, "ok.py", "missing.py")
    assert completed.returncode == 2
    assert "missing.py" in completed.stderr
    assert "All checks passed" not in completed.stdout
    assert "1 error reported" in completed.stdout


def test_an_error_next_to_findings_is_in_the_summary_and_exits_2(run_cli, tmp_path):
    (tmp_path / "jobs.py").write_text(UNBOUNDED)
    completed = run_cli("--no-cache", "--exit-zero", "jobs.py", "missing.py")
    assert completed.returncode == 2
    assert "Found 2 diagnostics" in completed.stdout and "1 error reported" in completed.stdout


def test_a_clean_run_still_passes(run_cli, tmp_path):
    (tmp_path / "ok.py").write_text("x = 1\n")
    completed = run_cli("--no-cache", ".")
    assert completed.returncode == 0
    assert completed.stdout.strip() == "All checks passed! (1 file linted)"


def test_report_says_no_findings_only_without_errors(run_cli, tmp_path):
    (tmp_path / "ok.py").write_text("x = 1\n")
    failed = run_cli("report", "--no-cache", "ok.py", "missing.py")
    assert failed.returncode == 2
    assert "No findings" not in failed.stdout and "1 error reported" in failed.stdout
    clean = run_cli("report", "--no-cache", "ok.py")
    assert clean.returncode == 0 and "No findings" in clean.stdout
