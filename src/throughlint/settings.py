"""The resolved settings of one run: defaults, then ``pyproject.toml``, then the command line."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace

DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".hg",
    ".mypy_cache",
    ".nox",
    ".pytest_cache",
    ".ruff_cache",
    ".svn",
    ".throughlint_cache",
    ".tox",
    ".venv",
    "__pycache__",
    "__pypackages__",
    "_build",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
)

PYTHON_SUFFIXES: tuple[str, ...] = (".py", ".pyi")


@dataclass(frozen=True, slots=True)
class Settings:
    select: tuple[str, ...] = ("TL",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    respect_gitignore: bool = True
    small_loop_max: int = 4
    queue_maxsize: int = 1000
    max_threads: int = 256
    max_processes: int = 32
    query_functions: tuple[str, ...] = ()
    write_functions: tuple[str, ...] = ()
    commit_functions: tuple[str, ...] = ()
    remote_call_functions: tuple[str, ...] = ()
    connection_factories: tuple[str, ...] = ()
    preview: bool = False
    heuristics: bool = True  # findings judged by names or usage, not by resolved types
    cache_dir: str = ".throughlint_cache"
    # folders whose files are named as modules from there (``src = ["src"]``, like ruff)
    src: tuple[str, ...] = ()
    baseline: str | None = None  # relative to project_root
    show_all: bool = False  # held-back findings too (relevance.py)
    project_root: str = field(default=".", compare=False)
    config_file: str | None = field(default=None, compare=False)

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)

    def fingerprint(self) -> str:
        """A stable hash of everything that can change a file's diagnostics."""
        data = asdict(self)
        for key in (
            "project_root",
            "config_file",
            "cache_dir",
            "exclude",
            "extend_exclude",
            "baseline",
            "show_all",
        ):
            data.pop(key, None)
        blob = json.dumps(data, sort_keys=True, default=list).encode()
        return hashlib.blake2b(blob, digest_size=12).hexdigest()
