"""The last answer of git's ignore patterns for a walk, kept in the cache folder.

A run inside a git work tree asks git which of the walked files its patterns ignore: one
``git check-ignore --no-index`` of every candidate, 0.3-0.4 s for a 5,000-file project,
on every run (the one-file run answered from the project snapshot too). The answer
changes only when the candidates change or when a file git reads the patterns from does,
so it is reused while all of these are unchanged (by stat: mtime and size):

- every ``.gitignore`` the walk met, and those of the folders above it up to the work
  tree's root;
- the repository's ``info/exclude`` and ``config``;
- the user's ``~/.gitconfig`` and global ignore file (``$XDG_CONFIG_HOME/git/ignore``).

The index is not part of the key (``git add`` changes it before every pre-commit run): a
tracked file is never ignored, and the few files the patterns match are asked about each
run instead (``discovery``: ``git ls-files``).

Not reused (git is asked every time) when a config names ``core.excludesFile`` (a file
anywhere, not watched here), or when ``.git`` is not a folder (a linked worktree or a
submodule keeps its files elsewhere).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Sequence

from throughlint.cache import write_cache_markers

_MEMO_FILE = "git-ignored.json"


def memoised_ignored(
    top: str,
    candidates: Sequence[str],
    ignore_files: Sequence[str],
    memo_dir: str | None,
    ask_git: Callable[[], set[str] | None],
) -> set[str]:
    """What ``ask_git()`` says of ``candidates`` (paths relative to ``top``; None: git
    failed), reused from ``memo_dir`` while the key (see the module docstring) is
    unchanged; ``memo_dir`` None: always ask. ``top`` spelled relative or absolute shares
    one answer."""
    key = None if memo_dir is None else _key(top, candidates, ignore_files)
    path = None if memo_dir is None else os.path.join(memo_dir, _MEMO_FILE)
    if key is not None and path is not None:
        known = _read(path)
        if known is not None and known[0] == key:
            return known[1]
    ignored = ask_git()
    if ignored is None:
        return set()
    if key is not None and path is not None:
        _write(path, key, ignored)
    return ignored


def _key(top: str, candidates: Sequence[str], ignore_files: Sequence[str]) -> str | None:
    root = work_tree_root(top)
    if root is None:
        return None
    git_dir = os.path.join(root, ".git")
    if not os.path.isdir(git_dir):
        return None
    home = os.path.expanduser("~")
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
    configs = [os.path.join(git_dir, "config"), os.path.join(home, ".gitconfig")]
    if any(_names_excludes_file(config) for config in configs):
        return None
    watched = [
        *configs,
        os.path.join(git_dir, "info", "exclude"),
        os.path.join(config_home, "git", "ignore"),
        *_ignore_files_above(top, root),
        *ignore_files,
    ]
    digest = hashlib.sha256()
    digest.update(os.fsencode(os.path.abspath(top)))
    for candidate in candidates:
        digest.update(b"\0" + os.fsencode(candidate))
    digest.update(b"\1")
    for watched_path in sorted(set(watched)):
        digest.update(os.fsencode(f"\0{watched_path}:{_stat(watched_path)}"))
    return digest.hexdigest()


def work_tree_root(top: str) -> str | None:
    """The nearest folder at or above ``top`` with a ``.git``; None outside a work tree."""
    directory = os.path.abspath(top)
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _ignore_files_above(top: str, root: str) -> list[str]:
    """The ``.gitignore`` paths of ``top``'s parent folders up to the work tree's root."""
    found = []
    directory = os.path.dirname(os.path.abspath(top))
    while len(directory) >= len(root):
        found.append(os.path.join(directory, ".gitignore"))
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return found


def _names_excludes_file(config: str) -> bool:
    try:
        with open(config, encoding="utf-8", errors="replace") as handle:
            return "excludesfile" in handle.read().lower()
    except OSError:
        return False


def _stat(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return "-"
    return f"{info.st_mtime_ns}/{info.st_size}"


def _read(path: str) -> tuple[str, set[str]] | None:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        return str(document["key"]), {str(entry) for entry in document["ignored"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(path: str, key: str, ignored: set[str]) -> None:
    """Atomically (a temporary file renamed over the memo); a failure only costs the memo."""
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_cache_markers(os.path.dirname(path))
        with open(temporary, "w", encoding="utf-8") as handle:
            json.dump({"key": key, "ignored": sorted(ignored)}, handle)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
