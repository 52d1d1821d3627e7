"""TL102's advice for SQLAlchemy matches the statement's verb (issue 15, item 3): an
UPDATE per item is told about ``execute(update(...), [...])``, a DELETE about one
``delete().where(col.in_(...))``, only an INSERT about ``execute(insert(table), [...])``.
The messages come from the real CLI; the advised forms run on real SQLAlchemy + sqlite3,
each as one statement or one executemany."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    create_engine,
    delete,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

PER_ITEM = """\
from sqlalchemy import delete, insert, text, update
from sqlalchemy.orm import Session

from shop.models import Order


def ship(session: Session, ids):
    for oid in ids:
        session.execute(update(Order).where(Order.id == oid).values(status="shipped"))


def drop(session: Session, ids):
    for oid in ids:
        session.execute(delete(Order).where(Order.id == oid))


def add(session: Session, rows):
    for row in rows:
        session.execute(insert(Order).values(**row))


def raw_update(session: Session, ids):
    for oid in ids:
        session.execute(text("UPDATE orders SET status = 'x' WHERE id = :id"), {"id": oid})


def raw_delete(session: Session, ids):
    for oid in ids:
        session.execute(text("DELETE FROM orders WHERE id = :id"), {"id": oid})


def raw_insert(session: Session, rows):
    for row in rows:
        session.execute(text("INSERT INTO orders (status) VALUES (:status)"), row)
"""


def _messages(run_cli, tmp_path) -> dict[str, str]:
    """The TL102 message for each function of PER_ITEM, by function name."""
    (tmp_path / "orders.py").write_text(PER_ITEM)
    completed = run_cli("--no-cache", "--format", "json", "--select", "TL102", "orders.py")
    assert "Traceback" not in completed.stderr, completed.stderr
    lines = PER_ITEM.splitlines()
    found = {}
    for item in json.loads(completed.stdout)["diagnostics"]:
        above = [line for line in lines[: item["line"]] if line.startswith("def ")]
        found[above[-1][4:].split("(")[0]] = item["message"]
    return found


def test_advice_matches_the_verb(run_cli, tmp_path):
    messages = _messages(run_cli, tmp_path)
    assert set(messages) == {"ship", "drop", "add", "raw_update", "raw_delete", "raw_insert"}
    # an UPDATE: one call with a list of rows, never an insert
    assert "insert" not in messages["ship"]
    assert (
        "`execute(update(Model), [dict, ...])` (bulk UPDATE by primary key)" in (messages["ship"])
    )
    assert 'bindparam("b_id")' in messages["ship"]
    # a DELETE: one statement with IN
    assert "insert" not in messages["drop"]
    assert "`execute(delete(table).where(table.c.id.in_(ids)))`" in messages["drop"]
    # an INSERT: the list form of insert()
    assert "`execute(insert(table), [dict, ...])`" in messages["add"]
    # text(): the same verbs, in SQL
    assert "insert" not in messages["raw_update"].split("runs")[1].lower()
    assert "`execute(text(...), [params, ...])` (executemany)" in messages["raw_update"]
    assert "`DELETE ... WHERE id IN :ids`" in messages["raw_delete"]
    assert 'bindparam("ids", expanding=True)' in messages["raw_delete"]
    assert "`execute(text(...), [params, ...])`" in messages["raw_insert"]


# --- the advised forms are real: one statement, or one executemany -----------------


class Base(DeclarativeBase):
    pass


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(20))


@pytest.fixture
def engine():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([Order(id=i, status="new") for i in range(1, 11)])
        session.commit()
    calls: list[tuple[str, bool]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany):
        calls.append((statement.split()[0].upper(), executemany))

    engine.calls = calls  # type: ignore[attr-defined]
    return engine


def _statuses(engine) -> dict[int, str]:
    with Session(engine) as session:
        return dict(session.execute(select(Order.id, Order.status)).all())


def test_bulk_update_by_primary_key_is_one_executemany(engine):
    with Session(engine) as session:
        session.execute(update(Order), [{"id": i, "status": "shipped"} for i in (2, 4, 6)])
        session.commit()
    assert engine.calls == [("UPDATE", True)]
    assert [i for i, status in _statuses(engine).items() if status == "shipped"] == [2, 4, 6]


def test_core_update_with_bindparam_is_one_executemany(engine):
    table = Table("orders", MetaData(), Column("id", Integer), Column("status", String))
    statement = (
        update(table).where(table.c.id == bindparam("b_id")).values(status=bindparam("b_status"))
    )
    with engine.begin() as conn:
        conn.execute(statement, [{"b_id": i, "b_status": "paid"} for i in (1, 3)])
    assert engine.calls == [("UPDATE", True)]
    assert [i for i, status in _statuses(engine).items() if status == "paid"] == [1, 3]


def test_delete_with_in_is_one_statement(engine):
    with engine.begin() as conn:
        conn.execute(delete(Order).where(Order.id.in_([1, 2, 3])))
        conn.execute(
            text("DELETE FROM orders WHERE id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": [4, 5]},
        )
    assert engine.calls == [("DELETE", False), ("DELETE", False)]
    assert sorted(_statuses(engine)) == [6, 7, 8, 9, 10]


def test_insert_and_text_with_a_list_are_one_call(engine):
    with engine.begin() as conn:
        conn.execute(insert(Order), [{"id": 20 + i, "status": "new"} for i in range(3)])
        conn.execute(
            text("UPDATE orders SET status = 'x' WHERE id = :id"), [{"id": 20}, {"id": 21}]
        )
    assert [verb for verb, _ in engine.calls] == ["INSERT", "UPDATE"]
    assert engine.calls[1] == ("UPDATE", True)
    assert _statuses(engine)[21] == "x"


PYMYSQL = """\
import pymysql


def bump(ids):
    conn = pymysql.connect(host="db")
    cur = conn.cursor()
    for oid in ids:
        cur.execute("UPDATE orders SET n = n + 1 WHERE id = %s", (oid,))
    for oid in ids:
        cur.execute("INSERT INTO seen (id) VALUES (%s)", (oid,))
    for oid in ids:
        cur.execute("DELETE FROM seen WHERE id = %s", (oid,))
"""


def test_pymysql_multi_row_advice_only_for_insert(run_cli, tmp_path):
    """PyMySQL's ``executemany()`` rewrites only INSERT / REPLACE into one multi-row
    statement; an UPDATE or DELETE it still sends row by row."""
    (tmp_path / "bump.py").write_text(PYMYSQL)
    completed = run_cli("--no-cache", "--format", "json", "--select", "TL102", "bump.py")
    messages = {d["line"]: d["message"] for d in json.loads(completed.stdout)["diagnostics"]}
    assert set(messages) == {8, 10, 12}
    assert "multi-row INSERT" in messages[10]
    assert "`UPDATE ... WHERE id IN (...)`" in messages[8] and "INSERT" not in messages[8]
    assert "`DELETE ... WHERE id IN (...)`" in messages[12] and "INSERT" not in messages[12]
