"""Calls that wait on I/O or time: what must not run on an event loop (TL404) or while a
lock is held (TL302). Named stdlib and client calls by qualified name, plus the shared
database (``database.py``) and remote-call (``remote.py``) classification."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from throughlint.effects.database import classify_call
from throughlint.effects.remote import remote_call
from throughlint.semantic.expressions import root_name

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel
    from throughlint.settings import Settings

_HTTP = ("get", "post", "put", "patch", "delete", "head", "options", "request")
SLEEPS: frozenset[str] = frozenset({"time.sleep"})
TREES: frozenset[str] = frozenset(
    {f"shutil.{name}" for name in ("copy", "copy2", "copyfile", "copyfileobj", "copytree",
                                   "move", "rmtree", "make_archive", "unpack_archive")}
    | {f"{opener}.{method}" for opener in ("tarfile.open()", "tarfile.TarFile()",
                                           "tarfile.TarFile.open()", "zipfile.ZipFile()")
       for method in ("extractall", "extract")}
)  # fmt: skip
"""Whole files, trees and archives copied, moved, removed or unpacked: unlike a small
read (``FILES``), their size is the data's, so they count through helpers too."""
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
    | TREES
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
        if found.lazy or _in_memory(model, call, found):
            return None
        what = f"`{found.api}`" if found.api else f"`{short(name)}()`"
        return Blocking(what, database=True)
    remote = remote_call(model, call, settings)
    if remote is None:
        return None
    return Blocking(f"the {remote.client} call `{remote.method}()`", remote.asynchronous)


# SQLAlchemy session methods that only change what the session holds: the I/O is the
# flush or commit after them
_SESSION_MEMORY = frozenset({"add", "add_all", "expunge", "expunge_all"})


def _in_memory(model: SemanticModel, call: ast.Call, found) -> bool:
    """A SQLAlchemy call that does no I/O itself: ``session.add(obj)``, or a read of a
    result already fetched by an awaited call (``result = await db.execute(q)`` then
    ``result.scalars().all()``: an async session buffers the rows)."""
    if found.framework != "sqlalchemy":
        return False
    if found.method in _SESSION_MEMORY:
        return True
    root = root_name(call.func)
    binding = model.lookup(root) if root is not None else None
    return isinstance(getattr(binding, "value", None), ast.Await)


def short(name: str) -> str:
    return name.replace("()", "").removeprefix("builtins.")


_SYNC_CLIENTS: dict[str, str] = {
    **dict.fromkeys(("boto3.client", "boto3.resource", "boto3.Session.client",
                     "boto3.Session.resource", "boto3.session.Session.client",
                     "boto3.session.Session.resource"), "boto3"),
    **dict.fromkeys(("redis.Redis", "redis.StrictRedis", "redis.from_url",
                     "redis.Redis.from_url", "redis.client.Redis"), "redis"),
    "elasticsearch.Elasticsearch": "Elasticsearch",
    "opensearchpy.OpenSearch": "OpenSearch",
    "requests.Session": "requests session",
    "httpx.Client": "httpx client",
    **dict.fromkeys(("sqlite3.connect", "psycopg2.connect", "psycopg.connect",
                     "psycopg.Connection.connect", "pymysql.connect", "MySQLdb.connect",
                     "mysql.connector.connect"), "database connection"),
    "sqlalchemy.create_engine": "SQLAlchemy engine",
}  # fmt: skip
"""Library constructors of clients whose calls block, by the kind named in messages; the
index's ``made`` facts say which project functions return a new one."""
SYNC_CLIENT_KINDS: frozenset[str] = frozenset(_SYNC_CLIENTS)
_CLIENT_LOCAL: dict[str, frozenset[str]] = {
    "boto3": frozenset({"get_paginator", "get_waiter", "can_paginate", "close", "meta",
                        "exceptions", "generate_presigned_url", "generate_presigned_post"}),
    "redis": frozenset({"pipeline", "pubsub", "lock", "register_script", "close",
                        "get_encoder", "get_connection_kwargs"}),
    "Elasticsearch": frozenset({"options", "close", "transport"}),
    "OpenSearch": frozenset({"close", "transport"}),
}  # fmt: skip
_CLIENT_ONLY: dict[str, frozenset[str]] = {
    "requests session": frozenset({*_HTTP, "send"}),
    "httpx client": frozenset({*_HTTP, "send", "stream"}),
    "database connection": frozenset({"execute", "executemany", "executescript", "commit",
                                      "rollback"}),
    "SQLAlchemy engine": frozenset({"connect", "begin", "execute", "raw_connection"}),
}  # fmt: skip


def client_method_blocks(made: str, method: str) -> str | None:
    """``method`` called on a client that ``made`` (a library constructor in
    ``SYNC_CLIENT_KINDS``) built waits on the network or a database: the client's kind for
    messages (``boto3``), or None (a local helper such as ``get_paginator`` or ``pipeline``, a
    sub-resource like ``s3.Bucket(...)``, a private name)."""
    kind = _SYNC_CLIENTS.get(made)
    if kind is None or not method or method.startswith("_"):
        return None
    first = method.split(".", 1)[0]
    if "." in method and kind not in ("Elasticsearch", "OpenSearch"):
        return None  # ``client.meta.events``: an attribute of the client, not a call on it
    if first[0].isupper() or first in _CLIENT_LOCAL.get(kind, frozenset()):
        return None
    only = _CLIENT_ONLY.get(kind)
    if only is not None and method not in only:
        return None
    return kind
