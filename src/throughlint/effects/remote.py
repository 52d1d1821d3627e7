"""Remote round trips of a call (redis, Django cache, HTTP clients, boto3, Kafka,
Elasticsearch / OpenSearch), and the batch API that replaces one call per item.

A call is classified from its resolved name (``semantic.model.resolve``): the client it
is made on (``redis.Redis()``, ``boto3.client()``, ``django.core.cache.cache``...), the
chain between the client and the method (``pipeline()``, ``Table()``, ``batch_writer()``)
and the method. Commands buffered by a redis pipeline or a boto3 ``batch_writer()`` are
not round trips; ``execute()`` / the end of the ``with`` block is.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from throughlint.effects.kinds import Effect

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel
    from throughlint.settings import Settings


@dataclass(frozen=True, slots=True)
class RemoteCall:
    """One network round trip. ``batch`` names the API that does many items in one round
    trip (None when there is none: a plain HTTP GET on a session)."""

    client: str
    method: str
    batch: str | None
    asynchronous: bool = False
    confidence: str = "typed"


# --- redis ------------------------------------------------------------------------------

REDIS_CLIENTS: frozenset[str] = frozenset(
    {
        "redis.Redis()",
        "redis.from_url()",
        "redis.Redis.from_url()",
        "redis.RedisCluster()",
        "redis.RedisCluster.from_url()",
        "redis.cluster.RedisCluster()",
        "redis.cluster.RedisCluster.from_url()",
        "rediscluster.RedisCluster()",
        "redis.sentinel.Sentinel().master_for()",
        "django_redis.get_redis_connection()",
    }
)
ASYNC_REDIS_CLIENTS: frozenset[str] = frozenset(
    {
        "redis.asyncio.Redis()",
        "redis.asyncio.from_url()",
        "redis.asyncio.Redis.from_url()",
        "redis.asyncio.StrictRedis()",
        "redis.asyncio.RedisCluster()",
        "redis.asyncio.RedisCluster.from_url()",
        "redis.asyncio.cluster.RedisCluster()",
        "redis.asyncio.cluster.RedisCluster.from_url()",
        "aioredis.Redis()",
        "aioredis.from_url()",
        "aioredis.Redis.from_url()",
    }
)
REDIS_BUFFERING: frozenset[str] = frozenset({"pipeline()", "transaction()"})
_REDIS_JSON_BATCH: dict[str, str] = {
    "get": "`json().mget(keys, path)` (or a `pipeline()`)",
    "set": "`json().mset(triplets)` (or a `pipeline()`)",
    "delete": "a `pipeline()`",
    "merge": "a `pipeline()`",
}
_REDIS_SPECIFIC_BATCH: dict[str, str] = {
    "get": "`mget` (or a `pipeline()`)",
    "set": "`mset` (or a `pipeline()`)",
    "hget": "`hmget` (or a `pipeline()`)",
    "hset": "`hset(key, mapping=...)` (or a `pipeline()`)",
    "exists": "`exists(*keys)` (or a `pipeline()`)",
    "delete": "`delete(*keys)` / `unlink(*keys)` (or a `pipeline()`)",
    "unlink": "`unlink(*keys)` (or a `pipeline()`)",
    "sadd": "`sadd(key, *members)` (or a `pipeline()`)",
    "srem": "`srem(key, *members)` (or a `pipeline()`)",
    "lpush": "`lpush(key, *values)` (or a `pipeline()`)",
    "rpush": "`rpush(key, *values)` (or a `pipeline()`)",
    "zadd": "`zadd(key, mapping)` (or a `pipeline()`)",
}
REDIS_COMMANDS: frozenset[str] = frozenset(
    {
        *_REDIS_SPECIFIC_BATCH,
        "append", "decr", "decrby", "expire", "expireat", "getdel", "getex", "getset",
        "hdel", "hexists", "hgetall", "hincrby", "hincrbyfloat", "hkeys", "hlen", "hmget",
        "hmset", "hsetnx", "hvals", "incr", "incrby", "incrbyfloat", "lindex", "llen",
        "lpop", "lrange", "lrem", "lset", "ltrim", "persist", "pexpire", "psetex", "pttl",
        "rpop", "scard", "setex", "setnx", "sismember", "smembers", "smismember", "spop",
        "strlen", "ttl", "type", "xadd", "zcard", "zincrby", "zrange", "zrangebyscore",
        "zrank", "zrem", "zscore", "pfadd", "geoadd", "getbit", "setbit", "publish",
        "zrevrange", "zrevrank", "zcount", "getrange", "setrange", "hstrlen", "lmove",
        "rpoplpush", "linsert", "lpos", "smove", "zpopmin", "zpopmax", "pfcount",
    }
)  # fmt: skip

# --- Django cache -----------------------------------------------------------------------

DJANGO_CACHES: frozenset[str] = frozenset(
    {"django.core.cache.cache", "django.core.cache.caches[]", "django.core.cache.caches.get()"}
)
# library clients that already exist and are handed out, not built per call
SHARED_CLIENTS: frozenset[str] = DJANGO_CACHES

_DJANGO_CACHE_BATCH: dict[str, str] = {
    "get": "get_many",
    "get_or_set": "get_many",
    "has_key": "get_many",
    "set": "set_many",
    "add": "set_many",
    "touch": "set_many",
    "delete": "delete_many",
    "incr": "get_many + set_many",
    "decr": "get_many + set_many",
}

# --- HTTP -------------------------------------------------------------------------------

HTTP_VERBS: frozenset[str] = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send"}
)
MODULE_HTTP: dict[str, str] = {
    "requests": "one `requests.Session()` reused across the loop",
    "httpx": "one `httpx.Client()` reused across the loop",
}
URLOPEN: frozenset[str] = frozenset({"urllib.request.urlopen", "urllib2.urlopen"})
HTTP_CLIENTS: dict[str, bool] = {  # client -> asynchronous
    "requests.Session()": False,
    "httpx.Client()": False,
    "httpx.AsyncClient()": True,
    "aiohttp.ClientSession()": True,
    "urllib3.PoolManager()": False,
}
_HTTP_CLIENT_METHODS = HTTP_VERBS | {"urlopen", "ws_connect"}

# --- boto3 ------------------------------------------------------------------------------

BOTO3_CLIENTS: frozenset[str] = frozenset(
    {
        "boto3.client()",
        "boto3.resource()",
        "boto3.Session().client()",
        "boto3.Session().resource()",
        "boto3.session.Session().client()",
        "boto3.session.Session().resource()",
    }
)
BOTO3_BUFFERING: frozenset[str] = frozenset({"batch_writer()"})
_BOTO3_BATCH: dict[str, str] = {
    "put_item": "`batch_write_item` (or `Table.batch_writer()`)",
    "delete_item": "`batch_write_item` (or `Table.batch_writer()`)",
    "get_item": "`batch_get_item`",
    "delete_object": "`delete_objects` (up to 1000 keys per call)",
    "send_message": "`send_message_batch` (10 per call)",
    "delete_message": "`delete_message_batch` (10 per call)",
    "change_message_visibility": "`change_message_visibility_batch`",
    "put_record": "`put_records` (Kinesis) / `put_record_batch` (Firehose)",
    "publish": "`publish_batch` (10 per call)",
    "put_metric_data": "one `put_metric_data` call with up to 1000 `MetricData` entries",
    "put_events": "one `put_events` call with up to 10 `Entries`",
    "put_log_events": "one `put_log_events` call with many `logEvents`",
}
_BOTO3_LOCAL: frozenset[str] = frozenset(
    {
        "get_paginator",
        "get_waiter",
        "can_paginate",
        "generate_presigned_url",
        "generate_presigned_post",
        "close",
        "Table",
        "Bucket",
        "Object",
        "Queue",
        "Topic",
        "batch_writer",
    }
)

# --- Kafka ------------------------------------------------------------------------------

KAFKA_PRODUCERS: dict[str, bool] = {
    "kafka.KafkaProducer()": False,
    "confluent_kafka.Producer()": False,
    "confluent_kafka.SerializingProducer()": False,
    "aiokafka.AIOKafkaProducer()": True,
}

# --- rq (redis queue) ------------------------------------------------------------------

_RQ_FETCH_MANY = "`Job.fetch_many(ids, connection=...)` (one pipeline)"
_RQ_CALLS: dict[str, str] = {
    "rq.job.Job.fetch": _RQ_FETCH_MANY,
    "rq.Job.fetch": _RQ_FETCH_MANY,
    "rq.Queue().fetch_job": _RQ_FETCH_MANY,
    "rq.queue.Queue().fetch_job": _RQ_FETCH_MANY,
    "rq.requeue_job": "`Job.fetch_many` and one `pipeline()` for the requeues",
    "rq.registry.requeue_job": "`Job.fetch_many` and one `pipeline()` for the requeues",
}
"""rq calls that read or write one job's hash per call, and the many-job form."""

