"""``queue_kind``: a queue by its type, not by the keywords of the call made on it
(issue 15, item 2). Asked at the position a rule would ask, through a real walk."""

from __future__ import annotations

from throughlint.semantic.concurrency import queue_kind


def test_queue_kind_by_construction_annotation_and_init(ask):
    source = """\
import asyncio
import multiprocessing as mp
import queue
import requests
from queue import SimpleQueue

jobs = queue.Queue(10)
manager_q = mp.Manager().Queue()

class Worker:
    def __init__(self):
        self.inbox = asyncio.Queue(100)
        self.session = requests.Session()

    def run(self, q: "queue.Queue[int]", other: mp.Queue, client: requests.Session, x):
        probe(jobs)
        probe(manager_q)
        probe(SimpleQueue())
        probe(self.inbox)
        probe(q)
        probe(other)
        probe(self.session)
        probe(client)
        probe(requests)
        probe(x)
"""
    assert ask(source, queue_kind) == [
        True, True, True, True, True, True, False, False, False, None
    ]  # fmt: skip


def test_queue_kind_follows_scopes_and_shadowing(ask):
    source = """\
import queue

q = queue.Queue(10)

class Queue:
    def get(self, url, timeout=None):
        return url

def shadowed():
    q = Queue()
    probe(q)

def nested():
    def inner():
        probe(q)
    return [probe(q) for q in (Queue(),)], (lambda q: probe(q))

def made_by_a_function(factory):
    q = factory()
    probe(q)
"""
    # shadowed: the file's own class; inner: the module's queue; the comprehension's
    # and the lambda's own ``q`` hide the module's queue (an item of a tuple, a parameter:
    # types not known); a factory's result is not known either
    assert ask(source, queue_kind) == [False, True, None, None, None]
