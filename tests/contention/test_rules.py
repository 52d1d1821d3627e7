"""TL301 / TL401 / TL402 on shapes beyond the rule examples: where they fire, where they
must not, and what the messages say."""

from __future__ import annotations

import textwrap

import pytest

from throughlint.engine import lint_text
from throughlint.rules import rule_by_code

from expectations import actual, expected


def findings(source: str, code: str):
    return lint_text(textwrap.dedent(source), "service.py", rules=[rule_by_code(code)])


def assert_marked(source: str, code: str) -> None:
    source = textwrap.dedent(source)
    marks = expected(source, [code])
    assert actual(findings(source, code), [code]) == marks


# --- TL301 -------------------------------------------------------------------------------

TL301_CASES = {
    "nested-loop-inner-holds-lock": """\
        import threading
        lock = threading.Lock()
        def f(groups, out):
            for group in groups:
                prepared = [expensive(x) for x in group]
                for x in prepared:
                    with lock:  # expect: TL301
                        out.append(x)
        """,
    "if-around-lock-is-not-outside-work": """\
        import threading
        lock = threading.Lock()
        def f(items, out):
            for item in items:
                if item:
                    with lock:  # expect: TL301
                        out[item] = 1
        """,
    "mutex-semaphore-as-class-attribute": """\
        import threading
        class Pool:
            slots = threading.BoundedSemaphore(1)
            def run(self, tasks):
                for task in tasks:
                    with self.slots:  # expect: TL301
                        task()
        """,
    "semaphore-of-n-permits-bounds-concurrency": """\
        import asyncio
        class Crawler:
            def __init__(self, limit):
                self.sem = asyncio.Semaphore(limit)
                self.gate = asyncio.Semaphore(10)
            async def run(self, jobs, sem):
                for job in jobs:
                    async with self.sem:
                        await job()
                    async with self.gate:
                        await job()
                    async with sem:
                        await job()
        """,
    "default-semaphore-is-a-mutex": """\
        import asyncio
        gate = asyncio.Semaphore()
        async def run(jobs, state):
            for job in jobs:
                async with gate:  # expect: TL301
                    state[job] = True
        """,
    "acquire-release-without-try": """\
        import multiprocessing
        lock = multiprocessing.Lock()
        def f(values, shared):
            for value in values:
                lock.acquire()  # expect: TL301
                shared.value += value
                lock.release()
        """,
    "awaited-acquire": """\
        import asyncio
        lock = asyncio.Lock()
        async def f(values, shared):
            for value in values:
                await lock.acquire()  # expect: TL301
                try:
                    shared[value] = True
                finally:
                    lock.release()
        """,
    "empty-region-is-a-barrier": """\
        import threading
        gate = threading.Lock()
        def f(items, out):
            for item in items:
                with gate:
                    pass
        """,
    "nested-in-if-still-measured": """\
        import threading
        lock = threading.Lock()
        def f(items, out):
            for item in items:
                key = item.key
                label = item.label
                if key:
                    with lock:  # expect: TL301
                        out[key] = label
                        out.setdefault("seen", []).append(key)
        """,
    "lock-around-the-loop-is-right": """\
        import threading
        lock = threading.Lock()
        def f(items, out):
            with lock:
                for item in items:
                    out.append(item)
        """,
    "work-outside-lock": """\
        import threading
        lock = threading.Lock()
        def f(paths, index):
            for path in paths:
                with open(path) as handle:
                    words = handle.read().split()
                with lock:
                    index[path] = words
        """,
    "function-defined-in-loop": """\
        import threading
        lock = threading.Lock()
        def f(items, out):
            callbacks = []
            for item in items:
                def done(value=item):
                    with lock:
                        out.append(value)
                callbacks.append(done)
            return callbacks
        """,
    "queue-consumer-with-timeout": """\
        import threading
        lock = threading.Lock()
        def f(inbox, state):
            while True:
                try:
                    job = inbox.get(timeout=1)
                except Exception:
                    continue
                with lock:
                    state[job] = True
        """,
    "not-a-lock": """\
        import threading
        def f(items, block, ctx):
            for item in items:
                with block:
                    item.run()
                with ctx.lock_manager():
                    item.run()
        """,
}


