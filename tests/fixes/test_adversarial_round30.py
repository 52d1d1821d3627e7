"""Programs just outside a fix's conditions that ``--fix`` used to rewrite into a program
that does something else (round 30). Each runs the original and the fixed program on real
Django, SQLAlchemy or sqlite3, compares what they print and how they end, and first checks
that the original exercises the case; near misses keep the fix."""

from __future__ import annotations

import json

from support.differential import assert_same_behaviour, differential, one_file, throughlint
from support.django_programs import SHOP_SETTINGS, TWO_BOOKS, fix_shop_report, shop_files
from support.sqlalchemy_programs import SQLALCHEMY_REPORT, USERS


def declined_reasons(folder, *paths: str) -> list[str]:
    """Why each fix of the findings in ``paths`` (their related calls too) is declined,
    from the JSON report of the original program."""
    report = json.loads(throughlint(folder, "--format", "json", "--show-all", *paths).stdout)
    fixes = [
        item.get("fix") or {}
        for diagnostic in report["diagnostics"]
        for item in (diagnostic, *diagnostic.get("related", ()))
    ]
    return [fix["declined"] for fix in fixes if fix.get("declined")]


LISTING = """\
from shop.models import Book


def listing():
    out = []
    for book in Book.objects.{chain}:
        out.append((book.title, book.author.name))
    return out
"""

# --- select_related: rows that tie, or a query with no order at all ---

# Two authors, 400 books written alternately; with table statistics SQLite makes the
# author the outer table of the join, and the unordered query's rows come by author.
INTERLEAVED = """\
authors = [models.Author.objects.create(name=name) for name in ("ann", "bob")]
models.Book.objects.bulk_create(
    [models.Book(title=f"t{number}", author=authors[number % 2]) for number in range(400)]
)
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
print(report.listing()[:4])
"""
INTERLEAVED_ROWS = "[('t0', 'ann'), ('t1', 'bob'), ('t2', 'ann'), ('t3', 'bob')]"


def test_select_related_on_an_unordered_query_is_not_safe(tmp_path):
    """``Book.objects.all()``: joined, SQLite returned the books grouped by author."""
    result = fix_shop_report(tmp_path, shop_files(LISTING.format(chain="all()"), INTERLEAVED))
    assert not result.changed, result.after
    assert "not ordered by its primary key" in result.lint_output, result.lint_output
    assert_same_behaviour(result, INTERLEAVED_ROWS)


def test_select_related_on_a_query_ordered_by_a_column_that_ties_is_not_safe(tmp_path):
    files = shop_files(LISTING.format(chain='order_by("author__name")'), INTERLEAVED)
    result = fix_shop_report(tmp_path, files)
    assert not result.changed, result.after
    assert "not ordered by its primary key" in result.lint_output, result.lint_output


def test_select_related_on_a_query_ordered_by_its_key_keeps_the_fix(tmp_path):
    files = shop_files(LISTING.format(chain='order_by("pk")'), INTERLEAVED)
    result = fix_shop_report(tmp_path, files)
    assert 'select_related("author")' in result.after, result.lint_output
    assert_same_behaviour(result, INTERLEAVED_ROWS)


# --- select_related: a router reads the related model from another database ---

ROUTED_SETTINGS = """\
import os

import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes", "shop"],
    DATABASES={
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "primary.db"},
        "replica": {"ENGINE": "django.db.backends.sqlite3", "NAME": "replica.db"},
    },
    DATABASE_ROUTERS=["shop.routers.ReplicaRouter"],
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)
django.setup()
from django.db import connections

from shop import models, report

for alias in ("default", "replica"):
    with connections[alias].schema_editor() as editor:
        for model in models.ALL:
            editor.create_model(model)
ann = models.Author.objects.using("default").create(name="ann-primary")
models.Author.objects.using("replica").create(pk=ann.pk, name="ann-replica")
models.Book.objects.using("default").create(title="one", author=ann)
print(report.listing())
"""

ROUTER = """\
class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return "replica" if model._meta.model_name == "author" else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, first, second, **hints):
        return True
"""


