"""The real servers (``tests/support/servers.py``) for the fix tests."""

from __future__ import annotations

from support.servers import postgres_dsn, rabbitmq_url, redis_url

__all__ = ["postgres_dsn", "rabbitmq_url", "redis_url"]
