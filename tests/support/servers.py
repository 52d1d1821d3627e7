"""Real PostgreSQL, redis and RabbitMQ servers for the fix tests, started once per test session in
a temporary folder on a free port and stopped at the end. Skipped, with the reason, only
where the server binary is not installed (Debian: ``apt-get install postgresql
redis-server rabbitmq-server``). PostgreSQL refuses to run as root: as root, the server runs as the
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
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

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


def _for_the_session(start: Callable[[], AbstractContextManager[str]]) -> Iterator[str]:
    """A server started once for the test session, or the test skipped with the reason
    when its binary is not installed."""
    try:
        server = start()
        address = server.__enter__()
    except ServerUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield address
    finally:
        server.__exit__(None, None, None)


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    """A libpq connection string to a fresh PostgreSQL cluster (database ``postgres``)."""
    yield from _for_the_session(postgres_server)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """``redis://`` URL of a fresh redis-server with no persistence."""
    yield from _for_the_session(redis_server)


@contextmanager
def rabbitmq_server() -> Iterator[str]:
    """Start a RabbitMQ node (no plugins) in a temporary folder, with its own Erlang port
    mapper on a free port, stopped with it; yields its ``amqp://`` URL."""
    binary = "/usr/lib/rabbitmq/bin/rabbitmq-server"
    epmd = shutil.which("epmd") or "/usr/lib/erlang/bin/epmd"
    if not os.path.exists(binary):
        raise ServerUnavailable("no RabbitMQ server: apt-get install rabbitmq-server")
    folder = tempfile.mkdtemp(prefix="throughlint-rabbitmq-")
    port, dist, mapper = free_port(), free_port(), free_port()
    with open(os.path.join(folder, "enabled_plugins"), "w") as handle:
        handle.write("[].\n")
    with open(os.path.join(folder, "rabbitmq.conf"), "w") as handle:
        handle.write("loopback_users = none\n")
    env = {
        **os.environ,
        "HOME": folder,
        "RABBITMQ_NODE_PORT": str(port),
        "RABBITMQ_DIST_PORT": str(dist),
        "RABBITMQ_NODENAME": f"throughlint{port}@localhost",
        "RABBITMQ_MNESIA_BASE": os.path.join(folder, "mnesia"),
        "RABBITMQ_LOG_BASE": os.path.join(folder, "log"),
        "RABBITMQ_ENABLED_PLUGINS_FILE": os.path.join(folder, "enabled_plugins"),
        "RABBITMQ_CONFIG_FILE": os.path.join(folder, "rabbitmq"),
        "ERL_EPMD_PORT": str(mapper),
    }
    process = subprocess.Popen(
        [binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as probe:
                    probe.sendall(b"AMQP\x00\x00\x09\x01")  # a protocol header: the
                    probe.settimeout(5)  # broker answers with connection.start when up
                    if probe.recv(1):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("rabbitmq-server did not start") from None
            time.sleep(0.2)
        yield f"amqp://guest:guest@127.0.0.1:{port}/%2F"
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=10)
        subprocess.run([epmd, "-kill"], env=env, capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def rabbitmq_url() -> Iterator[str]:
    """``amqp://`` URL of a fresh RabbitMQ node."""
    yield from _for_the_session(rabbitmq_server)
