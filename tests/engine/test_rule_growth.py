"""Every rule's work, preview rules included, grows linearly with the size of a loop, a
function or an expression. Counted as in ``tests/engine/test_loop_growth.py``: the
function calls (Python and C) that linting a generated file makes at sizes ``n`` and
``4n``, less those at size 0; quadratic work grows about 16x, linear 4x, the bound is 5x.
Each shape is one that made some rule walk the whole loop or module once per call."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from support.call_counting import count_calls

from tests.support.fuzzing import ALL_TRIGGERS, RULES
from throughlint.engine import lint_text
from throughlint.settings import Settings

PREVIEW = Settings(preview=True)


def _lint(text: str) -> list:
    """All rules, preview ones too, each made to look at the file (``ALL_TRIGGERS``)."""
    return lint_text(ALL_TRIGGERS + text, path="generated.py", settings=PREVIEW, rules=RULES)


def _calls(text: str) -> tuple[int, list]:
    return count_calls(lambda: _lint(text))


def _growth(shape: Callable[[int], str], n: int) -> tuple[float, str, list]:
    _calls(shape(n))  # imports and caches filled once, outside the counts
    empty, _ = _calls(shape(0))
    small, _ = _calls(shape(n))
    large, found = _calls(shape(4 * n))
    message = f"{small - empty:,} calls at n={n}, {large - empty:,} at 4n"
    return (large - empty) / (small - empty), message, found


def calls_in_a_loop(n: int) -> str:
    """``n`` plain calls in one loop: TL501 asked, for every call, whether an ``if i % n``
    guards it by walking the whole loop."""
    head = "import sqlite3\n\ndef run(conn: sqlite3.Connection, items):\n    for item in items:\n"
    head += "        conn.execute('SELECT 1 WHERE a = ?', (item,))\n"
    return head + "".join(f"        x{k} = helper{k}(item)\n" for k in range(n))


def nested_calls(n: int) -> str:
    """One argument nesting ``n`` calls: the same walk, once per nested call."""
    value = "f(" * n + "item" + ")" * n
    head = "import requests\n\ndef run(items):\n    for item in items:\n"
    return head + f"        requests.get({value})\n"


def file_writes(n: int) -> str:
    head = "def run(rows, path):\n    with open(path, 'a') as out:\n        for row in rows:\n"
    head += "            pass\n"
    return head + "".join(f"            out.write(row[{k}])\n" for k in range(n))


def acks(n: int) -> str:
    """``n`` acks in one consume loop: TL403 asked for the batch guard per ack, and its fix
    read the module's ``basic_qos`` prefetch count by a walk of the module per ack."""
    head = "import pika\n\ndef drain(channel, messages):\n    channel.basic_qos(prefetch_count=8)\n"
    head += "    for m in messages:\n        pass\n"
    return head + "".join(
        f"        channel.basic_ack(delivery_tag=m{k}.delivery_tag)\n" for k in range(n)
    )


def relations_in_a_loop(n: int) -> str:
    """``n`` relations of a query's rows read in one loop: TL101 walked the loop body for
    its eager-load offer once per relation."""
    head = "from shop.models import Book\n\ndef view():\n    for book in Book.objects.all():\n"
    head += "        pass\n"
    return head + "".join(f"        x{k} = book.author{k}.name\n" for k in range(n))


def appending_loops(n: int) -> str:
    """``n`` loops each appending to a file: the TL501 fix asked whether the function is a
    generator, which names the module declares ``global`` and where the file's name is
    read by a walk of the function or module per loop."""
    line = "    for r{k} in rows:\n        with open(path{k}, 'a') as f{k}:\n"
    line += "            f{k}.write(r{k})\n"
    return "def run(rows, path):\n    pass\n" + "".join(line.format(k=k) for k in range(n))


def opens_in_one_loop(n: int) -> str:
    """``n`` files appended to in one loop: the TL501 fix found each open's statement by
    a scan of the body and worked out the loop's awaits, bound names, changes and name
    uses again for every open."""
    line = "        f{k} = open(path{k}, 'a')\n        f{k}.write(r)\n        f{k}.close()\n"
    head = "def run(rows):\n    for r in rows:\n        pass\n"
    return head + "".join(line.format(k=k) for k in range(n))


