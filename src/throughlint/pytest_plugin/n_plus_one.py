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
    from throughlint.pytest_plugin.repetition import Project
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
    """A runtime TL101: one SELECT shape run ``count`` times in a row by one activation of
    the frame that repeats it (``path:line``), with the chain of project frames from the
    test down to the statement."""

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
    chain: tuple[str, ...] = ()

    def describe(self) -> str:
        return (
            f"TL101 runtime N+1: {self.count} x `{self.statement}` "
            f"(threshold {self.threshold}) at {self.where}; chain: {' > '.join(self.chain)}; "
            f"{self.static_detail}"
        )

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line} in {self.function}"

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
            "chain": list(self.chain),
            "static": self.static,
            "static_detail": self.static_detail,
            "fingerprint": self.fingerprint,
        }


@dataclass(frozen=True)
class Repeat:
    """A SELECT shape over the threshold that the test repeats itself (a loop in a test
    file, a fixture, setUp) or that no project frame repeats (a framework's flush): not an
    N+1, reported so the count is explained, never a failure."""

    statement: str
    count: int
    kind: str  # "test" | "library"
    where: str

    def to_json(self) -> dict:
        return {
            "statement": self.statement,
            "count": self.count,
            "repeated_by": self.kind,
            "where": self.where,
        }


class StaticIndex:
    """Lints call-site files with the same settings, engine and project index as the CLI
    (every rule, every file of the project), once each. A call site's settings are those
    of the configuration nearest its file, as ``throughlint FILE`` reads them: in a
    monorepo, pytest's rootdir may sit above a subproject's ``pyproject.toml``."""

    def __init__(self, rootdir: str) -> None:
        self.rootdir = rootdir
        self._settings: dict[str, Settings] = {}  # config file ("" for none) -> settings
        self._projects: dict[tuple[str, bool], object] = {}  # (config, preview) -> Project
        self._files: dict[str, list] = {}
        self._preview_files: dict[str, list] = {}

    def settings(self, path: str | None = None) -> Settings:
        """The settings for ``path`` (pytest's rootdir when None): from the configuration
        nearest it, or the defaults when there is none or it cannot be read."""
        from throughlint.config import ConfigError, find_config, load_settings
        from throughlint.rules import known_codes
        from throughlint.settings import Settings

        start = os.path.dirname(os.path.abspath(path)) if path else self.rootdir
        try:
            config = find_config(start) or ""
        except ConfigError:
            config = ""
        if config not in self._settings:
            try:
                loaded = load_settings(config or None, start, known_codes())
            except ConfigError:
                loaded = Settings(project_root=self.rootdir)
            if not config:
                loaded = loaded.with_changes(project_root=self.rootdir)
            self._settings[config] = loaded
        return self._settings[config]

    def _project(self, path: str, preview: bool):
        """The project of ``path``'s configuration (the rootdir's without one), kept for
        the session; held-back findings too: the question is whether the static rule
        flags the site, not whether the default output shows it."""
        from throughlint.project import Project

        settings = self.settings(path)
        key = (settings.config_file or "", preview)
        if key not in self._projects:
            changes: dict[str, object] = {"show_all": True}
            if preview:
                changes["preview"] = True
            root = settings.project_root if settings.config_file else self.rootdir
            self._projects[key] = Project.for_paths(settings.with_changes(**changes), [root])
        return self._projects[key]

    def _lint(self, path: str, preview: bool) -> list | None:
        """Every diagnostic of ``path`` under its project, or None when it cannot be read;
        reported under the path the CLI shows, so fingerprints match its baseline."""
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        project = self._project(path, preview)
        return project.lint_buffer(path, data, shown=_display(path, self.rootdir))

    def tl101(self, path: str) -> list | None:
        """TL101 diagnostics in ``path``, or None when there is no static TL101 rule."""
        from throughlint.rules import rule_by_code

        if rule_by_code("TL101") is None:
            return None
        if path not in self._files:
            found = self._lint(path, preview=False) or []
            self._files[path] = [d for d in found if _tl101_lines(d)]
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
                if site[1] in _tl101_lines(diagnostic):
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

    def _all_rules(self, path: str) -> list:
        """Every diagnostic of ``path`` with the preview rules on (TL404 is one), held-back
        ones too; fingerprints as the CLI computes them with ``--preview``."""
        if path not in self._preview_files:
            self._preview_files[path] = self._lint(path, preview=True) or []
        return self._preview_files[path]

    def confirm_code(self, code: str, sites: tuple) -> tuple[str, str, str | None]:
        """(verdict, detail, fingerprint) for a runtime finding of rule ``code`` (a preview
        rule included) at the first of ``sites`` (innermost first) the static rule flags."""
        from throughlint.fingerprints import fingerprints
        from throughlint.rules import rule_by_code

        if rule_by_code(code) is None:
            return "unavailable", f"no static {code} rule is installed to compare with", None
        for site in sites:
            found = self._all_rules(site[0])
            for index, diagnostic in enumerate(found):
                lines = {r.line for r in diagnostic.related if r.code == code}
                if diagnostic.code == code and not diagnostic.related:
                    lines.add(diagnostic.span.line)
                if site[1] in lines:
                    fingerprint = fingerprints(found)[index]
                    where = f"{diagnostic.path}:{diagnostic.span.line}"
                    return (
                        "confirmed",
                        f"static {code} flags the same call site at {where} "
                        f"(fingerprint {fingerprint[:12]})",
                        fingerprint,
                    )
        return (
            "missed",
            f"static analysis ({code}) does not flag these lines: a runtime-only finding",
            None,
        )


