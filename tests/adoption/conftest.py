from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def tl(monkeypatch, capsys, tmp_path):
    """The real ``throughlint`` command line run in this process (``cli.main``), for
    speed; a few tests per feature use ``run_cli`` (a real subprocess) end to end."""
    from throughlint.cli import main

    def run(*args: str, cwd=None):
        monkeypatch.chdir(cwd or tmp_path)
        monkeypatch.setenv("NO_COLOR", "1")
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse usage errors
            code = exc.code
        captured = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=captured.out, stderr=captured.err)

    return run
