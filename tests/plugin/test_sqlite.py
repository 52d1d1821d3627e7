"""sqlite3 counting and the runtime N+1 detector, through real pytest runs."""

from __future__ import annotations

import pytest

N_PLUS_ONE = """
import pytest
from shop import bookshop, titles_with_authors


@pytest.mark.throughput(max_queries=10)
def test_titles_with_authors():
    titles_with_authors(bookshop())


@pytest.mark.throughput(max_queries=10)
def test_titles_with_authors_fixed():
    conn = bookshop()
    conn.execute(
        "SELECT book.title, author.name FROM book JOIN author ON author.id = book.author_id"
    ).fetchall()
"""


def test_n_plus_one_fails_under_budget_naming_statement_and_line(bookshop):
    bookshop.makepyfile(test_books=N_PLUS_ONE)
    result = bookshop.runpytest("--throughput-budget", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_titles_with_authors*",
            "throughput budget missed (2):",
            "  queries: 35 measured, budget 10 (+25, 3.5x the budget)",
            "  TL101 runtime N+1: 30 x `SELECT name FROM author WHERE id = ?` (threshold 10)"
            " at shop.py:18 in titles_with_authors; chain: test_books.py:7 in"
            " test_titles_with_authors > shop.py:18 in titles_with_authors; static TL101 flags"
            " the same call site at shop.py:18 *",
        ]
    )
    assert "test_titles_with_authors_fixed - " not in result.stdout.str()


def test_without_budget_flag_misses_are_reported_not_enforced(bookshop):
    bookshop.makepyfile(test_books=N_PLUS_ONE)
    result = bookshop.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(
        [
            "*= throughput =*",
            "test*items*rate*queries*round trips*budget*verdict*",
            "test_books.py::test_titles_with_authors *35*35*queries<=10*over budget*",
            "test_books.py::test_titles_with_authors_fixed *5*5*queries<=10*pass*",
            "*TL101 runtime N+1: 30 x `SELECT name FROM author WHERE id = ?`*shop.py:18*",
            "over budget: reported only; run with --throughput-budget to make these failures",
        ]
    )


def test_static_analysis_confirms_the_same_call_site(bookshop, report):
    bookshop.makepyfile(test_books=N_PLUS_ONE)
    bookshop.runpytest("-p", "no:cacheprovider", report.option)
    (finding,) = report.test("test_titles_with_authors")["n_plus_one"]
    assert (finding["path"], finding["line"], finding["count"]) == ("shop.py", 18, 30)
    assert finding["static"] == "confirmed", finding["static_detail"]
    assert len(finding["fingerprint"]) == 32


def test_a_runtime_only_n_plus_one_says_so(bookshop, report):
    # the query hides behind getattr: the static rule cannot see it, the runtime one can
    bookshop.makepyfile(
        hidden="""
        def hidden(conn):
            run = getattr(conn, "exe" + "cute")
            for author_id in range(30):
                run("SELECT name FROM author WHERE id = ?", (author_id,))
        """,
        test_hidden="""
        import pytest
        from hidden import hidden
        from shop import bookshop

        @pytest.mark.throughput
        def test_hidden():
            hidden(bookshop())
        """,
    )
    result = bookshop.runpytest("-p", "no:cacheprovider", "--throughput-json", str(report.path))
    result.assert_outcomes(passed=1)
    (finding,) = report.test("test_hidden")["n_plus_one"]
    assert (finding["static"], finding["path"], finding["line"]) == ("missed", "hidden.py", 4)
    result.stdout.fnmatch_lines(["*static analysis does not flag this call site*"])


