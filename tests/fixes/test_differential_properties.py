"""Differential property tests: hypothesis writes programs inside and just outside each
fix's preconditions (the input's kind, reads after the loop, parameters that raise or
call, a re-bound receiver, a mutated shared dict, comments in the call), fixes them with
``--fix`` (safe fixes only), runs the original and the fixed program on the same data
and compares the final table, the returned value and the exception. Inside the
preconditions the fix must be applied, so the comparison is never vacuous.

sqlite3 and Django's locmem cache run in the default suite; PostgreSQL (psycopg 3
``executemany``, psycopg2 ``execute_values``) when the server fixture has a server.
More examples with ``-m slow``."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass

from fix_support import fix_source
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from throughlint.settings import Settings

SLOW = bool(os.environ.get("THROUGHLINT_SLOW"))
EXAMPLES = 150 if SLOW else 30

INPUTS = {
    # name: (setup lines inside the function, the loop's iterable, inside preconditions)
    # the items' shape is written in the source: unpacking cannot fail half-way
    "local_list": (["rows = [(x, y) for x, y in data]"], "rows", True),
    "parameter": ([], "data", False),
    "generator": ([], "counted(conn, data)", False),
    "same_dict": ([], "shared(data)", False),
}
PARAMS = {
    # name: (parameters of one row, inside preconditions)
    "names": ("({A}, {B})", True),
    "subscript": ("({A}, checked[{B}])", False),
    "call": ("({A}, check({B}))", False),
}
AFTER = {
    "nothing": ("return 'done'", True),
    "lastrowid": ("return cur.lastrowid", False),
    "rowcount": ("return cur.rowcount", False),
}

HELPERS = """
def check(value):
    if value < 0:
        raise ValueError(value)
    return value


checked = {value: value for value in range(0, 10)}


def counted(conn, data):
    for a, b in data:
        yield a, conn.execute("SELECT count(*) FROM t").fetchone()[0]


def shared(data):
    row = [0, 0]
    for a, b in data:
        row[0], row[1] = a, b
        yield row
