"""Corpus runs (``-m slow``): the whole standard library, test folder and deliberately
broken files included, and five large PyPI sdists, through the real command. Zero
internal errors, no traceback, and every TL000 is a file CPython itself rejects.
``python tests/support/corpus_run.py --download`` prints the same as a table."""

from __future__ import annotations

import subprocess

import pytest
from support.corpus_run import DEFAULT_WORKDIR, SDISTS, download_sdists, run_corpus, stdlib_corpus

pytestmark = pytest.mark.slow


def test_standard_library_with_its_test_folder():
    name, path = stdlib_corpus()
    result = run_corpus(name, path)
    assert result.ok, (result.spurious_tl000[:5], result.stderr_tail)
    assert result.files > 1500
    assert result.internal_errors == 0
    # Lib/test carries files that are broken on purpose (badsyntax_*, bad_coding*).
    assert result.tl000 > 0


@pytest.mark.parametrize("project", SDISTS)
def test_large_pypi_projects(project):
    try:
        [(name, path)] = download_sdists(DEFAULT_WORKDIR, (project,))
    except (subprocess.CalledProcessError, SystemExit) as exc:
        pytest.skip(f"cannot download {project}: {exc}")
    result = run_corpus(name, path)
    assert result.ok, (result.spurious_tl000[:5], result.stderr_tail)
    assert result.files > 300
    assert result.internal_errors == 0
