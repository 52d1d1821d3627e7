"""The engine is also a library (pytest plugin, language server): it leaves the calling
process as it found it."""

from __future__ import annotations

import sys

from throughlint.engine import lint_text
from throughlint.project import lint_paths
from throughlint.settings import Settings


def test_recursion_limit_is_restored(tmp_path):
    before = sys.getrecursionlimit()
    deep = "x = " + "(" * 150 + "1" + ")" * 150 + "\nimport queue\nq = queue.Queue()\n"
    assert [d.code for d in lint_text(deep)] == ["TL201"]
    (tmp_path / "deep.py").write_text(deep)
    result = lint_paths(
        [str(tmp_path)], Settings(project_root=str(tmp_path)), jobs=1, use_cache=False
    )
    assert [d.code for d in result.diagnostics] == ["TL201"]
    assert sys.getrecursionlimit() == before
