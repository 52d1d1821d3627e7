"""Django ORM: an execute wrapper on every connection of the current thread."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from throughlint.pytest_plugin.measurement import Probe


def install(probe: Probe):
    if "django.db" not in sys.modules:
        return None
    from django.conf import settings

    if not settings.configured:
        return None
    from django.db import connections

    def wrapper(execute, sql, params, many, context):
        probe.statement(sql)
        depth = probe.claim_thread()  # the sqlite3 connection underneath must not count it
        try:
            return execute(sql, params, many, context)
        finally:
            depth.value -= 1

    wrapped = []
    for connection in connections.all():
        connection.execute_wrappers.append(wrapper)
        wrapped.append(connection)

    def restore() -> None:
        for connection in wrapped:
            if wrapper in connection.execute_wrappers:
                connection.execute_wrappers.remove(wrapper)

    return restore
