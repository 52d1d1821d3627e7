"""A stand-in's share (``Summaries._shared``) leaves out an override whose summary is
empty only because its calls go on past ``SUMMARY_DEPTH`` (``Summaries._unknown``): what
it does is unknown, not nothing. mlflow's tracking stores have this shape: one store
reads its backend directly, the REST stores reach their HTTP session some five calls
down, past the bound; counted as doing nothing, they outvoted the direct store's round
trip, and one per trace went unreported. An override whose calls all end within the
bound (a memo read) still counts as doing nothing."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project
from support.shadowing import with_own_redis

STORES = """\
import redis
import requests

cache = redis.Redis(host="cache")


class Store:
    def get_trace(self, trace_id):
        raise NotImplementedError


class RedisStore(Store):
    def get_trace(self, trace_id):
        return cache.get("trace:" + trace_id)


class RestStore(Store):
    def get_trace(self, trace_id):
        return self._call_endpoint("/traces", trace_id)

    def _call_endpoint(self, path, body):
        return call_endpoint(path, body)


class GatewayStore(Store):
    def get_trace(self, trace_id):
        return self._call_endpoint("/gateway/traces", trace_id)

    def _call_endpoint(self, path, body):
        return call_endpoint(path, body)


def call_endpoint(path, body):
    return http_request(path, body)


def http_request(path, body):
    return _with_retries(path, body)


def _with_retries(path, body):
    return _session().get(path, params=body)


def _session():
    return requests.Session()
"""

# the REST stores' calls end within the bound, doing nothing the index knows of: one
# store of three reads redis, so a call of the stand-in is no round trip
SHALLOW = STORES.replace(
    "        return call_endpoint(path, body)", "        return self.cached[path + body]"
)

# the user's own ``Redis`` class: a dict, no server
OWN_REDIS = with_own_redis(STORES)

HANDLERS = """\
from app.stores import Store


def fetch(store: Store, trace_id):
    return store.get_trace(trace_id)


def get_traces(store, trace_ids):
    return [fetch(store, trace_id) for trace_id in trace_ids]


def get_first(store, trace_ids):
    return fetch(store, trace_ids[0])
"""


def _found(run_cli, tmp_path, stores: str) -> dict[str, dict]:
    files = {"app/__init__.py": "", "app/stores.py": stores, "app/handlers.py": HANDLERS}
    report = lint_json(run_cli, write_project(tmp_path, files), "--show-all", "--select", "TL401")
    return findings_by_function(report, HANDLERS, "handlers.py")


def test_overrides_cut_short_by_the_bound_do_not_outvote_a_round_trip(run_cli, tmp_path):
    found = _found(run_cli, tmp_path, STORES)
    assert sorted(found) == ["get_traces"]
    assert "`RedisStore.get_trace()` -> `cache.get()`" in found["get_traces"]["message"]


def test_overrides_whose_calls_end_within_the_bound_do_nothing(run_cli, tmp_path):
    assert _found(run_cli, tmp_path, SHALLOW) == {}


def test_a_user_s_own_redis_class_is_no_round_trip(run_cli, tmp_path):
    assert _found(run_cli, tmp_path, OWN_REDIS) == {}