def test_select_related_where_the_project_routes_reads_is_not_safe(tmp_path):
    """The lazy ``book.author`` reads the replica the router picks; the join reads the
    books' database."""
    files = shop_files(LISTING.format(chain='order_by("pk")'), "")
    files["app.py"] = ROUTED_SETTINGS
    files["shop/routers.py"] = ROUTER
    result = fix_shop_report(tmp_path, files)
    assert not result.changed, result.after
    assert "routes reads (`db_for_read`)" in result.lint_output, result.lint_output
    assert_same_behaviour(result, "[('one', 'ann-replica')]")


# --- eager loads: project code the loop body runs without a visible call ---

DRAFTS = """\
from shop.models import Author


def listing():
    out = []
    for author in Author.objects.order_by("pk"):
        out.append((author.name, author.{member}, author.books.count()))
    return out
"""

DRAFT_PROPERTY = """
    @property
    def draft(self):
        book, _ = Book.objects.get_or_create(author=self, title="draft")
        return book.title

    @property
    def shout(self):
        return self.name.upper()
"""

ONE_BOOK = """\
ann = models.Author.objects.create(name="ann")
models.Book.objects.create(title="one", author=ann)
print(report.listing())
"""


def test_prefetch_beside_a_property_that_writes_is_not_safe(tmp_path):
    """``author.draft`` creates a book: prefetched before it, ``books.count()`` was 1."""
    files = shop_files(DRAFTS.format(member="draft"), ONE_BOOK, extra=DRAFT_PROPERTY)
    result = fix_shop_report(tmp_path, files)
    assert not result.changed, result.after
    assert "a property of the model" in result.lint_output, result.lint_output
    assert_same_behaviour(result, "[('ann', 'draft', 2)]")


def test_prefetch_beside_a_plain_field_keeps_the_fix(tmp_path):
    files = shop_files(DRAFTS.format(member="name"), ONE_BOOK, extra=DRAFT_PROPERTY)
    result = fix_shop_report(tmp_path, files)
    assert 'prefetch_related("books")' in result.after, result.lint_output
    assert_same_behaviour(result, "[('ann', 'ann', 1)]")


STAMPED = """\
from shop.models import Author, Book


def stamper():
    number = 0
    while True:
        number += 1
        Author.objects.update(name=f"stamped-{number}")
        yield number


def listing():
    stamps = stamper()
    out = []
    for book in Book.objects.order_by("pk"):
        out.append((next(stamps), book.author.name))
    return out
"""


def test_select_related_beside_next_of_a_generator_that_writes_is_not_safe(tmp_path):
    files = shop_files(STAMPED, TWO_BOOKS + "print(report.listing())\n")
    result = fix_shop_report(tmp_path, files)
    assert not result.changed, result.after
    assert "`next()`" in result.lint_output, result.lint_output
    assert_same_behaviour(result, "[(1, 'stamped-1'), (2, 'stamped-2')]")


# --- eager loads: project code that runs as the ORM builds the related objects ---

INIT_HOOK = """
from django.db.models.signals import {signal}
from django.dispatch import receiver


@receiver({signal}, sender=Author)
def audit(sender, instance, **kwargs):
    print("audit", getattr(instance, "name", ""))
"""

PRINTED = """\
from shop.models import Book


def listing():
    for book in Book.objects.order_by("pk"):
        print(book.title, book.author.name)
"""

TWO_AUTHORS = """\
ann = models.Author.objects.create(name="ann")
bob = models.Author.objects.create(name="bob")
models.Book.objects.create(title="one", author=ann)
models.Book.objects.create(title="two", author=bob)
print("---")
report.listing()
"""


def test_select_related_of_a_model_with_a_post_init_receiver_is_not_safe(tmp_path):
    """The receiver printed as each book's author was read; joined, both authors are
    built with the first page of rows."""
    files = shop_files(PRINTED, TWO_AUTHORS)
    files["shop/signals.py"] = "from shop.models import Author\n" + INIT_HOOK.format(
        signal="post_init"
    )
    files["app.py"] = files["app.py"].replace(
        "from shop import models, report", "from shop import models, report, signals"
    )
    result = fix_shop_report(tmp_path, files)
    assert not result.changed, result.after
    assert "a `post_init` receiver" in result.lint_output, result.lint_output
    assert_same_behaviour(
        result, "audit ann\naudit bob\n---\naudit ann\none ann\naudit bob\ntwo bob"
    )


