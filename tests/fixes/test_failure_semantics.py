"""Safe fixes that an adversarial pass (round 24) showed changing behaviour, each run
original and fixed (real ``throughlint --fix``) against the real library, with a near
miss that keeps the fix:

- a SQLAlchemy relationship whose loader the annotation (``DynamicMapped``) or
  ``**options`` chooses is not eager-loaded (``selectinload`` raises on a dynamic one);
- a Django FK declared ``db_constraint=False`` is not ``select_related``: the join drops
  the rows whose related row is missing, where the lazy load raised;
- a Django model whose manager has its own ``get_queryset()`` is not ``select_related``
  (it may defer fields, which Django refuses);
- ``executemany`` on psycopg 3 is safe only on a connection the function opens without
  autocommit (one pipeline: in autocommit mode a failing row discards the rows before
  it); on pymysql an INSERT becomes one multi-row statement (unsafe);
- ``executemany`` is not offered as safe on a connection parameter the function rebinds
  (``conn = wrap(conn)``), nor on ``list(...)`` when ``list`` is the module's own;
- ``set_many`` is safe only with literal values: one value that cannot be pickled stores
  none, where the loop stored the values before it.
"""

from __future__ import annotations

import textwrap

from support.differential import differential
from support.django_programs import SHOP_TABLES

SQLALCHEMY = """\
from sqlalchemy import ForeignKey, create_engine, select
from sqlalchemy.orm import DeclarativeBase, DynamicMapped, Mapped, Session, mapped_column
from sqlalchemy.orm import relationship

OPTIONS = {{"lazy": "{options_lazy}"}}


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    {field}


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


def report(session):
    out = []
    for user in session.scalars(select(User)):
        out.append((user.id, {use}))
    return out


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
with Session(engine) as s:
    s.add_all([User(id=1), User(id=2), Address(id=1, user_id=1), Address(id=2, user_id=1)])
    s.commit()
with Session(engine) as s:
    print(report(s))
"""


def _sqlalchemy(field: str, use: str, options_lazy: str = "select") -> dict[str, str]:
    text = SQLALCHEMY.format(field=field, use=use, options_lazy=options_lazy)
    return {"app.py": text}


def _same(result) -> None:
    assert result.original.status == 0, result.original
    assert result.fixed == result.original, (
        f"the fix changed behaviour\n{result.lint_output}\n--- fixed program:\n{result.after}"
    )


def test_a_dynamic_relationship_by_annotation_is_not_eager_loaded(tmp_path):
    files = _sqlalchemy(
        'addresses: DynamicMapped["Address"] = relationship()', "user.addresses.count()"
    )
    result = differential(tmp_path, files)
    assert not result.changed, result.after
    assert "dynamic" in result.lint_output
    _same(result)


def test_a_relationship_whose_options_choose_the_loader_is_not_eager_loaded(tmp_path):
    for lazy in ("dynamic", "noload"):
        folder = tmp_path / lazy
        folder.mkdir()
        use = "user.addresses.count()" if lazy == "dynamic" else "len(user.addresses)"
        files = _sqlalchemy('addresses = relationship("Address", **OPTIONS)', use, lazy)
        result = differential(folder, files)
        assert not result.changed, result.after
        _same(result)


def test_a_plain_lazy_relationship_is_still_eager_loaded(tmp_path):
    """Near miss: ``Mapped[list[...]]`` with the default loader keeps the safe fix."""
    field = 'addresses: Mapped[list["Address"]] = relationship()'
    files = _sqlalchemy(field, "len(user.addresses)")
    result = differential(tmp_path, files)
    assert "selectinload(User.addresses)" in result.after, result.lint_output
    _same(result)


DJANGO_MAIN = (
    SHOP_TABLES
    + """\
author = Author.objects.create(name="A")
Book.objects.create(title="ok", author=author)
if Book._meta.get_field("author").db_constraint is False:
    Book.objects.create(title="dangling", author_id=999)
print(report.titles())
"""
)

DJANGO_MODELS = """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        app_label = "shop"


class SlimManager(models.Manager):
{manager}


class Book(models.Model):
    title = models.CharField(max_length=50)
    author = models.ForeignKey(Author, on_delete=models.CASCADE{options})
    objects = SlimManager()

    class Meta:
        app_label = "shop"
"""

DJANGO_REPORT = """\
from shop.models import Book


def titles():
    out = []
    for book in Book.objects.order_by("id"):
        try:
            out.append((book.title, book.author.name))
        except Exception as error:
            out.append((book.title, type(error).__name__))
    return out
"""

PLAIN_REPORT = """\
from shop.models import Book


def titles():
    out = []
    for book in Book.objects.order_by("id"):
        out.append((book.title, book.author.name))
    return out
"""

