"""Hot paths through typed calls (issue 17, round 5; ``index/reach.py``): a request
handler reaches a model's methods through the rows a Django manager returns, a method
through its class's bases and the subclasses' overrides, and an overridden ``save()``.
Through the real command line, with near misses that stay unplaced."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from support.cli_projects import write_project

MODELS = """\
from django.db import models


class Alert(models.Model):
    name = models.CharField(max_length=10)


class Component(models.Model):
    name = models.CharField(max_length=10)

    def refresh_alerts(self, names):
        for name in names:
            Alert.objects.create(name=name)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        for other in Component.objects.filter(name=self.name):
            Alert.objects.create(name=other.name)


class Report(models.Model):
    name = models.CharField(max_length=10)

    def refresh_alerts(self, names):
        for name in names:
            Alert.objects.create(name=name)
"""


def project(root: Path, files: dict[str, str]) -> Path:
    return write_project(root, {"app/__init__.py": "", **files})


def kinds(run_cli, root: Path) -> dict[tuple[str, int], str | None]:
    """(path, line) -> path_kind of every finding, held back or not."""
    completed = run_cli(".", "--no-cache", "--show-all", "--format", "json", cwd=root)
    assert completed.returncode in (0, 1), completed.stderr
    found = json.loads(completed.stdout)["diagnostics"]
    return {(d["path"], d["line"]): d.get("path_kind") for d in found}


def lines_of(text: str, needle: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if needle in line]


def line_of(text: str, needle: str) -> int:
    return lines_of(text, needle)[0]


ROW_VIEW = """\
from app.models import Component


def detail(request, pk):
    Component.objects.get(pk=pk).refresh_alerts(request.POST.getlist("names"))
"""


def test_a_method_of_a_row_the_manager_returns_is_hot(run_cli, tmp_path):
    """``Component.objects.get(...).refresh_alerts()`` in a view: Component's method is
    hot; Report's method of the same name (near miss) is not reached and stays unplaced."""
    project(tmp_path, {"app/models.py": MODELS, "app/views.py": ROW_VIEW})
    found = kinds(run_cli, tmp_path)
    component, report = lines_of(MODELS, "Alert.objects.create(name=name)")
    assert found[("app/models.py", component)] == "hot"
    assert found[("app/models.py", report)] is None


def test_an_item_of_a_query_reaches_its_model_s_method(run_cli, tmp_path):
    view = """\
from app.models import Component


def rebuild(request):
    for component in Component.objects.filter(name="x"):
        component.refresh_alerts(["a"])
"""
    project(tmp_path, {"app/models.py": MODELS, "app/views.py": view})
    found = kinds(run_cli, tmp_path)
    assert found[("app/models.py", line_of(MODELS, "for name in names") + 1)] == "hot"


def test_a_query_s_own_method_is_not_a_row_s(run_cli, tmp_path):
    """Near miss: ``Component.objects.filter(...).refresh_alerts()`` would be a queryset
    method, not the model's: nothing is reached."""
    view = """\
from app.models import Component


def rebuild(request):
    Component.objects.filter(name="x").refresh_alerts(["a"])
"""
    project(tmp_path, {"app/models.py": MODELS, "app/views.py": view})
    found = kinds(run_cli, tmp_path)
    assert found[("app/models.py", line_of(MODELS, "for name in names") + 1)] is None


def test_an_overridden_save_called_on_a_typed_instance_is_hot(run_cli, tmp_path):
    view = """\
from app.models import Component


def rename(request, component: Component):
    component.name = request.POST["name"]
    component.save()
"""
    project(tmp_path, {"app/models.py": MODELS, "app/views.py": view})
    found = kinds(run_cli, tmp_path)
    assert found[("app/models.py", line_of(MODELS, "for other in") + 1)] == "hot"


