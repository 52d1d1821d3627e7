"""Batch family, round 33: TL401 on real shapes. Each source marks the lines that must
fire with ``# TL401`` at the end; every other line stays clean. Run through the real CLI
with ``--show-all`` (what is found, not what is shown), but for the held-back loops at the
end, which are run as a user sees them."""

from __future__ import annotations

import pytest

from tests.contention.test_batch_round31 import _expected, _found
from tests.support.cli_projects import lint_json, write_project

# --- TL401: a client built from a module the method imports itself ----------------------
# flask-caching's SASL memcached cache and litellm's S3 cache import their optional client
# library inside ``__init__`` (``import pylibmc``, ``import boto3``, under ``try`` /
# ``except ImportError``) and bind the client to ``self``: the attribute is that client,
# read from any method, and the one-key method a multi-key method calls per key makes a
# round trip each.

LOCAL_IMPORT_BAD = """\
class SASLMemcachedCache:
    def __init__(self, servers=None, key_prefix=None, username=None, password=None):
        try:
            import pylibmc
        except ImportError:
            pylibmc = None
        if servers is None:
            servers = ["127.0.0.1:11211"]
        self._client = pylibmc.Client(servers, username=username, password=password, binary=True)
        self.key_prefix = key_prefix

    def _normalize_key(self, key):
        if self.key_prefix:
            key = self.key_prefix + key
        return key

    def delete(self, key):
        return bool(self._client.delete(self._normalize_key(key)))

    def delete_many(self, *keys):
        return [k for k in keys if self.delete(k)]  # TL401

    def get_dict(self, *keys):
        return {k: self._client.get(self._normalize_key(k)) for k in keys}  # TL401


class S3Cache:
    def __init__(self, s3_bucket_name, s3_region_name=None, s3_path=None, **kwargs):
        import boto3

        self.bucket_name = s3_bucket_name
        self.key_prefix = s3_path.rstrip("/") + "/" if s3_path else ""
        self.s3_client = boto3.client("s3", region_name=s3_region_name, **kwargs)

    def _to_s3_key(self, key):
        return self.key_prefix + key.replace(":", "/")

    def delete_cache(self, key):
        self.s3_client.delete_object(Bucket=self.bucket_name, Key=self._to_s3_key(key))

    def flush_keys(self, keys):
        for key in keys:
            self.delete_cache(key)  # TL401
"""
LOCAL_IMPORT_GOOD = """\
class SASLMemcachedCache:
    def __init__(self, servers=None, key_prefix=None):
        import pylibmc

        self._client = pylibmc.Client(servers or ["127.0.0.1:11211"], binary=True)
        self.key_prefix = key_prefix or ""

    def delete_many(self, *keys):
        return self._client.delete_multi([self.key_prefix + k for k in keys])

    def get_dict(self, *keys):
        return self._client.get_multi([self.key_prefix + k for k in keys])
"""
# The import sits in another method than the binding (or in a function nested in it), or
# the name is bound again after the import: what the attribute holds is not known.
LOCAL_IMPORT_NEAR_MISS = """\
def _load():
    import pylibmc

    return pylibmc


class Elsewhere:
    def __init__(self, servers):
        self._client = pylibmc.Client(servers)

    def _check(self):
        import pylibmc

        return pylibmc.__version__

    def get_dict(self, *keys):
        return {k: self._client.get(k) for k in keys}


class Nested:
    def __init__(self, servers):
        def load():
            import pylibmc

            return pylibmc

        self._client = pylibmc.Client(servers)

    def get_dict(self, *keys):
        return {k: self._client.get(k) for k in keys}


class Rebound:
    def __init__(self, servers):
        import pylibmc

        pylibmc = _load()
        self._client = pylibmc.Client(servers)

    def get_dict(self, *keys):
        return {k: self._client.get(k) for k in keys}
"""
# The user's own ``Client`` imported inside ``__init__`` from a module of the project:
# a dict in memory, whatever it is called.
LOCAL_IMPORT_SHADOWING = {
    "app/__init__.py": "",
    "app/memory.py": """\
class Client:
    def __init__(self, servers):
        self._data = {}

    def get(self, key):
        return self._data.get(key)

    def delete(self, key):
        return self._data.pop(key, None) is not None
""",
    "app/cache.py": """\
class MemoryCache:
    def __init__(self, servers=None):
        from app.memory import Client

        self._client = Client(servers)

    def delete(self, key):
        return self._client.delete(key)

    def delete_many(self, *keys):
        return [k for k in keys if self.delete(k)]

    def get_dict(self, *keys):
        return {k: self._client.get(k) for k in keys}
""",
}

