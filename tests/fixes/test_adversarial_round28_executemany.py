"""Programs just outside the executemany fix's conditions that ``--fix`` used to rewrite
into a program that does something else, or offered a fix it then could not make (round
28's adversarial review, /tmp/adv6). Each runs the original and the fixed program on real
sqlite3 or PostgreSQL, compares what they print and how they end, and first checks the
original really exercises the case; each has a near miss that keeps the fix."""

from __future__ import annotations

import textwrap

import pytest
from support.differential import assert_same_behaviour, differential, one_file

from throughlint.engine import lint_text
from throughlint.settings import Settings

# registers a SQL function from another module: out of this module's sight
HOOKS = """\
def install(conn, name, function):
    conn.create_function(name, 1, function)
"""


def _with_hooks(program: str) -> dict[str, str]:
    return {**one_file(program, "import hooks\n"), "hooks.py": HOOKS}


# --- a local that may be unbound when the loop starts (p02) ---

MAYBE_UNBOUND = """\
    import sqlite3


    def save(conn: sqlite3.Connection, names, tagged):
        rows = list(names)
        if tagged:
            tag = "import"
{otherwise}
        for name in rows:
            conn.execute("INSERT INTO events (name, tag) VALUES (?, ?)", (name, tag))
        conn.commit()


    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE events (name TEXT, tag TEXT)")
    try:
        save(conn, ["a", "b"], False)
    except UnboundLocalError as error:
        print("no tag:", type(error).__name__)
    print(conn.execute("SELECT * FROM events").fetchall())
    """


def test_executemany_reading_a_local_that_may_be_unbound_keeps_the_loop(tmp_path):
    """The loop raises ``UnboundLocalError`` (caught), the comprehension ``NameError``."""
    result = differential(tmp_path, one_file(MAYBE_UNBOUND.format(otherwise="")))
    assert not result.changed, result.after
    assert "may be unbound" in result.lint_output
    assert_same_behaviour(result, "no tag: UnboundLocalError\n[]")


def test_executemany_reading_a_local_bound_on_every_path_keeps_the_fix(tmp_path):
    otherwise = '        else:\n            tag = "-"'
    result = differential(tmp_path, one_file(MAYBE_UNBOUND.format(otherwise=otherwise)))
    assert "executemany(" in result.after, result.lint_output
    assert_same_behaviour(result, "[('a', '-'), ('b', '-')]")


# --- callbacks the module registers on a connection (p04, p13) ---

APPENDING_FUNCTION = """\
    import sqlite3


    def save(conn: sqlite3.Connection, values):
        rows = [(value,) for value in values]

        def expand(value):
            if value.endswith("*"):  # a row "x*" asks for a follow-up row "x+"
                rows.append((value[:-1] + "+",))
            return value

        {register}
        for row in rows:
            conn.execute("INSERT INTO t (a) VALUES (expand(?))", row)


    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a)")
    {install}
    save(conn, ["a*", "b"])
    print(conn.execute("SELECT a FROM t").fetchall())
    """


def test_executemany_with_a_sql_function_that_grows_the_input_keeps_the_loop(tmp_path):
    """The function registered here appends to the list the loop iterates."""
    program = APPENDING_FUNCTION.format(
        register='conn.create_function("expand", 1, expand)', install="pass"
    )
    result = differential(tmp_path, one_file(program))
    assert not result.changed, result.after
    assert "registers a callback" in result.lint_output
    assert_same_behaviour(result, "[('a*',), ('b',), ('a+',)]")


def test_executemany_with_a_sql_function_registered_elsewhere_keeps_the_fix(tmp_path):
    """Near miss: another module registers a function that only returns its value."""
    program = APPENDING_FUNCTION.format(
        register="pass", install='hooks.install(conn, "expand", lambda value: value)'
    )
    result = differential(tmp_path, _with_hooks(program))
    assert "executemany(" in result.after, result.lint_output
    assert_same_behaviour(result, "[('a*',), ('b',)]")


