"""## What it does
Finds one broker acknowledgement or offset commit per message where a cumulative one
exists. An ack runs once per message when it sits in a loop over messages, or in a
function outside any loop that acks exactly one message: a consumer callback, an ack
method or an ack closure made per message (the broker or the framework calls it once per
delivery):

- pika / AMQP `basic_ack(tag)` without `multiple=True`, also scheduled as
  `functools.partial(channel.basic_ack, tag)`;
- Kafka `consumer.commit()` on every pass of a consume loop (`kafka.KafkaConsumer`,
  `confluent_kafka.Consumer`, `aiokafka.AIOKafkaConsumer`, or confluent's
  `commit(message=msg)` of one message's offset), or in the `ack()` method of a message
  class (`self.consumer.commit()`);
- redis `xack(stream, group, id)` of a single id (it takes many ids), and a stream
  consumer's `ack(entry_id)` of one id in a loop (walrus);
- SQS `delete_message(...)` of one receipt handle, and boto3's resource form
  `sqs.Message(queue_url, receipt_handle).delete()` (`delete_message_batch` takes ten);
- `basic_qos(prefetch_count=1)` / aio-pika `set_qos(prefetch_count=1)` in a file that
  acks: the broker sends one message per round trip.

Kafka consumers are matched by their constructor's qualified name (resolved through
imports), or, in an `ack()` method and for a stream `ack()`, by a receiver named
`consumer`. `basic_ack`, `basic_qos` and `xack` are matched by method name alone (the
channel is usually a callback parameter whose type is not visible); `delete_message`
counts when its receiver is a `boto3` client or it is passed `ReceiptHandle=`. A receiver
that is an instance of a class of the same file defining that method (a user's own
`Channel.basic_ack`) is not a broker client and stays clean, as do acks behind an
every-N guard, `multiple=True`, `xack(..., *ids)` and code at module level.

## Why it hurts throughput
Each acknowledgement is a network round trip (and for Kafka a synchronous commit to the
group coordinator). Acking message by message caps a consumer at one message per round
trip, whatever the broker can deliver. A cumulative ack (`multiple=True`, a commit every
N messages, a batch delete) costs one round trip per batch, and `prefetch_count=1`
keeps only one message in flight at a time.

## Example
```python
def on_message(channel, method, properties, body):
    handle(body)
    channel.basic_ack(delivery_tag=method.delivery_tag)
```

## Use instead
```python
def on_message(channel, method, properties, body):
    handle(body)
    if method.delivery_tag % 100 == 0:
        channel.basic_ack(delivery_tag=method.delivery_tag, multiple=True)
```

## Fix safety
Unsafe fix, for a pika `basic_ack(tag)` that is a statement of its own, with the tag a
plain name or attribute, in a module that sets `basic_qos(prefetch_count=...)` to a
number it can read (a literal, a module constant, or arithmetic on them): the ack becomes
`if tag % N == 0: basic_ack(tag, multiple=True)` with N half the prefetch count, so the
broker keeps delivering while acks are held back. It changes what is redelivered after a
crash or a stop: every message since the last cumulative ack comes back (up to N - 1 at
the end of a quiet stream), so handlers must be idempotent. Acks sent out of order (from
a thread pool's done callbacks) become wrong: a cumulative ack also acks earlier tags
still being handled, which a crash then loses instead of redelivering. Without a
readable prefetch count the fix is declined: acking every N messages with a prefetch of
N or fewer stalls the consumer; so is a module that also refuses messages (`basic_nack`,
`basic_reject`), where a refused tag that is a multiple of N is never acked and the
window fills. Declined too where the handler can end without acking (a `return` or
`raise` before the ack, or the ack under an `if`, `try`, `match` or loop): a later
cumulative ack would ack the skipped message, which a restart would have delivered again.

## Options
None.

## References
- https://pika.readthedocs.io/en/stable/modules/channel.html#pika.channel.Channel.basic_ack
- https://kafka-python.readthedocs.io/en/master/apidoc/KafkaConsumer.html
- https://redis.io/docs/latest/commands/xack/
- https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessageBatch.html
"""

