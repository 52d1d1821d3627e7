"""urllib3 (and so requests): every ``HTTPConnectionPool.urlopen`` call is one request
(a retry or redirect followed by urllib3 is another). Inside a botocore API call, which
counts for itself, it is not counted again."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from throughlint.pytest_plugin.measurement import Probe


def install(probe: Probe):
    if "urllib3" not in sys.modules:
        return None
    from urllib3.connectionpool import HTTPConnectionPool

    original = HTTPConnectionPool.__dict__["urlopen"]

    def urlopen(self, *args, **kwargs):
        probe.driver_request()
        return original(self, *args, **kwargs)

    urlopen.__wrapped__ = original  # type: ignore[attr-defined]
    HTTPConnectionPool.urlopen = urlopen

    def restore() -> None:
        HTTPConnectionPool.urlopen = original

    return restore
