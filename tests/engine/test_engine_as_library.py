"""The engine is also a library (pytest plugin, language server): it leaves the calling
process as it found it."""

from __future__ import annotations

import gc
import sys

from throughlint.cli import main
from throughlint.collection import fewer_collections, file_linted
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


def test_the_collector_is_restored(tmp_path, capsys):
    """A CLI run collects after each file instead of by allocation counts
    (``collection.py``) and gives the calling process its collector back as it was."""
    helpers = "".join(f"def f{i}(rows):\n    return [g(r) for r in rows]\n\n" for i in range(300))
    for name in ("jobs", "more"):
        (tmp_path / f"{name}.py").write_text("import queue\nq = queue.Queue()\n" + helpers)
    before = gc.get_threshold()
    generations: list[int] = []

    def watch(phase: str, info: dict) -> None:
        if phase == "start":
            generations.append(info["generation"])

    try:
        gc.set_threshold(500, 7, 9)
        gc.callbacks.append(watch)
        code = main([str(tmp_path), "--no-cache", "--isolated", "--jobs", "1"])
        gc.callbacks.remove(watch)
        assert gc.get_threshold() == (500, 7, 9) and gc.isenabled()
    finally:
        gc.set_threshold(*before)
    assert code == 1 and capsys.readouterr().out.count("TL201 [unbounded-queue]") == 2
    # one collection of the young generation per file (what is older is frozen before
    # each file), none by itself; nothing left frozen
    assert generations == [0, 0] and gc.get_freeze_count() == 0


def test_objects_a_caller_froze_stay_frozen(tmp_path, capsys):
    (tmp_path / "jobs.py").write_text("import queue\nq = queue.Queue()\n")
    kept = [object() for _ in range(3)]
    gc.freeze()
    try:
        assert gc.get_freeze_count() > 0
        main([str(tmp_path / "jobs.py"), "--no-cache", "--isolated", "--jobs", "1"])
        assert gc.get_freeze_count() > 0 and kept  # the run's unfreeze would empty it
    finally:
        gc.unfreeze()
    assert "TL201" in capsys.readouterr().out


def test_a_disabled_collector_stays_off():
    assert gc.isenabled()
    gc.disable()
    try:
        with fewer_collections():
            collected = gc.get_count()
            file_linted()
            assert not gc.isenabled() and gc.get_count() == collected  # nothing collected
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_buffer_lint_collects_once_after_the_buffer(tmp_path):
    """The language server's and the pytest items' path: no collection in the middle of
    the walk (a full one over a big project's facts is a stall), one of the young
    generation after it, and the collector given back as it was."""
    from throughlint.project import Project

    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    helpers = "".join(f"def f{i}(rows):\n    return [g(r) for r in rows]\n\n" for i in range(300))
    text = "import queue\nq = queue.Queue()\n" + helpers
    (tmp_path / "jobs.py").write_text(text)
    project = Project(Settings(project_root=str(tmp_path)), str(tmp_path))
    generations: list[int] = []

    def watch(phase: str, info: dict) -> None:
        if phase == "start":
            generations.append(info["generation"])

    before = gc.get_threshold()
    try:
        gc.set_threshold(50, 7, 9)  # a young collection every 50 allocations, if left on
        gc.callbacks.append(watch)
        result = project.lint_buffer(str(tmp_path / "jobs.py"), text)
        gc.callbacks.remove(watch)
        assert gc.isenabled() and gc.get_threshold() == (50, 7, 9)
    finally:
        gc.set_threshold(*before)
    assert [d.code for d in result] == ["TL201"]
    # one young collection after the buffer, and none in its walk (thousands of objects:
    # at a threshold of 50 it would collect dozens of times); nothing left frozen
    assert 1 <= len(generations) <= 3 and set(generations) == {0}
    assert gc.get_freeze_count() == 0
