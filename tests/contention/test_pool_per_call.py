"""TL203 through the project index: a function that starts and joins a pool in a
``with`` block, called once per item from another module (issue 12, class 5)."""

from __future__ import annotations

import json
import textwrap

import pytest

HELPER = """\
from concurrent.futures import ThreadPoolExecutor


def fetch_many(urls, get):
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(get, urls))
"""
# the pool chosen by a condition, entered by name
OPTIONAL_HELPER = """\
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext


def fetch_many(urls, get, parallel=True):
    pool = ThreadPoolExecutor(max_workers=8) if parallel else nullcontext()
    with pool:
        return [get(url) for url in urls]
"""
# the user's own class called ThreadPoolExecutor: no threads started
OWN_HELPER = """\
class ThreadPoolExecutor:
    def __init__(self, max_workers):
        self.max_workers = max_workers

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def fetch_many(urls, get):
    with ThreadPoolExecutor(max_workers=8) as pool:
        return [get(url) for url in urls]
"""
# good: one pool, passed in
SHARED_HELPER = """\
def fetch_many(urls, get, pool):
    return list(pool.map(get, urls))
"""

PER_ITEM = """\
from app.fetch import fetch_many


def pages(sites, get):
    return [fetch_many(site, get) for site in sites]
"""
ONCE = """\
from app.fetch import fetch_many


def page(urls, get):
    return fetch_many(urls, get)
"""
SHARED = """\
from concurrent.futures import ThreadPoolExecutor

from app.fetch import fetch_many


def pages(sites, get):
    with ThreadPoolExecutor(max_workers=8) as pool:
        return [fetch_many(site, get, pool) for site in sites]
"""
RETRY = """\
from app.fetch import fetch_many


def page(urls, get):
    for attempt in range(5):
        try:
            return fetch_many(urls, get)
        except OSError:
            continue
"""


@pytest.mark.parametrize(
    ("helper", "caller", "expected"),
    [
        # the call in the loop, and the pool in the function it runs (where it is fixed)
        pytest.param(
            HELPER, PER_ITEM, [("TL203", "app/fetch.py", 5), ("TL203", "app/views.py", 5)], id="bad"
        ),
        pytest.param(
            OPTIONAL_HELPER,
            PER_ITEM,
            [("TL203", "app/fetch.py", 6), ("TL203", "app/views.py", 5)],
            id="bad-by-name",
        ),
        pytest.param(SHARED_HELPER, SHARED, [], id="good"),
        pytest.param(HELPER, ONCE, [], id="near-miss-called-once"),
        pytest.param(HELPER, RETRY, [], id="near-miss-retry"),
        pytest.param(OWN_HELPER, PER_ITEM, [], id="own-executor-shadowing"),
    ],
)
def test_pool_started_per_call(run_cli, tmp_path, helper, caller, expected):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "fetch.py").write_text(textwrap.dedent(helper))
    (package / "views.py").write_text(textwrap.dedent(caller))
    done = run_cli("--isolated", "--no-cache", "--select", "TL203", "--format", "json", ".")
    assert done.returncode in (0, 1), done.stderr
    found = [(d["code"], d["path"], d["line"]) for d in json.loads(done.stdout)["diagnostics"]]
    assert found == expected