# --- TL401: a client bound to ``self`` from a method of the class that builds it --------
# cachelib's caches make their client in a method of their own (``self._client =
# self._connect(...)``); the one-key ``has`` a ``delete_many`` calls per key then makes a
# round trip through that client, as the call on the attribute in the loop itself does.

FACTORY_ATTRIBUTE_BAD = """\
import redis


class RedisCache:
    def __init__(self, host="localhost", port=6379, key_prefix=None):
        self._client = self._connect(host, port)
        self.key_prefix = key_prefix or ""

    def _connect(self, host, port):
        return redis.Redis(host=host, port=port)

    def has(self, key):
        return bool(self._client.exists(self.key_prefix + key))

    def delete_many(self, *keys):
        self._client.delete(*[self.key_prefix + k for k in keys])
        return [k for k in keys if not self.has(k)]  # TL401
"""
FACTORY_ATTRIBUTE_GOOD = """\
import redis


class RedisCache:
    def __init__(self, host="localhost", port=6379, key_prefix=None):
        self._client = self._connect(host, port)
        self.key_prefix = key_prefix or ""

    def _connect(self, host, port):
        return redis.Redis(host=host, port=port)

    def delete_many(self, *keys):
        names = [self.key_prefix + k for k in keys]
        self._client.delete(*names)
        return self._client.exists(*names) == 0
"""
FACTORY_ATTRIBUTE_NEAR_MISS = """\
class MemoryCache:
    def __init__(self):
        self._client = self._connect()

    def _connect(self):
        return {}

    def has(self, key):
        return self._client.get(key) is not None

    def delete_many(self, *keys):
        return [k for k in keys if not self.has(k)]
"""
FACTORY_ATTRIBUTE_SHADOWING = """\
class Redis:
    def __init__(self, host, port):
        self._data = {}

    def exists(self, key):
        return key in self._data


class RedisCache:
    def __init__(self, host="localhost", port=6379):
        self._client = self._connect(host, port)

    def _connect(self, host, port):
        return Redis(host=host, port=port)

    def has(self, key):
        return bool(self._client.exists(key))

    def missing(self, keys):
        return [k for k in keys if not self.has(k)]
"""

# --- TL401: a client reserved from a pylibmc pool ----------------------------------------
# dramatiq's memcached backends keep a ``ClientPool`` and take a client from it for each
# command (``with self.pool.reserve(block=True) as client:``): the reserved client is a
# memcache client, so a get per key is a round trip per key.

