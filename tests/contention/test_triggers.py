"""TL301 looks only at files that can hold a lock: its triggers are selective, so a file
about sockets, blocks and clocks is not walked by its checks (it used to match on
``ock``)."""

from __future__ import annotations

import sys

import pytest

from throughlint.engine import lint_text
from throughlint.rules.lock_in_loop import RULE

SOCKETS = """\
import socket
import time


def serve(port, handlers):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    sock.bind(("", port))
    started = time.monotonic()  # the clock, in seconds
    for block in handlers:
        block.handle(sock.accept())
    return time.perf_counter() - started
"""

LOCKS = """\
import threading

lock = threading.Lock()
totals = {}


def tally(words):
    for word in words:
        with lock:
            totals[word] = totals.get(word, 0) + 1
"""


@pytest.mark.parametrize(
    "text",
    [
        "lock = threading.Lock()",
        "m = multiprocessing.Manager().RLock()",
        "limit = threading.BoundedSemaphore(4)",
        "ready = asyncio.Condition()",
        "lock = _thread.allocate_lock()",
        "limiter = anyio.CapacityLimiter(2)",
        "with self._write_lock: pass",
        "def f(LOCK): pass",
        "with shard.mutex: pass",
        "async with sem: pass",
        "with cond: cond.wait()",
        "def drain(buffer, lock, sink): pass",
    ],
)
def test_files_that_can_hold_a_lock_are_relevant(text):
    assert RULE.relevant(text)


@pytest.mark.parametrize(
    "text",
    [
        SOCKETS,
        "import socket\nsocket.create_connection(address)",
        "data = stream.read_block()",
        "elapsed = clock() - started",
        "for second in seconds: pass",
        "from semantic import model",
        "parts = assemble(chunks)",
        "if conditional: pass",
        "kind = lock_type(model, expr)",
        "self.locksmith.call()",
    ],
)
def test_sockets_blocks_and_clocks_are_not(text):
    assert not RULE.relevant(text)


def _calls_into(module_file: str, text: str) -> tuple[int, list[str]]:
    """Calls made into ``module_file`` while linting ``text`` with TL301 alone."""
    calls = 0

    def profile(frame, event, arg):
        nonlocal calls
        if event == "call" and frame.f_code.co_filename.endswith(module_file):
            calls += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        codes = [d.code for d in lint_text(text, "module.py", rules=[RULE])]
    finally:
        sys.setprofile(previous)
    return calls, codes


def test_a_file_about_sockets_is_not_walked_for_tl301():
    """The file's facts are still collected (TL301 asks the project index about the
    functions a loop calls in other files), but none of TL301's own checks runs."""
    assert _calls_into("lock_in_loop.py", SOCKETS) == (0, [])
    calls, codes = _calls_into("lock_in_loop.py", LOCKS)
    assert codes == ["TL301"]
    assert calls > 0