@pytest.mark.parametrize("name", TL301_CASES)
def test_lock_in_loop(name):
    assert_marked(TL301_CASES[name], "TL301")


def test_lock_message_measures_the_region():
    [finding] = findings(TL301_CASES["acquire-release-without-try"], "TL301")
    assert "`Lock` `lock`" in finding.message
    assert "(1 of 1 statements)" in finding.message
    assert "take it once around the loop" in finding.message


# --- TL401 -------------------------------------------------------------------------------

TL401_CASES = {
    "nested-comprehension-keys": """\
        import redis
        r = redis.Redis()
        def f(users):
            return {u: [r.sismember(f"s:{u}", p) for p in u.posts] for u in users}  # expect: TL401
        """,
    "transaction-buffers": """\
        import redis
        r = redis.Redis()
        def f(ids):
            with r.pipeline(transaction=True) as tx:
                for i in ids:
                    tx.incr(f"n:{i}")
                tx.execute()
        """,
    "while-loops-do-not-count": """\
        import redis
        r = redis.Redis()
        def f(key):
            while r.llen(key) > 100:
                r.rpop(key)
        """,
    "small-literal-loop": """\
        from django.core.cache import cache
        def f():
            for name in ("a", "b", "c"):
                cache.delete(name)
        """,
    "lambda-in-loop-runs-later": """\
        from django.core.cache import cache
        def f(keys):
            return [lambda: cache.get(key) for key in keys]
        """,
    "shadowed-requests": """\
        def f(urls, requests):
            for url in urls:
                requests.get(url)
        """,
    "poll-with-sleep": """\
        import time
        import boto3
        sqs = boto3.client("sqs")
        def f(queue_url, bodies):
            for body in bodies:
                time.sleep(1)
                sqs.send_message(QueueUrl=queue_url, MessageBody=body)
        """,
    "annotated-parameter": """\
        from redis import Redis
        def f(conn: "Redis | None", keys):
            for key in keys:
                conn.unlink(key)  # expect: TL401
        """,
}


@pytest.mark.parametrize("name", TL401_CASES)
def test_per_item_remote_call(name):
    assert_marked(TL401_CASES[name], "TL401")


def test_suppression_comment():
    source = """\
        import requests
        def f(urls):
            for url in urls:
                requests.head(url)  # noqa: TL401
        """
    assert findings(source, "TL401") == []


def test_helper_in_another_module_through_the_index(tmp_path, run_cli):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "store.py").write_text(
        "import boto3\n\nsqs = boto3.client('sqs')\n\n\n"
        "def announce(body):\n    sqs.send_message(QueueUrl='q', MessageBody=body)\n"
    )
    (package / "jobs.py").write_text(
        "from app.store import announce\n\n\n"
        "def run(bodies):\n    for body in bodies:\n        announce(body)\n\n\n"
        "def run_retrying(body):\n    for attempt in range(3):\n        try:\n"
        "            return announce(body)\n        except OSError:\n            pass\n"
    )
    completed = run_cli("app", "--select", "TL401", "--format", "concise", "--no-cache")
    assert completed.returncode == 1, completed.stderr
    lines = [line for line in completed.stdout.splitlines() if "TL401" in line]
    assert len(lines) == 1 and "jobs.py:6:" in lines[0], completed.stdout
    assert "send_message" in lines[0]


# --- TL402 -------------------------------------------------------------------------------

