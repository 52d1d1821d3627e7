"""TL203 at the pool: a function that starts and joins a pool, run once per item because
a project loop calls it, directly or through other functions (issue 12, class 5). The
finding is where the pool is made, which is where it is fixed. Run through the real CLI
on a two-module project."""

from __future__ import annotations

import json
import textwrap

import pytest
from support.pool_programs import FETCH, OWN_EXECUTOR, SHARED

# a thread to run one coroutine off a running event loop, not a pool of workers
ONE_TASK = """\
import asyncio
from concurrent.futures import ThreadPoolExecutor


def download(urls, get):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, get(urls)).result()
"""
# the pool is the fallback when the usual path fails
FALLBACK = """\
import asyncio
from concurrent.futures import ThreadPoolExecutor


def download(urls, get):
    try:
        return asyncio.run(get(urls))
    except RuntimeError:
        with ThreadPoolExecutor(max_workers=4) as pool:
            return list(pool.map(asyncio.run, [get(url) for url in urls]))
"""

PER_SITE = """\
from app.fetch import download


def crawl(sites, get):
    for site in sites:
        print(download(site.urls, get))
"""
DRAIN = """\
from app.fetch import download


def crawl(store, get):
    while not store.done:
        urls = store.take()
        print(download(urls, get))
"""
# the item of the loop over what the call hands out is named ``page``: no page cursor
DRAIN_PAGES = """\
from app.fetch import download


def crawl(store, get):
    while not store.done:
        urls = store.take()
        for url, page in download(urls, get):
            print(url, len(page))
"""
POLL = """\
import time

from app.fetch import download


def crawl(store, get):
    while not store.done:
        print(download(store.take(), get))
        time.sleep(1.0)
"""
PAGES = """\
from app.fetch import download


def crawl(api, get):
    cursor = None
    while True:
        urls, cursor = api.list_urls(cursor=cursor)
        print(download(urls, get))
        if cursor is None:
            break
"""
# a page number the loop counts up: one call per page, whatever the loop inside reads
PAGE_NUMBER = """\
from app.fetch import download


def crawl(api, get):
    page = 0
    while True:
        page += 1
        urls = api.list_urls(page=page)
        if not urls:
            break
        for url, text in download(urls, get):
            print(url, len(text))
"""
GATHERED = """\
from app.fetch import download


def crawl(store, get):
    while not store.done:
        urls = []
        for site in store.sites():
            urls.extend(site.urls)
        print(download(urls, get))
"""
ONCE = """\
from app.fetch import download


def crawl(sites, get):
    return download([url for site in sites for url in site.urls], get)
"""


def _pool_line(source: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if line.endswith("# pool"))


@pytest.mark.parametrize(
    ("fetch", "caller", "flagged"),
    [
        pytest.param(FETCH, PER_SITE, True, id="bad-per-item-through-two-calls"),
        pytest.param(FETCH, DRAIN, True, id="bad-per-pass-of-a-while-loop"),
        pytest.param(FETCH, DRAIN_PAGES, True, id="bad-while-loop-over-pages-handed-out"),
        pytest.param(SHARED, PER_SITE, False, id="good-one-pool"),
        pytest.param(FETCH, ONCE, False, id="near-miss-called-once"),
        pytest.param(FETCH, POLL, False, id="near-miss-polling-loop"),
        pytest.param(FETCH, PAGES, False, id="near-miss-one-call-per-page"),
        pytest.param(FETCH, PAGE_NUMBER, False, id="near-miss-one-call-per-page-number"),
        pytest.param(FETCH, GATHERED, False, id="near-miss-batch-gathered-per-pass"),
        pytest.param(ONE_TASK, PER_SITE, False, id="near-miss-one-task-on-a-thread"),
        pytest.param(FALLBACK, PER_SITE, False, id="near-miss-fallback-path"),
        pytest.param(OWN_EXECUTOR, PER_SITE, False, id="own-executor-shadowing"),
        pytest.param(OWN_EXECUTOR, DRAIN_PAGES, False, id="own-executor-while-loop-pages"),
    ],
)
def test_pool_reported_where_it_is_made(run_cli, tmp_path, fetch, caller, flagged):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "fetch.py").write_text(textwrap.dedent(fetch))
    (package / "crawl.py").write_text(textwrap.dedent(caller))
    done = run_cli("--isolated", "--no-cache", "--select", "TL203", "--format", "json", ".")
    assert done.returncode in (0, 1), done.stderr
    at_pool = [
        (d["path"], d["line"], d["message"])
        for d in json.loads(done.stdout)["diagnostics"]
        if d["path"] == "app/fetch.py"
    ]
    if not flagged:
        assert at_pool == []
        return
    ((_path, line, message),) = at_pool
    assert line == _pool_line(fetch)
    assert "`_download()`" in message
    assert "in `app.crawl.crawl`" in message  # the loop that makes it per item
    assert "`download()`" in message  # and the call chain down to the pool


