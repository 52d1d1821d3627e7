"""TL202 on a cold path (issue 12, class 5): a process pool hard-coded to a size runs
a command's or a script's CPU-bound work, so it is shown there; in tests, fixtures and
example data it stays held back, and TL203's pools per pass keep the cold-path rule.
Real source through the real CLI on a small project."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

LITERAL = """\
from multiprocessing import Pool


def convert_all(paths, convert):
    with Pool(15) as pool:  # pool
        return pool.map(convert, paths)
"""
DEFAULT = """\
from concurrent.futures import ProcessPoolExecutor


def convert_all(paths, convert, workers=10):
    with ProcessPoolExecutor(max_workers=workers) as pool:  # pool
        return list(pool.map(convert, paths))


def main():
    convert_all(["a.txt"], print)


if __name__ == "__main__":
    main()
"""
SIZED_BY_CORES = """\
import os
from multiprocessing import Pool


def convert_all(paths, convert):
    with Pool(len(os.sched_getaffinity(0))) as pool:
        return pool.map(convert, paths)
"""
OWN_POOL = """\
class Pool:
    def __init__(self, size):
        self.size = size

    def map(self, fn, items):
        return [fn(item) for item in items]


def convert_all(paths, convert):
    return Pool(15).map(convert, paths)
"""
PER_PASS = """\
from concurrent.futures import ThreadPoolExecutor


def convert_all(batches, convert):
    for batch in batches:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(convert, batch))
"""


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    (root / "pyproject.toml").write_text("[tool.throughlint]\n")


def _pool_line(text: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.endswith("# pool"))


def test_a_hard_coded_process_pool_in_a_command_or_a_script_is_shown(run_cli, tmp_path):
    _write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/cli/__init__.py": "",
            "app/cli/convert.py": LITERAL,
            "app/cli/cores.py": SIZED_BY_CORES,
            "app/cli/own.py": OWN_POOL,
            "app/tool.py": DEFAULT,
            "scripts/convert.py": LITERAL,
            "tests/test_convert.py": LITERAL,
        },
    )
    done = run_cli(".", "--no-cache", "--select", "TL202", "--format", "json", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    document = json.loads(done.stdout)
    found = sorted((d["path"], d["line"]) for d in document["diagnostics"])
    assert found == [
        ("app/cli/convert.py", _pool_line(LITERAL)),
        ("app/tool.py", _pool_line(DEFAULT)),
        ("scripts/convert.py", _pool_line(LITERAL)),
    ]
    assert document["summary"]["held_back"] == {"cold path": 1}  # the test's pool


def test_a_pool_per_pass_in_a_command_stays_held_back(run_cli, tmp_path):
    _write(tmp_path, {"app/__init__.py": "", "app/cli/__init__.py": "", "app/cli/run.py": PER_PASS})
    done = run_cli(".", "--no-cache", "--select", "TL203", "--format", "json", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    document = json.loads(done.stdout)
    assert document["diagnostics"] == []
    assert document["summary"]["held_back"] == {"cold path": 1}
