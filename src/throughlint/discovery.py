"""Which files to lint: walk the given paths, skip excluded and git-ignored ones."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from throughlint.git_ignore_memo import memoised_ignored, work_tree_root
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
        # one compiled alternation per kind: a walk matches every file name against it
        self._component = _alternation(self.component_patterns)
        self._path = _alternation(self.path_patterns)

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
        if self._component is not None and any(map(self._component.match, components)):
            return True
        if self._path is not None:
            for end in range(1, len(parts) + 1):
                if self._path.match("/".join(parts[:end])):
                    return True
        return False

    def matches_file(self, path: str, name: str) -> bool:
        """``matches(path, below=top)`` for a file of a walk whose folders did not match."""
        if self._component is not None and self._component.match(name):
            return True
        if self._path is None:
            return False
        relative = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        if relative.startswith("../"):
            relative = os.path.abspath(path).replace(os.sep, "/")
        return self._path.match(relative) is not None


def _alternation(patterns: list[str]) -> re.Pattern[str] | None:
    """One regular expression matching what any of the glob ``patterns`` matches (as
    ``fnmatchcase``: the whole string, case-sensitively); None for no patterns."""
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(pattern)})" for pattern in patterns))


def discover(paths: Iterable[str], settings: Settings, memo_dir: str | None = None) -> Discovery:
    """Files to lint, in a stable order. Explicitly named files are linted even when
    excluded, unless ``force_exclude`` is set (pre-commit passes file names). ``memo_dir``:
    where git's answer on ignored files may be kept between runs (``git_ignore_memo``)."""
    result = Discovery()
    matcher = ExcludeMatcher((*settings.exclude, *settings.extend_exclude), settings.project_root)
    seen: dict[object, int] = {}  # identity -> its index in ``result.files``
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
            found = _walk_directory(path, matcher, settings, memo_dir)
        else:
            if settings.force_exclude and matcher.matches(path):
                continue
            found = iter([(path, None)])
        for file, key in found:
            file = os.path.normpath(file)
            if not _utf8(file):  # no module can be named so; the cache and reports key by it
                result.errors.append((_printable(file), "the file name is not UTF-8; skipped"))
                continue
            if key is None:
                key = file_identity(file)
            if key not in seen:
                seen[key] = len(result.files)
                result.files.append(file)
            elif _prefer(file, result.files[seen[key]]):
                result.files[seen[key]] = file
    return result


def _prefer(file: str, kept: str) -> bool:
    """Whether ``file``, the same file as ``kept``, is the better name for it: its own path
    rather than a symlink's (``scripts/load.py -> ../src/pkg/load.py`` is linted as
    ``src/pkg/load.py``, the module it is, whichever the walk met first). Asked only when a
    file is met twice."""
    real = os.path.realpath(file)
    return real == os.path.abspath(file) and os.path.realpath(kept) != os.path.abspath(kept)


def _utf8(path: str) -> bool:
    try:
        path.encode()
    except UnicodeEncodeError:  # ``os.scandir`` keeps undecodable bytes as surrogates
        return False
    return True


def _printable(path: str) -> str:
    return path.encode(errors="backslashreplace").decode()


def file_identity(path: str) -> object:
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


