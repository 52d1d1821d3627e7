"""A getter that hands out its module's own client (``r = redis.Redis()`` then ``def
get_client(): return r``, no ``global``): calls on what it returns are that client's
round trips, in its module and from others, as for the memoised getter under ``global``
(``test_global_rebinds.py``). It was read as handing out nothing. Near misses: a user's own
``Redis`` class, a getter of a parameter, and one of a module constant that is no client.
Through the real command line."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, run_module_cli, write_project

CLIENTS = """\
import redis

r = redis.Redis()
SETTINGS = {"url": "redis://"}


class Redis:
    def set(self, key, value):
        return key


mine = Redis()


def get_client():
    return r


def get_mine():
    return mine


def get_settings():
    return SETTINGS


def passed(client):
    return client


def push_here(items):
    client = get_client()
    for key, value in items.items():
        client.set(key, value)
"""

SYNC = """\
from svc.clients import get_client, get_mine, get_settings, passed


def push(items):
    client = get_client()
    for key, value in items.items():
        client.set(key, value)


def push_chained(items):
    for key, value in items.items():
        get_client().set(key, value)


def push_mine(items):
    for key, value in items.items():
        get_mine().set(key, value)


def read_settings(items):
    for key in items:
        get_settings().get(key)


def push_passed(items, client):
    for key, value in items.items():
        passed(client).set(key, value)
"""


def test_a_getter_of_its_modules_client_hands_out_that_client(tmp_path):
    root = write_project(
        tmp_path,
        {"svc/__init__.py": "", "svc/clients.py": CLIENTS, "svc/sync.py": SYNC},
    )
    report = lint_json(run_module_cli, root, "--show-all", "--select", "TL401")
    here = findings_by_function(report, CLIENTS, "clients.py")
    there = findings_by_function(report, SYNC, "sync.py")
    assert {name: d["code"] for name, d in here.items()} == {"push_here": "TL401"}
    assert {name: d["code"] for name, d in there.items()} == {
        "push": "TL401",
        "push_chained": "TL401",
    }
    assert "svc.clients.get_client()" in there["push"]["message"]
