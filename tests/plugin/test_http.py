"""HTTP requests through urllib3 (requests) and httpx, against a real local server."""

from __future__ import annotations

import pytest

HTTP_TESTS = """
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import requests
import urllib3


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_requests_and_urllib3(throughput, url):
    session = requests.Session()
    pool = urllib3.PoolManager()
    with throughput.measure(items=5) as block:
        for _ in range(3):
            session.get(url)
        pool.request("GET", url)
        requests.get(url)
    assert (block.requests, block.queries, block.round_trips) == (5, 0, 5)


def test_httpx_sync_and_async(throughput, url):
    import asyncio

    async def fetch_twice():
        async with httpx.AsyncClient() as client:
            await client.get(url)
            await client.get(url)

    with throughput.measure() as block:
        with httpx.Client() as client:
            client.get(url)
        asyncio.run(fetch_twice())
    assert block.requests == 3


@pytest.mark.throughput(max_requests=2, max_round_trips=2)
def test_request_budget(url):
    with httpx.Client() as client:
        for _ in range(3):
            client.get(url)
"""


def test_http_requests_are_counted(pytester: pytest.Pytester):
    pytester.makepyfile(test_http=HTTP_TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "--throughput-budget")
    result.assert_outcomes(failed=1, passed=2)
    result.stdout.fnmatch_lines(
        [
            "throughput budget missed (2):",
            "  round trips: 3 measured, budget 2 (+1, 1.5x the budget)",
            "  HTTP requests: 3 measured, budget 2 (+1, 1.5x the budget)",
        ]
    )
