"""Which files to lint: walk the given paths, skip excluded and git-ignored ones."""

from __future__ import annotations

import fnmatch
import os
import stat
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from throughlint.settings import PYTHON_SUFFIXES, Settings


@dataclass
class Discovery:
    files: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path, one-line message)


class ExcludeMatcher:
    """gitignore-like: a pattern without ``/`` matches any path component; one with ``/``
    matches the path relative to the project root (or a leading part of it)."""

    def __init__(self, patterns: Iterable[str], root: str) -> None:
        self.root = os.path.abspath(root)
        self.component_patterns: list[str] = []
        self.path_patterns: list[str] = []
        for pattern in patterns:
            pattern = pattern.strip().rstrip("/")
            if not pattern:
                continue
            if "/" in pattern:
                self.path_patterns.append(pattern.lstrip("./").lstrip("/"))
            else:
                self.component_patterns.append(pattern)

    def matches(self, path: str, below: str | None = None) -> bool:
        """Whether ``path`` is excluded. Component patterns look only at the parts of the
        path under ``below`` (a folder named on the command line is never excluded by its
        own name or its parents' names)."""
        absolute = os.path.abspath(path)
        relative = os.path.relpath(absolute, self.root).replace(os.sep, "/")
        if relative.startswith("../"):
            relative = absolute.replace(os.sep, "/")
        parts = relative.split("/")
        components = parts
        if below is not None:
            components = os.path.relpath(absolute, os.path.abspath(below)).split(os.sep)
        for part in components:
            for pattern in self.component_patterns:
                if fnmatch.fnmatchcase(part, pattern):
                    return True
        for pattern in self.path_patterns:
            for end in range(1, len(parts) + 1):
                if fnmatch.fnmatchcase("/".join(parts[:end]), pattern):
                    return True
        return False

    def matches_file(self, path: str, name: str) -> bool:
        """``matches(path, below=top)`` for a file of a walk whose folders did not match."""
        for pattern in self.component_patterns:
            if fnmatch.fnmatchcase(name, pattern):
                return True
        if not self.path_patterns:
            return False
        relative = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        if relative.startswith("../"):
            relative = os.path.abspath(path).replace(os.sep, "/")
        return any(fnmatch.fnmatchcase(relative, pattern) for pattern in self.path_patterns)


def discover(paths: Iterable[str], settings: Settings) -> Discovery:
    """Files to lint, in a stable order. Explicitly named files are linted even when
    excluded, unless ``force_exclude`` is set (pre-commit passes file names)."""
    result = Discovery()
    matcher = ExcludeMatcher((*settings.exclude, *settings.extend_exclude), settings.project_root)
    seen: set[object] = set()
    for path in paths:
        try:
            mode = os.stat(path).st_mode
        except OSError as exc:
            result.errors.append((path, _describe_os_error(exc)))
            continue
        special = _special_kind(mode)
        if special is not None:  # reading a FIFO or a device could block forever
            result.errors.append((path, f"not a regular file (a {special}); skipped"))
            continue
        if os.path.isdir(path):
            if settings.force_exclude and matcher.matches(path) and not _is_current(path):
                continue
            found = _walk_directory(path, matcher, settings)
        else:
            if settings.force_exclude and matcher.matches(path):
                continue
            found = iter([path])
        for file in found:
            file = os.path.normpath(file)
            key = _identity(file)
            if key not in seen:
                seen.add(key)
                result.files.append(file)
    return result


def _identity(path: str) -> object:
    """The same file reached twice (a symlink, two overlapping paths): one stat, where
    ``realpath`` takes one per path component."""
    try:
        info = os.stat(path)
    except OSError:
        return os.path.realpath(path)
    return (info.st_dev, info.st_ino)


def _is_current(path: str) -> bool:
    return os.path.abspath(path) == os.path.abspath(".")


def _describe_os_error(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _walk_directory(top: str, matcher: ExcludeMatcher, settings: Settings) -> Iterator[str]:
    candidates = []
    for directory, subdirectories, files in os.walk(top, onerror=None, followlinks=False):
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if not matcher.matches(os.path.join(directory, name), below=top)
        )
        for name in sorted(files):
            if name.endswith(PYTHON_SUFFIXES):
                path = os.path.join(directory, name)
                # the folders above were matched when the walk entered them: only the
                # file's own name and the path patterns are left to check
                if not matcher.matches_file(path, name) and not _is_special_file(path):
                    candidates.append(path)
    if settings.respect_gitignore and candidates:
        ignored = _git_ignored(top, candidates)
        candidates = [path for path in candidates if path not in ignored]
    return iter(candidates)


def _special_kind(mode: int) -> str | None:
    """What a path named on the command line is when it is neither a folder nor a
    regular file (``stat`` follows symlinks)."""
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    return "special file"


def _is_special_file(path: str) -> bool:
    """A FIFO, socket or device named ``*.py``: reading it could block forever. (A
    dangling symlink is kept, to be reported as unreadable.)"""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _git_ignored(top: str, candidates: list[str]) -> set[str]:
    """Paths git ignores (tracked files are never ignored); empty outside a work tree, and
    when the folder named on the command line is itself ignored (the user asked for it)."""
    if not _inside_git_work_tree(top):
        return set()
    own = os.path.abspath(top)
    try:
        completed = subprocess.run(
            ["git", "-C", top, "check-ignore", "--stdin", "-z"],
            input="\0".join([own, *(os.path.relpath(path, top) for path in candidates)]).encode(),
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    if completed.returncode not in (0, 1):
        return set()
    ignored = {entry for entry in completed.stdout.decode(errors="replace").split("\0") if entry}
    if own in ignored:
        return set()
    return {os.path.join(top, entry) for entry in ignored}


def _inside_git_work_tree(path: str) -> bool:
    directory = os.path.abspath(path)
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return True
        parent = os.path.dirname(directory)
        if parent == directory:
            return False
        directory = parent
