"""Programs just outside a fix's conditions that ``--fix`` used to rewrite into a program
that does something else (round 28's adversarial review: eager loading, set_many,
bulk_create, the SimpleQueue and open() fixes). Each runs the original and the fixed
program on real Django, SQLAlchemy or files, compares what they print and how they end,
and first checks the original really exercises the case; near misses keep the fix."""

from __future__ import annotations

from support.differential import assert_same_behaviour, differential, one_file
from support.django_programs import LEGACY_COMMENTS, TWO_BOOKS, fix_shop_report, shop_files
from support.sqlalchemy_programs import SCALARS, SQLALCHEMY_REPORT, USERS

# --- eager loading: calls in the body that run project code ---

LISTING = """\
from shop.models import Author, Book
{helper}

def listing():
    out = []
    for book in Book.objects.order_by("id"):
        out.append((book.title, book.author.name))
        {call}
    return out
"""

MARK = """\
from django.db.models import F, Value
from django.db.models.functions import Concat


def {name}(book):
    Author.objects.filter(pk=book.author_id).update(name=Concat(F("name"), Value("*")))
"""


def test_eager_load_beside_a_project_function_named_like_a_builtin_keeps_the_loop(tmp_path):
    """``format(book)`` is the project's own function, which renames the author that the
    next book reads."""
    report = LISTING.format(helper=MARK.format(name="format"), call="format(book)")
    result = fix_shop_report(tmp_path, shop_files(report, TWO_BOOKS + "print(report.listing())\n"))
    assert not result.changed, result.after
    assert_same_behaviour(result, "[('one', 'ann'), ('two', 'ann*')]")


HISTORY = """\
from django.db.models import F, Value
from django.db.models.functions import Concat


class AuthorHistory:
    def log(self, book):
        Author.objects.filter(pk=book.author_id).update(name=Concat(F("name"), Value("+")))

    def replace(self, book):
        self.log(book)


history = AuthorHistory()
"""


def test_eager_load_beside_a_logging_named_method_given_the_row_keeps_the_loop(tmp_path):
    """``history.log(book)`` / ``history.replace(book)``: methods named like a logger's
    and a string's, of a project object, handed the row."""
    for call in ("history.log(book)", "history.replace(book)"):
        report = LISTING.format(helper=HISTORY, call=call)
        folder = tmp_path / call[8:11]
        folder.mkdir()
        result = fix_shop_report(
            folder, shop_files(report, TWO_BOOKS + "print(report.listing())\n")
        )
        assert not result.changed, result.after
        assert_same_behaviour(result, "[('one', 'ann'), ('two', 'ann+')]")


def test_eager_load_beside_a_logger_given_a_field_keeps_the_fix(tmp_path):
    """Near miss: a logger handed a field of the row, not the row."""
    helper = "import logging\n\nlogger = logging.getLogger(__name__)\n"
    report = LISTING.format(helper=helper, call='logger.info("listed %s", book.title)')
    result = fix_shop_report(tmp_path, shop_files(report, TWO_BOOKS + "print(report.listing())\n"))
    assert 'select_related("author")' in result.after, result.lint_output
    assert_same_behaviour(result, "[('one', 'ann'), ('two', 'ann')]")


# --- eager loading: a relation read on some evaluations of its statement ---

GENERIC = """\
from shop.models import Comment


def show():
    for comment in Comment.objects.order_by("id"):
        print(comment.text, {read})
"""


def test_eager_load_of_a_relation_read_in_a_branch_of_its_statement_keeps_the_loop(tmp_path):
    """``x if c else y``, ``c and x``, a comprehension's element: the skipped row's
    target (an id its model cannot take) is never loaded by the loop."""
    reads = (
        'comment.target if comment.text != "c2" else "-"',
        'comment.text != "c2" and comment.target',
        '[comment.target for _ in range(comment.text != "c2")]',
    )
    for number, read in enumerate(reads):
        folder = tmp_path / str(number)
        folder.mkdir()
        result = fix_shop_report(folder, shop_files(GENERIC.format(read=read), LEGACY_COMMENTS))
        assert not result.changed, result.after
        assert result.fixed == result.original
        assert "c2" in result.original.stdout


# --- eager loading: rows a custom manager builds ---

AUTHORS = """\
from shop.models import Book


def titles():
    out = []
    for book in Book.{manager}.all():
        out.append((book.title, book.author.name))
    return out
"""

