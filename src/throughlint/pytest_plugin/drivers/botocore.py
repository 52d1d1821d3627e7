"""botocore (and so boto3): ``Session.create_client`` is wrapped for the session
(:func:`track`) to register handlers on each new client's own event system
(``client.meta.events``, the public hook): ``before-call`` counts one request per API
call, a paginator's page included; ``after-call`` / ``after-call-error`` close it. The
HTTP requests urllib3 sends inside the call, retries included, are not counted again.
Clients created before collection ended (at import time of a test module) do not count."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from throughlint.pytest_plugin.drivers.sink import Sink, install_session_wide

_MARK = "_throughlint_counting"
_UNIQUE = "throughlint-round-trips"
SINK = Sink()


def _before_call(**_: Any) -> None:
    probe = SINK.probe
    if probe is not None:
        probe.api_call(True)


def _after_call(**_: Any) -> None:
    probe = SINK.probe
    if probe is not None:
        probe.api_call(False)


def _count(client: Any) -> Any:
    events = client.meta.events
    events.register("before-call", _before_call, unique_id=f"{_UNIQUE}-before")
    events.register("after-call", _after_call, unique_id=f"{_UNIQUE}-after")
    events.register("after-call-error", _after_call, unique_id=f"{_UNIQUE}-error")
    return client


def track() -> Callable[[], None] | None:
    """Wrap ``botocore.session.Session.create_client`` for the session if botocore is
    imported; returns the undo. Idempotent."""
    module = sys.modules.get("botocore.session")
    if module is None:
        return None
    session = module.Session
    original = session.__dict__["create_client"]
    if getattr(original, _MARK, False):
        return lambda: None

    def create_client(self, *args: Any, **kwargs: Any):
        return _count(original(self, *args, **kwargs))

    create_client.__wrapped__ = original  # type: ignore[attr-defined]
    create_client.__doc__ = original.__doc__
    setattr(create_client, _MARK, True)
    session.create_client = create_client

    def restore() -> None:
        if session.__dict__.get("create_client") is create_client:
            session.create_client = original

    return restore


def install(probe):
    return install_session_wide("botocore.session", track, SINK, probe)
