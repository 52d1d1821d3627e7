"""Programs just outside a safe fix's conditions that ``--fix`` used to rewrite into a
program that does something else (round 27's adversarial review, /tmp/adv5). Each runs the
original and the fixed program on real sqlite3, Django or SQLAlchemy, compares what they
print and how they end, and first checks the original really exercises the case; each
has a near miss that keeps the fix."""

from __future__ import annotations

from support.differential import assert_same_behaviour, differential, one_file

DJANGO_SQLITE = """\
import django
from django.conf import settings

settings.configure(
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
)
django.setup()
from django.db import connection, transaction

"""


RETURNING = """\
    import sqlite3


    def save(conn: sqlite3.Connection):
        rows = [("a",), ("b",)]
        cur = conn.cursor()
        for row in rows:
            cur.execute("INSERT INTO events (name) VALUES (?){returning}", row)
        conn.commit()


    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, name TEXT)")
    try:
        save(conn)
    except sqlite3.OperationalError as error:
        print(error)
    print(conn.execute("SELECT name FROM events").fetchall())
    """


def test_executemany_of_a_statement_returning_rows_keeps_the_loop(tmp_path):
    """``RETURNING``: the unread row of the last ``execute`` keeps the statement in
    progress, so the commit fails; ``executemany`` discards the rows, and it succeeds."""
    result = differential(tmp_path, one_file(RETURNING.format(returning=" RETURNING id")))
    assert not result.changed, result.after
    assert_same_behaviour(
        result, "cannot commit transaction - SQL statements in progress\n[('a',), ('b',)]"
    )


def test_executemany_of_a_plain_insert_keeps_the_fix(tmp_path):
    result = differential(tmp_path, one_file(RETURNING.format(returning="")))
    assert "executemany(" in result.after, result.lint_output
    assert_same_behaviour(result, "[('a',), ('b',)]")


NO_PARAMETERS = """\
    def touch(names, params):
        rows = [params for name in names]
        cursor = connection.cursor()
        with transaction.atomic():
            for row in rows:
                cursor.execute("UPDATE counter SET n = n + %s", row)


    connection.cursor().execute("CREATE TABLE counter (n INTEGER)")
    connection.cursor().execute("INSERT INTO counter VALUES (0)")
    touch(["a", "b", "c"], {params})
    print(connection.cursor().execute("SELECT n FROM counter").fetchall())
    """


def test_django_executemany_of_rows_that_may_be_none_keeps_the_loop(tmp_path):
    """Django's ``execute(sql, None)`` runs without parameters; its ``executemany`` hands
    each ``None`` to sqlite3 as a row, which it rejects."""
    body = NO_PARAMETERS.replace("n + %s", "n + 1")
    result = differential(tmp_path, one_file(body.format(params="None"), DJANGO_SQLITE))
    assert not result.changed, result.after
    assert_same_behaviour(result, "[(3,)]")


def test_django_executemany_of_tuple_rows_keeps_the_fix(tmp_path):
    """Near miss: every row is a tuple display."""
    body = NO_PARAMETERS.replace(
        "rows = [params for name in names]", "rows = [(2,) for name in names]"
    )
    result = differential(tmp_path, one_file(body.format(params="None"), DJANGO_SQLITE))
    assert "executemany(" in result.after, result.lint_output
    assert_same_behaviour(result, "[(6,)]")


GLOBAL_PARAMETER = """\
    import sqlite3

    last_seen = "-"


    def remember(name):
        global last_seen
        last_seen = name
        return name


    def save(conn: sqlite3.Connection):
        names = ["a", "b", "c"]
        for name in names:
            conn.execute("INSERT INTO seen VALUES (remember(?), ?)", ({second}))


    conn = sqlite3.connect(":memory:")
    conn.create_function("remember", 1, remember)
    conn.execute("CREATE TABLE seen (name, previous)")
    save(conn)
    print(conn.execute("SELECT * FROM seen").fetchall())
    """


