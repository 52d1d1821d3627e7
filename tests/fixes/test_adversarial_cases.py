"""Programs just outside a safe fix's conditions that ``--fix`` used to rewrite into a
program that does something else (round 4 of the adversarial review). Each runs the
original and the fixed program on real sqlite3, Django or PostgreSQL and compares what
they print and how they end; each first checks the original really exercises the case."""

from __future__ import annotations

from support.differential import assert_same_behaviour, differential, one_file

DJANGO_CACHE = """\
import django
from django.conf import settings

settings.configure(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)
django.setup()
from django.core.cache import cache

"""


def test_executemany_unpacking_a_short_row_keeps_the_rows_before_it(tmp_path):
    """``for a, b in rows`` raises on the first row of another length: the loop has
    written the rows before it, the comprehension unpacks all rows before any write."""
    files = one_file(
        """\
        import sqlite3


        def save(conn: sqlite3.Connection):
            rows = [(1, 2), (3, 4), (5,)]
            for a, b in rows:
                conn.execute("INSERT INTO t (a, b) VALUES (?, ?)", (a, b))


        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE t (a, b)")
        try:
            save(conn)
        except ValueError as error:
            print(error)
        print(conn.execute("SELECT a FROM t").fetchall())
        """
    )
    assert_same_behaviour(
        differential(tmp_path, files),
        "not enough values to unpack (expected 2, got 1)\n[(1,), (3,)]",
    )


def test_set_many_keys_equal_in_python_stay_distinct_cache_keys(tmp_path):
    """``1``, ``True`` and ``1.0`` are three cache keys but one dict key."""
    files = one_file(
        """\
        def store():
            items = [(1, "one"), (True, "true"), (1.0, "float")]
            for key, value in items:
                cache.set(key, value)


        store()
        print(cache.get(1), cache.get(True), cache.get(1.0))
        """,
        DJANGO_CACHE,
    )
    assert_same_behaviour(differential(tmp_path, files), "one true float")


def test_set_many_unhashable_key_keeps_the_keys_before_it(tmp_path):
    """The cache takes a list as a key (it formats it); a dict display raises on it
    before storing any key."""
    files = one_file(
        """\
        def store():
            items = [("a", 1), (["b"], 2)]
            for key, value in items:
                cache.set(key, value)


        store()
        print(cache.get("a"), cache.get(["b"]))
        """,
        DJANGO_CACHE,
    )
    assert_same_behaviour(differential(tmp_path, files), "1 2")


SIZE_LIMITED_CACHE = DJANGO_CACHE.replace(
    '"django.core.cache.backends.locmem.LocMemCache"',
    '"django.core.cache.backends.locmem.LocMemCache",\n'
    '                        "OPTIONS": {"MAX_ENTRIES": 2, "CULL_FREQUENCY": 2}',
)


def test_set_many_with_a_repeated_key_on_a_size_limited_cache(tmp_path):
    """(round 26) ``a`` comes twice: the loop stores it twice, ``set_many`` once, and
    locmem with ``MAX_ENTRIES = 2`` culls another entry (``a`` survives the loop,
    ``b`` would survive ``set_many``)."""
    body = """\
        def warm():
            pairs = [("a", 1), ("b", 2), ("a", 3)]
            for key, value in pairs:
                cache.set(key, value)


        warm()
        cache.set("c", 0)
        print({key: cache.get(key) for key in "abc"})
        """
    result = differential(tmp_path, one_file(body, SIZE_LIMITED_CACHE))
    assert not result.changed, result.after
    assert_same_behaviour(result, "{'a': 3, 'b': None, 'c': 0}")


def test_set_many_with_distinct_literal_keys_keeps_the_fix(tmp_path):
    """Near miss: the same cache, keys written in the function and all different."""
    body = """\
        def warm():
            pairs = [("a", 1), ("b", 2)]
            for key, value in pairs:
                cache.set(key, value)


        warm()
        cache.set("c", 0)
        print({key: cache.get(key) for key in "abc"})
        """
    result = differential(tmp_path, one_file(body, SIZE_LIMITED_CACHE))
    assert "cache.set_many(" in result.after, result.lint_output
    assert_same_behaviour(result, "{'a': None, 'b': 2, 'c': 0}")


def test_executemany_on_the_users_own_connection_class(tmp_path):
    """A parameter annotated ``Connection`` is a sqlite3 connection only when that name
    comes from sqlite3: the module's own class has no ``executemany``."""
    files = one_file(
        """\
        class Connection:
            def execute(self, sql, params):
                print("execute", params)


        def save(conn: Connection):
            rows = [(1,), (2,)]
            for row in rows:
                conn.execute("INSERT INTO t (a) VALUES (?)", row)


        save(Connection())
        """
    )
    assert_same_behaviour(differential(tmp_path, files), "execute (1,)\nexecute (2,)")


