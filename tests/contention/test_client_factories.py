"""TL203 through a project factory: a function that builds and returns a new client on
each call (or a project class that subclasses one), called on every pass of a loop in
another module (issue 12, class 2 and 5). Run through the real CLI."""

from __future__ import annotations

import json
import textwrap

import pytest

CLIENTS = """\
import functools

import boto3
from elasticsearch import Elasticsearch


class SearchClient(Elasticsearch):
    pass


def search_client(conf):
    hosts = [conf["host"]]
    return SearchClient(hosts)


def queue_client(region):
    client = boto3.client("sqs", region_name=region)
    return client


_shared = None


def shared_client():
    global _shared
    if _shared is None:
        _shared = boto3.client("sqs")
    return _shared


@functools.lru_cache(maxsize=None)
def cached_client(region):
    return boto3.client("sqs", region_name=region)


def describe(conf):
    return dict(conf)
"""
# the user's own class called Elasticsearch: no connection is made
OWN_CLIENTS = """\
class Elasticsearch:
    def __init__(self, hosts):
        self.hosts = hosts


def search_client(conf):
    return Elasticsearch([conf["host"]])
"""

PER_ALERT = """\
from app.clients import search_client


class Alerter:
    def send_all(self, alerts, conf):
        for alert in alerts:
            self.current = search_client(conf)  # TL203
            self.current.index(index="alerts", document=alert)
"""
PER_MESSAGE = """\
from app import clients


def publish(messages, region):
    for message in messages:
        clients.queue_client(region).send_message(QueueUrl="q", MessageBody=message)  # TL203
"""
ONCE = """\
from app.clients import search_client


def send_all(alerts, conf):
    es = search_client(conf)
    for alert in alerts:
        es.index(index="alerts", document=alert)
"""
MEMOISED = """\
from app.clients import cached_client, shared_client


def publish(messages, region):
    for message in messages:
        shared_client().send_message(QueueUrl="q", MessageBody=message)
        cached_client(region).send_message(QueueUrl="q", MessageBody=message)
"""
PER_REGION = """\
from app.clients import queue_client


def clients_for(regions):
    found = {}
    for region in regions:
        found[region] = queue_client(region)
    return found


def publish(regions, message):
    for region in regions:
        queue_client(region).send_message(QueueUrl="q", MessageBody=message)
"""
NOT_A_CLIENT = """\
from app.clients import describe


def show(confs):
    for conf in confs:
        print(describe(conf))
"""


@pytest.mark.parametrize(
    ("clients", "caller"),
    [
        pytest.param(CLIENTS, PER_ALERT, id="bad-subclass-from-a-factory"),
        pytest.param(CLIENTS, PER_MESSAGE, id="bad-boto3-client-per-message"),
        pytest.param(CLIENTS, ONCE, id="good-built-once"),
        pytest.param(CLIENTS, MEMOISED, id="near-miss-memoised-and-cached"),
        pytest.param(CLIENTS, PER_REGION, id="near-miss-one-per-region-kept-or-per-target"),
        pytest.param(CLIENTS, NOT_A_CLIENT, id="near-miss-factory-of-something-else"),
        pytest.param(OWN_CLIENTS, PER_ALERT.replace("  # TL203", ""), id="own-class-shadowing"),
    ],
)
def test_client_built_per_item_through_a_factory(run_cli, tmp_path, clients, caller):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "clients.py").write_text(textwrap.dedent(clients))
    (package / "caller.py").write_text(textwrap.dedent(caller))
    done = run_cli("--isolated", "--no-cache", "--select", "TL203", "--format", "json", ".")
    assert done.returncode in (0, 1), done.stderr
    found = [
        d["line"] for d in json.loads(done.stdout)["diagnostics"] if d["path"] == "app/caller.py"
    ]
    expected = [n for n, line in enumerate(caller.splitlines(), 1) if line.endswith("# TL203")]
    assert found == expected


def test_message_names_the_client(run_cli, tmp_path):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "clients.py").write_text(CLIENTS)
    (package / "caller.py").write_text(PER_ALERT)
    done = run_cli("--isolated", "--no-cache", "--select", "TL203", "--format", "json", ".")
    (finding,) = json.loads(done.stdout)["diagnostics"]
    assert "`search_client()` builds a new `Elasticsearch` client" in finding["message"]
    assert "the loop over `alerts`" in finding["message"]
