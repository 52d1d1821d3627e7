"""botocore: one request per API call through the client event hooks, against a local
S3 stub on 127.0.0.1 (no network, dummy credentials)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytest.importorskip("botocore")

LIST_BUCKETS = b"""<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
<Owner><ID>1</ID><DisplayName>test</DisplayName></Owner>
<Buckets><Bucket><Name>shop</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets>
</ListAllMyBucketsResult>"""


class _S3Stub(BaseHTTPRequestHandler):
    """``GET /``: ListBuckets; ``GET /shop/<key>``: the key as the body; ``flaky`` fails
    with a 500 the first time, so botocore retries."""

    failed: set[str] = set()

    def do_GET(self) -> None:
        if self.path.startswith("/shop/flaky") and self.path not in self.failed:
            self.failed.add(self.path)
            self._send(500, b"<Error><Code>InternalError</Code></Error>")
        elif self.path == "/":
            self._send(200, LIST_BUCKETS)
        else:
            self._send(200, self.path.rsplit("/", 1)[-1].encode())

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def s3_stub() -> Iterator[str]:
    _S3Stub.failed.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _S3Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


TESTS = """
import os

import botocore.session
import pytest
import urllib3

URL = os.environ["TL_S3_URL"]


@pytest.fixture
def s3():
    # created in a fixture, before the measured block
    return botocore.session.get_session().create_client(
        "s3",
        endpoint_url=URL,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@pytest.mark.throughput(max_requests=3)
def test_object_per_key(s3):
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["shop"]
    for key in ("a", "b", "c", "d"):
        assert s3.get_object(Bucket="shop", Key=key)["Body"].read() == key.encode()


@pytest.mark.throughput
def test_retried_call_is_one_request_and_plain_urllib3_still_counts(s3):
    assert s3.get_object(Bucket="shop", Key="flaky")["Body"].read() == b"flaky"
    assert urllib3.PoolManager().request("GET", URL + "/").status == 200
"""


def test_one_request_per_api_call(pytester, s3_stub, monkeypatch, report):
    monkeypatch.setenv("TL_S3_URL", s3_stub)
    pytester.makepyfile(test_s3=TESTS)
    result = pytester.runpytest("-p", "no:cacheprovider", "--throughput-budget", report.option)
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["  HTTP requests: 5 measured, budget 3 (+2, 1.7x the budget)"])
    assert report.test("test_object_per_key")["requests"] == 5
    # the 500 and its retry are one API call; the plain urllib3 request is another
    assert _S3Stub.failed == {"/shop/flaky"}
    assert (
        report.test("test_retried_call_is_one_request_and_plain_urllib3_still_counts")["requests"]
        == 2
    )
