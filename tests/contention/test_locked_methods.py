"""TL301 through a method of the same class that holds the instance's lock for its whole
body, run on every pass of a loop (issue 12, class 4 and the per-item lock behind
``self[key]``): a ``values()`` built from ``self[key]``, a drain loop that pops one item
per call of a locked ``_pop()``. Run through the real CLI."""

from __future__ import annotations

import json

import pytest

# a thread-safe mapping whose item access takes the lock
MAPPING = """\
import threading
import time


class TimedMap:
    def __init__(self, initial=()):
        self._lock = threading.RLock()
        self._data = {}
        self._fill(initial)

    def _fill(self, initial):
        for key, value in initial:
            self[key] = value

    def __getitem__(self, key):
        with self._lock:
            value, stamp = self._data[key]
            if time.monotonic() - stamp > 60:
                del self._data[key]
                raise KeyError(key)
            return value

    def __setitem__(self, key, value):
        with self._lock:
            self._data[key] = (value, time.monotonic())

    def __contains__(self, key):
        with self._lock:
            return key in self._data and time.monotonic() - self._data[key][1] <= 60

{method}
"""

BAD_VALUES = """\
    def values(self):
        found = []
        for key in list(self._data):
            try:
                found.append(self[key])  # TL301
            except KeyError:
                pass
        return found
"""
BAD_COMPREHENSION = """\
    def present(self, keys):
        return [key for key in keys if key in self]  # TL301
"""
BAD_UPDATE = """\
    def update(self, pairs):
        for key, value in pairs:
            self[key] = value  # TL301
"""
# good: one acquire around the loop, the data read directly
GOOD_VALUES = """\
    def values(self):
        with self._lock:
            now = time.monotonic()
            return [v for v, stamp in self._data.values() if now - stamp <= 60]
"""
# near miss: the caller holds the lock already (the method's acquire is a re-entry)
HELD_VALUES = """\
    def values(self):
        found = []
        with self._lock:
            for key in list(self._data):
                found.append(self[key])
        return found
"""
# near miss: every pass does real work of its own next to one locked read
WORK_VALUES = """\
    def publish(self, keys, session):
        for key in keys:
            body = session.get(f"https://example.com/{key}").json()
            session.post(f"https://example.com/{key}/seen", json=body)
            session.post(f"https://example.com/audit", json={"key": key, "body": body})
            print(key, body)
            self[key] = body
"""

DRAIN = """\
import collections
import threading


class Outbox:
    def __init__(self, transport):
        self._lock = threading.Lock()
        self._pending = collections.deque()
        self._transport = transport

    def put(self, message):
        with self._lock:
            self._pending.append(message)

    def _next(self):
        with self._lock:
            if self._pending:
                return self._pending.popleft()
            return None

    def _swap(self):
        with self._lock:
            batch, self._pending = self._pending, collections.deque()
            return batch

{method}
"""
BAD_DRAIN = """\
    def run(self):
        while (message := self._next()) is not None:  # TL301
            self._transport.send(message)
"""
GOOD_DRAIN = """\
    def run(self):
        while batch := self._swap():
            self._transport.send_all(batch)
"""

# a lock-free class of the user's own called ``RLock``: nothing is acquired
SHADOWED = """\
class RLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class Table:
    def __init__(self):
        self._lock = RLock()
        self._data = {}

    def __getitem__(self, key):
        with self._lock:
            value = self._data[key]
            print(key, value)
            return value

    def values(self):
        return [self[key] for key in self._data]
"""
# the lock is passed in per item: one lock per entry, by design
PER_ENTRY = """\
class Table:
    def __init__(self, entries):
        self._entries = entries

    def touch(self, key):
        with self._entries[key].lock:
            self._entries[key].hits += 1
            self._entries[key].seen = True

    def touch_all(self, keys):
        for key in keys:
            self.touch(key)
"""
# a semaphore of several permits bounds concurrency, it does not serialise
SEMAPHORE = """\
import threading


class Fetcher:
    def __init__(self, session):
        self._slots = threading.BoundedSemaphore(8)
        self._session = session

    def fetch(self, url):
        with self._slots:
            response = self._session.get(url)
            return response.content

    def fetch_all(self, urls):
        return [self.fetch(url) for url in urls]
"""
# the locked method calls a client: the round trip, not the acquire, is the cost
CLIENT = """\
import threading

import requests


class Reporter:
    def __init__(self):
        self._lock = threading.Lock()
        self._session = requests.Session()
        self._batches = {}

    def _flush(self, run_id):
        with self._lock:
            batch = self._batches.pop(run_id, [])
            self._session.post("https://example.com/runs", json=batch)

    def flush_all(self, run_ids):
        for run_id in run_ids:
            self._flush(run_id)
"""


def _fill(template: str, method: str) -> str:
    return template.replace("{method}", method)


