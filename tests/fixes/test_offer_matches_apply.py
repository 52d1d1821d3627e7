"""A fix the lint path offers is a fix ``--fix`` makes: the summary's "fixable" count
equals what ``--diff --unsafe-fixes`` applies, and a fix the rewrite could not make is
declined at the offer, with its reason, not dropped in silence. Each case is a shape where
the two sides once disagreed (imports that would shadow a name, literals joined by
juxtaposition, a ``select(*columns)``, an ack's ``multiple`` given by position or
keyword, a loop that only opens and closes a file). Real source through the real
command."""

from __future__ import annotations

import re
import textwrap

import pytest

MODELS = """\
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    invoices: Mapped[list["Invoice"]] = relationship(back_populates="customer")


class Invoice(Base):
    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    customer: Mapped[Customer] = relationship(back_populates="invoices")
"""

BALANCES = """
def balances(session: Session):
    for customer in session.scalars(select(Customer)):
        print(len(customer.invoices))
"""

ACK_SETUP = """
PREFETCH = 20


def setup(channel):
    channel.basic_qos(prefetch_count=PREFETCH * 2)
"""

# name -> (source, extra options, a reason the offer must give when it declines, or "")
CASES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "selectinload-a-function-of-the-module": (
        MODELS
        + """
def selectinload(x):
    return x
"""
        + BALANCES,
        (),
        "the module cannot name SQLAlchemy's `selectinload`",
    ),
    "selectinload-a-parameter-elsewhere": (
        MODELS
        + """
def other(selectinload):
    return selectinload
"""
        + BALANCES,
        (),
        "the module cannot name SQLAlchemy's `selectinload`",
    ),
    "selectinload-module-alias-bound-again-in-a-function": (
        "import sqlalchemy.orm as orm\n"
        + MODELS
        + """
def balances(session: Session):
    for customer in session.scalars(select(Customer)):
        orm = "sqlite"
        print(orm, len(customer.invoices))
""",
        (),
        "",
    ),
    "selectinload-free": (
        MODELS + BALANCES,
        (),
        "",
    ),
    "select-of-starred-columns-inside": (
        MODELS
        + """
def balances(session: Session, cols):
    for customer in session.scalars(select(Customer).where(Customer.id.in_(select(*cols)))):
        print(len(customer.invoices))
""",
        (),
        "",
    ),
    "queue-and-Queue-both-taken": (
        """
from multiprocessing import Queue
from queue import SimpleQueue


def make():
    queue = SimpleQueue()
    return queue, Queue(4)
""",
        (),
        "the module cannot name `queue.Queue`",
    ),
    "sql-split-over-two-literals": (
        """
import psycopg2

conn = psycopg2.connect("dbname=shop")


def save(rows):
    cur = conn.cursor()
    for row in rows:
        cur.execute("INSERT INTO prices (sku, price) "
                    "VALUES (%s, %s)", (row["sku"], row["price"]))
""",
        (),
        "the SQL is split over several string literals",
    ),
    "execute-values-a-name-of-the-module": (
        """
from psycopg2 import connect

conn = connect("dbname=shop")


def execute_values(*args):
    return args


def save(rows):
    cur = conn.cursor()
    for row in rows:
        cur.execute("INSERT INTO prices (sku, price) VALUES (%s, %s)", (row[0], row[1]))
""",
        (),
        "`execute_values` is already a name in this module",
    ),
    "execute-values-through-the-imported-package": (
        """
import psycopg2

conn = psycopg2.connect("dbname=shop")


def execute_values(*args):
    return args


def save(rows):
    cur = conn.cursor()
    for row in rows:
        cur.execute("INSERT INTO prices (sku, price) VALUES (%s, %s)", (row[0], row[1]))
""",
        (),
        "",
    ),
    "ack-multiple-by-position": (
        """
def on_message(channel, method, properties, body):
    handle(body)
    channel.basic_ack(method.delivery_tag, False)
"""
        + ACK_SETUP,
        ("--preview",),
        "",
    ),
    "ack-multiple-by-keyword-only": (
        """
def on_message(channel, method, properties, body):
    handle(body)
    channel.basic_ack(delivery_tag=method.delivery_tag, multiple=False)
"""
        + ACK_SETUP,
        ("--preview",),
        "",
    ),
    "ack-sharing-its-line": (
        """
def on_message(channel, method, properties, body):
    channel.basic_ack(method.delivery_tag); handle(body)
"""
        + ACK_SETUP,
        ("--preview",),
        "",
    ),
    "executemany-on-a-psycopg3-connection": (
        """
import psycopg


def load(conn: psycopg.Connection, names):
    rows = list(names)
    with conn.transaction():
        for name in rows:
            conn.execute("INSERT INTO t (name) VALUES (%s)", (name,))
""",
        (),
        "a psycopg 3 connection has `execute()` but no `executemany()`",
    ),
    "execute-values-of-an-upsert": (
        """
import psycopg2


def upsert(keys):
    cur = psycopg2.connect("").cursor()
    rows = list(keys)
    for row in rows:
        cur.execute("INSERT INTO p (k) VALUES (%s) ON CONFLICT (k) DO UPDATE SET k = 0", row)
""",
        (),
        "an upsert (`ON CONFLICT ... DO UPDATE`)",
    ),
    "queue-bound-beside-a-put-that-never-waits": (
        """
import asyncio


class Collector:
    def __init__(self):
        self.events = asyncio.Queue()

    def on_event(self, event):
        self.events.put_nowait(event)
""",
        (),
        "this module puts without waiting (`put_nowait()`)",
    ),
    "executemany-over-a-conditional-iterable": (
        """
import sqlite3


def load(conn, a, b, flag):
    cur = conn.cursor()
    for name in a if flag else b:
        cur.execute("INSERT INTO t (name) VALUES (?)", (name,))


load(sqlite3.connect(":memory:"), [], [], True)
""",
        (),
        "",
    ),
    "hoist-open-with-a-break-before-the-close": (
        """
def log(rows, path):
    for row in rows:
        out = open(path, "a")
        out.write(row)
        if row == "END":
            break
        out.close()
""",
        ("--preview",),
        "a pass can end before `out.close()` (`break`)",
    ),
    "ack-beside-a-nack": (
        """
def on_message(channel, method, properties, body):
    try:
        handle(body)
    except ValueError:
        channel.basic_nack(delivery_tag=method.delivery_tag, requeue=False)
        return
    channel.basic_ack(delivery_tag=method.delivery_tag)
"""
        + ACK_SETUP,
        ("--preview",),
        "this module also refuses messages (`basic_nack()`)",
    ),
    "ack-on-its-if-line": (
        """
def on_message(channel, method, properties, body):
    if body: channel.basic_ack(method.delivery_tag)
"""
        + ACK_SETUP,
        ("--preview",),
        "",
    ),
    "ack-after-a-backslash": (
        """
def on_message(channel, method, properties, body):
    if body: \\
        channel.basic_ack(method.delivery_tag)
"""
        + ACK_SETUP,
        ("--preview",),
        "",
    ),
    "set-many-after-a-backslash-header": (
        """
from django.core.cache import cache


def remember(names):
    pairs = [(name, 1) for name in names]
    for key, value in pairs: \\
        cache.set(key, value)
""",
        (),
        "",
    ),
    "bulk-create-after-a-backslash-header": (
        """
from shop.models import Book


def import_titles(titles):
    for title in titles: \\
        Book.objects.create(title=title)
""",
        (),
        "",
    ),
    "a-loop-that-only-opens-and-closes": (
        """
def log(rows, path):
    for row in rows:
        out = open(path, "a")
        out.close()
""",
        ("--preview",),
        "",
    ),
}