def test_select_related_of_a_model_with_a_post_save_receiver_keeps_the_fix(tmp_path):
    files = shop_files(PRINTED, TWO_AUTHORS)
    files["shop/signals.py"] = "from shop.models import Author\n" + INIT_HOOK.format(
        signal="post_save"
    )
    files["app.py"] = files["app.py"].replace(
        "from shop import models, report", "from shop import models, report, signals"
    )
    result = fix_shop_report(tmp_path, files)
    assert 'select_related("author")' in result.after, result.lint_output
    assert_same_behaviour(result, "audit ann\naudit bob\n---\none ann\ntwo bob")


# --- prefetch of a generic foreign key: a row whose target cannot load ---

GUARDED_COMMENTS = """\
from contextlib import suppress

from shop.models import Comment


def show():
    bad_ids = suppress(ValueError)
    for comment in Comment.objects.order_by("pk"):
        with bad_ids:
            print(comment.text, comment.target.name)
"""

THREE_COMMENTS = """\
ct = ContentType.objects.get_for_model(models.Author)
ann = models.Author.objects.create(name="ann")
models.Comment.objects.create(text="c1", content_type=ct, object_id=str(ann.pk))
models.Comment.objects.create(text="c2", content_type=ct, object_id="legacy-7")
models.Comment.objects.create(text="c3", content_type=ct, object_id=str(ann.pk))
try:
    report.show()
except ValueError:
    print("ValueError")
"""


def test_prefetch_of_a_generic_foreign_key_is_not_safe(tmp_path):
    """The ``with`` of a suppressing context bound to a name skipped the bad row; the
    prefetch raises at the ``for``."""
    result = fix_shop_report(tmp_path, shop_files(GUARDED_COMMENTS, THREE_COMMENTS))
    assert not result.changed, result.after
    assert "generic foreign key" in result.lint_output, result.lint_output
    assert_same_behaviour(result, "c1 ann\nc3 ann")


# --- selectinload: a backref, and a module alias bound again in the function ---

# ``USERS`` with the relationship declared from the other side, by ``backref=``
BACKREF_USERS = USERS.replace('    addresses: Mapped[list["Address"]] = relationship()\n', "") + (
    '    user = relationship("User", backref="addresses")\n'
)

SCALARS = "session.scalars(select(User))"


def _first_query_of_the_process(program: str) -> str:
    """The report's query is the first ORM statement: rows written in plain SQL."""
    setup = program.index("engine = create_engine")
    return program[:setup] + (
        'engine = create_engine("sqlite://")\n'
        "Base.metadata.create_all(engine)\n"
        "with engine.begin() as connection:\n"
        "    connection.exec_driver_sql(\"INSERT INTO users VALUES (1, 'u')\")\n"
        '    connection.exec_driver_sql("INSERT INTO addresses VALUES (1, 1)")\n'
        "with Session(engine) as session:\n"
        "    print(report(session))\n"
    )


def test_selectinload_of_a_backref_is_not_safe(tmp_path):
    """``User.addresses`` exists once the mappers are configured: the option, built
    before the first query, raised ``AttributeError``."""
    program = SQLALCHEMY_REPORT.format(
        query=SCALARS, select="from sqlalchemy import select\n", models=BACKREF_USERS
    )
    result = differential(tmp_path, one_file(_first_query_of_the_process(program)))
    assert not result.changed, result.after
    assert "`backref=`" in result.lint_output, result.lint_output
    assert_same_behaviour(result, "[('u', 1)]")


