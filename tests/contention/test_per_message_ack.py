"""TL403 where the ack runs once per message without a loop in the same function: a
consumer callback, an ack method or closure, a ``partial(basic_ack, tag)`` scheduled per
message; SQS resource deletes, confluent ``commit(message=)``, walrus consumer acks and
aio-pika ``set_qos``; near misses and a user's own classes stay clean (issue 16). Run
through the real CLI."""

from __future__ import annotations

import json
import textwrap

import pytest


def _lines(run_cli, tmp_path, source: str) -> list[int]:
    (tmp_path / "consumer.py").write_text(textwrap.dedent(source))
    result = run_cli(
        "--preview", "--select", "TL403", "--format", "json", "--no-cache", "--isolated", "."
    )
    assert result.returncode in (0, 1), result.stderr
    return sorted(item["line"] for item in json.loads(result.stdout)["diagnostics"])


BAD = {
    "xack-closure": """\
        import redis.asyncio as redis


        class Broker:
            def __init__(self, url):
                self.redis = redis.from_url(url)

            def ack_for(self, entry_id):
                async def _ack():
                    await self.redis.xack("tasks", "workers", entry_id)  # per message

                return _ack
        """,
    "partial-basic-ack": """\
        from functools import partial


        class Consumer:
            def ack(self, message):
                self.connection.add_callback_threadsafe(
                    partial(self.channel.basic_ack, message.tag),  # per message
                )
        """,
    "sqs-helper": """\
        import boto3


        class Worker:
            def _finish(self, context):
                handle(context)
                boto3.client("sqs").delete_message(  # per message
                    QueueUrl=context["queue_url"], ReceiptHandle=context["handle"]
                )
        """,
    "sqs-resource-message": """\
        import boto3


        class Broker:
            def __init__(self):
                self.sqs = boto3.Session().resource("sqs")

            def acknowledge(self, url, receipt_handle):
                message = self.sqs.Message(url, receipt_handle)
                message.delete()  # per message
        """,
    "confluent-commit-message": """\
        def consume(consumer):
            while True:
                msg = consumer.poll(1.0)
                if msg is None:
                    continue
                handle(msg)
                consumer.commit(message=msg)  # per message
        """,
    "ack-method-commit": """\
        class KafkaMessage:
            def __init__(self, record, consumer):
                self.record = record
                self.consumer = consumer

            async def ack(self):
                await self.consumer.commit()  # per message
        """,
    "walrus-consumer-ack": """\
        def consume(self):
            while True:
                raw = self.consumer.read(count=1)
                if raw:
                    handle(raw)
                    self.consumer.ack(raw[0])  # per message
        """,
    "aio-pika-set-qos": """\
        async def listen(connection):
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=1)  # per message
            queue = await channel.declare_queue("events")
            async with queue.iterator() as messages:
                async for message in messages:
                    async with message.process():
                        handle(message.body)
        """,
}

CLEAN = {
    "xack-many-ids": """\
        class Stream:
            def ack(self, *ids):
                return self.database.xack(self.key, self.group, *ids)
        """,
    "partial-multiple": """\
        from functools import partial


        def ack_batch(connection, channel, last_tag):
            connection.add_callback_threadsafe(partial(channel.basic_ack, last_tag, True))
        """,
    "ack-every-n": """\
        def on_message(channel, method, properties, body):
            handle(body)
            if method.delivery_tag % 100 == 0:
                channel.basic_ack(delivery_tag=method.delivery_tag, multiple=True)
        """,
    "commit-every-n": """\
        def consume(consumer):
            count = 0
            while True:
                msg = consumer.poll(1.0)
                handle(msg)
                count += 1
                if count % 500 == 0:
                    consumer.commit(message=msg)
        """,
    "commit-at-stop": """\
        class Client:
            async def stop(self):
                await self.consumer.commit(asynchronous=False)
        """,
    "sqs-batch-delete": """\
        def finish(sqs, url, messages):
            entries = [{"Id": m.message_id, "ReceiptHandle": m.receipt_handle} for m in messages]
            sqs.delete_messages(QueueUrl=url, Entries=entries)
        """,
    "walrus-ack-all": """\
        def consume(self):
            while True:
                raw = self.consumer.read(count=100)
                handle(raw)
                self.consumer.ack(*[entry for entry, _ in raw])
        """,
    "consumer-ack-of-a-message": """\
        def post_process(self, message):
            while True:
                try:
                    self.consumer.ack(message)
                    break
                except ConnectionError:
                    continue
        """,
    "set-qos-many": """\
        async def listen(channel):
            await channel.set_qos(prefetch_count=100)
            await message.ack()
        """,
    "own-channel-class": """\
        class Channel:
            def basic_ack(self, tag):
                self.acked.append(tag)


        def on_message(method, body):
            channel = Channel()
            channel.basic_ack(method.delivery_tag)
        """,
    "own-stream-class": """\
        class Stream:
            def xack(self, stream, group, entry):
                pass


        def ack_one(entry):
            stream = Stream()
            stream.xack("events", "workers", entry)
        """,
    "module-level-delete": """\
        import boto3

        boto3.client("sqs").delete_message(QueueUrl="u", ReceiptHandle="h")
        """,
}


def _expected(source: str) -> list[int]:
    lines = textwrap.dedent(source).splitlines()
    return [number for number, text in enumerate(lines, 1) if text.endswith("# per message")]


@pytest.mark.parametrize("name", sorted(BAD))
def test_per_message_ack_is_reported(run_cli, tmp_path, name):
    source = BAD[name]
    expected = _expected(source)
    assert len(expected) == 1
    assert _lines(run_cli, tmp_path, source) == expected


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_near_miss_stays_clean(run_cli, tmp_path, name):
    assert _lines(run_cli, tmp_path, CLEAN[name]) == []
