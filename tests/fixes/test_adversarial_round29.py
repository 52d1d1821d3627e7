"""Programs just outside a fix's conditions that ``--fix`` used to rewrite into a program
that does something else (round 29). Each runs the original and the fixed program on real
Django, compares what they print and how they end, and first checks that the original
exercises the case; near misses keep the fix."""

from __future__ import annotations

from support.differential import assert_same_behaviour, differential, one_file
from support.django_programs import LEGACY_COMMENTS, TWO_BOOKS, fix_shop_report, shop_files
from support.sqlalchemy_programs import SQLALCHEMY_REPORT, USERS

DISTINCT_LISTING = """\
from shop.models import Book


def listing():
    return [(book.title, book.author.name) for book in rows()]


def rows():
    out = []
    for book in Book.objects.{chain}:
        out.append(book)
        book.author.name
    return out
"""

# Books whose authors' names are out of the order the books were written in: a DISTINCT
# over the joined columns that SQLite sorts returns them in another order.
SHUFFLED_AUTHORS = """\
for number, name in enumerate("RQYIPWEO"):
    author = models.Author.objects.create(name=name)
    models.Book.objects.create(title=f"t{number}", author=author)
print(report.listing())
"""
LISTED = str([(f"t{number}", name) for number, name in enumerate("RQYIPWEO")])


def test_select_related_on_an_unordered_distinct_query_is_not_safe(tmp_path):
    """``Book.objects.distinct()``: the join's columns join the DISTINCT and SQLite
    returns the rows in another order; the fix is unsafe (offered with
    ``--unsafe-fixes`` only)."""
    files = shop_files(DISTINCT_LISTING.format(chain="distinct()"), SHUFFLED_AUTHORS)
    result = fix_shop_report(tmp_path, files)
    assert not result.changed, result.after
    assert "distinct()` without `order_by()`" in result.lint_output, result.lint_output
    assert_same_behaviour(result, LISTED)


def test_select_related_on_an_ordered_distinct_query_keeps_the_fix(tmp_path):
    files = shop_files(DISTINCT_LISTING.format(chain='distinct().order_by("id")'), SHUFFLED_AUTHORS)
    result = fix_shop_report(tmp_path, files)
    assert 'select_related("author")' in result.after, result.lint_output
    assert_same_behaviour(result, LISTED)


# --- eager loading: a statement before the read, or after it, ends the pass ---

GUARDED = """\
import sys

from shop.models import Comment


def show():
    for comment in Comment.objects.order_by("id"):
{body}
"""

PASS_ENDINGS = {
    "a guard that skips the row": (
        '        if comment.object_id.startswith("legacy-"):\n'
        "            continue\n"
        "        print(comment.text, comment.target)"
    ),
    "exit() after the first": (
        "        print(comment.text, comment.target)\n"
        '        if comment.text == "c1":\n'
        "            sys.exit(0)"
    ),
    "an assert that stops": (
        '        print(comment.text, comment.target)\n        assert comment.text != "c1"'
    ),
}


def test_eager_load_of_a_relation_read_on_passes_that_end_early_keeps_the_loop(tmp_path):
    """A row the loop skips (``continue``) or never reaches (``exit()``, ``assert``) holds
    a target its model cannot load: loaded with the query, every row's is read first."""
    for number, (name, body) in enumerate(PASS_ENDINGS.items()):
        folder = tmp_path / str(number)
        folder.mkdir()
        result = fix_shop_report(folder, shop_files(GUARDED.format(body=body), LEGACY_COMMENTS))
        assert not result.changed, (name, result.after)
        assert result.fixed == result.original, name
        assert "c1" in result.original.stdout, (name, result.original)


ORDERED_LISTING = """\
from shop.models import Book


def listing():
    out = []
    for book in Book.objects.order_by("id"):
        for tag in ("a", "b"):
            if tag == "a":
                continue
        out.append((book.title, book.author.name))
    return out
"""


