"""Batch family, round 31: TL401 / TL402 on real shapes. Each source marks the lines that
must fire with ``# TL401`` / ``# TL402`` at the end; every other line stays clean. Run
through the real CLI with ``--show-all`` (what is found, not what is shown)."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import lint_json, write_project

# --- TL402: a loop over batches, one awaited request per group of keys ------------------
# cashews' redis backend: a cluster's keys grouped by hash slot, one UNLINK per slot.

SLOT_GROUPS_BAD = """\
import redis.asyncio as aioredis


class Backend:
    def __init__(self, url):
        self._client = aioredis.RedisCluster.from_url(url)

    async def delete_each(self, *keys):
        for key in keys:
            await self._client.unlink(key)  # TL401
"""
SLOT_GROUPS_GOOD = """\
import redis.asyncio as aioredis


class Backend:
    def __init__(self, url):
        self._client = aioredis.Redis.from_url(url)

    async def delete_many(self, *keys):
        await self._client.unlink(*keys)
"""
SLOT_GROUPS_NEAR_MISS = """\
import redis.asyncio as aioredis


class Backend:
    def __init__(self, host):
        self._client = aioredis.RedisCluster(host=host)

    def _group_keys_by_slot(self, keys):
        slots = {}
        for key in keys:
            slots.setdefault(self._client.keyslot(key), []).append(key)
        return slots

    async def delete_many(self, *keys):
        slots_map = self._group_keys_by_slot(keys)
        for subkeys in slots_map.values():
            if subkeys:
                await self._client.unlink(*subkeys)

    async def fetch_pages(self, client, pages):
        for page in pages:
            await client.get(page)  # TL402


async def _report(http, url, payload):
    response = await http.post(url, json=payload)
    return response.status_code


async def report_all(http, calls):
    return [await _report(*call) for call in calls]  # TL402
"""
SLOT_GROUPS_SHADOWING = """\
class Store:
    async def unlink(self, *keys):
        return len(keys)


async def drop(store: Store, groups):
    for group in groups:
        await store.unlink(*group)
    for key in groups:
        await store.unlink(key)
"""

# --- TL401: an attribute a subclass inherits from a base class of the same file --------
# rq's registries: ``job_class = Job`` and the connection set on the base, read through
# ``self`` in a subclass's cleanup.

INHERITED_BAD = """\
import redis
from rq.job import Job


class BaseRegistry:
    job_class = Job

    def __init__(self, name="default", connection=None, job_class=None):
        self.name = name
        self.connection = connection or redis.Redis()
        self.job_class = job_class if job_class else Job


class StartedJobRegistry(BaseRegistry):
    def cleanup(self, job_ids):
        for job_id in job_ids:
            job = self.job_class.fetch(job_id, connection=self.connection)  # TL401
            job.cancel()


class Scores(StartedJobRegistry):
    def scores(self, keys):
        return [self.connection.zscore(self.name, key) for key in keys]  # TL401
"""
INHERITED_GOOD = """\
import redis
from rq.job import Job


class BaseRegistry:
    job_class = Job

    def __init__(self, connection=None):
        self.connection = connection or redis.Redis()


class StartedJobRegistry(BaseRegistry):
    def cleanup(self, job_ids):
        jobs = self.job_class.fetch_many(job_ids, connection=self.connection)
        with self.connection.pipeline() as pipe:
            for job in jobs:
                pipe.zrem("started", job.id)
            pipe.execute()
"""
INHERITED_NEAR_MISS = """\
import redis
from rq.job import Job


class BaseRegistry:
    job_class = Job

    def __init__(self):
        self.connection = redis.Redis()


class LocalRegistry(BaseRegistry):
    @property
    def connection(self):
        return {}

    def job_class(self):
        return dict

    def scores(self, keys):
        return [self.connection.get(key) for key in keys]


class Other:
    def scores(self, keys):
        return [self.connection.get(key) for key in keys]


def dependents(registry: BaseRegistry, job_ids):
    return Job.fetch_many(job_ids, connection=registry.connection)
"""
INHERITED_SHADOWING = """\
class Job:
    @classmethod
    def fetch(cls, job_id, connection=None):
        return cls()


class Store:
    def get(self, key):
        return key


class BaseRegistry:
    job_class = Job

    def __init__(self):
        self.connection = Store()


class StartedJobRegistry(BaseRegistry):
    def cleanup(self, job_ids):
        for job_id in job_ids:
            self.job_class.fetch(job_id, connection=self.connection)
        return [self.connection.get(key) for key in job_ids]
"""

CASES = [
    pytest.param({"backend.py": SLOT_GROUPS_BAD}, id="slot-groups-bad"),
    pytest.param({"backend.py": SLOT_GROUPS_GOOD}, id="slot-groups-good"),
    pytest.param({"backend.py": SLOT_GROUPS_NEAR_MISS}, id="slot-groups-near-miss"),
    pytest.param({"backend.py": SLOT_GROUPS_SHADOWING}, id="slot-groups-shadowing"),
    pytest.param({"registry.py": INHERITED_BAD}, id="inherited-attribute-bad"),
    pytest.param({"registry.py": INHERITED_GOOD}, id="inherited-attribute-good"),
    pytest.param({"registry.py": INHERITED_NEAR_MISS}, id="inherited-attribute-near-miss"),
    pytest.param({"registry.py": INHERITED_SHADOWING}, id="inherited-attribute-shadowing"),
]


def _expected(files: dict[str, str]) -> list[tuple[str, int, str]]:
    return sorted(
        (name, number, line.rsplit("# ", 1)[1])
        for name, text in files.items()
        for number, line in enumerate(text.splitlines(), 1)
        if line.endswith(("# TL401", "# TL402"))
    )


def _found(run_cli, tmp_path, files: dict[str, str]) -> list[tuple[str, int, str]]:
    """(file name, line, code) of every TL401 / TL402 finding in ``files``, sorted."""
    root = write_project(tmp_path, files)
    report = lint_json(run_cli, root, "--isolated", "--select", "TL401,TL402", "--show-all")
    return sorted(
        (d["path"].replace("\\", "/").rsplit("/", 1)[-1], d["line"], d["code"])
        for d in report["diagnostics"]
    )


@pytest.mark.parametrize("files", CASES)
def test_batch_family(run_cli, tmp_path, files):
    assert _found(run_cli, tmp_path, files) == _expected(files)
