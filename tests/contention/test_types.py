"""``semantic.types``: the family of a receiver, and the ``confidence`` of findings that
rest on it, through the real CLI. Each piece of type knowledge has a bad case (flagged),
a good case (the batch API), a near miss, and a user's own class of the same name."""

from __future__ import annotations

import json
import textwrap

import pytest

from throughlint.semantic.types import HEURISTIC, TYPED, infer


def _lint(run_cli, tmp_path, source: str, *args: str) -> list[dict]:
    (tmp_path / "mod.py").write_text(textwrap.dedent(source))
    done = run_cli("--isolated", "--no-cache", "--format", "json", *args, "mod.py")
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["diagnostics"]


def _found(diagnostics: list[dict]) -> list[tuple[str, int, str]]:
    return [(d["code"], d["line"], d["confidence"]) for d in diagnostics]


# a redis client made by a constructor the model cannot resolve (a lazily imported module)
LAZY_REDIS = """\
class Limiter:
    def __init__(self, dependency, url):
        self.storage = dependency.asyncio.Redis.from_url(url)

    async def reset(self, keys):
        for key in keys:
            await self.storage.delete(key)
"""
LAZY_REDIS_GOOD = """\
class Limiter:
    def __init__(self, dependency, url):
        self.storage = dependency.asyncio.Redis.from_url(url)

    async def reset(self, keys):
        await self.storage.delete(*keys)
"""
# near miss: the same method on an attribute of unknown type
UNKNOWN_BACKEND = """\
class Store:
    def __init__(self, backend):
        self.backend = backend

    def remove(self, words):
        for word in words:
            self.backend.delete(word)
"""
# shadowing: the user's own class called Redis, whose delete is local
OWN_REDIS = """\
class Redis:
    def delete(self, key):
        return key


class Limiter:
    def __init__(self):
        self.storage = Redis()

    def reset(self, keys):
        for key in keys:
            self.storage.delete(key)
"""

# an attribute given redis-only commands elsewhere in its class
USED_AS_REDIS = """\
class Index:
    def __init__(self, database):
        self.database = database

    def add(self, word, doc):
        self.database.zadd(word, {doc: 1})

    def remove(self, words):
        for word in words:
            self.database.delete(word)
"""
# (round 26) near misses: the command is a method of a class of this module (devpi's
# in-memory ``ProjectUpdateCache.expire``), or the attribute is a property: not evidence
OWN_COMMAND_SHADOWING = """\
class RetrieveTimes:
    def __init__(self):
        self._times = {}

    def expire(self, project):
        self._times.pop(project, None)


class Stage:
    def __init__(self, times):
        self.times = times

    def forget(self, project):
        self.times.expire(project)

    def forget_all(self, projects):
        for project in projects:
            self.times.expire(project)
"""
PROPERTY_NOT_BY_USE = """\
class Stage:
    def __init__(self, xom):
        self.xom = xom

    @property
    def times(self):
        return self.xom.singleton("times")

    def forget(self, project):
        self.times.zadd(project, {"a": 1})

    def forget_all(self, projects):
        for project in projects:
            self.times.delete(project)
"""
# (new10 audit: bodhi's composer) an ORM session also given ``expire(obj)``: the commit
# on the same attribute says it is no redis client; the near miss, a redis client given
# ``expire`` and nothing a redis client lacks, is still one
SESSION_EXPIRE = """\
class Composer:
    def run(self):
        with self.db_factory() as session:
            self.db = session
            self.work()

    def eject(self, update):
        self.db.expire(self.compose, ["updates"])

    def work(self):
        for update in self.compose.updates:
            self.eject(update)
        self.db.commit()
"""
REDIS_EXPIRE = """\
class Limiter:
    def __init__(self, client):
        self.r = client

    def hit(self, keys):
        for key in keys:
            self.r.expire(key, 60)
"""
# one client under two names: the reading one is a redis client too
ALIASED_REDIS = """\
class Cache:
    def __init__(self, client):
        self._read = self._write = client

    def add(self, key, value):
        return self._write.setnx(key, value)

    def has_all(self, keys):
        return [self._read.exists(key) for key in keys]
"""
# boto3 imported inside __init__, a table handed out by the resource: typed, the
# method's own import resolves the name (``SemanticModel._imports_of``)
LOCAL_BOTO3 = """\
class Store:
    def __init__(self, name):
        import boto3

        self._dynamo = boto3.resource("dynamodb")
        self._table = self._dynamo.Table(name)

    def put_all(self, items):
        for item in items:
            self._table.put_item(Item=item)
"""
LOCAL_BOTO3_GOOD = LOCAL_BOTO3.replace(
    """        for item in items:
            self._table.put_item(Item=item)""",
    """        with self._table.batch_writer() as batch:
            for item in items:
                batch.put_item(Item=item)""",
)
OWN_TABLE = """\
class Table:
    def put_item(self, Item):
        return Item


class Store:
    def __init__(self):
        self._table = Table()

    def put_all(self, items):
        for item in items:
            self._table.put_item(Item=item)
"""
USED_AS_REDIS_GOOD = """\
class Index:
    def __init__(self, database):
        self.database = database

    def add(self, word, doc):
        self.database.zadd(word, {doc: 1})

    def remove(self, words):
        self.database.delete(*words)
"""

