"""The start of a small Django program that the differential fix tests run in a
subprocess: settings for an in-memory sqlite database and one app, ``shop``
(``SHOP_SETTINGS``), and the ``Author`` and ``Book`` tables created (``SHOP_TABLES``)."""

from __future__ import annotations

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
