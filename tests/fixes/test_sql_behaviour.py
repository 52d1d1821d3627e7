"""The SQL fixes keep behaviour: run each golden case's original and fixed functions on a
real sqlite3 database with the same input and compare every table, also when a row
fails half-way."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from fix_support import fix_source
from hypothesis import given, settings
from hypothesis import strategies as st

GOLDEN = Path(__file__).parent / "golden"
SCHEMA = """
CREATE TABLE books (title TEXT UNIQUE, pages INTEGER);
CREATE TABLE t (a UNIQUE, b);
INSERT INTO books VALUES ('kept', 1), ('  spaced  ', 2);
"""


def _functions(case: str) -> tuple[dict, dict]:
    before = (GOLDEN / f"{case}.before").read_text()
    after = fix_source(before, unsafe=True).fixed
    assert after == (GOLDEN / f"{case}.after").read_text()
    spaces: list[dict] = [{}, {}]
    for text, space in zip((before, after), spaces, strict=True):
        exec(compile(text, f"{case}.py", "exec"), space)
    return spaces[0], spaces[1]


def _run(space: dict, name: str, argument) -> tuple[object, dict]:
    conn = sqlite3.connect(":memory:")
    conn.executescript(SCHEMA)
    try:
        outcome: object = space[name](conn, argument)
    except (sqlite3.Error, OverflowError) as exc:
        outcome = type(exc).__name__
    tables = {
        table: conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
        for table in ("books", "t")
    }
    conn.close()
    return outcome, tables


titles = st.text(alphabet="ab é", max_size=4)
CASES = [
    (
        "executemany",
        "save",
        st.lists(st.fixed_dictionaries({"title": titles, "pages": st.integers()})),
    ),
    ("executemany", "save_pairs", st.lists(st.tuples(titles, st.integers(-5, 5)))),
    (
        "executemany_inline",
        "load",
        st.lists(
            st.fixed_dictionaries(
                {
                    "title": st.sampled_from(["kept", "spaced", "  kept ", "x"]),
                    "pages": st.integers(0, 9).map(str),
                }
            )
        ),
    ),
    ("commit_after_loop", "save", st.lists(st.one_of(st.none(), st.integers(0, 3)))),
    ("commit_then_executemany", "save", st.lists(st.tuples(st.integers(0, 4), st.integers()))),
]


@pytest.mark.parametrize(("case", "function", "inputs"), CASES, ids=lambda v: str(v)[:30])
def test_original_and_fixed_leave_the_same_tables(case, function, inputs):
    original, fixed = _functions(case)

    @settings(max_examples=25, deadline=None)
    @given(inputs)
    def check(argument):
        assert _run(original, function, argument) == _run(fixed, function, argument)

    check()


def test_a_failing_row_fails_the_same_way():
    original, fixed = _functions("executemany")
    rows = [("a", 1), ("b", 2), ("a", 3), ("c", 4)]  # the second "a" breaks UNIQUE
    before = _run(original, "save_pairs", rows)
    assert before[0] == "IntegrityError"
    assert before == _run(fixed, "save_pairs", rows)
