"""The scaling check: round trips that grow with the number of items are an N+1 found
without any threshold to tune."""

from __future__ import annotations

import pytest

SCALING = """
import sqlite3

import pytest


def catalogue(size):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, price INTEGER)")
    conn.executemany("INSERT INTO item VALUES (?, ?)", [(i, i) for i in range(size)])
    return conn


def prices_one_by_one(conn, ids):
    return [conn.execute("SELECT price FROM item WHERE id = ?", (i,)).fetchone() for i in ids]


def prices_at_once(conn, ids):
    marks = ",".join("?" * len(ids))
    return conn.execute(f"SELECT price FROM item WHERE id IN ({marks})", ids).fetchall()


def test_scaling_call_catches_growth(throughput):
    conns = {size: throughput.watch(catalogue(size)) for size in (3, 6)}
    result = throughput.scaling(lambda n: prices_one_by_one(conns[n], list(range(n))), (3, 6))
    assert result.grows and result.round_trips == (3, 6)


def test_scaling_call_passes_the_fix(throughput):
    conns = {size: throughput.watch(catalogue(size)) for size in (3, 6)}
    result = throughput.scaling(lambda n: prices_at_once(conns[n], list(range(n))), (3, 6))
    assert not result.grows and result.round_trips == (1, 1)


@pytest.mark.throughput(scaling="constant", sizes=(4, 8))
def test_marker_n_plus_one(throughput, throughput_size):
    conn = throughput.watch(catalogue(throughput_size))  # setup: not in the block below
    with throughput.measure(items=throughput_size):
        prices_one_by_one(conn, list(range(throughput_size)))


@pytest.mark.throughput(scaling="constant", sizes=(4, 8))
def test_marker_fixed(throughput_size):
    conn = catalogue(throughput_size)  # executemany: one statement whatever the size
    prices_at_once(conn, list(range(throughput_size)))


@pytest.mark.throughput(scaling="constant")
def test_marker_without_size():
    pass
"""


def test_scaling(pytester: pytest.Pytester, report):
    pytester.makepyfile(test_scaling=SCALING)
    result = pytester.runpytest("-p", "no:cacheprovider", "--throughput-budget", report.option)
    result.assert_outcomes(failed=3, passed=2)
    result.stdout.fnmatch_lines_random(
        [
            "  scaling: round trips grow with the number of items: 3 at n=3, 6 at n=6 "
            "(+1 per item): O(n), expected O(1)",
            "  scaling: round trips grow with the number of items: 4 at n=4, 8 at n=8 "
            "(+1 per item): O(n), expected O(1)",
            "*the test must take the `throughput_size` argument*",
        ]
    )
    fixed = report.test("test_marker_fixed")
    assert fixed["verdict"] == "pass"
    assert fixed["scaling"] == [
        {
            "label": "scaling=constant",
            "sizes": [4, 8],
            "queries": [3, 3],
            "round_trips": [3, 3],
            "grows": False,
        }
    ]
    assert report.test("test_marker_n_plus_one")["scaling"][0]["round_trips"] == [4, 8]
