"""TL203 through the project index for a client a function builds and drops, reached
once per item through dynamic dispatch (issue 12, class 5): elastalert's
``for alert in rule["alert"]: alert.alert(matches)`` runs ``SnsAlerter.alert``, which
builds a boto3 Session on every call. Run through the real CLI."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import lint_json, write_project

ALERTS = """\
import boto3
from twilio.rest import Client as TwilioClient


class Alerter:
    def __init__(self, rule):
        self.rule = rule
        self.region = rule["region"]

    def alert(self, matches):
        raise NotImplementedError


class SnsAlerter(Alerter):
    def alert(self, matches):
        session = boto3.Session(region_name=self.region)  # TL203
        session.client("sns").publish(Message=str(matches))


class TwilioAlerter(Alerter):
    def alert(self, matches):
        client = TwilioClient(self.rule["sid"], self.rule["token"])  # TL203
        client.messages.create(body=str(matches))


class DebugAlerter(Alerter):
    def alert(self, matches):
        print(matches)
"""

RUNNER = """\
class Runner:
    def run_rule(self, rule):
        for match in rule["matches"]:
            self.send_alert([match], rule)

    def send_alert(self, matches, rule):
        for alert in rule["alert"]:
            alert.alert(matches)
"""

# the client is kept on the instance: built once per alerter
KEPT = ALERTS.replace(
    """        session = boto3.Session(region_name=self.region)  # TL203
        session.client("sns").publish(Message=str(matches))""",
    """        if self.session is None:
            self.session = boto3.Session(region_name=self.region)
        self.session.client("sns").publish(Message=str(matches))""",
).replace(
    """        client = TwilioClient(self.rule["sid"], self.rule["token"])  # TL203
        client.messages.create(body=str(matches))""",
    """        client = self.client()
        client.messages.create(body=str(matches))

    def client(self):
        client = TwilioClient(self.rule["sid"], self.rule["token"])
        return client""",
)
# a different account per call: the arguments come from the function's parameters
PER_TARGET = ALERTS.replace(
    "        session = boto3.Session(region_name=self.region)  # TL203",
    "        region = matches[0]['region']\n        session = boto3.Session(region_name=region)",
)
# the user's own Session and Client classes
OWN_CLIENTS = (
    ALERTS.replace(
        "import boto3\nfrom twilio.rest import Client as TwilioClient\n",
        "class boto3:\n    class Session:\n        def __init__(self, **kw):\n"
        "            self.kw = kw\n\n        def client(self, name):\n            return self\n\n"
        "        def publish(self, **kw):\n            return kw\n\n\n"
        "class TwilioClient:\n    def __init__(self, sid, token):\n        self.messages = []\n",
    )
    .replace("  # TL203", "")
    .replace("client.messages.create(body=str(matches))", "client.messages.append(matches)")
)
# the method name is defined by two unrelated hierarchies: which one runs is unknown
TWO_HIERARCHIES = (
    RUNNER
    + """

class Sink:
    def alert(self, matches):
        return matches


class LoudSink(Sink):
    def alert(self, matches):
        print(matches)
"""
)
# called once, not per item
ONCE = RUNNER.replace(
    """        for match in rule["matches"]:
            self.send_alert([match], rule)""",
    """        self.send_alert(rule["matches"], rule)""",
)


def _expected(files: dict[str, str]) -> dict[str, list[int]]:
    return {
        path: [n for n, line in enumerate(text.splitlines(), 1) if line.endswith("# TL203")]
        for path, text in files.items()
    }


def _lint(run_cli, tmp_path, alerts: str, runner: str, *options: str) -> tuple[dict, dict]:
    files = {"app/__init__.py": "", "app/alerts.py": alerts, "app/runner.py": runner}
    root = write_project(tmp_path, files)
    report = lint_json(run_cli, root, "--isolated", "--select", "TL203", *options)
    found: dict[str, list[int]] = {path: [] for path in files}
    for finding in report["diagnostics"]:
        found[finding["path"]].append(finding["line"])
    return found, _expected(files)


@pytest.mark.parametrize(
    ("alerts", "runner"),
    [
        pytest.param(ALERTS, RUNNER, id="bad-dispatch-to-overrides"),
        pytest.param(KEPT, RUNNER, id="good-client-kept-or-made-by-a-factory"),
        pytest.param(PER_TARGET, RUNNER, id="near-miss-per-target-arguments"),
        pytest.param(OWN_CLIENTS, RUNNER, id="own-session-and-client-shadowing"),
        pytest.param(ALERTS.replace("  # TL203", ""), ONCE, id="near-miss-called-once"),
        pytest.param(
            ALERTS.replace("  # TL203", ""), TWO_HIERARCHIES, id="near-miss-two-hierarchies"
        ),
    ],
)
@pytest.mark.parametrize("preview", [False, True], ids=["default", "preview"])
def test_client_per_call(run_cli, tmp_path, alerts, runner, preview):
    options = ("--preview",) if preview else ()
    found, expected = _lint(run_cli, tmp_path, alerts, runner, *options)
    assert found == expected


WORKER = """\
import asyncio

import httpx


async def crawl(queue, workers):
    await asyncio.gather(*(worker(queue) for _ in range(workers)))


async def worker(queue):
    async with httpx.AsyncClient() as client:
        while not queue.empty():
            await client.get(await queue.get())


async def fetch_all(urls):
    return [await fetch(url) for url in urls]


async def fetch(url):
    async with httpx.AsyncClient() as client:
        return await client.get(url)


def ping_all(hosts):
    for host in hosts:
        ping()


def ping():
    session = httpx.Client()  # TL203
    session.get("https://example.com/health")
"""


def test_worker_client_serves_a_loop(run_cli, tmp_path):
    """A worker's client serves its own loop (many items per call): not reported. A
    client built from the call's argument (one endpoint per call): not reported."""
    files = {"app/__init__.py": "", "app/crawl.py": WORKER}
    root = write_project(tmp_path, files)
    report = lint_json(run_cli, root, "--isolated", "--select", "TL203")
    found = [finding["line"] for finding in report["diagnostics"]]
    assert found == _expected(files)["app/crawl.py"]
    message = report["diagnostics"][0]["message"]
    assert message.startswith("`Client()` is built and dropped on every call of `ping()`")