POOL_RESERVE_BAD = """\
from pylibmc import Client, ClientPool


class MemcachedBackend:
    def __init__(self, *, pool=None, pool_size=8, **parameters):
        self.pool = pool or ClientPool(Client(**parameters), pool_size)

    def _get(self, message_key):
        with self.pool.reserve(block=True) as client:
            return client.get(message_key)

    def get_results(self, message_keys):
        return [self._get(key) for key in message_keys]  # TL401

    def _store_all(self, results, ttl):
        with self.pool.reserve(block=True) as client:
            for message_key, data in results:
                client.set(message_key, data, time=int(ttl / 1000))  # TL401
"""
POOL_RESERVE_GOOD = """\
from pylibmc import Client, ClientPool


class MemcachedBackend:
    def __init__(self, *, pool=None, pool_size=8, **parameters):
        self.pool = pool or ClientPool(Client(**parameters), pool_size)

    def get_results(self, message_keys):
        with self.pool.reserve(block=True) as client:
            return client.get_multi(message_keys)

    def _store_all(self, results, ttl):
        with self.pool.reserve(block=True) as client:
            client.set_multi(dict(results), time=int(ttl / 1000))
"""
# A compare-and-swap retry: each pass reads the key again until the swap lands.
POOL_RESERVE_NEAR_MISS = """\
from pylibmc import Client, ClientPool, NotFound


class MemcachedBackend:
    def __init__(self, *, pool=None, pool_size=8, **parameters):
        self.pool = pool or ClientPool(Client(**parameters), pool_size)

    def incr_and_sum(self, key, keys, amount, maximum, ttl):
        with self.pool.reserve(block=True) as client:
            client.add(key, 0, time=ttl)
            while True:
                value, cid = client.gets(key)
                if cid is None:
                    return False
                value += amount
                if value > maximum:
                    return False
                mapping = client.get_multi(keys())
                if amount + sum(mapping.values()) > maximum:
                    return False
                try:
                    if client.cas(key, value, cid, ttl):
                        return True
                except NotFound:
                    continue
"""
# The user's own ``ClientPool`` hands out a dict.
POOL_RESERVE_SHADOWING = """\
from contextlib import contextmanager


class ClientPool:
    def __init__(self):
        self._data = {}

    @contextmanager
    def reserve(self, block=False):
        yield self._data


class MemoryBackend:
    def __init__(self):
        self.pool = ClientPool()

    def _get(self, message_key):
        with self.pool.reserve(block=True) as client:
            return client.get(message_key)

    def get_results(self, message_keys):
        return [self._get(key) for key in message_keys]
"""

# --- TL401: a RedisJSON command per key -----------------------------------------------
# redis-om reads each projected document with ``await db.json().get(doc_key, *paths)`` in
# a loop over the matching keys: one JSON.GET round trip each, where ``json().mget`` reads
# them all, and a pipeline's ``json()`` commands wait for ``execute()``.

REDIS_JSON_BAD = """\
import redis.asyncio as aioredis

db = aioredis.Redis()


async def projected(doc_keys, json_paths):
    projected_results = []
    for doc_key in doc_keys:
        result = await db.json().get(doc_key, *json_paths)  # TL401
        if result is None:
            continue
        projected_results.append(result)
    return projected_results
"""
REDIS_JSON_GOOD = """\
import redis.asyncio as aioredis

db = aioredis.Redis()


async def projected(doc_keys, json_path):
    return await db.json().mget(list(doc_keys), json_path)
"""
REDIS_JSON_NEAR_MISS = """\
import redis
import requests

r = redis.Redis()


def projected(doc_keys):
    pipe = r.pipeline()
    for doc_key in doc_keys:
        pipe.json().get(doc_key)
    return pipe.execute()


def titles(session: requests.Session, urls):
    return [session.get(url).json().get("title") for url in urls]
"""
# The user's own ``Redis`` with a ``json()`` that returns a dict of documents in memory.
REDIS_JSON_SHADOWING = """\
class Redis:
    def __init__(self):
        self._docs = {}

    def json(self):
        return self._docs


db = Redis()


def projected(doc_keys):
    return [db.json().get(doc_key) for doc_key in doc_keys]
"""