def test_selectinload_where_the_module_alias_is_bound_again_imports_the_loader(tmp_path):
    """``import sqlalchemy.orm as orm`` and ``orm = ...`` in the loop: the fix does not
    write ``orm.selectinload``, which raised ``UnboundLocalError``; it imports the name."""
    program = "import sqlalchemy.orm as orm\n" + SQLALCHEMY_REPORT.format(
        query=SCALARS, select="from sqlalchemy import select\n", models=USERS
    ).replace(
        "        out.append((user.name, len(user.addresses)))",
        '        orm = "sqlite"\n        out.append((user.name, len(user.addresses), orm))',
    )
    result = differential(tmp_path, one_file(program))
    assert "orm.selectinload" not in result.after, result.after
    assert "selectinload(User.addresses)" in result.after, result.lint_output
    assert_same_behaviour(result, "[('u', 1, 'sqlite')]")


# --- executemany: a connection class given by position; Django's execute_wrapper ---

POSITIONAL_FACTORY = """\
import sqlite3

from audit import AuditConnection


def save(path, names):
    conn = sqlite3.connect(path, 5.0, 0, "DEFERRED", True{factory})
    conn.execute("CREATE TABLE people (name TEXT)")
    rows = [(name,) for name in names]
    for row in rows:
        conn.execute("INSERT INTO people (name) VALUES (?)", row)
    conn.commit()
    conn.close()


save("people.db", ["ann", "bob", "cy"])
total = sqlite3.connect("people.db").execute("SELECT count(*) FROM people").fetchone()[0]
print(total, AuditConnection.sent)
"""

AUDIT_CONNECTION = """\
import sqlite3


class AuditConnection(sqlite3.Connection):
    sent = 0

    def execute(self, sql, parameters=()):
        AuditConnection.sent += 1
        return super().execute(sql, parameters)
"""


def test_executemany_on_a_connection_of_a_class_given_by_position_is_not_safe(tmp_path):
    """sqlite3's sixth positional argument is the factory (a class of another module)."""
    files = {
        "app.py": POSITIONAL_FACTORY.format(factory=", AuditConnection"),
        "audit.py": AUDIT_CONNECTION,
    }
    result = differential(tmp_path, files)
    assert not result.changed, result.after
    assert "a class given to `cursor()` / `connect()`" in result.lint_output, result.lint_output
    assert_same_behaviour(result, "3 4")


def test_executemany_with_five_positional_arguments_keeps_the_fix(tmp_path):
    files = {"app.py": POSITIONAL_FACTORY.format(factory=""), "audit.py": AUDIT_CONNECTION}
    result = differential(tmp_path, files)
    assert "executemany" in result.after, result.lint_output
    assert_same_behaviour(result, "3 0")


WRAPPED = """\
from django.db import connection, transaction


class QueryLog:
    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((params, many))
        return execute(sql, params, many, context)


def save(names):
    log = QueryLog()
    rows = [(name,) for name in names]
    cur = connection.cursor()
    with connection.execute_wrapper(log), transaction.atomic():
        for row in rows:
            cur.execute("INSERT INTO people (name) VALUES (%s)", row)
    return log.queries
"""

WRAPPED_APP = (
    SHOP_SETTINGS.replace('INSTALLED_APPS=["shop"]', "INSTALLED_APPS=[]")
    + """\
from django.db import connection

from store import save

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE people (name TEXT)")
print(save(["ann", "bob"]))
"""
)


def test_executemany_under_djangos_execute_wrapper_is_not_safe(tmp_path):
    files = {"store.py": WRAPPED, "app.py": WRAPPED_APP}
    result = differential(tmp_path, files, target="store.py")
    assert not result.changed, result.after
    assert "`execute_wrapper`" in result.lint_output, result.lint_output
    assert_same_behaviour(result, "[(None, False), (('ann',), False), (('bob',), False)]")


# --- executemany: classes that override execute, seen another way; SQL bound twice ---

PSYCOPG_FACTORY = """\
import psycopg

from audit import AuditCursor

DSN = "{dsn}"


def save(names):
    conn = psycopg.connect(DSN, {factory})
    cur = conn.cursor()
    rows = [(name,) for name in names]
    for row in rows:
        cur.execute("INSERT INTO audited (a) VALUES (%s)", row)
    conn.commit()
    conn.close()


setup = psycopg.connect(DSN, autocommit=True)
setup.execute("DROP TABLE IF EXISTS audited")
setup.execute("CREATE TABLE audited (a text)")
save(["x", "y"])
print(setup.execute("SELECT a FROM audited").fetchall())
"""

