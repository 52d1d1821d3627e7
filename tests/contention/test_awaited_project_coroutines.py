"""TL402 through the project index (round 21, probe p14): a coroutine of the project that
awaits one network request, awaited once per item of a loop in another module, or on an
instance the walk cannot follow (``gh = GithubClient(token); await gh.repo(name)``). Near
misses: a coroutine that awaits no request, one whose request has a batch form (TL401's),
one that takes a semaphore (its callers run it concurrently), a loop whose passes depend
on each other, and the user's own ``httpx``-named client. Run through the real CLI."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

CLIENT = """\
import asyncio

import httpx
import redis.asyncio as aioredis


class GithubClient:
    def __init__(self, token):
        self._http = httpx.AsyncClient(
            base_url="https://api.github.com", headers={"Authorization": f"token {token}"}
        )
        self._limit = asyncio.Semaphore(10)
        self._cache = aioredis.Redis()

    async def repo(self, full_name):
        response = await self._http.get(f"/repos/{full_name}")
        response.raise_for_status()
        return response.json()

    async def repo_limited(self, full_name):
        async with self._limit:
            response = await self._http.get(f"/repos/{full_name}")
        return response.json()

    async def cached_repo(self, full_name):
        return await self._cache.get(full_name)

    async def parse(self, payload):
        await asyncio.sleep(0)
        return dict(payload)


async def fetch_user(client: httpx.AsyncClient, login):
    async with client.stream("GET", f"/users/{login}") as response:
        return await response.aread()


async def fetch_org(client: httpx.AsyncClient, name):
    response = await client.get(f"/orgs/{name}")
    return response.json()
"""

CALLERS = """\
from app.client import GithubClient, fetch_org, fetch_user


async def refresh_repos(token, names):
    gh = GithubClient(token)
    results = []
    for name in names:
        results.append(await gh.repo(name))
    return results


async def refresh_orgs(client, names):
    return [await fetch_org(client, name) for name in names]


async def refresh_limited(token, names):
    gh = GithubClient(token)
    return [await gh.repo_limited(name) for name in names]


async def refresh_cached(token, names):
    gh = GithubClient(token)
    return [await gh.cached_repo(name) for name in names]


async def parse_all(token, payloads):
    gh = GithubClient(token)
    return [await gh.parse(payload) for payload in payloads]


async def follow_forks(token, name):
    gh = GithubClient(token)
    while name:
        repo = await gh.repo(name)
        name = repo.get("parent")


async def first_found(token, names):
    gh = GithubClient(token)
    for name in names:
        found = await gh.repo(name)
        if found:
            return found
    return None
"""

# a module of the user's own named httpx: its AsyncClient makes no request
OWN_HTTPX = """\
class Response:
    def json(self):
        return {}

    def raise_for_status(self):
        return None


class AsyncClient:
    def __init__(self, **options):
        self.options = options

    async def get(self, path):
        return Response()

    async def aclose(self):
        return None
"""

FLAGGED = {"refresh_repos": "`self._http.get()`", "refresh_orgs": "`client.get()`"}


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("awaits"),
        {"app/__init__.py": "", "app/client.py": CLIENT, "app/callers.py": CALLERS},
    )
    report = lint_json(run_module_cli, root, "--select", "TL402", "--show-all")
    return findings_by_function(report, CALLERS, "callers.py")


@pytest.mark.parametrize("function", sorted(FLAGGED))
def test_awaited_project_coroutine_per_item(found, function):
    diagnostic = found.get(function)
    assert diagnostic is not None, f"{function}: no TL402"
    assert "awaits a network request" in diagnostic["message"]
    assert FLAGGED[function] in diagnostic["message"]
    assert "asyncio.gather" in diagnostic["message"]


@pytest.mark.parametrize(
    "function",
    ["refresh_limited", "refresh_cached", "parse_all", "follow_forks", "first_found"],
)
def test_near_miss_stays_clean(found, function):
    assert function not in found, found.get(function)


def test_users_own_httpx_is_no_request(tmp_path):
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/httpx.py": OWN_HTTPX,
            "app/client.py": CLIENT.replace("import httpx\n", "from app import httpx\n"),
            "app/callers.py": CALLERS,
        },
    )
    report = lint_json(run_module_cli, root, "--select", "TL402", "--show-all")
    assert report["diagnostics"] == []
