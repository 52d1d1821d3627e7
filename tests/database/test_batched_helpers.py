"""A helper that commits, writes or sends only under a batch test on state that outlasts
the call (``if self._count % self._size == 0: session.commit()``, ``if len(self.pending)
>= self.batch_size: self.flush()``) does so once per batch of calls: a loop calling it per
item is the batched form (amundsen-databuilder's MySQL publisher, audit new14 row 45),
as the same ``if`` written in the loop already is. A batch test on a local the call binds
afresh holds on every call, and a helper with no test commits on every call: both are
still reported, and so is a loop calling the flush itself; the same holds for a send
when a buffer is full (TL401). A project class named
``Session`` whose ``commit`` touches no database stays clean."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

PUBLISHER = """\
from sqlalchemy.orm import Session


class Publisher:
    def __init__(self, size):
        self._count = 0
        self._size = size
        self.pending = []

    def _execute(self, session: Session):
        self._count += 1
        if self._count > 1 and self._count % self._size == 0:
            session.commit()

    def _fresh_count(self, session: Session):
        count = 0
        if count % self._size == 0:
            session.commit()

    def _every_call(self, session: Session):
        self._count += 1
        session.commit()

    def add(self, session: Session, row):
        self.pending.append(row)
        if len(self.pending) >= self._size:
            self.flush(session)

    def flush(self, session: Session):
        session.add_all(self.pending)
        session.commit()
        self.pending = []


def batched(rows, session: Session):
    publisher = Publisher(500)
    for row in rows:
        session.merge(row)
        publisher._execute(session)


def buffered(rows, session: Session):
    publisher = Publisher(500)
    for row in rows:
        publisher.add(session, row)


def fresh_count(rows, session: Session):
    publisher = Publisher(500)
    for row in rows:
        publisher._fresh_count(session)


def every_call(rows, session: Session):
    publisher = Publisher(500)
    for row in rows:
        publisher._every_call(session)


def flush_each(rows, session: Session):
    publisher = Publisher(500)
    for row in rows:
        publisher.flush(session)
"""

SHADOW = """\
class Session:
    def __init__(self):
        self.saved = []

    def commit(self):
        self.saved.append(1)


class Recorder:
    def record(self, session: Session):
        session.commit()


def each(recorder, rows):
    session = Session()
    for row in rows:
        recorder.record(session)
"""


def test_a_commit_under_a_lasting_batch_test_in_a_helper_is_batched(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {"app/__init__.py": "", "app/publisher.py": PUBLISHER, "app/shadow.py": SHADOW},
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL103")
    found = findings_by_function(report, PUBLISHER, "publisher.py")
    # bad: a fresh local's test and no test at all; the flush called per item itself
    # good: the counter and the buffer on the object (batched, buffered)
    assert sorted(found) == ["every_call", "flush_each", "fresh_count"]
    assert not findings_by_function(report, SHADOW, "shadow.py")


SENDER = """\
import requests


class Sender:
    def __init__(self, url, size):
        self.url = url
        self.size = size
        self.pending = []

    def add(self, event):
        self.pending.append(event)
        if len(self.pending) >= self.size:
            requests.post(self.url, json=self.pending)
            self.pending = []

    def send(self, event):
        requests.post(self.url, json=[event])


def buffered(events):
    sender = Sender("http://x", 100)
    for event in events:
        sender.add(event)


def each(events):
    sender = Sender("http://x", 100)
    for event in events:
        sender.send(event)
"""


def test_a_send_when_the_buffer_is_full_is_once_per_batch(run_cli, tmp_path):
    root = write_project(tmp_path, {"app/__init__.py": "", "app/sender.py": SENDER})
    report = lint_json(run_cli, root, "--show-all", "--select", "TL401")
    assert sorted(findings_by_function(report, SENDER, "sender.py")) == ["each"]