def test_executemany_on_a_psycopg_connection(tmp_path, postgres_dsn):
    """``psycopg.Connection.execute`` exists, ``executemany`` is only on its cursors."""
    files = one_file(
        f"""\
        import psycopg


        def save(conn: psycopg.Connection):
            rows = [(1,), (2,)]
            for row in rows:
                conn.execute("INSERT INTO adv_t (a) VALUES (%s)", row)


        with psycopg.connect({postgres_dsn!r}, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS adv_t")
            conn.execute("CREATE TABLE adv_t (a int)")
            save(conn)
            print(conn.execute("SELECT a FROM adv_t ORDER BY a").fetchall())
        """
    )
    assert_same_behaviour(differential(tmp_path, files), "[(1,), (2,)]")


def test_executemany_on_a_cursor_of_the_users_own_class(tmp_path):
    """``x.cursor()`` of a class that is no DB-API driver's: no ``executemany``."""
    files = one_file(
        """\
        class Cursor:
            def execute(self, sql, params):
                print("execute", params)


        class Db:
            def cursor(self):
                return Cursor()


        def save(db):
            cur = db.cursor()
            rows = [(1,), (2,)]
            for row in rows:
                cur.execute("INSERT INTO t (a) VALUES (?)", row)


        save(Db())
        """
    )
    assert_same_behaviour(differential(tmp_path, files), "execute (1,)\nexecute (2,)")


def test_executemany_on_a_local_psycopg_connection(tmp_path, postgres_dsn):
    """``psycopg.connect()`` gives a connection with ``execute`` but no ``executemany``."""
    files = one_file(
        f"""\
        import psycopg


        def save(dsn):
            conn = psycopg.connect(dsn, autocommit=True)
            rows = [(1,), (2,)]
            for row in rows:
                conn.execute("INSERT INTO adv_c (a) VALUES (%s)", row)
            conn.close()


        with psycopg.connect({postgres_dsn!r}, autocommit=True) as admin:
            admin.execute("DROP TABLE IF EXISTS adv_c")
            admin.execute("CREATE TABLE adv_c (a int)")
            save({postgres_dsn!r})
            print(admin.execute("SELECT a FROM adv_c ORDER BY a").fetchall())
        """
    )
    assert_same_behaviour(differential(tmp_path, files), "[(1,), (2,)]")


DJANGO_SQLITE = """\
import django
from django.conf import settings

settings.configure(
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
)
django.setup()
from django.db import connection, transaction

SQL = "INSERT INTO author (name, city) VALUES (%(name)s, %(city)s)"

"""


def test_django_sqlite_executemany_with_rows_of_other_keys_keeps_the_loop(tmp_path):
    """(round 26) Django's sqlite backend takes the ``%(name)s`` names of
    ``executemany`` from the first row: a later row without ``city`` raised ``KeyError``
    in the loop and would raise ``ProgrammingError`` after the rewrite."""
    body = """\
        def load(first, extra):
            rows = [first, extra]
            cursor = connection.cursor()
            with transaction.atomic():
                for row in rows:
                    cursor.execute(SQL, row)


        connection.cursor().execute("CREATE TABLE author (name, city)")
        try:
            load({"name": "ann", "city": "Oslo"}, {"name": "bob"})
        except Exception as error:
            print(type(error).__name__)
        """
    result = differential(tmp_path, one_file(body, DJANGO_SQLITE))
    assert not result.changed, result.after
    assert_same_behaviour(result, "KeyError")


def test_django_sqlite_executemany_with_dict_displays_keeps_the_fix(tmp_path):
    """Near miss: every row is a dict display with the same keys."""
    body = """\
        def load():
            rows = [("ann", "Oslo"), ("bob", "Rome")]
            cursor = connection.cursor()
            with transaction.atomic():
                for name, city in rows:
                    cursor.execute(SQL, {"name": name, "city": city})


        connection.cursor().execute("CREATE TABLE author (name, city)")
        load()
        print(connection.cursor().execute("SELECT name, city FROM author").fetchall())
        """
    result = differential(tmp_path, one_file(body, DJANGO_SQLITE))
    assert "executemany(" in result.after, result.lint_output
    assert_same_behaviour(result, "[('ann', 'Oslo'), ('bob', 'Rome')]")
