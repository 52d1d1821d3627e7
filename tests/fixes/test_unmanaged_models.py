"""TL101's ``select_related`` beside a Django model that Django does not manage
(``Meta.managed = False``, as ``inspectdb`` writes for a legacy database): the database
may not enforce its foreign keys, and a book whose author row is missing raised
``DoesNotExist`` in the loop, where the join dropped it. Original and fixed programs run
against real Django on sqlite; near misses keep the safe fix."""

from __future__ import annotations

from support.differential import assert_same_behaviour, differential

MODELS = """\
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        app_label = "shop"
        db_table = "author"
{author_meta}

class Book(models.Model):
    title = models.CharField(max_length=50)
    author = models.ForeignKey(Author, models.DO_NOTHING)

    class Meta:
        app_label = "shop"
        db_table = "book"
{book_meta}"""

REPORT = """\
from shop.models import Book


def titles():
    out = []
    for book in Book.objects.order_by("pk"):
        out.append((book.title, book.author.name))
    return out
"""

APP = """\
import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["shop"],
    DATABASES={{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)
django.setup()
from django.db import connection

from shop import report
from shop.models import Author

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE author (id INTEGER PRIMARY KEY, name TEXT)")
    cursor.execute("CREATE TABLE book (id INTEGER PRIMARY KEY, title TEXT, author_id INTEGER)")
    cursor.execute("INSERT INTO author VALUES (1, 'ann')")
    cursor.execute("INSERT INTO book VALUES (1, 'one', 1), (2, 'two', {second_author})")
try:
    print(report.titles())
except Author.DoesNotExist:
    print("missing")
"""

UNMANAGED = "        managed = False\n"


def _run(tmp_path, author_meta: str, book_meta: str, second_author: int = 99):
    files = {
        "shop/__init__.py": "",
        "shop/models.py": MODELS.format(author_meta=author_meta, book_meta=book_meta),
        "shop/report.py": REPORT,
        "app.py": APP.format(second_author=second_author),
    }
    return differential(tmp_path, files, target="shop/report.py", lint=("shop/models.py",))


def test_select_related_from_an_unmanaged_model_is_not_safe(tmp_path):
    result = _run(tmp_path, UNMANAGED, UNMANAGED)
    assert not result.changed, result.after
    assert "`Book` is not managed by Django" in result.lint_output, result.lint_output
    assert_same_behaviour(result, "missing")


def test_select_related_to_an_unmanaged_model_is_not_safe(tmp_path):
    """Only the related model is a legacy table (a view, or one without constraints)."""
    result = _run(tmp_path, UNMANAGED, "")
    assert not result.changed, result.after
    assert "`Author` is not managed by Django" in result.lint_output, result.lint_output
    assert_same_behaviour(result, "missing")


def test_managed_set_from_a_setting_is_taken_as_unmanaged(tmp_path):
    meta = "        managed = bool(__import__('os').environ.get('MANAGED'))\n"
    result = _run(tmp_path, meta, meta)
    assert not result.changed, result.after
    assert_same_behaviour(result, "missing")


def test_models_managed_by_django_keep_the_safe_fix(tmp_path):
    """Near miss: ``managed = True`` written out, every book with its author."""
    meta = "        managed = True\n"
    result = _run(tmp_path, meta, meta, second_author=1)
    assert '.select_related("author")' in result.after, result.lint_output
    assert_same_behaviour(result, "[('one', 'ann'), ('two', 'ann')]")
