"""A content-hash cache of per-file results: one JSON file per (tool version, build of
the code, settings).

JSON rather than pickle: a cache folder can come from an untrusted checkout, and loading
it must never run code. A corrupt or unreadable cache is treated as empty; an unwritable
one is skipped.

A run that changes a few entries (one file edited before a pre-commit run) does not
rewrite the whole file (12 MB for a 5,000-file project): the entries changed since it was
written go to a small file beside it (``<cache>.recent``), which names the (mtime, size)
of the file it completes and is read only while that file is unchanged. When it grows
past a share of the entries, the whole cache is written again and it is removed.

Nor does such a run read the whole file unless it asks for an entry outside the recent
ones: decoding it is 0.1 s for 5,000 files, and a run over an edited file whose findings
need no other file's facts asks for none (``Project.lint_paths``).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import tempfile
from functools import cache
from typing import Any

from throughlint import __version__

# a file's own pending findings and rule codes: read only when that file is linted, so
# they are stored as one JSON text that a run over other files never decodes, in base64:
# a JSON text inside a JSON string escapes every quote, and scanning those escapes was a
# third of the time to decode the cache (0.16 s against 0.11 s for 5,051 files)
_OWN_KEYS = ("p", "codes")

_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# throughlint cache folder\n"


_PACKAGE = os.path.dirname(os.path.abspath(__file__))

# the recent entries are written alone while they are at most this many, or this share
# of all entries: beyond, reading them beside the whole would cost more than rewriting it
_RECENT_MIN = 64
_RECENT_SHARE = 16


@cache
def build_digest(package: str = _PACKAGE) -> str:
    """A digest of the code that writes the cache (every ``.py`` file of the package: its
    path, size and modification time), so that a cache written by another build of the same
    version (a development checkout before an edit: other facts, other findings) is never
    read. A stat per file, no read: a content hash of the package would cost more than a
    warm one-file run can spare, and an edit changes a file's time. The files of other
    builds are left in place: two installs of one version (pre-commit's and a virtual
    environment's) used in turn each keep a warm cache."""
    entries: list[str] = []
    for folder, folders, files in os.walk(package):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                info = os.stat(path)
                relative = os.path.relpath(path, package)
                entries.append(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}")
    return content_hash("\n".join(entries).encode())[:12]


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def entry_digest(content: str, module: str) -> str:
    """The key of a file's cached results and facts: its content hash *and* its dotted
    module name, which the facts and some messages carry (an ``__init__.py`` added or
    removed above an unchanged file changes it)."""
    return content_hash(f"{content}\0{module}".encode())


def cache_name(settings_fingerprint: str) -> str:
    """The cache file of these settings, for this version and build of the code."""
    return f"v{__version__}-{build_digest()}-{settings_fingerprint}.json"


def recent_path(cache_path: str) -> str:
    """The file of the entries changed since the cache ``cache_path`` was written whole."""
    return cache_path.removesuffix(".json") + ".recent"


def cache_state(cache_path: str) -> list[int] | None:
    """[mtime_ns, size] of the cache file and of its recent entries ([0, 0]: none), None
    without a cache file: a run that changed the cache changed one of them."""
    try:
        info = os.stat(cache_path)
    except OSError:
        return None
    try:
        recent = os.stat(recent_path(cache_path))
    except OSError:
        return [info.st_mtime_ns, info.st_size, 0, 0]
    return [info.st_mtime_ns, info.st_size, recent.st_mtime_ns, recent.st_size]


class ResultCache:
    def __init__(self, directory: str, settings_fingerprint: str) -> None:
        self.directory = directory
        self.path = os.path.join(directory, cache_name(settings_fingerprint))
        self.entries: dict[str, list[Any]] = {}
        # path -> [mtime_ns, size, content hash]: a project's other files are not read
        # again while their stat is unchanged (as ruff and mypy do)
        self.stats: dict[str, list[Any]] = {}
        self._dirty = False
        self._keys: dict[str, str] = {}
        # the whole file's [mtime_ns, size] as read (None: none was read), and the keys of
        # the entries and stats changed since it was written (``recent_path``)
        self._whole: list[int] | None = None
        self._recent: set[str] = set()
        self._recent_stats: set[str] = set()
        # the whole file is read on the first look-up outside the recent entries: until
        # then ``entries`` and ``stats`` hold the recent ones and this run's (``_mine``)
        self._unread = False
        self._mine: set[str] = set()
        self._mine_stats: set[str] = set()

    def _key(self, path: str) -> str:
        """Entries are keyed by absolute path (normalised once per path: a run over a
        project asks about each file several times; a relative one follows the cwd)."""
        if path in self.stats or path in self.entries:
            return path  # keys are absolute and normalised: ``path`` is one
        key = self._keys.get(path)
        if key is None:
            key = os.path.abspath(path)
            if os.path.isabs(path):
                self._keys[path] = key
        return key

    def load(self) -> ResultCache:
        """Read the recent entries; the whole file is read when an entry outside them is
        first asked for (``read_whole``)."""
        try:
            info = os.stat(self.path)
        except OSError:
            return self
        self._whole = [info.st_mtime_ns, info.st_size]
        self._unread = True
        self._load_recent()
        return self

    @property
    def whole_read(self) -> bool:
        """Whether the whole file was read (or there was none to read)."""
        return not self._unread

    def read_whole(self) -> None:
        """Read the whole file, with its recent entries, as they are now, under this run's
        own changes. A whole file unreadable, or written again since ``load``: the recent
        entries read then are dropped with it, as an eager read would have."""
        if not self._unread:
            return
        self._unread = False
        mine = {key: self.entries[key] for key in self._mine if key in self.entries}
        mine_stats = {key: self.stats[key] for key in self._mine_stats if key in self.stats}
        self.entries, self.stats = {}, {}
        self._whole = None
        self._recent, self._recent_stats = set(), set()
        try:
            with open(self.path, encoding="utf-8") as handle:
                whole = os.fstat(handle.fileno())
                data = json.loads(handle.read())
        except (OSError, ValueError, RecursionError):  # unreadable, not JSON, nested too deeply
            data = None
        if isinstance(data, dict) and isinstance(data.get("files"), dict):
            self.entries = data["files"]
            if isinstance(data.get("stat"), dict):
                self.stats = data["stat"]
            self._whole = [whole.st_mtime_ns, whole.st_size]
            self._load_recent()
        self.entries.update(mine)
        self.stats.update(mine_stats)
        self._recent.update(mine)
        self._recent_stats.update(mine_stats)

    def _entry(self, key: str, read: bool = True) -> Any:
        entry = self.entries.get(key)
        if entry is None and read and self._unread:
            self.read_whole()
            entry = self.entries.get(key)
        return entry

    def _load_recent(self) -> None:
        """Lay the recent entries over the whole file's, when they complete this file."""
        try:
            with open(recent_path(self.path), encoding="utf-8") as handle:
                data = json.loads(handle.read())
        except (OSError, ValueError, RecursionError):
            return
        if not isinstance(data, dict) or data.get("whole") != self._whole:
            return  # written beside another state of the whole file: stale
        files, stats = data.get("files"), data.get("stat")
        if not isinstance(files, dict) or not isinstance(stats, dict):
            return
        self.entries.update(files)
        self.stats.update(stats)
        self._recent.update(files)
        self._recent_stats.update(stats)

    def digest_by_stat(self, path: str, stat: tuple[int, int], *, read: bool = True) -> str | None:
        """The content hash recorded for ``path`` when its (mtime, size) was ``stat``
        (``read`` False: only among the entries read so far)."""
        key = self._key(path)
        entry = self.stats.get(key)
        if entry is None and read and self._unread:
            self.read_whole()
            entry = self.stats.get(key)
        if isinstance(entry, list) and len(entry) == 3 and tuple(entry[:2]) == stat:
            return entry[2] if isinstance(entry[2], str) else None
        return None

    def remember_stat(self, path: str, stat: tuple[int, int], digest: str) -> None:
        key = self._key(path)
        self.stats[key] = [stat[0], stat[1], digest]
        self._recent_stats.add(key)
        self._mine_stats.add(key)
        self._dirty = True

    def get(self, path: str, digest: str, *, read: bool = True) -> list | None:
        """A file's cached results under ``digest`` (``read`` False: only among the
        entries read so far: a file known to have changed need not read the whole)."""
        entry = self._entry(self._key(path), read)
        if isinstance(entry, list) and len(entry) in (2, 3, 4) and entry[0] == digest:
            return entry[1]
        return None

    def known_facts(self, path: str, digest: str) -> tuple[bool, dict | None]:
        """(whether the project-index facts of this content are stored, the facts shared
        with other files: without the file's own pending findings): an entry written by a
        full lint or by a facts-only collection (results ``None``)."""
        entry = self._entry(self._key(path))
        if not isinstance(entry, list) or len(entry) not in (2, 3, 4) or entry[0] != digest:
            return False, None
        facts = entry[2] if len(entry) >= 3 else None
        return True, facts if isinstance(facts, dict) else None

    def facts(self, path: str) -> dict | None:
        """All the project-index facts stored with a file's results (after a ``get`` hit),
        its own pending findings included."""
        entry = self._entry(self._key(path))
        if not isinstance(entry, list) or len(entry) not in (3, 4):
            return None
        if not isinstance(entry[2], dict):
            return None
        if len(entry) == 3 or not isinstance(entry[3], str):
            return entry[2]
        try:
            own = json.loads(base64.b64decode(entry[3], validate=True))
        except (ValueError, binascii.Error):
            return entry[2]
        return {**entry[2], **own} if isinstance(own, dict) else entry[2]

    def put(self, path: str, digest: str, results: list | None, facts: dict | None = None) -> None:
        """``results`` None: only the facts are known (the file was not linted)."""
        if facts is None:
            entry = [digest, results]
        else:
            shared = {key: value for key, value in facts.items() if key not in _OWN_KEYS}
            own = {key: facts[key] for key in _OWN_KEYS if key in facts}
            entry = [digest, results, shared]
            if own:
                text = json.dumps(own, separators=(",", ":")).encode()
                entry.append(base64.b64encode(text).decode("ascii"))
        key = self._key(path)
        self.entries[key] = entry
        self._recent.add(key)
        self._mine.add(key)
        self._dirty = True

    def save(self) -> None:
        if not self._dirty:
            return
        if self._unread and max(len(self._recent), len(self._recent_stats)) > _RECENT_MIN:
            self.read_whole()  # the limit is a share of every entry; or it is written whole
        try:
            os.makedirs(self.directory, exist_ok=True)
            self._write_markers()
            if self._save_recent():
                self._dirty = False
                return
            if self._unread:  # written again by another run since: read it, add to it
                self.read_whole()
                if self._save_recent():
                    self._dirty = False
                    return
            descriptor, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                document = {"files": self.entries, "stat": self.stats}
                # ``dumps``, not ``dump``: ``dump`` writes through the pure-Python encoder
                # (0.7 s against 0.2 s for the 12 MB cache of a 5,000-file project)
                handle.write(json.dumps(document, separators=(",", ":")))
                handle.flush()
                whole = os.fstat(handle.fileno())
            os.replace(temporary, self.path)
        except OSError:
            return
        # the recent entries are in the whole file now (and stale: it has another stat)
        self._whole = [whole.st_mtime_ns, whole.st_size]
        self._recent.clear()
        self._recent_stats.clear()
        with contextlib.suppress(OSError):
            os.remove(recent_path(self.path))
        self._dirty = False  # written: a long-lived project saves again only after a change

    def _save_recent(self) -> bool:
        """Write only the entries changed since the whole file was (False: write it whole:
        there is none, it changed since it was read, or they are too many)."""
        if self._whole is None:
            return False
        limit = max(_RECENT_MIN, len(self.entries) // _RECENT_SHARE)
        if len(self._recent) > limit or len(self._recent_stats) > limit:
            return False
        try:
            info = os.stat(self.path)
        except OSError:
            return False
        if [info.st_mtime_ns, info.st_size] != self._whole:
            return False  # written by another run since: this one's state is written whole
        document = {
            "whole": self._whole,
            "files": {key: self.entries[key] for key in self._recent},
            "stat": {key: self.stats[key] for key in self._recent_stats},
        }
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(document, separators=(",", ":")))
        os.replace(temporary, recent_path(self.path))
        return True

    def _write_markers(self) -> None:
        write_cache_markers(self.directory)


def write_cache_markers(directory: str) -> None:
    """``CACHEDIR.TAG`` and a ``.gitignore`` of ``*`` in the cache folder: backups skip it,
    git ignores it."""
    for name, text in (("CACHEDIR.TAG", _TAG), (".gitignore", "*\n")):
        marker = os.path.join(directory, name)
        if not os.path.exists(marker):
            with open(marker, "w", encoding="utf-8") as handle:
                handle.write(text)