from __future__ import annotations

import ast

from throughlint.diagnostics import Applicability, Fix
from throughlint.fixes import ACK_EVERY
from throughlint.fixes.layout import starts_its_line
from throughlint.rules.base import FixAvailability, Rule
from throughlint.semantic.batching import batch_guarded
from throughlint.semantic.expressions import call_argument, literal_int, walk_same_function
from throughlint.semantic.loops import describe_loop, is_batch_loop

RULE = Rule(
    code="TL403",
    name="per-message-ack",
    summary="One broker ack or offset commit per message where a cumulative one exists",
    triggers=("ack", "commit", "delete", "_qos"),
    preview=True,
    fix=FixAvailability.SOMETIMES,
    doc=__doc__ or "",
    bad=(
        """\
def on_message(channel, method, properties, body):
    handle(body)
    channel.basic_ack(delivery_tag=method.delivery_tag)  # expect: TL403
""",
        """\
from kafka import KafkaConsumer

consumer = KafkaConsumer("events", enable_auto_commit=False)
for message in consumer:
    handle(message.value)
    consumer.commit()  # expect: TL403
""",
        """\
import boto3

sqs = boto3.client("sqs")

def drain(url):
    for message in sqs.receive_message(QueueUrl=url)["Messages"]:
        handle(message)
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])  # expect: TL403
""",
        """\
import redis

r = redis.Redis()

def work(entries):
    for entry_id, fields in entries:
        handle(fields)
        r.xack("events", "workers", entry_id)  # expect: TL403
""",
        """\
def setup(channel, on_message):
    channel.basic_qos(prefetch_count=1)  # expect: TL403
    channel.basic_consume(queue="jobs", on_message_callback=on_message)

def on_message(channel, method, properties, body):
    channel.basic_ack(method.delivery_tag, False)  # expect: TL403
""",
        """\
import redis


class Broker:
    def __init__(self):
        self.redis = redis.Redis()

    def ack_for(self, entry_id):
        def _ack():
            self.redis.xack("tasks", "workers", entry_id)  # expect: TL403

        return _ack
""",
    ),
    good=(
        """\
def on_message(channel, method, properties, body):
    handle(body)
    if method.delivery_tag % 100 == 0:
        channel.basic_ack(delivery_tag=method.delivery_tag, multiple=True)
""",
        """\
from kafka import KafkaConsumer

consumer = KafkaConsumer("events", enable_auto_commit=False)
for count, message in enumerate(consumer, 1):
    handle(message.value)
    if count % 500 == 0:
        consumer.commit()
""",
        """\
import boto3

sqs = boto3.client("sqs")

def drain(url):
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    for message in messages:
        handle(message)
    entries = [{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in messages]
    sqs.delete_message_batch(QueueUrl=url, Entries=entries)
""",
    ),
    near_miss=(
        """\
class Consumer:
    def commit(self):
        pass

consumer = Consumer()
for message in range(10):
    consumer.commit()
""",
        """\
import sqlite3

connection = sqlite3.connect("app.db")
for row in rows:
    connection.execute("INSERT INTO t VALUES (?)", row)
connection.commit()
""",
        """\
def work(r, ids):
    r.xack("events", "workers", *ids)
""",
        """\
def setup(channel):
    channel.basic_qos(prefetch_count=50)
""",
        """\
class Stream:
    def xack(self, stream, group, entry):
        pass

stream = Stream()
for entry in entries:
    stream.xack("events", "workers", entry)
""",
        """\
def store(queue, keys):
    for key in keys:
        queue.delete_message(key)
""",
        """\
class Channel:
    def basic_ack(self, tag):
        print("acked", tag)


def on_message(method, body):
    Channel().basic_ack(method.delivery_tag)
""",
    ),
)

