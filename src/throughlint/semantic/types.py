"""What kind of client, lock, queue or pool an expression holds, one checker per family.

``infer`` answers in tiers. ``typed``: the value resolves to a known constructor
(``redis.Redis()``, ``boto3.client()``), through imports, assignments, ``self.x`` set in
``__init__`` or the class body, an annotation, or a class of this file that subclasses a
client (``class Database(Redis)``). ``heuristic``: the constructor could not be resolved
but its spelling names a client (``self.dependency.asyncio.Redis(...)``, a value passed
in), or the value is used with commands only that family has (``self.db.zadd(...)``
elsewhere in the class). Heuristic answers are switched off by ``heuristics = false``.

A class of the user's own called ``Redis``, ``Queue`` or ``Lock`` resolves to that class
and is never taken for the library one.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from throughlint.semantic.default_fill import filled_annotation
from throughlint.semantic.expressions import walk_nodes, walk_statements
from throughlint.semantic.model import SemanticModel
from throughlint.semantic.scope import BindingKind

TYPED = "typed"
HEURISTIC = "heuristic"


@dataclass(frozen=True, slots=True)
class TypeFact:
    """``family``: redis, memcache, http, boto3, elasticsearch, lock, queue or executor;
    ``name``: the constructor it stands for, spelt as ``model.resolve`` spells a call."""

    family: str
    name: str
    confidence: str = TYPED


# --- the families, by constructor --------------------------------------------------------

_FAMILIES: dict[str, frozenset[str]] = {
    "redis": frozenset(
        {
            "redis.Redis()",
            "redis.StrictRedis()",
            "redis.from_url()",
            "redis.Redis.from_url()",
            "redis.StrictRedis.from_url()",
            "redis.RedisCluster()",
            "redis.cluster.RedisCluster()",
            "redis.sentinel.Sentinel().master_for()",
            "redis.asyncio.Redis()",
            "redis.asyncio.StrictRedis()",
            "redis.asyncio.from_url()",
            "redis.asyncio.Redis.from_url()",
            "redis.asyncio.RedisCluster()",
            "django_redis.get_redis_connection()",
        }
    ),
    "memcache": frozenset(
        {
            "pymemcache.Client()",
            "pymemcache.client.base.Client()",
            "pymemcache.client.base.PooledClient()",
            "pymemcache.client.hash.HashClient()",
            "pymemcache.HashClient()",
            "memcache.Client()",
            "bmemcached.Client()",
            "pylibmc.Client()",
            "pylibmc.ClientPool().reserve()",
            "pylibmc.ThreadMappedPool().reserve()",
        }
    ),
    "http": frozenset(
        {
            "requests.Session()",
            "requests.sessions.Session()",
            "httpx.Client()",
            "httpx.AsyncClient()",
            "aiohttp.ClientSession()",
            "urllib3.PoolManager()",
        }
    ),
    "boto3": frozenset(
        {
            "boto3.client()",
            "boto3.resource()",
            "boto3.Session().client()",
            "boto3.Session().resource()",
            "boto3.session.Session().client()",
            "boto3.session.Session().resource()",
        }
    ),
    "elasticsearch": frozenset(
        {
            "elasticsearch.Elasticsearch()",
            "elasticsearch.AsyncElasticsearch()",
            "opensearchpy.OpenSearch()",
            "opensearchpy.AsyncOpenSearch()",
        }
    ),
    "lock": frozenset(
        {
            "threading.Lock()",
            "threading.RLock()",
            "threading.Condition()",
            "threading.Semaphore()",
            "threading.BoundedSemaphore()",
            "multiprocessing.Lock()",
            "multiprocessing.RLock()",
            "asyncio.Lock()",
            "asyncio.Semaphore()",
            "asyncio.BoundedSemaphore()",
            "asyncio.Condition()",
        }
    ),
    "queue": frozenset(
        {
            "queue.Queue()",
            "queue.LifoQueue()",
            "queue.PriorityQueue()",
            "queue.SimpleQueue()",
            "asyncio.Queue()",
            "asyncio.LifoQueue()",
            "asyncio.PriorityQueue()",
            "multiprocessing.Queue()",
            "multiprocessing.JoinableQueue()",
            "multiprocessing.SimpleQueue()",
        }
    ),
    "executor": frozenset(
        {
            "concurrent.futures.ThreadPoolExecutor()",
            "concurrent.futures.ProcessPoolExecutor()",
            "multiprocessing.Pool()",
            "multiprocessing.pool.ThreadPool()",
        }
    ),
}
_BY_NAME: dict[str, str] = {name: family for family, names in _FAMILIES.items() for name in names}
# a subclass of one of these classes is that kind of client
_CLASS_FAMILIES: dict[str, str] = {name[:-2]: family for name, family in _BY_NAME.items()}

# Constructor spellings that name a client when the module they come from cannot be
# resolved (a lazily imported dependency, ``self.dependency.asyncio.Redis(...)``).
_CONSTRUCTOR_TAILS: dict[str, str] = {
    "Redis": "redis",
    "StrictRedis": "redis",
    "RedisCluster": "redis",
    "Redis.from_url": "redis",
    "StrictRedis.from_url": "redis",
    "RedisCluster.from_url": "redis",
    "master_for": "redis",
    "get_redis_connection": "redis",
    "Elasticsearch": "elasticsearch",
    "AsyncElasticsearch": "elasticsearch",
    "OpenSearch": "elasticsearch",
    "boto3.client": "boto3",
    "boto3.resource": "boto3",
    "boto3.Session.client": "boto3",
    "boto3.Session.resource": "boto3",
    "boto3.session.Session.client": "boto3",
    "boto3.session.Session.resource": "boto3",
}
# what a boto3 resource hands out: still a client of the same service
_RESOURCE_CHILDREN: frozenset[str] = frozenset({"Table", "Bucket", "Queue", "Topic", "Object"})

# Commands only a redis client has: a receiver used with one of them is a redis client.
REDIS_ONLY_COMMANDS: frozenset[str] = frozenset(
    {"setex", "psetex", "setnx", "hget", "hset", "hgetall", "hmget", "hmset", "hincrby",
     "hdel", "hexists", "hkeys", "hvals", "hlen", "zadd", "zrange", "zrem", "zscore",
     "zincrby", "zrangebyscore", "zrevrange", "zcard", "zrank", "zinterstore", "zunionstore",
     "sadd", "srem", "smembers", "sismember", "scard", "lpush", "rpush", "lrange", "llen",
     "ltrim", "lrem", "rpoplpush", "expire", "pexpire", "pttl", "incrby", "getset", "xadd",
     "pfadd", "smismember", "unlink", "evalsha", "register_script", "scan_iter"}
)  # fmt: skip


# Methods a redis client does not have (an ORM session's): an attribute given one of them
# is not a redis client, whatever else it is given (``session.expire(obj)`` marks a row's
# attributes stale).
_NOT_REDIS: frozenset[str] = frozenset(
    {"commit", "rollback", "flush", "refresh", "merge", "add", "add_all", "query", "expunge"}
    | {"begin_nested", "scalars", "scalar", "cursor", "bulk_save_objects"}
)


def family_of(name: str | None) -> str | None:
    """The family of a resolved constructor name (``redis.Redis()`` -> ``redis``)."""
    return _BY_NAME.get(name) if name is not None else None


def constructors(families: frozenset[str]) -> frozenset[str]:
    """The constructors of ``families`` as names without the call (``redis.Redis``)."""
    return frozenset(name[:-2] for name, family in _BY_NAME.items() if family in families)


def infer(model: SemanticModel, expr: ast.expr) -> TypeFact | None:
    """The family of the value ``expr`` holds, or None when neither its type nor its use
    says. Remembered per file and node (every call on the same receiver asks)."""
    known = _CACHE.setdefault(model, {})
    key = id(expr)
    if key not in known:
        known[key] = _infer(model, expr)
    return known[key]


_CACHE: WeakKeyDictionary[SemanticModel, dict[int, TypeFact | None]] = WeakKeyDictionary()


def _infer(model: SemanticModel, expr: ast.expr) -> TypeFact | None:
    name = model.resolve(expr)
    if name is not None:
        family = _BY_NAME.get(name)
        if family is not None:
            return TypeFact(family, name)
        subclass = _local_subclass(model, name)
        if subclass is not None:
            return subclass
        if name.endswith("()") and not name.startswith(model.module + "."):
            return None  # a library object of another kind: its type is known
        if _local_class_named(model, name):
            return None  # an instance of a class of this file
    values = _assigned_values(model, expr)
    for value in values:
        fact = _by_spelling(model, value)
        if fact is not None:
            return fact
    filled = filled_annotation(model, expr)  # ``if client is None: client = ...``
    if filled is not None:
        family = _BY_NAME.get(f"{model.resolve(filled)}()")
        if family is not None:
            return TypeFact(family, f"{model.resolve(filled)}()")
    if _used_as_redis(model, expr):
        return TypeFact("redis", "redis.Redis()", HEURISTIC)
    return None


def attribute_factory(model: SemanticModel, expr: ast.expr) -> str | None:
    """``self.cache`` or ``broker.cache`` (``broker`` an instance of a class of this file)
    whose class binds it in exactly one place, to a call of a function or method of this
    module (``self.cache = self.get_cache()``): that call's resolved name
    (``app.Broker().get_cache()``). What the function returns only the index knows."""
    if not isinstance(expr, ast.Attribute) or not isinstance(expr.value, ast.Name):
        return None
    binding = model.lookup(expr.value.id)
    if binding is None:
        return None
    if binding.kind is BindingKind.SELF:
        class_def = binding.owner
    else:
        class_def = model.instance_class(model.resolve(expr.value))
    if not isinstance(class_def, ast.ClassDef):
        return None
    name = attribute_call(model, class_def, expr.attr)
    return name if name is not None and name.startswith(model.module + ".") else None


def attribute_call(model: SemanticModel, class_def: ast.ClassDef, attr: str) -> str | None:
    """The resolved call ``self.<attr>`` is bound to, when every binding of it in the
    class is that same call (``self.get_cache()`` spelt ``mod.Class().get_cache()``, as
    the method's own class would resolve it, from wherever it is asked)."""
    values = self_assignments(class_def).get(attr, [])
    names = {call_name(model, class_def, value) for value in values}
    if len(names) != 1:
        return None
    return names.pop()


def call_name(model: SemanticModel, class_def: ast.ClassDef, value: ast.expr) -> str | None:
    """The resolved name of the call ``value`` that a method of ``class_def`` binds to an
    attribute, ``self.m()`` spelt ``mod.Class().m()``; None for anything but a call."""
    if not isinstance(value, ast.Call):
        return None
    func = value.func
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ("self", "cls")
    ):
        return f"{model.module}.{class_def.name}().{func.attr}()"
    name = model.resolve(value)
    return name if name is not None and name.endswith("()") else None


