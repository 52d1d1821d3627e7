"""The runtime N+1 detector: SQL statements folded to their shape, a SELECT shape run more
than a threshold of times in one block is a TL101, and the static analyser is asked whether
it flags the same call site."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from throughlint.pytest_plugin.measurement import Measurement
    from throughlint.settings import Settings

from throughlint.pytest_plugin.options import DEFAULT_THRESHOLD  # noqa: F401

_STRING = re.compile(r"'(?:[^']|'')*'")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b")
_PARAMETER = re.compile(r"%\(\w+\)s|%s|(?<!:):\w+|\$\d+|\?\d*")
_LIST = re.compile(r"\(\s*\?(?:\s*,\s*\?)+\s*\)")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=8192)
def normalise(sql: str) -> str:
    """Literals and parameters become ``?``, lists of them ``(?)``, whitespace is folded:
    ``SELECT * FROM t WHERE id = 7`` and ``... WHERE id = ?`` have one shape."""
    shape = _STRING.sub("?", sql)
    shape = _PARAMETER.sub("?", shape)
    shape = _NUMBER.sub("?", shape)
    shape = _LIST.sub("(?)", shape)
    return _SPACE.sub(" ", shape).strip().rstrip(";").strip()


def is_select(shape: str) -> bool:
    head = shape.lstrip("( ")[:6].upper()
    return head.startswith(("SELECT", "WITH"))


@dataclass(frozen=True)
class Finding:
    """A runtime TL101: one SELECT shape run ``count`` times in one measured block."""

    statement: str
    example: str
    count: int
    threshold: int
    path: str
    line: int
    function: str
    static: str  # "confirmed" | "missed" | "unavailable" | "no-site"
    static_detail: str
    fingerprint: str | None = None

    def describe(self) -> str:
        where = f"{self.path}:{self.line} in {self.function}" if self.line else "unknown site"
        return (
            f"TL101 runtime N+1: {self.count} x `{self.statement}` "
            f"(threshold {self.threshold}), first at {where}; {self.static_detail}"
        )

    def to_json(self) -> dict:
        return {
            "code": "TL101",
            "statement": self.statement,
            "example": self.example,
            "count": self.count,
            "threshold": self.threshold,
            "path": self.path,
            "line": self.line,
            "function": self.function,
            "static": self.static,
            "static_detail": self.static_detail,
            "fingerprint": self.fingerprint,
        }


class StaticIndex:
    """Lints call-site files with the same settings, engine and project index as the CLI
    (every rule, every file of the project), once each."""

    def __init__(self, rootdir: str) -> None:
        self.rootdir = rootdir
        self._settings: Settings | None = None
        self._project = None
        self._files: dict[str, list] = {}

    def settings(self) -> Settings:
        if self._settings is None:
            from throughlint.config import ConfigError, load_settings
            from throughlint.rules import known_codes
            from throughlint.settings import Settings

            try:
                self._settings = load_settings(None, self.rootdir, known_codes())
            except ConfigError:
                self._settings = Settings(project_root=self.rootdir)
        return self._settings

    def tl101(self, path: str) -> list | None:
        """TL101 diagnostics in ``path``, or None when there is no static TL101 rule."""
        from throughlint.rules import rule_by_code

        if rule_by_code("TL101") is None:
            return None
        if path not in self._files:
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                self._files[path] = []
            else:
                if self._project is None:
                    from throughlint.project import Project

                    self._project = Project.for_paths(self.settings(), [self.rootdir])
                # reported under the path the CLI shows, so fingerprints match its baseline
                shown = _display(path, self.rootdir)
                found = self._project.lint_buffer(path, data, shown=shown)
                self._files[path] = [d for d in found if d.code == "TL101"]
        return self._files[path]

    def confirm(self, sites: tuple) -> tuple[str, str, str | None, tuple | None]:
        """(verdict, detail, fingerprint, the site the static rule names): the frames are
        tried innermost first, so an N+1 through a helper is matched at the caller's loop,
        where the static rule reports it, not at the query inside the helper."""
        if not sites:
            return "no-site", "no call site in user code", None, None
        available = False
        for site in sites:
            found = self.tl101(site[0])
            if found is None:
                continue
            available = True
            for index, diagnostic in enumerate(found):
                if diagnostic.span.line == site[1]:
                    from throughlint.fingerprints import fingerprints

                    fingerprint = fingerprints(found)[index]
                    where = f"{diagnostic.path}:{diagnostic.span.line}"
                    return (
                        "confirmed",
                        f"static TL101 flags the same call site at {where} "
                        f"(fingerprint {fingerprint[:12]})",
                        fingerprint,
                        site,
                    )
        if not available:
            return "unavailable", "no static TL101 rule is installed to compare with", None, None
        return (
            "missed",
            "static analysis does not flag this call site: a runtime-only finding",
            None,
            None,
        )


def findings(measurement: Measurement, threshold: int, static: StaticIndex | None) -> list[Finding]:
    result = []
    for stats in measurement.statements.values():
        if stats.count <= threshold or not is_select(stats.shape):
            continue
        site = None
        if static is not None:
            verdict, detail, fingerprint, site = static.confirm(stats.sites)
        else:
            verdict, detail, fingerprint = "unavailable", "static comparison off", None
        if site is None and stats.sites:
            site = stats.sites[0]
        filename, line, function = site or ("", 0, "")
        root = static.rootdir if static is not None else os.getcwd()
        result.append(
            Finding(
                statement=_shorten(stats.shape),
                example=_shorten(stats.sample),
                count=stats.count,
                threshold=threshold,
                path=_display(filename, root) if filename else "",
                line=line,
                function=function,
                static=verdict,
                static_detail=detail,
                fingerprint=fingerprint,
            )
        )
    result.sort(key=lambda finding: -finding.count)
    return result


def _shorten(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _display(path: str, root: str) -> str:
    relative = os.path.relpath(path, root)
    return path if relative.startswith("..") else relative.replace(os.sep, "/")
