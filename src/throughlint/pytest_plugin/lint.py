"""``pytest --throughlint``: one lint item per Python file, same settings, engine and text
format as the CLI. Results are cached in pytest's cache by content hash (``--cache-clear``
resets), so an unchanged file is not linted again."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

from throughlint.settings import PYTHON_SUFFIXES

CACHE_KEY = "throughlint/lint"
_CACHE_HIT = "throughlint_cache"
_HELD_BACK = "throughlint_held_back"  # reason -> count, carried to the controller (xdist)
_CRASH_KEY = "throughlint_crash"  # a failed lint item's one-line summary, under xdist


class LintFailure(Exception):
    def __init__(self, diagnostics: list) -> None:
        super().__init__(f"{len(diagnostics)} throughlint diagnostic(s)")
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class _Crash:
    """Where pytest's one-line summary (``FAILED path::throughlint - message``) and JUnit's
    ``message`` attribute point: the first finding, and a count by rule."""

    path: str
    lineno: int
    message: str


class LintFailureRepr:
    """A lint item's failure: the full text report, with a one-line ``reprcrash``. A plain
    string would be repeated whole in the short test summary on CI (``$CI`` set) and under
    ``-vv``, where pytest does not cut the message to one line."""

    def __init__(self, text: str, crash: _Crash) -> None:
        self.text = text
        self.reprcrash = crash

    def toterminal(self, tw) -> None:
        for line in self.text.splitlines():
            tw.line(line)

    def __str__(self) -> str:
        return self.text


def _summary(diagnostics: list) -> str:
    counts = Counter(d.code for d in diagnostics)
    by_rule = ", ".join(
        code if count == 1 else f"{code} x{count}" for code, count in sorted(counts.items())
    )
    noun = "finding" if len(diagnostics) == 1 else "findings"
    return f"{len(diagnostics)} throughlint {noun} ({by_rule})"


class Linter:
    """Settings loaded once per session from the ``pyproject.toml`` nearest the first
    collected path, like the CLI; cache entries are ``path -> [content hash, diagnostics]``
    under one cache key per throughlint version and settings fingerprint."""

    def __init__(self, config: pytest.Config, extra_paths: tuple[str, ...]) -> None:
        self.config = config
        self.extra_paths = extra_paths
        self._settings = None
        self._matcher = None
        self._walked: set[object] | None = None
        self._project = None
        self._entries: dict[str, list] | None = None
        self._dirty: dict[str, list] = {}
        self.seen: set[str] = set()
        # files linted ahead of their items, in one batch: path -> (bytes, result)
        self._linted: dict[str, tuple[bytes, Any]] = {}
        self._batched: set[str] = set()
        self._collected: list[Path] = []  # the selected lint items' files
        self.held_back: Counter[str] = Counter()

    @property
    def settings(self):
        if self._settings is None:
            from throughlint.config import ConfigError, load_settings
            from throughlint.rules import known_codes

            try:
                self._settings = load_settings(None, self._start(), known_codes())
            except ConfigError as exc:
                raise pytest.UsageError(f"throughlint: {exc}") from None
        return self._settings

    def _start(self) -> str:
        """Where the configuration is looked for: from the folder the paths pytest collects
        share (its arguments, or ``testpaths``), as ``throughlint`` does from the paths it
        is given (``command.config_start``); pytest's rootdir (its ini file's folder) may
        sit above the project's ``pyproject.toml``."""
        from throughlint.command import config_start

        invoked = self.config.invocation_params.dir
        paths = [
            str(path)
            for path in (invoked / argument.split("::", 1)[0] for argument in self.config.args)
            if path.exists()
        ]
        return config_start(paths) if paths else str(invoked)

    def excluded(self, path: Path) -> bool:
        if self._matcher is None:
            from throughlint.discovery import ExcludeMatcher

            settings = self.settings
            self._matcher = ExcludeMatcher(
                (*settings.exclude, *settings.extend_exclude), settings.project_root
            )
        return self._matcher.matches(str(path))

    def skipped_by_the_walk(self, path: Path) -> bool:
        """A file under the project's root that a run over the root does not lint (git
        ignores it): the lint items are the files ``throughlint .`` lints. The project's
        files are walked once; the index reads them anyway."""
        from throughlint.discovery import file_identity

        project = self.project
        if not self.settings.respect_gitignore:
            return False
        absolute = os.path.abspath(path)
        tops = project.scope or (project.root,)
        if not any(_below(absolute, os.path.abspath(top)) for top in tops):
            return False  # no walk of the project decides it
        if self._walked is None:
            self._walked = {file_identity(name) for name in project.files()}
        return file_identity(absolute) not in self._walked

    def _key(self) -> str:
        from throughlint import __version__
        from throughlint.cache import build_digest

        return f"{CACHE_KEY}/v{__version__}-{build_digest()}-{self.settings.fingerprint()}"

    @property
    def project(self):
        """The project the items belong to: every file of it feeds the index, so an item
        reports what ``throughlint FILE`` and a full run report for its file."""
        if self._project is None:
            from throughlint.project import Project

            self._project = Project.for_paths(self.settings, [str(self.config.rootpath)])
        return self._project

    def lint(self, path: Path) -> tuple[list, bool, dict[str, int]]:
        """(diagnostics, whether they came from the cache, what was held back by reason). A
        cached entry is valid for the file's content *and* the state of the project's other
        files (cross-file findings)."""
        from throughlint.cache import content_hash
        from throughlint.diagnostics import Diagnostic

        data = path.read_bytes()
        digest = content_hash(data) + self.project.state()
        shown = _display(path, self.config.rootpath)
        entry = self._entry(shown)
        if entry is not None and entry[0] == digest and len(entry) == 3:
            return [Diagnostic.from_tuple(shown, item) for item in entry[1]], True, entry[2]
        linted = self._linted.pop(str(path), None)
        if linted is None or linted[0] != data:
            self._lint_batch(path, data)
            linted = self._linted.pop(str(path))
        result = linted[1]
        held = dict(result.held_back)
        self._dirty[shown] = [digest, [d.to_tuple() for d in result.diagnostics], held]
        return result.diagnostics, False, held

    def _entry(self, shown: str) -> list | None:
        if self._entries is None:
            cache = getattr(self.config, "cache", None)  # None under -p no:cacheprovider
            self._entries = cache.get(self._key(), {}) if cache is not None else {}
        return self._entries.get(shown)

    def _lint_batch(self, path: Path, data: bytes) -> None:
        """Lint ``path`` together with every selected lint item's file not linted yet whose
        cached entry is stale: one merge of the project index for them all (an index per item
        made a session quadratic in the project's size: 2,000 files took 71 s)."""
        from throughlint.cache import content_hash

        state = self.project.state()
        buffers: dict[str, bytes] = {str(path): data}
        self._batched.add(str(path))
        for other in self._collected:
            name = str(other)
            if name in self._batched or name in buffers:
                continue
            self._batched.add(name)
            try:
                content = other.read_bytes()
            except OSError:
                continue  # its own item reports that
            entry = self._entry(_display(other, self.config.rootpath))
            if entry is None or entry[0] != content_hash(content) + state or len(entry) != 3:
                buffers[name] = content
        shown = {name: _display(Path(name), self.config.rootpath) for name in buffers}
        results = self.project.lint_buffer_results(buffers, shown=shown)
        for name, result in results.items():
            self._linted[name] = (buffers[name], result)

    def save(self) -> None:
        cache = getattr(self.config, "cache", None)
        if not self._dirty or cache is None:
            return
        # merge with what other xdist workers wrote meanwhile
        entries = cache.get(self._key(), {})
        entries.update(self._dirty)
        cache.set(self._key(), entries)
        self._dirty = {}

    # -- hooks -----------------------------------------------------------------------
    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector):
        if file_path.suffix not in PYTHON_SUFFIXES or self.excluded(file_path):
            return None
        if self.skipped_by_the_walk(file_path):
            return None
        self.seen.add(os.path.realpath(file_path))
        return LintFile.from_parent(parent, path=file_path)

    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list
    ) -> None:
        if not self.extra_paths:
            return
        from throughlint.discovery import discover

        found = discover(self.extra_paths, self.settings)
        for error_path, message in found.errors:
            raise pytest.UsageError(f"throughlint_paths: {error_path}: {message}")
        for name in found.files:
            path = Path(name).resolve()
            if path.suffix not in PYTHON_SUFFIXES or str(path) in self.seen:
                continue
            self.seen.add(str(path))
            node = LintFile.from_parent(session, path=path)
            items.extend(session.genitems(node))  # reported, so counts include them

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        # the lint items that will run (after ``-k`` and ``-m`` deselected the others)
        self._collected = [item.path for item in session.items if isinstance(item, LintItem)]

    # under xdist a report crosses to the controller as JSON, where the failure would come
    # back as a plain string; the one-line summary travels beside it
    @pytest.hookimpl(wrapper=True)
    def pytest_report_to_serializable(self, config: pytest.Config, report):
        data = yield
        longrepr = getattr(report, "longrepr", None)
        if isinstance(data, dict) and isinstance(longrepr, LintFailureRepr):
            data[_CRASH_KEY] = asdict(longrepr.reprcrash)
        return data

    @pytest.hookimpl(wrapper=True)
    def pytest_report_from_serializable(self, config: pytest.Config, data: dict):
        report = yield
        crash = data.get(_CRASH_KEY) if isinstance(data, dict) else None
        if isinstance(crash, dict) and isinstance(getattr(report, "longrepr", None), str):
            report.longrepr = LintFailureRepr(report.longrepr, _Crash(**crash))
        return report

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.save()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call":
            for name, value in report.user_properties:
                if name == _HELD_BACK:
                    self.held_back.update(value)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        from throughlint.relevance import held_back_line

        line = held_back_line(self.held_back, "show-all = true")
        if line:
            terminalreporter.write_line(f"throughlint: {line}")