def test_executemany_reading_a_global_the_writes_rebind_keeps_the_loop(tmp_path):
    """The parameters read a global that a SQL function of the statement rebinds: the
    loop reads it after each write, the comprehension for every row before the first."""
    result = differential(tmp_path, one_file(GLOBAL_PARAMETER.format(second="name, last_seen")))
    assert not result.changed, result.after
    assert_same_behaviour(result, "[('a', '-'), ('b', 'a'), ('c', 'b')]")


def test_executemany_reading_only_locals_keeps_the_fix(tmp_path):
    """Near miss: only locals, the SQL function registered by another module (registered
    by this one, the fix is unsafe: round 28)."""
    program = GLOBAL_PARAMETER.format(second="name, name").replace(
        'conn.create_function("remember", 1, remember)', "hooks.install(conn, remember)"
    )
    hooks = 'def install(conn, function):\n    conn.create_function("remember", 1, function)\n'
    files = {**one_file(program, "import hooks\n"), "hooks.py": hooks}
    result = differential(tmp_path, files)
    assert "executemany(" in result.after, result.lint_output
    assert_same_behaviour(result, "[('a', 'a'), ('b', 'b'), ('c', 'c')]")


# --- TL101's eager load: what the loop body does to rows the load would read early ---

SQLALCHEMY = """\
    from sqlalchemy import ForeignKey, create_engine, select
    from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


    class Base(DeclarativeBase):
        pass


    class User(Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str]
        addresses: Mapped[list["Address"]] = relationship()


    class Address(Base):
        __tablename__ = "addresses"
        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str]
        user_id: Mapped["int | None"] = mapped_column(ForeignKey("users.id"))
        owner: Mapped["User | None"] = relationship(overlaps="addresses")


    def report(session, archive, stale):
        seen = []
        for user in session.scalars(select(User).where(User.name != "archive").order_by(User.id)):
            print(user.name, sorted(a.email for a in user.addresses))
            if user.name == "ann":
                {change}


    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([
            User(name="ann", addresses=[Address(email="a@x")]),
            User(name="bob", addresses=[Address(email="stale@x")]),
            User(name="archive"),
        ])
        session.commit()
    with Session(engine) as session:
        archive = session.scalars(select(User).where(User.name == "archive")).one()
        stale = session.scalars(select(Address).where(Address.email == "stale@x")).one()
        report(session, archive, stale)
    """


def test_eager_load_beside_a_change_to_another_objects_collection_keeps_the_loop(tmp_path):
    """``archive.addresses.append(stale)`` is a pending change to a mapped collection:
    the next lazy load flushes it first (bob's address moves to the archive), a load up
    front does not see it."""
    body = SQLALCHEMY.format(change="archive.addresses.append(stale)")
    result = differential(tmp_path, one_file(body))
    assert not result.changed, result.after
    assert_same_behaviour(result, "ann ['a@x']\nbob []")


def test_eager_load_beside_a_deleted_relation_keeps_the_loop(tmp_path):
    """``del stale.owner`` changes a mapped object as an assignment does."""
    body = SQLALCHEMY.format(change="del stale.owner")
    result = differential(tmp_path, one_file(body))
    assert not result.changed, result.after
    assert_same_behaviour(result, "ann ['a@x']\nbob []")


def test_eager_load_beside_a_local_list_keeps_the_fix(tmp_path):
    """Near miss: appending to a list of the function writes no row."""
    body = SQLALCHEMY.format(change="seen.append(stale)")
    result = differential(tmp_path, one_file(body))
    assert "selectinload" in result.after, result.lint_output
    assert_same_behaviour(result, "ann ['a@x']\nbob ['stale@x']")


