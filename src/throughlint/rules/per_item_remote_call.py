"""## What it does
Finds one network round trip per pass of a `for` loop or comprehension where the service
has a batch API: redis-py commands outside a `pipeline()`, Django `cache.get/set/delete`,
module-level `requests.*` / `httpx.*` calls, boto3 `put_item` / `delete_object` /
`send_message` / `put_record` / `publish` / `put_metric_data` outside `batch_writer()`,
a Kafka producer `flush()` (or `send().get()`) per item, Elasticsearch / OpenSearch
`index` per document, rq's one-job calls (`Job.fetch`, `Queue.fetch_job`, `requeue_job`).
A function of the linted project that makes one of these calls, called per item from any
module, is reported at the call (through the project index), including through
`super().get(...)` in an override.

## Why it hurts throughput
Each call waits a full network round trip (0.2-2 ms on a LAN, tens of ms across regions)
for a few bytes of work, so N items cost N round trips. The batch form sends all N in one
request: `pipeline()` / `mget`, `get_many` / `set_many`, `send_message_batch`,
`helpers.bulk`. Module-level `requests.get` also opens a new connection (and TLS handshake)
per call, where a `Session` keeps it alive.

Not reported: commands buffered in a redis `pipeline()` / `transaction()` or a boto3
`batch_writer()`, loops over batches (`for chunk in chunks:`), a call that takes the
whole group a pass yields (`unlink(*slot_keys)`, `pk__in=ids`), one unchanged body sent
to each endpoint of the object's or the settings' configuration (`for url in
self.webhook_urls: requests.post(url, json=payload)`: no batch spans endpoints) or to
each item's own address (`for hook in hooks: requests.post(hook.url, json=payload)`), a
search that stops at the first pass whose call answers (`blob = r.lpop(key)`, then `if
blob is not None: return blob`), retry loops, loops that wait each pass (pollers), and
`while` loops, and a project function called in an `except` handler (the path of a
failed item). Clients are recognised where the file shows what they are (constructed,
annotated, `self.x` set from one, or a parameter annotated as one and filled in when
left out: `if client is None: client = self.get_client()`), or where the project index
does: a client that a project function builds and returns (`self.es =
search_client(conf)`), or an instance of a project class that subclasses one. A client
held in a module variable of another module is not followed.

## Example
```python
import redis

r = redis.Redis()

def prices(skus):
    return {sku: r.get(f"price:{sku}") for sku in skus}
```

## Use instead
```python
import redis

r = redis.Redis()

def prices(skus):
    return dict(zip(skus, r.mget([f"price:{sku}" for sku in skus])))
```

## Fix safety
Only Django's `cache.set(key, value)` alone in the body of a `for` loop in a function
has a fix: one `cache.set_many({key: value for ...})`, safe when the loop's input is a
list built before the loop, the keys are strings that cannot repeat (the loop stores a
repeated key twice, `set_many` once: a size-limited cache such as locmem's
`MAX_ENTRIES` then culls another entry) and that every backend takes (at most 150
characters, which leaves room for the `KEY_PREFIX` and version Django adds within
memcached's 250, and no space or control character: Django warns about others, and the
redis and memcached backends check every key of `set_many` before storing any) and the
values
literals (`set_many` pickles
every value before it stores any, so a value that cannot be pickled stores none, where
the loop stored those before it), unsafe when that cannot be established, and declined
when the key or value reads the cache (`cache.set(k, cache.get(src))`, counters): all
values would be read before any is stored. Measured (`bench/fixes.py`): Django locmem
cache, 10,000 keys: 1.4x (a network cache saves a round trip per key on top). Other
batch rewrites change error handling (one failure fails the batch) and memory use, so
they are left to you.

## Options
- `remote-call-functions`: extra qualified names of in-house remote calls.

## References
- https://redis.io/docs/latest/develop/use/pipelining/
- https://docs.djangoproject.com/en/stable/topics/cache/#cache-key-prefixing
- https://boto3.amazonaws.com/v1/documentation/api/latest/guide/dynamodb.html#batch-writing
- https://elasticsearch-py.readthedocs.io/en/latest/helpers.html#bulk-helpers
"""

from __future__ import annotations

import ast

from throughlint.effects import Effect
from throughlint.effects.remote import BATCHABLE_METHODS, MODULE_HTTP, remote_call
from throughlint.fixes import offers
from throughlint.index.facts import add_pending, project_callee
from throughlint.rules.base import FixAvailability, Rule
from throughlint.rules.through_helpers import helper_call
from throughlint.semantic.batching import batch_guarded
from throughlint.semantic.concurrency import not_per_item
from throughlint.semantic.expressions import unparse_short
from throughlint.semantic.global_rebinds import rebound_global
from throughlint.semantic.loops import describe_loop
from throughlint.semantic.passed_values import passed_client_call
from throughlint.semantic.per_call import broadcast, stops_on_result, takes_group
from throughlint.semantic.scope import BindingKind
from throughlint.semantic.types import attribute_factory