AUDIT_CURSOR = """\
import psycopg


class AuditCursor(psycopg.Cursor):
    def execute(self, query, params=None, **kwargs):
        print("audit", params)
        return super().execute(query, params, **kwargs)
"""


def test_executemany_on_a_psycopg_connection_with_a_cursor_factory_is_not_safe(
    tmp_path, postgres_dsn
):
    """``cursor_factory=AuditCursor`` (a class of another module) saw each row."""
    files = {
        "app.py": PSYCOPG_FACTORY.format(dsn=postgres_dsn, factory="cursor_factory=AuditCursor"),
        "audit.py": AUDIT_CURSOR,
    }
    result = differential(tmp_path, files)
    assert not result.changed, result.after
    assert "a class given to `cursor()` / `connect()`" in result.lint_output, result.lint_output
    assert_same_behaviour(result, "audit ('x',)\naudit ('y',)\n[('x',), ('y',)]")


def test_executemany_on_a_psycopg_connection_without_a_factory_keeps_the_fix(
    tmp_path, postgres_dsn
):
    files = {
        "app.py": PSYCOPG_FACTORY.format(dsn=postgres_dsn, factory="autocommit=False"),
        "audit.py": AUDIT_CURSOR,
    }
    result = differential(tmp_path, files)
    assert "executemany(" in result.after, result.lint_output
    assert_same_behaviour(result, "[('x',), ('y',)]")


PSYCOPG_NONE_ROW = """\
import psycopg

DSN = "{dsn}"


def save():
    conn = psycopg.connect(DSN)
    cur = conn.cursor()
    rows = [("a",), None, ("c",)]
    for row in rows:
        cur.execute("INSERT INTO maybe (a) VALUES (%s)", row)
    conn.commit()


setup = psycopg.connect(DSN, autocommit=True)
setup.execute("DROP TABLE IF EXISTS maybe")
setup.execute("CREATE TABLE maybe (a text)")
try:
    save()
except psycopg.errors.SyntaxError:
    print("the statement was sent without parameters")
"""


def test_executemany_of_a_none_row_on_psycopg_is_not_safe(tmp_path, postgres_dsn):
    """``execute(sql, None)`` sends ``%s`` unformatted (a syntax error); ``executemany``
    fails with another error, which the caller's ``except`` does not catch."""
    result = differential(tmp_path, one_file(PSYCOPG_NONE_ROW.format(dsn=postgres_dsn)))
    assert not result.changed, result.after
    assert "a row may be `None`" in result.lint_output, result.lint_output
    assert_same_behaviour(result, "the statement was sent without parameters")


HANDED_CONNECTION = """\
import sqlite3


class {name}(sqlite3.Connection):
    def {method}(self, sql, parameters=()):
        print("audit", parameters)
        return super().execute(sql, parameters)


def save(conn: sqlite3.Connection, names):
    rows = [(name,) for name in names]
    for row in rows:
        conn.execute("INSERT INTO t (a) VALUES (?)", row)


conn = sqlite3.connect(":memory:", factory={name})
conn.execute("CREATE TABLE t (a)")
save(conn, ["x", "y"])
print(conn.execute("SELECT a FROM t").fetchall())
"""


def test_executemany_beside_a_connection_class_that_overrides_execute_is_not_safe(tmp_path):
    """The caller's connection, trusted by its annotation, is the module's own class."""
    program = HANDED_CONNECTION.format(name="AuditConnection", method="execute")
    result = differential(tmp_path, one_file(program))
    assert not result.changed, result.after
    assert "the module defines `AuditConnection`" in result.lint_output, result.lint_output
    assert_same_behaviour(
        result, "audit ()\naudit ('x',)\naudit ('y',)\naudit ()\n[('x',), ('y',)]"
    )


def test_executemany_beside_a_connection_class_with_other_methods_keeps_the_fix(tmp_path):
    program = HANDED_CONNECTION.format(name="AuditConnection", method="explain")
    result = differential(tmp_path, one_file(program))
    assert "executemany(" in result.after, result.lint_output
    assert_same_behaviour(result, "[('x',), ('y',)]")


