"""The safety facts of the loop fixes grow linearly with the function: a function with
``n`` fixable loops must not be walked once per loop. Counted as in
``tests/engine/test_loop_growth.py``: the function calls (Python and C) that linting
makes at sizes ``n`` and ``4n``, less those for no loop; quadratic work grows about 16x,
linear 4x."""

from __future__ import annotations

import pytest
from fix_support import fix_source
from support.call_counting import count_calls

from throughlint.engine import lint_text
from throughlint.settings import Settings

SHOW_ALL = Settings(show_all=True)


def executemany_loops(n: int) -> str:
    """``n`` loops, each a safe executemany fix (distinct targets, so each is offered)."""
    head = "import sqlite3\n\n\ndef run(conn: sqlite3.Connection):\n    pass\n"
    line = (
        "    rows{k} = [({k},)]\n    for r{k} in rows{k}:\n"
        "        conn.execute('INSERT INTO t VALUES (?)', r{k})\n"
    )
    return head + "".join(line.format(k=k) for k in range(n))


def set_many_loops(n: int) -> str:
    head = "from django.core.cache import cache\n\n\ndef warm():\n    pass\n"
    line = (
        "    items{k} = [('k{k}', {k})]\n    for key{k}, value{k} in items{k}:\n"
        "        cache.set(key{k}, value{k})\n"
    )
    return head + "".join(line.format(k=k) for k in range(n))


def _calls(text: str) -> tuple[int, list]:
    return count_calls(lambda: lint_text(text, path="generated.py"))


@pytest.mark.parametrize("shape", [executemany_loops, set_many_loops])
def test_fix_facts_grow_linearly_with_the_number_of_loops(shape):
    n = 40
    _calls(shape(n))  # imports and caches filled once, outside the counts
    empty, _ = _calls(shape(0))
    small, _ = _calls(shape(n))
    large, large_found = _calls(shape(4 * n))
    safe = [d for d in large_found if d.fix is not None and d.fix.safe]
    assert len(safe) == 4 * n, [d.fix for d in large_found][:3]  # the facts really ran
    growth = (large - empty) / (small - empty)
    assert growth <= 5, f"{small - empty:,} calls for n={n}, {large - empty:,} for 4n"


def deep_argument(depth: int) -> str:
    """One fixable loop whose per-item value nests ``depth`` unary minuses: every level
    can raise, and the fix's parameter facts used to print the whole value per level."""
    value = "-" * depth + "(row)"
    return (
        "from shop.models import Book\n\n\ndef import_books(rows):\n"
        f"    for row in rows:\n        Book.objects.create(title={value})\n"
    )


def test_parameter_facts_grow_linearly_with_the_nesting_of_a_value():
    n = 50
    _calls(deep_argument(n))
    empty, _ = _calls(deep_argument(0))
    small, _ = _calls(deep_argument(n))
    large, found = _calls(deep_argument(4 * n))
    fixes = [d.fix for d in found if d.fix is not None]
    assert fixes and not fixes[0].safe  # the facts ran, and an operator can raise
    growth = (large - empty) / (small - empty)
    assert growth <= 5, f"{small - empty:,} calls for depth {n}, {large - empty:,} for 4n"


def eager_load_functions(n: int) -> str:
    """``n`` functions, each a safe SQLAlchemy eager-load fix: every fix asks how the file
    spells ``selectinload``, which cost a code generation and a parse of the whole file
    per fix (800 fixes took 51 s)."""
    head = (
        "from sqlalchemy import ForeignKey, select\n"
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship\n\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n\n"
        "class User(Base):\n    __tablename__ = 'users'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    addresses: Mapped[list['Address']] = relationship()\n\n\n"
        "class Address(Base):\n    __tablename__ = 'addresses'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    user_id: Mapped[int] = mapped_column(ForeignKey('users.id'))\n"
    )
    function = (
        "\n\ndef report{k}(session):\n"
        "    for user in session.scalars(select(User)):\n        print(user.addresses)\n"
    )
    return head + "".join(function.format(k=k) for k in range(n))


def test_applying_eager_load_fixes_grows_linearly_with_their_number():
    n = 20
    fix_source(eager_load_functions(n), settings=SHOW_ALL)  # imports and caches filled once
    empty, _ = count_calls(lambda: fix_source(eager_load_functions(0), settings=SHOW_ALL))
    small, _ = count_calls(lambda: fix_source(eager_load_functions(n), settings=SHOW_ALL))
    large, fixed = count_calls(lambda: fix_source(eager_load_functions(4 * n), settings=SHOW_ALL))
    assert fixed.fixed.count("selectinload(User.addresses)") == 4 * n, fixed.fixed[-300:]
    growth = (large - empty) / (small - empty)
    assert growth <= 5, f"{small - empty:,} calls for n={n}, {large - empty:,} for 4n"