_KAFKA_CONSUMERS = frozenset(
    {"kafka.KafkaConsumer()", "kafka.consumer.KafkaConsumer()", "confluent_kafka.Consumer()",
     "aiokafka.AIOKafkaConsumer()", "aiokafka.consumer.AIOKafkaConsumer()"}
)  # fmt: skip
_KAFKA_COMMITS = frozenset({"commit", "commitSync", "commit_offsets"})
_REDIS = ("redis.", "aioredis.", "coredis.", "valkey.")
_ACK_METHODS = frozenset({"ack", "acknowledge"})
_ACKS = ("basic_ack", ".ack(", ".process(")
_BOTO3 = ("boto3.client()", "boto3.session.Session().client()", "boto3.Session().client()")


@RULE.on(ast.Call)
def check(checker, node: ast.Call) -> None:
    func = node.func
    if _is_partial_ack(checker, node):
        # ``partial(channel.basic_ack, tag)`` scheduled per message (pika's threadsafe
        # callbacks): the ack call with the partial's arguments
        shifted = ast.Call(func=node.args[0], args=node.args[1:], keywords=node.keywords)
        _check_basic_ack(checker, node, shifted)
        return
    if not isinstance(func, ast.Attribute):
        return
    method = func.attr
    if method == "basic_ack":
        _check_basic_ack(checker, node, node)
    elif method in {"basic_qos", "set_qos"}:
        _check_prefetch(checker, node, method)
    elif method in {"xack", "delete_message"}:
        _check_single_ack(checker, node, method)
    elif method in _KAFKA_COMMITS:
        _check_commit(checker, node, method)
    elif method == "delete" and not node.args and not node.keywords:
        _check_sqs_message_delete(checker, node)
    elif method == "ack":
        _check_consumer_ack(checker, node)


def _is_partial_ack(checker, node: ast.Call) -> bool:
    if not node.args or not isinstance(node.args[0], ast.Attribute):
        return False
    if node.args[0].attr != "basic_ack":
        return False
    return checker.semantic.resolve(node.func) == "functools.partial"


def _check_basic_ack(checker, node: ast.Call, ack: ast.Call) -> None:
    if _own_method(checker, ack.func.value, "basic_ack"):  # type: ignore[attr-defined]
        return
    multiple = call_argument(ack, 1, "multiple")
    if multiple is not None and not (isinstance(multiple, ast.Constant) and not multiple.value):
        return
    if checker.semantic.function is None and checker.semantic.hot_loop(True) is None:
        return
    loop = checker.semantic.hot_loop(include_while=True)
    if loop is not None and batch_guarded(checker.semantic, loop):
        return
    checker.report(
        RULE,
        node,
        "`basic_ack()` of one delivery tag per message: one round trip per message; ack "
        "every N messages with `multiple=True` (everything up to that tag)",
        _ack_every(checker, node, multiple) if node is ack else None,  # not a partial()
    )


def _alone_on_its_lines(parent: ast.AST | None, statement: ast.stmt) -> bool:
    """No other statement of ``parent``'s blocks shares a line with ``statement``."""
    if parent is None:
        return False
    first, last = statement.lineno, statement.end_lineno or statement.lineno
    for field in ("body", "orelse", "finalbody"):
        for other in getattr(parent, field, None) or ():
            if other is statement or not isinstance(other, ast.stmt):
                continue
            if other.lineno <= last and (other.end_lineno or other.lineno) >= first:
                return False
    return True