def test_counts_are_exact_per_api(bookshop):
    bookshop.makepyfile(
        test_counts="""
        import sqlite3
        from shop import bookshop

        class MyCursor(sqlite3.Cursor):
            pass

        def test_counts(throughput):
            with throughput.measure(items=3) as block:
                conn = bookshop(books=3)                                 # 4 statements
                conn.cursor().execute("SELECT 1")                        # 1
                conn.cursor(MyCursor).execute("SELECT 2")                # 1
                conn.executemany("INSERT INTO author VALUES (?, ?)", [(9, "x"), (10, "y")])
                conn.executescript("SELECT 3; SELECT 4;")                # 1
                plain = sqlite3.connect(":memory:", 5.0, 0, "", True, sqlite3.Connection)
                plain.execute("SELECT 5")                                # 1 (positional factory)
            assert (block.queries, block.requests, block.round_trips) == (9, 0, 9)
            assert block.items == 3 and block.rate > 0
        """
    )
    bookshop.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_connections_opened_before_the_test_are_counted(bookshop):
    """Defect 11: connections from a fixture, a conftest or module level count."""
    bookshop.makeconftest(
        """
        import pytest
        from shop import bookshop

        CONFTEST_DB = bookshop(books=50)

        @pytest.fixture
        def conftest_db():
            return CONFTEST_DB
        """
    )
    bookshop.makepyfile(
        kinds="""
        def names(conn, ids):
            return [
                conn.execute("SELECT name FROM author WHERE id = ?", (i,)).fetchone()
                for i in ids
            ]
        """,
        test_fixture_db="""
        import pytest
        from kinds import names
        from shop import bookshop

        MODULE_DB = bookshop(books=50)

        @pytest.fixture
        def db():
            return bookshop(books=50)

        @pytest.mark.throughput(max_queries_per_item=0.2, items=50)
        def test_fixture_connection(db):
            names(db, range(50))

        @pytest.mark.throughput(max_queries_per_item=0.2, items=50)
        def test_module_connection():
            names(MODULE_DB, range(50))

        @pytest.mark.throughput(max_queries_per_item=0.2, items=50)
        def test_conftest_connection(conftest_db):
            names(conftest_db, range(50))

        def test_block_on_an_older_connection(db, throughput):
            with throughput.measure() as block:
                db.execute("SELECT 1")
                db.cursor().execute("SELECT 2")
            db.execute("SELECT 3")  # after the block: not counted anywhere
            assert block.queries == 2
            assert throughput.watch(db) is db  # a no-op on a counted connection

        def test_watch_rejects_other_objects(throughput):
            with pytest.raises(TypeError, match="sqlite3.Connection"):
                throughput.watch(object())
        """,
    )
    result = bookshop.runpytest("-p", "no:cacheprovider", "--throughput-budget")
    result.assert_outcomes(failed=3, passed=2)
    for name in ("fixture", "module", "conftest"):
        result.stdout.fnmatch_lines(
            [
                f"*_ test_{name}_connection _*",
                "throughput budget missed (*",
                "  queries per item: 1 measured (50 for 50 items), budget 0.2 "
                "(+0.8, 5.0x the budget)",
            ]
        )


def test_watch_counts_a_connection_opened_before_the_plugin(bookshop):
    bookshop.makepyfile(
        test_watch="""
        import sqlite3

        def test_watched(throughput):
            conn = sqlite3.connect.__wrapped__(":memory:")  # as if opened before the plugin
            with throughput.measure() as block:
                conn.execute("SELECT 1")
            assert block.queries == 0
            throughput.watch(conn)
            with throughput.measure() as block:
                conn.execute("SELECT 1")
                conn.execute("SELECT 2")
            assert block.queries == 2
        """
    )
    bookshop.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("option", "threshold_failures"),
    [("--throughput-n-plus-one-threshold=40", 0), ("--throughput-n-plus-one-threshold=5", 1)],
)
def test_threshold_option(bookshop, option, threshold_failures):
    bookshop.makepyfile(
        test_loop="""
        from shop import bookshop, names

        def test_loop(throughput):
            conn = bookshop()
            with throughput.measure(items=30):
                names(conn, range(30))
        """
    )
    result = bookshop.runpytest("-p", "no:cacheprovider", "--throughput-budget", option)
    result.assert_outcomes(failed=threshold_failures, passed=1 - threshold_failures)


def test_marker_threshold_overrides_the_option(bookshop):
    bookshop.makepyfile(
        test_loop="""
        import pytest
        from shop import bookshop, names

        @pytest.mark.throughput(n_plus_one_threshold=50)
        def test_loop():
            names(bookshop(), range(30))
        """
    )
    result = bookshop.runpytest("-p", "no:cacheprovider", "--throughput-budget")
    result.assert_outcomes(passed=1)


