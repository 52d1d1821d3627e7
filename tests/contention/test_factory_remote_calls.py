"""TL401 on a client that a project function builds (or a project class that subclasses a
library client), typed through the project index (issue 12, class 2): per-item calls on
it in a loop, and a helper that makes one such call, called per item. A helper called
only in an ``except`` handler is a failure path, not a round trip per item. Run through
the real CLI."""

from __future__ import annotations

import json
import textwrap

import pytest

CLIENTS = """\
import redis
from elasticsearch import Elasticsearch


class SearchClient(Elasticsearch):
    def __init__(self, conf):
        super().__init__(hosts=conf["hosts"])


def search_client(conf):
    return SearchClient(conf)


def cache_client(url):
    return redis.Redis.from_url(url)


def describe(conf):
    return dict(conf)
"""
# the user's own classes called Redis and Elasticsearch: no round trip is made
OWN_CLIENTS = """\
class Elasticsearch:
    def delete(self, index, id):
        return (index, id)

    def index(self, index, body):
        return (index, body)


class Redis:
    def get(self, key):
        return key


def search_client(conf):
    return Elasticsearch()


def cache_client(url):
    return Redis()
"""

PER_ITEM = """\
from app.clients import cache_client, search_client


class Alerter:
    def __init__(self, conf):
        self.es = search_client(conf)
        self.cache = cache_client(conf["url"])

    def purge(self, matches):
        for match in matches:
            self.es.delete(index="alerts", id=match["_id"])  # TL401

    def warm(self, keys):
        return [self.cache.get(k) for k in keys]  # TL401

    def reindex(self, conf, docs):
        es = search_client(conf)
        for doc in docs:
            es.index(index="docs", id=doc["id"], document=doc)  # TL401
"""
THROUGH_A_HELPER = """\
from app.clients import search_client


class Alerter:
    def __init__(self, conf):
        self.es = search_client(conf)

    def writeback(self, body):
        return self.es.index(index="alerts", body=body)

    def store(self, matches):
        for match in matches:
            self.writeback(match)  # TL401
"""
BATCHED = """\
from app.clients import cache_client, search_client


class Alerter:
    def __init__(self, conf):
        self.es = search_client(conf)
        self.cache = cache_client(conf["url"])

    def purge(self, matches):
        self.es.bulk(operations=[{"delete": {"_id": m["_id"]}} for m in matches])

    def warm(self, keys):
        return self.cache.mget(keys)
"""
NEAR_MISS = """\
from app.clients import cache_client, describe, search_client


class Alerter:
    def __init__(self, conf):
        self.es = search_client(conf)
        self.cache = cache_client(conf["url"])

    def writeback(self, body):
        return self.es.index(index="alerts", body=body)

    def enhance(self, matches, enhancements):
        for match in matches:
            try:
                enhancements.run(match)
            except ValueError:
                self.writeback({"error": str(match)})

    def first_cached(self, keys):
        for key in keys:
            found = self.cache.get(key)
            if found is not None:
                return found
        return None

    def unlink_groups(self, groups):
        for group in groups:
            self.cache.unlink(*group)

    def shown(self, confs):
        return [describe(conf).get("name") for conf in confs]
"""

# a factory that builds a boto3 session first (round 21's probe p34)
SESSION_CLIENTS = """\
import boto3


def notifier_client(region):
    session = boto3.session.Session(region_name=region)
    return session.client("sns")


def queue_client(region):
    return boto3.Session(region_name=region).client("sqs")
"""
# the user's own Session, whose client() hands out a local outbox
OWN_SESSION_CLIENTS = """\
class Outbox:
    def publish(self, **message):
        return message

    def send_message(self, **message):
        return message


class Session:
    def __init__(self, region_name):
        self.region_name = region_name

    def client(self, service):
        return Outbox()


def notifier_client(region):
    session = Session(region_name=region)
    return session.client("sns")


def queue_client(region):
    return Session(region_name=region).client("sqs")
"""
SESSION_CALLER = """\
from app.clients import notifier_client, queue_client


class Notifier:
    def __init__(self, region, topic):
        self.sns = notifier_client(region)
        self.sqs = queue_client(region)
        self.topic = topic

    def notify_all(self, messages):
        for message in messages:
            self.sns.publish(TopicArn=self.topic, Message=message)  # TL401

    def enqueue_all(self, bodies):
        for body in bodies:
            self.sqs.send_message(QueueUrl=self.topic, MessageBody=body)  # TL401
"""


def _lint(run_cli, tmp_path, clients: str, caller: str, *options: str) -> list[dict]:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "clients.py").write_text(textwrap.dedent(clients))
    (package / "caller.py").write_text(textwrap.dedent(caller))
    done = run_cli("--isolated", "--no-cache", "--format", "json", *options, ".")
    assert done.returncode in (0, 1), done.stderr
    return [d for d in json.loads(done.stdout)["diagnostics"] if d["path"] == "app/caller.py"]


@pytest.mark.parametrize(
    ("clients", "caller"),
    [
        pytest.param(CLIENTS, PER_ITEM, id="bad-per-item-on-a-factory-client"),
        pytest.param(CLIENTS, THROUGH_A_HELPER, id="bad-through-a-helper"),
        pytest.param(CLIENTS, BATCHED, id="good-batched"),
        pytest.param(CLIENTS, NEAR_MISS, id="near-miss-fallback-search-group-not-a-client"),
        pytest.param(
            OWN_CLIENTS, PER_ITEM.replace("  # TL401", ""), id="own-redis-and-es-shadowing"
        ),
        pytest.param(
            OWN_CLIENTS, THROUGH_A_HELPER.replace("  # TL401", ""), id="own-es-through-a-helper"
        ),
        pytest.param(SESSION_CLIENTS, SESSION_CALLER, id="bad-client-of-a-boto3-session"),
        pytest.param(
            OWN_SESSION_CLIENTS,
            SESSION_CALLER.replace("  # TL401", ""),
            id="own-session-shadowing",
        ),
    ],
)
@pytest.mark.parametrize("preview", [False, True], ids=["default", "preview"])
def test_round_trip_per_item_on_a_factory_client(run_cli, tmp_path, clients, caller, preview):
    # ``--show-all``: the relevance tier holds back the call in an uncalled method; what
    # is tested here is the client's type
    options = ("--select", "TL401", "--show-all", *(("--preview",) if preview else ()))
    found = [d["line"] for d in _lint(run_cli, tmp_path, clients, caller, *options)]
    expected = [n for n, line in enumerate(caller.splitlines(), 1) if line.endswith("# TL401")]
    assert found == expected


def test_messages_name_the_client_and_the_factory(run_cli, tmp_path):
    direct = _lint(run_cli, tmp_path, CLIENTS, PER_ITEM, "--select", "TL401", "--show-all")
    assert [d["confidence"] for d in direct] == ["typed"] * 3
    assert (
        "one Elasticsearch round trip per item of the loop over `matches`" in (direct[0]["message"])
    )
    assert "(a client from `search_client()`)" in direct[0]["message"]
    assert "use `helpers.bulk`" in direct[0]["message"]
    assert "one redis round trip" in direct[1]["message"]
    assert "`mget`" in direct[1]["message"]


def test_helper_message_names_the_chain(run_cli, tmp_path):
    (finding,) = _lint(run_cli, tmp_path, CLIENTS, THROUGH_A_HELPER, "--select", "TL401")
    assert "the Elasticsearch client from `search_client()`" in finding["message"]
    assert "`self.writeback()` makes a remote call" in finding["message"]