def _offered(stdout: str) -> int:
    safe = re.search(r"(\d+) fixable with `--fix`", stdout)
    more = re.search(r"(\d+) more with `--unsafe-fixes`", stdout)
    only_unsafe = re.search(r"(\d+) fixable with `--unsafe-fixes`", stdout)
    return (
        (int(safe.group(1)) if safe else 0)
        + (int(more.group(1)) if more else 0)
        + (int(only_unsafe.group(1)) if only_unsafe else 0)
    )


@pytest.mark.parametrize("name", CASES)
def test_every_offered_fix_is_applied_or_declined_with_its_reason(run_cli, tmp_path, name):
    source, options, reason = CASES[name]
    (tmp_path / "mod.py").write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    base = ("mod.py", "--no-cache", "--isolated", *options)
    lint = run_cli(*base)
    assert "TL999" not in lint.stdout, lint.stdout
    diff = run_cli(*base, "--diff", "--unsafe-fixes", "-v")
    applied = re.search(r"Would fix (\d+) diagnostic", diff.stderr)
    assert applied is not None, diff.stderr
    assert int(applied.group(1)) == _offered(lint.stdout), (lint.stdout, diff.stderr)
    assert "fix not applied" not in diff.stderr, diff.stderr
    if reason:
        assert f"fix declined: {reason}" in diff.stderr, diff.stderr


# Near misses of the cases above: the same calls on lines of their own keep their fix.
OFFERED: dict[str, tuple[str, tuple[str, ...]]] = {
    "ack-in-a-with-block": (
        """
def on_message(channel, method, properties, body):
    with tracer.span("ack"):
        channel.basic_ack(method.delivery_tag)
"""
        + ACK_SETUP,
        ("--preview",),
    ),
    "executemany-on-a-psycopg3-cursor": (
        """
import psycopg


def load(conn: psycopg.Connection, names):
    rows = list(names)
    cur = conn.cursor()
    with conn.transaction():
        for name in rows:
            cur.execute("INSERT INTO t (name) VALUES (%s)", (name,))
""",
        (),
    ),
    "queue-bound-beside-a-put-that-waits": (
        """
import asyncio


class Collector:
    def __init__(self):
        self.events = asyncio.Queue()

    async def on_event(self, event):
        await self.events.put(event)
""",
        (),
    ),
    "hoist-open-with-a-break-after-the-close": (
        """
def log(rows, path):
    for row in rows:
        out = open(path, "a")
        out.write(row)
        out.close()
        if row == "END":
            break
""",
        ("--preview",),
    ),
    "bulk-create-after-a-header-split-in-brackets": (
        """
from shop.models import Book


def import_titles(titles):
    for title in (
        titles
    ):
        Book.objects.create(title=title)
""",
        (),
    ),
    "commit-after-a-header-continued-by-a-backslash": (
        """
import sqlite3


def save(conn: sqlite3.Connection, rows):
    for row in \\
            rows:
        conn.execute("INSERT INTO t VALUES (?)", row)
        conn.commit()
""",
        (),
    ),
}


@pytest.mark.parametrize("name", OFFERED)
def test_a_call_on_lines_of_its_own_keeps_its_fix(run_cli, tmp_path, name):
    source, options = OFFERED[name]
    (tmp_path / "mod.py").write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    base = ("mod.py", "--no-cache", "--isolated", *options)
    diff = run_cli(*base, "--diff", "--unsafe-fixes", "-v")
    applied = re.search(r"Would fix (\d+) diagnostic", diff.stderr)
    assert applied is not None and int(applied.group(1)) >= 1, diff.stderr
    assert "fix not applied" not in diff.stderr, diff.stderr
