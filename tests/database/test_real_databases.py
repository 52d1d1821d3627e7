# ruff: noqa: E501 - the sources under test are kept as written
"""The patterns the rules flag really issue one statement per item, and the ones they
leave clean do not: the same source is linted and then run against real sqlite3 and a
real SQLAlchemy engine, counting statements."""

from __future__ import annotations

import sqlite3
import sys
import textwrap
import types

from throughlint.engine import lint_text
from throughlint.rules import rule_by_code

RULES = [rule_by_code(code) for code in ("TL101", "TL102", "TL103")]

SQLITE = textwrap.dedent(
    """
    import sqlite3

    def names_slow(conn: sqlite3.Connection, ids):
        return [conn.execute("SELECT name FROM users WHERE id = ?", (i,)).fetchone()[0] for i in ids]

    def names_fast(conn: sqlite3.Connection, ids):
        marks = ",".join("?" * len(ids))
        rows = conn.execute(f"SELECT id, name FROM users WHERE id IN ({marks})", ids).fetchall()
        by_id = dict(rows)
        return [by_id[i] for i in ids]

    def pages(conn: sqlite3.Connection):
        last, seen = 0, []
        while True:
            rows = conn.execute("SELECT id FROM users WHERE id > ? ORDER BY id LIMIT 40", (last,)).fetchall()
            if not rows:
                return seen
            seen += rows
            last = rows[-1][0]
    """
)


def test_sqlite_n_plus_one_is_flagged_and_real():
    findings = lint_text(SQLITE, "sqlite_case.py", rules=RULES)
    assert [(d.code, d.span.line) for d in findings] == [("TL101", 5)]

    namespace: dict = {}
    exec(compile(SQLITE, "sqlite_case.py", "exec"), namespace)
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
    conn.executemany("INSERT INTO users VALUES (?, ?)", [(i, f"u{i}") for i in range(1, 101)])
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    ids = list(range(1, 101))
    assert namespace["names_slow"](conn, ids) == namespace["names_fast"](conn, ids)
    slow = [s for s in statements if "WHERE id = " in s]
    fast = [s for s in statements if " IN (" in s]
    assert (len(slow), len(fast)) == (100, 1)
    statements.clear()
    assert len(namespace["pages"](conn)) == 100
    assert len(statements) == 4  # 100 rows in pages of 40: a query per page, not per row


SQLALCHEMY = textwrap.dedent(
    """
    from sqlalchemy import ForeignKey, select
    from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, selectinload

    class Base(DeclarativeBase):
        pass

    class User(Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(primary_key=True)
        addresses: Mapped[list["Address"]] = relationship(back_populates="user")

    class Address(Base):
        __tablename__ = "addresses"
        id: Mapped[int] = mapped_column(primary_key=True)
        user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
        user: Mapped[User] = relationship(back_populates="addresses", lazy="joined")

    def counts_slow(session: Session):
        return [len(user.addresses) for user in session.scalars(select(User))]

    def counts_fast(session: Session):
        stmt = select(User).options(selectinload(User.addresses))
        return [len(user.addresses) for user in session.scalars(stmt)]

    def owners(session: Session):
        return [address.user.id for address in session.scalars(select(Address))]
    """
)


def test_sqlalchemy_lazy_relationship_is_flagged_and_real():
    from sqlalchemy import create_engine, event
    from sqlalchemy.orm import Session

    findings = lint_text(SQLALCHEMY, "sqlalchemy_case.py", rules=RULES)
    assert [(d.code, d.span.line) for d in findings] == [("TL101", 20)]

    module = types.ModuleType("sqlalchemy_case")
    sys.modules["sqlalchemy_case"] = module
    try:
        exec(compile(SQLALCHEMY, "sqlalchemy_case.py", "exec"), module.__dict__)
    finally:
        del sys.modules["sqlalchemy_case"]
    namespace = module.__dict__
    engine = create_engine("sqlite://")
    namespace["Base"].metadata.create_all(engine)
    with Session(engine) as session:
        for n in range(30):
            session.add(namespace["User"](addresses=[namespace["Address"]() for _ in range(n % 3)]))
        session.commit()
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))

    def count(function) -> int:
        statements.clear()
        with Session(engine) as session:
            function(session)
        return len(statements)

    assert count(namespace["counts_slow"]) == 31  # 1 + N
    assert count(namespace["counts_fast"]) == 2
    assert count(namespace["owners"]) == 1  # lazy="joined": loaded with the rows