DJANGO_SHOP = {
    "shop/__init__.py": "",
    "shop/models.py": """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        app_label = "shop"


class Book(models.Model):
    title = models.CharField(max_length=50)
    author = models.ForeignKey(Author, on_delete=models.CASCADE)

    class Meta:
        app_label = "shop"
""",
    "app.py": """\
import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["shop"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)
django.setup()
from django.db import connection

from shop.models import Author, Book
from shop import report

with connection.schema_editor() as editor:
    editor.create_model(Author)
    editor.create_model(Book)
ann = Author.objects.create(name="ann")
Book.objects.create(title="one", author=ann)
Book.objects.create(title="two", author=ann)
report.walk()
""",
}

WALK = """\
from shop.models import Book


def shout(author):
    author.name = author.name.upper()
    author.save()


def walk():
    for book in Book.objects.order_by("id"):
        print(book.title, book.author.name)
        {call}
"""


def test_eager_load_beside_a_builtin_calling_project_code_keeps_the_loop(tmp_path):
    """``map(shout, ...)`` calls ``shout``, which saves the author the next book reads."""
    files = {**DJANGO_SHOP, "shop/report.py": WALK.format(call="list(map(shout, [book.author]))")}
    result = differential(tmp_path, files, target="shop/report.py", lint=("shop",))
    assert not result.changed, result.after
    assert_same_behaviour(result, "one ann\ntwo ANN")


def test_eager_load_beside_a_builtin_calling_a_builtin_keeps_the_fix(tmp_path):
    """Near miss: ``map(str, ...)`` runs no code of the program."""
    files = {**DJANGO_SHOP, "shop/report.py": WALK.format(call="list(map(str, [book.title]))")}
    result = differential(tmp_path, files, target="shop/report.py", lint=("shop",))
    assert "select_related" in result.after, result.lint_output
    assert_same_behaviour(result, "one ann\ntwo ann")


# --- TL401's set_many: keys the cache checks all at once ---

REDIS_CACHE = """\
import warnings

import django
from django.conf import settings

settings.configure(
    CACHES={{"default": {{"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": {url!r}}}}}
)
django.setup()
from django.core.cache import cache

warnings.simplefilter("error")  # as under ``pytest -W error``


def warm():
    labels = [("label:home", "Home"), ({key!r}, "About"), ("label:faq", "FAQ")]
    for key, text in labels:
        cache.set(key, text)


cache.clear()
try:
    warm()
except Exception as error:
    print("error:", type(error).__name__)
print([cache.get(key) for key in ("label:home", "label:faq")])
"""


def test_set_many_with_a_key_the_cache_warns_about_keeps_the_loop(tmp_path, redis_url):
    """A key with a space: Django warns (an error under ``-W error``), and the redis
    backend's ``set_many`` checks every key before storing any, where the loop stored
    the keys before it."""
    files = {"app.py": REDIS_CACHE.format(url=redis_url, key="label:about us")}
    result = differential(tmp_path, files)
    assert not result.changed, result.after
    assert_same_behaviour(result, "error: CacheKeyWarning\n['Home', None]")


def test_set_many_with_plain_literal_keys_keeps_the_fix(tmp_path, redis_url):
    files = {"app.py": REDIS_CACHE.format(url=redis_url, key="label:about")}
    result = differential(tmp_path, files)
    assert "set_many(" in result.after, result.lint_output
    assert_same_behaviour(result, "['Home', 'FAQ']")


CONDITIONAL = """\
    import enum

    from sqlalchemy import Enum, ForeignKey, create_engine, select, text
    from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


    class Kind(enum.Enum):
        home = "home"
        work = "work"


    class Base(DeclarativeBase):
        pass


    class User(Base):
        __tablename__ = "users"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str]
        addresses: Mapped[list["Address"]] = relationship()


    class Address(Base):
        __tablename__ = "addresses"
        id: Mapped[int] = mapped_column(primary_key=True)
        kind: Mapped[Kind] = mapped_column(Enum(Kind, native_enum=False, validate_strings=True))
        user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


    def print_staff(session):
        for user in session.scalars(select(User).order_by(User.id)):
            {read}


    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        ann = User(name="staff-ann", addresses=[Address(kind=Kind.work)])
        session.add_all([ann, User(name="bob")])
        session.commit()
        # a row another program wrote, with a kind this one does not know
        session.execute(text("INSERT INTO addresses (kind, user_id) VALUES ({legacy}, 2)"))
        session.commit()
    with Session(engine) as session:
        try:
            print_staff(session)
        except LookupError:
            print("LookupError")
    """


