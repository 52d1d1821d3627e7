"""TL401 through a client parameter filled in when left out (``client: Redis | None =
None``, then ``if client is None: client = self.get_client()``: the annotation types both)
and through ``super().get(...)`` in an override (the base class's method is what runs):
django-redis's ``ShardClient.get_many`` (issue 12, class 1). Run through the real CLI."""

from __future__ import annotations

import json
import textwrap

import pytest

BASE = """\
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redis import Redis


class DefaultClient:
    def get_client(self) -> Redis:
        return self._clients[0]

    def get(self, key, client: Redis | None = None):
        if client is None:
            client = self.get_client()
        return client.get(key)

    def touch_all(self, keys, client: Redis | None = None):
        if client is None:
            client = self.get_client()
        for key in keys:
            client.expire(key, 60)  # TL401

    def get_many(self, keys, client: Redis | None = None):
        if client is None:
            client = self.get_client()
        return client.mget(keys)

    def local(self, key):
        return key
"""
# the user's own class called Redis: no round trip
OWN_BASE = BASE.replace(
    """if TYPE_CHECKING:
    from redis import Redis
""",
    """class Redis:
    def get(self, key):
        return key

    def expire(self, key, seconds):
        return (key, seconds)
""",
).replace("  # TL401", "")
# the parameter is replaced under another test by what an unannotated method returns:
# not a fill, its value is unknown
NOT_A_FILL = (
    BASE.replace("def get_client(self) -> Redis:", "def get_client(self):")
    .replace(
        """    def get(self, key, client: Redis | None = None):
        if client is None:
            client = self.get_client()""",
        """    def get(self, key, client: Redis | None = None, fresh=False):
        if fresh:
            client = self.get_client()""",
    )
    .replace(
        """    def touch_all(self, keys, client: Redis | None = None):
        if client is None:""",
        """    def touch_all(self, keys, client: Redis | None = None, fresh=False):
        if fresh:""",
    )
    .replace("  # TL401", "")
)

# the fill under a sentinel test, or one side of an ``or``: still a fill
SENTINEL_FILL = (
    BASE.replace(
        """    def touch_all(self, keys, client: Redis | None = None):
        if client is None:""",
        """    def touch_all(self, keys, client: Redis | None = None, fresh=False):
        if client is None or fresh:""",
    )
    .replace(
        """    def get(self, key, client: Redis | None = None):
        if client is None:""",
        """    def get(self, key, client: Redis | None = _MISSING):
        if client is _MISSING:""",
    )
    .replace("class DefaultClient:", "_MISSING = object()\n\n\nclass DefaultClient:")
)

SHARDED = """\
from app.base import DefaultClient


class ShardClient(DefaultClient):
    def get(self, key, client=None):
        if client is None:
            key = self.make_key(key)
            client = self.get_server(key)
        return super().get(key, client=client)

    def local(self, key):
        key = self.make_key(key)
        return super().local(key)

    def get_many(self, keys):
        found = {}
        for key in keys:
            client = self.get_server(key)
            found[key] = self.get(key, client=client)  # TL401
        return found

    def names(self, keys):
        return [self.local(key) for key in keys]

    def make_key(self, key):
        return f"k:{key}"

    def get_server(self, key):
        return self._servers[hash(key) % 2]
"""


def _lint(run_cli, tmp_path, base: str, sharded: str, *options: str) -> dict[str, list[int]]:
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text(textwrap.dedent(base))
    (package / "sharded.py").write_text(textwrap.dedent(sharded))
    done = run_cli("--isolated", "--no-cache", "--format", "json", "--show-all", *options, ".")
    assert done.returncode in (0, 1), done.stderr
    found: dict[str, list[int]] = {"app/base.py": [], "app/sharded.py": []}
    for finding in json.loads(done.stdout)["diagnostics"]:
        found[finding["path"]].append(finding["line"])
    return found


def _expected(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if line.endswith("# TL401")]


@pytest.mark.parametrize(
    ("base", "sharded"),
    [
        pytest.param(BASE, SHARDED, id="bad-fill-and-super"),
        pytest.param(SENTINEL_FILL, SHARDED, id="bad-sentinel-or-fill"),
        pytest.param(OWN_BASE, SHARDED.replace("  # TL401", ""), id="own-redis-shadowing"),
        pytest.param(NOT_A_FILL, SHARDED.replace("  # TL401", ""), id="near-miss-not-a-fill"),
    ],
)
@pytest.mark.parametrize("preview", [False, True], ids=["default", "preview"])
def test_fill_and_super(run_cli, tmp_path, base, sharded, preview):
    options = ("--select", "TL401", *(("--preview",) if preview else ()))
    found = _lint(run_cli, tmp_path, base, sharded, *options)
    assert found == {"app/base.py": _expected(base), "app/sharded.py": _expected(sharded)}


def test_message_names_the_base_method(run_cli, tmp_path):
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "base.py").write_text(BASE)
    (package / "sharded.py").write_text(SHARDED)
    done = run_cli("--isolated", "--no-cache", "--format", "json", "--select", "TL401", ".")
    messages = [
        d["message"]
        for d in json.loads(done.stdout)["diagnostics"]
        if d["path"] == "app/sharded.py"
    ]
    assert messages == [
        "`self.get()` makes a remote call (via `get()` -> `client.get()` (app.base, line 16)) "
        "on every pass of the loop over `keys`: N round trips; batch the work outside the loop"
    ]
