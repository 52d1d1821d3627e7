"""A model's method or property that reads a lazy relation on ``self``, called for each
row of a query, runs that relation's query per row (``ProjectIndex.relations_read``):
``[o.customer_name for o in Order.objects.all()]`` with ``customer_name`` a property
returning ``self.customer.name``. The query's own ``select_related`` / ``prefetch_related``
/ ``selectinload`` loads it; a plain field, a ``customer_id``, a method the related
manager does not have, a property's setter, and a user's own class stay clean."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

MODELS = """\
from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=10)
    region = models.CharField(max_length=10)

    def order_count(self):
        return self.orders.count()

    @property
    def last_order(self):
        return self.orders.order_by("-id").first()

    def shout(self):
        return self.region.upper()


class Tag(models.Model):
    name = models.CharField(max_length=10)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="orders")
    tags = models.ManyToManyField(Tag)
    total = models.IntegerField()

    @property
    def customer_name(self):
        return self.customer.name

    def label(self):
        return f"{self.customer_name}: {self.total}"

    def owner_id(self):
        return self.customer_id

    def tag_names(self):
        return self.tags.names()

    @property
    def rank(self):
        return self.total

    @rank.setter
    def rank(self, value):
        self.total = value + self.customer.orders.count()
"""

VIEWS = """\
from shop.models import Customer, Order


def names():
    return [o.customer_name for o in Order.objects.all()]


def labels():
    return [o.label() for o in Order.objects.filter(total__gt=0)]


def counts():
    return {c.name: c.order_count() for c in Customer.objects.all()}


def lasts():
    return {c.name: c.last_order for c in Customer.objects.all()}


def labels_joined():
    return [o.label() for o in Order.objects.select_related("customer")]


def counts_prefetched():
    return {c.name: c.order_count() for c in Customer.objects.prefetch_related("orders")}


def owners():
    return [o.owner_id() for o in Order.objects.all()]


def shouts():
    return [c.shout() for c in Customer.objects.all()]


def tag_names():
    return [o.tag_names() for o in Order.objects.all()]


def ranks():
    return [o.rank for o in Order.objects.all()]
"""

ALCHEMY = """\
from sqlalchemy import ForeignKey, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from sqlalchemy.orm import selectinload


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Book(Base):
    __tablename__ = "book"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id"))
    author: Mapped[Author] = relationship()

    def byline(self):
        return f"by {self.author.name}"


def bylines(session: Session):
    return [b.byline() for b in session.scalars(select(Book))]


def bylines_loaded(session: Session):
    rows = session.scalars(select(Book).options(selectinload(Book.author)))
    return [b.byline() for b in rows]
"""


def test_members_that_read_lazy_relations_per_row(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {"shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": VIEWS},
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL101")
    found = findings_by_function(report, VIEWS, "views.py")
    assert sorted(found) == ["counts", "labels", "lasts", "names"]
    assert found["names"]["message"].startswith(
        "`o.customer_name` reads `self.customer` (shop.models, line 30)"
    )
    assert 'select_related("customer")' in found["labels"]["message"]
    assert "`self.orders.count()`" in found["counts"]["message"]


def test_a_sqlalchemy_models_method_reading_a_lazy_relationship(run_cli, tmp_path):
    root = write_project(tmp_path, {"lib/__init__.py": "", "lib/books.py": ALCHEMY})
    report = lint_json(run_cli, root, "--show-all", "--select", "TL101")
    found = findings_by_function(report, ALCHEMY, "books.py")
    assert sorted(found) == ["bylines"]
    assert "`self.author`" in found["bylines"]["message"]


OWN = """\
class Customer:
    def __init__(self, name):
        self.name = name


class Order:
    def __init__(self, customer):
        self.customer = customer

    @property
    def customer_name(self):
        return self.customer.name


def names(orders):
    return [o.customer_name for o in orders]
"""


def test_a_users_own_classes_with_the_same_names_stay_clean(run_cli, tmp_path):
    root = write_project(tmp_path, {"plain/__init__.py": "", "plain/orders.py": OWN})
    report = lint_json(run_cli, root, "--show-all")
    assert report["diagnostics"] == []
