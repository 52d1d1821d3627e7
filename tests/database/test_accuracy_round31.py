"""Round 31 of the accuracy work on the n+1 and write families, on real source shapes.

- A loop over a parameter's dict view (``for name, fields in mapping.items():``) is as big
  as what the callers pass, like a loop over the bare parameter; a value read from a
  configuration object through attributes (``self.app.conf.beat_schedule``) is
  configured input. Both come from a scheduler that writes its configured entries at
  start-up (django-celery-beat's ``update_from_dict``).
- An INSERT per item whose generated key the loop reads (``r.inserted_primary_key``,
  ``cur.lastrowid``, the rows of its ``RETURNING`` clause) needs one statement per row:
  ``executemany`` gives no keys back (buildbot's ``addBuildset``).

Run through the real CLI, default output (what is shown) unless said otherwise.
"""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

SCHEDULER_MODELS = """\
from django.db import models


class PeriodicTask(models.Model):
    name = models.CharField(max_length=200)
    enabled = models.BooleanField(default=True)
"""

SCHEDULERS = """\
from .models import PeriodicTask


class Scheduler:
    def __init__(self, app):
        self.app = app

    def setup_schedule(self):
        self.install_default_entries()
        self.update_from_dict(self.app.conf.beat_schedule)

    def install_default_entries(self):
        entries = {}
        if self.app.conf.result_expires:
            entries.setdefault("backend_cleanup", {"task": "cleanup"})
        self.update_from_dict(entries)

    def update_from_dict(self, mapping):
        for name, fields in mapping.items():
            PeriodicTask.objects.update_or_create(name=name, defaults=fields)


class Copier:
    def copy_all(self):
        self.copy({task.name: {} for task in PeriodicTask.objects.all()})

    def copy(self, mapping):
        for name, fields in mapping.items():
            PeriodicTask.objects.update_or_create(name=name, defaults=fields)


class Mirror:
    def mirror(self, tasks):
        by_name = {}
        for task in tasks:
            by_name.setdefault(task.name, {})
        self.store(by_name)

    def store(self, mapping):
        for name, fields in mapping.items():
            PeriodicTask.objects.update_or_create(name=name, defaults=fields)


class ProfileSync:
    def sync(self, profile):
        for setting in profile.settings.filter(enabled=True):
            PeriodicTask.objects.update_or_create(name=setting.name)


class Backends:
    def __init__(self, app):
        self.app = app

    def refresh(self):
        for name in self.app.config.get("BACKENDS", ()):
            PeriodicTask.objects.update_or_create(name=name)


class AllBackends:
    def __init__(self, app):
        self.app = app

    def refresh(self):
        for name in self.app.config.get_all("BACKENDS"):
            PeriodicTask.objects.update_or_create(name=name)


class OwnConf:
    def __init__(self, store):
        self.store = store

    def sync(self):
        for row in self.store.load().conf.rows:
            PeriodicTask.objects.update_or_create(name=row)
"""


@pytest.fixture(scope="module")
def scheduler_found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("conf"),
        {
            "beat/__init__.py": "",
            "beat/models.py": SCHEDULER_MODELS,
            "beat/schedulers.py": SCHEDULERS,
        },
    )
    report = lint_json(run_module_cli, root, "--select", "TL102")
    return findings_by_function(report, SCHEDULERS, "schedulers.py")


@pytest.mark.parametrize("owner", ["Scheduler", "Backends"])
def test_configured_entries_are_held_back(scheduler_found, owner):
    # every caller passes configuration or a dict of literal entries; a key of the
    # application's configuration
    assert owner not in scheduler_found, scheduler_found.get(owner)


@pytest.mark.parametrize("owner", ["Copier", "Mirror"])
def test_a_caller_passing_rows_shows_the_dict_view_loop(scheduler_found, owner):
    # a dict of query rows; a literal ``{}`` the caller fills in a loop over its input
    diagnostic = scheduler_found.get(owner)
    assert diagnostic is not None
    assert diagnostic["code"] == "TL102"


@pytest.mark.parametrize("owner", ["ProfileSync", "OwnConf", "AllBackends"])
def test_a_related_manager_or_a_call_named_like_configuration_is_not(scheduler_found, owner):
    # ``profile.settings.filter(...)`` is a query; ``load().conf`` is whatever it returns;
    # a method of the configuration other than ``get`` may compute anything
    diagnostic = scheduler_found.get(owner)
    assert diagnostic is not None
    assert diagnostic["code"] == "TL102"


