"""The commit fix when the same commit already follows the loop (``commit-after-loop:drop``):
the commit in the loop is dropped instead of moved, so no second, empty commit is written
after the loop. Proven on real sqlite3 files: the golden case's original and fixed
``save`` run on the same rows and leave the same table and return value, except for the
unsafe fix's documented change (a failing row: the original keeps the rows before it,
the fixed program none)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

GOLDEN = Path(__file__).parent / "golden"


def _save(kind: str):
    space: dict = {}
    text = (GOLDEN / f"commit_after_loop_followed.{kind}").read_text(encoding="utf-8")
    exec(compile(text, f"commit_after_loop_followed.{kind}", "exec"), space)
    return space["save"]


ORIGINAL, FIXED = _save("before"), _save("after")


def _run(save, rows: list[int], path: Path) -> tuple[object, list]:
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (a, CHECK (a >= 0))")
    conn.commit()
    try:
        outcome: object = save(conn, rows)
    except sqlite3.IntegrityError as exc:
        outcome = type(exc).__name__
    conn.close()
    reader = sqlite3.connect(path)
    table = reader.execute("SELECT a FROM t ORDER BY rowid").fetchall()
    reader.close()
    return outcome, table


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.integers(min_value=-2, max_value=5), max_size=8))
def test_dropping_the_commit_in_the_loop_keeps_behaviour(rows, tmp_path):
    original = _run(ORIGINAL, rows, tmp_path / "original.db")
    fixed = _run(FIXED, rows, tmp_path / "fixed.db")
    if all(row >= 0 for row in rows):
        assert fixed == original
    else:  # the unsafe fix's documented change: a failure keeps no rows of this call
        assert fixed == ("IntegrityError", [])
        assert original[0] == "IntegrityError"
