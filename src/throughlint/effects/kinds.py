"""The kinds of effect a call can have (a module of its own: the classifiers in
``database.py`` and ``remote.py`` use it, and the package combines them)."""

from __future__ import annotations

import enum


class Effect(enum.Flag):
    NONE = 0
    READ = enum.auto()
    WRITE = enum.auto()
    COMMIT = enum.auto()
    REMOTE = enum.auto()
    POOL = enum.auto()  # starts and joins a worker pool: costly once per call
    BLOCKING = enum.auto()  # waits on I/O or time in a sync function: not on an event loop
    AWAITS_NETWORK = enum.auto()  # an async function awaits a network round trip (TL402)
