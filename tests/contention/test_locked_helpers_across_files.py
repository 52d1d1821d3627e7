"""TL301 through the project index (issue 12): a loop that calls, once per item, a function
of another file whose whole body holds one lock (a method of a locked cache, a module
function holding its module's lock). The walk of the loop's file cannot see the lock; the
index records such functions (fact ``lk``). Near misses: an object the function has just
made, a loop that does more of its own, a locked method that calls another package,
start-up, and a user's own class named ``Lock``. Run through the real CLI."""

from __future__ import annotations

from expectations import findings_here, lines_in, write_files

CACHE = """\
import threading

import requests


class LockedCache:
    def __init__(self):
        self._lock = threading.Lock()
        self._data = {}

    def get(self, key):
        with self._lock:
            return self._data.get(key)

    def put(self, key, value):
        with self._lock:
            self._data[key] = value

    def publish(self, key, value):
        with self._lock:
            requests.post("https://example.com/events", json={key: value})


_stats_lock = threading.Lock()
_stats = {}


def record(name):
    with _stats_lock:
        _stats[name] = _stats.get(name, 0) + 1
"""

VIEWS = """\
from app.cache import LockedCache, record

CACHE = LockedCache()


def lookup(keys):
    return [CACHE.get(k) for k in keys]


def fill(pairs):
    for key, value in pairs:
        CACHE.put(key, value)


def count(names):
    for name in names:
        record(name)


def fresh(pairs):
    mine = LockedCache()
    for key, value in pairs:
        mine.put(key, value)


def heavy(pairs, sink):
    for key, value in pairs:
        text = value.strip().lower()
        sink.write(text)
        sink.flush()
        CACHE.put(key, text)


def announce(pairs):
    for key, value in pairs:
        CACHE.publish(key, value)


def setup_defaults(pairs):
    for key, value in pairs:
        CACHE.put(key, value)
"""


def test_locked_functions_of_another_file_called_per_item(run_cli, tmp_path):
    write_files(tmp_path, {"app/__init__.py": "", "app/cache.py": CACHE, "app/views.py": VIEWS})
    found = findings_here(run_cli, "--select", "TL301")
    assert lines_in(found, "app/views.py") == [7, 12, 17], found
    messages = {line: message for _, line, message in found}
    assert messages[7].startswith(
        "`CACHE.get()` runs `LockedCache.get()`, which holds `Lock` `self._lock` for its "
        "whole body, on every pass of the comprehension over `keys`"
    )
    assert messages[17].startswith("`record()` holds `Lock` `_stats_lock` for its whole body")


def test_the_same_file_is_reported_once(run_cli, tmp_path):
    """The loop and the locked method in one file: the walk's finding, not a second one
    from the index."""
    local = CACHE + "\n\ndef fill(cache: LockedCache, pairs):\n"
    local += "    for key, value in pairs:\n        cache.put(key, value)\n"
    write_files(tmp_path, {"app/__init__.py": "", "app/cache.py": local})
    found = findings_here(run_cli, "--select", "TL301")
    assert lines_in(found, "app/cache.py") == [35], found


def test_a_users_own_lock_class_is_not_a_lock(run_cli, tmp_path):
    """Shadowing: ``Lock`` is the project's own class, not ``threading.Lock``."""
    own = CACHE.replace("import threading\n", "from app.locks import Lock\n").replace(
        "threading.Lock()", "Lock()"
    )
    locks = "class Lock:\n    def __enter__(self):\n        return self\n\n"
    locks += "    def __exit__(self, *exc):\n        return False\n"
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/locks.py": locks,
            "app/cache.py": own,
            "app/views.py": VIEWS,
        },
    )
    assert findings_here(run_cli, "--select", "TL301") == []
