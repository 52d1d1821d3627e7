"""A file whose name is not UTF-8 (bytes a file system allows and ``os.scandir`` keeps as
surrogates) is one error line, and the run goes on: it crashed the whole run, in the
git check and in the cache keys."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

BAD = b"import queue\nq = queue.Queue()\n"


@pytest.mark.skipif(sys.platform != "linux", reason="needs a file system of bytes")
@pytest.mark.parametrize("in_git", [False, True], ids=["plain folder", "git work tree"])
@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no cache"])
def test_a_file_name_that_is_not_utf8_is_skipped(run_cli, tmp_path, in_git, cache):
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    (tmp_path / "ok.py").write_bytes(BAD)
    with open(os.path.join(os.fsencode(tmp_path), b"bad\xff.py"), "wb") as handle:
        handle.write(BAD)
    if in_git:
        subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    completed = run_cli(".", "--format", "concise", *([] if cache else ["--no-cache"]))
    assert completed.returncode == 2, completed.stderr  # an error was reported
    assert "Traceback" not in completed.stderr
    assert "bad\\udcff.py: the file name is not UTF-8; skipped" in completed.stderr
    assert completed.stdout.startswith("ok.py:2:5: TL201")
