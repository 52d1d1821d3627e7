"""Programs just outside a safe fix's conditions that ``--fix`` used to rewrite into a
program that does something else (round 27's adversarial review, /tmp/adv5). Each runs the
original and the fixed program on real sqlite3, Django or SQLAlchemy, compares what they
print and how they end, and first checks the original really exercises the case; each
has a near miss that keeps the fix."""

from __future__ import annotations

import textwrap

from support.differential import differential

DJANGO_SQLITE = """\
import django
from django.conf import settings

settings.configure(
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
)
django.setup()
from django.db import connection, transaction

"""


def _same(result, expected_original: str) -> None:
    assert result.original.stdout.strip() == expected_original, result.original
    assert result.fixed == result.original, (
        f"the fix changed behaviour\n{result.lint_output}\n--- fixed program:\n{result.after}"
    )


def _program(body: str, prefix: str = "") -> dict[str, str]:
    return {"app.py": prefix + textwrap.dedent(body)}


RETURNING = """\
    import sqlite3


    def save(conn: sqlite3.Connection):
        rows = [("a",), ("b",)]
        cur = conn.cursor()
        for row in rows:
            cur.execute("INSERT INTO events (name) VALUES (?){returning}", row)
        conn.commit()


    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, name TEXT)")
    try:
        save(conn)
    except sqlite3.OperationalError as error:
        print(error)
    print(conn.execute("SELECT name FROM events").fetchall())
    """


def test_executemany_of_a_statement_returning_rows_keeps_the_loop(tmp_path):
    """``RETURNING``: the unread row of the last ``execute`` keeps the statement in
    progress, so the commit fails; ``executemany`` discards the rows, and it succeeds."""
    result = differential(tmp_path, _program(RETURNING.format(returning=" RETURNING id")))
    assert not result.changed, result.after
    _same(result, "cannot commit transaction - SQL statements in progress\n[('a',), ('b',)]")


def test_executemany_of_a_plain_insert_keeps_the_fix(tmp_path):
    result = differential(tmp_path, _program(RETURNING.format(returning="")))
    assert "executemany(" in result.after, result.lint_output
    _same(result, "[('a',), ('b',)]")


NO_PARAMETERS = """\
    def touch(names, params):
        rows = [params for name in names]
        cursor = connection.cursor()
        with transaction.atomic():
            for row in rows:
                cursor.execute("UPDATE counter SET n = n + %s", row)


    connection.cursor().execute("CREATE TABLE counter (n INTEGER)")
    connection.cursor().execute("INSERT INTO counter VALUES (0)")
    touch(["a", "b", "c"], {params})
    print(connection.cursor().execute("SELECT n FROM counter").fetchall())
    """


def test_django_executemany_of_rows_that_may_be_none_keeps_the_loop(tmp_path):
    """Django's ``execute(sql, None)`` runs without parameters; its ``executemany`` hands
    each ``None`` to sqlite3 as a row, which it rejects."""
    body = NO_PARAMETERS.replace("n + %s", "n + 1")
    result = differential(tmp_path, _program(body.format(params="None"), DJANGO_SQLITE))
    assert not result.changed, result.after
    _same(result, "[(3,)]")


def test_django_executemany_of_tuple_rows_keeps_the_fix(tmp_path):
    """Near miss: every row is a tuple display."""
    body = NO_PARAMETERS.replace(
        "rows = [params for name in names]", "rows = [(2,) for name in names]"
    )
    result = differential(tmp_path, _program(body.format(params="None"), DJANGO_SQLITE))
    assert "executemany(" in result.after, result.lint_output
    _same(result, "[(6,)]")


GLOBAL_PARAMETER = """\
    import sqlite3

    last_seen = "-"


    def remember(name):
        global last_seen
        last_seen = name
        return name


    def save(conn: sqlite3.Connection):
        names = ["a", "b", "c"]
        for name in names:
            conn.execute("INSERT INTO seen VALUES (remember(?), ?)", ({second}))


    conn = sqlite3.connect(":memory:")
    conn.create_function("remember", 1, remember)
    conn.execute("CREATE TABLE seen (name, previous)")
    save(conn)
    print(conn.execute("SELECT * FROM seen").fetchall())
    """


def test_executemany_reading_a_global_the_writes_rebind_keeps_the_loop(tmp_path):
    """The parameters read a global that a SQL function of the statement rebinds: the
    loop reads it after each write, the comprehension for every row before the first."""
    result = differential(tmp_path, _program(GLOBAL_PARAMETER.format(second="name, last_seen")))
    assert not result.changed, result.after
    _same(result, "[('a', '-'), ('b', 'a'), ('c', 'b')]")


def test_executemany_reading_only_locals_keeps_the_fix(tmp_path):
    result = differential(tmp_path, _program(GLOBAL_PARAMETER.format(second="name, name")))
    assert "executemany(" in result.after, result.lint_output
    _same(result, "[('a', 'a'), ('b', 'b'), ('c', 'c')]")