# --- Elasticsearch / OpenSearch ---------------------------------------------------------

SEARCH_CLIENTS: dict[str, bool] = {
    "elasticsearch.Elasticsearch()": False,
    "elasticsearch.AsyncElasticsearch()": True,
    "opensearchpy.OpenSearch()": False,
    "opensearchpy.AsyncOpenSearch()": True,
}
_SEARCH_BATCH: dict[str, str] = {
    "index": "bulk",
    "create": "bulk",
    "update": "bulk",
    "delete": "bulk",
    "get": "mget",
    "search": "msearch",
}
_SEARCH_LOCAL: frozenset[str] = frozenset({"close", "options", "transport"})


def remote_effects(model: SemanticModel, call: ast.Call, settings: Settings) -> Effect:
    """``REMOTE`` for a round trip that a batch API could replace: what makes a helper
    called per item a TL401 finding. A plain session request (no batch form) is still a
    ``remote_call`` but carries no effect; overlapping those is TL402's business."""
    remote = remote_call(model, call, settings)
    if remote is None or remote.batch is None:
        return Effect.NONE
    if remote.confidence != "typed" and not settings.heuristics:
        return Effect.NONE
    return Effect.REMOTE


# a connection or a stream kept open: awaiting it is not one request
LONG_LIVED: frozenset[str] = frozenset({"ws_connect", "stream", "websocket_connect"})


