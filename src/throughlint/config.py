"""Load and validate ``[tool.throughlint]`` from ``pyproject.toml``.

Every problem is a :class:`ConfigError` whose message is one line naming the key.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from throughlint.settings import Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib


class ConfigError(Exception):
    """A broken configuration: the message is one line that names the key."""


@dataclass(frozen=True, slots=True)
class _Key:
    field: str
    parse: Callable[[str, Any], Any]


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"`{key}` must be a list of strings, got {_describe(value)}")
    return tuple(value)


def _qualified_names(key: str, value: Any) -> tuple[str, ...]:
    names = _strings(key, value)
    for name in names:
        parts = name.split(".")
        if len(parts) < 2 or not all(part.isidentifier() for part in parts):
            raise ConfigError(
                f"`{key}` entry {name!r} is not a dotted qualified name like 'mypkg.db.fetch'"
            )
    return names


def _positive_int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"`{key}` must be a positive integer, got {_describe(value)}")
    return value


def _non_negative_int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"`{key}` must be a non-negative integer, got {_describe(value)}")
    return value


def _boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"`{key}` must be true or false, got {_describe(value)}")
    return value


def _per_file_ignores(key: str, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise ConfigError(f"`{key}` must be a table of glob = [codes], got {_describe(value)}")
    return tuple((glob, _strings(f"{key}.{glob}", codes)) for glob, codes in value.items())


def _describe(value: Any) -> str:
    return f"{type(value).__name__} {value!r}"


KEYS: dict[str, _Key] = {
    "select": _Key("select", _strings),
    "ignore": _Key("ignore", _strings),
    "extend-select": _Key("extend_select", _strings),
    "per-file-ignores": _Key("per_file_ignores", _per_file_ignores),
    "exclude": _Key("exclude", _strings),
    "extend-exclude": _Key("extend_exclude", _strings),
    "force-exclude": _Key("force_exclude", _boolean),
    "respect-gitignore": _Key("respect_gitignore", _boolean),
    "show-all": _Key("show_all", _boolean),
    "preview": _Key("preview", _boolean),
    "small-loop-max": _Key("small_loop_max", _non_negative_int),
    "queue-maxsize": _Key("queue_maxsize", _positive_int),
    "max-threads": _Key("max_threads", _positive_int),
    "max-processes": _Key("max_processes", _positive_int),
    "heuristics": _Key("heuristics", _boolean),
    "query-functions": _Key("query_functions", _qualified_names),
    "write-functions": _Key("write_functions", _qualified_names),
    "commit-functions": _Key("commit_functions", _qualified_names),
    "remote-call-functions": _Key("remote_call_functions", _qualified_names),
    "connection-factories": _Key("connection_factories", _qualified_names),
    "src": _Key("src", _strings),
    "cache-dir": _Key("cache_dir", lambda key, value: _path(key, value)),
    "baseline": _Key("baseline", lambda key, value: _path(key, value)),
}

CODE_KEYS = ("select", "ignore", "extend-select")


def _path(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"`{key}` must be a non-empty string, got {_describe(value)}")
    return value


def find_config(start: str) -> str | None:
    """The nearest ``pyproject.toml`` at or above ``start`` with a ``[tool.throughlint]`` table.

    Each candidate is parsed, not searched for bytes, so every TOML spelling of the table
    counts (``[ tool . throughlint ]``, ``[tool."throughlint"]``, ``tool = {throughlint = ...}``)
    and a comment or string that mentions it does not. A ``tool`` that is not a table is an
    error (PEP 518), and so is unparsable TOML that mentions throughlint."""
    directory = os.path.abspath(start)
    if not os.path.isdir(directory):
        directory = os.path.dirname(directory)
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate) and _has_table(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _has_table(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return False
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        if b"throughlint" not in data:
            return False  # someone else's broken file: not ours to judge
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return _table(document, path) is not None


def _table(document: dict[str, Any], path: str) -> dict[str, Any] | None:
    """``tool.throughlint`` of a parsed ``pyproject.toml`` (None when absent)."""
    tool = document.get("tool")
    if tool is None:
        return None
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: `tool` must be a table, got {_describe_kind(tool)}")
    table = tool.get("throughlint")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(
            f"{path}: `tool.throughlint` must be a table, got {_describe_kind(table)}"
        )
    return table


def _describe_kind(value: Any) -> str:
    return "an array" if isinstance(value, list) else _describe(value)


def load_table(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return _table(document, path) or {}


def settings_from_table(
    table: dict[str, Any],
    known_codes: Iterable[str],
    base: Settings | None = None,
    source: str = "pyproject.toml",
) -> Settings:
    """Validate ``table`` and lay it over ``base``."""
    changes: dict[str, Any] = {}
    codes = tuple(known_codes)
    for key, value in table.items():
        spec = KEYS.get(key)
        if spec is None:
            hint = _close_key(key)
            suggestion = f" (did you mean `{hint}`?)" if hint else ""
            raise ConfigError(f"{source}: unknown key `tool.throughlint.{key}`{suggestion}")
        try:
            parsed = spec.parse(key, value)
            if key in CODE_KEYS:
                validate_codes(key, parsed, codes)
            if key == "per-file-ignores":
                for glob, selectors in parsed:
                    validate_codes(f"{key}.{glob}", selectors, codes)
        except ConfigError as exc:
            raise ConfigError(f"{source}: {exc}") from None
        changes[spec.field] = parsed
    return (base or Settings()).with_changes(**changes)


def validate_codes(key: str, selectors: Iterable[str], known_codes: Iterable[str]) -> None:
    codes = tuple(known_codes)
    for selector in selectors:
        if selector == "ALL":
            continue
        if not any(code.startswith(selector) for code in codes):
            raise ConfigError(f"`{key}`: unknown rule code or prefix {selector!r}")


def _close_key(key: str) -> str | None:
    import difflib

    matches = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
    return matches[0] if matches else None


def load_settings(
    config_file: str | None, start: str, known_codes: Iterable[str], isolated: bool = False
) -> Settings:
    """Settings from an explicit file, the nearest ``pyproject.toml``, or defaults."""
    if isolated:
        return Settings(project_root=os.path.abspath(start if os.path.isdir(start) else "."))
    path = config_file or find_config(start)
    if path is None:
        return Settings(project_root=os.path.abspath("."))
    if config_file and not os.path.isfile(config_file):
        raise ConfigError(f"config file not found: {config_file}")
    table = load_table(path)
    base = Settings(
        project_root=os.path.dirname(os.path.abspath(path)), config_file=os.path.abspath(path)
    )
    return settings_from_table(table, known_codes, base, source=path)