def _refusal(tree: ast.AST) -> str:
    """``basic_nack`` or ``basic_reject`` called in the module; "" when neither is."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("basic_nack", "basic_reject"):
            return node.attr
    return ""


def _ack_every(checker, node: ast.Call, multiple: ast.expr | None) -> Fix | None:
    """The cumulative-ack fix (``fixes/ack_every.py``), when the ack is a statement of its
    own with a plain tag; declined without a prefetch count to size N from."""
    model = checker.semantic
    statement = model.node_stack[-1] if model.node_stack else None
    if not (isinstance(statement, ast.Expr) and statement.value is node):
        return None
    if not _alone_on_its_lines(
        model.node_stack[-2] if len(model.node_stack) > 1 else None, statement
    ):
        return None  # ``basic_ack(tag); handle(body)``: the fix rewrites whole lines
    if not starts_its_line(statement, checker.source.line):
        return None  # ``if body: basic_ack(tag)``: the line is the ``if``'s too
    tag = call_argument(node, 0, "delivery_tag")
    if tag is None or not _dotted(tag) or any(isinstance(a, ast.Starred) for a in node.args):
        return None
    positional_multiple = multiple is not None and bool(node.args) and node.args[-1] is multiple
    if len(node.args) > (2 if positional_multiple else 1):
        return None
    memo = checker.semantic.memo("TL403.prefetch")  # one walk of the module, not one per ack
    if checker.tree not in memo:
        memo[checker.tree] = (_prefetch(checker.tree), _refusal(checker.tree))
    prefetch, refusal = memo[checker.tree]
    if refusal:
        return Fix(
            Applicability.UNSAFE,
            "ack every N messages with `multiple=True`",
            declined=f"this module also refuses messages (`{refusal}()`): a refused tag that "
            "is a multiple of N is never acked, and once N - 1 handled messages wait for "
            "it the prefetch window fills and the consumer stalls",
        )
    skipped = _ends_unacked(model, statement)
    if skipped:
        return Fix(
            Applicability.UNSAFE,
            "ack every N messages with `multiple=True`",
            declined=f"the handler can end without acking ({skipped}): a later cumulative "
            "ack would ack that message too, which a restart would have delivered again",
        )
    if prefetch is None or prefetch < 4:
        why = (
            "no `basic_qos(prefetch_count=...)` with a readable number in this module"
            if prefetch is None
            else f"`prefetch_count={prefetch}`"
        )
        return Fix(
            Applicability.UNSAFE,
            "ack every N messages with `multiple=True`",
            declined=f"{why}: acking every N messages needs a prefetch above N, or the "
            "consumer stalls with N unacked messages",
        )
    every = prefetch // 2
    return Fix(
        Applicability.UNSAFE,
        f"ack every {every} messages with `multiple=True` (half the prefetch count "
        f"{prefetch}); up to {every - 1} handled messages stay unacked until the next one",
        kind=f"{ACK_EVERY}:{every}",
    )


def _ends_unacked(model, statement: ast.stmt) -> str:
    """How the handler can end without reaching the ack: a ``return`` or ``raise`` before
    it, or the ack under an ``if``, ``try``, ``match`` or loop; "" when every run of the
    handler acks."""
    function = model.function
    if function is None:
        return ""
    for ancestor in reversed(model.node_stack[:-1]):
        if ancestor is function:
            break
        if isinstance(ancestor, _BRANCHES):
            return f"the ack is under `{type(ancestor).__name__.lower()}`"
    memo = model.memo("TL403.first_exit")  # one walk per handler, not one per ack
    if function not in memo:
        exits = [
            (node.lineno, "return" if isinstance(node, ast.Return) else "raise")
            for node in walk_same_function(function)
            if isinstance(node, (ast.Return, ast.Raise))
        ]
        memo[function] = min(exits, default=None)
    first = memo[function]
    if first is not None and first[0] < statement.lineno:
        return f"`{first[1]}` on line {first[0]}"
    return ""


_BRANCHES = (
    ast.If, ast.Try, ast.Match, ast.For, ast.AsyncFor, ast.While, getattr(ast, "TryStar", ast.Try)
)  # fmt: skip


def _dotted(node: ast.expr) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _prefetch(tree: ast.Module) -> int | None:
    """The smallest ``prefetch_count`` this module's ``basic_qos`` calls set, when every
    one of them can be read (literals, module constants, ``+ - * //`` on them)."""
    constants: dict[str, int] = {}
    for statement in tree.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            value = _evaluate(statement.value, constants)
            if value is not None:
                constants[statement.targets[0].id] = value
            else:
                constants.pop(statement.targets[0].id, None)
    counts = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "basic_qos"
        ):
            value = _evaluate(call_argument(node, 1, "prefetch_count"), constants)
            if value is None:
                return None
            counts.append(value)
    return min(counts) if counts else None


