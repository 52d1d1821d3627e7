"""TL302 through the project's own helpers (issue 16, the dbutils pool shape): a call made
while a lock is held to a sync function of the project that blocks, in the same module or
another, cited with the helper's blocking call (the index's summaries, as TL404). Run
through the real CLI."""

from __future__ import annotations

from expectations import findings_here, lines_in, write_files


def _findings(run_cli) -> list[tuple[str, int, str]]:
    return findings_here(run_cli, "--preview", "--select", "TL302")


POOL = """\
    import threading

    import requests

    from app.connect import open_connection


    class Pool:
        def __init__(self, url):
            self._lock = threading.Condition()
            self._url = url
            self._idle = []

        def steady_connection(self):
            return open_connection(self._url)

        def _ping(self):
            return requests.head(self._url, timeout=1)

        def _label(self, con):
            return f"{self._url}:{con}"

        def connection(self):
            with self._lock:
                try:
                    con = self._idle.pop(0)
                except IndexError:
                    con = self.steady_connection()
                else:
                    self._ping()
                return self._label(con)
    """

CONNECT = """\
    import socket


    def open_connection(url):
        host, _, port = url.partition(":")
        return socket.create_connection((host, int(port)))
    """


def test_a_helper_that_connects_or_pings_under_the_pool_lock(run_cli, tmp_path):
    write_files(
        tmp_path,
        {"app/__init__.py": "", "app/pool.py": POOL, "app/connect.py": CONNECT},
    )
    found = _findings(run_cli)
    assert lines_in(found, "app/pool.py") == [28, 30]
    messages = {line: message for _, line, message in found}
    assert messages[28].startswith(
        "blocking call through `self.steady_connection()` -> `open_connection()` -> "
        "`socket.create_connection()` "
        "(app.connect, line 6) while `self._lock` is held"
    )
    assert messages[30].startswith(
        "blocking call through `self._ping()` -> `requests.head()` (app.pool, line 18) "
        "while `self._lock` is held"
    )


def test_the_helpers_called_outside_the_lock_are_clean(run_cli, tmp_path):
    good = POOL.replace(
        """\
            with self._lock:
                try:
                    con = self._idle.pop(0)
                except IndexError:
                    con = self.steady_connection()
                else:
                    self._ping()
                return self._label(con)
    """,
        """\
            with self._lock:
                con = self._idle.pop(0) if self._idle else None
            if con is None:
                con = self.steady_connection()
            else:
                self._ping()
            with self._lock:
                return self._label(con)
    """,
    )
    assert good != POOL
    write_files(
        tmp_path,
        {"app/__init__.py": "", "app/pool.py": good, "app/connect.py": CONNECT},
    )
    assert _findings(run_cli) == []


def test_near_misses_a_per_connection_lock_an_async_helper_and_a_pure_helper(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "store.py": """\
                import asyncio
                import sqlite3
                import threading

                import httpx


                class Store:
                    def __init__(self, path):
                        self._lock = threading.Lock()
                        self._db = sqlite3.connect(path, check_same_thread=False)
                        self._keys = set()

                    def _insert(self, key, value):
                        self._db.execute("INSERT INTO kv VALUES (?, ?)", (key, value))

                    def _remember(self, key):
                        self._keys.add(key)

                    async def _notify(self, key):
                        async with httpx.AsyncClient() as client:
                            await client.post("https://hooks.example", json={"key": key})

                    def put(self, key, value):
                        with self._lock:
                            self._insert(key, value)
                            self._remember(key)
                            pending = self._notify(key)
                        asyncio.run(pending)
                """,
        },
    )
    assert _findings(run_cli) == []


def test_a_base_class_method_whose_subclass_override_connects(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "db.py": """\
                import sqlite3
                import threading


                class Database:
                    def __init__(self, path):
                        self._lock = threading.Lock()
                        self.path = path
                        self.conn = None

                    def _connect(self):
                        raise NotImplementedError

                    def _describe(self):
                        return "db"

                    def connect(self):
                        with self._lock:
                            self.conn = self._connect()
                            return self._describe()


                class SqliteDatabase(Database):
                    def _connect(self):
                        return sqlite3.connect(self.path)
                """,
        },
    )
    found = _findings(run_cli)
    assert lines_in(found, "db.py") == [19]
    (message,) = [m for _, line, m in found if line == 19]
    assert message.startswith("blocking call through `self._connect()` -> ")
    assert "`sqlite3.connect()`" in message