def _local_subclass(model: SemanticModel, name: str) -> TypeFact | None:
    """``mod.Database()`` where ``class Database(Redis)`` is defined in this file."""
    class_def = model.instance_class(name)
    if class_def is None:
        return None
    for base in class_def.bases:
        resolved = model.resolve(base)
        family = _CLASS_FAMILIES.get(resolved or "")
        if family is not None:
            return TypeFact(family, f"{resolved}()")
    return None


def _assigned_values(model: SemanticModel, expr: ast.expr) -> list[ast.expr]:
    """Every value bound to ``self.attr`` in the class (each branch of an ``if`` /
    ``try`` counts), or the value of a plain name."""
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        binding = model.lookup(expr.value.id)
        if binding is None or binding.kind is not BindingKind.SELF or binding.owner is None:
            return []
        return self_assignments(binding.owner).get(expr.attr, [])
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id)
        if binding is not None and binding.value is not None:
            return [binding.value]
    return []


def self_assignments(class_def: ast.ClassDef) -> dict[str, list[ast.expr]]:
    """The values bound to each ``self.attr`` / ``cls.attr`` in the class (every branch
    counts), in ``ast.walk``'s order. Assignments are statements: a walk of the class's
    statements finds them all, without the expressions (most of a class's nodes)."""
    known = _SELF_ASSIGNMENTS.get(class_def)
    if known is not None:
        return known
    found: dict[str, list[ast.expr]] = {}
    for node in walk_statements(class_def):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id in {"self", "cls"}
            ):
                found.setdefault(target.attr, []).append(value)
    _SELF_ASSIGNMENTS[class_def] = found
    return found