SERVICES = """\
import sqlite3
from typing import Generic, TypeVar

T = TypeVar("T")


class BulkService(Generic[T]):
    def __init__(self, request):
        self.request = request

    def handle_request(self):
        self.handle_update(self.request.POST.getlist("ids"))

    def handle_update(self, ids):
        raise NotImplementedError


class UserBulkService(BulkService[int]):
    def handle_update(self, ids):
        conn = sqlite3.connect("app.db")
        for i in ids:
            conn.execute("UPDATE users SET seen = 1 WHERE id = ?", (i,))


class GroupBulkService(BulkService):
    def handle_update(self, ids):
        conn = sqlite3.connect("app.db")
        for i in ids:
            conn.execute("UPDATE groups SET seen = 1 WHERE id = ?", (i,))
"""


def test_a_call_through_a_base_reaches_the_subclass_override(run_cli, tmp_path):
    """A route builds the subclass (of a generic base, ``BulkService[int]``) and calls a
    method it inherits, which calls ``self.handle_update()``: each override is reached and
    hot."""
    view = """\
from app.services import UserBulkService


def bulk(request):
    return UserBulkService(request).handle_request()
"""
    project(tmp_path, {"app/services.py": SERVICES, "app/views.py": view})
    found = kinds(run_cli, tmp_path)
    for table in ("users", "groups"):
        assert found[("app/services.py", line_of(SERVICES, f"UPDATE {table}"))] == "hot"


def test_an_unrelated_class_with_the_method_s_name_is_not_reached(run_cli, tmp_path):
    """Near miss: a class outside the hierarchy that defines ``handle_update`` too."""
    other = SERVICES + textwrap.dedent(
        """

        class Importer:
            def handle_update(self, ids):
                conn = sqlite3.connect("app.db")
                for i in ids:
                    conn.execute("UPDATE imports SET seen = 1 WHERE id = ?", (i,))
        """
    )
    view = """\
from app.services import UserBulkService


def bulk(request):
    return UserBulkService(request).handle_request()
"""
    project(tmp_path, {"app/services.py": other, "app/views.py": view})
    found = kinds(run_cli, tmp_path)
    assert found[("app/services.py", line_of(other, "UPDATE users"))] == "hot"
    assert found[("app/services.py", line_of(other, "UPDATE imports"))] is None


# --- services' main loops and functions handed on --------------------------------------

SCHEDULER = """\
import itertools
import sqlite3


class Scheduler:
    def run(self):
        for tick in itertools.count(start=1):
            self._schedule(tick)

    def drain(self, queue):
        while queue:
            self._expire(queue.pop())

    def _schedule(self, tick):
        conn = sqlite3.connect("app.db")
        for row in conn.execute("SELECT id FROM runs").fetchall():
            conn.execute("UPDATE runs SET tick = ? WHERE id = ?", (tick, row[0]))

    def _expire(self, ids):
        conn = sqlite3.connect("app.db")
        for i in ids:
            conn.execute("UPDATE runs SET expired = 1 WHERE id = ?", (i,))
"""


def test_what_a_service_s_main_loop_calls_is_hot(run_cli, tmp_path):
    """``for tick in itertools.count():`` runs as long as the scheduler does: what it calls
    is hot. Near miss: a ``while queue:`` loop is not a service's main loop."""
    project(tmp_path, {"app/scheduler.py": SCHEDULER})
    found = kinds(run_cli, tmp_path)
    assert found[("app/scheduler.py", line_of(SCHEDULER, "SET tick"))] == "hot"
    assert found[("app/scheduler.py", line_of(SCHEDULER, "SET expired"))] is None


def test_a_service_loop_in_a_test_makes_nothing_hot(run_cli, tmp_path):
    """Near miss: the same endless loop in a test file."""
    test = """\
import itertools

from app.scheduler import Scheduler


def test_schedule():
    for tick in itertools.count():
        Scheduler()._schedule(tick)
        break
"""
    scheduler = SCHEDULER.replace("self._schedule(tick)", "pass")
    project(tmp_path, {"app/scheduler.py": scheduler, "tests/test_scheduler.py": test})
    found = kinds(run_cli, tmp_path)
    assert found[("app/scheduler.py", line_of(scheduler, "SET tick"))] != "hot"


NOTIFY = """\
import sqlite3


def notify_all(ids):
    conn = sqlite3.connect("app.db")
    for i in ids:
        conn.execute("INSERT INTO notices (user_id) VALUES (?)", (i,))
"""