def handler_statements(n: int) -> str:
    """``n`` queries in one ``except`` handler in a loop: "does this run once per pass?"
    looked for each statement's handler by a scan of every handler's body, and recomputed
    what an ``except AttributeError`` memo fills, once per statement."""
    head = "import sqlite3\n\ndef run(conn: sqlite3.Connection, items):\n    for item in items:\n"
    head += "        try:\n            conn.execute('SELECT 1 WHERE a = ?', (item,))\n"
    head += "        except AttributeError:\n            pass\n"
    return head + "".join(f"            conn.execute('SELECT {k}')\n" for k in range(n))


def handlers(n: int) -> str:
    """``n`` handlers of one ``try`` in a loop, each ending in ``raise``."""
    head = "import sqlite3\n\ndef run(conn: sqlite3.Connection, items):\n    for item in items:\n"
    head += "        try:\n            conn.execute('SELECT 1 WHERE a = ?', (item,))\n"
    line = "        except E{k}:\n            conn.execute('SELECT {k}')\n            raise\n"
    return head + "".join(line.format(k=k) for k in range(n))


def if_statements(n: int) -> str:
    """``n`` queries in the body of one ``if`` in a loop: the parameter-guard facts
    (``semantic/guards.py``) told body from ``else`` by a scan of the body per statement."""
    head = "import sqlite3\n\ndef run(conn: sqlite3.Connection, items):\n    for item in items:\n"
    head += "        if item:\n            pass\n"
    line = "            conn.execute('SELECT {k} WHERE a = ?', (item,))\n"
    return head + "".join(line.format(k=k) for k in range(n)) + "            return\n"


def concatenated_sql(n: int) -> str:
    """SQL built by a concatenation of ``2n + 1`` parts in a loop: its text read as one step
    (a depth limit per ``+`` lost the SQL past four parts, and the finding with it)."""
    parts = " + ".join(
        ["'SELECT a FROM t WHERE id = '", *(f"str(item) + ' OR id = {k} '" for k in range(n))]
    )
    head = "import sqlite3\n\ndef run(conn: sqlite3.Connection, items):\n    for item in items:\n"
    return head + f"        conn.execute({parts})\n"


def methods_calling_self(n: int) -> str:
    """``n`` methods of one class, each calling ``self.x(it)`` in a loop: the method a call
    through ``self`` runs was looked up by walking the class body at every call."""
    lines = ["class A:"]
    for k in range(n):
        lines += [f"    def m{k}(self, items):", "        for it in items:"]
        lines.append("            self.x(it)")
    return "\n".join(lines) + "\n"


def functions_called_under_a_lock(n: int) -> str:
    """``n`` module functions, each calling its helper under a lock in a loop: the helper
    was looked up by walking the module body at every call."""
    lines = ["import threading", "L = threading.Lock()"]
    for k in range(n):
        lines += [f"def h{k}(it):", "    pass", f"def m{k}(items):", "    for it in items:"]
        lines += ["        with L:", f"            h{k}(it)"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("shape", "n", "findings"),
    [
        (calls_in_a_loop, 40, 1),
        (nested_calls, 30, 1),
        (file_writes, 40, 0),
        (acks, 40, 160),
        (relations_in_a_loop, 40, 0),
        (appending_loops, 40, 160),
        (opens_in_one_loop, 15, 60),
        (handler_statements, 60, 241),
        (handlers, 60, 1),
        (if_statements, 200, 0),
        (concatenated_sql, 100, 1),
        (methods_calling_self, 250, 0),
        (functions_called_under_a_lock, 250, 1000),
    ],
)
def test_rules_grow_linearly(shape, n, findings):
    growth, message, found = _growth(shape, n)
    assert len([d for d in found if d.code != "TL999"]) == findings, found[:3]
    assert growth <= 5, message


