"""TL303 reads a poll's duration where the source states it (an attribute set in
``__init__``, a parameter's default, a module constant), counts a 1 ms poll as a spin,
and judges a polling loop by its idle path: work under an ``if`` whose test only checks
state runs when there is work, not while waiting (issue 16). Run through the real CLI."""

from __future__ import annotations

import json
import textwrap

import pytest


def _lines(run_cli, tmp_path, source: str) -> list[int]:
    (tmp_path / "poller.py").write_text(textwrap.dedent(source))
    result = run_cli(
        "--preview", "--select", "TL303", "--format", "json", "--no-cache", "--isolated", "."
    )
    assert result.returncode in (0, 1), result.stderr
    return sorted(item["line"] for item in json.loads(result.stdout)["diagnostics"])


BAD = {
    "attribute-set-in-init": """\
        import asyncio


        class SerialTransport:
            def __init__(self, port):
                self.port = port
                self._poll_wait_time = 0.0005

            async def polling_task(self):
                while self.port:
                    await asyncio.sleep(self._poll_wait_time)  # spin
                    while self.write_buffer:
                        self.write_ready()
                    if self.port.in_waiting:
                        self.read_ready()
        """,
    "attribute-from-parameter-default": """\
        import time


        class Board:
            def __init__(self, port, sleep_tune=0.000001):
                self.port = port
                self.sleep_tune = sleep_tune

            def wait_for_reply(self):
                while not self.reply_ready:
                    time.sleep(self.sleep_tune)  # spin
        """,
    "parameter-default": """\
        import time


        def wait_for(flag, interval=0.0002):
            while not flag.is_set():
                time.sleep(interval)  # spin
        """,
    "module-constant": """\
        from time import sleep

        POLL = 0.0001


        def wait_for(job):
            while not job.done():
                sleep(POLL)  # spin
        """,
    "exactly-one-millisecond": """\
        import time


        def wait_for(job):
            while not job.done():
                time.sleep(0.001)  # spin
        """,
    "work-only-when-a-slot-frees": """\
        import time


        class Strategy:
            def queue_task(self, task):
                queued = False
                start = self.current
                while True:
                    worker = self.workers[self.current]
                    if worker is None or not worker.is_alive():
                        self.workers[self.current] = self.start_worker(task)
                        queued = True
                    self.current = (self.current + 1) % len(self.workers)
                    if queued:
                        break
                    elif self.current == start:
                        time.sleep(0.0001)  # spin
        """,
    "idle-branch-of-if-else": """\
        import time


        def drain(jobs, handle):
            while True:
                if not jobs:
                    time.sleep(0.0005)  # spin
                else:
                    handle(jobs.popleft())
        """,
}

CLEAN = {
    "blocking-read-in-either-branch": """\
        import asyncio


        async def run(client, pubsub, poll_timeout):
            while True:
                try:
                    if pubsub is None:
                        await client.get_message(timeout=poll_timeout)
                    else:
                        await pubsub.get_message(timeout=poll_timeout)
                except ConnectionError:
                    pass
                await asyncio.sleep(0)
        """,
    "two-milliseconds": """\
        import time


        def wait_for(job):
            while not job.done():
                time.sleep(0.002)
        """,
    "attribute-grows": """\
        import time


        class Poller:
            def __init__(self):
                self.delay = 0.0005

            def wait(self, job):
                while not job.done():
                    time.sleep(self.delay)
                    self.delay = min(self.delay * 2, 1.0)
        """,
    "attribute-set-from-a-required-argument": """\
        import time


        class Poller:
            def __init__(self, delay):
                self.delay = delay

            def wait(self, job):
                while not job.done():
                    time.sleep(self.delay)
        """,
    "blocking-read-each-pass": """\
        import time


        class Receiver:
            def __init__(self):
                self.pause = 0.001

            def run(self, device, handle):
                while self.running:
                    frames = device.read_messages(timeout=20)
                    if frames:
                        handle(frames)
                    time.sleep(self.pause)
        """,
    "work-in-the-test": """\
        import time


        def pump(source, handle):
            while True:
                if handle(source.next_item()):
                    continue
                time.sleep(0.0005)
        """,
    "one-pause-outside-a-loop": """\
        import time


        def retry_write(process, data):
            if not process.write(data):
                time.sleep(0.001)
                process.poll()
        """,
    "own-sleep-shadows-time-sleep": """\
        def sleep(seconds):
            pass


        def wait_for(job, interval=0.0001):
            while not job.done():
                sleep(interval)
        """,
    "local-reassignment-shadows-default": """\
        import time


        def wait_for(job, interval=0.0001):
            interval = job.poll_interval()
            while not job.done():
                time.sleep(interval)
        """,
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_spinning_poll_is_reported(run_cli, tmp_path, name):
    source = textwrap.dedent(BAD[name])
    expected = [n for n, line in enumerate(source.splitlines(), 1) if line.endswith("# spin")]
    assert len(expected) == 1
    assert _lines(run_cli, tmp_path, source) == expected


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_near_miss_stays_clean(run_cli, tmp_path, name):
    assert _lines(run_cli, tmp_path, CLEAN[name]) == []