RULE = Rule(
    code="TL401",
    name="per-item-remote-call",
    summary="One network round trip per loop pass where a batch API exists",
    fix=FixAvailability.SOMETIMES,
    options=("remote-call-functions",),
    uses_index=True,
    doc=__doc__ or "",
    bad=(
        """\
import redis

r = redis.Redis()

def prices(skus):
    return {sku: r.get(f"price:{sku}") for sku in skus}  # expect: TL401
""",
        """\
from django.core.cache import cache

def warm(products):
    for product in products:
        cache.set(f"product:{product.pk}", product.to_json(), 3600)  # expect: TL401
""",
        """\
import requests

def statuses(urls):
    return [requests.get(url, timeout=5).status_code for url in urls]  # expect: TL401
""",
        """\
import boto3

class Archiver:
    def __init__(self):
        self.table = boto3.resource("dynamodb").Table("events")
        self.sqs = boto3.client("sqs")

    def store(self, events, queue_url):
        for event in events:
            self.table.put_item(Item=event)  # expect: TL401
            self.sqs.send_message(QueueUrl=queue_url, MessageBody=event["id"])  # expect: TL401
""",
        """\
from kafka import KafkaProducer

producer = KafkaProducer(bootstrap_servers="kafka:9092")

def publish(records):
    for record in records:
        producer.send("events", record)
        producer.flush()  # expect: TL401
""",
        """\
from elasticsearch import Elasticsearch

def reindex(es: Elasticsearch, docs):
    for doc in docs:
        es.index(index="products", id=doc["id"], document=doc)  # expect: TL401
""",
        """\
import redis.asyncio as aioredis

redis = aioredis.from_url("redis://cache")

async def touch(keys):
    for key in keys:
        await redis.expire(key, 60)  # expect: TL401
""",
        """\
import logging
import requests

log = logging.getLogger(__name__)

def _posted(url, data):
    try:
        return requests.post(url, data=data, timeout=5).ok
    except requests.ConnectionError:
        return False

def deliver_to_first(urls, data):
    for i in range(len(urls)):
        log.info("trying url %d", i)
        if _posted(urls[i], data):  # expect: TL401
            return i
""",
    ),
    good=(
        """\
import redis

r = redis.Redis()

def prices(skus):
    return dict(zip(skus, r.mget([f"price:{sku}" for sku in skus])))
""",
        """\
import redis

r = redis.Redis()

def store(items):
    with r.pipeline() as pipe:
        for key, value in items.items():
            pipe.set(key, value)
        pipe.execute()
""",
        """\
import boto3

def store(events):
    table = boto3.resource("dynamodb").Table("events")
    with table.batch_writer() as batch:
        for event in events:
            batch.put_item(Item=event)
""",
        """\
import requests

def statuses(urls):
    with requests.Session() as session:
        return [session.get(url, timeout=5).status_code for url in urls]
""",
    ),
    near_miss=(
        """\
import redis

def get_client():
    return redis.Redis()

def drop_index(index_key):
    client = get_client()
    batch = []
    for name in client.sscan_iter(index_key):
        batch.append(name)
        if len(batch) >= 500:
            client.unlink(*batch)
            batch = []
    if batch:
        client.unlink(*batch)
""",
        """\
import boto3

sqs = boto3.client("sqs")

def send(messages, queue_url):
    for batch in chunked(messages, 10):
        sqs.send_message_batch(QueueUrl=queue_url, Entries=batch)
    for chunk in chunked(messages, 10):
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(chunk))
""",
        """\
import time
import requests

def fetch(url, attempts=5):
    for attempt in range(attempts):
        try:
            return requests.get(url, timeout=5)
        except requests.ConnectionError:
            time.sleep(2 ** attempt)
""",
        """\
import time
import redis

r = redis.Redis()
RETRIES = 1000

def take_token(key):
    for _ in range(RETRIES):
        remaining = r.decr(key)
        resets_in = r.pttl(key)
        if remaining >= 0:
            return remaining
        time.sleep(resets_in / 1000)
""",
        """\
import logging
import requests

log = logging.getLogger(__name__)

def _posted(url, data):
    try:
        return requests.post(url, data=data, timeout=5).ok
    except requests.ConnectionError:
        return False

def deliver(url, data, retries=3):
    for i in range(0, retries):
        log.warning("delivery attempt %d", i)
        if _posted(url, data):
            return True
    return False
""",
        """\
import redis

r = redis.Redis()

def settings():
    return {name: r.get(name) for name in ("timeout", "retries", "region")}
""",
        """\
import redis

r = redis.Redis()

def wait_for(key):
    while r.get(key) is None:
        pass
""",
        """\
from django.core.cache import cache

def summary(groups):
    for group in groups:
        values = cache.get_many([f"g:{member}" for member in group.members])
        cache.set_many({f"sum:{group.id}": sum(values.values())})
""",
        """\
from kafka import KafkaProducer

producer = KafkaProducer()

def publish(records):
    for record in records:
        producer.send("events", record)
    producer.flush()
""",
    ),
)


