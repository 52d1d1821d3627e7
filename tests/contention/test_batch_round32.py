"""Batch family, round 32: TL401 on real shapes. Each source marks the lines that must
fire with ``# TL401`` at the end; every other line stays clean. Run through the real CLI
with ``--show-all`` (what is found, not what is shown)."""

from __future__ import annotations

import pytest

from tests.contention.test_batch_round31 import _expected, _found

# --- TL401: a call in a ``while`` loop inside the loop over items ------------------------
# elastalert's new-term rule: per field, one aggregation search per time-range chunk until
# the window is covered. The call runs at least once per field, so the loop over fields
# multiplies it and TL401 reports it there (an exemption for such a ``while`` was tried
# in round 32 and reverted: the same shape is a per-key get in a loop over keys); a retry
# loop around a call runs it once per item too.

CHUNKS_BAD = """\
import time

import elasticsearch
import redis

es = elasticsearch.Elasticsearch()
r = redis.Redis()


def terms(fields, query):
    for field in fields:
        es.search(index=field, body=query)  # TL401


def prices(keys):
    found = {}
    for key in keys:
        while True:
            try:
                found[key] = r.get(key)  # TL401
                break
            except redis.ConnectionError:
                time.sleep(1)
    return found
"""
CHUNKS_WITHIN = """\
import elasticsearch

es = elasticsearch.Elasticsearch()


def terms(fields, query, start, end, step):
    for field in fields:
        chunk_start = start
        while chunk_start < end:
            chunk_end = min(chunk_start + step, end)
            es.search(index=field, params={"lt": chunk_end, "gte": chunk_start})  # TL401
            chunk_start = chunk_end
"""
CHUNKS_NEAR_MISS = """\
import elasticsearch
import redis

es = elasticsearch.Elasticsearch()
r = redis.Redis()


def drain(pending):
    while pending:
        keys = pending.pop()
        for key in keys:
            r.delete(key)  # TL401


def terms(fields, query, start, end, step):
    for field in fields:
        chunk_start = start
        while chunk_start < end:
            chunk_start += step
        es.search(index=field, body=query)  # TL401
"""
CHUNKS_SHADOWING = """\
class Elasticsearch:
    def search(self, index, body):
        return {"index": index, "body": body}


es = Elasticsearch()


def terms(fields, query, start, end, step):
    for field in fields:
        es.search(index=field, body=query)
        while start < end:
            es.search(index=field, body=query)
            start += step
"""

CASES = [
    pytest.param({"terms.py": CHUNKS_BAD}, id="while-within-bad"),
    pytest.param({"terms.py": CHUNKS_WITHIN}, id="while-within-still-per-item"),
    pytest.param({"terms.py": CHUNKS_NEAR_MISS}, id="while-within-near-miss"),
    pytest.param({"terms.py": CHUNKS_SHADOWING}, id="while-within-shadowing"),
]


@pytest.mark.parametrize("files", CASES)
def test_batch_family(run_cli, tmp_path, files):
    assert _found(run_cli, tmp_path, files) == _expected(files)