TL402_CASES = {
    "carried-through-assignment": """\
        import httpx
        async def f(client: httpx.AsyncClient, n):
            url = "/start"
            for _ in range(n):
                response = await client.get(url)
                url = response.headers["next"]
        """,
    "carried-through-derived-name": """\
        import httpx
        async def f(client: httpx.AsyncClient, n):
            offset = 0
            for _ in range(n):
                params = {"offset": offset}
                page = await client.get("/items", params=params)
                offset += len(page.json())
        """,
    "same-statement-feedback": """\
        import httpx
        async def f(client: httpx.AsyncClient, steps, state):
            for step in steps:
                state = await client.post("/step", json={"state": state, "step": step})
        """,
    "accumulator-not-read-by-call": """\
        import httpx
        async def f(client: httpx.AsyncClient, ids):
            total = 0
            for i in ids:
                total += (await client.get(f"/n/{i}")).json()  # expect: TL402
            return total
        """,
    "async-generator-streams": """\
        import httpx
        async def f(client: httpx.AsyncClient, ids):
            for i in ids:
                yield await client.get(f"/n/{i}")
        """,
    "async-comprehension": """\
        import httpx
        async def f(client: httpx.AsyncClient, ids):
            return [await client.get(i) async for i in ids]
        """,
    "held-semaphore": """\
        import asyncio
        import httpx
        limit = asyncio.Semaphore(4)
        async def f(client: httpx.AsyncClient, ids):
            async with limit:
                for i in ids:
                    await client.get(f"/n/{i}")
        """,
    "waits-are-not-io": """\
        import asyncio
        async def f(items, lock: asyncio.Lock, done: asyncio.Event, q: asyncio.Queue):
            for item in items:
                await lock.acquire()
                await done.wait()
                await q.get()
                await asyncio.sleep(0)
        """,
    "redis-is-tl401-not-tl402": """\
        import redis.asyncio as aioredis
        r = aioredis.Redis()
        async def f(keys):
            for key in keys:
                await r.get(key)
        """,
    "while-loop": """\
        import httpx
        async def f(client: httpx.AsyncClient, ids):
            while ids:
                await client.get(ids.pop())
        """,
    "orm-session-get": """\
        async def f(session, ids):
            for i in ids:
                await session.get(User, i)
        """,
    "local-helper-two-levels": """\
        import aiohttp
        async def raw(session: aiohttp.ClientSession, url):
            async with session.get(url) as response:
                return await response.read()
        async def parsed(session, url):
            return (await raw(session, url)).decode()
        async def f(session, urls):
            return [await parsed(session, u) for u in urls]  # expect: TL402
        """,
    "helper-without-io": """\
        async def double(x):
            return x * 2
        async def f(items):
            return [await double(i) for i in items]
        """,
    "break-in-a-nested-loop-leaves-that-loop": """\
        import httpx
        async def f(client: httpx.AsyncClient, groups):
            for group in groups:
                for member in group.members:
                    if member.owner:
                        break
                await client.post(f"/groups/{group.id}/ping")  # expect: TL402
        """,
    "break-in-a-nested-loops-else-leaves-this-one": """\
        import httpx
        async def f(client: httpx.AsyncClient, groups):
            for group in groups:
                for member in group.members:
                    if member.owner:
                        continue
                else:
                    break
                await client.post(f"/groups/{group.id}/ping")
        """,
}


@pytest.mark.parametrize("name", TL402_CASES)
def test_sequential_await(name):
    assert_marked(TL402_CASES[name], "TL402")


def test_redis_await_is_reported_once_by_tl401():
    source = TL402_CASES["redis-is-tl401-not-tl402"]
    both = lint_text(
        textwrap.dedent(source),
        "service.py",
        rules=[rule_by_code("TL401"), rule_by_code("TL402")],
    )
    assert [d.code for d in both] == ["TL401"]


def test_await_message_names_the_alternative():
    [finding] = findings(TL402_CASES["accumulator-not-read-by-call"], "TL402")
    assert "asyncio.gather" in finding.message and "Semaphore" in finding.message
    assert "loop over `ids`" in finding.message
