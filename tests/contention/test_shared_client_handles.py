"""TL401 through a project function that hands out a shared library client it does not
build (``return caches["results"]``, ``return cache``): calls on what it returns are
that client's round trips, in another module too (issue 12, class 2). Run through the
real CLI."""

from __future__ import annotations

import json
import textwrap

import pytest

CACHING = """\
from django.core.cache import cache, caches


def results_cache():
    return caches["results"]


def named(alias):
    return caches.get(alias)


def default_cache():
    return cache
"""

OWN_CACHES = """\
class LocalCache:
    def get(self, key):
        return None


caches = {"results": LocalCache()}


def results_cache():
    return caches["results"]
"""

PER_KEY = """\
from app.caching import default_cache, named, results_cache


def load(keys):
    store = results_cache()
    return [store.get(key) for key in keys]  # expect


def load_named(keys):
    found = {}
    for key in keys:
        found[key] = named("results").get(key)  # expect
    return found


def forget(keys):
    for key in keys:
        default_cache().delete(key)  # expect
"""

OWN_PER_KEY = """\
from app.caching import results_cache


def load(keys):
    store = results_cache()
    return [store.get(key) for key in keys]
"""

BATCHED = """\
from app.caching import default_cache, results_cache


def load(keys):
    return results_cache().get_many(keys)


def forget(keys):
    default_cache().delete_many(keys)


def first(keys):
    return results_cache().get(keys[0])
"""


def _lint(run_cli, tmp_path, caching: str, caller: str) -> list[tuple[int, str]]:
    package = tmp_path / "proj" / "app"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "caching.py").write_text(caching, encoding="utf-8")
    (package / "tasks.py").write_text(caller, encoding="utf-8")
    completed = run_cli("proj", "--format", "json", "--isolated", "--no-cache", "--show-all")
    assert completed.returncode in (0, 1), completed.stderr
    return sorted(
        (d["line"], d["code"])
        for d in json.loads(completed.stdout)["diagnostics"]
        if d["path"].endswith("tasks.py")
    )


def _marked(source: str) -> list[tuple[int, str]]:
    return [
        (number, "TL401")
        for number, line in enumerate(textwrap.dedent(source).splitlines(), 1)
        if line.endswith("# expect")
    ]


def test_calls_on_a_handed_out_cache_are_round_trips_per_key(run_cli, tmp_path):
    assert _lint(run_cli, tmp_path, CACHING, PER_KEY) == _marked(PER_KEY)


def test_the_message_names_the_client_and_the_function(run_cli, tmp_path):
    package = tmp_path / "proj" / "app"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "caching.py").write_text(CACHING, encoding="utf-8")
    (package / "tasks.py").write_text(PER_KEY, encoding="utf-8")
    completed = run_cli("proj", "--isolated", "--no-cache", "--show-all", "--select", "TL401")
    assert "one Django cache round trip" in completed.stdout
    assert "a client from `results_cache()`" in completed.stdout
    assert "`cache.get_many()`" in completed.stdout


@pytest.mark.parametrize(
    ("caching", "caller"),
    [(CACHING, BATCHED), (OWN_CACHES, OWN_PER_KEY)],
    ids=["batched-or-once", "a-users-own-caches-dict"],
)
def test_batched_calls_and_a_users_own_caches_stay_clean(run_cli, tmp_path, caching, caller):
    assert _lint(run_cli, tmp_path, caching, caller) == []


def test_a_shared_handle_is_no_client_built_per_call(run_cli, tmp_path):
    found = _lint(run_cli, tmp_path, CACHING, PER_KEY)
    assert {code for _, code in found} == {"TL401"}


HELD_ON_SELF = """\
import redis
from django.core.cache import caches


class Broker:
    def __init__(self, url):
        self.cache = self.get_cache()
        self.client = self._connect(url)

    @staticmethod
    def get_cache():
        return caches["results"]

    def _connect(self, url):
        return redis.Redis.from_url(url)

    def results(self, keys):
        return [self.cache.get(key) for key in keys]  # expect

    def forget(self, keys):
        for key in keys:
            self.client.delete(key)  # expect


def collect(keys):
    broker = Broker("redis://")
    return [broker.cache.get(key) for key in keys]  # expect
"""

HELD_ON_SELF_NEAR_MISSES = """\
from django.core.cache import caches


class LocalCache:
    def get(self, key):
        return None


class Broker:
    def __init__(self, fast):
        self.local = self.make_local()
        if fast:
            self.cache = self.get_cache()
        else:
            self.cache = self.make_local()

    @staticmethod
    def get_cache():
        return caches["results"]

    def make_local(self):
        return LocalCache()

    def results(self, keys):
        return [self.local.get(key) for key in keys]

    def either(self, keys):
        return [self.cache.get(key) for key in keys]

    def batched(self, keys):
        return self.get_cache().get_many(keys)
"""


def _lint_one(run_cli, tmp_path, source: str) -> list[tuple[int, str]]:
    package = tmp_path / "proj" / "app"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "broker.py").write_text(source, encoding="utf-8")
    completed = run_cli(
        "proj", "--format", "json", "--isolated", "--no-cache", "--show-all", "--select", "TL401"
    )
    assert completed.returncode in (0, 1), completed.stderr
    return sorted((d["line"], d["code"]) for d in json.loads(completed.stdout)["diagnostics"])


def test_a_client_held_on_self_from_a_method_that_returns_one(run_cli, tmp_path):
    assert _lint_one(run_cli, tmp_path, HELD_ON_SELF) == _marked(HELD_ON_SELF)


def test_an_attribute_bound_twice_or_to_a_users_own_cache_stays_clean(run_cli, tmp_path):
    assert _lint_one(run_cli, tmp_path, HELD_ON_SELF_NEAR_MISSES) == []


BROKERS = """\
from django.core.cache import caches


class LocalCache:
    def get(self, key):
        return None


class Broker:
    def __init__(self, name):
        self.name = name
        self.cache = self.get_cache()
        self.local = LocalCache()

    def __setstate__(self, state):
        self.name = state
        self.cache = self.get_cache()

    @staticmethod
    def get_cache():
        return caches["results"]


def get_broker(name="default") -> Broker:
    return globals()["Broker"](name)


def any_broker(name="default"):
    return globals()["Broker"](name)
"""

THROUGH_THE_BROKER = """\
from app.caching import any_broker, get_broker


def fetch_group(keys, broker=None):
    if not broker:
        broker = get_broker()
    return [broker.cache.get(key) for key in keys]  # expect


def fetch_local(keys):
    broker = get_broker()
    return [broker.local.get(key) for key in keys]


def fetch_unannotated(keys):
    broker = any_broker()
    return [broker.cache.get(key) for key in keys]
"""


def test_an_attribute_of_what_an_annotated_factory_returns_in_another_module(run_cli, tmp_path):
    found = _lint(run_cli, tmp_path, BROKERS, THROUGH_THE_BROKER)
    assert found == _marked(THROUGH_THE_BROKER)
