"""The TL403 fix (``basic_ack(tag)`` -> ``basic_ack(tag, multiple=True)`` every N
messages) on a real RabbitMQ node with real pika: the original and the fixed consumer
handle the same messages; the fixed one sends one ack per N; and what makes it unsafe is
measured, not assumed: the messages after the last multiple of N stay unacked and come
back."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import uuid

import pytest
from fix_support import fix_source

from throughlint.settings import Settings

pytest.importorskip("pika")

CONSUMER = """\
import json

PREFETCH = 100
handled = []


def on_message(channel, method, properties, body):
    handled.append(json.loads(body)["n"])
    channel.basic_ack(delivery_tag=method.delivery_tag)


def consume(channel, queue, total):
    channel.basic_qos(prefetch_count=PREFETCH)

    def callback(ch, method, properties, body):
        on_message(ch, method, properties, body)
        if len(handled) == total:
            ch.stop_consuming()

    channel.basic_consume(queue=queue, on_message_callback=callback)
    channel.start_consuming()
"""

# publishes ``total`` messages, runs the consumer module until it has handled them all,
# closes the connection (unacked messages go back to the queue) and counts what is left
RUNNER = """\
import json
import sys
import time

import pika
from pika.adapters.blocking_connection import BlockingChannel

url, queue, total, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
namespace = {"__name__": "consumer"}
with open(path) as handle:
    exec(compile(handle.read(), path, "exec"), namespace)
acks = 0
real_ack = BlockingChannel.basic_ack


def counting_ack(self, *args, **kwargs):
    global acks
    acks += 1
    return real_ack(self, *args, **kwargs)


BlockingChannel.basic_ack = counting_ack
connection = pika.BlockingConnection(pika.URLParameters(url))
channel = connection.channel()
channel.queue_declare(queue=queue)
for number in range(total):
    channel.basic_publish("", queue, json.dumps({"n": number}))
start = time.perf_counter()
namespace["consume"](channel, queue, total)
seconds = time.perf_counter() - start
connection.close()
connection = pika.BlockingConnection(pika.URLParameters(url))
left = connection.channel().queue_declare(queue=queue, passive=True).method.message_count
connection.channel().queue_delete(queue=queue)
connection.close()
print(json.dumps({"handled": namespace["handled"], "acks": acks, "left": left,
                  "seconds": seconds}))
"""

PREVIEW = Settings(preview=True)


def _run(tmp_path, url: str, source: str, total: int) -> dict:
    module = tmp_path / f"consumer_{uuid.uuid4().hex}.py"
    module.write_text(source)
    runner = tmp_path / "runner.py"
    runner.write_text(RUNNER)
    completed = subprocess.run(
        [sys.executable, str(runner), url, f"q-{uuid.uuid4().hex}", str(total), str(module)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_the_fix_acks_every_half_prefetch_messages():
    item = fix_source(CONSUMER, unsafe=True, settings=PREVIEW)
    assert len(item.applied) == 1
    assert (
        "    if method.delivery_tag % 50 == 0:\n"
        "        channel.basic_ack(delivery_tag=method.delivery_tag, multiple=True)\n"
    ) in item.fixed
    assert not fix_source(item.fixed, unsafe=True, settings=PREVIEW).applied


def test_original_and_fixed_consumers_handle_the_same_messages_on_rabbitmq(tmp_path, rabbitmq_url):
    fixed = fix_source(CONSUMER, unsafe=True, settings=PREVIEW).fixed
    before = _run(tmp_path, rabbitmq_url, CONSUMER, 1000)
    after = _run(tmp_path, rabbitmq_url, fixed, 1000)
    assert before["handled"] == after["handled"] == list(range(1000))
    assert (before["acks"], before["left"]) == (1000, 0)
    assert (after["acks"], after["left"]) == (20, 0)  # 1000 is a multiple of 50


def test_what_makes_it_unsafe_the_tail_after_the_last_cumulative_ack_comes_back(
    tmp_path, rabbitmq_url
):
    fixed = fix_source(CONSUMER, unsafe=True, settings=PREVIEW).fixed
    before = _run(tmp_path, rabbitmq_url, CONSUMER, 1030)
    after = _run(tmp_path, rabbitmq_url, fixed, 1030)
    assert before["handled"] == after["handled"] == list(range(1030))
    assert before["left"] == 0
    assert (after["acks"], after["left"]) == (20, 30)  # redelivered: handlers must be idempotent


@pytest.mark.parametrize(
    ("qos", "reason"),
    [
        ("", "no `basic_qos(prefetch_count=...)` with a readable number in this module"),
        ("channel.basic_qos(prefetch_count=1)", "`prefetch_count=1`"),
        ("channel.basic_qos(prefetch_count=settings.PREFETCH)", "no `basic_qos"),
    ],
)
def test_declined_without_a_prefetch_above_n(qos, reason):
    source = textwrap.dedent(
        f"""\
        def on_message(channel, method, properties, body):
            channel.basic_ack(method.delivery_tag)


        def setup(channel, settings):
            {qos or "pass"}
        """
    )
    item = fix_source(source, unsafe=True, settings=PREVIEW)
    assert not item.applied and item.fixed == source
    (diagnostic,) = [d for d in item.remaining if d.code == "TL403" and d.span.line == 2]
    assert diagnostic.fix is not None and diagnostic.fix.declined.startswith(reason)


def test_not_offered_where_the_ack_is_not_its_own_statement():
    source = textwrap.dedent(
        """\
        PREFETCH = 20


        def on_message(channel, method, properties, body):
            ok = channel.basic_ack(method.delivery_tag)
            channel.basic_ack(tags[0]); handle(body)
            return ok


        def setup(channel):
            channel.basic_qos(prefetch_count=PREFETCH * 2)
        """
    )
    item = fix_source(source, unsafe=True, settings=PREVIEW)
    assert not item.applied
    found = [d for d in item.remaining if d.code == "TL403" and d.span.line in (5, 6)]
    assert len(found) == 2 and all(d.fix is None for d in found)
