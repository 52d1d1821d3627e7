"""``# noqa`` and ``# throughlint: ignore[...]`` on the reported line."""

from __future__ import annotations

import pytest

from throughlint.engine import lint_text
from throughlint.suppression import suppressed_codes

HEADER = "import queue\nfrom concurrent.futures import ThreadPoolExecutor\n"


@pytest.mark.parametrize(
    ("comment", "suppressed"),
    [
        ("# noqa", True),
        ("# NOQA", True),
        ("# noqa: TL201", True),
        ("# noqa:TL201,TL202", True),
        ("# noqa: TL202", False),
        ("# noqa: E501", False),
        ("# throughlint: ignore[TL201]", True),
        ("# throughlint: ignore[TL202, TL201]", True),
        ("# throughlint: ignore[TL202]", False),
        ("# throughlint: ignore", True),
        ("# type: ignore", False),
        ("# a comment about noqa-like things", False),
    ],
)
def test_comment_on_the_reported_line(comment, suppressed):
    found = lint_text(HEADER + f"q = queue.Queue()  {comment}\n")
    assert (found == []) is suppressed


def test_multi_line_call_is_suppressed_on_its_first_line():
    code = HEADER + "pool = ThreadPoolExecutor(  # noqa: TL202\n    max_workers=9999,\n)\n"
    assert lint_text(code) == []
    code = HEADER + "pool = ThreadPoolExecutor(\n    max_workers=9999,  # noqa: TL202\n)\n"
    assert [d.code for d in lint_text(code)] == ["TL202"]


def test_comment_on_another_line_does_not_suppress():
    assert [d.code for d in lint_text(HEADER + "# noqa\nq = queue.Queue()\n")] == ["TL201"]


def test_parser():
    assert suppressed_codes("x = 1  # noqa: TL101, TL102") == {"TL101", "TL102"}
    assert suppressed_codes("x = 1") == frozenset()
    assert suppressed_codes("x = 1  # noqa") == {"*"}
