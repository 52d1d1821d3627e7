"""Real PostgreSQL and redis servers for the fix tests, started once per test session in
a temporary folder on a free port and stopped at the end. Skipped, with the reason, only
where the server binary is not installed (Debian: ``apt-get install postgresql
redis-server``). PostgreSQL refuses to run as root: as root, the server runs as the
``postgres`` user that the Debian package creates."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


class ServerUnavailable(Exception):
    """No server binary here (the message says what to install)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def _as_server_user(command: list[str]) -> list[str]:
    """Run as ``postgres`` when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a fresh PostgreSQL cluster; yields a libpq connection string."""
    bindir = _postgres_bin()
    if bindir is None:
        raise ServerUnavailable("no PostgreSQL server binary (initdb): apt-get install postgresql")
    user = None
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            raise ServerUnavailable(
                "running as root and there is no `postgres` user to run the server"
            ) from None
    folder = tempfile.mkdtemp(prefix="throughlint-pg-")
    if user is not None:
        os.chown(folder, user.pw_uid, user.pw_gid)
    data = os.path.join(folder, "data")
    port = free_port()
    try:
        subprocess.run(
            _as_server_user(
                [f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {folder} -c listen_addresses='' -c fsync=off"
        subprocess.run(
            _as_server_user(
                [f"{bindir}/pg_ctl", "-D", data, "-o", options, "-l", f"{data}/log", "-w", "start"]
            ),
            check=True,
            capture_output=True,
        )
        yield f"host={folder} port={port} user=postgres dbname=postgres"
    finally:
        if os.path.exists(os.path.join(data, "postmaster.pid")):
            subprocess.run(
                _as_server_user([f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"]),
                capture_output=True,
            )
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def redis_server() -> Iterator[str]:
    """Start a redis-server with no persistence; yields its ``redis://`` URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise ServerUnavailable("no redis-server binary: apt-get install redis-server")
    folder = tempfile.mkdtemp(prefix="throughlint-redis-")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", folder],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    """A libpq connection string to a fresh PostgreSQL cluster (database ``postgres``)."""
    try:
        server = postgres_server()
        dsn = server.__enter__()
    except ServerUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield dsn
    finally:
        server.__exit__(None, None, None)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """``redis://`` URL of a fresh redis-server with no persistence."""
    try:
        server = redis_server()
        url = server.__enter__()
    except ServerUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        server.__exit__(None, None, None)