def test_message_names_the_loop_of_a_while_drain(run_cli, tmp_path):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "fetch.py").write_text(FETCH)
    (package / "crawl.py").write_text(DRAIN)
    done = run_cli("--isolated", "--no-cache", "--select", "TL203", "--format", "json", ".")
    (finding,) = json.loads(done.stdout)["diagnostics"]
    assert "the `while` loop in `app.crawl.crawl` (line 5)" in finding["message"]


VIEWS = """\
from concurrent.futures import ThreadPoolExecutor

from flask import Flask

from app.fetch import download

app = Flask(__name__)


@app.route("/crawl")
def crawl_view():
    with ThreadPoolExecutor(max_workers=4) as pool:  # pool
        return list(pool.map(str, range(10)))


def report(request, site_id):
    return download([site_id], str)


class PagesView:
    def get(self, request):
        with ThreadPoolExecutor(max_workers=4) as pool:  # pool
            return list(pool.map(str, range(10)))
"""
# near misses: pytest's ``request`` fixture, a decorator of the user's own called ``route``
NOT_VIEWS = """\
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.fetch import download
from app.web import route


@pytest.fixture
def pages(request):
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(str, range(10)))


def test_pages(request):
    return download([1], str)


@route("/crawl")
def crawl_view():
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(str, range(10)))
"""
WEB = """\
def route(path):
    def wrap(function):
        return function
    return wrap
"""


def test_pool_per_request(run_cli, tmp_path):
    """A request handler runs once per request: a pool it starts, or one started by a
    function it calls, is a pool per request (a Flask route, a Django-style view that
    takes ``request`` first, a class-based view's ``get``)."""
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "fetch.py").write_text(FETCH)
    (package / "views.py").write_text(VIEWS)
    (package / "web.py").write_text(WEB)
    (package / "test_pages.py").write_text(NOT_VIEWS)
    done = run_cli("--isolated", "--no-cache", "--select", "TL203", "--format", "json", ".")
    assert done.returncode in (0, 1), done.stderr
    found = sorted((d["path"], d["line"]) for d in json.loads(done.stdout)["diagnostics"])
    views = [n for n, line in enumerate(VIEWS.splitlines(), 1) if line.endswith("# pool")]
    assert found == sorted(
        [("app/fetch.py", _pool_line(FETCH))] + [("app/views.py", n) for n in views]
    )
    messages = {d["line"]: d["message"] for d in json.loads(done.stdout)["diagnostics"]}
    assert "`crawl_view()` handles a request" in messages[views[0]]


