"""Calling an ``async def`` makes a coroutine and waits for nothing, also when the call
is followed with the literal arguments its caller passes (``ProjectIndex._effects_under``,
as ``Summaries._contributions`` already did for calls followed without them):
``schedule(url, now=True)`` that only creates ``notify(url)`` for later does not block the
event loop, though ``notify``'s own helper does when the coroutine runs."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

TASKS = """\
import requests

pending = []


def fetch(url):
    return requests.get(url, timeout=5)


async def notify(url):
    return fetch(url)


def schedule(url, now=False):
    if now:
        print("now")
    pending.append(notify(url))


def schedule_blocking(url, now=False):
    if now:
        print("now")
    return fetch(url)


def outer(url):
    schedule(url, now=True)


def outer_blocking(url):
    schedule_blocking(url, now=True)
"""

# the user's own ``requests``: nothing on the network
OWN_REQUESTS = TASKS.replace(
    "import requests\n",
    "class requests:\n    @staticmethod\n    def get(url, timeout):\n        return url\n",
)

VIEWS = """\
from app.tasks import outer, outer_blocking


async def handler(url):
    outer(url)


async def handler_blocking(url):
    outer_blocking(url)
"""


def _found(run_cli, tmp_path, tasks: str) -> dict[str, dict]:
    files = {"app/__init__.py": "", "app/tasks.py": tasks, "app/views.py": VIEWS}
    report = lint_json(
        run_cli, write_project(tmp_path, files), "--preview", "--show-all", "--select", "TL404"
    )
    return findings_by_function(report, VIEWS, "views.py")


def test_a_coroutine_made_under_a_guard_blocks_nothing(run_cli, tmp_path):
    found = _found(run_cli, tmp_path, TASKS)
    # the helper that calls the blocking function under the same guard still blocks
    assert sorted(found) == ["handler_blocking"]
    assert "`requests.get()`" in found["handler_blocking"]["message"]


def test_a_user_s_own_requests_blocks_nothing(run_cli, tmp_path):
    assert _found(run_cli, tmp_path, OWN_REQUESTS) == {}