def test_batch_guard_still_holds_under_a_counting_if():
    """The folded guard keeps the answers of the walk: under ``if i % n`` (and only in its
    body, not its ``else``) the ack is the batched form."""
    text = (
        "def drain(channel, messages):\n    for i, m in enumerate(messages):\n"
        "        if i % 100 == 0:\n            channel.basic_ack(delivery_tag=m.delivery_tag)\n"
        "        else:\n            channel.basic_ack(delivery_tag=m.delivery_tag)\n"
    )
    found = _lint(text)
    assert [(d.code, d.span.line) for d in found] == [("TL403", 7)]  # after the comment


def queues_of_a_class(n: int) -> str:
    """``n`` queues made in ``__init__``, each filled by a method of its own: TL201's
    producer checks (``semantic/producers.py``, ``put_sites.py``, ``queue_evidence.py``)
    share one index of the file's uses (``semantic/scope_uses.py``), so each queue costs
    its own uses, not a walk of the class."""
    made = "".join(f"        self.q{k} = queue.Queue()\n" for k in range(n))
    puts = "".join(f"    def put{k}(self, x):\n        self.q{k}.put(x)\n" for k in range(n))
    return f"import queue\n\nclass W:\n    def __init__(self):\n        pass\n{made}{puts}"


def test_queues_of_a_class_grow_linearly():
    growth, message, found = _growth(queues_of_a_class, 8)
    assert len([d for d in found if d.code == "TL201"]) == 32, found[:3]
    assert growth <= 5, message


def puts_of_one_function(n: int) -> str:
    """``n`` puts into one queue from one function whose locals are built from its
    parameter in reverse order (``v0`` from ``v1`` ... from ``items``): TL201's evidence
    (``semantic/queue_evidence.py``) closes the locals built from the parameters once per
    function, by a worklist, not once per put and pass."""
    chain = "".join(f"    v{k} = v{k + 1}\n" for k in range(n))
    puts = "".join(f"    q.put(v{k})\n" for k in range(n))
    return f"import queue\n\nq = queue.Queue()\n\ndef feed(items):\n    v{n} = items\n{chain}{puts}"


def test_puts_of_one_function_grow_linearly():
    growth, message, found = _growth(puts_of_one_function, 50)
    assert [d.code for d in found if d.code == "TL201"] == ["TL201"], found[:3]
    assert growth <= 5, message


def puts_of_a_local_queue(n: int) -> str:
    """``n`` puts into a local queue of locals copied from the parameter in reverse order
    (``v0 = v1`` before ``v1 = v2`` ... before ``vn = items``): TL201's producer check
    (``semantic/put_sites.py``) closes the copies once per function by a worklist
    (``expressions.names_bound_from``), not by a pass per link and once per put."""
    chain = "".join(f"    v{k} = v{k + 1}\n" for k in range(n))
    puts = "".join(f"    q.put(v{k})\n" for k in range(n))
    drain = "    def drain():\n        while True:\n            print(q.get())\n\n"
    return (
        "import queue\nimport threading\n\n"
        f"def feed(items):\n    q = queue.Queue()\n{drain}"
        "    threading.Thread(target=drain).start()\n"
        f"{chain}    v{n} = items\n{puts}"
    )


def test_puts_of_a_local_queue_grow_linearly():
    growth, message, found = _growth(puts_of_a_local_queue, 50)
    assert [d.code for d in found if d.code == "TL201"] == ["TL201"], found[:3]
    assert growth <= 5, message


def try_statements(n: int) -> str:
    """``n`` remote calls in the body of one ``try`` in a loop: the per-pass cost model's
    step (``semantic/pass_cost.every_pass``) tells the ``try`` body from its handlers by
    a scan of the body, orelse and finally per statement."""
    head = "import requests\n\ndef run(items):\n    for item in items:\n        try:\n"
    head += "            pass\n"
    tail = "        except AttributeError:\n            pass\n"
    return head + "".join(f"            requests.get(u{k})\n" for k in range(n)) + tail


def test_try_statements_grow_linearly():
    growth, message, found = _growth(try_statements, 200)
    assert len([d for d in found if d.code == "TL401"]) == 800, found[:3]
    assert growth <= 5, message


