"""A test that shows an N+1 on purpose opts out with a reason (defect 9): the marker's
``allow_n_plus_one=`` for the whole test, ``throughput.allow_n_plus_one()`` for a block."""

from __future__ import annotations


def test_opt_out_by_marker_and_by_block(bookshop, report):
    bookshop.makepyfile(
        test_opt_out="""
        import pytest
        from shop import bookshop, names

        @pytest.mark.throughput(allow_n_plus_one="the N+1 this page documents")
        def test_marker():
            names(bookshop(), range(30))

        def test_block(throughput):
            conn = bookshop()
            with throughput.measure() as block:
                with throughput.allow_n_plus_one("the slow path, for comparison"):
                    names(conn, range(30))
                names(conn, range(3))
            assert block.queries == 33

        def test_not_allowed_outside_the_block(throughput):
            conn = bookshop()
            with throughput.measure():
                with throughput.allow_n_plus_one("only the first loop"):
                    names(conn, range(30))
                names(conn, range(30))

        @pytest.mark.throughput(allow_n_plus_one="")
        def test_reason_required():
            pass

        def test_block_reason_required(throughput):
            with pytest.raises(ValueError, match="needs the reason"):
                with throughput.allow_n_plus_one(""):
                    pass
        """
    )
    result = bookshop.runpytest("-p", "no:cacheprovider", "--throughput-budget", report.option)
    result.assert_outcomes(passed=3, failed=1, errors=1)  # the empty reason fails at setup
    result.stdout.fnmatch_lines(
        [
            "*test_not_allowed_outside_the_block*",
            "*TL101 runtime N+1: 30 x `SELECT name FROM author WHERE id = ?` (threshold 10) at "
            "shop.py:23 in names*",
        ]
    )
    result.stdout.fnmatch_lines(
        ["*`allow_n_plus_one` must be the reason the N+1 is allowed (a non-empty string)*"]
    )
    marker = report.test("test_marker")
    assert (marker["verdict"], marker["n_plus_one"]) == ("pass", [])
    assert marker["allowed_n_plus_one"]["reasons"] == ["the N+1 this page documents"]
    (allowed,) = marker["allowed_n_plus_one"]["findings"]
    assert (allowed["path"], allowed["line"], allowed["count"]) == ("shop.py", 23, 30)
    block = report.test("test_block")
    assert block["n_plus_one"] == [] and block["failures"] == []
    assert block["allowed_n_plus_one"]["reasons"] == ["the slow path, for comparison"]


def test_plugin_off_with_strict_markers_needs_the_documented_line(pytester):
    """Defect 10: `-p no:throughlint --strict-markers` on a marked suite; the one-line
    `markers` entry from docs/pytest-plugin.md makes it collect and run."""
    pytester.makepyfile(
        test_marked="""
        import pytest

        @pytest.mark.throughput(max_queries=1)
        def test_marked():
            pass
        """
    )
    off = ("-p", "no:throughlint", "--strict-markers", "-p", "no:cacheprovider")
    pytester.runpytest_subprocess(*off).assert_outcomes(errors=1)
    pytester.makepyprojecttoml(
        """
        [tool.pytest.ini_options]
        markers = ["throughput: throughput budget (throughlint)"]
        """
    )
    pytester.runpytest_subprocess(*off).assert_outcomes(passed=1)
    pytester.runpytest("--strict-markers", "-p", "no:cacheprovider").assert_outcomes(passed=1)