def test_eager_load_after_a_continue_of_an_inner_loop_keeps_the_fix(tmp_path):
    """Near miss: the ``continue`` belongs to a loop nested in the pass."""
    files = shop_files(ORDERED_LISTING, TWO_BOOKS + "print(report.listing())\n")
    result = fix_shop_report(tmp_path, files)
    assert 'select_related("author")' in result.after, result.lint_output
    assert_same_behaviour(result, "[('one', 'ann'), ('two', 'ann')]")


# --- eager loading: project code reached through a method named like a read or a log ---

BUMPING = """\
import logging

from django.db.models import F, Value
from django.db.models.functions import Concat

from shop.models import Author, Book

logger = logging.getLogger(__name__)


def _bump(**where):
    Author.objects.filter(**where).update(name=Concat(F("name"), Value("+")))


class Audit:
    def log(self, author):
        _bump(pk=author.pk)


class Client:
    def get(self, path):
        _bump(books__pk=int(path))


audit = Audit()


class Views:
    def __init__(self):
        self.client = Client()

    def listing(self):
        out = []
        for book in Book.objects.order_by("id"):
            out.append((book.title, book.author.name))
            {call}
        return out


def listing():
    return Views().listing()
"""


def test_eager_load_beside_a_project_method_named_like_a_read_or_a_log_keeps_the_loop(tmp_path):
    """``self.client.get(url)``: a method of the object's own client, not a read of the
    row; ``audit.log(book.author)``: a project object's ``log`` handed part of the row.
    Both update the author, which a lazy load of the next book sees."""
    for number, call in enumerate(("self.client.get(str(book.pk))", "audit.log(book.author)")):
        folder = tmp_path / str(number)
        folder.mkdir()
        files = shop_files(BUMPING.format(call=call), TWO_BOOKS + "print(report.listing())\n")
        result = fix_shop_report(folder, files)
        assert not result.changed, (call, result.after)
        assert_same_behaviour(result, "[('one', 'ann'), ('two', 'ann+')]")


def test_eager_load_beside_a_logger_handed_part_of_the_row_keeps_the_fix(tmp_path):
    """Near miss: a logger of the ``logging`` module handed the row's relation."""
    call = 'logger.info("listed %s", book.author)'
    files = shop_files(BUMPING.format(call=call), TWO_BOOKS + "print(report.listing())\n")
    result = fix_shop_report(tmp_path, files)
    assert 'select_related("author")' in result.after, result.lint_output
    assert_same_behaviour(result, "[('one', 'ann'), ('two', 'ann')]")


# --- eager loading: a statement handed through project code ---

STRICT = """\
from sqlalchemy import select


def strict(statement):
    return statement.options(raiseload("*"))
"""


def test_selectinload_through_a_project_function_given_the_statement_is_not_offered(tmp_path):
    """``session.scalars(strict(select(User)))``: ``strict`` adds ``raiseload("*")``, so
    the lazy load raises; loaded with the query, the program would succeed."""
    query = "session.scalars(strict(select(User)))"
    program = SQLALCHEMY_REPORT.format(query=query, select=STRICT, models=USERS)
    result = differential(tmp_path, one_file(program))
    assert not result.changed, result.after
    assert_same_behaviour(result, "InvalidRequestError")


def test_selectinload_through_the_statements_own_methods_keeps_the_fix(tmp_path):
    """Near miss: ``.where()`` on the statement and ``.scalars()`` on the result."""
    query = "session.execute(select(User).where(User.id > 0)).scalars()"
    program = SQLALCHEMY_REPORT.format(query=query, select=STRICT, models=USERS)
    result = differential(tmp_path, one_file(program))
    assert "selectinload" in result.after, result.lint_output
    assert_same_behaviour(result, "[('u', 1)]")


# --- eager loading: rows a manager built by ``from_queryset`` shapes ---

TITLES = """\
from shop.models import Book


def titles():
    out = []
    for book in Book.objects.filter(title__gt=""):
        out.append((book.title, book.author.name))
    return out
"""

SLIM_FILTER = """
class SlimBooks(models.QuerySet):
    def filter(self, *args, **kwargs):
        return super().filter(*args, **kwargs).only("id", "title")
"""

