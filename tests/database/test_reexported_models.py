"""Model classes imported through the package that re-exports them: ``from app.models
import Order``, where ``app/models/__init__.py`` says ``from .order import Order``. The
project index keeps a package's re-exports in every run (not only when the blocking-call
rules run), and looks classes up through them: relations, model methods, the entity a
``query()`` names. Near misses: the relation loaded with the query, a plain class of the
same name re-exported by another module, a re-export cycle, and a name a package binds
to something else than the class. Run through the real CLI."""

from __future__ import annotations

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

DJANGO_ORDER = """\
from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=10)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)

    def label(self):
        return self.customer.name
"""

DJANGO_VIEWS = """\
from shop.models import Order
from shop.plain import Order as PlainOrder
from shop.loop_a import Thing


def names(request):
    return [o.customer.name for o in Order.objects.all()]


def labels(request):
    return [o.label() for o in Order.objects.filter(id__gt=1)]


def loaded(request):
    return [o.customer.name for o in Order.objects.select_related("customer")]


def plain(rows: list[PlainOrder]):
    return [o.customer.name for o in rows]


def cycle(rows: list[Thing]):
    return [t.customer.name for t in rows]
"""

PLAIN = """\
from shop.helpers import Order  # a plain class of the same name
"""

HELPERS = """\
class Order:
    def __init__(self, customer):
        self.customer = customer
"""

SQLALCHEMY_USER = """\
from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import relationship

from .base import Base


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)


class Address(Base):
    __tablename__ = "addresses"
    id = Column(Integer, primary_key=True)
    user_id = Column(ForeignKey("users.id"))
    user = relationship("User")
"""

STORE = """\
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.models import Address, User


class Store:
    def __init__(self, maker):
        self.db = maker()

    def prune(self, ids):
        for i in ids:
            self.db.query(User).filter(User.id == i).delete()


def owners(session):
    rows = session.scalars(select(Address)).all()
    return [a.user.id for a in rows]


def owners_loaded(session):
    rows = session.scalars(select(Address).options(selectinload(Address.user))).all()
    return [a.user.id for a in rows]
"""


def test_django_models_through_the_package(tmp_path):
    root = write_project(
        tmp_path,
        {
            "shop/__init__.py": "",
            "shop/models/__init__.py": "from .order import Order, Customer  # noqa\n",
            "shop/models/order.py": DJANGO_ORDER,
            "shop/views.py": DJANGO_VIEWS,
            "shop/plain.py": PLAIN,
            "shop/helpers.py": HELPERS,
            "shop/loop_a.py": "from shop.loop_b import Thing  # noqa\n",
            "shop/loop_b.py": "from shop.loop_a import Thing  # noqa\n",
        },
    )
    report = lint_json(run_module_cli, root, "--select", "TL101", "--show-all")
    found = findings_by_function(report, DJANGO_VIEWS, "views.py")
    assert "`o.customer` runs a query for every item" in found["names"]["message"]
    assert "reads `self.customer`" in found["labels"]["message"]
    assert set(found) == {"names", "labels"}


def test_sqlalchemy_models_through_the_package(tmp_path):
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models/__init__.py": (
                "from .user import User, Address\nfrom app.models.base import Base\n"
            ),
            "app/models/base.py": (
                "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n"
            ),
            "app/models/user.py": SQLALCHEMY_USER,
            "app/store.py": STORE,
        },
    )
    report = lint_json(run_module_cli, root, "--select", "TL101,TL102", "--show-all")
    found = findings_by_function(report, STORE, "store.py")
    assert found["Store"]["code"] == "TL102"  # prune: the entity's class is mapped
    assert "`a.user` lazy-loads" in found["owners"]["message"]
    assert "owners_loaded" not in found


TICKETS = """\
from django.db import models


class Ticket(models.Model):
    title = models.CharField(max_length=100)

    def reopen(self):
        self.title = self.title.removeprefix("[closed] ")
        self.save()


def reopen_all():
    for ticket in Ticket.objects.filter(title__startswith="[closed]"):
        ticket.reopen()
"""


def test_framework_source_inside_the_project_is_not_the_model_api(tmp_path):
    """A project that also holds Django's source (vendored, or a virtualenv it lints):
    ``models.Model`` re-exported from ``django/db/models/base.py`` is still the modelled
    base, whose ``save()`` writes a row, not the copy's plain method."""
    root = write_project(
        tmp_path,
        {
            "django/__init__.py": "",
            "django/db/__init__.py": "",
            "django/db/models/__init__.py": "from django.db.models.base import Model  # noqa\n",
            "django/db/models/base.py": (
                "class Model:\n    def save(self, *args, **kwargs):\n        self._do_save()\n"
            ),
            "tickets/__init__.py": "",
            "tickets/models.py": TICKETS,
        },
    )
    report = lint_json(run_module_cli, root, "--select", "TL102", "--show-all")
    found = findings_by_function(report, TICKETS, "tickets/models.py")
    assert found["reopen_all"]["code"] == "TL102"
    assert "writes a row" in found["reopen_all"]["message"]
