"""The engine is also a library (pytest plugin, language server): it leaves the calling
process as it found it."""

from __future__ import annotations

import gc
import sys

from throughlint.cli import main
from throughlint.collection import YOUNG, fewer_collections
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


def test_collector_thresholds_are_restored(tmp_path, capsys):
    """A CLI run collects less often while it lints (``collection.py``) and gives the
    calling process its thresholds back, whatever they were."""
    helpers = "".join(f"def f{i}(rows):\n    return [g(r) for r in rows]\n\n" for i in range(300))
    (tmp_path / "jobs.py").write_text("import queue\nq = queue.Queue()\n" + helpers)
    before = gc.get_threshold()
    seen: list[tuple[int, ...]] = []

    def watch(phase: str, info: dict) -> None:
        seen.append(gc.get_threshold())

    try:
        gc.set_threshold(500, 7, 9)
        gc.callbacks.append(watch)
        code = main([str(tmp_path / "jobs.py"), "--no-cache", "--isolated", "--jobs", "1"])
        gc.callbacks.remove(watch)
        assert gc.get_threshold() == (500, 7, 9)
    finally:
        gc.set_threshold(*before)
    assert code == 1 and "TL201" in capsys.readouterr().out
    assert (YOUNG, 7, 9) in seen  # collections made during the run ran at the raised threshold


def test_a_disabled_or_higher_threshold_is_kept():
    before = gc.get_threshold()
    try:
        for threshold in ((0, 10, 10), (50_000, 10, 10)):
            gc.set_threshold(*threshold)
            with fewer_collections():
                assert gc.get_threshold() == threshold
    finally:
        gc.set_threshold(*before)