SLIM_QUERYSET = """
class SlimBooks(models.QuerySet):
    def all(self):
        return super().all().only("id", "title")
"""

SLIM_MANAGER = """
class SlimManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().only("id", "title")


class Listed(models.Model):
    objects = SlimManager()

    class Meta:
        abstract = True
"""


def test_select_related_on_a_queryset_manager_that_defers_fields_is_declined(tmp_path):
    """``objects = SlimBooks.as_manager()`` whose ``all()`` defers the author: Django
    refuses ``select_related`` of a deferred field."""
    files = shop_files(
        AUTHORS.format(manager="objects"),
        TWO_BOOKS + "print(report.titles())\n",
        extra=SLIM_QUERYSET,
        manager="    objects = SlimBooks.as_manager()\n",
    )
    result = fix_shop_report(tmp_path, files)
    assert not result.changed, result.after
    assert_same_behaviour(result, "[('one', 'ann'), ('two', 'ann')]")


def test_select_related_on_a_manager_inherited_from_an_abstract_base_is_declined(tmp_path):
    files = shop_files(
        AUTHORS.format(manager="objects"),
        TWO_BOOKS + "print(report.titles())\n",
        extra=SLIM_MANAGER,
    )
    files["shop/models.py"] = files["shop/models.py"].replace(
        "class Book(models.Model):", "class Book(Listed):"
    )
    result = fix_shop_report(tmp_path, files)
    assert not result.changed, result.after
    assert_same_behaviour(result, "[('one', 'ann'), ('two', 'ann')]")


def test_select_related_on_a_queryset_manager_with_its_own_methods_keeps_the_fix(tmp_path):
    """Near miss: the queryset class adds a method and overrides none of Django's."""
    extra = (
        "\nclass Books(models.QuerySet):\n    def titled(self, title):\n"
        "        return self.filter(title=title)\n"
    )
    ordered = AUTHORS.replace(".all():", '.all().order_by("pk"):')  # else unsafe: row order
    files = shop_files(
        ordered.format(manager="objects"),
        TWO_BOOKS + "print(report.titles())\n",
        extra=extra,
        manager="    objects = Books.as_manager()\n",
    )
    result = fix_shop_report(tmp_path, files)
    assert 'select_related("author")' in result.after, result.lint_output
    assert_same_behaviour(result, "[('one', 'ann'), ('two', 'ann')]")


# --- eager loading: SQLAlchemy ---


def test_selectinload_through_the_projects_own_select_is_not_offered(tmp_path):
    """The project's ``select()`` adds ``raiseload("*")``: the lazy load raises."""
    strict = 'def select(entity):\n    return sqlalchemy.select(entity).options(raiseload("*"))\n'
    result = differential(
        tmp_path, one_file(SQLALCHEMY_REPORT.format(query=SCALARS, select=strict, models=USERS))
    )
    assert not result.changed, result.after
    assert_same_behaviour(result, "InvalidRequestError")


def test_selectinload_through_sqlalchemys_select_keeps_the_fix(tmp_path):
    result = differential(
        tmp_path,
        one_file(
            SQLALCHEMY_REPORT.format(
                query=SCALARS, select="from sqlalchemy import select\n", models=USERS
            )
        ),
    )
    assert "selectinload" in result.after, result.lint_output
    assert_same_behaviour(result, "[('u', 1)]")


ASYNC = """\
import asyncio

from sqlalchemy import ForeignKey, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


{models}

async def report(session: AsyncSession):
    out = []
    for user in await session.scalars(select(User)):
        out.append((user.name, len(user.addresses)))
    return out


async def main():
    engine = create_async_engine("sqlite+aiosqlite://")
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    async with AsyncSession(engine) as session:
        session.add(User(id=1, name="u"))
        session.add(Address(user_id=1))
        await session.commit()
    async with AsyncSession(engine) as session:
        try:
            print(await report(session))
        except Exception as error:
            print(type(error).__name__)
    await engine.dispose()


asyncio.run(main())
"""


def test_selectinload_in_a_coroutine_is_not_safe(tmp_path):
    """A plain ``for`` in an ``async def``: the lazy load raises ``MissingGreenlet``
    (wrapped), loaded with the query it would succeed."""
    result = differential(tmp_path, one_file(ASYNC.format(models=USERS)))
    assert not result.changed, result.after
    assert_same_behaviour(result, "StatementError")


