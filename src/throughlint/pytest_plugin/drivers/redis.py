"""redis-py, sync and asyncio: a command is one round trip, a pipeline (transaction or
not) is one round trip however many commands it carries."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from throughlint.pytest_plugin.measurement import Probe


def install(probe: Probe):
    if "redis" not in sys.modules:
        return None
    import redis.asyncio.client as aio
    import redis.client as sync

    patched = []

    def patch(cls: type, name: str, wrapper_for) -> None:
        original = cls.__dict__[name]
        setattr(cls, name, wrapper_for(original))
        patched.append((cls, name, original))

    def sync_command(original):
        def execute_command(self, *args, **options):
            probe.command(str(args[0]) if args else "?")
            return original(self, *args, **options)

        return execute_command

    def sync_pipeline(original):
        def execute(self, *args, **kwargs):
            if self.command_stack:
                probe.command("PIPELINE")
            return original(self, *args, **kwargs)

        return execute

    def async_command(original):
        async def execute_command(self, *args, **options):
            probe.command(str(args[0]) if args else "?")
            return await original(self, *args, **options)

        return execute_command

    def async_pipeline(original):
        async def execute(self, *args, **kwargs):
            if self.command_stack:
                probe.command("PIPELINE")
            return await original(self, *args, **kwargs)

        return execute

    patch(sync.Redis, "execute_command", sync_command)
    patch(sync.Pipeline, "execute", sync_pipeline)
    patch(aio.Redis, "execute_command", async_command)
    patch(aio.Pipeline, "execute", async_pipeline)

    def restore() -> None:
        for cls, name, original in reversed(patched):
            setattr(cls, name, original)

    return restore