FROM_QUERYSET = {
    "a class statement": "\nclass Books(models.Manager.from_queryset(SlimBooks)):\n    pass\n",
    "a module binding": "\nBooks = models.Manager.from_queryset(SlimBooks)\n",
}


def test_select_related_on_a_manager_from_a_queryset_that_defers_fields_is_declined(tmp_path):
    """``class Books(Manager.from_queryset(SlimBooks))`` or ``Books = Manager.from_queryset(
    SlimBooks)``, then ``objects = Books()``: its ``filter()`` defers the author, and
    Django refuses ``select_related`` of a deferred field."""
    for number, (name, manager_class) in enumerate(FROM_QUERYSET.items()):
        folder = tmp_path / str(number)
        folder.mkdir()
        files = shop_files(
            TITLES,
            TWO_BOOKS + "print(report.titles())\n",
            extra=SLIM_FILTER + manager_class,
            manager="    objects = Books()\n",
        )
        result = fix_shop_report(folder, files)
        assert not result.changed, (name, result.after)
        assert_same_behaviour(result, "[('one', 'ann'), ('two', 'ann')]")


def test_select_related_on_a_manager_from_a_plain_queryset_keeps_the_fix(tmp_path):
    """Near miss: the queryset class adds a method and overrides none of Django's."""
    extra = (
        "\nclass Books(models.QuerySet):\n    def titled(self, title):\n"
        "        return self.filter(title=title)\n"
        "\n\nclass BookManager(models.Manager.from_queryset(Books)):\n    pass\n"
    )
    files = shop_files(
        TITLES.replace('title__gt="")', 'title__gt="").order_by("pk")'),
        TWO_BOOKS + "print(report.titles())\n",
        extra=extra,
        manager="    objects = BookManager()\n",
    )
    result = fix_shop_report(tmp_path, files)
    assert 'select_related("author")' in result.after, result.lint_output
    assert_same_behaviour(result, "[('one', 'ann'), ('two', 'ann')]")


# --- eager loading: where the fix's new import would go ---

PLAIN_SELECT = "from sqlalchemy import select\n"
SCALARS_LOOP = "session.scalars(select(User))"


def _optional_sqlalchemy(program: str) -> str:
    """The program with its SQLAlchemy imports under ``try`` (an optional dependency)."""
    lines = program.splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if "sqlalchemy" in line)
    last = max(i for i, line in enumerate(lines[:20]) if "sqlalchemy" in line)
    guarded = ["try:\n", *("    " + line for line in lines[first : last + 1])]
    guarded.append("except ImportError:\n    raise SystemExit('needs SQLAlchemy')\n")
    return "".join([*lines[:first], *guarded, *lines[last + 1 :]])


def test_selectinload_is_not_offered_where_its_import_would_run_out_of_order(tmp_path):
    """The file runs ``sys.path.insert(...)`` before importing SQLAlchemy, or imports it
    only under ``try``: an import added with the file's first imports would run before
    the path is set, or make the optional dependency required."""
    program = SQLALCHEMY_REPORT.format(query=SCALARS_LOOP, select=PLAIN_SELECT, models=USERS)
    shapes = {
        "code first": "import sys\n\nsys.path.insert(0, 'vendor')\n" + program,
        "optional": _optional_sqlalchemy(program),
    }
    for name, shaped in shapes.items():
        folder = tmp_path / name.replace(" ", "-")
        folder.mkdir()
        result = differential(folder, one_file(shaped))
        assert not result.changed, (name, result.after)
        assert_same_behaviour(result, "[('u', 1)]")


# --- executemany: an inlined assignment read in an f-string ---

FORMATTED = """\
import sqlite3


def load(conn: sqlite3.Connection, names):
    rows = list(names)
    cur = conn.cursor()
    for name in rows:
        {assign}
        cur.execute("INSERT INTO t (name, meta) VALUES (?, ?)", ({read}))
    conn.commit()


conn = sqlite3.connect(":memory:")
conn.execute("CREATE TABLE t (name TEXT, meta TEXT)")
load(conn, ["a"])
print(conn.execute("SELECT * FROM t").fetchall())
"""