_SELF_ASSIGNMENTS: WeakKeyDictionary[ast.ClassDef, dict[str, list[ast.expr]]] = WeakKeyDictionary()
_REDIS_USES: WeakKeyDictionary[ast.ClassDef, dict[str, set[str]]] = WeakKeyDictionary()


def _redis_commands(class_def: ast.ClassDef) -> dict[str, set[str]]:
    """The commands only redis has that each ``self`` attribute of the class is given
    (``self.attr.hgetall(...)``), shared with its other names (``self._read =
    self._write = client``: one client under two names). One walk of the class."""
    known = _REDIS_USES.get(class_def)
    if known is not None:
        return known
    redis: dict[str, set[str]] = {}
    not_redis: set[str] = set()  # given a method no redis client has: a session, say
    shared: list[ast.Assign] = []
    for node in walk_nodes(class_def):
        if isinstance(node, ast.Assign):
            if len(node.targets) > 1:
                shared.append(node)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and (node.func.attr in REDIS_ONLY_COMMANDS or node.func.attr in _NOT_REDIS)
        ):
            receiver = node.func.value
            if (
                isinstance(receiver, ast.Attribute)
                and isinstance(receiver.value, ast.Name)
                and receiver.value.id == "self"
            ):
                if node.func.attr in _NOT_REDIS:
                    not_redis.add(receiver.attr)
                else:
                    redis.setdefault(receiver.attr, set()).add(node.func.attr)
    if redis:
        for node in shared:
            names = {
                target.attr
                for target in node.targets
                if isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            }
            commands = set().union(*(redis.get(name, ()) for name in names))
            if commands:
                for name in names:
                    redis.setdefault(name, set()).update(commands)
    for name in not_redis:
        redis.pop(name, None)
    _REDIS_USES[class_def] = redis
    return redis