SQL_ON_TWO_PATHS = """\
import sqlite3


def save(conn: sqlite3.Connection, names, check):
    rows = [(name,) for name in names]
    {binding}
    for row in rows:
        conn.execute(sql, row)


conn = sqlite3.connect(":memory:")
conn.execute("CREATE TABLE t (a)")
save(conn, ["x"], check=True)
print("saved", conn.execute("SELECT count(*) FROM t").fetchone())
"""


def test_executemany_of_sql_the_function_binds_twice_is_not_safe(tmp_path):
    """With ``check`` the loop runs the SELECT, which ``executemany`` refuses."""
    binding = 'sql = "SELECT ?"\n    if not check:\n        sql = "INSERT INTO t (a) VALUES (?)"'
    result = differential(tmp_path, one_file(SQL_ON_TWO_PATHS.format(binding=binding)))
    assert not result.changed, result.after
    assert "binds `sql` more than once" in result.lint_output, result.lint_output
    assert_same_behaviour(result, "saved (0,)")


def test_executemany_of_sql_bound_once_keeps_the_fix(tmp_path):
    binding = 'sql = "INSERT INTO t (a) VALUES (?)"'
    result = differential(tmp_path, one_file(SQL_ON_TWO_PATHS.format(binding=binding)))
    assert "executemany(sql" in result.after, result.lint_output
    assert_same_behaviour(result, "saved (1,)")


# --- set_many: a key that is too long once Django adds its prefix and version ---

FAKE_MEMCACHED = '''\
"""A memcached backend with an in-process transport: Django's own key checks."""
from django.core.cache.backends.memcached import BaseMemcachedCache

STORE = {}


class _Client:
    def __init__(self, servers, **options):
        pass

    def set(self, key, value, timeout=0):
        STORE[key] = value
        return True

    def set_multi(self, data, timeout=0):
        STORE.update(data)
        return []


class _Library:
    Client = _Client


class FakeMemcache(BaseMemcachedCache):
    def __init__(self, server, params):
        super().__init__(server, params, library=_Library, value_not_found_exception=KeyError)

    @property
    def _cache(self):
        return _Client(self._servers)
'''

MEMCACHED_WARM = """\
import django
from django.conf import settings

settings.configure(CACHES={{"default": {{"BACKEND": "fake.FakeMemcache", "LOCATION": "x"}}}})
django.setup()
from django.core.cache import cache

import fake


def warm():
    entries = [("short", 1), ({key!r}, 2)]
    for key, value in entries:
        cache.set(key, value)


try:
    warm()
except Exception as error:
    print("error:", type(error).__name__)
print("stored:", len(fake.STORE))
"""


def test_set_many_of_a_key_too_long_with_its_prefix_keeps_the_loop(tmp_path):
    """249 characters pass a 250 limit, but Django stores ``:1:`` + the key: memcached's
    ``set_many`` refuses it before storing any, where the loop stored the first."""
    files = {"app.py": MEMCACHED_WARM.format(key="k" * 249), "fake.py": FAKE_MEMCACHED}
    result = differential(tmp_path, files)
    assert not result.changed, result.after
    assert "too long once Django adds its prefix" in result.lint_output, result.lint_output
    assert_same_behaviour(result, "error: InvalidCacheKey\nstored: 1")


def test_set_many_of_short_keys_keeps_the_fix(tmp_path):
    files = {"app.py": MEMCACHED_WARM.format(key="k" * 40), "fake.py": FAKE_MEMCACHED}
    result = differential(tmp_path, files)
    assert "set_many(" in result.after, result.lint_output
    assert_same_behaviour(result, "stored: 2")


# --- bulk_create: a manager's own create() in another module, or inherited ---

STAMPING = """\
from django.db import models


class {name}(models.Manager):
    def create(self, **fields):
        fields["name"] = fields["name"].upper()
        return super().create(**fields)
"""

IMPORT_AUTHORS = """\
from shop.models import Author


def import_authors(names):
    for name in names:
        Author.objects.create(name=name)
"""


