"""A queue module or class imported through a project module (issue 12's class 2:
``from app._compat import queue``, where ``_compat`` imports ``queue``, with Python 2's
``Queue`` as the ``ImportError`` fallback): what that module binds is the project
index's to say, so the queue it makes is checked as the library's. Near misses: a
bounded queue, and a compatibility module whose ``Queue`` is a class of its own. The
fix through the index adds ``maxsize=``, and a second run changes nothing. Run through
the real CLI."""

from __future__ import annotations

from tests.support.cli_projects import lint_json, run_module_cli, write_project

COMPAT = """\
try:
    import queue
except ImportError:  # Python 2
    import Queue as queue

from queue import SimpleQueue
"""

OWN_COMPAT = """\
class Queue:
    def __init__(self, maxsize=0):
        self.items = []

    def put(self, item):
        self.items.append(item)

    def get(self):
        return self.items.pop(0)
"""

WORK = """\
import threading

from app import _compat
from app._compat import SimpleQueue, queue

jobs = queue.Queue()
bounded = queue.Queue(maxsize=100)
inbox = SimpleQueue()
own = _compat.Queue()


def consume(q):
    while True:
        print(q.get())


def produce(rows):
    for row in rows:
        jobs.put(row)
        bounded.put(row)
        inbox.put(row)
        own.put(row)


for target in (jobs, bounded, inbox, own):
    threading.Thread(target=consume, args=(target,), daemon=True).start()
"""


def _lines(tmp_path, compat: str, *args: str) -> dict[int, str]:
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/_compat.py": compat, "app/work.py": WORK}
    )
    report = lint_json(run_module_cli, root, "--select", "TL201", "--show-all", *args)
    return {d["line"]: d["message"] for d in report["diagnostics"] if d["path"].endswith("work.py")}


def test_queues_through_a_compatibility_module(tmp_path):
    found = _lines(tmp_path, COMPAT)
    assert set(found) == {6, 8}
    assert found[6].startswith("unbounded `queue.Queue()`")
    assert found[8].startswith("`queue.SimpleQueue()` cannot be bounded")


def test_a_compatibility_module_with_its_own_queue(tmp_path):
    assert _lines(tmp_path, OWN_COMPAT) == {}


def test_fix_through_the_index(tmp_path):
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/_compat.py": COMPAT, "app/work.py": WORK}
    )
    args = ("--isolated", "--select", "TL201", "--fix", "--unsafe-fixes", ".")
    run_module_cli(*args, cwd=root)
    fixed = (root / "app" / "work.py").read_text()
    assert "jobs = queue.Queue(maxsize=1000)" in fixed
    run_module_cli(*args, cwd=root)
    assert (root / "app" / "work.py").read_text() == fixed


# one arm binds a class of the module's own, the other the library's: unknown
PLATFORM_COMPAT = """\
import platform


class PipeQueue:
    def __init__(self):
        self.pending = []

    def put(self, item):
        self.pending.append(item)


if platform.system() == "Darwin":
    Queue = PipeQueue
else:
    from multiprocessing import Queue
"""

PLATFORM_WORK = """\
import threading

from app._compat import Queue

logs = Queue()


def consume():
    while True:
        print(logs.get())


def produce(rows):
    for row in rows:
        logs.put(row)


threading.Thread(target=consume, daemon=True).start()
"""


def test_a_name_each_platform_binds_otherwise(tmp_path):
    root = write_project(
        tmp_path,
        {"app/__init__.py": "", "app/_compat.py": PLATFORM_COMPAT, "app/work.py": PLATFORM_WORK},
    )
    report = lint_json(run_module_cli, root, "--select", "TL201", "--show-all")
    assert [d for d in report["diagnostics"] if d["path"].endswith("work.py")] == []


BRICKS = """\
import queue


class SkipRepeatsQueue(queue.Queue):
    def __init__(self, maxsize: int = 0) -> None:
        super().__init__(maxsize)
        self._last = None

    def _put(self, item):
        if item != getattr(self, "_last", None):
            super()._put(item)
            self._last = item


class SizedQueue(queue.Queue):
    def __init__(self):
        super().__init__(maxsize=100)


class DefaultSizedQueue(queue.Queue):
    def __init__(self, maxsize=100):
        super().__init__(maxsize=maxsize)


class PlainQueue:
    def __init__(self):
        self.items = []

    def put(self, item):
        self.items.append(item)

    def get(self):
        return self.items.pop(0)


class LoggedQueue(queue.SimpleQueue):
    pass
"""

EMITTER = """\
import threading

from app.bricks import (
    DefaultSizedQueue,
    LoggedQueue,
    PlainQueue,
    SizedQueue,
    SkipRepeatsQueue,
)


class EventQueue(SkipRepeatsQueue):
    pass


class Emitter(threading.Thread):
    def __init__(self):
        super().__init__()
        self.events = EventQueue()
        self.sized = SizedQueue()
        self.plain = PlainQueue()
        self.logged = LoggedQueue()
        self.capped = EventQueue(maxsize=50)
        self.defaulted = DefaultSizedQueue()

    def on_event(self, event):
        self.events.put(event)
        self.sized.put(event)
        self.plain.put(event)
        self.logged.put(event)
        self.capped.put(event)
        self.defaulted.put(event)

    def run(self):
        while True:
            queues = (self.events, self.sized, self.plain, self.logged, self.capped)
            for queue in (*queues, self.defaulted):
                print(queue.get())
"""


def test_a_project_subclass_of_a_library_queue(tmp_path):
    """watchdog's ``EventQueue(SkipRepeatsQueue)``, ``SkipRepeatsQueue(queue.Queue)`` in
    another module, whose ``__init__(self, maxsize=0)`` hands the size on: its
    constructor is ``queue.Queue``'s, so ``EventQueue()`` is an unbounded queue, and the
    fix adds ``maxsize=``. Near misses: a subclass whose ``__init__`` sets a size, or
    defaults it to a bound, a class of its own named like a queue, and a subclass given a
    size."""
    root = write_project(
        tmp_path,
        {"app/__init__.py": "", "app/bricks.py": BRICKS, "app/emitter.py": EMITTER},
    )
    default = lint_json(run_module_cli, root, "--select", "TL201", "--show-all")
    assert not [d for d in default["diagnostics"] if d["path"].endswith("emitter.py")]
    report = lint_json(run_module_cli, root, "--select", "TL201", "--show-all", "--preview")
    found = {
        d["line"]: d["message"] for d in report["diagnostics"] if d["path"].endswith("emitter.py")
    }
    source = EMITTER.splitlines()
    events = source.index("        self.events = EventQueue()") + 1
    logged = source.index("        self.logged = LoggedQueue()") + 1
    assert set(found) == {events, logged}
    assert found[events].startswith("unbounded `EventQueue()` (a `queue.Queue`)")
    assert found[logged].startswith("`LoggedQueue()` (a `queue.SimpleQueue`) cannot be bounded")
    args = ("--isolated", "--preview", "--select", "TL201", "--fix", "--unsafe-fixes", ".")
    run_module_cli(*args, cwd=root)
    fixed = (root / "app" / "emitter.py").read_text()
    assert "self.events = EventQueue(maxsize=1000)" in fixed
    run_module_cli(*args, cwd=root)
    assert (root / "app" / "emitter.py").read_text() == fixed
