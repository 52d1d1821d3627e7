"""TL401 on a client that the function's callers pass (issue 12, classes 1 and 3): a
parameter, or an attribute the class binds to a constructor parameter
(``self.client = client``), typed through the project index by what every call site
passes. A site that passes something else, a subclass that may run the same
``__init__``, or a class handed on as a value leave it untyped. Run through the real
CLI, with the callers in another module."""

from __future__ import annotations

import json
import textwrap

import pytest

STORE = """\
class Store:
    def __init__(self, client, name):
        self.client = client
        self.name = name

    def get(self, key):
        return self.client.get(key)

    def get_many(self, keys):
        return [self.get(key) for key in keys]  # TL401

    def drop(self, keys):
        for key in keys:
            self.client.delete(key)  # TL401

    def drop_all(self, keys):
        self.client.delete(*keys)


def expire_each(conn, keys):
    for key in keys:
        conn.expire(key, 60)  # TL401
"""

REDIS_CALLERS = """\
import redis

from app.store import Store, expire_each


def make(url):
    return Store(redis.Redis.from_url(url), "main")


def tidy(keys):
    expire_each(redis.Redis(), keys)
"""

# a pipeline buffers its commands: no round trip per key
PIPELINE_CALLERS = """\
import redis

from app.store import Store, expire_each


def make(url):
    return Store(redis.Redis.from_url(url).pipeline(), "main")


def tidy(keys):
    expire_each(redis.Redis().pipeline(), keys)
"""

# one site passes a plain dict: the parameter has no single type
MIXED_CALLERS = """\
import redis

from app.store import Store, expire_each


def make(url):
    return Store(redis.Redis.from_url(url), "main")


def local():
    return Store({}, "memory")


def tidy(keys):
    expire_each(redis.Redis(), keys)
    expire_each({}, keys)
"""

# a subclass may run the same ``__init__`` with its own arguments; the function is
# handed on as a value, so its callers are not all seen
SUBCLASS_CALLERS = """\
import redis

from app.store import Store, expire_each


class LocalStore(Store):
    pass


def make(url):
    return Store(redis.Redis.from_url(url), "main")


def local():
    return LocalStore({}, "memory")


def tidy(keys):
    expire_each(redis.Redis(), keys)


def hooks(register):
    register(expire_each)
"""

# the project's own module called ``redis``, with its own in-memory ``Redis``
OWN_REDIS_MODULE = """\
class Redis:
    def get(self, key):
        return key

    def delete(self, key):
        return key

    def expire(self, key, seconds):
        return key
"""

# the user's own class called Redis: no round trip is made
OWN_REDIS_CALLERS = (
    "from app.store import Store, expire_each\n\n\n"
    + OWN_REDIS_MODULE
    + """

def make():
    return Store(Redis(), "main")


def tidy(keys):
    expire_each(Redis(), keys)
"""
)


# the class builds itself around a pipeline: those sites pass no client of one type
SELF_BUILT_STORE = STORE.replace(
    """    def drop_all(self, keys):""",
    """    def buffered(self):
        return type(self)(self.client.pipeline(), self.name)

    def also_buffered(self):
        return self.__class__(self.client.pipeline(), self.name)

    def drop_all(self, keys):""",
).replace("  # TL401", "")
SELF_BUILT_STORE = SELF_BUILT_STORE.replace(
    "        conn.expire(key, 60)", "        conn.expire(key, 60)  # TL401"
)

# a chain of helpers each handing the client on, defined callee first: the answer for
# a helper must not depend on which parameter the index was asked about first. The
# index follows callers of callers 6 deep, so the last helper stays untyped.
CHAIN = (
    "".join(
        f"""
def step{n}(client, keys):
    for key in keys:
        client.delete(key){"  # TL401" if n < 7 else ""}
    {f"step{n + 1}(client, keys)" if n < 7 else "return None"}
"""
        for n in reversed(range(8))
    )
    + """

def main(keys):
    import redis

    step0(redis.Redis(), keys)
"""
)


def _lint(run_cli, tmp_path, callers: str, store: str = STORE) -> list[int]:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "store.py").write_text(textwrap.dedent(store))
    (package / "callers.py").write_text(textwrap.dedent(callers))
    done = run_cli(
        "--isolated", "--no-cache", "--format", "json", "--select", "TL401", "--show-all", "."
    )
    assert done.returncode in (0, 1), done.stderr
    diagnostics = json.loads(done.stdout)["diagnostics"]
    return [d for d in diagnostics if d["path"] == "app/store.py"]


def _expected(store: str = STORE) -> list[int]:
    return [n for n, line in enumerate(store.splitlines(), 1) if line.endswith("# TL401")]


def test_clients_the_callers_pass_are_typed(run_cli, tmp_path):
    found = _lint(run_cli, tmp_path, REDIS_CALLERS)
    assert [d["line"] for d in found] == _expected()
    assert all(d["confidence"] == "typed" for d in found)
    by_line = {d["line"]: d["message"] for d in found}
    drop, expire = _expected()[1:]
    assert "one redis round trip per item of the loop over `keys`" in by_line[drop]
    assert "a client that every caller of `Store()` passes as `client`" in by_line[drop]
    assert "every caller of `expire_each()` passes as `conn`" in by_line[expire]
    helper = by_line[_expected()[0]]
    assert "`self.get()` makes a remote call" in helper
    assert "the redis client that every caller of `Store()` passes" in helper


@pytest.mark.parametrize(
    "callers",
    [
        pytest.param(PIPELINE_CALLERS, id="good-a-pipeline-buffers"),
        pytest.param(MIXED_CALLERS, id="near-miss-another-site-passes-a-dict"),
        pytest.param(SUBCLASS_CALLERS, id="near-miss-subclass-and-function-as-value"),
        pytest.param(OWN_REDIS_CALLERS, id="own-redis-shadowing"),
    ],
)
def test_untyped_or_buffered_clients_stay_quiet(run_cli, tmp_path, callers):
    assert _lint(run_cli, tmp_path, callers) == []


def test_constructions_through_type_of_self_count(run_cli, tmp_path):
    found = _lint(run_cli, tmp_path, REDIS_CALLERS, SELF_BUILT_STORE)
    assert [d["line"] for d in found] == _expected(SELF_BUILT_STORE)


def test_own_type_function_builds_no_instance_of_the_class(run_cli, tmp_path):
    # the module's own ``type``: ``type(self)(...)`` is not a call of ``Store``
    store = "def type(obj):\n    return dict\n\n\n" + STORE.replace(
        """    def drop_all(self, keys):""",
        """    def buffered(self):
        return type(self)(self.client.pipeline(), self.name)

    def drop_all(self, keys):""",
    )
    found = _lint(run_cli, tmp_path, REDIS_CALLERS, store)
    assert [d["line"] for d in found] == _expected(store)


def test_own_module_called_redis_is_no_client(run_cli, tmp_path):
    (tmp_path / "redis.py").write_text(OWN_REDIS_MODULE)
    assert _lint(run_cli, tmp_path, REDIS_CALLERS) == []


def test_a_chain_of_helpers_is_typed_whatever_the_order(run_cli, tmp_path):
    found = _lint(run_cli, tmp_path, "VALUE = 1\n", CHAIN)
    assert [d["line"] for d in found] == _expected(CHAIN)


def test_no_caller_in_the_project_leaves_it_untyped(run_cli, tmp_path):
    # a library's public API: nothing says what its users pass
    assert _lint(run_cli, tmp_path, "VALUE = 1\n") == []
