"""``effects.remote``: which calls are round trips, which batch API replaces them, and
which calls are buffered (pipelines, ``batch_writer()``)."""

from __future__ import annotations

import ast

import pytest

from throughlint.effects import Effect, call_effects
from throughlint.effects.remote import remote_call
from throughlint.settings import Settings

PRELUDE = """\
import boto3
import httpx
import redis
import redis.asyncio as aioredis
import requests
from confluent_kafka import Producer
from django.core.cache import cache, caches
from elasticsearch import AsyncElasticsearch, Elasticsearch
from kafka import KafkaProducer

r = redis.StrictRedis(host="cache")
ar = aioredis.from_url("redis://cache")
cluster = redis.RedisCluster(host="cache")
pipe = r.pipeline()
dynamo = boto3.resource("dynamodb")
table = dynamo.Table("events")
sqs = boto3.Session().client("sqs")
s3 = boto3.resource("s3")
kafka = KafkaProducer()
confluent = Producer({})
es = Elasticsearch()
aes = AsyncElasticsearch()
session = requests.Session()
client = httpx.AsyncClient()

def f(items):
    probe({call})
"""


def classify(ask, call: str, settings: Settings | None = None):
    settings = settings or Settings()

    def question(model, expr):
        assert isinstance(expr, ast.Call)
        found = remote_call(model, expr, settings)
        effect = call_effects(model, expr, settings) & Effect.REMOTE
        if found is None:
            return None, bool(effect)
        return (found.client, found.method, found.batch, found.asynchronous), bool(effect)

    [answer] = ask(PRELUDE.replace("{call}", call), question)
    return answer


@pytest.mark.parametrize(
    ("call", "client", "batch"),
    [
        ("r.get('k')", "redis", "`mget` (or a `pipeline()`)"),
        ("r.hincrby('h', 'f')", "redis", "a `pipeline()`"),
        ("cluster.sadd('s', 1)", "redis", "`sadd(key, *members)` (or a `pipeline()`)"),
        ("cache.get('k')", "Django cache", "`cache.get_many()`"),
        ("caches['default'].delete('k')", "Django cache", "`cache.delete_many()`"),
        ("cache.incr('k')", "Django cache", "`cache.get_many()` + `cache.set_many()`"),
        ("requests.post('https://x')", "requests", "`requests.Session()`"),
        ("httpx.get('https://x')", "httpx", "`httpx.Client()`"),
        ("table.put_item(Item={})", "boto3", "`Table.batch_writer()`"),
        ("sqs.send_message(QueueUrl='q', MessageBody='m')", "boto3", "`send_message_batch`"),
        ("s3.Object('b', 'k').delete()", "boto3", "`Bucket.delete_objects`"),
        ("kafka.flush()", "Kafka producer", "one `flush()` after the loop"),
        ("kafka.send('t', b'v').get(timeout=10)", "Kafka producer", "wait once with `flush()`"),
        ("confluent.flush()", "Kafka producer", "one `flush()` after the loop"),
        ("es.index(index='i', document={})", "Elasticsearch", "`helpers.bulk`"),
        ("es.get(index='i', id=1)", "Elasticsearch", "`mget`"),
    ],
)  # fmt: skip
def test_round_trips_with_a_batch_api(ask, call, client, batch):
    found, remote = classify(ask, call)
    assert found[0] == client
    assert batch in found[2]
    assert remote, "a batchable round trip carries Effect.REMOTE (helpers called per item)"


@pytest.mark.parametrize(
    ("call", "asynchronous"),
    [("ar.set('k', 1)", True), ("cache.aget('k')", True), ("aes.index(index='i')", True)],
)
def test_asynchronous_clients(ask, call, asynchronous):
    found, _ = classify(ask, call)
    assert found[3] is asynchronous
    if call.startswith("cache.aget"):
        assert found[2] == "`cache.aget_many()`"
    if call.startswith("aes."):
        assert found[2] == "`helpers.async_bulk`"


@pytest.mark.parametrize(
    "call",
    ["session.get('https://x')", "client.post('/x')", "s3.Bucket('b').download_file('k', 'p')"],
)
def test_round_trips_without_a_batch_api_carry_no_effect(ask, call):
    found, remote = classify(ask, call)
    assert found is not None and found[2] is None
    assert not remote


@pytest.mark.parametrize(
    "call",
    [
        "pipe.set('k', 1)",  # buffered until execute()
        "r.pipeline().incr('k')",
        "r.pubsub()",
        "r.lock('name')",
        "table.batch_writer().put_item(Item={})",
        "sqs.get_paginator('list_queues')",
        "kafka.send('t', b'v')",  # batched by the producer
        "confluent.produce('t', b'v')",
        "confluent.poll(0)",
        "es.indices.refresh()",
        "cache.get_many(['a'])",
        "cache.set_many({})",
        "requests.Session()",
        "items.get('k')",
        "len(items)",
    ],
)
def test_not_round_trips_or_already_batched(ask, call):
    assert classify(ask, call) == (None, False)


def test_pipeline_execute_is_one_round_trip(ask):
    found, remote = classify(ask, "pipe.execute()")
    assert found[:3] == ("redis", "execute", None) and not remote


def test_remote_call_functions_from_settings(ask):
    settings = Settings(remote_call_functions=("requests.Session().get",))
    found, remote = classify(ask, "session.get('https://x')", settings)
    assert found[2] == "a batch version of the call" and remote
