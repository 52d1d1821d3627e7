"""Flask-SQLAlchemy's query property and the sessions a project's factory makes.

``User.query.get(pk)`` and ``Order.query.filter_by(...).first()`` run a statement on
every call; ``for o in Order.query.all(): o.customer`` lazy-loads per row, with the
models in another module (``class Order(db.Model)``, ``db.relationship(...)``, ``db =
SQLAlchemy()`` in a third). The index confirms the class is a SQLAlchemy model, so a
user's own ``db`` object with a ``Model``, a ``relationship`` and a ``query`` stays
clean. ``s.scalars(...)`` and ``s.get(User, pk)`` on a session from a project's
``scoped_session`` / ``async_sessionmaker`` are queries too (only ``s.query()`` was);
a result's own ``scalar()`` hides no ``execute()`` of a SELECT (an alembic migration's
``conn.execute(...).scalar()``)."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

EXT = """\
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import scoped_session, sessionmaker

db = SQLAlchemy()
Session = scoped_session(sessionmaker(bind=create_engine("sqlite://")))
AsyncSession = async_sessionmaker(create_async_engine("sqlite+aiosqlite://"))
"""

MODELS = """\
from shop.ext import db


class Customer(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    orders = db.relationship("Order", back_populates="customer")


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    customer_id = db.Column(db.ForeignKey("customer.id"))
    customer = db.relationship("Customer", back_populates="orders")
"""

VIEWS = """\
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.ext import AsyncSession, Session, db
from shop.models import Customer, Order


def order_names():
    return [o.customer.name for o in Order.query.filter_by(customer_id=1).all()]


def order_names_joined():
    rows = Order.query.options(db.joinedload(Order.customer)).all()
    return [o.customer.name for o in rows]


def order_counts():
    return {c.id: len(c.orders) for c in Customer.query.options(selectinload(Customer.orders))}


def customers_by_id(ids):
    return [Customer.query.get(i) for i in ids]


def first_orders(customers):
    found = []
    for customer in customers:
        found.append(Order.query.filter_by(customer_id=customer.id).first())
    return found


def one_customer(pk):
    return Customer.query.get_or_404(pk)


def by_scalars(ids):
    with Session() as s:
        for i in ids:
            s.scalars(select(Customer).where(Customer.id == i)).one()


def by_get(ids):
    s = Session()
    return [s.get(Customer, i) for i in ids]


async def by_async_get(ids):
    async with AsyncSession() as s:
        for i in ids:
            await s.get(Customer, i)


def from_dict(mapping, keys):
    return [mapping.get(Customer, k) for k in keys]


def counted(conn, names):
    for name in names:
        conn.execute("SELECT count(*) FROM customer WHERE name = %s", (name,)).scalar()
"""

FLAGGED = [
    "by_async_get",
    "by_get",
    "by_scalars",
    "counted",
    "customers_by_id",
    "first_orders",
    "order_names",
]

OWN_ORM = """\
class Database:
    Model = object

    def relationship(self, target):
        return []


db = Database()
"""

OWN_MODELS = """\
from shop.orm import db


class Item(db.Model):
    query = None
    parts = db.relationship("Part")


def part_counts():
    return [len(item.parts) for item in Item.query.all()]


def items_by_key(keys):
    return [Item.query.get(k) for k in keys]


def drop_items(keys):
    for k in keys:
        Item.query.filter_by(key=k).delete()
"""

# ``Model.query.filter_by(...).delete()`` / ``.update({...})``: one DELETE / UPDATE each
WRITES = """\
from shop.models import Order


def drop_orders(ids):
    for pk in ids:
        Order.query.filter_by(id=pk).delete()


def retag_orders(ids):
    for pk in ids:
        Order.query.filter_by(id=pk).update({"customer_id": None})


def drop_all_at_once(ids):
    Order.query.filter(Order.id.in_(ids)).delete()
"""


def test_the_query_property_s_bulk_statements(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/ext.py": EXT,
            "shop/models.py": MODELS,
            "shop/writes.py": WRITES,
        },
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL101,TL102")
    found = findings_by_function(report, WRITES, "writes.py")
    assert sorted(found) == ["drop_orders", "retag_orders"]
    assert "runs a DELETE on every pass" in found["drop_orders"]["message"]
    assert "runs an UPDATE on every pass" in found["retag_orders"]["message"]


def test_the_query_property_and_factory_sessions(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/ext.py": EXT,
            "shop/models.py": MODELS,
            "shop/views.py": VIEWS,
        },
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL101")
    found = findings_by_function(report, VIEWS, "views.py")
    assert sorted(found) == FLAGGED
    assert "lazy-loads" in found["order_names"]["message"]


def test_a_users_own_db_object_is_no_sqlalchemy(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {"shop/__init__.py": "", "shop/orm.py": OWN_ORM, "shop/models.py": OWN_MODELS},
    )
    report = lint_json(run_cli, root, "--show-all")
    assert report["diagnostics"] == []
