"""The summary table shows user strings as they are: test ids and statements are never
read as rich markup or emoji codes."""

from __future__ import annotations

IDS = ["/?page=", "b", "[red]x[/red]", "a/b]", ":smile:", "[i"]


def test_ids_with_rich_markup_do_not_crash_the_summary(bookshop, report):
    bookshop.makepyfile(
        test_ids=f"""
        import pytest
        from shop import bookshop

        @pytest.mark.parametrize("value", {IDS!r})
        @pytest.mark.throughput(max_queries=0)
        def test_page(value):
            bookshop(books=1).execute("SELECT [b] FROM (SELECT 1 AS [b]) WHERE 1 != 0")
        """
    )
    result = bookshop.runpytest("-p", "no:cacheprovider", "--color=yes", report.option)
    result.assert_outcomes(passed=len(IDS))
    assert result.ret == 0
    output = result.stdout.str()
    assert "MarkupError" not in output
    for value in IDS:
        assert f"test_ids.py::test_page[{value}]" in output, value
    result.stdout.fnmatch_lines(["*test_ids.py::test_page[[]:smile:[]]:", "*6 passed*"])
