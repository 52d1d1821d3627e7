"""Whether a call leaves the GIL: what TL205 asks of the work a thread pool runs.

A function submitted to a thread pool gains from the threads only while it waits (I/O,
a child process, a sleep, a lock) or runs C code that releases the GIL (``hashlib``,
``zlib``, numpy...). ``call_cpu_bits`` classifies one call for the project index's
per-function ``cpu`` facts: ``IO`` (it waits), ``NATIVE`` (it releases the GIL to compute);
``LOOPS`` marks a function that loops in Python. Database and network calls are the
shared effect classifiers' (``Effect``); this module adds the rest of the standard
library's waits and the packages known to release the GIL. Other method calls (on a
receiver nothing resolves, an attribute of ``self``, a third-party object) are judged by
the method's name (``read``, ``upload_file``, ``download``...).
"""

from __future__ import annotations

import ast
import sys
from typing import TYPE_CHECKING

from throughlint.semantic.expressions import call_argument

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

LOOPS = 1
IO = 2
NATIVE = 4

# modules (the first part of a resolved name) whose calls wait on the outside world
IO_MODULES = frozenset(
    {"os", "shutil", "subprocess", "socket", "select", "selectors", "ssl", "urllib.request",
     "http.client", "ftplib", "smtplib", "poplib", "imaplib", "sqlite3", "dbm", "shelve",
     "tempfile", "queue", "multiprocessing", "concurrent", "asyncio", "webbrowser",
     "requests", "httpx", "urllib3", "aiohttp", "boto3", "botocore", "google", "azure",
     "redis", "pymongo", "psycopg2", "psycopg", "pymysql", "MySQLdb", "sqlalchemy", "paramiko",
     "kombu", "pika", "elasticsearch", "grpc", "docker", "kubernetes", "fsspec", "s3fs",
     "smart_open", "serial", "pexpect", "sh", "git", "ldap3"}
)  # fmt: skip
# names in otherwise CPU-bound modules that wait
IO_NAMES = frozenset(
    {"builtins.input", "time.sleep", "threading.Event().wait",
     "threading.Condition().wait", "threading.Thread().join", "threading.Lock().acquire",
     "threading.RLock().acquire", "threading.Semaphore().acquire", "json.dump", "pickle.dump",
     "django.core.files", "django.db"}
)  # fmt: skip
# packages whose work runs in C or Rust with the GIL released
NATIVE_MODULES = frozenset(
    {"hashlib", "zlib", "bz2", "lzma", "gzip", "numpy", "scipy", "pandas", "PIL", "cv2",
     "torch", "tensorflow", "jax", "pyarrow", "polars", "tiktoken", "tokenizers", "lxml",
     "cryptography", "nacl", "bcrypt", "argon2", "zstandard", "zstd", "lz4", "brotli",
     "blake3", "xxhash", "numba", "sklearn", "onnxruntime", "pyzstd", "rapidjson"}
)  # fmt: skip
# methods that wait, for calls on a receiver nothing resolves
IO_METHODS = frozenset(
    {"read", "readline", "readlines", "read_text", "read_bytes", "write", "writelines",
     "write_text", "write_bytes", "send", "sendall", "recv", "recv_into", "download", "upload",
     "fetch", "request", "urlopen", "connect", "execute", "executemany", "commit", "flush",
     "save", "sleep", "wait", "result", "acquire", "communicate", "put_object", "get_object",
     "open", "urlretrieve", "retrieve", "subscribe", "publish", "delete_object", "invoke"}
)  # fmt: skip
_WAIT_KEYWORDS = frozenset({"timeout", "headers"})
_HTTP_VERBS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "stream"})
IO_PREFIXES = ("download_", "upload_", "fetch_", "send_", "recv_", "read_", "write_", "save_")


def call_cpu_bits(model: SemanticModel, call: ast.Call) -> int:
    """``IO`` or ``NATIVE`` for a call that leaves the GIL, else 0."""
    name = model.resolve(call.func)
    if name in ("builtins.open", "io.open", "codecs.open", "gzip.open", "bz2.open", "lzma.open"):
        mode = call_argument(call, 1, "mode")
        if isinstance(mode, ast.Constant) and _WRITE_MODE & set(str(mode.value)):
            return IO
        return NATIVE if name in _DECOMPRESS else 0  # decompression releases the GIL
    if name is not None:
        found = name_cpu_bits(name)
        if found or name.split(".", 1)[0] in _STDLIB:
            return found  # the standard library is classified by name, above
    if any(keyword.arg in _WAIT_KEYWORDS for keyword in call.keywords):
        return IO  # a call given a timeout (or request headers) waits for something
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _HTTP_VERBS and _names_url(call):
        return IO  # ``client.get(url)`` on a client of unknown type
    if isinstance(func, ast.Attribute) and not isinstance(func.value, ast.Constant):
        method = func.attr
        if method in IO_METHODS or method.startswith(IO_PREFIXES):
            return IO
    return 0


# path arithmetic and metadata: string work or one quick system call, no wait
_OS_QUICK = frozenset(
    {"os.path", "os.stat", "os.lstat", "os.listdir", "os.scandir", "os.walk", "os.fspath",
     "os.getcwd", "os.environ", "os.getenv", "os.cpu_count", "os.getpid", "os.sep",
     "os.linesep", "os.fsencode", "os.fsdecode"}
)  # fmt: skip
# writing files waits on the disk; reading one to parse it does not make work I/O-bound
# (a local read is mostly the page cache), so only writes and modifications count
_STDLIB = frozenset({*sys.stdlib_module_names, "builtins"})
_WRITE_MODE = frozenset("wax+")
_DECOMPRESS = frozenset({"gzip.open", "bz2.open", "lzma.open"})
_PATH_WRITES = ("write_", "unlink", "rename", "replace", "mkdir", "rmdir", "touch", "chmod")


def name_cpu_bits(name: str) -> int:
    """``IO`` or ``NATIVE`` for a resolved name (a call's, or a third-party callee's)."""
    method = name.rsplit(".", 1)[-1]
    if name.startswith(("builtins.open().", "io.open().")):
        return IO if method in ("write", "writelines") else 0
    if name.startswith(("io.", "pathlib.")):  # in-memory buffers; paths: writes only
        return IO if name.startswith("pathlib.") and method.startswith(_PATH_WRITES) else 0
    if name.startswith("os.") and name.startswith(tuple(_OS_QUICK)):
        return 0
    top = name.split(".", 1)[0]
    if top in NATIVE_MODULES:
        return NATIVE
    if (
        top in IO_MODULES
        or ".".join(name.split(".", 2)[:2]) in IO_MODULES
        or any(name == known or name.startswith((f"{known}.", f"{known}(")) for known in IO_NAMES)
    ):
        return IO
    return 0


def _names_url(call: ast.Call) -> bool:
    """The first argument names a URL: ``url``, ``self.base_url``, ``"https://..."``."""
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Name):
        return "url" in first.id.lower()
    if isinstance(first, ast.Attribute):
        return "url" in first.attr.lower()
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value.startswith(("http://", "https://"))
    if isinstance(first, ast.JoinedStr) and first.values:
        head = first.values[0]
        return isinstance(head, ast.Constant) and str(head.value).startswith(("http", "/"))
    return False
