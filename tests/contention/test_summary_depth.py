"""A summary sees ``SUMMARY_DEPTH`` calls deep in total, whatever the calls pass: a chain
whose calls pass literals (``call_type="completion"``, ``local_only=False``) is followed
with those values (``Summaries.under``), one round fewer per call, as a plain chain is.
Before, each call that passed a value was followed at the caller's depth again, so
litellm's per-guardrail loops reached a redis read through chains of 7 to 10 calls
(``moderation_hook() -> run_guardrail() -> ... -> get_cache() -> get()``)."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project
from support.shadowing import with_own_redis

CACHE = """\
import redis


class RedisCache:
    def __init__(self, host):
        self.redis_client = redis.Redis(host=host)

    def get_cache(self, key, parent_otel_span=None):
        return self.redis_client.get(key)


class DualCache:
    def __init__(self, host):
        self.in_memory_cache = {}
        self.redis_cache = RedisCache(host)

    def get_cache(self, key, parent_otel_span=None, local_only=False):
        result = self.in_memory_cache.get(key)
        if not local_only:
            if result is None:
                result = self.redis_cache.get_cache(key, parent_otel_span=parent_otel_span)
        return result
"""

# the user's own ``Redis``: a dict, no server
OWN_REDIS = with_own_redis(CACHE)

LASSO = """\
from app.cache import DualCache

cache = DualCache("cache")


class LassoGuardrail:
    def conversation_id(self, data, local_only=False):
        return cache.get_cache(data["litellm_call_id"], local_only=local_only)

    def prepare_headers(self, data, call_type):
        headers = {"lasso-call-type": call_type}
        headers["lasso-conversation-id"] = self.conversation_id(data, local_only=False)
        return headers

    def handle_classification(self, data, call_type):
        return self.prepare_headers(data, call_type=call_type)

    def run_guardrail(self, data, call_type):
        return self.handle_classification(data, call_type=call_type)

    def moderation_hook(self, data, call_type):
        return self.run_guardrail(data, call_type=call_type)
"""

JOBS = """\
from app.lasso import LassoGuardrail

guardrail = LassoGuardrail()


def moderate_all(requests):
    for data in requests:
        guardrail.moderation_hook(data, call_type="completion")


def conversation_ids(requests):
    for data in requests:
        guardrail.conversation_id(data)


def local_conversation_ids(requests):
    for data in requests:
        guardrail.conversation_id(data, local_only=True)
"""


def _found(run_cli, tmp_path, cache: str) -> dict[str, dict]:
    files = {
        "app/__init__.py": "",
        "app/cache.py": cache,
        "app/lasso.py": LASSO,
        "app/jobs.py": JOBS,
    }
    report = lint_json(run_cli, write_project(tmp_path, files), "--show-all", "--select", "TL401")
    return findings_by_function(report, JOBS, "jobs.py")


def test_a_chain_passing_literals_is_followed_no_deeper_than_a_plain_one(run_cli, tmp_path):
    found = _found(run_cli, tmp_path, CACHE)
    # bad, fixed: ``moderation_hook`` reaches the read six calls down, past the depth
    assert "moderate_all" not in found
    # good: three calls down, with the literal it passes, is still a round trip per item
    assert (
        "`get_cache()` -> `get_cache()` -> `self.redis_client.get()`"
        in (found["conversation_ids"]["message"])
    )
    # near miss: ``local_only=True`` rules the redis branch out
    assert sorted(found) == ["conversation_ids"]


def test_a_user_s_own_redis_class_is_no_round_trip(run_cli, tmp_path):
    assert _found(run_cli, tmp_path, OWN_REDIS) == {}