AUTHORIZER = """\
    import sqlite3


    def save(conn: sqlite3.Connection, names):
        rows = [(name,) for name in names]
        for row in rows:
            conn.execute("INSERT INTO t (a) VALUES (?)", row)


    def auth(action, *args):
        if action == sqlite3.SQLITE_INSERT:
            print("auth", args[0])
        return sqlite3.SQLITE_OK


    conn = sqlite3.connect(":memory:", cached_statements=0)
    conn.execute("CREATE TABLE t (a)")
    conn.set_authorizer(auth)
    save(conn, ["x", "y"])
    conn.set_authorizer(None)
    print(conn.execute("SELECT * FROM t").fetchall())
    """


def test_executemany_under_an_authorizer_keeps_the_loop(tmp_path):
    """Without a statement cache the loop prepares (and authorizes) every row."""
    result = differential(tmp_path, one_file(AUTHORIZER))
    assert not result.changed, result.after
    assert_same_behaviour(result, "auth t\nauth t\n[('x',), ('y',)]")


REGISTRATIONS = (
    "create_function", "create_aggregate", "create_window_function", "create_collation",
    "set_authorizer", "set_progress_handler", "set_trace_callback", "add_notice_handler",
)  # fmt: skip


@pytest.mark.parametrize("method", REGISTRATIONS)
def test_every_callback_registration_makes_the_fix_unsafe(method):
    source = textwrap.dedent(AUTHORIZER).replace("set_authorizer", method)
    fixes = [d.fix for d in lint_text(source, "app.py", Settings(show_all=True)) if d.fix]
    assert fixes and not fixes[0].safe, fixes
    assert method in fixes[0].description


# --- a global named like a builtin, and the SQL in a global (p28, p05) ---

BUILTIN_NAMED_GLOBAL = """\
    import sqlite3

    id = 0  # the batch id, advanced by the database


    def advance(name):
        global id
        id += 1
        return name


    def save(conn: sqlite3.Connection):
        names = ["a", "b", "c"]
        {local}
        for name in names:
            conn.execute("INSERT INTO seen VALUES (advance(?), ?)", (name, id))


    conn = sqlite3.connect(":memory:")
    hooks.install(conn, "advance", advance)
    conn.execute("CREATE TABLE seen (name, batch)")
    save(conn)
    print(conn.execute("SELECT * FROM seen").fetchall())
    """


def test_executemany_reading_a_global_named_like_a_builtin_keeps_the_loop(tmp_path):
    """``id`` is the module's, rebound by the SQL function (registered by another
    module): a builtin's name is no reason to trust it."""
    result = differential(tmp_path, _with_hooks(BUILTIN_NAMED_GLOBAL.format(local="pass")))
    assert not result.changed, result.after
    assert "`id` is not a local" in result.lint_output
    assert_same_behaviour(result, "[('a', 0), ('b', 1), ('c', 2)]")


def test_executemany_reading_a_local_named_like_a_builtin_keeps_the_fix(tmp_path):
    result = differential(tmp_path, _with_hooks(BUILTIN_NAMED_GLOBAL.format(local="id = 7")))
    assert "executemany(" in result.after, result.lint_output
    assert_same_behaviour(result, "[('a', 7), ('b', 7), ('c', 7)]")


GLOBAL_SQL = """\
    import sqlite3

    SQL = "INSERT INTO t (a) VALUES (note(?))"


    def note(value):
        {rebind}
        return value


    def save(conn: sqlite3.Connection, values):
        rows = [(value,) for value in values]
        for row in rows:
            conn.execute(SQL, row)


    conn = sqlite3.connect(":memory:")
    hooks.install(conn, "note", note)
    conn.execute("CREATE TABLE t (a)")
    conn.execute("CREATE TABLE archive (a)")
    save(conn, ["a", "switch", "b"])
    print(conn.execute("SELECT a FROM t").fetchall())
    print(conn.execute("SELECT a FROM archive").fetchall())
    """

REBIND_SQL = (
    "global SQL\n"
    '        if value == "switch":\n'
    '            SQL = "INSERT INTO archive (a) VALUES (note(?))"'
)


