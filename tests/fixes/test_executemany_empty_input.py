"""The ``executemany`` fix over an empty list (the adversarial tester's open item of round
4): the loop never runs, so it never sends the SQL; ``executemany(sql, [])`` does. Found
on the real drivers, not assumed:

- sqlite3 prepares the statement before it looks at the rows: invalid SQL (a missing
  table or column, a syntax error) raises ``OperationalError`` where the loop did
  nothing; and valid DML begins a transaction (the legacy ``isolation_level``), so a
  later ``VACUUM`` fails with "cannot VACUUM from within a transaction";
- psycopg 3 sends ``BEGIN`` even with no rows: the connection is left ``INTRANS``
  where the loop left it ``IDLE``, and setting ``autocommit`` then raises;
- psycopg2's ``execute_values`` with no rows sends nothing (checked too).

Each program runs original and fixed (real ``throughlint --fix``) in a subprocess."""

from __future__ import annotations

import textwrap

from support.differential import differential

SAVE = """\
import sqlite3


def save(conn: sqlite3.Connection, data):
    rows = [(value,) for value in data]
    for row in rows:
        conn.execute("{sql}", row)

"""


def _same(result, expected_original: str) -> None:
    assert result.changed, f"the fix was not applied\n{result.lint_output}"
    assert result.original.stdout.strip() == expected_original, result.original
    assert result.fixed == result.original, (
        f"the fix changed behaviour\n{result.lint_output}\n--- fixed program:\n{result.after}"
    )


def _program(sql: str, main: str) -> dict[str, str]:
    return {"app.py": SAVE.replace("{sql}", sql) + textwrap.dedent(main)}


def test_invalid_sql_over_no_rows_stays_unsent_on_sqlite(tmp_path):
    files = _program(
        "INSERT INTO missing (a) VALUES (?)",
        """\
        conn = sqlite3.connect(":memory:")
        save(conn, [])
        print("nothing saved")
        """,
    )
    _same(differential(tmp_path, files), "nothing saved")


def test_invalid_sql_over_rows_fails_alike_on_sqlite(tmp_path):
    """With rows, both fail on the first statement, before any row is written."""
    files = _program(
        "INSERT INTO t (nope) VALUES (?)",
        """\
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE t (a)")
        try:
            save(conn, [1, 2])
        except sqlite3.OperationalError as error:
            print(error)
        print(conn.execute("SELECT count(*) FROM t").fetchone())
        """,
    )
    _same(differential(tmp_path, files), "table t has no column named nope\n(0,)")


def test_no_rows_begin_no_transaction_on_sqlite(tmp_path):
    files = _program(
        "INSERT INTO t (a) VALUES (?)",
        """\
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE t (a)")
        conn.commit()
        save(conn, [])
        print(conn.in_transaction)
        conn.execute("VACUUM")
        print("vacuumed")
        """,
    )
    _same(differential(tmp_path, files), "False\nvacuumed")


def test_no_rows_leave_a_psycopg_connection_idle(tmp_path, postgres_dsn):
    files = {
        "app.py": textwrap.dedent(
            f"""\
            import psycopg


            def save(dsn, data):
                conn = psycopg.connect(dsn)
                cur = conn.cursor()
                rows = [(value,) for value in data]
                for row in rows:
                    cur.execute("INSERT INTO empty_in (a) VALUES (%s)", row)
                return conn


            with psycopg.connect({postgres_dsn!r}, autocommit=True) as admin:
                admin.execute("DROP TABLE IF EXISTS empty_in")
                admin.execute("CREATE TABLE empty_in (a int)")
            with save({postgres_dsn!r}, []) as conn:
                print(conn.info.transaction_status.name)
                conn.autocommit = True
                print("autocommit")
            """
        )
    }
    _same(differential(tmp_path, files), "IDLE\nautocommit")


def test_execute_values_over_no_rows_sends_nothing(tmp_path, postgres_dsn):
    """psycopg2's ``execute_values`` (the unsafe psycopg2 fix) over no rows sends nothing:
    invalid SQL does not raise and the connection stays idle, as with the loop."""
    files = {
        "app.py": textwrap.dedent(
            f"""\
            import psycopg2


            def save(dsn, data):
                conn = psycopg2.connect(dsn)
                cur = conn.cursor()
                rows = [(value,) for value in data]
                for row in rows:
                    cur.execute("INSERT INTO no_such_table (a) VALUES (%s)", row)
                print(conn.get_transaction_status())
                conn.close()


            save({postgres_dsn!r}, [])
            """
        )
    }
    result = differential(tmp_path, files, unsafe=True)
    assert "execute_values(" in result.after, result.lint_output
    assert result.original.stdout.strip() == "0", result.original
    assert result.fixed == result.original, result.after
