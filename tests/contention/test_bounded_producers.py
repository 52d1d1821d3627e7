"""TL201 and queues bounded by how their producers are built (issue 12, class 7): every
put is a start or stop event, waits for room, or runs a bounded number of times over
items the producer makes itself. Real source through the real CLI; ``# expect:`` marks
what must still be reported."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from expectations import expected

BOUNDED = {
    "a-work-list-filled-before-an-inherited-spawning-helper": """
        import queue

        from app.base import BaseManager


        class Manager(BaseManager):
            def _task(self, context, nodes):
                while not nodes.empty():
                    self.send(context, nodes.get_nowait())

            def send_sensor_data(self, context, filters):
                nodes = queue.Queue()
                for node in self.db.iter_nodes(filters):
                    nodes.put_nowait(node)
                for _ in range(min(4, nodes.qsize())):
                    self._spawn_worker(self._task, context, nodes)
        """,
    "a-work-list-filled-before-a-spawning-helper-starts-the-workers": """
        import queue
        import threading


        class Manager:
            def _spawn_worker(self, func, *args):
                thread = threading.Thread(target=func, args=args)
                thread.start()
                return thread

            def _task(self, context, nodes):
                while not nodes.empty():
                    self.send(context, nodes.get_nowait())

            def send_sensor_data(self, context, filters):
                nodes = queue.Queue()
                for node in self.db.iter_nodes(filters):
                    nodes.put_nowait(node)
                count = min(4, nodes.qsize())
                workers = [self._spawn_worker(self._task, context, nodes) for _ in range(count)]
                for worker in workers:
                    worker.join()
        """,
    "start-and-stop-events-only": """
        import queue
        import threading

        STOP = object()


        class Service:
            def __init__(self, handle):
                self.events = queue.Queue()
                self.handle = handle
                threading.Thread(target=self.loop).start()

            def start(self):
                self.events.put("start")

            def stop(self):
                self.events.put(STOP)

            def loop(self):
                while True:
                    event = self.events.get()
                    if event is STOP:
                        return
                    self.handle(event)
        """,
    "one-response-read-by-one-thread": """
        import asyncio
        import queue


        async def stream(client, request):
            events = queue.Queue()
            done = object()

            def pump():
                try:
                    for event in client.open(request):
                        events.put(event)
                finally:
                    events.put(done)

            loop = asyncio.get_running_loop()
            loop.run_in_executor(None, pump)
            while True:
                event = await loop.run_in_executor(None, events.get)
                if event is done:
                    break
                yield event
        """,
    "a-scan-filling-from-its-own-source": """
        import json
        import queue


        class Scanner:
            def __init__(self):
                self.found = queue.Queue()

            def scan_file(self, path):
                with open(path) as source:
                    rows = json.load(source)
                for row in rows:
                    self.found.put({"address": row["address"]})

            def scan_pages(self, fetch, pages=3):
                for page in range(1, pages + 1):
                    for row in fetch(page):
                        self.found.put(row)


        def first(scanner):
            return scanner.found.get(timeout=3)
        """,
    "producer-waits-for-a-byte-budget": """
        import asyncio
        import threading

        LIMIT = 1 << 20


        async def lines(process):
            loop = asyncio.get_running_loop()
            out = asyncio.Queue()
            budget = threading.Condition()
            used = 0
            end = object()

            def deliver(item):
                loop.call_soon_threadsafe(out.put_nowait, item)

            def admit(line):
                nonlocal used
                with budget:
                    while used and used + len(line) > LIMIT:
                        budget.wait(timeout=1.0)
                    used += len(line)
                deliver(line)

            def drain():
                try:
                    for line in process.stdout:
                        admit(line)
                except OSError as error:
                    deliver(error)
                finally:
                    deliver(end)

            threading.Thread(target=drain, daemon=True).start()
            while True:
                item = await out.get()
                if item is end:
                    return
                with budget:
                    used -= len(item)
                    budget.notify()
                yield item
        """,
    "a-fixed-number-of-workers-each-putting-one-result": """
        import queue
        import threading


        def check_all(compute):
            results = queue.Queue()

            def worker(number):
                results.put(compute(number))

            threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
            for thread in threads:
                thread.start()
            return [results.get() for _ in threads]
        """,
    "a-threads-one-result": """
        import queue
        import sys
        import threading


        class Worker(threading.Thread):
            def __init__(self, action):
                super().__init__()
                self._result = queue.Queue()
                self.action = action

            def run(self):
                try:
                    self._result.put((self.action(), None))
                except Exception:
                    self._result.put((None, sys.exc_info()))

            def wait(self):
                return self._result.get()
        """,
    "filled-once-before-the-workers-start": """
        import queue
        import threading


        def run_all(tasks):
            jobs = queue.Queue()
            for task in tasks:
                jobs.put(task)
            threads = [threading.Thread(target=work, args=(jobs,)) for _ in range(4)]
            for thread in threads:
                thread.start()
            jobs.join()


        def work(jobs):
            while True:
                try:
                    task = jobs.get_nowait()
                except queue.Empty:
                    return
                task()
                jobs.task_done()
        """,
    "a-helper-that-drops-the-oldest-past-a-cap": """
        import queue
        import threading

        CAP = 10_000
        END = object()


        class Process:
            def __init__(self, stream):
                self.stream = stream
                self.out = queue.Queue()
                self.err = queue.Queue()
                threading.Thread(target=self.drain, daemon=True).start()

            def keep(self, q, line):
                while q.qsize() >= CAP:
                    try:
                        q.get_nowait()
                    except queue.Empty:
                        break
                q.put(line)

            def drain(self):
                try:
                    for channel, line in self.stream:
                        self.keep(self.out if channel == 1 else self.err, line)
                        self.keep(self.out, line)
                except Exception as error:
                    self.err.put(f"stream failed: {error}")
                finally:
                    self.out.put(END)
                    self.err.put(END)

            def lines(self):
                while (line := self.out.get()) is not END:
                    yield line
        """,
    "a-ready-list-its-producer-drains-without-waiting": """
        import queue


        class Runner:
            def __init__(self, nodes, start):
                self.nodes = nodes
                self.start = start
                self.ready = queue.Queue()

            def step(self):
                for node in self.nodes.values():
                    if node.can_start():
                        self.ready.put(node)
                while self.running() < 4:
                    try:
                        node = self.ready.get_nowait()
                    except queue.Empty:
                        break
                    self.start(node)

            def running(self):
                return sum(node.busy for node in self.nodes.values())

            def loop(self):
                while True:
                    self.step()
        """,
    "a-write-buffer-its-owner-drains-on-demand": """
        import asyncio


        class WebSocketTransport:
            def __init__(self, ws):
                self._ws = ws
                self._pending = asyncio.Queue()

            def write(self, payload):
                self._pending.put_nowait(payload)

            def writelines(self, payload):
                for message in payload:
                    self.write(message)

            async def drain(self):
                while not self._pending.empty():
                    message = self._pending.get_nowait()
                    await self._ws.send_bytes(message)
        """,
}

OPEN = {
    "handed-to-a-helper-not-named-for-starting-work": """
        import queue

        from app.base import BaseManager


        class Manager(BaseManager):
            def _task(self, context, nodes):
                while not nodes.empty():
                    self.send(context, nodes.get_nowait())

            def send_sensor_data(self, context, filters):
                nodes = queue.Queue()  # expect: TL201
                for node in self.db.iter_nodes(filters):
                    nodes.put_nowait(node)
                self._relay(self._task, context, nodes)
        """,
    "workers-spawned-before-the-fill": """
        import queue
        import threading


        class Manager:
            def _spawn_worker(self, func, *args):
                threading.Thread(target=func, args=args).start()

            def _task(self, context, nodes):
                while True:
                    self.send(context, nodes.get())

            def send_sensor_data(self, context, filters):
                nodes = queue.Queue()  # expect: TL201
                for _ in range(4):
                    self._spawn_worker(self._task, context, nodes)
                for node in self.db.iter_nodes(filters):
                    nodes.put_nowait(node)
        """,
    "a-worker-that-puts-back-work": """
        import queue
        import threading


        class Crawler:
            def _spawn_worker(self, func, *args):
                threading.Thread(target=func, args=args).start()

            def _task(self, context, pages):
                while not pages.empty():
                    for link in self.fetch(pages.get_nowait()):
                        pages.put(link)

            def crawl(self, context, seeds):
                pages = queue.Queue()  # expect: TL201
                for seed in self.db.iter_seeds(seeds):
                    pages.put_nowait(seed)
                self._spawn_worker(self._task, context, pages)
        """,
    "a-fill-loop-that-also-spawns": """
        import queue
        import threading


        class Manager:
            def _spawn_worker(self, func, *args):
                threading.Thread(target=func, args=args).start()

            def _task(self, context, nodes):
                while True:
                    self.send(context, nodes.get())

            def send_sensor_data(self, context, filters):
                nodes = queue.Queue()  # expect: TL201
                for node in self.db.iter_nodes(filters):
                    nodes.put_nowait(node)
                    self._spawn_worker(self._task, context, nodes)
        """,
    "a-helper-that-puts-is-no-spawner": """
        import queue
        import threading


        class Manager:
            def _spawn_worker(self, func, *args):
                args[-1].put(None)
                threading.Thread(target=func, args=args).start()

            def _task(self, context, nodes):
                while True:
                    self.send(context, nodes.get())

            def send_sensor_data(self, context, filters):
                nodes = queue.Queue()  # expect: TL201
                for node in self.db.iter_nodes(filters):
                    nodes.put_nowait(node)
                self._spawn_worker(self._task, context, nodes)
        """,
    "an-error-message-per-failed-record": """
        import queue
        import threading


        class Loader:
            def __init__(self, source):
                self.source = source
                self.errors = queue.Queue()  # expect: TL201
                threading.Thread(target=self.run, daemon=True).start()

            def run(self):
                while True:
                    try:
                        self.source.load_next()
                    except ValueError as error:
                        self.errors.put(f"bad record: {error}")

            def report(self):
                return self.errors.get()
        """,
    "a-helper-that-only-warns-past-a-cap": """
        import logging
        import queue
        import threading

        CAP = 10_000


        class Process:
            def __init__(self, stream):
                self.stream = stream
                self.out = queue.Queue()  # expect: TL201
                threading.Thread(target=self.drain, daemon=True).start()

            def keep(self, q, line):
                if q.qsize() >= CAP:
                    logging.warning("backlog past %d lines", CAP)
                q.put(line)

            def drain(self):
                for line in self.stream:
                    self.keep(self.out, line)

            def lines(self):
                while True:
                    yield self.out.get()
        """,
    "a-helper-that-hands-the-queue-on": """
        import queue
        import threading

        CAP = 10_000


        class Process:
            def __init__(self, stream, sink):
                self.stream = stream
                self.sink = sink
                self.out = queue.Queue()  # expect: TL201
                threading.Thread(target=self.drain, daemon=True).start()

            def keep(self, q, line):
                while q.qsize() >= CAP:
                    q.get_nowait()
                self.sink.attach(q)
                q.put(line)

            def drain(self):
                for line in self.stream:
                    self.keep(self.out, line)
        """,
    "a-list-another-method-waits-on": """
        import queue


        class Runner:
            def __init__(self, nodes):
                self.nodes = nodes
                self.ready = queue.Queue()  # expect: TL201

            def step(self):
                for node in self.nodes.fetch():
                    self.ready.put(node)
                try:
                    self.ready.get_nowait()
                except queue.Empty:
                    pass

            def worker(self):
                while True:
                    self.ready.get().run()

            def loop(self):
                while True:
                    self.step()
        """,
    "a-threads-run-loop-is-open-ended": """
        import queue
        import threading


        class Reader(threading.Thread):
            def __init__(self, source):
                super().__init__()
                self.lines = queue.Queue()  # expect: TL201
                self.source = source

            def run(self):
                while True:
                    self.lines.put(self.source.readline())
        """,
    "workers-that-put-new-work-back": """
        import queue
        import threading


        def crawl(seeds, fetch):
            pages = queue.Queue()  # expect: TL201
            for seed in seeds:
                pages.put(seed)
            for _ in range(4):
                threading.Thread(target=work, args=(pages, fetch)).start()


        def work(pages, fetch):
            while True:
                for link in fetch(pages.get()):
                    pages.put(link)
        """,
    "filled-after-a-worker-of-this-file-starts": """
        import queue
        import threading


        def run_all(tasks):
            jobs = queue.Queue()  # expect: TL201
            threading.Thread(target=work, args=(jobs,)).start()
            for task in tasks:
                jobs.put(task)


        def work(jobs):
            while True:
                jobs.get()()
        """,
    "a-method-that-puts-what-its-callers-bring": """
        import queue


        class Outbox:
            def __init__(self):
                self.pending = queue.Queue()  # expect: TL201

            def add_all(self, messages):
                for message in messages:
                    self.pending.put(message)

            def next(self):
                return self.pending.get()
        """,
    "the-callers-items-through-a-local-copy": """
        import queue
        import threading


        class Player:
            def __init__(self, play):
                self.segments = queue.Queue()  # expect: TL201
                threading.Thread(target=play, args=(self.segments,)).start()

            def __call__(self, segment):
                segments = [segment] if isinstance(segment, tuple) else segment
                for part in segments:
                    self.segments.put(part)
        """,
    "a-put-loop-reached-from-a-service-loop": """
        import queue


        class Poller:
            def __init__(self, source):
                self.inbox = queue.Queue()  # expect: TL201
                self.source = source
                self.running = True

            def run(self):
                while self.running:
                    self.poll()

            def poll(self):
                for message in self.source.fetch():
                    self.inbox.put(message)

            def take(self):
                return self.inbox.get()
        """,
    "a-put-method-handed-out-as-a-callback": """
        import asyncio


        class Listener:
            def __init__(self, client):
                self.inbox = asyncio.Queue()  # expect: TL201
                client.on_message(self.inbox.put_nowait)

            async def next(self):
                return await self.inbox.get()
        """,
    "a-nested-producer-handed-to-a-library-callback": """
        import queue


        def follow(feed):
            updates = queue.Queue()  # expect: TL201

            def on_update(update):
                for change in update.changes:
                    updates.put(change)

            feed.subscribe(on_update)
            while True:
                yield updates.get()
        """,
    "an-async-stream-is-open-ended": """
        import asyncio


        async def relay(socket, handle):
            frames = asyncio.Queue()  # expect: TL201

            async def read():
                async for frame in socket:
                    await frames.put(frame)

            asyncio.get_running_loop().create_task(read())
            while True:
                await handle(await frames.get())
        """,
    "a-loop-variable-is-no-module-sentinel": """
        import queue
        import threading

        event = None


        def replay(log, handle):
            events = queue.Queue()  # expect: TL201

            def consume():
                while True:
                    handle(events.get())

            threading.Thread(target=consume).start()

            def produce():
                while True:
                    for event in log.tail():
                        events.put(event)

            threading.Thread(target=produce).start()
        """,
    "a-waiting-loop-with-no-size-test-is-no-budget": """
        import queue
        import threading


        class Relay:
            def __init__(self):
                self.out = queue.Queue()  # expect: TL201
                self.ready = threading.Event()

            def send(self, item):
                while not self.ready.is_set():
                    self.ready.wait()
                self.out.put(item)

            def take(self):
                return self.out.get()
        """,
    "a-users-own-queue-class-stays-clean": """
        import threading


        class Queue:
            def __init__(self):
                self.items = []

            def put(self, item):
                self.items.append(item)


        class Outbox:
            def __init__(self):
                self.pending = Queue()

            def add(self, message):
                self.pending.put(message)
        """,
    "a-buffer-drained-by-a-polling-thread": """
        import queue
        import threading
        import time


        class Shipper:
            def __init__(self, sock):
                self._sock = sock
                self._pending = queue.Queue()  # expect: TL201
                threading.Thread(target=self._run, daemon=True).start()

            def write(self, record):
                self._pending.put_nowait(record)

            def _run(self):
                while True:
                    self._flush()
                    time.sleep(1.0)

            def _flush(self):
                while not self._pending.empty():
                    self._sock.send(self._pending.get_nowait())
        """,
    "a-drain-loop-inside-a-consumer-loop": """
        import queue
        import time


        class Shipper:
            def __init__(self, sock):
                self._sock = sock
                self._pending = queue.Queue()  # expect: TL201

            def write(self, record):
                self._pending.put_nowait(record)

            def run(self):
                while True:
                    while self._pending.qsize():
                        self._sock.send(self._pending.get_nowait())
                    time.sleep(1.0)
        """,
    "a-drained-buffer-whose-writers-could-wait": """
        import asyncio


        class Transport:
            def __init__(self, ws):
                self._ws = ws
                self._pending = asyncio.Queue()  # expect: TL201

            async def write(self, payload):
                await self._pending.put(payload)

            async def drain(self):
                while not self._pending.empty():
                    await self._ws.send_bytes(self._pending.get_nowait())
        """,
}


def _lint(run_cli, tmp_path: Path, source: str) -> tuple[list[tuple[int, str]], str]:
    text = textwrap.dedent(source)
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "app.py").write_text(text, encoding="utf-8")
    completed = run_cli("proj", "--format", "json", "--isolated", "--no-cache", "--select", "TL201")
    assert completed.returncode in (0, 1), completed.stderr
    found = sorted((d["line"], d["code"]) for d in json.loads(completed.stdout)["diagnostics"])
    return found, text


@pytest.mark.parametrize("source", BOUNDED.values(), ids=BOUNDED.keys())
def test_a_queue_whose_producers_are_bounded_stays_clean(run_cli, tmp_path, source):
    found, text = _lint(run_cli, tmp_path, source)
    assert expected(text, ("TL201",)) == []
    assert found == []


@pytest.mark.parametrize("source", OPEN.values(), ids=OPEN.keys())
def test_an_open_ended_producer_is_still_reported(run_cli, tmp_path, source):
    found, text = _lint(run_cli, tmp_path, source)
    assert found == expected(text, ("TL201",))
