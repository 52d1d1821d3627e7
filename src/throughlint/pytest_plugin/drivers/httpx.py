"""httpx: every request through the sync or async default transport."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from throughlint.pytest_plugin.measurement import Probe


def install(probe: Probe):
    if "httpx" not in sys.modules:
        return None
    import httpx

    sync_original = httpx.HTTPTransport.__dict__["handle_request"]
    async_original = httpx.AsyncHTTPTransport.__dict__["handle_async_request"]

    def handle_request(self, request):
        probe.request()
        return sync_original(self, request)

    async def handle_async_request(self, request):
        probe.request()
        return await async_original(self, request)

    httpx.HTTPTransport.handle_request = handle_request
    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request

    def restore() -> None:
        httpx.HTTPTransport.handle_request = sync_original
        httpx.AsyncHTTPTransport.handle_async_request = async_original

    return restore
