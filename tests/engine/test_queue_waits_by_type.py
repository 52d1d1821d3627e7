"""A ``.get(..., timeout=...)`` is a blocking queue wait only when its receiver is a queue
by type (constructed, annotated, or set in ``__init__`` as a ``queue`` / ``asyncio`` /
``multiprocessing`` queue; a queue-like name when the type cannot be seen). ``timeout=``
is every HTTP client's keyword too: it no longer turns a loop of HTTP calls into a
"poller" that TL401 / TL402 skip (issue 15, item 2). Through the real CLI."""

from __future__ import annotations

import json
import os

import pytest

HTTP_LOOP = """\
import requests


def statuses(urls):
    codes = []
    for url in urls:
        codes.append(requests.get(url, timeout=5).status_code)
    return codes
"""

ASYNC_LOOP = """\
import httpx


async def bodies(client: httpx.AsyncClient, urls):
    out = []
    for url in urls:
        response = await client.get(url, timeout=5.0)
        out.append(response.text)
    return out
"""

OWN_QUEUE = """\
import requests


class Queue:
    # not a queue: the client of a queueing service, over HTTP

    def __init__(self, base):
        self.base = base

    def get(self, name, timeout=None):
        return requests.get(f"{self.base}/{name}", timeout=timeout)


def drain(names, url):
    queue = Queue(url)
    for name in names:
        queue.get(name, timeout=5)
        requests.post(url, json=name, timeout=5)
"""

CONSUMERS = """\
import asyncio
import multiprocessing
import queue

import requests

inbox = multiprocessing.Queue()


def consume(jobs: queue.Queue, url):
    while True:
        job = jobs.get(timeout=1)
        requests.post(url, json=job, timeout=5)


class Worker:
    def __init__(self):
        self.pending = queue.Queue(maxsize=100)

    def run(self, url):
        while True:
            item = self.pending.get(timeout=1)
            requests.post(url, json=item, timeout=5)


def relay(url):
    while True:
        message = inbox.get(timeout=1)
        requests.post(url, json=message, timeout=5)


def untyped(q, url):
    while True:
        item = q.get()
        requests.post(url, json=item, timeout=5)


async def forward(events: asyncio.Queue, client):
    while True:
        event = await events.get()
        await client.post("/events", json=event, timeout=5.0)
"""


def _findings(run_cli, tmp_path, files: dict[str, str]) -> dict[str, list[tuple[str, int]]]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    completed = run_cli("--no-cache", "--format", "json", "--select", "TL4", ".")
    assert "Traceback" not in completed.stderr, completed.stderr
    found: dict[str, list[tuple[str, int]]] = {name: [] for name in files}
    for item in json.loads(completed.stdout)["diagnostics"]:
        # a finding grouped at its loop stands for its calls: these tests are about calls
        calls = item["related"] or [item]
        found[os.path.basename(item["path"])].extend((c["code"], c["line"]) for c in calls)
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(HTTP_LOOP, [("TL401", 7)], id="requests-get-with-timeout"),
        pytest.param(ASYNC_LOOP, [("TL402", 7)], id="await-client-get-with-timeout"),
        # a class of the user's own named Queue: its get(timeout=) is an HTTP call
        pytest.param(OWN_QUEUE, [("TL401", 17), ("TL401", 18)], id="own-class-named-queue"),
    ],
)
def test_http_calls_with_timeout_are_per_item_calls(run_cli, tmp_path, source, expected):
    assert _findings(run_cli, tmp_path, {"calls.py": source}) == {"calls.py": expected}


def test_real_queue_consumers_are_still_paced_by_the_queue(run_cli, tmp_path):
    """Annotated, set in ``__init__``, a module-level constructor, an untyped ``q``, an
    ``asyncio.Queue``: each loop waits on its queue, so its HTTP call is one per message
    (``timeout=`` on both calls), not a loop over items to batch."""
    assert _findings(run_cli, tmp_path, {"consumer.py": CONSUMERS}) == {"consumer.py": []}


def test_comprehension_and_loop_agree(run_cli, tmp_path):
    """Same call, same verdict, in a loop and in a comprehension, with or without
    ``timeout=`` (before, only the loop with ``timeout=`` was silent)."""
    files = {
        f"{shape}_{suffix}.py": (
            "import requests\n\n\ndef f(urls):\n"
            + (
                f"    return [requests.get(url{keyword}) for url in urls]\n"
                if shape == "comprehension"
                else f"    for url in urls:\n        requests.get(url{keyword})\n"
            )
        )
        for shape in ("comprehension", "loop")
        for suffix, keyword in (("plain", ""), ("timeout", ", timeout=5"))
    }
    found = _findings(run_cli, tmp_path, files)
    assert {name: [code for code, _ in items] for name, items in found.items()} == {
        name: ["TL401"] for name in files
    }