def _tl101_lines(diagnostic) -> set[int]:
    """The lines of the TL101 calls a finding stands for: itself, or the calls of a finding
    grouped at its loop (whose fingerprint is the one a baseline records)."""
    lines = {r.line for r in diagnostic.related if r.code == "TL101"}
    if diagnostic.code == "TL101" and not diagnostic.related:
        lines.add(diagnostic.span.line)
    return lines


def findings(
    measurement: Measurement, threshold: int, static: StaticIndex | None, project: Project
) -> tuple[list[Finding], list[Repeat]]:
    """The N+1s of one block, and the repetitions over the threshold that are not N+1s."""
    from throughlint.pytest_plugin.repetition import classify, enclosing, fingerprint

    result: list[Finding] = []
    repeats: list[Repeat] = []
    for stats in measurement.statements.values():
        if stats.count <= threshold or not is_select(stats.shape):
            continue
        for repetition in stats.repetition.worst.values():
            if repetition.count <= threshold:
                continue
            verdict = classify(repetition, project)
            if verdict.kind != "code" or verdict.site is None:
                site = verdict.site
                where = _where(site, project) if site is not None else "no site in project code"
                repeats.append(Repeat(_shorten(stats.shape), repetition.count, verdict.kind, where))
                continue
            site = verdict.site
            inner = tuple(reversed(verdict.chain))
            if static is not None:
                checked, detail, printed, _ = static.confirm((site, *inner))
            else:
                checked, detail, printed = "unavailable", "static comparison off", None
            result.append(
                Finding(
                    statement=_shorten(stats.shape),
                    example=_shorten(stats.sample),
                    count=repetition.count,
                    threshold=threshold,
                    path=project.display(site[0]),
                    line=site[1],
                    function=enclosing(site[2]) or site[2],
                    static=checked,
                    static_detail=detail,
                    fingerprint=printed or fingerprint(site, project),
                    chain=_chain(verdict.chain, project),
                )
            )
    result.sort(key=lambda finding: -finding.count)
    return result, repeats


def _chain(frames: tuple[tuple[str, int, str], ...], project: Project) -> tuple[str, ...]:
    """One entry per function: a comprehension's frame folds into its function's."""
    from throughlint.pytest_plugin.repetition import enclosing

    entries: list[tuple[tuple[str, str], str]] = []
    for frame in frames:
        key = (frame[0], enclosing(frame[2]))
        if entries and entries[-1][0] == key:
            entries.pop()
        entries.append((key, _where(frame, project)))
    return tuple(text for _, text in entries)


def _where(site: tuple[str, int, str], project: Project) -> str:
    from throughlint.pytest_plugin.repetition import enclosing

    return f"{project.display(site[0])}:{site[1]} in {enclosing(site[2]) or site[2]}"


def _shorten(text: str, limit: int = 240) -> str:
    """Keep what tells statements apart: a long column list becomes its first column and a
    count (``SELECT "a"."id", ... (+11 columns) FROM ... WHERE ...``); what is still too
    long loses its middle, never its ``WHERE`` end."""
    if len(text) <= limit:
        return text
    match = _SELECT_LIST.match(text)
    if match is not None:
        columns = _top_level_split(match.group(2))
        if len(columns) > 1:
            collapsed = f"{columns[0].strip()}, ... (+{len(columns) - 1} columns)"
            text = f"{match.group(1)}{collapsed}{match.group(3)}{text[match.end() :]}"
    if len(text) <= limit:
        return text
    head = (limit - 5) // 3
    tail = limit - 5 - head
    return f"{text[:head]} ... {text[-tail:]}"


_SELECT_LIST = re.compile(r"(\s*SELECT\s+(?:DISTINCT\s+)?)(.*?)(\s+FROM\s)", re.I | re.S)


def _top_level_split(columns: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(columns):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(columns[start:index])
            start = index + 1
    parts.append(columns[start:])
    return parts


def _display(path: str, root: str) -> str:
    relative = os.path.relpath(path, root)
    return path if relative.startswith("..") else relative.replace(os.sep, "/")
