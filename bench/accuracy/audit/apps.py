"""Read ``apps.toml``: the applications of the output-quality audit, pinned by file and sha256."""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass
from types import ModuleType

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ACCURACY = os.path.dirname(HERE)
APPS = os.path.join(HERE, "apps.toml")
CACHE = os.path.join(HERE, ".cache")
_KEYS = {"name", "version", "filename", "sha256", "root", "stack"}


@dataclass(frozen=True, slots=True)
class App:
    name: str
    version: str
    filename: str
    sha256: str
    root: str
    stack: str


def load_apps(file: str = APPS) -> list[App]:
    """Every ``[[app]]`` of ``file``; a missing or unknown key stops with ValueError."""
    with open(file, "rb") as handle:
        tables = tomllib.load(handle).get("app", [])
    apps = []
    for i, table in enumerate(tables, 1):
        if set(table) != _KEYS:
            raise ValueError(f"{file}: app {i} needs exactly the keys {sorted(_KEYS)}")
        apps.append(App(**{key: str(table[key]) for key in _KEYS}))
    return apps


def accuracy_fetch() -> ModuleType:
    """``bench/accuracy/fetch.py`` as a module (its name clashes with this folder's fetch.py)."""
    if ACCURACY not in sys.path:
        sys.path.insert(0, ACCURACY)
    spec = importlib.util.spec_from_file_location(
        "accuracy_fetch", os.path.join(ACCURACY, "fetch.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
