"""An eager load (TL101's safe fix) loads every related row when the query runs; the lazy
load it replaces reads them at each pass, after what the earlier passes did. Adversarial
passes (rounds 24 and 25) found loop bodies where that difference shows; each is run
original and fixed (real ``throughlint --fix``) against the real library, with a near miss
that keeps the fix:

- the body assigns an attribute (SQLAlchemy autoflushes it before a later lazy load);
- the body calls an ORM write the first list missed (``bulk_update_mappings``);
- the body detaches or expires objects (``session.expunge``, ``expunge_all``);
- the body calls a method of its Django item that saves (``book.author.retire()``);
- (round 25, second pass) the statement already has a loader option of its own
  (``raiseload("*")``), the body can stop early (``return``: the rows of items it never
  reaches would be read), changes an attribute through ``setattr``, or calls a method of
  another object (``audit.note(...)``) that may write.
"""

from __future__ import annotations

import textwrap

from support.differential import differential
from support.django_programs import SHOP_TABLES

SQLALCHEMY = """\
from sqlalchemy import ForeignKey, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    addresses: Mapped[list["Address"]] = relationship()


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


def report(session):
    for user in session.scalars(select(User).order_by(User.id)):
{body}


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
with Session(engine) as s:
    s.add_all([User(id=1, name="dup"), User(id=2, name="bob"), User(id=3, name="ann")])
    s.add_all([Address(id=1, email="a1", user_id=1), Address(id=3, email="a3", user_id=3)])
    s.commit()
with Session(engine) as s:
    report(s)
    s.commit()
"""

PRINT = "print(user.name, sorted(a.email for a in user.addresses))"


def _sqlalchemy(tmp_path, body: str):
    text = SQLALCHEMY.format(body=textwrap.indent(textwrap.dedent(body), " " * 8))
    return differential(tmp_path, {"app.py": text})


def _kept(result) -> None:
    """The loop is left alone and both programs behave the same."""
    assert not result.changed, result.after
    assert result.fixed == result.original


def test_an_attribute_change_flushed_before_a_later_lazy_load_keeps_the_loop(tmp_path):
    result = _sqlalchemy(
        tmp_path,
        f"""\
        {PRINT}
        if user.name == "dup":
            for address in user.addresses:
                address.user_id = 3
        """,
    )
    assert "a1" in result.original.stdout.splitlines()[-1], result.original  # moved, then seen
    _kept(result)


def test_bulk_update_mappings_in_the_body_keeps_the_loop(tmp_path):
    result = _sqlalchemy(
        tmp_path,
        f"""\
        {PRINT}
        if user.name == "dup":
            session.bulk_update_mappings(Address, [{{"id": 1, "user_id": 3}}])
        """,
    )
    assert "a1" in result.original.stdout.splitlines()[-1], result.original
    _kept(result)


def test_expunge_in_the_body_keeps_the_loop(tmp_path):
    for name, call in (("one", "session.expunge(user)"), ("all", "session.expunge_all()")):
        folder = tmp_path / name
        folder.mkdir()
        result = _sqlalchemy(
            folder,
            f"""\
            {call}
            try:
                {PRINT}
            except Exception as error:
                print(user.name, type(error).__name__)
            """,
        )
        assert "DetachedInstanceError" in result.original.stdout, result.original
        _kept(result)


def test_an_early_exit_setattr_or_another_objects_method_keeps_the_loop(tmp_path):
    bodies = {
        "return": f"{PRINT}\nif user.name == 'bob':\n    return",
        "setattr": f"{PRINT}\nfor address in user.addresses:\n    setattr(address, 'user_id', 3)",
        "other": f"{PRINT}\nsession.info.setdefault('seen', []).append(user.name)\n"
        "print(session.get_bind().url.render_as_string())",
        "dispatch": f"{PRINT}\nACTIONS = {{'dup': type}}\nACTIONS.get(user.name, type)(user)",
    }
    for name, body in bodies.items():
        folder = tmp_path / name
        folder.mkdir()
        result = _sqlalchemy(folder, body)
        assert result.original.status == 0, (name, result.original)
        _kept(result)