CASES = [
    pytest.param({"cache.py": LOCAL_IMPORT_BAD}, id="local-import-bad"),
    pytest.param({"cache.py": LOCAL_IMPORT_GOOD}, id="local-import-good"),
    pytest.param({"cache.py": LOCAL_IMPORT_NEAR_MISS}, id="local-import-near-miss"),
    pytest.param(LOCAL_IMPORT_SHADOWING, id="local-import-shadowing"),
    pytest.param({"cache.py": FACTORY_ATTRIBUTE_BAD}, id="factory-attribute-bad"),
    pytest.param({"cache.py": FACTORY_ATTRIBUTE_GOOD}, id="factory-attribute-good"),
    pytest.param({"cache.py": FACTORY_ATTRIBUTE_NEAR_MISS}, id="factory-attribute-near-miss"),
    pytest.param({"cache.py": FACTORY_ATTRIBUTE_SHADOWING}, id="factory-attribute-shadowing"),
    pytest.param({"backend.py": POOL_RESERVE_BAD}, id="pool-reserve-bad"),
    pytest.param({"backend.py": POOL_RESERVE_GOOD}, id="pool-reserve-good"),
    pytest.param({"backend.py": POOL_RESERVE_NEAR_MISS}, id="pool-reserve-near-miss"),
    pytest.param({"backend.py": POOL_RESERVE_SHADOWING}, id="pool-reserve-shadowing"),
    pytest.param({"model.py": REDIS_JSON_BAD}, id="redis-json-bad"),
    pytest.param({"model.py": REDIS_JSON_GOOD}, id="redis-json-good"),
    pytest.param({"model.py": REDIS_JSON_NEAR_MISS}, id="redis-json-near-miss"),
    pytest.param({"model.py": REDIS_JSON_SHADOWING}, id="redis-json-shadowing"),
]


@pytest.mark.parametrize("files", CASES)
def test_batch_family(run_cli, tmp_path, files):
    assert _found(run_cli, tmp_path, files) == _expected(files)


# --- what is shown: a loop over what a helper builds from a fixed pair -------------------
# litellm's token rate limiter reconciles at most two counters (input and output tokens):
# ``_reconcile_increments`` returns a comprehension over a literal pair, so a loop over
# its result has a constant input and is held back; a comprehension over a parameter is
# as big as what its callers pass.

PAIR_HELPER = """\
import redis

r = redis.Redis()


def _reconcile_increments(reservation, billable_input, completion_tokens):
    itpm_reserved, otpm_reserved, itpm_key, otpm_key = reservation
    deltas = (
        (itpm_key, billable_input - itpm_reserved),
        (otpm_key, completion_tokens - otpm_reserved),
    )
    return tuple(
        (key, delta) for key, delta in deltas if key is not None and delta
    )


def _refunds(reservations):
    return tuple((key, -reserved) for key, reserved in reservations if reserved > 0)


def reconcile(reservation, billable_input, completion_tokens):
    for key, delta in _reconcile_increments(reservation, billable_input, completion_tokens):
        r.incrby(key, delta)


def refund(reservations):
    for key, delta in _refunds(reservations):
        r.incrby(key, delta)  # TL401
"""
# A local of the helper's own, read from the reservation, shadows the module's literal
# pair of the same name: as big as what it reads.
PAIR_HELPER_SHADOWING = """\
import redis

r = redis.Redis()
deltas = (("itpm", 1), ("otpm", 2))


def _reconcile_increments(reservation):
    deltas = reservation.pending_increments()
    return tuple((key, delta) for key, delta in deltas if delta)


def reconcile(reservation):
    for key, delta in _reconcile_increments(reservation):
        r.incrby(key, delta)  # TL401
"""


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(PAIR_HELPER, id="pair-helper"),
        pytest.param(PAIR_HELPER_SHADOWING, id="pair-helper-shadowing"),
    ],
)
def test_loop_over_a_fixed_pair_is_held_back(run_cli, tmp_path, source):
    root = write_project(tmp_path, {"limits.py": source})
    report = lint_json(run_cli, root, "--isolated", "--select", "TL401")
    found = sorted((d["line"], d["code"]) for d in report["diagnostics"])
    assert found == [(line, code) for _, line, code in _expected({"limits.py": source})]