GENERATED_KEYS = """\
import sqlite3

import asyncpg
import psycopg2
import sqlalchemy as sa


def add_requests(conn: sa.engine.Connection, table: sa.Table, builder_ids):
    ids = {}
    ins = table.insert()
    for builder_id in builder_ids:
        r = conn.execute(ins, {"builder_id": builder_id})
        ids[builder_id] = r.inserted_primary_key[0]
    return ids


def add_rows(conn: sqlite3.Connection, rows):
    cur = conn.cursor()
    ids = []
    for row in rows:
        cur.execute("INSERT INTO t (a) VALUES (?)", row)
        ids.append(cur.lastrowid)
    return ids


def add_rows_inline(conn: sa.engine.Connection, table: sa.Table, rows):
    return [conn.execute(table.insert(), row).inserted_primary_key[0] for row in rows]


def add_plain(conn: sa.engine.Connection, table: sa.Table, rows):
    for row in rows:
        conn.execute(table.insert(), row)


def add_other_key(conn: sqlite3.Connection, rows):
    cur = conn.cursor()
    log = conn.cursor()
    log.execute("INSERT INTO log (a) VALUES (1)")
    ids = []
    for row in rows:
        cur.execute("INSERT INTO t (a) VALUES (?)", row)
        ids.append(log.lastrowid)
    return ids


def add_returning(conn: psycopg2.extensions.connection, rows):
    cur = conn.cursor()
    ids = []
    for row in rows:
        cur.execute("INSERT INTO t (a) VALUES (%s) RETURNING id", row)
        ids.append(cur.fetchone()[0])
    return ids


def add_core_returning(conn: sa.engine.Connection, table: sa.Table, rows):
    ids = []
    for row in rows:
        ids.append(conn.execute(table.insert().returning(table.c.id), row).scalar_one())
    return ids


async def add_fetchval(conn: asyncpg.Connection, rows):
    ids = []
    for row in rows:
        ids.append(await conn.fetchval("INSERT INTO t (a) VALUES ($1) RETURNING id", row))
    return ids


def add_fetch_without_returning(conn: psycopg2.extensions.connection, rows):
    cur = conn.cursor()
    for row in rows:
        cur.execute("INSERT INTO t (a) VALUES (%s)", row)
        print(cur.fetchone())


async def add_fetchval_dropped(conn: asyncpg.Connection, rows):
    for row in rows:
        await conn.fetchval("INSERT INTO t (a) VALUES ($1) RETURNING id", row)


def update_rows(conn: sqlite3.Connection, rows):
    cur = conn.cursor()
    for row in rows:
        cur.execute("UPDATE t SET a = ? WHERE id = ?", row)
        print(cur.lastrowid)


class Result:
    lastrowid = 0


def add_own_result(conn: sqlite3.Connection, rows):
    mine = Result()
    for row in rows:
        r = conn.execute("INSERT INTO t (a) VALUES (?)", row)
        print(r, mine.lastrowid)
"""


@pytest.fixture(scope="module")
def keys_found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("keys"), {"app/__init__.py": "", "app/store.py": GENERATED_KEYS}
    )
    report = lint_json(run_module_cli, root, "--select", "TL102", "--show-all")
    return findings_by_function(report, GENERATED_KEYS, "store.py")


@pytest.mark.parametrize(
    "function",
    [
        "add_requests",
        "add_rows",
        "add_rows_inline",
        "add_returning",
        "add_core_returning",
        "add_fetchval",
    ],
)
def test_an_insert_whose_generated_key_is_read_per_row_is_clean(keys_found, function):
    assert function not in keys_found, keys_found.get(function)


@pytest.mark.parametrize(
    "function",
    [
        "add_plain",
        "add_other_key",
        "add_own_result",
        "add_fetch_without_returning",
        "add_fetchval_dropped",
        "update_rows",
    ],
)
def test_a_key_read_of_another_object_leaves_the_insert_flagged(keys_found, function):
    # no key read at all, another cursor's key, a project object's attribute, a fetch
    # after a statement that returns no rows, a RETURNING value dropped, an UPDATE
    diagnostic = keys_found.get(function)
    assert diagnostic is not None
    assert diagnostic["code"] == "TL102"
