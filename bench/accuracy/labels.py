"""Read and check the label files of the accuracy benchmark (``labels/<pypi-name>.toml``)."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = os.path.join(HERE, "labels")
CACHE = os.path.join(HERE, ".cache")

SPLITS = ("tune", "holdout")
EXPECTS = ("flag", "clean")
KINDS = (
    "django app",
    "sqlalchemy service",
    "dbapi etl",
    "asyncio client",
    "cache client",
    "task/queue worker",
    "thread-pool user",
    "library",
)
_CODE = re.compile(r"TL\d{3}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class LabelError(ValueError):
    """A label file that does not follow the format; the message names the file."""


@dataclass(frozen=True, slots=True)
class Label:
    path: str
    line: int
    text: str
    expect: str
    rule: str
    reason: str
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class Package:
    name: str
    version: str
    filename: str
    sha256: str
    split: str
    kind: str
    labels: tuple[Label, ...]
    source: str = ""

    @property
    def is_wheel(self) -> bool:
        return self.filename.endswith(".whl")

    def tree(self, cache: str) -> str:
        """Where the unpacked wheel or sdist lives in ``cache``."""
        return os.path.join(cache, "src", f"{self.name}-{self.version}")


def _text(table: dict, key: str, where: str, *, required: bool = True) -> str:
    value = table.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise LabelError(f"{where}: `{key}` must be a non-empty string")
    return value


def _label(table: dict, where: str) -> Label:
    line = table.get("line")
    if not isinstance(line, int) or isinstance(line, bool) or line < 1:
        raise LabelError(f"{where}: `line` must be a positive integer")
    expect = _text(table, "expect", where)
    if expect not in EXPECTS:
        raise LabelError(f"{where}: `expect` must be one of {EXPECTS}, not {expect!r}")
    rule = _text(table, "rule", where)
    if not _CODE.fullmatch(rule):
        raise LabelError(f"{where}: `rule` must be a code like TL101, not {rule!r}")
    path = _text(table, "path", where)
    if os.path.isabs(path) or ".." in path.replace("\\", "/").split("/"):
        raise LabelError(f"{where}: `path` must be relative to the unpacked package")
    unknown = set(table) - {"path", "line", "text", "expect", "rule", "reason", "evidence"}
    if unknown:
        raise LabelError(f"{where}: unknown keys {sorted(unknown)}")
    return Label(
        path=path,
        line=line,
        text=_text(table, "text", where),
        expect=expect,
        rule=rule,
        reason=_text(table, "reason", where),
        evidence=_text(table, "evidence", where, required=False),
    )


def load_package(file: str) -> Package:
    """One label file, checked; raises :class:`LabelError` naming what is wrong."""
    name = os.path.basename(file)
    try:
        with open(file, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LabelError(f"{name}: {exc}") from exc
    meta = data.get("package")
    if not isinstance(meta, dict):
        raise LabelError(f"{name}: no [package] table")
    where = f"{name} [package]"
    split = _text(meta, "split", where)
    if split not in SPLITS:
        raise LabelError(f"{where}: `split` must be one of {SPLITS}, not {split!r}")
    kind = _text(meta, "kind", where)
    if kind not in KINDS:
        raise LabelError(f"{where}: `kind` must be one of {KINDS}, not {kind!r}")
    sha = _text(meta, "sha256", where)
    if not _SHA256.fullmatch(sha):
        raise LabelError(f"{where}: `sha256` must be 64 lowercase hex digits")
    filename = _text(meta, "filename", where)
    if os.path.basename(filename) != filename or not filename.endswith(
        (".whl", ".tar.gz", ".zip", ".tgz")
    ):
        raise LabelError(f"{where}: `filename` must be a wheel, .tar.gz or .zip file name")
    raw = data.get("label", [])
    if not isinstance(raw, list):
        raise LabelError(f"{name}: `label` must be an array of tables ([[label]])")
    labels = tuple(_label(table, f"{name} label {i + 1}") for i, table in enumerate(raw))
    seen: dict[tuple[str, int, str], str] = {}
    for label in labels:
        key = (label.path, label.line, label.rule)
        if key in seen:
            raise LabelError(f"{name}: {label.path}:{label.line} {label.rule} is labelled twice")
        seen[key] = label.expect
    return Package(
        name=_text(meta, "name", where),
        version=_text(meta, "version", where),
        filename=filename,
        sha256=sha,
        split=split,
        kind=kind,
        labels=labels,
        source=file,
    )


def load_all(directory: str = LABELS) -> list[Package]:
    """Every ``*.toml`` in ``directory``, sorted by file name."""
    if not os.path.isdir(directory):
        raise LabelError(f"no label folder {directory}")
    files = sorted(name for name in os.listdir(directory) if name.endswith(".toml"))
    return [load_package(os.path.join(directory, name)) for name in files]