# a function handed to a map runs once per item of what it maps over; so does one handed
# on, from there, to a helper that runs it before returning (a paginator)
UTIL = """\
def map_each(fn, items):
    return [fn(item) for item in items]


def paginate(fetch_page):
    return fetch_page(None)


def schedule(job):
    return [job]


def build_sitemap(render, sites):
    return {"sites": len(sites), "render": render}
"""
MAPPED = """\
from concurrent.futures import ThreadPoolExecutor

from app.fetch import download


def crawl(sites, get):
    def fetch_site(site):
        return download(site.urls, get)

    with ThreadPoolExecutor(max_workers=4) as outer:
        return list(outer.map(fetch_site, sites))
"""
MAPPED_THROUGH_HELPERS = """\
from app.fetch import download
from app.util import map_each, paginate


def crawl(sites, get):
    def fetch_site(site):
        def fetch_page(cursor):
            return download(site.urls, get)

        pages = paginate(fetch_page)
        return pages

    return map_each(fetch_site, sites)
"""
MAPPED_BATCHES = """\
from multiprocessing.pool import ThreadPool

from app.fetch import download


def crawl(sites, get):
    def fetch_chunk(urls):
        return download(urls, get)

    chunks = [sites[at : at + 500] for at in range(0, len(sites), 500)]
    with ThreadPool(4) as outer:
        return outer.map(fetch_chunk, chunks)
"""
MAPPED_FIXED = """\
from concurrent.futures import ThreadPoolExecutor

from app.fetch import download


def crawl(get):
    def fetch_site(site):
        return download([site], get)

    with ThreadPoolExecutor(max_workers=2) as outer:
        return list(outer.map(fetch_site, ("https://a.example", "https://b.example")))
"""
# the function handed on is kept for later (returned in what the call builds), not run
MAPPED_THEN_KEPT = """\
from app.fetch import download
from app.util import map_each, schedule


def crawl(sites, get):
    def fetch_site(site):
        def later():
            return download(site.urls, get)

        return schedule(later)

    return map_each(fetch_site, sites)
"""
# ``sitemap`` is one word: no map over the sites
NOT_A_MAP = """\
from app.fetch import download
from app.util import build_sitemap


def crawl(sites, get):
    def render(site):
        return download(site.urls, get)

    return build_sitemap(render, sites)
"""


@pytest.mark.parametrize(
    ("caller", "flagged"),
    [
        pytest.param(MAPPED, True, id="bad-handed-to-an-executor-map"),
        pytest.param(MAPPED_THROUGH_HELPERS, True, id="bad-mapped-then-run-by-a-paginator"),
        pytest.param(MAPPED_BATCHES, False, id="near-miss-mapped-over-batches"),
        pytest.param(MAPPED_FIXED, False, id="near-miss-mapped-over-a-fixed-pair"),
        pytest.param(MAPPED_THEN_KEPT, False, id="near-miss-handed-on-to-be-kept"),
        pytest.param(NOT_A_MAP, False, id="near-miss-a-word-that-holds-map"),
    ],
)
def test_pool_in_a_function_handed_to_a_map(run_cli, tmp_path, caller, flagged):
    """``executor.map(fetch_site, sites)``: ``fetch_site`` runs once per site, so a pool
    it starts, through any number of calls, is a pool per site (issue 12, class 5)."""
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "fetch.py").write_text(FETCH)
    (package / "util.py").write_text(UTIL)
    (package / "crawl.py").write_text(caller)
    done = run_cli("--isolated", "--no-cache", "--select", "TL203", "--format", "json", ".")
    assert done.returncode in (0, 1), done.stderr
    at_pool = [
        (d["line"], d["message"])
        for d in json.loads(done.stdout)["diagnostics"]
        if d["path"] == "app/fetch.py"
    ]
    if not flagged:
        assert at_pool == []
        return
    ((line, message),) = at_pool
    assert line == _pool_line(FETCH)
    assert "`fetch_site()` runs once per item of `sites`" in message
    assert "in `app.crawl.crawl`" in message


def test_own_executor_map_shadowing(run_cli, tmp_path):
    """The user's own ``ThreadPoolExecutor`` in the mapped function's pool: no pool."""
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "fetch.py").write_text(OWN_EXECUTOR)
    (package / "util.py").write_text(UTIL)
    (package / "crawl.py").write_text(MAPPED)
    done = run_cli("--isolated", "--no-cache", "--select", "TL203", "--format", "json", ".")
    assert done.returncode in (0, 1), done.stderr
    assert [d for d in json.loads(done.stdout)["diagnostics"] if d["path"] == "app/fetch.py"] == []


# a task of a task queue runs once per message: a pool it starts is a pool per message
SHARED_TASK = """\
from celery import shared_task

from app.fetch import download


@shared_task
def crawl_site(urls):
    return download(urls, str)
"""
APP_TASK = """\
from celery import Celery

from app.fetch import download

app = Celery("crawler")


@app.task(bind=True)
def crawl_site(self, urls):
    return download(urls, str)
"""
ACTOR = """\
import dramatiq

from app.fetch import download


@dramatiq.actor(max_retries=3)
def crawl_site(urls):
    return download(urls, str)
"""
# once per period, not per item
PERIODIC = """\
from celery.task import periodic_task

from app.fetch import download


@periodic_task(run_every=3600)
def crawl_site():
    return download(["https://example.org"], str)
"""
# the user's own decorator called ``task``: nothing says it runs per message
OWN_TASK = """\
from app.fetch import download
from app.registry import task


@task
def crawl_site(urls):
    return download(urls, str)
"""
REGISTRY = """\
def task(function):
    return function
"""


