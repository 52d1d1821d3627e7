"""TL401 on rq's one-job calls (``Job.fetch``, ``Queue.fetch_job``, ``requeue_job``) per
item of a loop, directly or through a helper, where ``Job.fetch_many`` reads them all in
one pipeline (rq-dashboard's views; issue 12). Run through the real CLI."""

from __future__ import annotations

import json
import textwrap

import pytest

BAD = """\
from redis import Redis
from rq import Queue, requeue_job
from rq.job import Job

connection = Redis()


def jobs_of(queue_name, job_ids):
    queue = Queue(queue_name, connection=connection)
    return [queue.fetch_job(job_id) for job_id in job_ids]  # TL401


def statuses(job_ids):
    return {job_id: Job.fetch(job_id, connection=connection) for job_id in job_ids}  # TL401


def requeue_all(job_ids):
    for job_id in job_ids:
        requeue_job(job_id, connection=connection)  # TL401


def delete_job(job_id):
    job = Job.fetch(job_id, connection=connection)
    job.delete()


def delete_all(job_ids):
    for job_id in job_ids:
        delete_job(job_id)  # TL401
"""
GOOD = """\
from redis import Redis
from rq.job import Job

connection = Redis()


def statuses(job_ids):
    return Job.fetch_many(job_ids, connection=connection)
"""
NEAR_MISS = """\
from redis import Redis
from rq.job import Job

connection = Redis()


def one(job_id):
    return Job.fetch(job_id, connection=connection)


def in_chunks(chunks):
    for chunk in chunks:
        Job.fetch_many(chunk, connection=connection)
"""
SHADOWING = """\
class Job:
    @classmethod
    def fetch(cls, job_id, connection=None):
        return cls()


def requeue_job(job_id, connection=None):
    return job_id


def statuses(job_ids):
    return [Job.fetch(job_id) for job_id in job_ids]


def requeue_all(job_ids):
    for job_id in job_ids:
        requeue_job(job_id)
"""


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(BAD, id="bad"),
        pytest.param(GOOD, id="good"),
        pytest.param(NEAR_MISS, id="near-miss"),
        pytest.param(SHADOWING, id="own-job-class-shadowing"),
    ],
)
@pytest.mark.parametrize("preview", [False, True], ids=["default", "preview"])
def test_rq_calls_per_item(run_cli, tmp_path, source, preview):
    (tmp_path / "views.py").write_text(textwrap.dedent(source))
    options = ("--select", "TL401", "--show-all", *(("--preview",) if preview else ()))
    done = run_cli("--isolated", "--no-cache", "--format", "json", *options, ".")
    assert done.returncode in (0, 1), done.stderr
    found = [d["line"] for d in json.loads(done.stdout)["diagnostics"]]
    expected = [n for n, line in enumerate(source.splitlines(), 1) if line.endswith("# TL401")]
    assert found == expected


def test_message_names_fetch_many(run_cli, tmp_path):
    (tmp_path / "views.py").write_text(BAD)
    done = run_cli("--isolated", "--no-cache", "--format", "json", "--show-all", ".")
    messages = [d["message"] for d in json.loads(done.stdout)["diagnostics"] if d["line"] == 14]
    assert messages == [
        "`Job.fetch()` makes one rq round trip per item of the comprehension over `job_ids`: "
        "N round trips; use `Job.fetch_many(ids, connection=...)` (one pipeline)"
    ]
