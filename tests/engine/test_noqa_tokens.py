"""Suppression comments are COMMENT tokens: ``# noqa`` or ``# throughlint: ignore[...]``
inside a string on the reported line (``HINT = "add '# noqa'"``) suppresses nothing,
while real comments still do, whatever the line endings (issue 15, item 4). Through the
real CLI."""

from __future__ import annotations

import json

import pytest

from throughlint.source import SourceFile
from throughlint.suppression import line_suppressions

SOURCE = '''\
import queue

HINT = "add '# noqa' to silence"; q1 = queue.Queue()
q2 = queue.Queue(); NOTE = "# throughlint: ignore[TL201]"
q3 = queue.Queue()  # noqa: TL201
q4 = queue.Queue()  # throughlint: ignore[TL201]
q5 = queue.Queue(); DOC = """
# noqa
"""
TAIL = """text
ends # noqa """ + str(queue.Queue())
q6 = queue.Queue()  # a "# noqa" quoted inside a real comment is still a comment
q7 = f"{queue.Queue()} # noqa"
q8 = queue.Queue(); S = '#' + " noqa"  # noqa: TL202 (another rule's code)
q9 = queue.Queue()  # NOQA
'''
REPORTED = [3, 4, 7, 11, 13, 14]


def _lines(run_cli, tmp_path, data: bytes, name: str = "hints.py") -> list[tuple[str, int]]:
    (tmp_path / name).write_bytes(data)
    completed = run_cli("--no-cache", "--format", "json", ".")
    assert "Traceback" not in completed.stderr, completed.stderr
    diagnostics = json.loads(completed.stdout)["diagnostics"]
    return [(d["code"], d["line"]) for d in diagnostics if d["path"].endswith(name)]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_markers_in_strings_do_not_suppress(run_cli, tmp_path, newline):
    data = SOURCE.replace("\n", newline).encode()
    assert _lines(run_cli, tmp_path, data) == [("TL201", line) for line in REPORTED]


def test_only_a_reported_line_with_a_marker_costs_a_tokenize():
    source = SourceFile("m.py", "import queue\n\nq = queue.Queue()  # why\nh = '# noqa'\n")
    assert line_suppressions(source, 3) == frozenset()  # a comment, but no marker
    assert source._comments is None  # settled by the regex alone
    assert line_suppressions(source, 4) == frozenset()  # the marker is in a string
    assert source._comments == {3: "# why"}


def test_cross_file_findings_read_real_comments_too(run_cli, tmp_path):
    """A finding that needs the project index (a helper in another module making the
    remote call) carries its line's suppressions: a string marker does not count."""
    (tmp_path / "helpers.py").write_text(
        "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n"
    )
    main = (
        "from helpers import fetch\n\n\n"
        "def crawl(urls):\n"
        "    for url in urls:\n"
        "        fetch(url); hint = '# noqa'\n"
        "    for url in urls:\n"
        "        fetch(url)  # noqa: TL401\n"
    )
    found = _lines(run_cli, tmp_path, main.encode(), name="main.py")
    assert found == [("TL401", 6)]
