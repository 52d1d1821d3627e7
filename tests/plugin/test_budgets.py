"""Rate and count budgets, the budget file, --throughput-save and marker validation."""

from __future__ import annotations

import pytest

RATES = """
import pytest


def work():
    return sum(range(200))


@pytest.mark.throughput(min_rate=1e12, unit="sums")
def test_impossible_rate(throughput):
    throughput.run(work, items=1)


@pytest.mark.throughput(min_rate=1, max_seconds_per_item=1.0)
def test_easy_rate(throughput):
    result = throughput.run(work, items=10, rounds=3)
    assert result.rounds == 3 and result.iterations >= 1 and result.rate > 1


@pytest.mark.throughput(max_counts={"cache": 2})
def test_custom_counter(throughput):
    for _ in range(3):
        throughput.count("cache")
"""


def test_rate_budgets_and_counters(pytester: pytest.Pytester, report):
    pytester.makepyfile(test_rates=RATES)
    result = pytester.runpytest("-p", "no:cacheprovider", "--throughput-budget", report.option)
    result.assert_outcomes(failed=2, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*_ test_impossible_rate _*",
            "throughput budget missed (1):",
            "  rate: * sums/s measured, budget at least 1,000,000,000,000.0 sums/s (*% short)",
            "*_ test_custom_counter _*",
            "  counter 'cache': 3 measured, budget 2 (+1, 1.5x the budget)",
        ]
    )
    easy = report.test("test_easy_rate")
    assert easy["verdict"] == "pass" and easy["items"] == 10 and easy["rate"] > 1
    assert report.test("test_custom_counter")["counters"] == {"cache": 3}
    data = report.read()
    assert data["enforced"] is True and data["n_plus_one_threshold"] == 10


def test_marker_typo_fails_loudly(pytester: pytest.Pytester):
    pytester.makepyfile(
        test_typo="""
        import pytest

        @pytest.mark.throughput(max_querys=3)
        def test_typo():
            pass

        @pytest.mark.throughput(5)
        def test_positional():
            pass

        @pytest.mark.throughput(max_queries=-1)
        def test_negative():
            pass

        @pytest.mark.throughput(scaling="linear")
        def test_bad_scaling():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--strict-markers")
    result.assert_outcomes(errors=4)
    result.stdout.fnmatch_lines_random(
        [
            "*test_typo: unknown keyword `max_querys` (did you mean `max_queries`?)*",
            "*test_positional: @pytest.mark.throughput takes keywords only, got (5,)*",
            "*test_negative: `max_queries` must be a non-negative integer, got -1*",
            "*test_bad_scaling: `scaling` must be one of 'constant', got 'linear'*",
        ]
    )


def test_budget_file_and_save_round_trip(pytester: pytest.Pytester, report):
    pytester.makepyfile(
        test_file="""
        import sqlite3

        def test_queries(throughput):
            with throughput.measure(items=4):
                conn = sqlite3.connect(":memory:")
                for i in range(4):
                    conn.execute("SELECT ?", (i,))

        def test_rate(throughput):
            conn = sqlite3.connect(":memory:")
            throughput.run(lambda: conn.execute("SELECT 1").fetchall(), items=1)

        def test_untouched():
            pass
        """
    )
    saved = pytester.path / "saved.toml"
    result = pytester.runpytest("-p", "no:cacheprovider", f"--throughput-save={saved}")
    result.assert_outcomes(passed=3)
    text = saved.read_text()
    assert (
        '["test_file.py::test_queries"]\nmax_queries = 4\nmax_round_trips = 4\n'
        "# min_rate left out: timed once; use throughput.run() to budget it\n"
    ) in text
    assert "test_untouched" not in text
    (rate_line,) = [line for line in text.splitlines() if line.startswith("min_rate = ")]
    assert float(rate_line.split("=")[1]) > 0
    assert text.index(rate_line) > text.index('["test_file.py::test_rate"]')
    # defect 6: the saved file passes again, run after run, on the machine that saved it
    for _ in range(3):
        result = pytester.runpytest("-p", "no:cacheprovider", f"--throughput-budget={saved}")
        result.assert_outcomes(passed=3)
    tight = pytester.path / "tight.toml"
    tight.write_text('["test_file.py::test_queries"]\nmax_queries = 2\n')
    result = pytester.runpytest(
        "-p", "no:cacheprovider", f"--throughput-budget={tight}", report.option
    )
    result.assert_outcomes(failed=1, passed=2)
    result.stdout.fnmatch_lines(["  queries: 4 measured, budget 2 (+2, 2.0x the budget)"])
    assert report.test("test_queries")["budget"] == {"max_queries": 2}


def test_budget_file_overrides_the_marker(pytester: pytest.Pytester):
    pytester.makepyfile(
        test_over="""
        import pytest

        @pytest.mark.throughput(max_queries=0, min_rate=1)
        def test_marked():
            import sqlite3
            sqlite3.connect(":memory:").execute("SELECT 1")
        """
    )
    (pytester.path / "budgets.toml").write_text('["test_over.py::test_marked"]\nmax_queries = 1\n')
    result = pytester.runpytest("-p", "no:cacheprovider", "--throughput-budget=budgets.toml")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["test_over.py::test_marked *1*1*rate>=1, queries<=1*pass*"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('["t.py::x"]\nmax_quries = 1\n', "*unknown keyword `max_quries`*"),
        ('["t.py::x"]\nmax_queries = "a lot"\n', "*`max_queries` must be a non-negative*"),
        ("not toml [", "*invalid TOML*"),
    ],
)
def test_bad_budget_file_is_a_usage_error(pytester: pytest.Pytester, content, message):
    pytester.makepyfile(test_x="def test_x(): pass")
    (pytester.path / "b.toml").write_text(content)
    result = pytester.runpytest("-p", "no:cacheprovider", "--throughput-budget=b.toml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_budget_value_that_is_not_toml_is_refused(pytester: pytest.Pytester):
    pytester.makepyfile(test_x="def test_x(): pass")
    result = pytester.runpytest("--throughput-budget=test_x.py")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*'test_x.py' is not a .toml budget file*"])


def test_ini_keys_mirror_the_options(pytester: pytest.Pytester):
    pytester.makeini(
        """
        [pytest]
        throughput_budget = true
        throughput_n_plus_one_threshold = 3
        """
    )
    pytester.makepyfile(
        lookups="""
        def four_selects(conn):
            for i in range(4):
                conn.execute("SELECT ?", (i,))
        """,
        test_ini="""
        import sqlite3
        from lookups import four_selects

        def test_four_selects(throughput):
            with throughput.measure():
                four_selects(sqlite3.connect(":memory:"))
        """,
    )
    pytester.syspathinsert()
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*TL101 runtime N+1: 4 x `SELECT ?` (threshold 3)*"])


def test_run_inside_a_marked_test_counts_one_call(pytester: pytest.Pytester, report):
    """The marker's block around a test that calls ``run()`` counts the one instrumented
    call, not the warm-up and the calibrated rounds (their number varies run to run)."""
    pytester.makepyfile(
        test_run="""
        import sqlite3
        import pytest

        @pytest.mark.throughput(max_queries=2)
        def test_run(throughput):
            conn = sqlite3.connect(":memory:")
            result = throughput.run(lambda: conn.execute("SELECT 1").fetchall(), rounds=5)
            assert result.queries == 1 and result.rounds == 5
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--throughput-budget", report.option)
    result.assert_outcomes(passed=1)
    assert report.test("test_run")["queries"] == 1
