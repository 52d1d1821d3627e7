"""TL401 on a client that another module of the project binds (issue 12, class 2): a
client built at a module's top level and imported (``from app.clients import r``,
``clients.r``), a client library re-exported by a compatibility module
(``try: import redis`` in ``app._compat``), and a method whose return annotation names a
library client. The user's own module called ``redis``, and a top-level value that is
not a client, stay quiet. Run through the real CLI."""

from __future__ import annotations

import json
import textwrap

CLIENTS = """\
import redis

r = redis.Redis()
settings = dict(prefix="k:")
"""

COMPAT = """\
try:
    import redis
except ImportError:  # pragma: no cover
    redis = None
"""

WORK = """\
from app import clients
from app._compat import redis
from app.clients import r, settings


class Worker:
    def __init__(self):
        self.conn = redis.Redis()

    def expire_all(self, keys):
        for key in keys:
            self.conn.expire(key, 60)  # TL401


def read(keys):
    for key in keys:
        r.get(key)  # TL401


def read_module(keys):
    for key in keys:
        clients.r.get(key)  # TL401


def prefixes(keys):
    return [settings.get(key) for key in keys]
"""

ANNOTATED = """\
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redis import Redis


class Cache:
    def client(self) -> Redis:
        return self._client

    def touch(self, keys):
        client = self.client()
        for key in keys:
            client.expire(key, 60)  # TL401
"""

# the project's own module called ``redis``, with its own ``Redis``
OWN_REDIS = """\
class Redis:
    def get(self, key):
        return key

    def expire(self, key, seconds):
        return key


r = Redis()
"""

OWN_WORK = """\
from app import redis
from app.redis import r


def read(keys):
    for key in keys:
        r.get(key)
        redis.Redis().expire(key, 60)
"""


def _lint(run_cli, tmp_path, files: dict[str, str]) -> dict[str, list[int]]:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, text in files.items():
        (package / name).write_text(textwrap.dedent(text))
    done = run_cli(
        "--isolated", "--no-cache", "--format", "json", "--select", "TL401", "--show-all", "."
    )
    assert done.returncode in (0, 1), done.stderr
    found: dict[str, list[int]] = {}
    for diagnostic in json.loads(done.stdout)["diagnostics"]:
        found.setdefault(diagnostic["path"], []).append(diagnostic["line"])
    return found


def _expected(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if line.endswith("# TL401")]


def test_clients_other_modules_bind(run_cli, tmp_path):
    found = _lint(
        run_cli,
        tmp_path,
        {"clients.py": CLIENTS, "_compat.py": COMPAT, "work.py": WORK, "cache.py": ANNOTATED},
    )
    assert found == {"app/work.py": _expected(WORK), "app/cache.py": _expected(ANNOTATED)}


def test_messages_name_where_the_client_comes_from(run_cli, tmp_path):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, text in {"clients.py": CLIENTS, "_compat.py": COMPAT, "work.py": WORK}.items():
        (package / name).write_text(text)
    done = run_cli("--isolated", "--no-cache", "--format", "json", "--select", "TL401", ".")
    messages = {d["line"]: d["message"] for d in json.loads(done.stdout)["diagnostics"]}
    expire, read, read_module = _expected(WORK)
    assert "one redis round trip" in messages[expire]
    assert "(a client from `app._compat.redis.Redis()`)" in messages[expire]
    assert "(a client from `app.clients.r`)" in messages[read]
    assert "`mget`" in messages[read_module]


def test_a_module_value_bound_again_is_untyped(run_cli, tmp_path):
    rebound = CLIENTS + "r = {}\n"
    unconditional = "import redis\n\nredis = None\n"
    work = WORK.replace("  # TL401", "")
    found = _lint(
        run_cli, tmp_path, {"clients.py": rebound, "_compat.py": unconditional, "work.py": work}
    )
    assert found == {}


def test_a_client_named_like_a_queue(run_cli, tmp_path):
    # ``q.get(key)`` looks a key up; before, the queue-like name made the loop a consumer
    # that waits on every pass, and TL401 skipped it
    clients = "import redis\n\nq = redis.Redis()\n"
    work = "from app import clients\n\n\ndef read(keys):\n    for key in keys:\n"
    work += "        clients.q.get(key)  # TL401\n"
    found = _lint(run_cli, tmp_path, {"clients.py": clients, "work.py": work})
    assert found == {"app/work.py": _expected(work)}


def test_own_module_called_redis_shadows(run_cli, tmp_path):
    assert _lint(run_cli, tmp_path, {"redis.py": OWN_REDIS, "work.py": OWN_WORK}) == {}