def test_a_function_handed_on_by_a_view_is_hot(run_cli, tmp_path):
    """``transaction.on_commit(partial(notify_all, ids))`` is not resolved, but
    ``executor.submit(notify_all, ids)`` hands the function itself on: it runs per
    request. Near miss: a function that is only named in a string is not reached."""
    view = """\
from concurrent.futures import ThreadPoolExecutor

from app.notify import notify_all, notify_none

POOL = ThreadPoolExecutor(4)


def publish(request):
    POOL.submit(notify_all, request.POST.getlist("ids"))
    POOL.submit(getattr, "notify_none")
"""
    notify = NOTIFY + "\n\n" + NOTIFY.split("\n\n\n")[1].replace("notify_all", "notify_none")
    project(tmp_path, {"app/notify.py": notify, "app/views.py": view})
    found = kinds(run_cli, tmp_path)
    first, second = lines_of(notify, "INSERT INTO notices")
    assert found[("app/notify.py", first)] == "hot"
    assert found[("app/notify.py", second)] is None


# --- what the wider reach must not conclude --------------------------------------------

MACHINE = """\
import sqlite3


class Machine:
    def translate(self, units):
        return self._translate(units)

    def _translate(self, units):
        conn = sqlite3.connect("app.db")
        for unit in units:
            conn.execute("UPDATE units SET done = 1 WHERE id = ?", (unit,))
"""

MACHINE_TEST = """\
from app.machine import Machine


def test_translate():
    Machine().translate([1, 2])
"""


def test_a_private_method_behind_a_public_one_that_only_tests_call_is_not_cold(run_cli, tmp_path):
    """Tests call the public ``translate()``, which the index resolves; hot code may call it
    through a receiver it cannot resolve, so ``_translate`` is not made cold through it."""
    project(tmp_path, {"app/machine.py": MACHINE, "tests/test_machine.py": MACHINE_TEST})
    found = kinds(run_cli, tmp_path)
    assert found[("app/machine.py", line_of(MACHINE, "UPDATE units"))] is None


STORE = """\
import sqlite3


class Store:
    def run_interaction(self, name, function, *args):
        return function(sqlite3.connect("app.db"), *args)

    def fetch_groups(self, groups):
        return self.run_interaction("fetch", self._groups_txn, groups)

    def fetch_one(self, group):
        return self._groups_txn(sqlite3.connect("app.db"), [group])

    def _groups_txn(self, conn, groups):
        for group in groups:
            conn.execute("SELECT * FROM state WHERE grp = ?", (group,)).fetchall()
"""


def test_a_function_handed_on_is_not_sized_by_its_direct_callers_alone(run_cli, tmp_path):
    """``fetch_one`` passes a one-item list, but ``run_interaction`` calls the function it
    is handed with arguments the index does not see: the size stays unknown, shown."""
    project(tmp_path, {"app/store.py": STORE})
    completed = run_cli(".", "--no-cache", "--format", "json", cwd=tmp_path)
    (finding,) = json.loads(completed.stdout)["diagnostics"]
    assert finding["line"] == line_of(STORE, "SELECT * FROM state")
    assert finding["input_size"] == "unknown"


ROTATOR = """\
import sqlite3


class Store:
    def __init__(self, clock):
        clock.looping_call(self._rotate, 30)

    def _rotate(self):
        conn = sqlite3.connect("app.db")
        for row in conn.execute("SELECT id FROM notifs").fetchall():
            conn.execute("DELETE FROM notifs WHERE id = ?", (row[0],))
"""


def test_a_callback_start_up_code_registers_is_not_cold(run_cli, tmp_path):
    """``__init__`` hands ``_rotate`` to a looping call: it runs every 30 seconds for as
    long as the server does, not at start-up, so it is not made cold (and not held back)."""
    project(tmp_path, {"app/store.py": ROTATOR})
    completed = run_cli(".", "--no-cache", "--format", "json", cwd=tmp_path)
    (finding,) = json.loads(completed.stdout)["diagnostics"]
    assert finding["line"] == line_of(ROTATOR, "DELETE FROM notifs")
    assert finding["path_kind"] is None
