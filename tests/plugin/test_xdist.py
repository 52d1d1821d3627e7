"""Under pytest-xdist, the workers' measurements reach the one summary and JSON report."""

from __future__ import annotations

import pytest


def test_xdist_merges_worker_results(pytester: pytest.Pytester, report):
    pytester.makepyfile(
        **{
            f"test_part{part}": f"""
            import sqlite3
            import pytest

            @pytest.mark.throughput(max_queries=3)
            @pytest.mark.parametrize("n", [1, 2, 3, 4])
            def test_queries_{part}(n):
                conn = sqlite3.connect(":memory:")
                for i in range(n):
                    conn.execute("SELECT ?", (i,))
            """
            for part in (1, 2)
        }
    )
    result = pytester.runpytest_subprocess(
        "-n", "2", "-p", "no:cacheprovider", "--throughput-budget", report.option
    )
    result.assert_outcomes(passed=6, failed=2)
    result.stdout.fnmatch_lines(["*= throughput =*", "*test_part1.py::test_queries_1?4? *4*FAIL*"])
    tests = report.read()["tests"]
    assert len(tests) == 8
    assert sorted(t["queries"] for t in tests) == [1, 1, 2, 2, 3, 3, 4, 4]
    assert {t["verdict"] for t in tests if t["queries"] == 4} == {"fail"}


def test_xdist_detect_groups_sites_across_workers(bookshop, report):
    bookshop.makepyfile(
        **{
            f"test_part{part}": f"""
            from shop import bookshop, names

            def test_names_{part}():
                names(bookshop(), range(20 + {part}))
            """
            for part in (1, 2, 3, 4)
        }
    )
    result = bookshop.runpytest_subprocess(
        "-n", "2", "-p", "no:cacheprovider", "--throughput-detect", report.option
    )
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["1 N+1 call site(s) in 4 of 4 measured tests*"])
    (site,) = report.read()["n_plus_one_sites"]
    assert (site["path"], site["line"], site["worst_count"], len(site["tests"])) == (
        "shop.py",
        23,
        24,
        4,
    )