@pytest.mark.parametrize(
    ("source", "marked"),
    [
        pytest.param(_fill(MAPPING, BAD_VALUES), True, id="bad-getitem-per-key"),
        pytest.param(_fill(MAPPING, BAD_COMPREHENSION), True, id="bad-contains"),
        pytest.param(_fill(MAPPING, BAD_UPDATE), True, id="bad-setitem-per-pair"),
        pytest.param(_fill(DRAIN, BAD_DRAIN), True, id="bad-drain-through-pop"),
        pytest.param(_fill(MAPPING, GOOD_VALUES), False, id="good-one-acquire"),
        pytest.param(_fill(DRAIN, GOOD_DRAIN), False, id="good-drain-swaps"),
        pytest.param(_fill(MAPPING, HELD_VALUES), False, id="near-miss-lock-held"),
        pytest.param(_fill(MAPPING, WORK_VALUES), False, id="near-miss-work-outside"),
        pytest.param(PER_ENTRY, False, id="near-miss-lock-per-entry"),
        pytest.param(SEMAPHORE, False, id="near-miss-semaphore-of-eight"),
        pytest.param(CLIENT, False, id="near-miss-round-trip-under-lock"),
        pytest.param(SHADOWED, False, id="own-rlock-shadowing"),
    ],
)
def test_lock_taken_per_item_in_a_method(run_cli, tmp_path, source, marked):
    (tmp_path / "store.py").write_text(source)
    done = run_cli("--isolated", "--no-cache", "--select", "TL301", "--format", "json", ".")
    assert done.returncode in (0, 1), done.stderr
    found = [d["line"] for d in json.loads(done.stdout)["diagnostics"]]
    lines = source.splitlines()
    expected = [n for n, text in enumerate(lines, 1) if text.endswith("# TL301")]
    assert bool(expected) is marked
    assert found == expected


def test_construction_copies_its_input_without_a_finding(run_cli, tmp_path):
    """``_fill`` runs only from ``__init__``: the instance is not shared yet, and
    ``self[key] = value`` per pair there is not contention (the ``MAPPING`` base)."""
    (tmp_path / "store.py").write_text(_fill(MAPPING, GOOD_VALUES))
    done = run_cli("--isolated", "--no-cache", "--select", "TL301", "--format", "json", ".")
    assert json.loads(done.stdout)["diagnostics"] == []
    assert "self[key] = value" in MAPPING


def test_message_names_the_method_and_the_lock(run_cli, tmp_path):
    (tmp_path / "store.py").write_text(_fill(MAPPING, BAD_VALUES))
    done = run_cli("--isolated", "--no-cache", "--select", "TL301", "--format", "json", ".")
    (finding,) = json.loads(done.stdout)["diagnostics"]
    assert "`__getitem__()`" in finding["message"]
    assert "`self._lock`" in finding["message"]
    assert finding["confidence"] == "typed"


def test_blocking_get_that_returns_the_item_is_not_a_drain(run_cli, tmp_path):
    """``while True: with lock: ... popleft(); return head``: each call takes one item
    and leaves; the drain-loop finding is for loops that keep taking items."""
    source = """\
import collections
import threading


class DelayedQueue:
    def __init__(self):
        self._lock = threading.Lock()
        self._queue = collections.deque()

    def get(self, ready):
        while True:
            head = ready(self._queue)
            with self._lock:
                if self._queue and self._queue[0] is head:
                    self._queue.popleft()
                    return head

    def drain(self, sink):
        while True:
            with self._lock:  # TL301
                if not self._queue:
                    return
                head = self._queue.popleft()
            sink.write(head)
"""
    (tmp_path / "delayed.py").write_text(source)
    done = run_cli("--isolated", "--no-cache", "--select", "TL301", "--format", "json", ".")
    found = [d["line"] for d in json.loads(done.stdout)["diagnostics"]]
    assert found == [20]
    assert source.splitlines()[19].endswith("# TL301")


@pytest.mark.parametrize("name", ["setup_plugins", "init", "install_all", "configure"])
def test_start_up_functions_are_not_hot(run_cli, tmp_path, name):
    """A function named for start-up runs once over the configured handful: neither a
    ``with lock:`` per plugin nor a locked method per plugin is contention there. The
    same loops in ``register_all`` (registration also happens at run time) are reported."""
    source = f"""\
import threading

_installed = set()
_lock = threading.Lock()


class Registry:
    def __init__(self):
        self._lock = threading.Lock()
        self._plugins = {{}}

    def add(self, plugin):
        with self._lock:
            self._plugins[plugin.name] = plugin
            plugin.attach(self)

    def {name}(self, plugins):
        for plugin in plugins:
            self.add(plugin)
        for plugin in plugins:
            with _lock:
                _installed.add(plugin.name)
                plugin.setup_once()

    def register_all(self, plugins):
        for plugin in plugins:
            self.add(plugin)  # TL301
        for plugin in plugins:
            with _lock:  # TL301
                _installed.add(plugin.name)
                plugin.setup_once()
"""
    (tmp_path / "plugins.py").write_text(source)
    done = run_cli("--isolated", "--no-cache", "--select", "TL301", "--format", "json", ".")
    found = [d["line"] for d in json.loads(done.stdout)["diagnostics"]]
    expected = [n for n, text in enumerate(source.splitlines(), 1) if text.endswith("# TL301")]
    assert len(expected) == 2
    assert found == expected
