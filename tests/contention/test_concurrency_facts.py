"""Facts the model answers for the contention rules: locks, semaphores, blocking waits,
loop shapes, local functions."""

from __future__ import annotations

import ast

import pytest

from throughlint.semantic.concurrency import (
    is_batch_loop,
    is_blocking_wait,
    is_retry_loop,
    is_semaphore,
    local_function,
    lock_type,
    loop_waits,
    semaphore_permits,
)


def lock_of(ask, source: str) -> list[str | None]:
    return ask(source, lock_type)


def test_locks_by_construction_module_level_and_aliases(ask):
    source = """\
import threading as t
from asyncio import Lock
from multiprocessing import Manager

module_lock = t.RLock()
alock = Lock()
shared = Manager().Lock()

def f():
    probe(module_lock)
    probe(alock)
    probe(shared)
    probe(t.Condition())
"""
    assert lock_of(ask, source) == [
        "threading.RLock()",
        "asyncio.Lock()",
        "multiprocessing.Manager().Lock()",
        "threading.Condition()",
    ]


def test_self_locks_from_init_and_class_attributes(ask):
    source = """\
import threading

class Store:
    _class_lock = threading.Lock()

    def __init__(self, lock):
        self._lock = threading.RLock()
        self._given_lock = lock
        self._counter = 0

    def go(self):
        probe(self._lock)
        probe(self._class_lock)
        probe(self._given_lock)
        probe(self._counter)
"""
    assert lock_of(ask, source) == ["threading.RLock()", "threading.Lock()", "lock", None]


def test_parameters_named_like_locks_and_names_that_only_contain_lock(ask):
    source = """\
import threading

def f(lock, write_lock, mutex, block, clock, sem, padlock, deadlock_count, cond):
    probe(lock)
    probe(write_lock)
    probe(mutex)
    probe(block)
    probe(clock)
    probe(sem)
    probe(padlock)
    probe(deadlock_count)
    probe(cond)

def g(guard: threading.Lock):
    probe(guard)
"""
    assert lock_of(ask, source) == [
        "lock", "lock", "lock", None, None, "semaphore", None, None, "lock", "threading.Lock()"
    ]  # fmt: skip


def test_imported_instances_named_like_locks(ask):
    source = """\
import threading
from threading import Lock
from app import state
from app.state import registry_lock, Registry_Lock

def f():
    probe(registry_lock)
    probe(state.write_lock)
    probe(Lock)
    probe(Registry_Lock)
    probe(threading.Lock)
    probe(state.cache)
"""
    assert lock_of(ask, source) == ["lock", "lock", None, None, None, None]


def test_shadowing_and_nested_functions(ask):
    source = """\
import threading

lock = threading.Lock()

def outer():
    def inner():
        probe(lock)
    lock = "not a lock"
    probe(lock)
    return inner

def uses_global():
    probe(lock)
    return [probe(lock) for _ in range(10)]

handler = lambda lock: probe(lock)
"""
    # a local assigned a string is not a lock; the lambda parameter is named like one
    assert lock_of(ask, source) == [None, None, "threading.Lock()", "threading.Lock()", "lock"]


def test_semaphores_by_construction_or_name(ask):
    source = """\
import asyncio
import threading

limit = asyncio.Semaphore(10)
lock = threading.Lock()

def f(sem, throttle, other):
    probe(limit)
    probe(lock)
    probe(sem)
    probe(throttle)
    probe(other)
"""
    assert ask(source, is_semaphore) == [True, False, True, True, False]


def _wait(model, expr):
    return isinstance(expr, ast.Call) and is_blocking_wait(model, expr)