@RULE.on(ast.Call)
def check(checker, node: ast.Call) -> None:
    model = checker.semantic
    loop = model.hot_loop()
    if loop is None:
        return
    remote = remote_call(model, node, checker.settings)
    if remote is None:
        name = factory_client_call(model, node) or passed_client_call(model, node)
        if name is not None and _in_project(checker, name) and _per_item(model, loop, node):
            add_pending(
                checker,
                node,
                "factory-client",
                callee=name,
                text=unparse_short(node.func, 40),
                loop=describe_loop(loop),
            )
        return
    if remote.batch is None or not _per_item(model, loop, node):
        return
    if remote.client in MODULE_HTTP and broadcast(model, loop, node, remote.method):
        return
    call = unparse_short(node.func, 40)
    checker.report(
        RULE,
        node,
        f"`{call}()` makes one {remote.client} round trip per item of {describe_loop(loop)}:"
        f" N round trips; use {remote.batch}",
        offers.set_many(model, node, loop, checker.source.line)
        if remote.client == "Django cache" and remote.method == "set"
        else None,
        confidence=remote.confidence,
    )


def factory_client_call(model, node: ast.Call) -> str | None:
    """``self.es.delete`` resolved to ``app.util.es_client().delete`` (or
    ``app.get_broker().cache.get``): a method with a batch form called on what a project
    function (or class) returns, or an attribute of it, or on a value another module of
    the project binds (``app.clients.r.get``); whether that is a client only the index
    can say."""
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in BATCHABLE_METHODS:
        return None
    name = model.resolve(func)
    if name is None:
        factory = attribute_factory(model, func.value)  # ``self.cache = self.get_cache()``
        name = f"{factory}.{func.attr}" if factory is not None else None
    if name is None or not name.endswith(f".{func.attr}"):
        return None
    if "()." not in name and not _imported(model, func.value) and not rebound_global(model, name):
        return None  # not a call on what a project call returns or a module binds
    return name if project_callee(name) else None


def _imported(model, node: ast.expr) -> bool:
    """``r`` of ``from app.clients import r``, or ``clients.r``: a value another module
    binds (the index knows whether it is a client)."""
    while isinstance(node, ast.Attribute):
        node = node.value
    if not isinstance(node, ast.Name):
        return False
    binding = model.lookup(node.id)
    return binding is not None and binding.kind is BindingKind.IMPORT


def _in_project(checker, name: str) -> bool:
    """``name`` starts in a module of the project (``sqlalchemy.orm.Session().add`` does not:
    no project function built that receiver), when the walk knows the project's modules."""
    modules = getattr(checker.index_facts, "project_modules", None)
    return modules is None or name.split(".", 1)[0] in modules


def _per_item(model, loop, node: ast.Call) -> bool:
    """One call per item: not a retry or a poll, not the whole group a pass yields, not
    one under a batch test, not a search that stops at the first answer."""
    if not_per_item(model, loop) is not None or takes_group(loop, node):
        return False
    if batch_guarded(model, loop):
        return False  # ``if len(batch) >= 500: client.unlink(*batch)``: once per batch
    return not stops_on_result(model, loop, node)


RULE.on_project("call")(
    helper_call(Effect.REMOTE, "makes a remote call", "N round trips", per_item_only=True)
)


@RULE.on_project("factory-client")
def check_factory_client(index, pending: dict) -> list:
    """``self.es.delete(...)`` per item, ``self.es`` built by a project function (or a
    project class) that the index knows returns an Elasticsearch, redis, memcache or boto3
    client."""
    found = index.remote_client_call(pending["callee"])
    if found is None or found[0].batch is None:
        return []
    remote, source = found
    return [
        (
            f"`{pending['text']}()` makes one {remote.client} round trip per item of "
            f"{pending['loop']} (a client {source}): N round trips; use "
            f"{remote.batch}",
            None,
            None,
        )
    ]