def test_executemany_of_a_global_sql_the_writes_rebind_keeps_the_loop(tmp_path):
    """The loop reads ``SQL`` for every row, ``executemany`` once."""
    result = differential(tmp_path, _with_hooks(GLOBAL_SQL.format(rebind=REBIND_SQL)))
    assert not result.changed, result.after
    assert "`SQL` is not a local" in result.lint_output
    assert_same_behaviour(result, "[('a',), ('switch',)]\n[('b',)]")


def test_executemany_of_a_global_sql_never_rebound_keeps_the_fix(tmp_path):
    result = differential(tmp_path, _with_hooks(GLOBAL_SQL.format(rebind="pass")))
    assert "executemany(" in result.after, result.lint_output
    assert_same_behaviour(result, "[('a',), ('switch',), ('b',)]\n[]")


# --- psycopg 3: a transaction of another connection (p32) ---

PSYCOPG = """\
import psycopg

DSN = {dsn!r}


def save(values):
    log = psycopg.connect(DSN)
    conn = psycopg.connect(DSN, autocommit=True)
    cur = conn.cursor()
    rows = [(value,) for value in values]
    with {block}.transaction():
        log.execute("INSERT INTO r28_runs (note) VALUES ('import')")
        for row in rows:
            cur.execute("INSERT INTO r28_rows (a) VALUES (%s)", row)


with psycopg.connect(DSN, autocommit=True) as admin:
    admin.execute("DROP TABLE IF EXISTS r28_rows")
    admin.execute("DROP TABLE IF EXISTS r28_runs")
    admin.execute("CREATE TABLE r28_rows (a int PRIMARY KEY)")
    admin.execute("CREATE TABLE r28_runs (note text)")
    try:
        save([1, 2, 2, 3])
    except psycopg.Error as error:
        print("error:", type(error).__name__)
    print(admin.execute("SELECT a FROM r28_rows ORDER BY a").fetchall())
"""


def test_psycopg_autocommit_cursor_in_another_connections_transaction_keeps_the_loop(
    tmp_path, postgres_dsn
):
    """``log``'s transaction leaves ``conn`` in autocommit: the loop keeps the rows
    before the failing one, one pipeline keeps none."""
    files = {"app.py": PSYCOPG.format(dsn=postgres_dsn, block="log")}
    result = differential(tmp_path, files)
    assert not result.changed, result.after
    assert "autocommit" in result.lint_output
    assert_same_behaviour(result, "error: UniqueViolation\n[(1,), (2,)]")


def test_psycopg_cursor_in_its_own_connections_transaction_keeps_the_fix(tmp_path, postgres_dsn):
    """Near miss: the transaction is the cursor's connection's: all or nothing either way."""
    files = {"app.py": PSYCOPG.format(dsn=postgres_dsn, block="conn")}
    result = differential(tmp_path, files)
    assert "executemany(" in result.after, result.lint_output
    assert_same_behaviour(result, "error: UniqueViolation\n[]")


# --- a header continued with a backslash (p44) ---

CONTINUED_HEADER = """\
    import sqlite3


    def save(conn: sqlite3.Connection, names):
        rows = [(name,) for name in names]
        for row in rows:{after_colon}
                conn.execute("INSERT INTO t (a) VALUES (?)", row)


    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a)")
    save(conn, ["y"])
    print(conn.execute("SELECT * FROM t").fetchall())
    """


def test_executemany_after_a_backslash_header_is_not_offered(tmp_path):
    """The body continues the header's line: the rewrite takes only an indented block,
    so the fix must not be offered (it was, then refused at apply time)."""
    result = differential(tmp_path, one_file(CONTINUED_HEADER.format(after_colon=" \\")))
    assert not result.changed, result.after
    assert "fix not applied" not in result.lint_output, result.lint_output
    assert "[*]" not in result.lint_output, result.lint_output
    assert_same_behaviour(result, "[('y',)]")


def test_executemany_after_a_comment_ending_in_a_backslash_keeps_the_fix(tmp_path):
    """Near miss: a backslash that ends a comment continues nothing."""
    program = CONTINUED_HEADER.format(after_colon="  # as read from C:\\")
    result = differential(tmp_path, one_file(program))
    assert "executemany(" in result.after, result.lint_output
    assert "fix not applied" not in result.lint_output, result.lint_output
    assert_same_behaviour(result, "[('y',)]")
