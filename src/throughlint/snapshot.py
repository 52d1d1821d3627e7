"""The project snapshot: each file's final findings (after the project index and the call
graph), stored beside the result cache with the state of the project they were computed
for, so a run over files of an unchanged project (``throughlint FILE`` after a full run)
reads them instead of merging every file's facts and building the call graph again.

The state is every file of the project, and any file named on the command line though
the walk skips it (absolute path, (mtime, size), dotted module name and cache key: content
and module, ``entry_digest``) and the result cache's (mtime, size)
and its recent entries' (``cache.cache_state``). A snapshot answers only when the
project's files are the same set with the same stat and module names, the linted files
hash to the same keys, and the result cache is the one it was written beside; anything
else (an edit, a file added or removed, an ``__init__.py`` that renames modules, a cache
cleared or rewritten) is a miss, and the run builds the index as before and writes a new
snapshot.

Two files: ``<cache>.project`` (JSON: the state, and where each file's result is) and the
results it names (``<cache>.results-<token>``, one JSON text per file, read by offset), so
a one-file run decodes its own result only. JSON, as the cache: reading it never runs
code; a corrupt, missing or unreadable snapshot is a miss.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# [mtime_ns, size, dotted module name, cache key]: one file of the project's state
FileState = list[Any]


@dataclass(frozen=True, slots=True)
class FileResult:
    """A file's final findings (``Diagnostic.to_tuple``), whether it had pending findings
    (the index's warnings are shown only then), and the callers of the functions its
    findings are in (``priority.call_sites``)."""

    calls: list[list[Any]]
    pending: bool
    sites: dict[str, int]


@dataclass
class Snapshot:
    path: str
    root: str
    files: dict[str, FileState]
    cache: list[int]  # the result cache's ``cache_state`` when this was written
    # the project index's warnings (module collisions); None when not worked out
    warnings: list[str] | None = None
    # absolute path -> [offset, length] of its result in ``blob``
    results: dict[str, list[int]] = field(default_factory=dict)
    blob: str = ""
    _added: dict[str, bytes] = field(default_factory=dict, repr=False)
    # the file's [mtime_ns, size] when it was read (``unchanged``)
    _read_as: list[int] | None = field(default=None, repr=False)

    @classmethod
    def load(cls, path: str) -> Snapshot | None:
        try:
            with open(path, encoding="utf-8") as handle:
                info = os.fstat(handle.fileno())
                data = json.load(handle)
            snapshot = cls(
                path,
                data["root"],
                data["files"],
                data["cache"],
                data["warnings"],
                data["results"],
                data["blob"],
            )
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None
        snapshot._read_as = [info.st_mtime_ns, info.st_size]
        ok = (
            isinstance(snapshot.files, dict)
            and isinstance(snapshot.results, dict)
            and isinstance(snapshot.blob, str)
            and os.sep not in snapshot.blob
            and (snapshot.warnings is None or isinstance(snapshot.warnings, list))
        )
        return snapshot if ok else None

    def unchanged(self) -> bool:
        """The file is still the one this was read from (no run wrote it since)."""
        try:
            info = os.stat(self.path)
        except OSError:
            return False
        return self._read_as == [info.st_mtime_ns, info.st_size]

    def read(self, paths: Iterable[str]) -> dict[str, FileResult] | None:
        """The stored results of files (absolute paths); None when one is missing."""
        found: dict[str, FileResult] = {}
        try:
            with open(os.path.join(os.path.dirname(self.path), self.blob), "rb") as handle:
                for path in paths:
                    offset, length = self.results[path]
                    handle.seek(offset)
                    calls, pending, sites = json.loads(handle.read(length))
                    if not isinstance(calls, list) or not isinstance(sites, dict):
                        return None
                    found[path] = FileResult(calls, bool(pending), sites)
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None
        return found

    def put(self, path: str, result: FileResult) -> None:
        document = [result.calls, result.pending, result.sites]
        self._added[path] = json.dumps(document, separators=(",", ":")).encode()

    def save(self) -> None:
        """Write the results (those stored before and those added) and then the state,
        each whole; the results of the snapshot replaced are removed."""
        directory = os.path.dirname(self.path)
        previous = self.blob
        try:
            kept = b""
            if previous and self.results:
                try:
                    with open(os.path.join(directory, previous), "rb") as handle:
                        kept = handle.read()
                except OSError:  # gone: the results stored before are lost, not the new
                    self.results = {}
            name = os.path.basename(self.path)
            descriptor, blob = tempfile.mkstemp(dir=directory, prefix=f"{name}-", suffix=".results")
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(kept)
                offset = len(kept)
                for path, text in self._added.items():
                    handle.write(text)
                    self.results[path] = [offset, len(text)]
                    offset += len(text)
            self.blob = os.path.basename(blob)
            descriptor, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                document = {
                    "root": self.root,
                    "files": self.files,
                    "cache": self.cache,
                    "warnings": self.warnings,
                    "results": self.results,
                    "blob": self.blob,
                }
                handle.write(json.dumps(document, separators=(",", ":")))  # C encoder
            os.replace(temporary, self.path)
        except OSError:
            return
        self._added.clear()
        if previous and previous != self.blob:
            with contextlib.suppress(OSError):
                os.remove(os.path.join(directory, previous))


def snapshot_path(cache_path: str) -> str:
    """The snapshot beside the result cache ``cache_path`` (same version, build, settings)."""
    return cache_path.removesuffix(".json") + ".project"
