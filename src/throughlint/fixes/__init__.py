"""Fixes: one small libcst transformer per kind, found by ``Fix.kind``.

This package's ``__init__`` and ``offers`` stay free of libcst: rules import ``offers`` on
the lint path (ARCHITECTURE.md: no libcst while linting); the transformer modules are
imported only when a fix is applied.
"""

from __future__ import annotations

import importlib

QUEUE_MAXSIZE = "queue-maxsize"
SIMPLE_QUEUE = "simple-queue"
EXECUTEMANY = "executemany"
EXECUTEMANY_GUARDED = "executemany:guarded"  # under ``if <input>:``
COMMIT_AFTER_LOOP = "commit-after-loop"
COMMIT_AFTER_LOOP_DROP = "commit-after-loop:drop"  # the same commit follows the loop
SET_MANY = "set-many"
BULK_CREATE = "bulk-create"
EXECUTE_VALUES = "execute-values"
EAGER_LOAD = "eager-load"  # spelled ``eager-load:<loader>:<relation>``
ACK_EVERY = "ack-every"  # spelled ``ack-every:<n>``
HOIST_OPEN = "hoist-open"

_MODULES: dict[str, str] = {
    QUEUE_MAXSIZE: "queue_maxsize",
    SIMPLE_QUEUE: "simple_queue",
    EXECUTEMANY: "executemany",
    COMMIT_AFTER_LOOP: "commit_after_loop",
    SET_MANY: "set_many",
    BULK_CREATE: "bulk_create",
    EAGER_LOAD: "eager_load",
    EXECUTE_VALUES: "execute_values",
    ACK_EVERY: "ack_every",
    HOIST_OPEN: "hoist_open",
}


def load(kind: str):
    """The transformer spec (``SPEC``) of a fix kind; None for an unknown kind."""
    module = _MODULES.get(kind.split(":", 1)[0])
    if module is None:
        return None
    return importlib.import_module(f"{__name__}.{module}").SPEC