def test_eager_load_of_a_relation_read_under_a_condition_keeps_the_loop(tmp_path):
    """The loop reads staff users' addresses only; loaded with the query, bob's are read
    too, and one of them does not load."""
    read = (
        'if user.name.startswith("staff"):\n'
        "                print(user.name, [a.kind.value for a in user.addresses])"
    )
    result = differential(tmp_path, one_file(CONDITIONAL.format(read=read, legacy="'holiday'")))
    assert not result.changed, result.after
    assert_same_behaviour(result, "staff-ann ['work']")


def test_eager_load_of_a_relation_read_on_every_pass_keeps_the_fix(tmp_path):
    """Near miss: read for every user, of rows that all load. (A row that cannot load
    fails both programs then, the fixed one before its first line: the safe fix assumes
    the related rows load; it is unsafe only where the loop would not read them.)"""
    read = "print(user.name, [a.kind.value for a in user.addresses])"
    result = differential(tmp_path, one_file(CONDITIONAL.format(read=read, legacy="'home'")))
    assert "selectinload" in result.after, result.lint_output
    assert_same_behaviour(result, "staff-ann ['work']\nbob ['home']")


CLIENT_MAIN = (
    DJANGO_SHOP["app.py"]
    .replace(
        'DEFAULT_AUTO_FIELD="django.db.models.AutoField",',
        'DEFAULT_AUTO_FIELD="django.db.models.AutoField",\n'
        '    ROOT_URLCONF="shop.urls",\n'
        '    ALLOWED_HOSTS=["testserver"],',
    )
    .replace("report.walk()", "from django.test import Client\n\nreport.walk(Client())")
)
CLIENT_FILES = {
    **DJANGO_SHOP,
    "app.py": CLIENT_MAIN,
    "shop/urls.py": (
        "from django.urls import path\n\nfrom shop import views\n\n"
        'urlpatterns = [path("shout/<int:pk>/", views.shout)]\n'
    ),
    "shop/views.py": (
        "from django.http import HttpResponse\n\nfrom shop.models import Author\n\n\n"
        "def shout(request, pk):\n"
        "    author = Author.objects.get(pk=pk)\n"
        "    author.name = author.name.upper()\n"
        "    author.save()\n"
        '    return HttpResponse("ok")\n'
    ),
}
CLIENT_WALK = """\
from shop.models import Book


def walk(client):
    seen = {{}}
    for book in Book.objects.order_by("id"):
        print(book.title, book.author.name)
        {call}
"""


def test_eager_load_beside_a_request_whose_handler_writes_keeps_the_loop(tmp_path):
    """``client.get(url)`` runs a view that saves the author the next book reads; a
    ``get`` is trusted only on a manager, a queryset, the loop's item or a container the
    function builds."""
    report = CLIENT_WALK.format(call='client.get("/shout/%d/" % book.author_id)')
    files = {**CLIENT_FILES, "shop/report.py": report}
    result = differential(tmp_path, files, target="shop/report.py", lint=("shop",))
    assert not result.changed, result.after
    assert_same_behaviour(result, "one ann\ntwo ANN")


def test_eager_load_beside_a_dict_get_keeps_the_fix(tmp_path):
    """Near miss: ``get`` of a dict the function builds."""
    report = CLIENT_WALK.format(call="seen.get(book.title)")
    files = {**CLIENT_FILES, "shop/report.py": report}
    result = differential(tmp_path, files, target="shop/report.py", lint=("shop",))
    assert "select_related" in result.after, result.lint_output
    assert_same_behaviour(result, "one ann\ntwo ann")