# a class of this file that subclasses the redis client: typed
SUBCLASS = """\
import redis


class Database(redis.Redis):
    pass


db = Database()


def drop(keys):
    for key in keys:
        db.delete(key)
"""
OWN_SUBCLASS = """\
class Redis:
    def delete(self, key):
        return key


class Database(Redis):
    pass


db = Database()


def drop(keys):
    for key in keys:
        db.delete(key)
"""

# memcache, typed by its constructor
MEMCACHE = """\
from pymemcache.client.base import Client


class Cache:
    def __init__(self):
        self.client = Client(("localhost", 11211))

    def get_all(self, keys):
        return [self.client.get(key) for key in keys]
"""
MEMCACHE_GOOD = """\
from pymemcache.client.base import Client


class Cache:
    def __init__(self):
        self.client = Client(("localhost", 11211))

    def get_all(self, keys):
        return self.client.get_many(keys)
"""
MEMCACHE_SMALL = """\
from pymemcache.client.base import Client


class Cache:
    def __init__(self):
        self.client = Client(("localhost", 11211))

    def settings(self):
        return [self.client.get(key) for key in ("a", "b")]
"""
OWN_CLIENT = """\
class Client:
    def get(self, key):
        return key


class Cache:
    def __init__(self):
        self.client = Client()

    def get_all(self, keys):
        return [self.client.get(key) for key in keys]
"""


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(LAZY_REDIS, [("TL401", 7, HEURISTIC)], id="lazy-constructor-bad"),
        pytest.param(LAZY_REDIS_GOOD, [], id="lazy-constructor-good"),
        pytest.param(UNKNOWN_BACKEND, [], id="unknown-backend-near-miss"),
        pytest.param(OWN_REDIS, [], id="own-redis-shadowing"),
        pytest.param(USED_AS_REDIS, [("TL401", 10, HEURISTIC)], id="redis-by-use-bad"),
        pytest.param(USED_AS_REDIS_GOOD, [], id="redis-by-use-good"),
        pytest.param(OWN_COMMAND_SHADOWING, [], id="redis-by-use-own-command-shadowing"),
        pytest.param(PROPERTY_NOT_BY_USE, [], id="redis-by-use-property-near-miss"),
        pytest.param(SESSION_EXPIRE, [], id="redis-by-use-session-shadowing"),
        pytest.param(REDIS_EXPIRE, [("TL401", 7, HEURISTIC)], id="redis-by-use-expire-bad"),
        pytest.param(LOCAL_BOTO3, [("TL401", 10, TYPED)], id="boto3-local-import-bad"),
        pytest.param(LOCAL_BOTO3_GOOD, [], id="boto3-batch-writer-good"),
        pytest.param(OWN_TABLE, [], id="own-table-shadowing"),
        pytest.param(ALIASED_REDIS, [("TL401", 9, HEURISTIC)], id="redis-alias-bad"),
        pytest.param(SUBCLASS, [("TL401", 13, TYPED)], id="client-subclass-bad"),
        pytest.param(OWN_SUBCLASS, [], id="own-subclass-shadowing"),
        pytest.param(MEMCACHE, [("TL401", 9, TYPED)], id="memcache-bad"),
        pytest.param(MEMCACHE_GOOD, [], id="memcache-good"),
        pytest.param(MEMCACHE_SMALL, [], id="memcache-small-loop-near-miss"),
        pytest.param(OWN_CLIENT, [], id="own-client-shadowing"),
    ],
)
def test_families_through_the_cli(run_cli, tmp_path, source, expected):
    assert _found(_lint(run_cli, tmp_path, source, "--select", "TL4")) == expected


def test_heuristics_false_keeps_only_typed_findings(run_cli, tmp_path):
    source = LAZY_REDIS + "\n\n" + SUBCLASS
    assert {c for _, _, c in _found(_lint(run_cli, tmp_path, source))} == {TYPED, HEURISTIC}
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\nheuristics = false\n")
    done = run_cli("--no-cache", "--format", "json", "mod.py")
    found = _found(json.loads(done.stdout)["diagnostics"])
    assert found and all(confidence == TYPED for _, _, confidence in found)