def test_a_loader_option_of_the_statement_keeps_the_loop(tmp_path):
    text = (
        SQLALCHEMY.format(
            body=textwrap.indent(
                "try:\n    print(user.name, sorted(a.email for a in user.addresses))\n"
                "except Exception as error:\n    print(user.name, type(error).__name__)\n",
                " " * 8,
            )
        )
        .replace(
            "for user in session.scalars(select(User).order_by(User.id)):",
            'for user in session.scalars(select(User).order_by(User.id).options(raiseload("*"))):',
        )
        .replace("relationship\n", "relationship, raiseload\n", 1)
    )
    result = differential(tmp_path, {"app.py": text})
    assert "InvalidRequestError" in result.original.stdout, result.original
    _kept(result)


def test_a_body_that_only_reads_keeps_the_fix(tmp_path):
    """Near miss: reading the loaded rows (and the item's plain columns) is eager-loaded."""
    result = _sqlalchemy(tmp_path, f"{PRINT}\nprint(user.name.upper())")
    assert "selectinload(User.addresses)" in result.after, result.lint_output
    assert result.original.status == 0, result.original
    assert result.fixed == result.original


DJANGO_MAIN = (
    SHOP_TABLES
    + """\
ann = Author.objects.create(name="Ann")
Book.objects.create(title="one", author=ann)
Book.objects.create(title="two", author=ann)
report.run()
print(list(Author.objects.values_list("name", flat=True)))
"""
)

DJANGO_MODELS = """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)

    class Meta:
        app_label = "shop"

    def retire(self):
        self.name = self.name + " (retired)"
        self.save()


class Book(models.Model):
    title = models.CharField(max_length=100)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)

    class Meta:
        app_label = "shop"
"""

DJANGO_REPORT = """\
from shop.models import Book


def run():
    for book in Book.objects.order_by("id"):
        print(book.title, book.author.name)
{extra}
"""


def _shop(tmp_path, main: str, models: str, report: str):
    """Fix ``shop/report.py`` (linted with its models) and run ``main.py`` both ways."""
    files = {
        "main.py": main,
        "shop/__init__.py": "",
        "shop/models.py": models,
        "shop/report.py": report,
    }
    return differential(
        tmp_path, files, target="shop/report.py", lint=("shop/models.py",), entry="main.py"
    )


def _django(tmp_path, extra: str):
    return _shop(tmp_path, DJANGO_MAIN, DJANGO_MODELS, DJANGO_REPORT.format(extra=extra))


def test_a_method_of_the_item_that_saves_keeps_the_loop(tmp_path):
    result = _django(tmp_path, "        book.author.retire()")
    assert "Ann (retired) (retired)" in result.original.stdout, result.original
    _kept(result)


def test_a_django_body_that_only_reads_keeps_the_fix(tmp_path):
    """Near miss: the same loop without the method call is ``select_related``."""
    result = _django(tmp_path, "")
    assert 'select_related("author")' in result.after, result.lint_output
    assert result.original.status == 0, result.original
    assert result.fixed == result.original


SECONDARY = """\
from sqlalchemy import Column, ForeignKey, Table, create_engine, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class Base(DeclarativeBase):
    pass


user_tags = Table(
    "user_tags",
    Base.metadata,
    Column("user_id", ForeignKey("users.id")),
    Column("tag_id", ForeignKey("tags.id")),
)


class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str]


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    tags: Mapped[list[Tag]] = relationship({secondary})


def report(session):
    for user in session.scalars(select(User).order_by(User.id)):
        print(user.name, [tag.label for tag in user.tags])


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
with Session(engine) as s:
    s.add_all([User(id=1, name="ann"), User(id=2, name="bob"), Tag(id=1, label="t")])
    s.commit()
    s.execute(text("INSERT INTO user_tags VALUES (1, 1), (1, 1), (2, 1)"))
    s.commit()
with Session(engine) as s:
    report(s)
"""