def _stamped_shop(manager_module: str) -> dict[str, str]:
    files = shop_files(
        IMPORT_AUTHORS,
        'report.import_authors(["dune", "emma"])\n'
        "print(sorted(models.Author.objects.values_list('name', flat=True)))\n",
        extra="\n    objects = Stamping()\n",
    )
    files["shop/models.py"] = "from shop.managers import Stamping\n" + files["shop/models.py"]
    files["shop/managers.py"] = manager_module
    return files


def test_bulk_create_over_a_manager_of_another_module_with_its_own_create_is_declined(
    tmp_path,
):
    files = _stamped_shop(STAMPING.format(name="Stamping"))
    result = fix_shop_report(tmp_path, files, unsafe=True)
    assert not result.changed, result.after
    reasons = declined_reasons(tmp_path / "original", "shop/report.py", "shop")
    assert any("has its own `create()`" in reason for reason in reasons), reasons
    assert_same_behaviour(result, "['DUNE', 'EMMA']")


def test_bulk_create_over_a_manager_that_inherits_its_create_is_declined(tmp_path):
    files = _stamped_shop(
        STAMPING.format(name="BaseStamping") + "\n\nclass Stamping(BaseStamping):\n    pass\n"
    )
    result = fix_shop_report(tmp_path, files, unsafe=True)
    assert not result.changed, result.after
    assert_same_behaviour(result, "['DUNE', 'EMMA']")


def test_bulk_create_over_a_manager_without_its_own_create_keeps_the_fix(tmp_path):
    files = _stamped_shop("from django.db import models\n\n\nclass Stamping(models.Manager):\n"
                          "    pass\n")  # fmt: skip
    result = fix_shop_report(tmp_path, files, unsafe=True)
    assert "bulk_create(" in result.after, result.lint_output
    assert_same_behaviour(result, "['dune', 'emma']")


# --- commit after the loop: a method of the class that rolls back or rebinds ---

SHARDS = """\
import sqlite3


class Store:
    def __init__(self):
        self.conn = sqlite3.connect("shard-0.db")
        self.conn.execute("CREATE TABLE IF NOT EXISTS t (a TEXT UNIQUE)")

    def {helper}

    def save_all(self, names):
        for name in names:
            self.save_row(name)
            self.conn.commit()


store = Store()
store.save_all(["a", "b", "a", "c"])
print(sqlite3.connect("shard-0.db").execute("SELECT a FROM t ORDER BY a").fetchall())
"""

ROLLS_BACK = """save_row(self, name):
        try:
            self.conn.execute("INSERT INTO t (a) VALUES (?)", (name,))
        except sqlite3.IntegrityError:
            self.conn.rollback()"""

PLAIN_INSERT = """save_row(self, name):
        self.conn.execute("INSERT OR IGNORE INTO t (a) VALUES (?)", (name,))"""


def test_commit_after_the_loop_beside_a_method_that_rolls_back_is_declined(tmp_path):
    result = differential(tmp_path, one_file(SHARDS.format(helper=ROLLS_BACK)), unsafe=True)
    assert not result.changed, result.after
    reasons = declined_reasons(tmp_path / "original", "app.py")
    assert any("calls `self.save_row()`" in reason for reason in reasons), reasons
    assert_same_behaviour(result, "[('a',), ('b',), ('c',)]")


def test_commit_after_the_loop_beside_a_plain_method_keeps_the_fix(tmp_path):
    result = differential(tmp_path, one_file(SHARDS.format(helper=PLAIN_INSERT)), unsafe=True)
    assert result.changed, result.lint_output
    assert_same_behaviour(result, "[('a',), ('b',), ('c',)]")


def test_commit_after_the_loop_beside_a_method_that_rebinds_the_connection_is_declined(
    tmp_path,
):
    helper = (
        "save_row(self, name):\n"
        '        self.conn = sqlite3.connect(f"shard-{name}.db")\n'
        '        self.conn.execute("CREATE TABLE IF NOT EXISTS t (a TEXT)")\n'
        '        self.conn.execute("INSERT INTO t (a) VALUES (?)", (name,))'
    )
    program = SHARDS.format(helper=helper).replace(
        'print(sqlite3.connect("shard-0.db")', 'print(sqlite3.connect("shard-a.db")'
    )
    result = differential(tmp_path, one_file(program), unsafe=True)
    assert not result.changed, result.after
    reasons = declined_reasons(tmp_path / "original", "app.py")
    assert any("binds `self.conn` again" in reason for reason in reasons), reasons
    assert_same_behaviour(result, "[('a',), ('a',)]")


