"""A relation of a loaded relation (round 21, second probe helper p2, s7): rows that
load ``customer`` (``select_related("customer")``, ``selectinload(Address.user)``) and
read ``order.customer.region`` / ``a.user.team`` run a query per row for the second
hop. Near misses: the path loaded too (``customer__region``, a chained
``selectinload``), a plain column of the loaded row, and a first hop that is not loaded
(its own finding, one per access). Run through the real CLI."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

DJANGO_MODELS = """\
from django.db import models


class Region(models.Model):
    name = models.CharField(max_length=100)


class Customer(models.Model):
    name = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.CASCADE)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
"""

DJANGO_VIEWS = """\
from .models import Order


def by_region(request):
    rows = Order.objects.select_related("customer")
    return [(o.customer.name, o.customer.region.name) for o in rows]


def by_region_loaded(request):
    rows = Order.objects.select_related("customer__region")
    return [(o.customer.name, o.customer.region.name) for o in rows]


def names(request):
    return [o.customer.name for o in Order.objects.select_related("customer")]


def unloaded(request):
    return [o.customer.region.name for o in Order.objects.all()]
"""

SQLALCHEMY_MODELS = """\
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    team: Mapped["Team"] = relationship()


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    user: Mapped[User] = relationship()
"""

SQLALCHEMY_SERVICE = """\
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .models import Address, User


def teams(session: Session):
    stmt = select(Address).options(selectinload(Address.user))
    return [a.user.team.name for a in session.scalars(stmt)]


def teams_loaded(session: Session):
    stmt = select(Address).options(selectinload(Address.user).selectinload(User.team))
    return [a.user.team.name for a in session.scalars(stmt)]
"""


@pytest.fixture(scope="module")
def django_found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("hops"),
        {"shop/__init__.py": "", "shop/models.py": DJANGO_MODELS, "shop/views.py": DJANGO_VIEWS},
    )
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    return findings_by_function(report, DJANGO_VIEWS, "views.py")


@pytest.fixture(scope="module")
def sqlalchemy_found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("hops_sa"),
        {
            "app/__init__.py": "",
            "app/models.py": SQLALCHEMY_MODELS,
            "app/service.py": SQLALCHEMY_SERVICE,
        },
    )
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    return findings_by_function(report, SQLALCHEMY_SERVICE, "service.py")


def test_django_second_hop(django_found):
    diagnostic = django_found.get("by_region")
    assert diagnostic is not None
    assert "`o.customer.region`" in diagnostic["message"]
    assert 'select_related("customer__region")' in diagnostic["message"]


def test_django_first_hop_unloaded_is_its_own_finding(django_found):
    diagnostic = django_found.get("unloaded")
    assert diagnostic is not None
    assert "`o.customer` runs a query" in diagnostic["message"]


@pytest.mark.parametrize("function", ["by_region_loaded", "names"])
def test_django_near_miss(django_found, function):
    assert function not in django_found, django_found.get(function)


def test_sqlalchemy_second_hop(sqlalchemy_found):
    diagnostic = sqlalchemy_found.get("teams")
    assert diagnostic is not None
    assert "`a.user.team`" in diagnostic["message"]
    assert "selectinload(Address.user).selectinload(User.team)" in diagnostic["message"]


def test_sqlalchemy_path_loaded(sqlalchemy_found):
    assert "teams_loaded" not in sqlalchemy_found