def awaited_round_trip(
    model: SemanticModel, call: ast.Call, settings: Settings
) -> RemoteCall | None:
    """The one request an awaited ``call`` makes (``await self._http.get(url)``, an
    ``async with session.get(url)``), typed: an async function that makes one is worth
    overlapping when called per item (TL402 through the index). Not a connection or
    stream kept open, nor a call with a batch form (TL401's: batch it, do not overlap it)."""
    remote = remote_call(model, call, settings)
    if remote is None or remote.method in LONG_LIVED or remote.batch is not None:
        return None
    if remote.confidence != "typed" and not settings.heuristics:
        return None
    return remote


def remote_call(model: SemanticModel, call: ast.Call, settings: Settings) -> RemoteCall | None:
    """The round trip ``call`` makes, or None when it makes none that we know of. Several
    rules and the index ask about the same call in a row during the one walk, so the last
    answer is kept, in the file's model (as ``classify_call`` does)."""
    last = model.memo("remote_call")
    if last.get("call") is call and last["scope"] is model.scope:
        return last["result"]
    found = last["result"] = _remote_call_unbatched(model, call, settings)
    last["call"], last["scope"] = call, model.scope
    return found


def _remote_call_unbatched(
    model: SemanticModel, call: ast.Call, settings: Settings
) -> RemoteCall | None:
    found = _remote_call(model, call, settings)
    if (
        found is not None
        and found.client == "redis"
        and found.batch is not None
        and any(isinstance(argument, ast.Starred) for argument in _key_arguments(found, call))
    ):  # ``unlink(*keys)`` per group of keys: already the many-key form
        return RemoteCall(found.client, found.method, None, found.asynchronous, found.confidence)
    return found


