"""Limits: a 10 MB file, nesting deep enough to exhaust the recursion limit, very long
lines, and trees of many files, all through the real CLI. Each ends in a clean report (a
TL000 naming what was skipped, or success) within bounded time and memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

UNBOUNDED = "import queue\n\nq = queue.Queue()\n"


# A wrapper process whose only child is the linter: its RUSAGE_CHILDREN peak is that run's
# (the linter and its worker processes), not every subprocess this test session started.
_MEASURED = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(f'PEAK_RSS_KB={peak}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _run(root, *args, timeout=300):
    """The real CLI; returns (completed, peak RSS of that run in MB)."""
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            _MEASURED,
            sys.executable,
            "-m",
            "throughlint",
            "--no-cache",
            "--format",
            "json",
            *args,
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1"},
    )
    stderr, _, peak = completed.stderr.rpartition("PEAK_RSS_KB=")
    completed.stderr = stderr
    assert "Traceback" not in completed.stderr, completed.stderr[-3000:]
    return completed, int(peak) / 1024


def _codes(completed):
    return sorted(
        (os.path.basename(d["path"]), d["line"], d["code"])
        for d in json.loads(completed.stdout)["diagnostics"]
    )


def _megabytes_of_code(megabytes: int) -> str:
    block = (
        "def handler_{n}(items, session):\n"
        "    total = 0\n"
        "    for item in items:\n"
        "        total += item.value * {n}\n"
        "        if total > 1000:\n"
        "            break\n"
        "    return total\n\n\n"
    )
    parts, size, n = [], 0, 0
    while size < megabytes * 1024 * 1024:
        text = block.format(n=n)
        parts.append(text)
        size += len(text)
        n += 1
    return "import queue\n\n" + "".join(parts) + "q = queue.Queue()\n"


@pytest.mark.parametrize(
    "megabytes", [1, pytest.param(10, marks=pytest.mark.slow)], ids=["1MB", "10MB"]
)
def test_huge_file(tmp_path, megabytes):
    """Linted whole, with memory and time of the same order as CPython's own ``ast.parse``
    of that file (the tree dominates: about 135 bytes of RSS per byte of source)."""
    text = _megabytes_of_code(megabytes)
    (tmp_path / "huge.py").write_text(text)
    (tmp_path / "small.py").write_text(UNBOUNDED)
    started = time.monotonic()
    bare = subprocess.run(
        [
            sys.executable,
            "-c",
            _MEASURED,
            sys.executable,
            "-c",
            "import ast, sys; ast.parse(open(sys.argv[1], 'rb').read())",
            "huge.py",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    parse_seconds = time.monotonic() - started
    parse_mb = int(bare.stderr.rpartition("PEAK_RSS_KB=")[2]) / 1024
    started = time.monotonic()
    completed, peak_mb = _run(tmp_path, "--jobs", "1", ".", timeout=600)
    elapsed = time.monotonic() - started
    last_line = text.count("\n")
    assert _codes(completed) == [("huge.py", last_line, "TL201"), ("small.py", 3, "TL201")]
    assert completed.returncode == 1
    print(
        f"{megabytes} MB file: {elapsed:.1f}s, peak RSS {peak_mb:.0f} MB "
        f"(bare ast.parse: {parse_seconds:.1f}s, {parse_mb:.0f} MB)"
    )
    assert peak_mb < parse_mb * 1.25 + 60
    assert elapsed < parse_seconds * 4 + 10


DEEP_AND_WIDE = {
    # Nesting that exhausts CPython's parser or our walk: one TL000 each.
    "unary": ("x = " + "-" * 100_000 + "1\n", "TL000"),
    "lambda": ("x = " + "lambda: " * 100_000 + "1\n", "TL000"),
    "binop": ("x = f()" + " + f()" * 100_000 + "\n", "TL000"),
    "attribute": ("x = a" + ".b" * 100_000 + "\n", "TL000"),
    "call_chain": ("x = a" + "()" * 100_000 + "\n", "TL000"),
    "parentheses": ("x = " + "(" * 1000 + "1" + ")" * 1000 + "\n", "TL000"),
    "blocks": ("".join(" " * i + "if x:\n" for i in range(100)) + " " * 100 + "pass\n", "TL000"),
    # Wide but flat: linted normally.
    "boolop": ("x = a" + " and a" * 100_000 + "\n", None),
    "compare": ("x = a" + " < a" * 100_000 + "\n", None),
    "long_line": ("x = '" + "a" * 5_000_000 + "'\n", None),
    "many_args": ("f(" + ", ".join(["a"] * 200_000) + ")\n", None),
    "walk_limit": ("import queue\nx = queue.Queue()" + " + 1" * 20_000 + "\n", "TL000"),
}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_deep_and_wide_code(tmp_path, jobs):
    """Never a crash or a TL999, in-process or in workers; the other files still lint."""
    for name, (source, _) in DEEP_AND_WIDE.items():
        (tmp_path / f"{name}.py").write_text(source)
    for index in range(30):  # enough files for worker processes with --jobs 2
        (tmp_path / f"small_{index:02}.py").write_text(UNBOUNDED)
    completed, _ = _run(tmp_path, "--jobs", jobs, ".")
    document = json.loads(completed.stdout)
    found: dict[str, list[str]] = {}
    for item in document["diagnostics"]:
        found.setdefault(os.path.basename(item["path"])[:-3], []).append(item["code"])
        if item["code"] == "TL000":
            assert item["message"].strip() and "\n" not in item["message"]
    for name, (_, expected) in DEEP_AND_WIDE.items():
        assert found.get(name, []) == ([expected] if expected else []), name
    assert all(found[f"small_{index:02}"] == ["TL201"] for index in range(30))


def _many_files(root, count, per_folder=200):
    for index in range(count):
        folder = root / f"d{index // per_folder:04}"
        if index % per_folder == 0:
            folder.mkdir(parents=True)
        text = UNBOUNDED if index % 1000 == 0 else f"x_{index} = {index}\n"
        (folder / f"m{index:06}.py").write_text(text)


def test_two_thousand_files(tmp_path):
    _many_files(tmp_path, 2000)
    completed, _ = _run(tmp_path, "--jobs", "2", ".")
    document = json.loads(completed.stdout)
    assert document["summary"]["files"] == 2000
    assert [d["code"] for d in document["diagnostics"]] == ["TL201", "TL201"]


@pytest.mark.slow
def test_twenty_thousand_files_bounded_memory(tmp_path):
    _many_files(tmp_path, 20_000)
    started = time.monotonic()
    completed, peak_mb = _run(tmp_path, "--jobs", "2", ".", timeout=900)
    elapsed = time.monotonic() - started
    document = json.loads(completed.stdout)
    assert document["summary"]["files"] == 20_000
    assert len(document["diagnostics"]) == 20
    assert peak_mb < 500, f"peak RSS {peak_mb:.0f} MB for 20k files"
    print(f"20k files: {elapsed:.1f}s, peak RSS {peak_mb:.0f} MB")