# --- bulk_create (unsafe) ---

ADD = """\
from shop.models import Author, Book


def add(titles):
    author = Author.objects.get(name="ann")
    for title in titles:
        author.books.create(title=title)


def add_plain(titles, author):
    for title in titles:
        Book.objects.create(title=title, author=author)
"""


def test_bulk_create_is_not_offered_on_a_related_manager(tmp_path):
    """``author.books.create(...)``: the rewrite called the instance (``author(...)``)."""
    scenario = (
        'ann = models.Author.objects.create(name="ann")\nreport.add(["x", "y"])\n'
        'report.add_plain(["z"], ann)\n'
        'print(list(models.Book.objects.order_by("id").values_list("title", flat=True)))\n'
    )
    result = fix_shop_report(tmp_path, shop_files(ADD, scenario), unsafe=True)
    assert "author.books.create(title=title)" in result.after, result.after
    assert "Book.objects.bulk_create(" in result.after, result.lint_output  # the near miss
    assert_same_behaviour(result, "['x', 'y', 'z']")


# --- set_many: keys from a comprehension ---

SEEN = """\
import django
from django.conf import settings

settings.configure(
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                        "OPTIONS": {"MAX_ENTRIES": 3, "CULL_FREQUENCY": 3}}}
)
django.setup()
from django.core.cache import cache


def mark_seen(users):
    pairs = [("seen", True) for user in users]
    for key, value in pairs:
        cache.set(key, value)


cache.clear()
for name in ("a", "b", "c"):
    cache.set(name, name)
mark_seen(["u1", "u2", "u3"])
print({k: cache.get(k) for k in ("a", "b", "c", "seen")})
"""


def test_set_many_of_keys_a_comprehension_repeats_is_not_safe(tmp_path):
    """One literal key per user: the loop stores it three times (the locmem cache culls
    on each), ``set_many`` once."""
    result = differential(tmp_path, one_file(SEEN))
    assert not result.changed, result.after
    assert_same_behaviour(result, "{'a': None, 'b': None, 'c': 'c', 'seen': True}")


# --- open() hoisted (unsafe, preview) and SimpleQueue (unsafe) ---

CLOSED = """\
import os


def dump(path, rows):
    for row in rows:
        out = open(path, "a")
        out.write(f"{row}\\n")
        out.close()
        try:
            out.write("late\\n")
        except ValueError:
            print("closed")


if os.path.exists("x.log"):
    os.remove("x.log")
dump("x.log", [1, 2])
print(repr(open("x.log").read()))
"""


def test_open_is_not_hoisted_when_the_file_is_used_after_its_close(tmp_path):
    result = differential(tmp_path, one_file(CLOSED), unsafe=True, preview=True)
    assert not result.changed, result.after
    assert_same_behaviour(result, "closed\nclosed\n'1\\n2\\n'")


def test_open_is_hoisted_when_nothing_follows_its_close(tmp_path):
    """Near miss: the close ends the pass."""
    program = CLOSED.replace(
        '        try:\n            out.write("late\\n")\n        except ValueError:\n'
        '            print("closed")\n',
        "",
    ).replace(
        '        out.write(f"{row}\\n")\n', '        out.write(f"{row}\\n")\n        print(row)\n'
    )
    result = differential(tmp_path, one_file(program), unsafe=True, preview=True)
    assert "with open(" in result.after, result.lint_output
    assert_same_behaviour(result, "1\n2\n'1\\n2\\n'")


REEXPORTED = {
    "jobs.py": """\
import threading
from queue import SimpleQueue


def start(items):
    q = SimpleQueue()
    threading.Thread(target=lambda: [q.put(i) for i in items]).start()
    return q
""",
    "app.py": """\
from jobs import SimpleQueue, start

q = start(range(3))
print(sorted(q.get() for _ in range(3)), SimpleQueue.__name__)
""",
}


def test_simple_queue_fix_keeps_the_import_another_module_uses(tmp_path):
    result = differential(tmp_path, REEXPORTED, target="jobs.py", unsafe=True)
    assert "Queue(maxsize=1000)" in result.after, result.lint_output
    assert_same_behaviour(result, "[0, 1, 2] SimpleQueue")