def test_heuristics_must_be_a_boolean(run_cli, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.throughlint]\nheuristics = "no"\n')
    (tmp_path / "mod.py").write_text("x = 1\n")
    done = run_cli("--no-cache", "mod.py")
    assert done.returncode == 2
    assert "heuristics" in done.stderr


def test_confidence_in_sarif_and_text(run_cli, tmp_path):
    (tmp_path / "mod.py").write_text(LAZY_REDIS)
    sarif = json.loads(run_cli("--isolated", "--no-cache", "--format", "sarif", "mod.py").stdout)
    results = sarif["runs"][0]["results"]
    assert [r["properties"]["confidence"] for r in results] == [HEURISTIC]
    text = run_cli("--isolated", "--no-cache", "mod.py").stdout
    assert "(heuristic)" in text


def test_lock_known_only_by_name_is_heuristic(run_cli, tmp_path):
    source = """\
    import threading
    lock = threading.Lock()

    def by_type(words, totals):
        for word in words:
            with lock:
                totals[word] = totals.get(word, 0) + 1

    def by_name(words, totals, lock):
        for word in words:
            with lock:
                totals[word] = totals.get(word, 0) + 1
    """
    found = _found(_lint(run_cli, tmp_path, source, "--select", "TL301"))
    assert found == [("TL301", 6, TYPED), ("TL301", 11, HEURISTIC)]


def test_infer_follows_both_arms_of_an_if(ask):
    source = """\
import redis
class C:
    def __init__(self, url, fake):
        if fake:
            self.r = None
        else:
            self.r = redis.Redis.from_url(url)
    def f(self):
        probe(self.r)
"""
    [fact] = ask(source, infer)
    assert fact is not None and (fact.family, fact.confidence) == ("redis", TYPED)


def test_many_key_form_per_group_stays_clean(run_cli, tmp_path):
    source = """\
    import redis
    r = redis.Redis()

    def drop(groups):
        for group in groups:
            r.unlink(*group)
        for key in groups[0]:
            r.unlink(key)
    """
    assert _found(_lint(run_cli, tmp_path, source, "--select", "TL401")) == [("TL401", 8, TYPED)]


def test_helper_given_the_callers_pipeline_stays_clean(run_cli, tmp_path):
    source = """\
    import redis
    r = redis.Redis()

    def forget(key, pipeline=None):
        connection = pipeline if pipeline is not None else r
        r.delete(key)

    def forget_all(keys):
        with r.pipeline() as pipe:
            for key in keys:
                forget(key, pipeline=pipe)
            pipe.execute()
        for key in keys:
            forget(key)
    """
    assert _found(_lint(run_cli, tmp_path, source, "--select", "TL401")) == [("TL401", 14, TYPED)]


def test_own_lock_class_in_a_drain_loop_stays_clean(run_cli, tmp_path):
    source = """\
    import collections


    class Lock:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False


    class Sender:
        def __init__(self, transport):
            self._lock = Lock()
            self._pending = collections.deque()
            self._transport = transport

        def run(self):
            while self._pending:
                with self._lock:
                    message = self._pending.popleft()
                self._transport.send(message)
    """
    assert _found(_lint(run_cli, tmp_path, source, "--select", "TL301")) == []
    typed = source.replace("self._lock = Lock()", "self._lock = threading.Lock()")
    typed = "import threading\n" + textwrap.dedent(typed)
    assert _found(_lint(run_cli, tmp_path, typed, "--select", "TL301")) == [("TL301", 21, TYPED)]


def test_both_arms_of_an_optional_import(run_cli, tmp_path):
    source = """\
    try:
        import redis
    except ImportError:
        redis = None


    class Cache:
        def __init__(self, url):
            if redis is None:
                raise RuntimeError("redis is not installed")
            self.client = redis.Redis.from_url(url)

        def drop(self, keys):
            for key in keys:
                self.client.delete(key)
    """
    assert _found(_lint(run_cli, tmp_path, source, "--select", "TL401")) == [("TL401", 15, TYPED)]
    # a stand-in with methods of its own replaces the import: only the spelling is left
    stand_in = source.replace("redis = None", "redis = FakeRedisModule()")
    found = _found(_lint(run_cli, tmp_path, stand_in, "--select", "TL401"))
    assert found == [("TL401", 15, HEURISTIC)]


def test_instance_of_a_class_attribute_factory_is_judged_by_use(run_cli, tmp_path):
    source = """\
    class Manager:
        clients = {}

        def __init__(self, url):
            self.client = Manager.clients.get(url)

        def put(self, key, value, ttl):
            self.client.setex(key, ttl, value)

        def drop(self, keys):
            for key in keys:
                self.client.delete(key)
    """
    found = _found(_lint(run_cli, tmp_path, source, "--select", "TL401"))
    assert found == [("TL401", 12, HEURISTIC)]