def test_a_collection_through_an_association_table_is_an_unsafe_fix(tmp_path):
    """(round 26) The pair (1, 1) is stored twice in ``user_tags``: the lazy load lists the
    tag once, ``selectinload`` twice. Plain ``--fix`` keeps the loop; ``--unsafe-fixes``
    applies the eager load and the difference shows."""
    text = SECONDARY.format(secondary="secondary=user_tags")
    (tmp_path / "safe").mkdir()
    (tmp_path / "unsafe").mkdir()
    kept = differential(tmp_path / "safe", {"app.py": text})
    assert "ann ['t']" in kept.original.stdout, kept.original
    _kept(kept)
    applied = differential(tmp_path / "unsafe", {"app.py": text}, unsafe=True)
    assert "selectinload(User.tags)" in applied.after, applied.lint_output
    assert "ann ['t', 't']" in applied.fixed.stdout, applied.fixed


BASE_MANAGER_MODELS = """\
from django.db import models


class Alive(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(deleted=False)


class Author(models.Model):
    name = models.CharField(max_length=100)
    deleted = models.BooleanField(default=False)
    objects = models.Manager()
    alive = Alive()

    class Meta:
        app_label = "shop"
{meta}


class Book(models.Model):
    title = models.CharField(max_length=100)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)

    class Meta:
        app_label = "shop"
"""

BASE_MANAGER_REPORT = """\
from shop.models import Book


def run():
    for book in Book.objects.order_by("id"):
        try:
            print(book.title, book.author.name)
        except Exception as error:
            print(book.title, type(error).__name__)
"""

BASE_MANAGER_MAIN = (
    SHOP_TABLES
    + """\
ann = Author.objects.create(name="Ann", deleted=True)
Book.objects.create(title="one", author=ann)
report.run()
"""
)


def _base_manager(tmp_path, meta: str, report: str = BASE_MANAGER_REPORT):
    models = BASE_MANAGER_MODELS.format(meta=meta)
    return _shop(tmp_path, BASE_MANAGER_MAIN, models, report)


# the read outside a ``try``: under one (or an ``if``) the fix is unsafe, as the relation
# of a row the loop would skip, or whose failure it would catch, is loaded with the query
PLAIN_REPORT = """\
from shop.models import Book


def run():
    for book in Book.objects.order_by("id"):
        print(book.title, book.author.name)
"""


def test_select_related_of_a_model_with_a_base_manager_keeps_the_loop(tmp_path):
    """(round 26) ``Meta.base_manager_name = "alive"``: the lazy ``book.author`` goes
    through the manager that hides deleted authors and raises; ``select_related``'s join
    returns the deleted author."""
    result = _base_manager(tmp_path, '        base_manager_name = "alive"')
    assert "one DoesNotExist" in result.original.stdout, result.original
    _kept(result)


def test_select_related_without_a_base_manager_keeps_the_fix(tmp_path):
    """Near miss: the same models without ``base_manager_name`` are ``select_related``."""
    result = _base_manager(tmp_path, "", PLAIN_REPORT)
    assert 'select_related("author")' in result.after, result.lint_output
    assert "one Ann" in result.original.stdout, result.original
    assert result.fixed == result.original


ASYNC_REPORT = """\
from shop.models import Book


async def run():
    async for book in Book.objects.order_by("id"):
        print(book.title, book.author.name)
"""

# a file database: ``async for`` runs the query in a worker thread, with its own connection
ASYNC_MAIN = (
    SHOP_TABLES.replace("import django\n", "import asyncio\n\nimport django\n", 1).replace(
        '":memory:"', '"db.sqlite3"'
    )
    + """\
Book.objects.create(title="one", author=Author.objects.create(name="Ann"))
try:
    asyncio.run(report.run())
except Exception as error:
    print(type(error).__name__)
"""
)


def test_an_async_for_over_a_queryset_keeps_the_loop(tmp_path):
    """(round 26) In ``async for`` the lazy ``book.author`` raises
    ``SynchronousOnlyOperation``; ``select_related`` would make the program succeed."""
    result = _shop(tmp_path, ASYNC_MAIN, DJANGO_MODELS, ASYNC_REPORT)
    assert "SynchronousOnlyOperation" in result.original.stdout, result.original
    _kept(result)
