"""A FIFO (or a device) named on the command line is skipped with a one-line error
instead of hanging the run on its first read; the other files are still linted
(issue 15, item 12). FIFOs found while walking a folder were already skipped silently.
Through the real CLI, under a timeout."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")

QUEUE = "import queue\n\nq = queue.Queue()\n"


def _run(tmp_path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "throughlint", "--no-cache", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,  # the old behaviour: blocked in open() until killed
    )


def test_a_named_fifo_is_skipped_with_one_line(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    os.symlink(tmp_path / "pipe.py", tmp_path / "link.py")
    (tmp_path / "ok.py").write_text(QUEUE)
    completed = _run(tmp_path, "--format", "concise", "pipe.py", "link.py", "ok.py")
    assert completed.stderr.splitlines() == [
        "throughlint: error: pipe.py: not a regular file (a FIFO); skipped",
        "throughlint: error: link.py: not a regular file (a FIFO); skipped",
    ]
    assert "ok.py:3:5: TL201" in completed.stdout
    assert "(1 file linted)" in completed.stdout
    assert completed.returncode == 2  # like a missing path: the user named it


def test_a_named_device_is_skipped_too(tmp_path):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    (tmp_path / "ok.py").write_text(QUEUE)
    completed = _run(tmp_path, "/dev/zero", "ok.py")
    assert completed.stderr.splitlines() == [
        "throughlint: error: /dev/zero: not a regular file (a character device); skipped"
    ]
    assert "ok.py:3:5: TL201" in completed.stdout


def test_a_fifo_inside_a_folder_is_still_skipped_silently(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "ok.py").write_text(QUEUE)
    completed = _run(tmp_path, "--format", "concise", ".")
    assert completed.stderr == ""
    assert completed.returncode == 1
    assert "(1 file linted)" in completed.stdout