"""


@dataclass(frozen=True)
class Program:
    text: str
    inside: bool


@st.composite
def sqlite_programs(draw) -> Program:
    source = draw(st.sampled_from(sorted(INPUTS)))
    params = draw(st.sampled_from(sorted(PARAMS)))
    after = draw(st.sampled_from(sorted(AFTER)))
    comment = draw(st.booleans())
    rebound = draw(st.booleans())
    setup, iterable, inside_input = INPUTS[source]
    row, inside_params = PARAMS[params]
    ending, inside_after = AFTER[after]
    target = "a, b" if source != "same_dict" else "row"
    names = {"A": "row[0]", "B": "row[1]"} if source == "same_dict" else {"A": "a", "B": "b"}
    row = row.format(**names)
    sql = '"INSERT INTO t (a, b) VALUES (?, ?)"'
    call = f"cur.execute({sql}, {row})"
    if comment:
        indent = " " * 12
        call = f"cur.execute(\n{indent}{sql},\n{indent}{row},  # keep\n        )"
    body = ["cur = conn.cursor()", *setup, f"for {target} in {iterable}:"]
    if rebound:
        body.append("    cur = conn.cursor()")
    body.append(f"    {call}")
    body.append(ending)
    text = (
        "import sqlite3\n"
        + HELPERS
        + "\n\ndef save(conn: sqlite3.Connection, data):\n"
        + "".join(f"    {line}\n" for line in body)
    )
    inside = inside_input and inside_params and inside_after and not rebound
    return Program(text, inside)


data_lists = st.lists(st.tuples(st.integers(0, 5), st.integers(-2, 12)), max_size=6)


def _run_sqlite(space: dict, data) -> tuple:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a, b, CHECK (a < 5))")
    try:
        outcome: object = space["save"](conn, data)
    except Exception as exc:  # the program's own failure is part of its behaviour
        outcome = type(exc).__name__
    table = conn.execute("SELECT a, b FROM t ORDER BY rowid").fetchall()
    conn.close()
    return outcome, table


def _compile(text: str) -> dict:
    space: dict = {}
    exec(compile(text, "program.py", "exec"), space)
    return space


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sqlite_programs(), st.lists(data_lists, min_size=1, max_size=3))
def test_executemany_on_sqlite_keeps_behaviour(program, datasets):
    fixed = fix_source(program.text).fixed
    if program.inside:
        assert "executemany(" in fixed, program.text
        if "# keep" in program.text:
            assert "# keep" in fixed
    original, rewritten = _compile(program.text), _compile(fixed)
    for data in datasets:
        assert _run_sqlite(original, data) == _run_sqlite(rewritten, data), (program.text, fixed)


@st.composite
def cache_programs(draw) -> Program:
    source = draw(st.sampled_from(["local_list", "literal_pairs", "parameter", "same_dict"]))
    value = draw(st.sampled_from(["{B}", "check({B})", "cache.get({A}, 0) + {B}"]))
    setup, iterable = {
        # string keys: ``1`` and ``True`` would be one dict key but two cache keys; string
        # values: one that cannot be pickled would make ``set_many`` store none
        "local_list": (['rows = [(f"{x}", f"{y}") for x, y in data]'], "rows"),
        # keys that cannot repeat (a repeated key is stored once by ``set_many``)
        "literal_pairs": (['rows = [("1", "a"), ("2", "b"), ("4", "c")]'], "rows"),
        "parameter": ([], "data"),
        "same_dict": ([], "shared(data)"),
    }[source]
    target = "row" if source == "same_dict" else "a, b"
    names = {"A": "row[0]", "B": "row[1]"} if source == "same_dict" else {"A": "a", "B": "b"}
    inside = source == "literal_pairs" and value == "{B}"
    value, key = value.format(**names), names["A"]
    body = [*setup, f"for {target} in {iterable}:", f"    cache.set({key}, {value})"]
    text = (
        "from django.core.cache import cache\n"
        + HELPERS
        + "\n\ndef warm(data):\n"
        + "".join(f"    {line}\n" for line in body)
    )
    return Program(text, inside)


def _run_cache(space: dict, data) -> tuple:
    from django.core.cache.backends.locmem import LocMemCache

    cache = LocMemCache(f"differential-{id(space)}", {})
    cache.clear()
    space["cache"] = cache  # the module's ``cache``, as Django would give it
    try:
        outcome: object = space["warm"](data)
    except Exception as exc:
        outcome = type(exc).__name__
    return outcome, {key: cache.get(str(key)) for key in range(6)}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cache_programs(), data_lists)
def test_set_many_on_django_locmem_keeps_behaviour(program, data):
    fixed = fix_source(program.text).fixed
    if program.inside:
        assert "set_many(" in fixed, program.text
    original, rewritten = _compile(program.text), _compile(fixed)
    assert _run_cache(original, data) == _run_cache(rewritten, data), (program.text, fixed)


@st.composite
def commit_programs(draw) -> Program:
    rebound = draw(st.booleans())
    handling = draw(st.sampled_from(["none", "try_rollback", "begin"]))
    insert = 'conn.execute("INSERT INTO t (a, b) VALUES (?, ?)", (a, b))'
    body = ["    conn = conns[a % 2]"] if rebound else []
    if handling == "begin":
        body.append('    conn.execute("BEGIN")')
    if handling == "try_rollback":
        body += [
            "    try:",
            f"        {insert}",
            "    except sqlite3.IntegrityError:",
            "        conn.rollback()",
        ]
    else:
        body.append(f"    {insert}")
    body.append("    conn.commit()")
    text = (
        "import sqlite3\n\n\ndef save(conns, data):\n"
        + ("" if rebound else "    conn = conns[0]\n")
        + "    for a, b in data:\n"
        + "".join(f"    {line}\n" for line in body)
    )
    return Program(text, not rebound and handling == "none")


def _run_commit(space: dict, data, tmp_path, label: str) -> tuple:
    paths = [tmp_path / f"{label}{index}.db" for index in range(2)]
    conns = []
    for path in paths:
        if path.exists():
            path.unlink()
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE t (a, b, CHECK (b >= 0))")
        conn.commit()
        conns.append(conn)
    try:
        outcome: object = space["save"](conns, data)
    except Exception as exc:
        outcome = type(exc).__name__
    for conn in conns:
        conn.close()
    tables = []
    for path in paths:
        reader = sqlite3.connect(path)
        tables.append(reader.execute("SELECT a, b FROM t ORDER BY rowid").fetchall())
        reader.close()
    return outcome, tables


@settings(
    max_examples=max(10, EXAMPLES // 3),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(program=commit_programs(), data=data_lists)
def test_commit_after_loop_declines_what_would_change_behaviour(program, data, tmp_path):
    """Rebound receivers and per-item rollback / BEGIN: even ``--unsafe-fixes`` must not
    rewrite them (the plain case is the unsafe fix's documented change). ``conn`` is a
    parameter's item, known by its name: the name tier, on with ``--preview``."""
    item = fix_source(program.text, unsafe=True, settings=Settings(preview=True))
    moved = [d for d in item.applied if d.fix is not None and d.fix.kind == "commit-after-loop"]
    assert bool(moved) == program.inside, (program.text, item.fixed)
    if moved:
        return  # the unsafe fix's documented change: a failure keeps no rows
    original, rewritten = _compile(program.text), _compile(item.fixed)
    assert _run_commit(original, data, tmp_path, "o") == _run_commit(rewritten, data, tmp_path, "f")


# --- PostgreSQL ---------------------------------------------------------------------------


@st.composite
def postgres_programs(draw) -> tuple[str, Program]:
    driver = draw(st.sampled_from(["psycopg", "psycopg2"]))
    source = draw(st.sampled_from(["local_list", "parameter", "generator"]))
    params = draw(st.sampled_from(["names", "call"]))
    setup, iterable = {
        "local_list": (["rows = [(x, y) for x, y in data]"], "rows"),
        "parameter": ([], "data"),
        "generator": ([], "counted(cur, data)"),
    }[source]
    row = "(a, b)" if params == "names" else "(a, check(b))"
    body = [
        f"conn = {driver}.connect(dsn)",
        "cur = conn.cursor()",
        *setup,
        "for a, b in " + iterable + ":",
        f'    cur.execute("INSERT INTO {{table}} (a, b) VALUES (%s, %s)", {row})',
        "conn.commit()",
        "conn.close()",
    ]
    helpers = """
def check(value):
    if value < 0:
        raise ValueError(value)
    return value


def counted(cur, data):
    for a, b in data:
        cur.execute("SELECT count(*) FROM {table}")
        yield a, cur.fetchone()[0]
"""
    text = (
        f"import {driver}\n"
        + helpers
        + "\n\ndef save(dsn, data):\n"
        + "".join(f"    {line}\n" for line in body)
    )
    return driver, Program(text, source == "local_list" and params == "names")


@settings(
    max_examples=max(10, EXAMPLES // 2),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(generated=postgres_programs(), data=data_lists)
def test_executemany_and_execute_values_on_postgres_keep_behaviour(postgres_dsn, generated, data):
    """psycopg 3: the safe ``executemany`` fix; psycopg2: ``execute_values`` (unsafe,
    applied with ``--unsafe-fixes``) inside the preconditions only."""
    import psycopg

    driver, program = generated
    unsafe = driver == "psycopg2"
    item = fix_source(program.text, unsafe=unsafe and program.inside)
    if program.inside:
        wanted = "execute_values(" if driver == "psycopg2" else "executemany("
        assert wanted in item.fixed, program.text
    results = []
    for label, text in (("o", program.text), ("f", item.fixed)):
        table = f"t_{label}_{os.getpid()}"
        with psycopg.connect(postgres_dsn, autocommit=True) as admin:
            admin.execute(f"DROP TABLE IF EXISTS {table}")
            admin.execute(f"CREATE TABLE {table} (a int, b int CHECK (b < 11))")
        space = _compile(text.replace("{table}", table))
        try:
            outcome: object = space["save"](postgres_dsn, data)
        except Exception as exc:
            outcome = type(exc).__name__
        with psycopg.connect(postgres_dsn) as reader:
            rows = reader.execute(f"SELECT a, b FROM {table} ORDER BY a, b").fetchall()
        results.append((outcome, rows))
    assert results[0] == results[1], (program.text, item.fixed)