class LintFile(pytest.File):
    def collect(self):
        yield LintItem.from_parent(self, name="throughlint")


class LintItem(pytest.Item):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_marker("throughlint")

    def runtest(self) -> None:
        linter: Linter = self.config.pluginmanager.get_plugin(LINTER_NAME)
        diagnostics, cached, held = linter.lint(self.path)
        self.user_properties.append((_CACHE_HIT, cached))
        if held:
            self.user_properties.append((_HELD_BACK, held))
        if diagnostics:
            raise LintFailure(diagnostics)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, LintFailure):
            from throughlint.reporters import Report, render
            from throughlint.results import LintResult

            diagnostics = excinfo.value.diagnostics
            result = LintResult(diagnostics=diagnostics, files=1)
            text = render("text", Report(result, quiet=True)).rstrip("\n")
            first = min(diagnostics, key=lambda d: (d.span.line, d.span.column))
            crash = _Crash(str(self.path), first.span.line, _summary(diagnostics))
            return LintFailureRepr(text, crash)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"throughlint {_display(self.path, self.config.rootpath)}"


LINTER_NAME = "throughlint-lint"


def _below(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _display(path: Path, root: Path) -> str:
    relative = os.path.relpath(path, root)
    return str(path) if relative.startswith("..") else relative.replace(os.sep, "/")
