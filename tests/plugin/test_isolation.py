"""Nothing is patched outside a measured block, and everything is restored after it,
also when the test fails. The inner runs are in-process, so the drivers they patched are
the ones this module checks afterwards."""

from __future__ import annotations

import sqlite3

import httpx
import pytest
import sqlalchemy.engine
import urllib3.connectionpool

ORIGINALS = {
    "sqlite3.connect": sqlite3.connect,
    "sqlite3.dbapi2.connect": sqlite3.dbapi2.connect,
    "urlopen": urllib3.connectionpool.HTTPConnectionPool.urlopen,
    "httpx": httpx.HTTPTransport.handle_request,
    "httpx-async": httpx.AsyncHTTPTransport.handle_async_request,
}


def current() -> dict:
    return {
        "sqlite3.connect": sqlite3.connect,
        "sqlite3.dbapi2.connect": sqlite3.dbapi2.connect,
        "urlopen": urllib3.connectionpool.HTTPConnectionPool.urlopen,
        "httpx": httpx.HTTPTransport.handle_request,
        "httpx-async": httpx.AsyncHTTPTransport.handle_async_request,
    }


INNER = """
import sqlite3

import httpx
import pytest
import sqlalchemy
import urllib3
from sqlalchemy.engine import Engine

import isolation_probe


def patched():
    return isolation_probe.current() != isolation_probe.ORIGINALS


def test_unmarked_test_runs_unpatched():
    assert not patched() and not Engine._has_events


@pytest.mark.throughput
def test_marked_test_is_patched_while_it_runs():
    assert patched() and Engine._has_events


def test_block_patches_only_inside(throughput):
    assert not patched()
    with throughput.measure():
        assert patched()
    assert not patched()


def test_failing_block_restores(throughput):
    with throughput.measure():
        raise RuntimeError("boom")


@pytest.mark.throughput(max_queries=0)
def test_failing_marked_test_restores():
    sqlite3.connect(":memory:").execute("SELECT 1")
    raise AssertionError("the test's own failure wins over the budget")


def test_after_failures_nothing_is_patched():
    assert not patched() and not Engine._has_events
"""


def test_patches_are_restored(pytester: pytest.Pytester, monkeypatch):
    monkeypatch.setitem(
        __import__("sys").modules, "isolation_probe", __import__("sys").modules[__name__]
    )
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=4, failed=2)
    result.stdout.fnmatch_lines_random(
        [
            "*RuntimeError: boom*",
            "*AssertionError: the test's own failure wins over the budget*",
        ]
    )
    assert current() == ORIGINALS
    assert not sqlalchemy.engine.Engine._has_events
