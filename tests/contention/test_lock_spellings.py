"""TL301 on locks spelt the way libraries write them (round 21's recall probes): a lock
made when none is passed in (``lock or threading.Lock()``), a dataclass or attrs field
with a lock factory, a ``@contextmanager`` method that only holds the instance's lock;
and a consumer that parks on its queue through ``iter(inbox.get, None)``, which is no
per-item loop. Each class below is one case; run through the real CLI."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import findings_by_function, lint_json, write_project

SOURCE = """\
import queue
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

import attr


class Lock:
    \"\"\"The user's own ``Lock``: a record of who holds a file, not a mutex.\"\"\"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class DefaultLock:
    def __init__(self, lock=None):
        self._lock = lock or threading.Lock()
        self._entries = {}

    def register_all(self, entries):
        for name, entry in entries.items():
            with self._lock:
                self._entries[name] = entry


class DefaultSemaphore:
    def __init__(self, limit=None):
        self._slots = limit or threading.Semaphore(8)
        self._entries = {}

    def register_all(self, entries):
        for name, entry in entries.items():
            with self._slots:
                self._entries[name] = entry


class OwnDefaultLock:
    def __init__(self, lock=None):
        self._lock = lock or Lock()
        self._entries = {}

    def register_all(self, entries):
        for name, entry in entries.items():
            with self._lock:
                self._entries[name] = entry


@dataclass
class DataclassLock:
    counts: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def incr_many(self, names):
        for name in names:
            with self.lock:
                self.counts[name] = self.counts.get(name, 0) + 1


@dataclass
class DataclassOwnLock:
    counts: dict = field(default_factory=dict)
    lock: Lock = field(default_factory=Lock)

    def incr_many(self, names):
        for name in names:
            with self.lock:
                self.counts[name] = self.counts.get(name, 0) + 1


@attr.s
class AttrsLock:
    counts = attr.ib(factory=dict)
    lock = attr.ib(factory=threading.RLock)

    def incr_many(self, names):
        for name in names:
            with self.lock:
                self.counts[name] = self.counts.get(name, 0) + 1


class WrappedLock:
    def __init__(self):
        self._lock = threading.RLock()
        self._stock = {}

    @contextmanager
    def _locked(self):
        with self._lock:
            yield

    def restock(self, deliveries):
        for sku, qty in deliveries:
            with self._locked():
                self._stock[sku] = self._stock.get(sku, 0) + qty


class WrappedSemaphore:
    def __init__(self):
        self._slots = threading.Semaphore(4)
        self._stock = {}

    @contextmanager
    def _slot(self):
        with self._slots:
            yield

    def restock(self, deliveries):
        for sku, qty in deliveries:
            with self._slot():
                self._stock[sku] = self._stock.get(sku, 0) + qty


class WrappedNotOnlyLock:
    def __init__(self):
        self._lock = threading.RLock()
        self._stock = {}

    @contextmanager
    def _transaction(self):
        with self._lock:
            saved = dict(self._stock)
            try:
                yield
            except Exception:
                self._stock = saved
                raise

    def restock(self, deliveries):
        for sku, qty in deliveries:
            with self._transaction():
                self._stock[sku] = self._stock.get(sku, 0) + qty


class SentinelConsumer:
    def __init__(self):
        self._lock = threading.Lock()
        self._inbox = queue.Queue(maxsize=10000)
        self._totals = {}

    def consume(self):
        for event in iter(self._inbox.get, None):
            with self._lock:
                self._totals[event.key] = self._totals.get(event.key, 0) + event.amount


class IterOverItems:
    def __init__(self):
        self._lock = threading.Lock()
        self._totals = {}

    def consume(self, events):
        for event in iter(events):
            with self._lock:
                self._totals[event.key] = self._totals.get(event.key, 0) + event.amount
"""

FLAGGED = {
    "DefaultLock": "`self._lock`",
    "DataclassLock": "`self.lock`",
    "AttrsLock": "`self.lock`",
    "WrappedLock": "`self._locked()`",
    "IterOverItems": "`self._lock`",
    # a method holding the lock for its whole body, as before this round
    "WrappedNotOnlyLock": "`_transaction()`",
}
CLEAN = [
    "Lock",
    "DefaultSemaphore",  # eight permits bound concurrency; they do not serialise
    "OwnDefaultLock",  # the user's own Lock
    "DataclassOwnLock",
    "WrappedSemaphore",
    "SentinelConsumer",  # parks on the queue every pass
]


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    from tests.support.cli_projects import run_module_cli

    root = write_project(tmp_path_factory.mktemp("locks"), {"registry.py": SOURCE})
    report = lint_json(run_module_cli, root, "--select", "TL301")
    return findings_by_function(report, SOURCE, "registry.py")


@pytest.mark.parametrize("owner", sorted(FLAGGED))
def test_lock_spelling_is_flagged(found, owner):
    diagnostic = found.get(owner)
    assert diagnostic is not None, f"{owner}: no TL301"
    assert diagnostic["code"] == "TL301"
    assert FLAGGED[owner] in diagnostic["message"]


@pytest.mark.parametrize("owner", CLEAN)
def test_near_miss_stays_clean(found, owner):
    assert owner not in found, found.get(owner)