@pytest.mark.parametrize(
    ("caller", "flagged"),
    [
        pytest.param(SHARED_TASK, True, id="bad-shared-task"),
        pytest.param(APP_TASK, True, id="bad-task-of-a-celery-app"),
        pytest.param(ACTOR, True, id="bad-dramatiq-actor"),
        pytest.param(PERIODIC, False, id="near-miss-periodic-task"),
        pytest.param(OWN_TASK, False, id="own-task-decorator-shadowing"),
    ],
)
def test_pool_per_task_message(run_cli, tmp_path, caller, flagged):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "fetch.py").write_text(FETCH)
    (package / "registry.py").write_text(REGISTRY)
    (package / "tasks.py").write_text(caller)
    done = run_cli("--isolated", "--no-cache", "--select", "TL203", "--format", "json", ".")
    assert done.returncode in (0, 1), done.stderr
    at_pool = [
        (d["line"], d["message"])
        for d in json.loads(done.stdout)["diagnostics"]
        if d["path"] == "app/fetch.py"
    ]
    if not flagged:
        assert at_pool == []
        return
    ((line, message),) = at_pool
    assert line == _pool_line(FETCH)
    assert "`crawl_site()` runs once per task message" in message


# a pool made and torn down in one function without ``with``: ``close()``, ``shutdown()``
SHUT_DOWN = """\
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.pool import ThreadPool


def fetch_pages(urls, get):
    pool = ThreadPool(8)  # pool
    try:
        return pool.map(get, urls)
    finally:
        pool.close()


def fetch_each(urls, get):
    executor = ThreadPoolExecutor(max_workers=8)  # pool
    futures = [executor.submit(get, url) for url in urls]
    executor.shutdown(wait=True)
    return [future.result() for future in futures]
"""
# one call on another thread; a pool the object keeps and closes in another method
NOT_PER_CALL = """\
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.pool import ThreadPool


def fetch_pages(urls, get):
    executor = ThreadPoolExecutor(max_workers=1)
    result = executor.submit(get, urls).result()
    executor.shutdown()
    return result


class Fetcher:
    def __init__(self):
        self.pool = ThreadPool(8)

    def fetch_each(self, urls, get):
        return self.pool.map(get, urls)

    def close(self):
        self.pool.close()


def fetch_each(urls, get):
    return Fetcher().fetch_each(urls, get)
"""
OWN_THREAD_POOL = """\
class ThreadPool:
    def __init__(self, size):
        self.size = size

    def map(self, fn, items):
        return [fn(item) for item in items]

    def close(self):
        pass


def fetch_pages(urls, get):
    pool = ThreadPool(8)
    try:
        return pool.map(get, urls)
    finally:
        pool.close()


def fetch_each(urls, get):
    return fetch_pages(urls, get)
"""
CALLS_BOTH = """\
from app.fetch import fetch_each, fetch_pages


def crawl(sites, get):
    for site in sites:
        print(fetch_pages(site.urls, get), fetch_each(site.urls, get))
"""


@pytest.mark.parametrize(
    ("fetch", "flagged"),
    [
        pytest.param(SHUT_DOWN, True, id="bad-closed-or-shut-down-in-the-function"),
        pytest.param(NOT_PER_CALL, False, id="near-miss-one-task-or-a-kept-pool"),
        pytest.param(OWN_THREAD_POOL, False, id="own-thread-pool-shadowing"),
    ],
)
def test_pool_torn_down_without_with(run_cli, tmp_path, fetch, flagged):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "fetch.py").write_text(fetch)
    (package / "crawl.py").write_text(CALLS_BOTH)
    done = run_cli("--isolated", "--no-cache", "--select", "TL203", "--format", "json", ".")
    assert done.returncode in (0, 1), done.stderr
    at_pool = sorted(
        d["line"] for d in json.loads(done.stdout)["diagnostics"] if d["path"] == "app/fetch.py"
    )
    pools = [n for n, line in enumerate(fetch.splitlines(), 1) if line.endswith("# pool")]
    assert at_pool == (pools if flagged else [])