def _by_spelling(model: SemanticModel, value: ast.expr) -> TypeFact | None:
    if isinstance(value, ast.IfExp):
        return _by_spelling(model, value.body) or _by_spelling(model, value.orelse)
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return None
    resolved = model.resolve(value)
    family = _BY_NAME.get(resolved or "")
    if family is not None:
        return TypeFact(family, resolved or "")
    func = value.func
    if isinstance(func, ast.Attribute) and func.attr in _RESOURCE_CHILDREN:
        parent = infer(model, func.value)  # ``self._dynamo.Table(name)``
        if parent is not None and parent.family == "boto3":
            return TypeFact("boto3", f"{parent.name}.{func.attr}()", parent.confidence)
    dotted = _dotted(func)
    if dotted is None:
        return None
    for tail, family in _CONSTRUCTOR_TAILS.items():
        if dotted == tail or dotted.endswith("." + tail):
            if resolved is not None and _local_class_named(model, resolved):
                return None  # the user's own ``Redis`` class
            return TypeFact(family, f"{tail}()", HEURISTIC)
    return None


def _local_class_named(model: SemanticModel, resolved: str) -> bool:
    prefix = f"{model.module}."
    return resolved.startswith(prefix) and resolved[len(prefix) : -2] in model._local_classes


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif not parts:
        return None
    return ".".join(reversed(parts))


def _used_as_redis(model: SemanticModel, expr: ast.expr) -> bool:
    """``self.attr`` given a command only redis has anywhere in its class. Not evidence:
    an attribute the class defines as a method or property (its value is what that
    returns, which the index follows), nor a command that a class of this module defines
    as a method of its own (devpi's in-memory ``ProjectUpdateCache.expire``)."""
    if not (isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name)):
        return False
    binding = model.lookup(expr.value.id)
    owner = binding.owner if binding is not None else None
    if binding is None or binding.kind is not BindingKind.SELF or owner is None:
        return False
    commands = _redis_commands(owner).get(expr.attr)
    if not commands or expr.attr in _methods_of(owner):
        return False
    return bool(commands - _module_methods(model))


def _methods_of(class_def: ast.ClassDef) -> frozenset[str]:
    return frozenset(
        statement.name
        for statement in class_def.body
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
    )


_MODULE_METHODS: WeakKeyDictionary[SemanticModel, frozenset[str]] = WeakKeyDictionary()


def _module_methods(model: SemanticModel) -> frozenset[str]:
    """The names of the methods the classes of this module define."""
    known = _MODULE_METHODS.get(model)
    if known is None:
        known = _MODULE_METHODS[model] = frozenset(
            name
            for node in ast.walk(model.tree)
            if isinstance(node, ast.ClassDef)
            for name in _methods_of(node)
        )
    return known
