"""TL404 through the project index: a coroutine that calls a sync helper of the project
which blocks (itself or through other sync helpers), in the same module, another module
or through a package's re-exports (issue 16). Run through the real CLI."""

from __future__ import annotations

import json

import pytest

from expectations import findings_here, lines_in, write_files

HTTP = """\
import requests


def fetch(url):
    return requests.get(url, timeout=5)


def load_config(url):
    return fetch(url).json()


async def fetch_async(url):
    return requests.get(url, timeout=5)
"""
STORE = """\
import sqlite3


def count_orders(path):
    connection = sqlite3.connect(path)
    return connection.execute("SELECT count(*) FROM orders").fetchone()[0]
"""
PAUSE = """\
import time


def pause():
    time.sleep(1)
"""


def _findings(run_cli, tmp_path, *args: str) -> list[tuple[str, int, str]]:
    return findings_here(run_cli, "--preview", "--select", "TL404", *args)


def test_a_sync_helper_in_another_module_that_blocks_is_reported_with_its_chain(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/http.py": HTTP,
            "app/views.py": """\
                from app.http import load_config


                async def handler(request):
                    config = load_config(request.url)
                    return config["name"]
                """,
        },
    )
    found = _findings(run_cli, tmp_path)
    assert lines_in(found, "app/views.py") == [5]
    message = next(m for where, _, m in found if where.endswith("app/views.py"))
    assert "`load_config()` -> `fetch()` -> `requests.get()` (app.http, line 5)" in message
    assert "async def handler" in message


def test_a_helper_in_the_same_module_and_a_database_helper_are_reported(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "service.py": STORE
            + """

def report(path):
    return {"orders": count_orders(path)}


async def orders_view(request):
    return report(request.path)
""",
        },
    )
    found = _findings(run_cli, tmp_path)
    assert lines_in(found, "service.py") == [14]
    assert "`report()` -> `count_orders()` -> " in found[0][2]


def test_a_helper_re_exported_by_a_package_is_followed(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "app/__init__.py": "from .http import load_config\nfrom .timing import pause\n",
            "app/http.py": HTTP,
            "app/timing.py": PAUSE,
            "views.py": """\
                import app
                from app import load_config


                async def handler(request):
                    load_config(request.url)
                    app.pause()
                """,
        },
    )
    assert lines_in(_findings(run_cli, tmp_path), "views.py") == [6, 7]


def test_helpers_handed_to_a_thread_are_clean(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/http.py": HTTP,
            "app/timing.py": PAUSE,
            "app/views.py": """\
                import asyncio
                import functools

                from asgiref.sync import sync_to_async

                from app.http import load_config
                from app.timing import pause


                async def handler(request, loop):
                    config = await asyncio.to_thread(load_config, request.url)
                    await loop.run_in_executor(None, pause)
                    await loop.run_in_executor(None, functools.partial(load_config, "x"))
                    await loop.run_in_executor(None, lambda: load_config("y"))
                    await sync_to_async(pause)()
                    return config
                """,
        },
    )
    assert lines_in(_findings(run_cli, tmp_path), "app/views.py") == []


def test_an_async_helper_is_reported_at_its_own_line_not_at_its_callers(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/http.py": HTTP,
            "app/views.py": """\
                from app.http import fetch_async


                async def handler(request):
                    return await fetch_async(request.url)


                def make(request):
                    return fetch_async(request.url)


                async def later(request):
                    coroutine = make(request)
                    return await coroutine
                """,
        },
    )
    found = _findings(run_cli, tmp_path)
    assert lines_in(found, "app/views.py") == []
    assert lines_in(found, "app/http.py") == [13]  # the direct call in the async helper


def test_a_sync_caller_of_a_blocking_helper_is_clean(run_cli, tmp_path):
    """Blocking is fine where no event loop runs: a sync view, a CLI command, and a
    startup function that runs before ``asyncio.run``."""
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/http.py": HTTP,
            "app/main.py": """\
                import asyncio

                from app.http import load_config


                def sync_view(request):
                    return load_config(request.url)


                async def serve(config):
                    return config


                def main():
                    config = load_config("https://config.example")
                    asyncio.run(serve(config))
                """,
        },
    )
    assert lines_in(_findings(run_cli, tmp_path), "app/main.py") == []