def test_writes_and_literal_variants(bookshop, report):
    """Per-row INSERTs are not TL101 (a SELECT shape only); literals fold to one shape."""
    bookshop.makepyfile(
        shapes="""
        def shapes(conn):
            for i in range(30):
                conn.execute(f"INSERT INTO author VALUES ({100 + i}, 'n{i}')")
            for i in range(12):
                ids = f"{i}, {i + 1}"
                conn.execute(f"SELECT name FROM author WHERE id IN ({ids}) AND name != 'x'")
        """,
        test_shapes="""
        from shapes import shapes
        from shop import bookshop

        def test_shapes(throughput):
            conn = bookshop()
            with throughput.measure(items=30) as block:
                shapes(conn)
            assert block.queries == 42
        """,
    )
    result = bookshop.runpytest("-p", "no:cacheprovider", report.option)
    result.assert_outcomes(passed=1)
    (finding,) = report.test("test_shapes")["n_plus_one"]
    assert finding["statement"] == "SELECT name FROM author WHERE id IN (?) AND name != ?"
    assert finding["count"] == 12


def test_a_long_statement_keeps_its_where_clause_in_the_report(pytester, report):
    """Defect 7, end to end: 30 long column names no longer push the WHERE off the end."""
    columns = [f"a_rather_long_column_name_{i}" for i in range(30)]
    pytester.makepyfile(
        wide=f"""
        import sqlite3

        COLUMNS = {columns!r}

        def wide_rows():
            conn = sqlite3.connect(":memory:")
            conn.execute(f"CREATE TABLE wide (id INTEGER, {{', '.join(COLUMNS)}})")
            select = f"SELECT {{', '.join(COLUMNS)}} FROM wide WHERE id = ?"
            for i in range(12):
                conn.execute(select, (i,))
        """,
        test_wide="""
        import pytest
        from wide import wide_rows

        @pytest.mark.throughput
        def test_wide():
            wide_rows()
        """,
    )
    pytester.syspathinsert()
    pytester.runpytest("-p", "no:cacheprovider", report.option).assert_outcomes(passed=1)
    (finding,) = report.test("test_wide")["n_plus_one"]
    assert finding["statement"] == (
        "SELECT a_rather_long_column_name_0, ... (+29 columns) FROM wide WHERE id = ?"
    )


def test_a_query_budget_that_counts_nothing_warns(bookshop):
    """Defect 11, where counting is impossible: a connection opened before the plugin."""
    bookshop.makepyfile(
        test_unseen="""
        import sqlite3
        import pytest

        UNSEEN = sqlite3.connect.__wrapped__(":memory:")  # as if opened before the plugin

        @pytest.mark.throughput(max_queries_per_item=0.2, items=50)
        def test_unseen():
            for i in range(50):
                UNSEEN.execute("SELECT ?", (i,))

        @pytest.mark.throughput(max_queries=0)
        def test_cached():
            pass
        """
    )
    result = bookshop.runpytest("-p", "no:cacheprovider", "--throughput-budget")
    result.assert_outcomes(passed=2, warnings=1)
    result.stdout.fnmatch_lines(
        [
            "*ThroughputWarning: test_unseen.py::test_unseen: a query budget "
            "(queries/item<=0.2) measured 0 statements.*throughput.watch(conn)*"
        ]
    )


def test_factories_that_are_not_classes_still_work(bookshop):
    """The session-wide wrapper must not break `factory=` callables that are not classes;
    those connections and cursors go uncounted, as before the plugin."""
    bookshop.makepyfile(
        test_factories="""
        import sqlite3

        class MyCursor(sqlite3.Cursor):
            pass

        def make_cursor(conn):
            return MyCursor(conn)

        def make_connection(*args, **kwargs):
            return sqlite3.Connection(*args, **kwargs)

        def test_factories(throughput):
            conn = sqlite3.connect(":memory:")
            with throughput.measure() as block:
                cursor = conn.cursor(make_cursor)
                assert type(cursor) is MyCursor
                cursor.execute("SELECT 1")  # a plain MyCursor: not counted
                conn.cursor().execute("SELECT 2")
                other = sqlite3.connect(":memory:", factory=make_connection)
                other.execute("SELECT 3")  # not counted
            assert block.queries == 1
        """
    )
    bookshop.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)
