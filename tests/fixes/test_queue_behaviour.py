"""The queue fixes keep a producer/consumer program's output: run it before and after the
fix in real interpreters (threads and asyncio) and compare."""

from __future__ import annotations

import json
import subprocess
import sys

from fix_support import fix_source

from throughlint.settings import Settings

PROGRAM = """\
import asyncio
import queue
import threading
from queue import SimpleQueue


def numbers(count):  # the producers' input: a stream, as far as the linter can tell
    yield from range(count)


def threads():
    jobs = queue.Queue()
    results = SimpleQueue()

    def worker():
        while True:
            item = jobs.get()
            if item is None:
                return
            results.put(item * item)

    out = []

    def collect():
        for _ in range(5000):
            out.append(results.get())

    workers = [threading.Thread(target=worker) for _ in range(3)]
    collector = threading.Thread(target=collect)
    for thread in [*workers, collector]:
        thread.start()
    for number in numbers(5000):  # more items than the bound: producers must wait
        jobs.put(number)
    for _ in workers:
        jobs.put(None)
    for thread in [*workers, collector]:
        thread.join()
    return sorted(out)


async def pipeline():
    pending = asyncio.Queue()
    seen = []

    async def consume():
        while (item := await pending.get()) is not None:
            seen.append(item + 1)

    task = asyncio.create_task(consume())
    for number in numbers(3000):
        await pending.put(number)
    await pending.put(None)
    await task
    return seen


print(sum(threads()), len(threads()), asyncio.run(pipeline())[-5:])
"""


def _run(source: str, tmp_path, timeout: float = 60) -> str:
    script = tmp_path / "program.py"
    script.write_text(source)
    completed = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=timeout
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_bounded_queues_give_the_same_output(tmp_path):
    item = fix_source(PROGRAM, unsafe=True)
    assert [d.fix.kind for d in item.applied] == ["queue-maxsize", "simple-queue", "queue-maxsize"]
    assert "queue.Queue(maxsize=1000)" in item.fixed
    assert "asyncio.Queue(maxsize=1000)" in item.fixed
    assert "SimpleQueue()" not in item.fixed  # its import stays: others may import it from here
    before, after = _run(PROGRAM, tmp_path), _run(item.fixed, tmp_path)
    assert before == after
    assert json.loads(before.split(" ", 2)[1]) == 5000


FILL_THEN_DRAIN = """\
import queue

backlog = queue.Queue()
for number in range(50):
    backlog.put(number)
print(sum(backlog.get() for _ in range(50)))
"""


def test_why_the_fix_is_unsafe_filling_before_draining_blocks(tmp_path):
    item = fix_source(FILL_THEN_DRAIN, unsafe=True, settings=Settings(queue_maxsize=10))
    assert "queue.Queue(maxsize=10)" in item.fixed
    assert _run(FILL_THEN_DRAIN, tmp_path) == "1225\n"
    try:
        _run(item.fixed, tmp_path, timeout=2)
    except subprocess.TimeoutExpired:
        pass
    else:
        raise AssertionError("a bounded queue filled before draining must block")
