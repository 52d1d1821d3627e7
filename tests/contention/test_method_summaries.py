"""Class 1 of issue 12 through the CLI: a client class implements a multi-key operation
with its own single-key method, which makes one round trip through a client on ``self``
(in the same class, or in the subclass that overrides it)."""

from __future__ import annotations

import json
import textwrap

import pytest

BASE = """\
class BaseCache:
    def get(self, key):
        return None

    def get_many(self, keys):
        return [self.get(key) for key in keys]

    def set_many(self, mapping):
        for key, value in mapping.items():
            self.set(key, value)

    def set(self, key, value):
        return True
"""
REDIS_SUBCLASS = """\
import redis

from cache.base import BaseCache


class RedisCache(BaseCache):
    def __init__(self, url):
        self.client = redis.Redis.from_url(url)

    def get(self, key):
        return self.client.get(key)

    def set(self, key, value):
        return self.client.set(key, value)
"""
# good: the subclass replaces the per-key loops with mget / mset
BATCHING_SUBCLASS = (
    REDIS_SUBCLASS
    + """\

    def get_many(self, keys):
        return self.client.mget(keys)

    def set_many(self, mapping):
        return self.client.mset(mapping)
"""
)
# near miss: the subclass keeps values in memory
MEMORY_SUBCLASS = """\
from cache.base import BaseCache


class MemoryCache(BaseCache):
    def __init__(self):
        self.data = {}

    def get(self, key):
        return self.data.get(key)

    def set(self, key, value):
        self.data[key] = value
"""
# shadowing: the subclass's client is the project's own class called Redis
OWN_REDIS_SUBCLASS = """\
from cache.base import BaseCache


class Redis:
    def get(self, key):
        return key

    def set(self, key, value):
        return value


class RedisCache(BaseCache):
    def __init__(self):
        self.client = Redis()

    def get(self, key):
        return self.client.get(key)

    def set(self, key, value):
        return self.client.set(key, value)
"""
# the single-key method in the same class, the client set in __init__
SAME_CLASS = """\
import boto3


class Queue:
    def __init__(self, url):
        self.sqs = boto3.client("sqs")
        self.url = url

    def send(self, body):
        return self.sqs.send_message(QueueUrl=self.url, MessageBody=body)

    def send_all(self, bodies):
        for body in bodies:
            self.send(body)
"""


def _lint(run_cli, tmp_path, files: dict[str, str]) -> list[tuple[str, str, int]]:
    package = tmp_path / "cache"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, text in files.items():
        (package / name).write_text(textwrap.dedent(text))
    done = run_cli("--isolated", "--no-cache", "--select", "TL401", "--format", "json", ".")
    assert done.returncode in (0, 1), done.stderr
    return [(d["code"], d["path"], d["line"]) for d in json.loads(done.stdout)["diagnostics"]]


@pytest.mark.parametrize(
    ("subclass", "expected"),
    [
        pytest.param(
            REDIS_SUBCLASS,
            [("TL401", "cache/base.py", 6), ("TL401", "cache/base.py", 10)],
            id="bad-subclass-round-trip",
        ),
        pytest.param(BATCHING_SUBCLASS, [], id="good-subclass-batches"),
        pytest.param(MEMORY_SUBCLASS, [], id="near-miss-in-memory"),
        pytest.param(OWN_REDIS_SUBCLASS, [], id="own-redis-shadowing"),
    ],
)
def test_single_key_method_of_a_subclass(run_cli, tmp_path, subclass, expected):
    assert _lint(run_cli, tmp_path, {"base.py": BASE, "impl.py": subclass}) == expected


def test_single_key_method_of_the_same_class(run_cli, tmp_path):
    assert _lint(run_cli, tmp_path, {"sqs.py": SAME_CLASS}) == [("TL401", "cache/sqs.py", 14)]