def test_executemany_does_not_inline_a_value_read_in_an_f_string(tmp_path):
    """``f"{meta}"`` and ``f"{label=}"``: inlined, the replacement field would show the
    value's source text (``{'ratio': 1.50}``, ``name='a'``) instead of the value."""
    cases = {
        'meta = {"ratio": 1.50}': ('name, f"{meta}"', "[('a', \"{'ratio': 1.5}\")]"),
        "label = name": ('name, f"{label=}"', "[('a', \"label='a'\")]"),
    }
    for number, (assign, (read, printed)) in enumerate(cases.items()):
        folder = tmp_path / str(number)
        folder.mkdir()
        program = FORMATTED.format(assign=assign, read=read)
        result = differential(folder, one_file(program), unsafe=True)
        assert assign in result.after, result.after
        assert_same_behaviour(result, printed)


# --- commit after the loop: a helper given the connection drives the transaction ---

SAVED = """\
import sqlite3


def save(conn, name):
{save}


def import_names(conn: sqlite3.Connection, names):
    for name in names:
        save(conn, name)
        conn.commit()


conn = sqlite3.connect(":memory:")
conn.execute("CREATE TABLE t (name TEXT UNIQUE)")
import_names(conn, {names})
print(conn.execute("SELECT name FROM t").fetchall())
"""

ROLLS_BACK = """\
    try:
        conn.execute("INSERT INTO t VALUES (?)", (name,))
    except sqlite3.IntegrityError:
        conn.rollback()  # skip the duplicate"""


def test_commit_is_not_moved_past_a_helper_that_rolls_back(tmp_path):
    """``save(conn, name)`` rolls back a duplicate: with one commit after the loop, that
    rollback drops every row before it, silently."""
    program = SAVED.format(save=ROLLS_BACK, names='["a", "b", "a", "c"]')
    result = differential(tmp_path, one_file(program), unsafe=True)
    assert not result.changed, result.after
    assert_same_behaviour(result, "[('a',), ('b',), ('c',)]")


def test_commit_after_a_helper_that_only_writes_keeps_the_fix(tmp_path):
    """Near miss: the helper only inserts (no ``try``, no ``rollback()``)."""
    save = '    conn.execute("INSERT INTO t VALUES (?)", (name,))'
    program = SAVED.format(save=save, names='["a", "b"]')
    result = differential(tmp_path, one_file(program), unsafe=True)
    assert result.changed, result.lint_output
    assert_same_behaviour(result, "[('a',), ('b',)]")


# --- bulk_create: a manager's own create() ---

IMPORT_BOOKS = """\
from shop.models import Book


def import_books(titles):
    for title in titles:
        Book.objects.create(title=title, author_id=1)
"""

STAMPING = """
class Stamping(models.Manager):
    def {method}(self, **fields):
        fields["title"] = fields["title"].upper()
        return super().create(**fields)
"""


def _stamped_import(tmp_path, method: str):
    """``import_books(["dune"])`` over ``objects = Stamping()`` whose ``method`` upper-cases
    the title, fixed with ``--unsafe-fixes``."""
    files = shop_files(
        IMPORT_BOOKS,
        'models.Author.objects.create(name="ann")\nreport.import_books(["dune"])\n'
        "print(list(models.Book.objects.values_list('title', flat=True)))\n",
        extra=STAMPING.format(method=method),
        manager="    objects = Stamping()\n",
    )
    return fix_shop_report(tmp_path, files, unsafe=True)


def test_bulk_create_is_not_offered_over_a_managers_own_create(tmp_path):
    """``objects = Stamping()`` whose ``create()`` fills a field: ``bulk_create`` would
    store the rows without it."""
    result = _stamped_import(tmp_path, "create")
    assert not result.changed, result.after
    assert_same_behaviour(result, "['DUNE']")


def test_bulk_create_over_a_manager_with_other_methods_keeps_the_fix(tmp_path):
    """Near miss: the manager's own method is not ``create``."""
    result = _stamped_import(tmp_path, "stamped")
    assert "bulk_create" in result.after, result.lint_output
    assert_same_behaviour(result, "['dune']")
