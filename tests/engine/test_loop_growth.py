"""Linting work grows linearly with the size of a loop or function.

Each case generates a file whose loop (or function) holds ``n`` statements of one rule's
trigger shape, lints it in-process at sizes ``n`` and ``4n``, and counts the Python and C
function calls the lint makes (``sys.setprofile``): a count that does not depend on the
machine or its load. Work per statement that walks the whole loop or function (quadratic)
makes the count grow about 16x; linear work, 4x. The bound is 5x, after taking off the
count for the same file with an empty loop (the fixed cost of a file). A loop that runs
inside one call (a comprehension, a C function) counts once: the count sees repeated
walks, not every quadratic loop.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from support.call_counting import count_calls

from throughlint.engine import lint_text

Shape = Callable[[int], str]


def _loop(head: str, line: Callable[[int], str], n: int, tail: str = "") -> str:
    """``head`` opens a loop at the second level; ``n`` lines, then ``tail``."""
    return head + "        pass\n" + "".join(line(k) for k in range(n)) + tail


def awaited(n: int) -> str:
    head = "import httpx\n\nasync def run(client: httpx.AsyncClient, items, base):\n"
    head += "    for item in items:\n"
    return _loop(
        head,
        lambda k: f"        url{k} = base + str(item)\n        r{k} = await client.get(url{k})\n",
        n,
    )


def session_add(n: int) -> str:
    head = "from sqlalchemy.orm import Session\n\nfrom app.models import Row\n\n"
    head += "def run(session: Session, items):\n    for item in items:\n"
    line = "        session.add(Row(item=item, k={k}))\n"
    return _loop(head, lambda k: line.format(k=k), n, "        session.flush()\n")


def cursor_execute(n: int) -> str:
    head = "import sqlite3\n\ndef run(conn: sqlite3.Connection, items):\n"
    head += "    cur = conn.cursor()\n    for item in items:\n"
    line = "        cur.execute('INSERT INTO t (a, k) VALUES (?, ?)', (item, {k}))\n"
    return _loop(head, lambda k: line.format(k=k), n, "    conn.commit()\n")


def cache_set(n: int) -> str:
    head = "from django.core.cache import cache\n\ndef warm(products):\n"
    head += "    for product in products:\n"
    return _loop(head, lambda k: f"        cache.set(f'p{k}:{{product.pk}}', product, {k})\n", n)


def lock_acquires(n: int) -> str:
    head = "import threading\n\nlock = threading.Lock()\n\ndef tally(words, totals):\n"
    head += "    for word in words:\n"
    return _loop(
        head,
        lambda k: f"        with lock:\n            totals[word, {k}] = totals.get(word, 0) + 1\n",
        n,
    )


def queue_puts(n: int) -> str:
    head = "import asyncio\n\nasync def feed(queue: asyncio.Queue, events):\n"
    head += "    for event in events:\n"
    return _loop(head, lambda k: f"        await queue.put((event, {k}))\n", n)


def pool_submits(n: int) -> str:
    head = "from concurrent.futures import ThreadPoolExecutor\nimport sqlite3\n\n"
    head += "def process(batches, handle, path):\n    for batch in batches:\n"
    return _loop(
        head,
        lambda k: (
            f"        ThreadPoolExecutor(4).submit(handle, batch, {k})\n"
            f"        conn{k} = sqlite3.connect(path)\n"
        ),
        n,
    )


def commits(n: int) -> str:
    head = "import sqlite3\n\ndef save(conn: sqlite3.Connection, rows):\n"
    head += "    for i, row in enumerate(rows):\n"
    return _loop(
        head,
        lambda k: (
            f"        conn.execute('INSERT INTO t VALUES (?)', (row, {k}))\n"
            f"        if i % 100 == 0:\n            conn.commit()\n"
        ),
        n,
    )


def executemany_candidate(n: int) -> str:
    """Parameters built by ``n`` assignments before one ``execute`` (the executemany fix
    checks each assignment against the ones after it)."""
    head = "import sqlite3\n\ndef run(conn: sqlite3.Connection, items):\n"
    head += "    cur = conn.cursor()\n    for item in items:\n"
    line = "        v{k} = item[{k}]\n"
    params = ", ".join(f"v{k}" for k in range(n))
    tail = f"        cur.execute('INSERT INTO t VALUES (?)', ({params}{',' if n == 1 else ''}))\n"
    return head + "".join(line.format(k=k) for k in range(n)) + (tail if n else "        pass\n")


def nested_loops(n: int) -> str:
    head = "import sqlite3\n\ndef run(conn: sqlite3.Connection, orders):\n"
    head += "    for order in orders:\n"
    return _loop(
        head,
        lambda k: (
            f"        for line in order.lines{k}:\n"
            f"            conn.execute('SELECT * FROM p WHERE id = ?', (line.id, {k}))\n"
        ),
        n,
    )


def many_small_loops(n: int) -> str:
    head = "import sqlite3\n\ndef run(conn: sqlite3.Connection, groups):\n"
    head += "    cur = conn.cursor()\n"
    line = "    for row in groups[{k}]:\n        cur.execute('INSERT INTO t VALUES (?)', row)\n"
    return head + "".join(line.format(k=k) for k in range(n))


def deep_nesting(n: int) -> str:
    """Blocks nested ``n`` deep in one loop (Python allows 99 levels), a commit and a
    lock at every level."""
    head = "import sqlite3\nimport threading\n\nlock = threading.Lock()\n\n"
    head += "def run(conn: sqlite3.Connection, rows, flags):\n    for i, row in enumerate(rows):\n"
    body = []
    for k in range(n):
        pad = "    " * (k + 2)
        opener = (f"if flags[{k}]:", "with lock:", "try:")[k % 3]
        body.append(f"{pad}conn.execute('UPDATE t SET n = ? WHERE id = ?', ({k}, row))\n")
        body.append(f"{pad}conn.commit()\n")
        body.append(f"{pad}{opener}\n")
    body.append("    " * (n + 2) + "pass\n")
    for k in reversed(range(n)):
        if k % 3 == 2:
            body.append("    " * (k + 2) + "except OSError:\n" + "    " * (k + 3) + "pass\n")
    return head + "".join(body)


# shape, n, the code the shape reports (None: the rule judges each statement and reports
# none: one lock of n held briefly; a queue put paces the loop)
def nested_deep(n: int) -> str:
    """Loops nested ``n`` deep, a write and an awaited request on every level."""
    head = "import httpx\nimport sqlite3\n\n"
    head += "async def run(client: httpx.AsyncClient, conn: sqlite3.Connection, x):\n"
    body = []
    for k in range(n):
        pad = "    " * (k + 2)
        body.append("    " * (k + 1) + f"for a{k} in x[{k}]:\n")
        body.append(f"{pad}conn.execute('INSERT INTO t VALUES (?)', (a{k},))\n")
        body.append(f"{pad}r{k} = await client.get(f'/{{a{k}}}')\n")
    return head + "".join(body) + "    " * (n + 1) + "pass\n"


def guarded_helper(n: int) -> str:
    """A function opening with a flag guard and a guard on a parameter, then ``n`` calls
    (memo and path facts look back a few statements, never along the whole block)."""
    head = "from shop.models import Book\n\ndef sync(self, pks, save=True):\n"
    head += "    if self._done:\n        return\n    if not save:\n        return\n"
    line = "    Book.objects.get(pk={k})\n    helper(pks, save=False)\n"
    body = "".join(line.format(k=k) for k in range(n))
    return head + body + "    self._done = True\n    for pk in pks:\n        sync(self, pk)\n"


SHAPES: dict[str, tuple[Shape, int, str | None]] = {
    "guarded helper": (guarded_helper, 16, None),
    "awaited calls": (awaited, 16, "TL402"),
    "session.add": (session_add, 16, "TL102"),
    "cursor.execute": (cursor_execute, 16, "TL102"),
    "cache.set": (cache_set, 16, "TL401"),
    "lock acquires": (lock_acquires, 16, None),
    "queue puts": (queue_puts, 16, None),
    "pool submits": (pool_submits, 16, "TL203"),
    "batched commits": (commits, 16, "TL102"),
    "executemany fix": (executemany_candidate, 16, "TL102"),
    "nested loops": (nested_loops, 16, "TL101"),
    "loops nested deep": (nested_deep, 12, "TL402"),
    "many small loops": (many_small_loops, 16, "TL102"),
    "deep nesting": (deep_nesting, 20, "TL103"),
}


def lint_calls(text: str) -> tuple[int, list[str]]:
    """Function calls (Python and C) made while linting ``text``, and the codes found."""
    count, diagnostics = count_calls(lambda: lint_text(text, path="generated.py"))
    return count, [d.code for d in diagnostics]


@pytest.mark.parametrize("name", SHAPES)
def test_work_grows_linearly(name):
    shape, n, code = SHAPES[name]
    lint_calls(shape(n))  # imports and caches filled once, outside the counts
    empty, _ = lint_calls(shape(0))
    small, small_codes = lint_calls(shape(n))
    large, large_codes = lint_calls(shape(4 * n))
    if code is None:
        assert small_codes == large_codes == []
    else:
        assert code in small_codes, small_codes
        assert large_codes.count(code) >= small_codes.count(code), large_codes
    growth = (large - empty) / (small - empty)
    assert growth <= 5, f"{name}: {small - empty:,} calls for n={n}, {large - empty:,} for 4n"


def test_the_fix_offer_checks_a_loop_s_lines_once_per_loop(monkeypatch):
    """``_one_statement_per_line`` scans the whole loop body in one Python loop (invisible
    to the call counts above): asked once per call it made 2,000 executes cost 3 s."""
    from throughlint.fixes import offers

    calls = []
    original = offers._one_statement_per_line

    def counted(node):
        calls.append(node)
        return original(node)

    monkeypatch.setattr(offers, "_one_statement_per_line", counted)
    lint_text(cursor_execute(50), "loop.py")
    assert len(calls) == len(set(map(id, calls))) >= 1
