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
