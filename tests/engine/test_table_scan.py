"""A cold loop is shown only when it walks a whole table (issue 17, item 3), decided on
the query's steps (``semantic/table_scan.py``), not on the text of the loop's subject:
a filter bound to a name, or past the 40 characters a message quotes, still narrows; a
model whose name holds ``limit`` or ``ids`` does not."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from support.cli_projects import lint_json

MODELS = """\
from django.db import models


class Ticket(models.Model):
    title = models.CharField(max_length=20)
    status = models.IntegerField()


class RateLimit(models.Model):
    hits = models.IntegerField()


class Order(models.Model):
    status = models.IntegerField()


class Line(models.Model):
    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    price = models.IntegerField()
"""

DJANGO_COMMAND = """\
from django.core.management.base import BaseCommand

from shop.models import Line, Order, RateLimit, Ticket


class Command(BaseCommand):
    def handle(self, *args, **options):
        {setup}
        for row in {iterable}:
            row.status = 2
            row.save()
"""

SQL_COMMAND = """\
import sqlite3

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    def handle(self, *args, **options):
        conn = sqlite3.connect("app.db")
        for (row_id,) in conn.execute({sql!r}).fetchall():
            conn.execute("UPDATE ticket SET seen = 1 WHERE id = ?", (row_id,))
"""

COMMAND = "shop/management/commands/sweep.py"


def _shown(run_cli, root: Path, command: str) -> bool:
    for name, text in {"shop/__init__.py": "", "shop/models.py": MODELS, COMMAND: command}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    document = lint_json(run_cli, root)
    return any(d["path"] == COMMAND for d in document["diagnostics"])


@pytest.mark.parametrize(
    ("setup", "iterable"),
    [
        ("pass", "Ticket.objects.all()"),
        ("pass", "Ticket.objects.all().iterator()"),
        ("rows = Ticket.objects.all()", "rows.iterator()"),
        ("rows = Ticket.objects.order_by('id')", "rows"),
        # the text holds "limit" and "ids": still every row
        ("pass", "RateLimit.objects.all()"),
        ("ids = RateLimit.objects.all()", "ids"),
    ],
    ids=["all", "iterator", "through-a-name", "ordered-name", "limit-in-name", "named-ids"],
)
def test_a_cold_walk_over_every_row_is_shown(run_cli, tmp_path, setup, iterable):
    command = DJANGO_COMMAND.format(setup=setup, iterable=iterable)
    assert _shown(run_cli, tmp_path, command)


@pytest.mark.parametrize(
    ("setup", "iterable"),
    [
        ("pass", "Ticket.objects.filter(status=1)"),
        # narrowed where it was bound, then iterated by name
        ("tickets = Ticket.objects.filter(status=1)", "tickets"),
        ("tickets = Ticket.objects.exclude(status=1)", "tickets.iterator()"),
        # the filter comes past the 40 characters the message quotes
        ("pass", "Ticket.objects.select_related('x').only('title').filter(status=1)"),
        ("pass", "Ticket.objects.all()[:100]"),
        # a custom manager method: whether it filters is not known here
        ("pass", "Ticket.objects.stale()"),
        # a relation of one object: its own rows, not the table
        ("order = Order.objects.get(pk=1)", "order.lines.all()"),
    ],
    ids=[
        "filter",
        "filter-by-name",
        "exclude-by-name",
        "long-chain",
        "slice",
        "manager-method",
        "relation-of-one-object",
    ],
)
def test_a_cold_walk_over_some_rows_is_held_back(run_cli, tmp_path, setup, iterable):
    command = DJANGO_COMMAND.format(setup=setup, iterable=iterable)
    assert not _shown(run_cli, tmp_path, command)


@pytest.mark.parametrize(
    ("sql", "shown"),
    [
        ("SELECT id FROM ticket", True),
        ("SELECT id FROM ticket WHERE status = 1", False),
        ("SELECT id FROM ticket LIMIT 100", False),
    ],
    ids=["every-row", "where", "limit"],
)
def test_raw_sql_is_read_for_its_where_and_limit(run_cli, tmp_path, sql, shown):
    assert _shown(run_cli, tmp_path, SQL_COMMAND.format(sql=sql)) is shown


SHADOWED_SELECT = """\
from django.core.management.base import BaseCommand
from sqlalchemy.orm import Session

from shop.query import select
from shop.tables import Ticket, engine


class Command(BaseCommand):
    def handle(self, *args, **options):
        with Session(engine) as session:
            for ticket in session.scalars({statement}):
                ticket.status = 2
                session.commit()
"""


@pytest.mark.parametrize(
    ("statement", "shown"),
    [("sa.select(Ticket)", True), ("select(Ticket)", False)],
    ids=["sqlalchemy-select", "own-select"],
)
def test_only_sqlalchemys_select_is_a_whole_table(run_cli, tmp_path, statement, shown):
    """Shadowing: a project function called ``select`` (it may add a ``where``) is not
    SQLAlchemy's statement over every row."""
    tables = """\
    import sqlalchemy as sa
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

    engine = sa.create_engine("sqlite://")


    class Base(DeclarativeBase):
        pass


    class Ticket(Base):
        __tablename__ = "ticket"
        id: Mapped[int] = mapped_column(primary_key=True)
        status: Mapped[int]
    """
    own = "def select(model):\n    return model.pending_statement()\n"
    command = SHADOWED_SELECT.format(statement=statement)
    if statement.startswith("sa."):
        command = "import sqlalchemy as sa\n" + command
    files = {"shop/tables.py": textwrap.dedent(tables), "shop/query.py": own}
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert _shown(run_cli, tmp_path, command) is shown