_OPERATORS = {ast.Add: int.__add__, ast.Sub: int.__sub__, ast.Mult: int.__mul__,
              ast.FloorDiv: int.__floordiv__}  # fmt: skip


def _evaluate(node: ast.expr | None, constants: dict[str, int]) -> int | None:
    if node is None:
        return None
    value = literal_int(node)
    if value is not None:
        return value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left = _evaluate(node.left, constants)
        right = _evaluate(node.right, constants)
        if left is None or right is None or (isinstance(node.op, ast.FloorDiv) and right == 0):
            return None
        result = _OPERATORS[type(node.op)](left, right)
        return result if abs(result) < 1 << 32 else None
    return None


def _check_prefetch(checker, node: ast.Call, method: str) -> None:
    count = call_argument(node, None, "prefetch_count")
    if not (isinstance(count, ast.Constant) and count.value == 1):
        return
    if not any(word in checker.source.text for word in _ACKS):
        return
    checker.report(
        RULE,
        node,
        f"`{method}(prefetch_count=1)` on a consumer that acks: the broker sends the next "
        "message only after the previous ack, one round trip per message; prefetch tens "
        "or hundreds and ack cumulatively",
    )


def _per_message(checker, node: ast.Call):
    """Where ``node`` runs once per message: ``(True, loop)`` in a per-item loop (not
    batch-guarded), ``(True, None)`` in a function outside loops (a consumer callback,
    an ack method or closure: the ack of one message); ``(False, None)`` otherwise."""
    loop = checker.semantic.hot_loop(include_while=True)
    if loop is not None:
        return not (is_batch_loop(loop) or batch_guarded(checker.semantic, loop)), loop
    return checker.semantic.function is not None, None


def _where(checker, loop) -> str:
    if loop is not None:
        return f"on every pass of {describe_loop(loop).removeprefix('each pass of ')}"
    name = getattr(checker.semantic.function, "name", "")
    return f"in `{name}()`, which runs once per message"


def _check_single_ack(checker, node: ast.Call, method: str) -> None:
    """``xack`` of one id and SQS ``delete_message`` acknowledge exactly one message: in
    a loop or in any function (a callback or ack helper run once per message)."""
    if _own_method(checker, node.func.value, method):  # type: ignore[attr-defined]
        return
    receiver = _known(checker, node.func.value)  # type: ignore[attr-defined]
    if method == "xack":
        if len(node.args) != 3 or any(isinstance(a, ast.Starred) for a in node.args):
            return
        if receiver is not None and not receiver.startswith(_REDIS):
            return
        advice = "pass every id of the batch to one `xack(stream, group, *ids)`"
    else:
        boto = receiver is not None and receiver.startswith(_BOTO3)
        if not boto and not any(k.arg == "ReceiptHandle" for k in node.keywords):
            return
        advice = "delete up to ten at once with `delete_message_batch`"
    hot, loop = _per_message(checker, node)
    if not hot:
        return
    checker.report(
        RULE,
        node,
        f"`{method}()` of one message {_where(checker, loop)}: one broker round trip per "
        f"message; {advice}",
    )


def _check_commit(checker, node: ast.Call, method: str) -> None:
    """A Kafka commit in a consume loop (a known consumer, or confluent's
    ``commit(message=msg)`` of one message's offset), or in the ``ack()`` method of a
    message class whose consumer is an attribute (``self.consumer.commit()``)."""
    receiver_node = node.func.value  # type: ignore[attr-defined]
    receiver = checker.semantic.resolve(receiver_node)
    one_message = any(k.arg == "message" for k in node.keywords)
    loop = checker.semantic.hot_loop(include_while=True)
    if loop is not None:
        if is_batch_loop(loop) or batch_guarded(checker.semantic, loop):
            return
        if receiver not in _KAFKA_CONSUMERS and not one_message:
            return
    else:
        function = checker.semantic.function
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return
        if function.name not in _ACK_METHODS or not _names_consumer(receiver_node):
            return
        if _own_method(checker, receiver_node, method):
            return
    checker.report(
        RULE,
        node,
        f"`{method}()` {_where(checker, loop)}: one synchronous offset commit per message; commit "
        "every N messages or T seconds (or after the batch from `poll()`)",
    )


