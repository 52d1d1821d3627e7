"""Shadowing cases: a user's own class under a library's name, with nothing remote."""

# a user's own ``Redis``: a dict, no server
_OWN_REDIS = (
    "class Redis:\n    def __init__(self, host):\n        self.data = {}\n\n"
    "    def get(self, key):\n        return self.data.get(key)\n"
)


def with_own_redis(source: str) -> str:
    """``source`` with ``import redis`` replaced by the user's own ``Redis`` class."""
    return source.replace("import redis\n", _OWN_REDIS).replace("redis.Redis(", "Redis(")
