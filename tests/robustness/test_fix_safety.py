"""``--fix`` never damages a user's files: interrupted runs leave each file old or new,
read-only files and files changed since the lint are left alone, and nothing outside the
project is written through a symlink. All through the real CLI."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time

import pytest

OLD = "import queue\n\njobs = queue.Queue()\n"
NEW = "import queue\n\njobs = queue.Queue(maxsize=1000)\n"
FIX = ("--no-cache", "--jobs", "1", "--fix", "--unsafe-fixes")


def _run(root, *args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "throughlint", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=timeout,
    )


def test_the_unsafe_queue_fix_is_what_these_tests_rely_on(tmp_path):
    (tmp_path / "a.py").write_text(OLD)
    completed = _run(tmp_path, *FIX, ".")
    assert (tmp_path / "a.py").read_text() == NEW, completed.stderr


def test_read_only_file_is_reported_and_left_alone(tmp_path):
    (tmp_path / "writable.py").write_text(OLD)
    frozen = tmp_path / "frozen.py"
    frozen.write_text(OLD)
    os.chmod(frozen, 0o444)
    completed = _run(tmp_path, *FIX, ".")
    assert "Traceback" not in completed.stderr
    assert (tmp_path / "writable.py").read_text() == NEW
    assert frozen.read_text() == OLD
    assert stat.S_IMODE(frozen.stat().st_mode) == 0o444
    assert "frozen.py" in completed.stderr and "read-only" in completed.stderr
    assert "frozen.py:3:" in completed.stdout  # still reported, not silently dropped
    assert completed.returncode == 1


def test_symlink_pointing_outside_the_project_is_never_written(tmp_path):
    project = tmp_path / "project"
    outside = tmp_path / "elsewhere"
    project.mkdir()
    outside.mkdir()
    (project / "pyproject.toml").write_text("[tool.throughlint]\n")
    victim = outside / "victim.py"
    victim.write_text(OLD)
    os.symlink(victim, project / "link.py")
    (project / "real.py").write_text(OLD)
    inner_target = project / "target.py"
    inner_target.write_text(OLD)
    os.symlink(inner_target, project / "inner_link.py")
    completed = _run(project, *FIX, ".")
    assert "Traceback" not in completed.stderr
    assert victim.read_text() == OLD
    assert os.path.islink(project / "link.py")
    assert "link.py" in completed.stderr and "outside" in completed.stderr
    assert (project / "real.py").read_text() == NEW
    assert inner_target.read_text() == NEW  # a link that stays inside is fine


# Rewrites a file on disk right after the engine read it, as an editor saving would.
EDITOR_RULE = '''
"""Saves new content into the file being linted."""
import ast
from throughlint.rules.base import Rule

RULE = Rule(code="TL993", name="editor-saves", summary="edits", triggers=("EDITOR_SAVES",))
SAVED = set()


@RULE.on(ast.Import)
def save(checker, node):
    path = checker.source.path
    if path not in SAVED:
        SAVED.add(path)
        with open(path, "w") as handle:
            handle.write(EDITED)


EDITED = (
    "# EDITOR_SAVES\\nimport queue\\n\\ndone = queue.Queue()  # unbounded on purpose\\n"
    "jobs = queue.Queue()\\n"
)
'''


def test_file_changed_between_lint_and_fix_is_not_overwritten(tmp_path, run_with_rules):
    path = tmp_path / "edited.py"
    path.write_text("# EDITOR_SAVES\n" + OLD)
    (tmp_path / "other.py").write_text(OLD)
    edited = (
        "# EDITOR_SAVES\nimport queue\n\ndone = queue.Queue()  # unbounded on purpose\n"
        "jobs = queue.Queue()\n"
    )
    completed = run_with_rules(*FIX, ".", rules={"zz_editor": EDITOR_RULE})
    assert "Traceback" not in completed.stderr, completed.stderr
    assert path.read_text() == edited  # the user's save survives, unfixed
    assert "edited.py" in completed.stderr and "changed" in completed.stderr
    assert (tmp_path / "other.py").read_text() == NEW


def _fixable_tree(root, count):
    root.mkdir()
    for index in range(count):
        folder = root / f"pkg{index % 5}"
        folder.mkdir(exist_ok=True)
        # Files of different lengths, so a half-written one cannot look whole.
        (folder / f"m{index:03}.py").write_text(f"# module {index}\n" * (index % 13) + OLD)


def _states(root):
    states = {}
    for path in sorted(root.rglob("*.py")):
        text = path.read_text()
        header = text[: len(text) - len(OLD)] if text.endswith(OLD) else None
        if text.endswith(OLD) and header is not None:
            states[path.name] = "old"
        elif text.endswith(NEW):
            states[path.name] = "new"
        else:
            states[path.name] = f"DAMAGED: {text!r}"
    return states


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_fix_leaves_every_file_old_or_new(tmp_path, signum):
    """Interrupt ``--fix`` while it writes; every file must be either the original or the
    fixed text, never half-written. The signal is sent as soon as the first file is fixed
    on disk (not after a guessed delay, which a loaded machine turns into a flaky test),
    and at least one interruption must land mid-run, or the test proved nothing."""
    mixed = 0
    for trial in range(5):
        root = tmp_path / f"trial{trial}"
        _fixable_tree(root, 80)
        process = subprocess.Popen(
            [sys.executable, "-m", "throughlint", *FIX, "."],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if "new" in _states(root).values():
                break
            time.sleep(0.001)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=120)
        assert "Traceback" not in stderr, stderr
        states = _states(root)
        damaged = {name: state for name, state in states.items() if state.startswith("DAMAGED")}
        assert not damaged
        if signum == signal.SIGINT:
            assert not list(root.rglob("*.throughlint-tmp")), "temp file left behind"
        if set(states.values()) == {"old", "new"}:
            mixed += 1
            break
    assert mixed, "no interruption landed while files were being written"


@pytest.mark.parametrize(
    "chain",
    ["x = a" + "[0]" * 3000, "x = f()" + " + f()" * 4000, "x = a" + "()" * 3000],
    ids=["subscripts", "binop", "calls"],
)
def test_fix_is_skipped_where_libcst_would_take_minutes(tmp_path, chain):
    """libcst's parser is quadratic in a left-nested chain (3,000 subscripts: about 20 s,
    4,000 additions: about 20 s); --fix says so and moves on instead of stalling."""
    (tmp_path / "chain.py").write_text(OLD + chain + "\n")
    (tmp_path / "plain.py").write_text(OLD)
    started = time.monotonic()
    completed = _run(tmp_path, *FIX, ".")
    elapsed = time.monotonic() - started
    assert "Traceback" not in completed.stderr
    assert (tmp_path / "plain.py").read_text() == NEW
    assert (tmp_path / "chain.py").read_text() == OLD + chain + "\n"
    assert "chain.py" in completed.stderr and "too long" in completed.stderr
    assert elapsed < 90, f"--fix took {elapsed:.0f}s"  # minutes without the guard


def test_fix_skips_a_chain_too_deep_for_the_main_process_after_parallel_lint(tmp_path):
    """With worker processes the main process keeps Python's default recursion limit,
    where CPython's own parser gives up on the chain: that too must skip, not stall."""
    chain = "x = f()" + " + f()" * 4990
    (tmp_path / "chain.py").write_text(OLD + chain + "\n")
    for index in range(30):
        (tmp_path / f"plain_{index:02}.py").write_text(OLD)
    started = time.monotonic()
    completed = _run(tmp_path, "--no-cache", "--jobs", "2", "--fix", "--unsafe-fixes", ".")
    elapsed = time.monotonic() - started
    assert "Traceback" not in completed.stderr
    assert (tmp_path / "chain.py").read_text() == OLD + chain + "\n"
    assert "chain.py" in completed.stderr and "too long" in completed.stderr
    assert all((tmp_path / f"plain_{i:02}.py").read_text() == NEW for i in range(30))
    assert elapsed < 90, f"--fix took {elapsed:.0f}s"  # minutes without the guard