PLAIN_MANAGER = "    def names(self):\n        return self.values_list('title', flat=True)"
SLIM_MANAGER = (
    "    def get_queryset(self):\n        return super().get_queryset().only('id', 'title')"
)


def _django(tmp_path, manager: str, options: str = "", report: str = DJANGO_REPORT):
    files = {
        "main.py": DJANGO_MAIN,
        "shop/__init__.py": "",
        "shop/models.py": DJANGO_MODELS.format(manager=manager, options=options),
        "shop/report.py": report,
    }
    return differential(tmp_path, files, target="shop/report.py", lint=("shop",), entry="main.py")


def test_an_unconstrained_foreign_key_is_not_select_related(tmp_path):
    result = _django(tmp_path, PLAIN_MANAGER, ", db_constraint=False")
    assert not result.changed, result.after
    assert "dangling" in result.original.stdout
    _same(result)


def test_a_manager_with_its_own_get_queryset_is_not_select_related(tmp_path):
    result = _django(tmp_path, SLIM_MANAGER)
    assert not result.changed, result.after
    _same(result)


def test_a_manager_with_other_methods_keeps_the_fix(tmp_path):
    """Near miss: a custom manager that does not build its own rows (the relation read
    outside a ``try``: under one the fix is unsafe, as a failure the loop catches would
    move to the query)."""
    result = _django(tmp_path, PLAIN_MANAGER, report=PLAIN_REPORT)
    assert 'select_related("author")' in result.after, result.lint_output
    _same(result)


PSYCOPG = """\
import psycopg

DSN = {dsn!r}


def save(values):
    conn = psycopg.connect(DSN{options})
    {setup}
    cur = conn.cursor()
    rows = [(value,) for value in values]
    for row in rows:
        cur.execute("INSERT INTO failing (a) VALUES (%s)", row)
    conn.commit()


with psycopg.connect(DSN, autocommit=True) as admin:
    admin.execute("DROP TABLE IF EXISTS failing")
    admin.execute("CREATE TABLE failing (a int PRIMARY KEY)")
    try:
        save([1, 2, 2, 3])
    except psycopg.Error as error:
        print("error:", type(error).__name__)
    print(admin.execute("SELECT a FROM failing ORDER BY a").fetchall())
"""


def test_psycopg_autocommit_keeps_the_loop(tmp_path, postgres_dsn):
    files = {"app.py": PSYCOPG.format(dsn=postgres_dsn, options=", autocommit=True", setup="pass")}
    result = differential(tmp_path, files)
    assert not result.changed, result.after
    assert "autocommit" in result.lint_output
    assert "[(1,), (2,)]" in result.original.stdout
    _same(result)


def test_psycopg_without_autocommit_keeps_the_fix(tmp_path, postgres_dsn):
    """Near miss: a connection opened here without autocommit fails whole either way."""
    files = {"app.py": PSYCOPG.format(dsn=postgres_dsn, options="", setup="pass")}
    result = differential(tmp_path, files)
    assert "executemany(" in result.after, result.lint_output
    assert "[]" in result.original.stdout
    _same(result)


def test_pymysql_insert_is_unsafe_for_multi_row_failure(tmp_path):
    files = {
        "app.py": textwrap.dedent(
            """\
            import pymysql


            def save(values):
                conn = pymysql.connect(host="localhost")
                cur = conn.cursor()
                rows = [(value,) for value in values]
                for row in rows:
                    cur.execute("INSERT INTO t (a) VALUES (%s)", row)
            """
        )
    }
    result = differential(tmp_path, files)  # only linted: there is no MySQL server here
    assert not result.changed, result.after
    assert "multi-row INSERT" in result.lint_output


SQLITE_WRAPPED = """\
import sqlite3


class Logged:
    def __init__(self, conn):
        self.conn = conn

    def execute(self, sql, params=()):
        print("SQL", sql, params)
        return self.conn.execute(sql, params)


def save(conn: sqlite3.Connection, n):
    rows = [(i,) for i in range(n)]
    {rebind}
    for row in rows:
        conn.execute("INSERT INTO t (a) VALUES (?)", row)


conn = sqlite3.connect(":memory:")
conn.execute("CREATE TABLE t (a)")
save(conn, 3)
print(conn.execute("SELECT * FROM t").fetchall())
"""


def test_a_rebound_connection_parameter_is_not_trusted(tmp_path):
    files = {"app.py": SQLITE_WRAPPED.format(rebind="conn = Logged(conn)")}
    result = differential(tmp_path, files)
    assert not result.changed, result.after
    _same(result)


def test_an_annotated_connection_parameter_keeps_the_fix(tmp_path):
    files = {"app.py": SQLITE_WRAPPED.format(rebind="pass")}
    result = differential(tmp_path, files)
    assert "executemany(" in result.after, result.lint_output
    _same(result)