def test_blocking_waits(ask):
    source = """\
import asyncio
import queue
import time

jobs = queue.Queue(10)
events = asyncio.Queue(10)

def f(q, cache, stop, sock, conn, items):
    probe(time.sleep(1))
    probe(jobs.get())
    probe(events.get())
    probe(q.get())
    probe(cache.get("key"))
    probe(items.get("key", None))
    probe(stop.wait(1))
    probe(sock.recv(1024))
    probe(conn.blpop("jobs", timeout=5))
    probe(cache.get(timeout=3))
    probe(", ".join(items))
    probe(q.get(True, 5))
    probe(q.get(key))
    probe(q.get("name"))
    probe(q.get(True, POLL))
"""
    # ``cache.get(timeout=3)``: an untyped receiver with a non-queue name is not a queue
    # (``timeout=`` is every HTTP client's keyword too; issue 15, item 2); ``q.get(key)``
    # and ``q.get("name")`` look a key up: a queue's ``get`` takes ``block`` and
    # ``timeout``, constants, positionally
    assert ask(source, _wait) == [
        True, True, True, True, False, False, True, True, True, False, False, True, False, False,
        True,
    ]  # fmt: skip


def _loop_fact(function):
    def question(model, expr):
        loop = model.hot_loop(include_while=True)
        return function(model, loop) if loop is not None else None

    return question


def test_loop_waits_only_when_every_pass_blocks(ask):
    source = """\
import os
import queue
import time

jobs = queue.Queue(10)

def consumer():
    while True:
        job = jobs.get()
        probe(job)

def poller(stop):
    while not stop.wait(5):
        probe(stop)

def backoff(items):
    for item in items:
        if item is None:
            time.sleep(1)
            continue
        probe(item)

def reaper(child, lock):
    while child.returncode is None:
        with lock:
            pid, status = child_wait(child)
        probe(pid)

def child_wait(child):
    return os.waitpid(child.pid, 0)

def guarded(items):
    for item in items:
        try:
            time.sleep(0.1)
        except KeyboardInterrupt:
            break
        probe(item)
"""
    assert ask(source, _loop_fact(loop_waits)) == [True, True, False, True, True]


def test_batch_and_retry_loops(ask):
    source = """\
def f(items, chunks, pages):
    for chunk in chunks:
        probe(chunk)
    for item in items:
        probe(item)
    for group in batched(items, 10):
        probe(group)
    for page in pages:
        probe(len(page))
    for attempt in range(5):
        probe(attempt)
    for host in items:
        try:
            probe(host)
            break
        except OSError:
            pass
    while True:
        try:
            value = probe(items)
        except OSError:
            continue
        break
    for key in items:
        try:
            value = probe(key)
        except KeyError:
            continue
        if value == 3:
            return key
"""
    both = _loop_fact(lambda model, loop: (is_batch_loop(loop), is_retry_loop(model, loop)))
    assert ask(source, both) == [
        (True, False),
        (False, False),
        (True, False),
        (True, False),
        (False, True),
        (False, True),
        (False, True),  # leaves once the operation worked
        (False, False),  # a search over items: skips the failing ones, leaves on a match
    ]


def test_local_function_by_name_and_through_self(ask):
    source = """\
def helper():
    pass

class Service:
    def fetch(self):
        pass

    def run(self):
        probe(self.fetch())
        probe(helper())
        probe(self.missing())
        probe(len([]))
"""

    def question(model, expr):
        found = local_function(model, expr) if isinstance(expr, ast.Call) else None
        return found.name if found is not None else None

    assert ask(source, question) == ["fetch", "helper", None, None]


@pytest.mark.parametrize(
    "loop",
    ["for x in items:", "while queue_size():"],
)
def test_probe_sees_loops(loop, ask):
    source = f"def f(items):\n    {loop}\n        probe(items)\n"
    assert ask(source, lambda model, expr: model.hot_loop(include_while=True) is not None) == [True]


def test_semaphore_permits(ask):
    source = """\
import asyncio
import threading

one = threading.Semaphore()
also_one = asyncio.BoundedSemaphore(value=1)
many = threading.Semaphore(8)

class Pool:
    def __init__(self, size):
        self.slots = threading.Semaphore(size)
        self.mutex = threading.Semaphore(1)

    def go(self, sem):
        probe(one)
        probe(also_one)
        probe(many)
        probe(self.slots)
        probe(self.mutex)
        probe(sem)
"""
    assert ask(source, semaphore_permits) == [1, 1, 8, None, 1, None]