def _walk_directory(
    top: str, matcher: ExcludeMatcher, settings: Settings, memo_dir: str | None = None
) -> Iterator[tuple[str, object]]:
    """``(path, identity)`` of the Python files under ``top``, folders in sorted order, a
    folder's files before its subfolders; excluded folders are not entered and symlinked
    ones not followed. One ``scandir`` per folder: a regular file costs no ``stat`` (its
    identity is its folder's device and its inode)."""
    candidates: list[tuple[str, object]] = []
    ignore_files: list[str] = []  # the ``.gitignore`` files met: git's answer depends on them
    pending = [top]
    while pending:
        directory = pending.pop()
        try:
            device = os.stat(directory).st_dev
            with os.scandir(directory) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
        except OSError:
            continue
        subdirectories = []
        for entry in entries:
            if entry.name == ".gitignore":
                ignore_files.append(entry.path)
            if _is_folder(entry):
                if not entry.is_symlink():
                    subdirectories.append(entry.path)
                continue
            if not entry.name.endswith(PYTHON_SUFFIXES):
                continue
            # the folders above were matched when the walk entered them: only the file's
            # own name and the path patterns are left to check
            if matcher.matches_file(entry.path, entry.name):
                continue
            identity = _file_identity(entry, device)
            if identity is not None:
                candidates.append((entry.path, identity))
        pending.extend(
            reversed([sub for sub in subdirectories if not matcher.matches(sub, below=top)])
        )
    if settings.respect_gitignore and candidates:
        ignored = _git_ignored(top, [path for path, _ in candidates], ignore_files, memo_dir)
        candidates = [(path, key) for path, key in candidates if path not in ignored]
    return iter(candidates)


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _file_identity(entry: os.DirEntry, device: int) -> object | None:
    """What :func:`file_identity` gives for a file of a walk, None for a FIFO, socket or device
    named ``*.py`` (reading it could block forever). A dangling symlink is kept, to be
    reported as unreadable."""
    try:
        if entry.is_symlink():
            info = os.stat(entry.path)
            return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None
        if not entry.is_file(follow_symlinks=False):
            return None
        return (device, entry.inode())
    except OSError:
        return os.path.realpath(entry.path)


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


def _git_ignored(
    top: str, candidates: list[str], ignore_files: list[str], memo_dir: str | None
) -> set[str]:
    """Paths git ignores (tracked files are never ignored); empty outside a work tree, and
    when the folder named on the command line is itself ignored (the user asked for it).
    What the patterns match is reused while none of their files changed
    (``git_ignore_memo``); which of those git tracks is asked each run."""
    if work_tree_root(top) is None:
        return set()
    relative = [_below(path, top) for path in candidates]
    matched = memoised_ignored(
        top, relative, ignore_files, memo_dir, lambda: _ask_git(top, relative)
    )
    if matched:
        matched -= _tracked(top, sorted(matched))
    return {os.path.join(top, entry) for entry in matched}


def _below(path: str, top: str) -> str:
    """``path`` relative to ``top``; the walk joined it to ``top``, so mostly a slice."""
    prefix = top if top.endswith(os.sep) else top + os.sep
    return path[len(prefix) :] if path.startswith(prefix) else os.path.relpath(path, top)


def _ask_git(top: str, relative: list[str]) -> set[str] | None:
    """Which of ``relative`` (paths below ``top``) git's ignore patterns match, tracked or
    not; None when git cannot answer, empty when ``top`` itself is ignored."""
    import subprocess  # only inside a work tree: a run outside one does not pay for it

    own = os.path.abspath(top)
    try:
        completed = subprocess.run(
            ["git", "-C", top, "check-ignore", "--no-index", "--stdin", "-z"],
            input=b"\0".join(map(os.fsencode, [own, *relative])),
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if completed.returncode not in (0, 1):
        return None
    ignored = _names(completed.stdout)
    if own in ignored:
        return set()
    return ignored


def _tracked(top: str, relative: list[str]) -> set[str]:
    """Which of ``relative`` (paths below ``top``) git tracks; empty when git cannot
    answer (the patterns then apply to all of them)."""
    import subprocess

    tracked: set[str] = set()
    for start in range(0, len(relative), _PATHS_PER_CALL):
        chunk = relative[start : start + _PATHS_PER_CALL]
        try:
            completed = subprocess.run(
                ["git", "--literal-pathspecs", "-C", top, "ls-files", "-z", "--", *chunk],
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return set()
        if completed.returncode != 0:
            return set()
        tracked.update(_names(completed.stdout))
    return tracked


def _names(output: bytes) -> set[str]:
    """git's NUL-separated paths, decoded as the file system names them (a name that is
    not UTF-8 comes back as ``os.scandir`` spelled it)."""
    return {os.fsdecode(entry) for entry in output.split(b"\0") if entry}


_PATHS_PER_CALL = 500  # pathspecs on one command line, well inside the argument limit