SHADOWED_LIST = """\
import sqlite3
{shadow}

def save(conn: sqlite3.Connection, values):
    rows = list((value,) for value in values)
    for row in rows:
        conn.execute("INSERT INTO t (a) VALUES (?)", row)


conn = sqlite3.connect(":memory:")
conn.execute("CREATE TABLE t (a)")
save(conn, [])
print(conn.in_transaction)
save(conn, [1, 2])
print(conn.execute("SELECT a FROM t").fetchall())
"""


def test_a_shadowed_list_is_not_taken_for_a_built_list(tmp_path):
    shadow = "\n\ndef list(items):\n    return (item for item in items)\n"
    result = differential(tmp_path, {"app.py": SHADOWED_LIST.format(shadow=shadow)})
    assert "if rows:" not in result.after, result.after
    _same(result)


def test_the_builtin_list_keeps_the_guarded_fix(tmp_path):
    result = differential(tmp_path, {"app.py": SHADOWED_LIST.format(shadow="")})
    assert "if rows:" in result.after, result.lint_output
    _same(result)


CACHE = """\
import threading

import django
from django.conf import settings

settings.configure(
    CACHES={{"default": {{"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": {url!r}}}}}
)
django.setup()
from django.core.cache import cache


def remember(objs):
    pairs = [{pairs}]
    for key, value in pairs:
        cache.set(key, value)


cache.clear()
try:
    remember(["a", "b", {third}, "d"])
except Exception as error:
    print("error:", type(error).__name__)
print([cache.get(f"obj:{{i}}") for i in range(4)])
"""


def test_set_many_with_values_that_may_not_pickle_keeps_the_loop(tmp_path, redis_url):
    pairs = '(f"obj:{i}", obj) for i, obj in enumerate(objs)'
    files = {"app.py": CACHE.format(url=redis_url, pairs=pairs, third="threading.Lock()")}
    result = differential(tmp_path, files)
    assert not result.changed, result.after
    assert "pickl" in result.lint_output
    assert "['a', 'b', None, None]" in result.original.stdout
    _same(result)


def test_set_many_with_literal_values_keeps_the_fix(tmp_path, redis_url):
    # keys written in the function, all different: a repeated key is stored once by
    # ``set_many`` (``facts.distinct_keys_fact``)
    pairs = '("obj:0", "a"), ("obj:1", "b"), ("obj:2", "c"), ("obj:3", "d")'
    files = {"app.py": CACHE.format(url=redis_url, pairs=pairs, third='"c"')}
    result = differential(tmp_path, files)
    assert "set_many(" in result.after, result.lint_output
    _same(result)


def test_psycopg_switched_to_autocommit_keeps_the_loop(tmp_path, postgres_dsn):
    """Switched by a method (``set_autocommit``) or by a helper the connection is handed
    to: the function's own ``connect()`` does not say."""
    for setup in ("conn.set_autocommit(True)", "configure(conn)"):
        folder = tmp_path / setup.split("(")[0].replace(".", "_")
        folder.mkdir()
        text = PSYCOPG.format(dsn=postgres_dsn, options="", setup=setup)
        text = text.replace(
            "def save(", "def configure(conn):\n    conn.autocommit = True\n\n\ndef save("
        )
        result = differential(folder, {"app.py": text})
        assert not result.changed, result.after
        assert "[(1,), (2,)]" in result.original.stdout
        _same(result)


SQLITE_OWN_CLASSES = """\
import sqlite3


class Audited(sqlite3.{kind}):
    def execute(self, sql, params=()):
        print("audit:", params)
        return super().execute(sql, params)


def save(values):
    conn = sqlite3.connect(":memory:"{factory})
    conn.execute("CREATE TABLE t (a)")
    cur = conn.cursor({cursor})
    rows = [(value,) for value in values]
    for row in rows:
        cur.execute("INSERT INTO t (a) VALUES (?)", row)
    print(conn.execute("SELECT a FROM t").fetchall())


save([1, 2])
"""


def test_a_cursor_or_connection_class_of_its_own_keeps_the_loop(tmp_path):
    for name, kind, factory, cursor in (
        ("cursor", "Cursor", "", "Audited"),
        ("connection", "Connection", ", factory=Audited", ""),
    ):
        folder = tmp_path / name
        folder.mkdir()
        text = SQLITE_OWN_CLASSES.format(kind=kind, factory=factory, cursor=cursor)
        result = differential(folder, {"app.py": text})
        assert not result.changed, result.after
        _same(result)


def test_plain_sqlite_cursor_keeps_the_fix(tmp_path):
    text = SQLITE_OWN_CLASSES.format(kind="Cursor", factory="", cursor="")
    result = differential(tmp_path, {"app.py": text})
    assert "executemany(" in result.after, result.lint_output
    _same(result)