def returned_attributes(n: int) -> str:
    """``n`` properties each returning an attribute of ``self``: the size of what a
    function hands out (``index/output_size.py``) asked whether ``self._pk`` is a class
    constant (``semantic/input_size._class_constant``) by a scan of the class body per
    ``return``, not once per class."""
    props = "".join(
        f"    @property\n    def p{k}(self):\n        return self._p{k}\n" for k in range(n)
    )
    head = "import sqlite3\n\nclass Store:\n    conn: sqlite3.Connection\n"
    run = "    def run(self, items):\n        for item in items:\n"
    run += "            self.conn.execute('SELECT 1 WHERE a = ?', (item,))\n"
    return head + props + run


def test_returned_attributes_grow_linearly():
    growth, message, found = _growth(returned_attributes, 40)
    assert [d.code for d in found if d.code == "TL101"] == ["TL101"], found[:3]
    assert growth <= 5, message


def gets_put_back(n: int) -> str:
    """``n`` items taken from a queue and put back in one worker loop: TL201's evidence
    (``semantic/queue_evidence._put_back``) asked whether each put's item was bound from a
    get by a scan of every name the function binds from one, once per put."""
    gets = "".join(f"        v{k} = q.get()\n        q.put(v{k})\n" for k in range(n))
    head = "import queue\n\nq = queue.Queue()\n\ndef worker():\n    while True:\n"
    return head + "        pass\n" + gets


def test_gets_put_back_grow_linearly():
    growth, message, found = _growth(gets_put_back, 400)
    assert [d.code for d in found if d.code == "TL201"] == ["TL201"], found[:3]
    assert growth <= 5, message


def queue_handed_to_functions(n: int) -> str:
    """One queue handed to ``n`` functions of the module: TL201's evidence
    (``semantic/queue_evidence._stored_by``) listed the module's classes, looking for one
    that stores the queue, once per call it is handed to."""
    fns = "".join(f"def p{k}(q):\n    for i in range(9):\n        q.put(i)\n" for k in range(n))
    calls = "".join(f"    p{k}(q)\n" for k in range(n))
    return f"import queue\n\n{fns}def main():\n    q = queue.Queue()\n{calls}"


def test_queue_handed_to_functions_grows_linearly():
    growth, message, found = _growth(queue_handed_to_functions, 400)
    assert [d.code for d in found if d.code == "TL201"] == ["TL201"], found[:3]
    assert growth <= 5, message


def many_bases(n: int) -> str:
    """``n`` remote calls in loops of a method of a class with ``n`` bases: where the code
    runs (``semantic/placement.code_kind``) read every base and decorator once per
    question, and each finding asks."""
    bases = ", ".join(f"B{k}" for k in range(n)) or "object"
    loops = "".join(f"        for i in items:\n            requests.get(u{k})\n" for k in range(n))
    return f"import requests\n\nclass C({bases}):\n    def run(self, items):\n        pass\n{loops}"


def many_decorators(n: int) -> str:
    """The same with ``n`` decorators (with arguments) on the function."""
    decorators = "".join(f"@d{k}(x={k})\n" for k in range(n))
    loops = "".join(f"    for i in items:\n        requests.get(u{k})\n" for k in range(n))
    return f"import requests\n\n{decorators}def run(items):\n    pass\n{loops}"


@pytest.mark.parametrize("shape", [many_bases, many_decorators])
def test_placement_grows_linearly(shape):
    growth, message, found = _growth(shape, 40)
    assert len([d for d in found if d.code == "TL401"]) == 160, found[:3]
    assert growth <= 5, message


def with_clients(n: int) -> str:
    """``n`` clients opened by one ``with`` in a loop and each used in its body: TL302's
    "which lock is held here?" (``rules/blocking_call_under_lock._held_lock``) read every
    item of the ``with`` for every call in it."""
    items = ", ".join(f"httpx.Client() as c{k}" for k in range(n)) or "httpx.Client() as c"
    uses = "".join(f"            c{k}.get(u)\n" for k in range(n))
    head = "import httpx\n\ndef run(items):\n    for u in items:\n"
    return f"{head}        with {items}:\n            pass\n{uses}"


def test_with_items_grow_linearly():
    growth, message, found = _growth(with_clients, 40)
    assert len([d for d in found if d.code == "TL203"]) == 160, found[:3]
    assert growth <= 5, message
