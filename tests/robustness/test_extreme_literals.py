"""Literals that Python accepts but whose naive evaluation raises (``range(1, 2, 0)``, a
``range`` longer than ``sys.maxsize``, ints too long to print in decimal) never sink the
run: the small-loop check computes a range's length by arithmetic, messages print huge
ints in a short form. Through the real CLI, in one process and with worker processes."""

from __future__ import annotations

import json
import os

import pytest

HUGE = "0x" + "f" * 5000  # legal source; str() of it raises (int_max_str_digits)

CRASHERS = {
    "zero_step.py": "def f(items):\n    for i in range(1, 2, 0):\n        pass\n",
    "past_maxsize.py": "def f(items):\n    for i in range(100000000000000000000):\n        pass\n",
    "huge_hex.py": f"def f(items):\n    for i in range({HUGE}):\n        pass\n",
    "in_comprehension.py": "def f():\n    return [i for i in range(0, 1000, 0)] + "
    "[i for i in range(-100000000000000000000, 100000000000000000000, -1)]\n",
}
QUEUE = "import queue\n\nq = queue.Queue()\n"


def _codes_by_file(stdout: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in json.loads(stdout)["diagnostics"]:
        found.setdefault(os.path.basename(item["path"]), []).append(item["code"])
    return found


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_extreme_ranges_keep_the_run_going(run_cli, tmp_path, jobs):
    for name, text in CRASHERS.items():
        (tmp_path / name).write_text(text)
    for index in range(30):  # enough files for the worker pool with --jobs 2
        (tmp_path / f"other_{index:02}.py").write_text(QUEUE)
    completed = run_cli("--no-cache", "--format", "json", "--exit-zero", "--jobs", jobs, ".")
    assert "Traceback" not in completed.stderr, completed.stderr[-2000:]
    assert completed.returncode == 0, completed.stderr[-2000:]
    codes = _codes_by_file(completed.stdout)
    assert {name: codes[name] for name in codes if not name.startswith("other_")} == {}
    assert all(codes[f"other_{index:02}.py"] == ["TL201"] for index in range(30))
    assert json.loads(completed.stdout)["summary"]["files"] == 34


LOOP_CALLS = """\
import requests


def fetch_all(url):
    for i in range({bounds}):
        requests.get(url)
"""


@pytest.mark.parametrize(
    ("bounds", "reported"),
    [
        ("3", False),  # a small literal loop: a handful of calls is fine
        ("1, 4", False),
        ("10, 0, -3", False),  # 10, 7, 4, 1
        ("0, 100000000000000000000, 50000000000000000000", False),  # two items
        ("100000000000000000000", True),  # past sys.maxsize: len(range()) would raise
        ("-100000000000000000000, 100000000000000000000", True),
        ("10, 0, -1", True),
        (HUGE, True),
        ("1, 2, 0", True),  # raises at run time: nothing to vouch for
    ],
    ids=lambda value: value if len(str(value)) < 40 else "huge-hex",
)
def test_range_length_decides_small_loops(run_cli, tmp_path, bounds, reported):
    (tmp_path / "calls.py").write_text(LOOP_CALLS.format(bounds=bounds))
    # --show-all: constant input (a small range) is held back by default (issue 17)
    completed = run_cli("--no-cache", "--show-all", "--format", "json", "calls.py")
    assert "Traceback" not in completed.stderr, completed.stderr[-2000:]
    assert _codes_by_file(completed.stdout).get("calls.py", []) == (["TL401"] if reported else [])
    assert completed.returncode == (1 if reported else 0)


def test_huge_ints_are_printed_short_in_messages(run_cli, tmp_path):
    (tmp_path / "sizes.py").write_text(
        "import queue\n"
        "import requests\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        f"pool = ThreadPoolExecutor({HUGE})\n"
        f"q = queue.Queue(-{HUGE})\n"
        "def f(url):\n"
        f"    for i in range({HUGE}):\n"
        "        requests.get(url)\n"
    )
    completed = run_cli("--no-cache", "--format", "json", "sizes.py")
    assert "Traceback" not in completed.stderr, completed.stderr[-2000:]
    document = json.loads(completed.stdout)
    messages = {item["code"]: item["message"] for item in document["diagnostics"]}
    assert set(messages) == {"TL202", "TL201", "TL401"}, messages
    assert "with <20000-bit int> threads" in messages["TL202"]
    assert "maxsize=-<20000-bit int>" in messages["TL201"]
    assert "range(<20000-bit int>)" in messages["TL401"]
    assert all(len(message) < 1000 for message in messages.values())


SAVE = """\
import sqlite3


def save(rows):
    conn = sqlite3.connect("app.db")
    for row in rows{index}:
        conn.execute("INSERT INTO t VALUES (?)", row)
        conn.commit()
"""


def test_fix_on_deeply_nested_code_is_a_warning_and_other_files_are_fixed(run_cli, tmp_path):
    """libcst runs out of stack on 1000 nested unary minuses (and hides that behind a
    ``KeyError`` whose text recurses again): one warning, that file left alone."""
    deep = tmp_path / "deep.py"
    deep.write_text(SAVE.format(index="[" + "-" * 1000 + "1:]"))
    (tmp_path / "plain.py").write_text(SAVE.format(index=""))
    before = deep.read_bytes()
    completed = run_cli("--no-cache", "--fix", "--unsafe-fixes", "deep.py", "plain.py")
    assert "Traceback" not in completed.stderr, completed.stderr[-2000:]
    assert "deep.py: fix not applied: the code is nested too deeply" in completed.stderr
    assert deep.read_bytes() == before
    assert "executemany" in (tmp_path / "plain.py").read_text()
    assert completed.returncode == 1  # deep.py's findings remain
