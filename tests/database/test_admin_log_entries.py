"""Django's admin history: ``LogEntry.objects.log_action(...)`` inserts a row, so one per
item is a write per item (TL102; django-import-export's admin logs each imported row
this way). Near misses: one ``log_actions`` call for all rows (Django 5.1), a model's
own ``log_action`` method (pretix's ``order.log_action``), and a project model of its
own called ``LogEntry``. Run through the real CLI."""

from __future__ import annotations

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

MODELS = """\
from django.db import models


class Book(models.Model):
    title = models.CharField(max_length=10)

    def log_action(self, action):
        return action


class LogEntryManager(models.Manager):
    def log_action(self, **fields):
        return fields


class LogEntry(models.Model):
    action = models.CharField(max_length=10)
    objects = LogEntryManager()
"""

VIEWS = """\
from django.contrib.admin.models import CHANGE
from django.contrib.admin.models import LogEntry as AdminLog

from app.models import Book, LogEntry


def log_each(request, books):
    for book in books:
        AdminLog.objects.log_action(
            user_id=request.user.pk,
            content_type_id=1,
            object_id=book.pk,
            object_repr=str(book.pk),
            action_flag=CHANGE,
        )


def log_all(request, books):
    AdminLog.objects.log_actions(user_id=request.user.pk, queryset=books, action_flag=CHANGE)


def log_on_the_model(request, books):
    for book in Book.objects.filter(pk__in=books):
        book.log_action("changed")


def log_in_own_model(request, books):
    for book in books:
        LogEntry.objects.log_action(action="changed", book=book)
"""


def test_admin_log_entry_per_item(tmp_path):
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/models.py": MODELS, "app/views.py": VIEWS}
    )
    report = lint_json(run_module_cli, root, "--select", "TL102", "--show-all")
    found = findings_by_function(report, VIEWS, "views.py")
    assert set(found) == {"log_each"}
    assert "`LogEntry.objects.log_action()` writes on every pass" in found["log_each"]["message"]
    assert "log_actions" in found["log_each"]["message"]
