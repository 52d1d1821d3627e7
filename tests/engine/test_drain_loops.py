"""A ``while`` loop that drains a collection an item per pass (``while self._dirty: name
= self._dirty.pop()``, a work list, a heap) goes over the collection's items as a ``for``
loop does, also spelt ``while True: if not todo: break`` with the take next, with an
annotated target or with a bare ``heappop``: a query, a write or a request in it is per
item (django-celery-beat's ``sync``, treebeard's ``load_bulk``). Near misses: a loop
that takes a slice per pass, a loop whose test is not the collection it takes from (or
whose ``while True`` breaks on another test), a plain ``while`` loop, a loop that evicts
down to a bound (``while len(cache) > limit``), and, for TL402, a work list its passes
refill (the next page's address is in this page). Run through the real CLI."""

from __future__ import annotations

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

SOURCE = """\
import heapq
import sqlite3
from heapq import heappop

import requests

DB = sqlite3.connect("app.db")


def load_each(ids):
    todo = list(ids)
    while todo:
        pk = todo.pop()
        print(DB.execute("SELECT name FROM t WHERE id = ?", (pk,)).fetchone())


def post_each(pending):
    while pending:
        try:
            message = pending.popleft()
        except IndexError:
            break
        requests.post("https://example.com/hook", json=message)


def by_priority(heap):
    while len(heap) > 0:
        _, pk = heapq.heappop(heap)
        DB.execute("UPDATE t SET done = 1 WHERE id = ?", (pk,))


def load_in_slices(ids):
    todo = list(ids)
    while todo:
        chunk, todo = todo[:100], todo[100:]
        marks = ",".join("?" * len(chunk))
        print(DB.execute(f"SELECT name FROM t WHERE id IN ({marks})", chunk).fetchall())


def take_from_another(running, jobs):
    while running:
        pk = jobs.pop()
        print(DB.execute("SELECT name FROM t WHERE id = ?", (pk,)).fetchone())


def poll(ids):
    while True:
        print(DB.execute("SELECT count(*) FROM t").fetchone())


def by_priority_bare(heap):
    while heap:
        entry: tuple = heappop(heap)
        DB.execute("UPDATE t SET done = 1 WHERE id = ?", (entry[1],))


def until_empty(todo):
    while True:
        if not todo:
            break
        pk = todo.pop()
        print(DB.execute("SELECT name FROM t WHERE id = ?", (pk,)).fetchone())


def until_another_is_empty(todo, jobs):
    while True:
        if not jobs:
            break
        pk = todo.pop()
        print(DB.execute("SELECT name FROM t WHERE id = ?", (pk,)).fetchone())


def until_flagged(todo, flags):
    while True:
        if flags.stop:
            break
        pk = todo.pop()
        print(DB.execute("SELECT name FROM t WHERE id = ?", (pk,)).fetchone())


def evict(cache, limit):
    while len(cache) > limit:
        key, _ = cache.popitem()
        DB.execute("DELETE FROM t WHERE k = ?", (key,))
"""

# a work list its passes refill (the next page's address is in this page): in turn
PAGES = """\
import httpx


async def follow_pages(first):
    async with httpx.AsyncClient() as client:
        pending = [first]
        found = []
        while pending:
            url = pending.pop()
            page = (await client.get(url)).json()
            found.extend(page["items"])
            if page.get("next"):
                pending.append(page["next"])
        return found


async def fetch_each(urls):
    async with httpx.AsyncClient() as client:
        todo = list(urls)
        pages = []
        while todo:
            url = todo.pop()
            pages.append(await client.get(url))
        return pages
"""


def test_drain_loops(tmp_path):
    root = write_project(tmp_path, {"app/__init__.py": "", "app/jobs.py": SOURCE})
    report = lint_json(run_module_cli, root, "--select", "TL101,TL102,TL401", "--show-all")
    found = findings_by_function(report, SOURCE, "jobs.py")
    assert found["load_each"]["code"] == "TL101"
    assert "loop over `todo`" in found["load_each"]["message"]
    assert found["post_each"]["code"] == "TL401"
    assert found["by_priority"]["code"] == "TL102"
    assert "load_in_slices" not in found
    assert "take_from_another" not in found
    assert "poll" not in found
    assert "evict" not in found  # down to a bound, not every item
    assert found["by_priority_bare"]["code"] == "TL102"  # ``from heapq import heappop``
    assert found["until_empty"]["code"] == "TL101"  # ``while True: if not todo: break``
    assert "until_another_is_empty" not in found
    assert "until_flagged" not in found


def test_a_work_list_its_passes_refill(tmp_path):
    root = write_project(tmp_path, {"app/__init__.py": "", "app/pages.py": PAGES})
    report = lint_json(run_module_cli, root, "--select", "TL402", "--show-all")
    found = findings_by_function(report, PAGES, "pages.py")
    assert set(found) == {"fetch_each"}
