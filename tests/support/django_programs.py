"""The start of a small Django program that the differential fix tests run in a
subprocess: settings for an in-memory sqlite database and one app, ``shop``
(``SHOP_SETTINGS``), and the ``Author`` and ``Book`` tables created (``SHOP_TABLES``);
and a fuller ``shop`` (with a generic relation) whose ``report.py`` a test fixes
(``shop_files``, ``fix_shop_report``)."""

from __future__ import annotations

from support.differential import Differential, differential

SHOP_SETTINGS = """\
import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["shop"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)
django.setup()
"""

SHOP_TABLES = (
    SHOP_SETTINGS
    + """\
from django.db import connection

from shop.models import Author, Book
from shop import report

with connection.schema_editor() as editor:
    editor.create_model(Author)
    editor.create_model(Book)
"""
)

# With contenttypes, for generic relations; ``shop/models.py`` is ``SHOP_MODELS``.
SHOP_AND_CONTENT_TYPES = """\
import django
from django.conf import settings

settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes", "shop"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)
django.setup()
from django.db import connection
from django.contrib.contenttypes.models import ContentType

from shop import models, report

with connection.schema_editor() as editor:
    editor.create_model(ContentType)
    for model in models.ALL:
        editor.create_model(model)
"""

SHOP_MODELS = """\
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=50)

    class Meta:
        app_label = "shop"
{extra}

class Book(models.Model):
    title = models.CharField(max_length=50)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
{manager}
    class Meta:
        app_label = "shop"


class Comment(models.Model):
    text = models.CharField(max_length=50)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=40)
    target = GenericForeignKey("content_type", "object_id")

    class Meta:
        app_label = "shop"


ALL = [Author, Book, Comment]
"""

TWO_BOOKS = """\
ann = models.Author.objects.create(name="ann")
models.Book.objects.create(title="one", author=ann)
models.Book.objects.create(title="two", author=ann)
"""


# Two comments on an author; the second's id is one the author table cannot take: loading
# its target raises ValueError (caught and printed)
LEGACY_COMMENTS = """\
ct = ContentType.objects.get_for_model(models.Author)
ann = models.Author.objects.create(name="ann")
models.Comment.objects.create(text="c1", content_type=ct, object_id=str(ann.pk))
models.Comment.objects.create(text="c2", content_type=ct, object_id="legacy-7")
try:
    report.show()
except ValueError as error:
    print("ValueError")
"""


def shop_files(report: str, scenario: str, extra: str = "", manager: str = "") -> dict[str, str]:
    """A ``shop`` app (``SHOP_MODELS`` with ``extra`` before ``Book`` and ``manager`` in it),
    its ``report.py`` and ``app.py``, which sets up the tables then runs ``scenario``."""
    return {
        "shop/__init__.py": "",
        "shop/models.py": SHOP_MODELS.format(extra=extra, manager=manager),
        "shop/report.py": report,
        "app.py": SHOP_AND_CONTENT_TYPES + scenario,
    }


def fix_shop_report(tmp_path, files, unsafe=False, extra=()) -> Differential:
    """Run ``files`` before and after ``--fix`` of ``shop/report.py`` (the app linted)."""
    return differential(
        tmp_path, files, target="shop/report.py", lint=("shop", *extra), unsafe=unsafe
    )