def test_a_helper_decorated_to_run_in_a_thread_is_clean(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "consumers.py": """\
                import requests
                from channels.db import database_sync_to_async


                @database_sync_to_async
                def load(url):
                    return requests.get(url, timeout=5).json()


                async def receive(event):
                    return await load(event["url"])
                """,
        },
    )
    assert lines_in(_findings(run_cli, tmp_path), "consumers.py") == []


def test_a_project_object_or_function_that_shadows_a_blocking_name_is_clean(run_cli, tmp_path):
    """The user's own ``requests`` object and an async ``sleep`` of the project: neither
    blocks, directly or through a helper."""
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/clients.py": """\
                class _Requests:
                    def get(self, url):
                        return {"url": url}


                requests = _Requests()


                async def sleep(seconds):
                    return seconds


                def lookup(url):
                    return requests.get(url)
                """,
            "app/views.py": """\
                from app.clients import lookup, requests, sleep


                async def handler(request):
                    requests.get(request.url)
                    await sleep(1)
                    return lookup(request.url)
                """,
        },
    )
    found = _findings(run_cli, tmp_path)
    assert lines_in(found, "app/views.py") == []
    assert lines_in(found, "app/clients.py") == []


def test_a_memoised_blocking_load_does_not_make_the_helper_block(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "settings.py": """\
                import requests

                _config = None


                def config():
                    global _config
                    if _config is None:
                        _config = requests.get("https://config.example", timeout=5).json()
                    return _config


                async def handler(request):
                    return config()["name"]
                """,
        },
    )
    assert lines_in(_findings(run_cli, tmp_path), "settings.py") == []


@pytest.mark.parametrize("depth", [1, 4])
def test_chains_are_followed_up_to_the_summary_depth(run_cli, tmp_path, depth):
    helpers = [PAUSE.rstrip()]
    for level in range(1, depth):
        helpers.append(
            f"def level{level}():\n    return {'pause' if level == 1 else f'level{level - 1}'}()"
        )
    top = "pause" if depth == 1 else f"level{depth - 1}"
    source = "\n\n\n".join(helpers) + f"\n\n\nasync def handler():\n    {top}()\n"
    write_files(tmp_path, {"chain.py": source})
    found = _findings(run_cli, tmp_path)
    assert lines_in(found, "chain.py") == [source.count("\n")]
    assert "`time.sleep()` (chain, line 5)" in found[0][2]


def test_the_project_checks_run_with_the_cache_too(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "app/__init__.py": "from .http import load_config\n",
            "app/http.py": HTTP,
            "views.py": "from app import load_config\n\n\nasync def h(r):\n    load_config(r)\n",
        },
    )
    args = ("--preview", "--select", "TL404", "--format", "json", ".")
    cold = json.loads(run_cli(*args).stdout)["diagnostics"]
    warm = json.loads(run_cli(*args).stdout)["diagnostics"]
    assert cold == warm
    assert sorted((item["path"], item["line"]) for item in warm) == [
        ("app/http.py", 13),
        ("views.py", 5),
    ]


def test_file_io_counts_in_the_coroutine_not_in_a_helper_and_sockets_count_in_both(
    run_cli, tmp_path
):
    """A helper that loads a small template is not blocking (the labelled benchmark found
    those harmless); the same read in the coroutine is, as is a socket helper."""
    write_files(
        tmp_path,
        {
            "pages.py": """\
                import socket


                def template(name):
                    with open(name) as handle:
                        return handle.read()


                def ping(host):
                    connection = socket.socket()
                    connection.connect((host, 80))
                    return connection.recv(16)


                async def page(request):
                    body = template("index.html")
                    with open("extra.html") as handle:
                        extra = handle.read()
                    return body + extra + ping(request.host).decode()
                """,
        },
    )
    found = _findings(run_cli, tmp_path)
    assert lines_in(found, "pages.py") == [18, 19]  # not the template helper at 16
    assert "`connection.connect()` (pages, line 11)" in found[1][2]


def test_a_relative_import_in_a_package_init_resolves_from_that_package(run_cli, tmp_path):
    """``from .http import fetch`` in ``app/__init__.py`` is ``app.http.fetch`` (it was
    resolved one package too high, as ``http.fetch``)."""
    write_files(
        tmp_path,
        {
            "app/__init__.py": """\
                from .http import fetch


                async def handler(request):
                    return fetch(request.url)
                """,
            "app/http.py": HTTP,
        },
    )
    found = _findings(run_cli, tmp_path)
    assert lines_in(found, "app/__init__.py") == [5]
    assert "(app.http, line 5)" in found[0][2]