def _key_arguments(found: RemoteCall, call: ast.Call) -> list[ast.expr]:
    """The arguments that may spread a group of keys: a RedisJSON command takes one key
    and then paths (``json().get(key, *paths)``), the others keys anywhere."""
    return call.args[:1] if found.method.startswith("json().") else call.args


def _remote_call(model: SemanticModel, call: ast.Call, settings: Settings) -> RemoteCall | None:
    name = model.resolve(call.func)
    if name is None or name.partition(".")[0] not in _ROOT_PACKAGES:
        by_type = _typed_receiver(model, call)
        if by_type is not None or name is None:
            return by_type
    if name in settings.remote_call_functions:
        return RemoteCall(name, name.rsplit(".", 1)[-1], "a batch version of the call")
    if name.partition(".")[0] not in _ROOT_PACKAGES:
        return None
    module, _, method = name.rpartition(".")
    if module in MODULE_HTTP and method in HTTP_VERBS - {"send"}:
        return RemoteCall(module, method, MODULE_HTTP[module])
    if name in URLOPEN:
        return RemoteCall(
            "urllib", "urlopen", "one `requests.Session()` or `urllib3.PoolManager()`"
        )
    if name.startswith("django.core.cache."):
        return _django_cache(name)
    if name in _RQ_CALLS:
        return RemoteCall("rq", name.rsplit(".", 1)[-1], _RQ_CALLS[name])
    client, chain = _split_client(name)
    if client is None:  # ``django_redis`` linting itself: its own names, typed by use
        return _typed_receiver(model, call)
    return _client_call(client, chain, method)


def named_client_call(name: str) -> RemoteCall | None:
    """The round trip of a method called on a library client, by the call's resolved name
    alone (``redis.Redis().get``, ``django.core.cache.cache.get``): for names the project
    index rewrites (a client a module of the project binds or re-exports)."""
    if name.startswith("django.core.cache."):
        return _django_cache(name)
    client, chain = _split_client(name)
    if client is None:
        return None
    return _client_call(client, chain, name.rpartition(".")[2])


def _client_call(client: str, chain: tuple[str, ...], method: str) -> RemoteCall | None:
    if client in REDIS_CLIENTS or client in ASYNC_REDIS_CLIENTS:
        return _redis(client, chain, method)
    if client in HTTP_CLIENTS:
        if chain or method not in _HTTP_CLIENT_METHODS:
            return None
        return RemoteCall("HTTP session", method, None, HTTP_CLIENTS[client])
    if client in BOTO3_CLIENTS:
        return _boto3(chain, method)
    if client in KAFKA_PRODUCERS:
        return _kafka(chain, method, KAFKA_PRODUCERS[client])
    if client in SEARCH_CLIENTS:
        return _search(chain, method, SEARCH_CLIENTS[client])
    return None


