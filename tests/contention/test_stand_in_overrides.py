"""A call on an instance of a base class whose method is a stub runs one of the
subclasses' overrides (``Summaries._stand_in``): the call has an effect when at least
half of those overrides have it (``shared_by_half``), not when any one does. litellm's
pipeline runs each step's guardrail through ``target.async_pre_call_hook(...)`` on a
``CustomLogger``; one of its 52 overrides (Lasso's) reads a conversation id from redis,
and every loop over guardrails or callbacks was reported as a redis round trip per item."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project
from support.shadowing import with_own_redis

HOOKS = """\
import redis

cache = redis.Redis(host="cache")


class CustomLogger:
    def pre_call_hook(self, data, call_type):
        pass


class LassoGuardrail(CustomLogger):
    def pre_call_hook(self, data, call_type):
        data["conversation_id"] = cache.get(data["litellm_call_id"])
        return data


class PresidioGuardrail(CustomLogger):
    def pre_call_hook(self, data, call_type):
        data["messages"] = [message.replace("@", "[at]") for message in data["messages"]]
        return data


class BannedKeywords(CustomLogger):
    def pre_call_hook(self, data, call_type):
        if any(word in data["prompt"] for word in ("secret", "password")):
            raise ValueError("banned keyword")
        return data
"""

# two of the three overrides read redis: most calls of the hook are round trips
MOSTLY_REDIS = HOOKS.replace(
    'if any(word in data["prompt"] for word in ("secret", "password")):',
    'if cache.get(data["prompt"]):',
)

# the user's own ``Redis`` class: a dict, no server
OWN_REDIS = with_own_redis(MOSTLY_REDIS)

PIPELINE = """\
from app.hooks import CustomLogger, LassoGuardrail


def run_pre_call_hook(target: CustomLogger, data, call_type):
    return target.pre_call_hook(data, call_type)


def execute_steps(steps, callbacks, data):
    for step in steps:
        run_pre_call_hook(callbacks[step], data, "completion")


def execute_lasso(requests):
    lasso = LassoGuardrail()
    for data in requests:
        lasso.pre_call_hook(data, "completion")
"""


def _found(run_cli, tmp_path, hooks: str) -> dict[str, dict]:
    files = {"app/__init__.py": "", "app/hooks.py": hooks, "app/pipeline.py": PIPELINE}
    report = lint_json(run_cli, write_project(tmp_path, files), "--show-all", "--select", "TL401")
    return findings_by_function(report, PIPELINE, "pipeline.py")


def test_one_override_of_three_does_not_make_the_hook_a_round_trip(run_cli, tmp_path):
    found = _found(run_cli, tmp_path, HOOKS)
    # the receiver's class is known: exactly Lasso's hook runs, a redis read per request
    assert sorted(found) == ["execute_lasso"]


def test_an_effect_most_overrides_share_is_the_hook_s(run_cli, tmp_path):
    found = _found(run_cli, tmp_path, MOSTLY_REDIS)
    assert sorted(found) == ["execute_lasso", "execute_steps"]
    # the chain names the override it follows with its class: one of several
    message = found["execute_steps"]["message"]
    assert "`pre_call_hook()` -> `LassoGuardrail.pre_call_hook()` -> `cache.get()`" in message


def test_a_user_s_own_redis_class_is_no_round_trip(run_cli, tmp_path):
    assert _found(run_cli, tmp_path, OWN_REDIS) == {}


# txtai's ``RDBMS.insert``: a base method's loop calls, on ``self``, a stub that one
# subclass overrides with a write; the object is the same on every pass, so a
# ``RedisStore`` runs a ``SET`` per document whatever its siblings do
STORE = """\
import redis

cache = redis.Redis(host="cache")


class Store:
    def insert(self, documents):
        for uid, document in documents:
            self.load_document(uid, document)

    def load_document(self, uid, document):
        if isinstance(document, dict):
            self.insert_document(uid, document)

    def insert_document(self, uid, data):
        raise NotImplementedError


class RedisStore(Store):
    def insert_document(self, uid, data):
        cache.set("document:" + uid, str(data))


class MemoryStore(Store):
    def insert_document(self, uid, data):
        self.documents[uid] = data


class NullStore(Store):
    def insert_document(self, uid, data):
        return None
"""


def test_a_stub_called_on_self_does_what_any_override_does(run_cli, tmp_path):
    files = {"app/__init__.py": "", "app/store.py": STORE}
    report = lint_json(run_cli, write_project(tmp_path, files), "--show-all", "--select", "TL401")
    found = findings_by_function(report, STORE, "store.py")
    assert sorted(found) == ["Store"]
    assert "`RedisStore.insert_document()` -> `cache.set()`" in found["Store"]["message"]
