"""Calls that wait on I/O or time: what must not run on an event loop (TL404) or while a
lock is held (TL302). Named stdlib and client calls by qualified name, plus the shared
database (``database.py``) and remote-call (``remote.py``) classification."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from throughlint.effects.database import classify_call
from throughlint.effects.remote import remote_call

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel
    from throughlint.settings import Settings

_HTTP = ("get", "post", "put", "patch", "delete", "head", "options", "request")
SLEEPS: frozenset[str] = frozenset({"time.sleep"})
BLOCKING: frozenset[str] = frozenset(
    {"time.sleep", "builtins.input", "os.system", "os.popen", "os.waitpid",
     "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
     "subprocess.getoutput", "subprocess.getstatusoutput", "subprocess.Popen().wait",
     "subprocess.Popen().communicate", "urllib.request.urlopen", "socket.create_connection",
     "socket.getaddrinfo", "socket.gethostbyname", "sqlite3.connect", "psycopg2.connect",
     "pymysql.connect", "MySQLdb.connect", "mysql.connector.connect", "pymssql.connect",
     "cx_Oracle.connect", "oracledb.connect", "smtplib.SMTP", "smtplib.SMTP_SSL",
     "ftplib.FTP", "urllib3.PoolManager().request", "urllib3.PoolManager().urlopen"}
    | {f"requests.{verb}" for verb in _HTTP}
    | {f"requests.api.{verb}" for verb in _HTTP}
    | {f"requests.Session().{verb}" for verb in _HTTP}
    | {f"requests.sessions.Session().{verb}" for verb in _HTTP}
    | {f"httpx.{verb}" for verb in (*_HTTP, "stream")}
    | {f"httpx.Client().{verb}" for verb in (*_HTTP, "send", "stream")}
)  # fmt: skip
FILES: frozenset[str] = frozenset(
    {f"builtins.open().{method}" for method in ("read", "readlines", "write", "writelines")}
    | {f"pathlib.Path().{method}" for method in ("read_text", "read_bytes", "write_text",
                                                 "write_bytes")}
)  # fmt: skip
"""File reads and writes: they wait on the disk, mostly briefly (a small config or
template, page-cached), so TL404 counts them only when made in the coroutine itself."""
SOCKETS: frozenset[str] = frozenset(
    f"socket.socket().{method}"
    for method in ("recv", "recv_into", "recvfrom", "send", "sendall", "sendto", "connect",
                   "accept")
)  # fmt: skip
"""A blocking socket's calls: a lock held around them is usually what serialises them
(TL302 leaves them out); on an event loop they stall it (TL404)."""


@dataclass(frozen=True, slots=True)
class Blocking:
    """A call that waits: ``what`` names it for messages; ``asynchronous`` for an async
    client's call (it waits only when awaited); ``module_level`` for a module function
    (``requests.get``) rather than a method of an object the code holds; ``database``
    for a database call (its connection is not shared between threads unguarded)."""

    what: str
    asynchronous: bool = False
    module_level: bool = False
    database: bool = False


def blocking_call(
    model: SemanticModel,
    call: ast.Call,
    settings: Settings,
    *,
    files: bool = False,
    sockets: bool = False,
) -> Blocking | None:
    """The wait ``call`` makes, or None; ``files`` and ``sockets`` count file reads and
    writes and blocking socket calls too."""
    name = model.resolve(call.func)
    if name is None:
        return None
    if name in BLOCKING or (files and name in FILES) or (sockets and name in SOCKETS):
        return Blocking(f"`{short(name)}()`", module_level="()" not in name)
    found = classify_call(model, call, settings)
    if found is not None:
        if found.lazy:
            return None
        what = f"`{found.api}`" if found.api else f"`{short(name)}()`"
        return Blocking(what, database=True)
    remote = remote_call(model, call, settings)
    if remote is None:
        return None
    return Blocking(f"the {remote.client} call `{remote.method}()`", remote.asynchronous)


def short(name: str) -> str:
    return name.replace("()", "").removeprefix("builtins.")