def _typed_receiver(model: SemanticModel, call: ast.Call) -> RemoteCall | None:
    """A method called on a receiver the type layer knows (``self.storage`` set from a
    lazily imported ``Redis(...)``, an attribute used with redis-only commands)."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in _TYPED_METHODS:
        return None  # before the import: asked for every call, and an import costs
    from throughlint.semantic.types import infer

    fact = infer(model, func.value)
    if fact is None:
        return None
    if fact.family == "redis":
        found = _redis(fact.name, (), func.attr)
    elif fact.family == "memcache":
        found = _memcache(func.attr)
    elif fact.family == "boto3":
        found = _boto3((), func.attr)
    elif fact.family == "elasticsearch":
        found = _search((), func.attr, fact.name.startswith("Async"))
    else:
        return None
    if found is None:
        return None
    return RemoteCall(found.client, found.method, found.batch, found.asynchronous, fact.confidence)


_REMOTE_FAMILIES: frozenset[str] = frozenset({"redis", "memcache", "boto3", "elasticsearch"})


@functools.cache
def remote_client_kinds() -> frozenset[str]:
    """Library constructors of clients whose calls are round trips with a batch form
    (``redis.Redis``, ``boto3.client``...): what a project factory may hand out."""
    from throughlint.semantic.types import constructors

    return constructors(_REMOTE_FAMILIES)


def client_method_call(made: str, method: str) -> RemoteCall | None:
    """The round trip ``method`` makes on a client that the library constructor ``made``
    (one of ``remote_client_kinds()``) built, or None (a local helper such as
    ``pipeline``, an attribute path, a private name)."""
    from throughlint.semantic.types import family_of

    if not method or "." in method or method.startswith("_"):
        return None
    family = family_of(f"{made}()")
    if family == "redis":
        return _redis(f"{made}()", (), method)
    if family == "memcache":
        return _memcache(method)
    if family == "boto3":
        return _boto3((), method)
    if family == "elasticsearch":
        return _search((), method, made.rsplit(".", 1)[-1].startswith("Async"))
    return None


def shared_client_call(handle: str, method: str) -> RemoteCall | None:
    """The round trip ``method`` makes on the shared client ``handle`` (one of
    ``SHARED_CLIENTS``) that a project function returns, or None."""
    if not method or "." in method or method.startswith("_"):
        return None
    return _django_cache(f"{handle}.{method}")


_MEMCACHE_BATCH: dict[str, str] = {
    "get": "`get_many` / `get_multi`",
    "gets": "`gets_many`",
    "set": "`set_many` / `set_multi`",
    "add": "`set_many` / `set_multi`",
    "delete": "`delete_many` / `delete_multi`",
    "touch": "`set_many` / `set_multi`",
}


_TYPED_METHODS: frozenset[str] = frozenset(
    {*REDIS_COMMANDS, *_MEMCACHE_BATCH, *_SEARCH_BATCH, *_BOTO3_BATCH}
)


BATCHABLE_METHODS: frozenset[str] = _TYPED_METHODS
"""Methods that have a batch form on some client family."""


def _memcache(method: str) -> RemoteCall | None:
    batch = _MEMCACHE_BATCH.get(method)
    return RemoteCall("memcache", method, batch) if batch is not None else None


_ALL_CLIENTS: tuple[str, ...] = tuple(
    sorted(
        {
            *REDIS_CLIENTS,
            *ASYNC_REDIS_CLIENTS,
            *HTTP_CLIENTS,
            *BOTO3_CLIENTS,
            *KAFKA_PRODUCERS,
            *SEARCH_CLIENTS,
        },
        key=len,
        reverse=True,
    )
)


_ROOT_PACKAGES: frozenset[str] = frozenset(
    name.partition(".")[0]
    for name in (*_ALL_CLIENTS, *MODULE_HTTP, *URLOPEN, *DJANGO_CACHES, *_RQ_CALLS)
)


# first segments of every client name: most calls are rejected by one set lookup
_CLIENT_ROOTS: frozenset[str] = frozenset(client.split(".", 1)[0] for client in _ALL_CLIENTS)


def client_library(name: str) -> bool:
    """``name`` (a dotted name) is in a package whose clients make round trips
    (``redis``, ``boto3``, ``elasticsearch``...)."""
    return name.split(".", 1)[0] in _CLIENT_ROOTS


def _split_client(name: str) -> tuple[str | None, tuple[str, ...]]:
    """``redis.Redis().pipeline().set`` -> (``redis.Redis()``, (``pipeline()``,));
    remembered by name (a loop calls the same client method again and again)."""
    if name.split(".", 1)[0] not in _CLIENT_ROOTS:
        return None, ()
    found = _SPLIT.get(name)
    if found is None:
        if len(_SPLIT) >= 4096:
            _SPLIT.clear()
        found = _SPLIT[name] = _find_client(name)
    return found


_SPLIT: dict[str, tuple[str | None, tuple[str, ...]]] = {}


def _find_client(name: str) -> tuple[str | None, tuple[str, ...]]:
    for client in _ALL_CLIENTS:
        if name.startswith(client + "."):
            rest = name[len(client) + 1 :].split(".")
            return client, tuple(rest[:-1])
    return None, ()


def _redis(client: str, chain: tuple[str, ...], method: str) -> RemoteCall | None:
    asynchronous = client in ASYNC_REDIS_CLIENTS
    if any(link in REDIS_BUFFERING for link in chain):
        if method == "execute":
            return RemoteCall("redis", method, None, asynchronous)
        return None  # buffered until execute()
    if chain == ("json()",) and method in _REDIS_JSON_BATCH:
        return RemoteCall("redis", f"json().{method}", _REDIS_JSON_BATCH[method], asynchronous)
    if chain or method not in REDIS_COMMANDS:
        return None
    batch = _REDIS_SPECIFIC_BATCH.get(method, "a `pipeline()`")
    return RemoteCall("redis", method, batch, asynchronous)


def _django_cache(name: str) -> RemoteCall | None:
    for cache in DJANGO_CACHES:
        if name.startswith(cache + "."):
            method = name[len(cache) + 1 :]
            break
    else:
        return None
    asynchronous = method.startswith("a") and method[1:] in _DJANGO_CACHE_BATCH
    plain = method[1:] if asynchronous else method
    batch = _DJANGO_CACHE_BATCH.get(plain)
    if batch is None:
        return None
    prefix = "a" if asynchronous else ""
    text = " + ".join(f"`cache.{prefix}{part}()`" for part in batch.split(" + "))
    return RemoteCall("Django cache", method, text, asynchronous)


def _boto3(chain: tuple[str, ...], method: str) -> RemoteCall | None:
    if any(link in BOTO3_BUFFERING for link in chain):
        return None  # buffered by batch_writer(), flushed in batches of 25
    if method in _BOTO3_LOCAL or method.startswith("_") or method in {"meta", "exceptions"}:
        return None
    if any(not link.endswith("()") for link in chain):
        return None  # an attribute of a client (``client.meta.events``), not a call on it
    batch = _BOTO3_BATCH.get(method)
    if method == "delete" and chain and chain[-1] == "Object()":
        batch = "`Bucket.delete_objects` (up to 1000 keys per call)"
    return RemoteCall("boto3", method, batch)


def _kafka(chain: tuple[str, ...], method: str, asynchronous: bool) -> RemoteCall | None:
    if method == "flush" and not chain:
        return RemoteCall(
            "Kafka producer", method, "one `flush()` after the loop (sends already batch)",
            asynchronous,
        )  # fmt: skip
    if method == "get" and chain in {("send()",), ("produce()",)}:
        return RemoteCall(
            "Kafka producer", "send().get", "`send()` each item and wait once with `flush()`"
        )
    if method == "send_and_wait" and not chain:
        return RemoteCall(
            "Kafka producer", method, "`send()` each item and await the futures together", True
        )
    return None


def _search(chain: tuple[str, ...], method: str, asynchronous: bool) -> RemoteCall | None:
    if chain or method in _SEARCH_LOCAL or method.startswith("_"):
        return None
    batch = _SEARCH_BATCH.get(method)
    if batch == "bulk":
        batch = "`helpers.async_bulk`" if asynchronous else "`helpers.bulk`"
    elif batch is not None:
        batch = f"`{batch}`"
    return RemoteCall("Elasticsearch", method, batch, asynchronous)
