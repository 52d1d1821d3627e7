"""A project object handed to a constructor (``Lock(client, path)``, ``self.client =
client``) or to a function (``read_each(client, nodes)``) is typed by what every call
site passes, also when that is an instance of a project class, not a library client
(``ProjectIndex._find_key`` follows ``app.Reader.__init__@0:client.fetch`` to it):
``self.client.fetch(key)`` per item then runs ``Client.fetch``, and what that does
(issue 12, class 1: attribute types from ``__init__``). A site that passes something
else leaves it untyped."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project
from support.shadowing import with_own_redis

CLIENT = """\
import redis


class Client:
    def __init__(self, url):
        self._r = redis.Redis(host=url)

    def fetch(self, key):
        return self._r.get("node:" + key)

    def fetch_many(self, keys):
        return self._r.mget(["node:" + key for key in keys])
"""

READER = """\
class Reader:
    def __init__(self, client, path):
        self.client = client
        self.path = path

    def read_each(self, nodes):
        return [self.client.fetch(self.path + node) for node in nodes]

    def read_all(self, nodes):
        return self.client.fetch_many([self.path + node for node in nodes])


def read_each(client, nodes):
    return [client.fetch(node) for node in nodes]
"""

CALLERS = """\
from app.client import Client
from app.reader import Reader, read_each


def make_reader(url):
    return Reader(Client(url), "/locks/")


def read_nodes(url, nodes):
    return read_each(Client(url), nodes)
"""

# another site passes an in-memory stand-in: the reader's client is either
MIXED_CALLERS = (
    CALLERS
    + """

class MemoryClient:
    def fetch(self, key):
        return None


def make_test_reader():
    return Reader(MemoryClient(), "/locks/")


def read_test_nodes(nodes):
    return read_each(MemoryClient(), nodes)
"""
)


def _found(run_cli, tmp_path, client: str, callers: str) -> dict[str, dict]:
    files = {
        "app/__init__.py": "",
        "app/client.py": client,
        "app/reader.py": READER,
        "app/callers.py": callers,
    }
    report = lint_json(run_cli, write_project(tmp_path, files), "--show-all", "--select", "TL401")
    return findings_by_function(report, READER, "reader.py")


def test_a_project_client_every_caller_passes_types_the_attribute(run_cli, tmp_path):
    found = _found(run_cli, tmp_path, CLIENT, CALLERS)
    # one round trip per node; the batched form in ``read_all`` is none
    assert sorted(found) == ["Reader", "read_each"]
    assert found["Reader"]["line"] == 7
    assert "`self._r.get()`" in found["Reader"]["message"]
    # a plain parameter alike
    assert "`client.fetch()`" in found["read_each"]["message"]


def test_callers_that_pass_different_classes_leave_it_untyped(run_cli, tmp_path):
    assert _found(run_cli, tmp_path, CLIENT, MIXED_CALLERS) == {}


def test_a_user_s_own_redis_class_is_no_round_trip(run_cli, tmp_path):
    assert _found(run_cli, tmp_path, with_own_redis(CLIENT), CALLERS) == {}
