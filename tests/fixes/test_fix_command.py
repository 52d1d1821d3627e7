"""``--fix``, ``--unsafe-fixes`` and ``--diff`` through the real command: what is written,
how (atomically, keeping mode, encoding, BOM and newlines), and the exit codes."""

from __future__ import annotations

import codecs
import os
import stat
import subprocess
import sys

import libcst as cst

from throughlint.diagnostics import Applicability, Diagnostic, Fix, Span
from throughlint.fixes.base import FixSpec
from throughlint.fixing import FileFix, fix_text, text_replacements
from throughlint.settings import Settings

QUEUE = "import queue\n\njobs = queue.Queue()  # work\n"
FIXED = "import queue\n\njobs = queue.Queue(maxsize=1000)  # work\n"


def test_fix_without_unsafe_leaves_unsafe_fixes(run_cli, tmp_path):
    (tmp_path / "jobs.py").write_text(QUEUE)
    completed = run_cli("--fix", "--no-cache", ".")
    assert (tmp_path / "jobs.py").read_text() == QUEUE
    assert completed.returncode == 1  # the diagnostic remains
    assert "TL201" in completed.stdout


def test_unsafe_fixes_write_and_exit_one_because_files_changed(run_cli, tmp_path):
    (tmp_path / "jobs.py").write_text(QUEUE)
    completed = run_cli("--fix", "--unsafe-fixes", "--no-cache", ".")
    assert (tmp_path / "jobs.py").read_text() == FIXED
    assert completed.returncode == 1, completed.stderr  # changed files: pre-commit must fail
    assert "Fixed 1 diagnostic(s) in 1 file(s); 0 remaining." in completed.stderr
    again = run_cli("--fix", "--unsafe-fixes", "--no-cache", ".")
    assert again.returncode == 0, again.stdout + again.stderr
    assert (tmp_path / "jobs.py").read_text() == FIXED


def test_remaining_diagnostics_are_reported_after_fixing(run_cli, tmp_path):
    (tmp_path / "jobs.py").write_text(QUEUE + "inbox = queue.SimpleQueue(None)\n")
    completed = run_cli("--fix", "--unsafe-fixes", "--no-cache", "--format", "concise", ".")
    assert completed.returncode == 1
    assert completed.stdout.count("TL201") == 1  # SimpleQueue(None) has no fix
    assert ":4:" in completed.stdout


def test_diff_prints_and_writes_nothing(run_cli, tmp_path):
    (tmp_path / "jobs.py").write_text(QUEUE)
    completed = run_cli("--diff", "--unsafe-fixes", "--no-cache", ".")
    assert completed.returncode == 1
    assert (tmp_path / "jobs.py").read_text() == QUEUE
    assert completed.stdout == (
        "--- a/jobs.py\n+++ b/jobs.py\n@@ -1,3 +1,3 @@\n import queue\n \n"
        "-jobs = queue.Queue()  # work\n+jobs = queue.Queue(maxsize=1000)  # work\n"
    )
    safe_only = run_cli("--diff", "--no-cache", ".")
    assert safe_only.returncode == 0 and safe_only.stdout == ""


def test_queue_maxsize_setting_is_used(run_cli, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\nqueue-maxsize = 64\n")
    (tmp_path / "jobs.py").write_text(QUEUE)
    run_cli("--fix", "--unsafe-fixes", "--no-cache", ".")
    assert "queue.Queue(maxsize=64)" in (tmp_path / "jobs.py").read_text()


def test_write_keeps_mode_newlines_encoding_and_bom(run_cli, tmp_path):
    crlf = tmp_path / "crlf.py"
    crlf.write_bytes(QUEUE.replace("\n", "\r\n").encode())
    os.chmod(crlf, 0o751)
    latin = tmp_path / "latin.py"
    latin.write_bytes(
        "# -*- coding: latin-1 -*-\nimport queue\nname = 'café'; q = queue.Queue()\n".encode(
            "latin-1"
        )
    )
    bom = tmp_path / "bom.py"
    bom.write_bytes(codecs.BOM_UTF8 + "import queue\nq = queue.Queue()  # é\n".encode())
    inode = os.stat(crlf).st_ino
    completed = run_cli("--fix", "--unsafe-fixes", "--no-cache", ".")
    assert completed.returncode == 1, completed.stderr
    assert crlf.read_bytes() == FIXED.replace("\n", "\r\n").encode()
    assert stat.S_IMODE(os.stat(crlf).st_mode) == 0o751
    assert os.stat(crlf).st_ino != inode  # replaced by rename, not rewritten in place
    assert latin.read_bytes() == (
        "# -*- coding: latin-1 -*-\nimport queue\nname = 'café'; q = queue.Queue(maxsize=1000)\n"
    ).encode("latin-1")
    assert bom.read_bytes() == codecs.BOM_UTF8 + (
        "import queue\nq = queue.Queue(maxsize=1000)  # é\n".encode()
    )
    assert sorted(os.listdir(tmp_path)) == ["bom.py", "crlf.py", "latin.py"]  # no temp files


def test_fix_through_a_symlink_rewrites_the_target(run_cli, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "jobs.py").write_text(QUEUE)
    (tmp_path / "link.py").symlink_to(real / "jobs.py")
    run_cli("--fix", "--unsafe-fixes", "--no-cache", "link.py")
    assert (tmp_path / "link.py").is_symlink()
    assert (real / "jobs.py").read_text() == FIXED


class _Broken(FixSpec):
    """A deliberately wrong fix: its output does not parse."""

    def rewrite(self, target, anchor, context):
        return cst.Name("lambda")


def test_a_result_that_does_not_parse_is_not_used(monkeypatch):
    import throughlint.fixes as fixes

    monkeypatch.setattr(fixes, "load", lambda kind: _Broken())
    text = "import queue\nq = queue.Queue()\n"
    diagnostic = Diagnostic(
        "TL201",
        "unbounded-queue",
        "x.py",
        Span(2, 5, 2, 18),
        "m",
        fix=Fix(Applicability.SAFE, "d", "broken"),
    )
    item = FileFix("x.py", text, text, remaining=[diagnostic])
    assert fix_text(item, Settings(), unsafe=False) == text
    assert "would not parse" in (item.error or "")
    assert item.applied == []


def test_text_replacements_rebuild_the_new_text():
    old = "a = 1\nb = queue.Queue()\nc = 'é'\n"
    new = "import x\na = 1\nb = queue.Queue(maxsize=5)\nc = 'é'\n"
    edits = text_replacements(old, new)
    lines = old.splitlines(keepends=True)

    def offset(line, column):
        return sum(len(item) for item in lines[: line - 1]) + column - 1

    rebuilt = old
    for edit in reversed(edits):
        start, end = offset(edit.line, edit.column), offset(edit.end_line, edit.end_column)
        rebuilt = rebuilt[:start] + edit.text + rebuilt[end:]
    assert rebuilt == new


def test_linting_never_imports_libcst(tmp_path):
    """ARCHITECTURE.md: libcst is for the fixing path only; rules import ``fixes.offers``."""
    (tmp_path / "jobs.py").write_text(QUEUE + "import sqlite3\n")
    script = (
        "import sys\n"
        "from throughlint.cli import main\n"
        "code = main(['--no-cache', '--format', 'json', 'jobs.py'])\n"
        "print(code, 'libcst' in sys.modules)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert completed.stdout.splitlines()[-1] == "1 False", completed.stderr
