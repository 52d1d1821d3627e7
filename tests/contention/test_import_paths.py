"""A library class imported from the module that defines it is the class its public
path names (``from multiprocessing.pool import Pool`` is ``multiprocessing.Pool``,
``from concurrent.futures.thread import ThreadPoolExecutor``, ``from asyncio.queues
import Queue``): the canonical spelling every rule matches (``semantic/qualnames.py``).
Real source through the real CLI."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

BAD = """\
import asyncio.queues
from asyncio.queues import Queue
from concurrent.futures.thread import ThreadPoolExecutor
from multiprocessing.pool import Pool

events = Queue()  # expect: TL201
other = asyncio.queues.Queue()  # expect: TL201


def render(pages):
    with Pool(15) as pool:  # expect: TL202
        return pool.map(str, pages)


def fetch(batches, get):
    for batch in batches:
        with ThreadPoolExecutor(max_workers=4) as pool:  # expect: TL203
            list(pool.map(get, batch))
"""
GOOD = """\
import os
from concurrent.futures.thread import ThreadPoolExecutor
from multiprocessing.pool import Pool


def render(pages):
    with Pool(len(os.sched_getaffinity(0))) as pool:
        return pool.map(str, pages)


def fetch(batches, get):
    with ThreadPoolExecutor(max_workers=4) as pool:
        for batch in batches:
            list(pool.map(get, batch))
"""
# the user's own modules called ``pool`` and ``queues``: nothing of the library
OWN = """\
from app.pool import Pool
from app.queues import Queue

events = Queue()


def render(pages):
    return Pool(15).map(str, pages)
"""
OWN_POOL = """\
class Pool:
    def __init__(self, size):
        self.size = size

    def map(self, fn, items):
        return [fn(item) for item in items]
"""
OWN_QUEUES = """\
class Queue:
    def put(self, item):
        pass
"""


def _lint(run_cli, root: Path, files: dict[str, str]) -> list[tuple[str, int, str]]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    done = run_cli(
        ".", "--isolated", "--no-cache", "--show-all", "--select", "TL201,TL202,TL203",
        "--format", "json", cwd=root,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return sorted((d["path"], d["line"], d["code"]) for d in json.loads(done.stdout)["diagnostics"])


def _expected(path: str, text: str) -> list[tuple[str, int, str]]:
    return [
        (path, n, line.rpartition("# expect: ")[2])
        for n, line in enumerate(text.splitlines(), 1)
        if "# expect: " in line
    ]


def test_a_class_imported_from_its_defining_module_is_the_library_class(run_cli, tmp_path):
    files = {"app/__init__.py": "", "app/bad.py": BAD, "app/good.py": GOOD}
    assert _lint(run_cli, tmp_path, files) == _expected("app/bad.py", BAD)


def test_own_modules_of_the_same_names_stay_clean(run_cli, tmp_path):
    files = {
        "app/__init__.py": "",
        "app/own.py": OWN,
        "app/pool.py": OWN_POOL,
        "app/queues.py": OWN_QUEUES,
    }
    assert _lint(run_cli, tmp_path, files) == []