def _check_sqs_message_delete(checker, node: ast.Call) -> None:
    """boto3's SQS resource: ``sqs.Message(queue_url, receipt_handle).delete()`` (or
    through a local name) is one DeleteMessage."""
    receiver = node.func.value  # type: ignore[attr-defined]
    if isinstance(receiver, ast.Name):
        receiver = _local_value(checker.semantic.function, receiver.id)
    if not (
        isinstance(receiver, ast.Call)
        and isinstance(receiver.func, ast.Attribute)
        and receiver.func.attr == "Message"
        and len(receiver.args) == 2
    ):
        return
    hot, loop = _per_message(checker, node)
    if not hot:
        return
    checker.report(
        RULE,
        node,
        f"SQS `Message.delete()` {_where(checker, loop)}: one DeleteMessage round trip per "
        "message; delete up to ten at once with `delete_message_batch`",
    )


def _check_consumer_ack(checker, node: ast.Call) -> None:
    """A stream consumer's ``ack(entry_id)`` of one id in a loop (walrus
    ``ConsumerGroupStream.ack(*ids)``), the receiver named a consumer. An argument that
    is not an entry id (``consumer.ack(message)``) is the project's own ack wrapper: its
    cost is in its body."""
    if len(node.args) != 1 or node.keywords or not _is_entry_id(node.args[0]):
        return
    receiver = node.func.value  # type: ignore[attr-defined]
    if not _names_consumer(receiver) or _own_method(checker, receiver, "ack"):
        return
    loop = checker.semantic.hot_loop(include_while=True)
    if loop is None or is_batch_loop(loop) or batch_guarded(checker.semantic, loop):
        return
    checker.report(
        RULE,
        node,
        f"`ack()` of one id {_where(checker, loop)}: one XACK round trip "
        "per message; pass every id of the batch to one `ack(*ids)`",
    )


def _names_consumer(node: ast.expr) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return "consumer" in name.lower()


def _local_value(function: ast.AST | None, name: str) -> ast.expr | None:
    """The value of the single plain assignment to ``name`` in ``function``, if any."""
    if function is None:
        return None
    values = [
        item.value
        for item in ast.walk(function)
        if isinstance(item, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in item.targets)
    ]
    return values[0] if len(values) == 1 else None


def _own_method(checker, receiver: ast.expr, method: str) -> bool:
    """The receiver is an instance of a class of this file that defines ``method``
    itself (a user's own ``Channel.basic_ack``): not the broker client's."""
    class_def = checker.semantic.instance_class(checker.semantic.resolve(receiver))
    return class_def is not None and any(
        isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef)) and member.name == method
        for member in class_def.body
    )


def _known(checker, receiver: ast.expr) -> str | None:
    """The receiver's qualified name, None when only an attribute of an instance of this
    file's classes is known (``self.redis`` set by a base class): its type is not."""
    resolved = checker.semantic.resolve(receiver)
    if resolved is None:
        return None
    if resolved.startswith(f"{checker.semantic.module}.") and not resolved.endswith("()"):
        return None
    return resolved


def _is_entry_id(argument: ast.expr) -> bool:
    """``raw[0]`` (the id of a ``(id, fields)`` entry) or a name with the word ``id``."""
    if isinstance(argument, ast.Subscript):
        return True
    name = argument.attr if isinstance(argument, ast.Attribute) else getattr(argument, "id", "")
    return "id" in name.lower().split("_")