# --- queue maxsize: a put that waits only so long ---

TIMED_PUT = """\
import queue

backlog = queue.Queue()


def enqueue(items):
    for item in items:
        backlog.put(item{wait})


try:
    enqueue(range(1500))
except queue.Full:
    print("Full")
print(backlog.qsize())
"""


def test_queue_maxsize_beside_a_put_with_a_timeout_is_declined(tmp_path):
    result = differential(tmp_path, one_file(TIMED_PUT.format(wait=", timeout=0.01")), unsafe=True)
    assert not result.changed, result.after
    reasons = declined_reasons(tmp_path / "original", "app.py")
    assert any("put(..., timeout=...)" in reason for reason in reasons), reasons
    assert_same_behaviour(result, "1500")


# --- ack every N (preview): a handler that leaves a message unacked on purpose ---

FAKE_CHANNEL = '''\
"""A stand-in for a pika channel with RabbitMQ's ack semantics: tags count from 1, a
cumulative ack acks every outstanding tag up to it, closing requeues what is unacked."""
import types


class Channel:
    def __init__(self, bodies):
        self.queue, self.unacked, self.tag, self.prefetch = list(bodies), {}, 0, 0

    def basic_qos(self, prefetch_count=0):
        self.prefetch = prefetch_count

    def basic_consume(self, queue, on_message_callback):
        self.callback = on_message_callback

    def basic_ack(self, delivery_tag=0, multiple=False):
        for tag in [t for t in self.unacked if t <= delivery_tag or not multiple]:
            if multiple or tag == delivery_tag:
                del self.unacked[tag]

    def start_consuming(self):
        while self.queue and len(self.unacked) < self.prefetch:
            self.tag += 1
            self.unacked[self.tag] = body = self.queue.pop(0)
            self.callback(self, types.SimpleNamespace(delivery_tag=self.tag), None, body)

    def close(self):
        return list(self.unacked.values())
'''

CONSUMER = """\
from channel import Channel

PREFETCH = 8


def handle(body):
    if body == "m3":
        raise ValueError("not yet")


def on_message(channel, method, properties, body):
{handler}


channel = Channel([f"m{{number}}" for number in range(1, 9)])
channel.basic_qos(prefetch_count=PREFETCH)
channel.basic_consume(queue="jobs", on_message_callback=on_message)
channel.start_consuming()
print("redelivered after a restart:", channel.close())
"""

SKIPS = """\
    try:
        handle(body)
    except ValueError:
        return
    channel.basic_ack(delivery_tag=method.delivery_tag)"""


def test_ack_every_in_a_handler_that_skips_a_message_is_declined(tmp_path):
    """m3 is left unacked; a later cumulative ack at tag 4 would ack it too."""
    files = {"app.py": CONSUMER.format(handler=SKIPS), "channel.py": FAKE_CHANNEL}
    result = differential(tmp_path, files, unsafe=True, preview=True)
    assert not result.changed, result.after
    reasons = declined_reasons(tmp_path / "original", "--preview", "app.py")
    assert any("can end without acking" in reason for reason in reasons), reasons
    assert_same_behaviour(result, "redelivered after a restart: ['m3']")


def test_ack_every_in_a_handler_that_always_acks_keeps_the_fix(tmp_path):
    handler = "    handle(body.replace('m3', 'm33'))\n    channel.basic_ack(method.delivery_tag)"
    files = {"app.py": CONSUMER.format(handler=handler), "channel.py": FAKE_CHANNEL}
    result = differential(tmp_path, files, unsafe=True, preview=True)
    assert "multiple=True" in result.after, result.lint_output
    assert_same_behaviour(result, "redelivered after a restart: []")
