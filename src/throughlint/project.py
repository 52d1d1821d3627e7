"""A project: the settings, the root, the result cache and the project index, with the two
entry points every front-end uses.

- ``lint_paths(paths)``: the command line, pre-commit, ``throughlint report``;
- ``lint_buffer(path, text)``: the language server, the runtime N+1 cross-check and
  ``throughlint -``; ``lint_buffers`` lints several buffers with one index (each
  ``--fix`` round re-lints the files it changed this way), and ``lint_buffer_results``
  does so with what is shown (pytest's lint items: the stale files of a session at once).

Both see the facts of *every* file of the project, not only of the files they lint: the
facts of the others come from the cache by content hash, and the missing ones are
collected (facts only, no rule runs) and cached. So a file reports the same findings
whether it is linted alone or with its whole project.

Both also decide what is shown, here and nowhere else (``focus``): one finding per loop,
cold-path and constant-input findings held back unless ``show_all`` (``relevance.py``).
A front-end that shows everything passes ``show_all`` in its settings; ``--fix`` works on
each call's own finding (``LintResult.calls``, ``lint_buffer(raw=True)``).
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from throughlint.cache import ResultCache, cache_name, cache_state, content_hash, entry_digest
from throughlint.collection import fewer_collections, file_linted, file_starting
from throughlint.diagnostics import Diagnostic
from throughlint.discovery import discover
from throughlint.index_memo import IndexMemo
from throughlint.priority import callers_from_index, qualified_function
from throughlint.relevance import focus
from throughlint.results import LintResult, has_internal_error
from throughlint.rules import selected_codes
from throughlint.settings import Settings
from throughlint.snapshot import FileResult, FileState, Snapshot, snapshot_path
from throughlint.source import module_identity, source_roots

if TYPE_CHECKING:
    from throughlint.engine import Job
    from throughlint.index.reach import GraphMemo
    from throughlint.rules.base import Rule

# The engine, the rules and the call graph (``engine``, ``index.reach``) are imported
# where a file is linted or the index merged, not here: a run served from the project
# snapshot (``throughlint FILE`` of an unchanged project) does neither.

_PROBE = "__throughlint_probe__"  # a module name no file has: a folder's prefix
_PROJECT_MARKERS = (".git", ".hg", "pyproject.toml", "setup.py", "setup.cfg")


@dataclass
class IndexLoad:
    """How the facts of the files not being linted were found (for ``--verbose``)."""

    others: int = 0
    from_cache: int = 0
    collected: int = 0

    def describe(self, linted: int) -> str:
        if not self.others:
            return f"project index: {linted} file(s) linted, no other file in the project"
        return (
            f"project index: {linted} file(s) linted; facts of the {self.others} other "
            f"project file(s): {self.from_cache} from the cache, {self.collected} collected"
        )


@dataclass
class _Known:
    """The facts of one file of the project, the cache key they belong to (content and
    module name: ``entry_digest``), the content hash, and the file's (mtime, size) when
    read: a long-lived project (the language server) re-reads only the files whose stat
    changed."""

    digest: str
    facts: dict | None
    stat: tuple[int, int] = (0, 0)
    content: str = ""
    module: str = ""


@dataclass
class Project:
    settings: Settings
    root: str = ""
    jobs: int | None = None
    use_cache: bool = True
    show_traceback: bool = False
    last_load: IndexLoad = field(default_factory=IndexLoad)
    _files: list[str] | None = field(default=None, repr=False)
    _cache: ResultCache | None = field(default=None, repr=False)
    _known: dict[str, _Known] = field(default_factory=dict, repr=False)
    _state: str | None = field(default=None, repr=False)
    _memo: IndexMemo = field(default_factory=IndexMemo, repr=False)
    _graph: GraphMemo | None = field(default=None, repr=False)
    _absolute: dict[str, str] = field(default_factory=dict, repr=False)
    # folder -> (root, dotted prefix of its modules): ``module_of`` per folder, not per file
    _folders: dict[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    # what a walk of the project covers: the root, or only the named paths (root too broad)
    scope: tuple[str, ...] = ()
    _modules: frozenset[str] | None = field(default=None, repr=False)
    # absolute path -> (mtime, size, module, cache key) of each file ``other_facts`` found
    # in its last call: the project's state for the snapshot (``snapshot.py``)
    _other_state: dict[str, FileState] = field(default_factory=dict, repr=False)
    # what the last ``other_facts`` was asked and found: (files, top-level modules, their
    # stats, the facts); None when some file's facts were not known
    _last_others: tuple | None = field(default=None, repr=False)
    # the snapshot a run over paths read and missed, written again after it (``lint_paths``)
    _read_snapshot: Snapshot | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.root = os.path.abspath(self.root or self.settings.project_root)
        self._codes = selected_codes(
            self.settings.select,
            self.settings.extend_select,
            self.settings.ignore,
            self.settings.preview,
        )
        self._roots = source_roots(self.settings)
        self._selected: tuple[Rule, ...] | None = None

    @property
    def _rules(self) -> tuple[Rule, ...]:
        """The selected rules, imported when a file is first linted."""
        if self._selected is None:
            from throughlint.rules import select_rules

            settings = self.settings
            self._selected = select_rules(
                settings.select, settings.extend_select, settings.ignore, settings.preview
            )
        return self._selected

    def _job(self, **changes) -> Job:
        """What a worker needs to lint (``engine.Job``)."""
        from throughlint.engine import Job

        return Job(self.settings, self._codes, self.show_traceback, **changes)

    @classmethod
    def for_paths(cls, settings: Settings, paths: Sequence[str], **options) -> Project:
        """The project the named paths belong to: the configuration's folder; without one,
        the current folder when it looks like a project (version control, packaging) and
        holds the named paths, else the folder of the named paths (never a walk of a home
        folder)."""
        root = os.path.abspath(settings.project_root)
        if settings.config_file is None:
            # only folders and regular files place the project: a device or FIFO named on
            # the command line (skipped later with an error) must not widen it
            named = [os.path.abspath(p if os.path.isdir(p) else os.path.dirname(p) or ".")
                     for p in paths or ["."]
                     if os.path.isdir(p) or os.path.isfile(p)]  # fmt: skip
            outside = any(not _within(folder, root) for folder in named)
            if outside or not _is_project_folder(root):
                with contextlib.suppress(ValueError):
                    root = os.path.commonpath(named) if named else root
        project = cls(settings, root, **options)
        if project.root in _too_broad():
            # paths from far-apart folders: their facts only, never a walk of / or a home
            project.scope = tuple(paths)
        return project

    # --- the files of the project and their facts ------------------------------------

    def files(self) -> list[str]:
        """Every file a run over the project's root would lint."""
        if self._files is None:
            scope = list(self.scope or (self.root,))
            self._files = discover(scope, self.settings, self._memo_dir()).files
        return self._files

    def _memo_dir(self) -> str | None:
        """Where discovery may keep git's answer on ignored files: the cache folder."""
        if not self.use_cache:
            return None
        return os.path.join(self.settings.project_root, self.settings.cache_dir)

    def forget_files(self) -> None:
        """Walk the root again next time (a long-lived project: files added or removed,
        an ``__init__.py`` that changes which package a folder is)."""
        self._files = None
        self._modules = None
        self._last_others = None
        self._absolute.clear()
        self._folders.clear()
        self._memo.forget_modules()

    def module_of(self, path: str) -> str:
        """The dotted module name of a file of the project, as the index names it (known
        until ``forget_files``)."""
        identities = self._memo.identities
        identity = identities.get(path)
        if identity is None:
            identity = identities[path] = self._identity(path)
        return identity[1]

    def _identity(self, path: str) -> tuple[str, str]:
        """``module_identity`` of a file, worked out once per folder: every file of a
        folder has the folder's root and package (a package's ``__init__`` aside)."""
        folder, name = _split(path)
        stem = name[:-3] if name.endswith(".py") and name[:-3].strip(".") else ""
        stem = stem or os.path.splitext(name)[0]
        if stem == "__init__" or not stem:
            return module_identity(path, self._roots, self._memo.packages)
        known = self._folders.get(folder)
        if known is None:
            probe = os.path.join(folder, f"{_PROBE}.py")
            root, module = module_identity(probe, self._roots, self._memo.packages)
            known = self._folders[folder] = (root, module[: -len(_PROBE)])
        return known[0], known[1] + stem

    def project_modules(self, linted: Iterable[str] = ()) -> frozenset[str]:
        """The top-level names of the project's modules (and of the ``linted`` files'):
        a call of a function imported from any other module is not the project's
        (``FileFacts.project_modules``)."""
        if self._modules is None:
            self._modules = frozenset(self._top(path) for path in self.files())
        extra = {self._top(path) for path in linted} - self._modules
        return self._modules | extra if extra else self._modules

    def _top(self, path: str) -> str:
        return self.module_of(path).partition(".")[0]

    def cache(self) -> ResultCache | None:
        if self.use_cache and self._cache is None:
            directory = os.path.join(self.settings.project_root, self.settings.cache_dir)
            self._cache = ResultCache(directory, self.settings.fingerprint()).load()
        return self._cache

    def other_facts(self, linted: Iterable[str]) -> dict[str, dict]:
        """Facts of the project's files other than ``linted``: known ones are reused when the
        content is unchanged, the others collected (facts only) and cached."""
        others = self._others(linted)
        absolute = self._absolute
        top_level = self.project_modules(linted)
        again = self._unchanged_others(others, top_level)
        if again is not None:
            self.last_load = IndexLoad(others=len(others), from_cache=len(others))
            return again
        cache = self.cache()
        load = IndexLoad(others=len(others))
        found: dict[str, dict] = {}
        missing: list[str] = []
        state: dict[str, FileState] = {}
        stats: dict[str, tuple[int, int]] = {}
        # cache key -> content hash and module name, of the missing files
        contents: dict[str, str] = {}
        modules: dict[str, str] = {}
        for path in others:
            known = self._known.get(path)
            try:
                info = os.stat(path)
                stats[path] = stat = (info.st_mtime_ns, info.st_size)
                if known is not None and known.stat == stat and known.content:
                    content = known.content
                else:
                    content = (
                        cache.digest_by_stat(absolute[path], stat) if cache is not None else None
                    )
                    if content is None:
                        with open(path, "rb") as handle:
                            content = content_hash(handle.read())
                        if cache is not None:
                            cache.remember_stat(absolute[path], stat, content)
            except OSError:
                continue
            module = self.module_of(path)
            if known is not None and known.content == content and known.module == module:
                digest = known.digest  # unchanged: no hash to compute (a re-lint per key)
            else:
                digest = entry_digest(content, module)
            if known is not None and known.digest == digest:
                facts, hit = known.facts, True
            elif cache is not None:
                hit, facts = cache.known_facts(absolute[path], digest)
            else:
                hit, facts = False, None
            if not hit or stale_facts(facts, top_level):
                missing.append(path)
                contents[digest] = content
                modules[digest] = module
                continue
            load.from_cache += 1
            self._known[path] = _Known(digest, facts, stats[path], content, module)
            state[absolute[path]] = [*stats[path], module, digest]
            if facts:
                found[path] = facts
        from throughlint.engine import Job, run_jobs

        job = Job(self.settings, self._codes, facts_only=True, project_modules=top_level)
        for path, digest, _, facts in run_jobs(missing, job, self.jobs):
            if digest is None:
                continue
            load.collected += 1
            # a file changed since its stat was taken has no content hash: read it next time
            self._known[path] = _Known(
                digest,
                facts,
                stats.get(path, (0, 0)),
                contents.get(digest, ""),
                modules.get(digest, ""),
            )
            if cache is not None:
                cache.put(path, digest, None, facts)
            if path in stats and digest in modules:
                state[absolute[path]] = [*stats[path], modules[digest], digest]
            if facts:
                found[path] = facts
        self.last_load = load
        self._other_state = state
        if len(state) == len(others):  # every file's facts known: a re-lint may reuse them
            self._last_others = (others, top_level, [(p, stats[p]) for p in others], found)
        else:
            self._last_others = None
        return found

    def _others(self, linted: Iterable[str]) -> list[str]:
        """The project's files other than ``linted``."""
        skip = {os.path.abspath(path) for path in linted}
        skip |= {os.path.realpath(path) for path in skip}
        absolute = self._absolute
        if len(absolute) != len(self.files()):
            absolute.clear()
            absolute.update((path, _absolute(path)) for path in self.files())
        return [path for path in self.files() if absolute[path] not in skip]

    def _unchanged_others(
        self, others: list[str], top_level: frozenset[str]
    ) -> dict[str, dict] | None:
        """The facts the last ``other_facts`` returned (the same object: the index and
        graph memos know it), when it was asked about the same files and none of them
        changed since (stat): a re-lint of a buffer in a long-lived project costs one
        stat per file, not a look-up of each file's facts."""
        last = self._last_others
        if last is None or last[0] != others or last[1] != top_level:
            return None
        stat = os.stat
        try:
            for path, (mtime, size) in last[2]:
                info = stat(path)
                if info.st_mtime_ns != mtime or info.st_size != size:
                    return None
        except OSError:
            return None
        return last[3]

    def state(self) -> str:
        """A digest of the content of every file of the project (computed once: for a
        session that lints many buffers against files that do not change, pytest)."""
        if self._state is None:
            self.other_facts([])
            if self._cache is not None:
                self._cache.save()
            digests = sorted((path, known.digest) for path, known in self._known.items())
            self._state = content_hash(repr(digests).encode())
        return self._state

    # --- entry points ------------------------------------------------------------------

    def lint_paths(self, paths: Sequence[str]) -> LintResult:
        discovery = discover(paths or ["."], self.settings, self._memo_dir())
        if self._files is None and any(
            os.path.isdir(path) and os.path.abspath(path) == self.root for path in paths or ["."]
        ):
            self._files = discovery.files  # the whole project was named: walk it once
        result = LintResult(files=len(discovery.files))
        result.errors.extend(f"{path}: {message}" for path, message in discovery.errors)
        if not discovery.files:
            return result  # nothing to lint (a missing path, an excluded file): no index
        if self._from_snapshot(discovery.files, result):
            return result
        from throughlint.engine import cached_items, resolve_index, run_jobs
        from throughlint.index.reach import refine

        cache = self.cache()
        modules = self.project_modules(discovery.files)
        pending: list[str] = []
        file_facts: dict[str, dict] = {}
        # the linted files' part of the project's state (None: not known, no snapshot)
        linted: dict[str, FileState | None] = {}
        snapshot = self._read_snapshot.files if self._read_snapshot is not None else None
        for path in discovery.files:
            module = self.module_of(path)
            key = _file_key(path, module) if cache is not None else None
            linted[path] = [*key[0], module, key[2]] if key is not None else None
            # changed since the project snapshot was written: its entry, if any, is among
            # the recent ones, and the whole cache is not read to look for it
            read = snapshot is None or key is None or _state_key(snapshot, path) == key[2]
            if cache is not None and key is not None:
                # a later run of other files reads this one's content hash by its stat
                absolute = os.path.abspath(path)
                if cache.digest_by_stat(absolute, key[0], read=read) != key[1]:
                    cache.remember_stat(absolute, key[0], key[1])
            cached = cached_items(cache, path, key[2], read) if cache and key else None
            facts = cache.facts(path) if cache is not None and cached is not None else None
            if cached is None or stale_facts(facts, modules):
                pending.append(path)
                continue
            result.diagnostics.extend(Diagnostic.from_tuple(path, item) for item in cached)
            if facts:
                file_facts[path] = facts
        job = self._job(project_modules=modules)
        for path, digest, items, facts in run_jobs(pending, job, self.jobs):
            if cache is not None and digest is not None and not has_internal_error(items):
                cache.put(path, digest, items, facts)
            known = linted.get(path)
            if known is not None and known[3] != digest:  # changed while being read
                linted[path] = None
            result.diagnostics.extend(Diagnostic.from_tuple(path, item) for item in items)
            if facts:
                file_facts[path] = facts
        if (cache is None or not cache.whole_read) and not _others_needed(
            file_facts, result.diagnostics
        ):
            # their findings are those of a run with every file's facts, without reading
            # them (an edited file with no finding, mostly)
            if cache is not None:
                cache.save()
            others = len(self._others(discovery.files))
            result.notes.append(
                f"project index: {len(discovery.files)} file(s) linted; facts of the {others} "
                "other project file(s) not read: no finding of the linted file(s) needs them"
                if others
                else IndexLoad().describe(len(discovery.files))
            )
            result.calls = sorted(result.diagnostics, key=lambda d: d.sort_key)
            result.call_sites = {}
            result.diagnostics, result.held_back = self.focus(result.calls)
            return result
        all_facts = self._in_project_order(self.other_facts(discovery.files), file_facts)
        result.notes.append(self.last_load.describe(len(discovery.files)))
        if self.last_load.collected and self.use_cache:
            result.notices.append(
                f"note: the project index was cold: collected the facts of "
                f"{self.last_load.collected} other file(s) of {self.root} (cached for next time)"
            )
        if cache is not None:
            cache.save()
        failures: list[Exception] = []
        shown = len(result.notices)
        try:
            found = resolve_index(
                all_facts, file_facts, self._roots, result.notices, memo=self._memo, keep=False
            )
            result.diagnostics.extend(found)
        except Exception as exc:  # an index bug, or facts from a tampered cache: no traceback
            failures.append(exc)
        warnings = result.notices[shown:]
        result.facts = all_facts
        # no graph memo: a run over paths builds the graph once, and keying it by the
        # linted files' facts would cost a JSON dump of each
        try:
            result.diagnostics = refine(result.diagnostics, all_facts, self.module_of)
        except Exception as exc:  # the call graph over the same facts: hot and cold paths
            failures.append(exc)
        if failures:  # one line for the project-wide passes, however many of them failed
            exc = failures[0]
            result.errors.append(
                f"internal error in the project index ({type(exc).__name__}: {exc}); "
                "cross-file findings are missing"
                + ("; the cache was cleared" if cache is not None else "")
            )
            if cache is not None:
                with contextlib.suppress(OSError):
                    os.remove(cache.path)
        result.calls = sorted(result.diagnostics, key=lambda d: d.sort_key)
        if not failures:  # the callers ranking needs, counted once (``adoption`` reads them)
            functions = {qualified_function(d) for d in result.calls} - {""}
            counts = callers_from_index(all_facts, functions) if functions else Counter()
            result.call_sites = {name: counts[name] for name in functions}
        if cache is not None and not failures:
            pending_files = any((facts or {}).get("p") for facts in file_facts.values())
            self._save_snapshot(
                linted, file_facts, result, warnings if pending_files else None, cache.path
            )
        result.diagnostics, result.held_back = self.focus(result.calls)
        return result

    def _in_project_order(
        self, others: dict[str, dict], linted: dict[str, dict]
    ) -> dict[str, dict]:
        """Every file's facts in the order of the project's files, the linted ones in their
        place: the index merges them in one order whichever files were linted (a run of one
        file and a run of the project build the same index)."""
        if not others:
            return dict(linted)
        place = {os.path.abspath(path): path for path in linted}
        ordered: dict[str, dict] = {}
        absolute = self._absolute
        for path in self.files():
            if path in others:
                ordered[path] = others[path]
            else:
                own = place.get(absolute.get(path) or os.path.abspath(path))
                if own is not None:
                    ordered[own] = linted[own]
        for path, facts in linted.items():  # files outside the project's walk: last
            ordered.setdefault(path, facts)
        return ordered

    # --- the project snapshot (``snapshot.py``) ----------------------------------------

    def _cache_file(self) -> str:
        directory = os.path.join(self.settings.project_root, self.settings.cache_dir)
        return os.path.join(directory, cache_name(self.settings.fingerprint()))

    def _stat_unchanged(self, path: str, state: dict) -> bool:
        """``path`` has the size and modification time the snapshot recorded for it."""
        known = state.get(self._absolute.get(path) or os.path.abspath(path))
        try:
            info = os.stat(path)
        except OSError:
            return False
        return isinstance(known, list) and known[:2] == [info.st_mtime_ns, info.st_size]

    def _from_snapshot(self, linted: list[str], result: LintResult) -> bool:
        """Fill ``result`` from the project snapshot when it was written for the project's
        present state (every file's stat and module name, the linted files' content, the
        result cache); False, with ``result`` untouched, otherwise."""
        if not self.use_cache or self.scope or not linted:
            return False
        cache_file = self._cache_file()
        snapshot = self._read_snapshot = Snapshot.load(snapshot_path(cache_file))
        if snapshot is None or snapshot.root != self.root:
            return False
        if cache_state(cache_file) != snapshot.cache:
            return False
        state = snapshot.files
        if not all(self._stat_unchanged(path, state) for path in linted):
            return False  # the usual miss (an edited file): before stating every file
        walk = self.files()
        absolute = self._absolute
        if len(absolute) != len(walk):
            absolute.clear()
            absolute.update((path, _absolute(path)) for path in walk)
        outside: list[str] = []
        if len(state) > len(walk):  # files named though the walk skips them are in the state
            walked = set(absolute.values())
            outside = [path for path in linted if os.path.abspath(path) not in walked]
        if len(walk) + len(outside) != len(state):
            return False
        for path in itertools.chain(walk, outside):
            known = state.get(absolute.get(path) or os.path.abspath(path))
            try:
                info = os.stat(path)
            except OSError:
                return False
            if (
                not isinstance(known, list)
                or len(known) != 4
                or known[:3] != [info.st_mtime_ns, info.st_size, self.module_of(path)]
            ):
                return False
        full = {path: os.path.abspath(path) for path in linted}
        for path in linted:
            known = state.get(full[path])
            key = _file_key(path, self.module_of(path)) if known is not None else None
            if key is None or key[2] != known[3]:  # type: ignore[index]
                return False
        stored = snapshot.read(dict.fromkeys(full.values()))
        if stored is None:
            return False
        pending = any(found.pending for found in stored.values())
        if pending and snapshot.warnings is None:
            return False
        try:
            calls = [Diagnostic.from_tuple(path, item) for path in linted
                     for item in stored[full[path]].calls]  # fmt: skip
        except (TypeError, ValueError, KeyError, IndexError):  # a tampered snapshot: a miss
            return False
        sites: dict[str, int] = {}
        for found in stored.values():
            sites.update(found.sites)
        others = len(state) - len(stored)
        self.last_load = IndexLoad(others=others, from_cache=others)
        result.notes.append(self.last_load.describe(len(linted)))
        result.notes.append(
            "project index: findings read from the project snapshot (no file of the "
            "project changed since it was written)"
        )
        if pending:
            result.notices.extend(snapshot.warnings or ())
        result.call_sites = sites
        result.calls = sorted(calls, key=lambda d: d.sort_key)
        result.diagnostics, result.held_back = self.focus(result.calls)
        return True

    def _save_snapshot(
        self,
        linted: dict[str, FileState | None],
        file_facts: dict[str, dict],
        result: LintResult,
        warnings: list[str] | None,
        cache_path: str,
    ) -> None:
        """Store the linted files' final findings with the project's state (every file of
        the project known, the linted ones among them; else nothing is stored)."""
        if self.scope:
            return
        state = dict(self._other_state)
        for path, known in linted.items():
            if known is None:
                return
            state[os.path.abspath(path)] = known
        project = {self._absolute.get(path) or os.path.abspath(path) for path in self.files()}
        project.update(os.path.abspath(path) for path in linted)  # named, though not walked
        if len(state) != len(project) or not project.issuperset(state):
            return
        cache_stat = cache_state(cache_path)
        if cache_stat is None:
            return
        target = snapshot_path(cache_path)
        snapshot, self._read_snapshot = self._read_snapshot, None
        if snapshot is None or snapshot.path != target or not snapshot.unchanged():
            snapshot = Snapshot.load(target)  # not read by this run, or written since
        if snapshot is None or snapshot.root != self.root or snapshot.files != state:
            # another state: a new snapshot (the results of the old one removed when saved)
            previous = snapshot.blob if snapshot is not None else ""
            snapshot = Snapshot(target, self.root, state, cache_stat, blob=previous)
        snapshot.cache = cache_stat
        if warnings is not None:
            snapshot.warnings = warnings
        by_path: dict[str, list[Diagnostic]] = {path: [] for path in linted}
        for diagnostic in result.calls:
            if diagnostic.path in by_path:
                by_path[diagnostic.path].append(diagnostic)
        counts = result.call_sites or {}
        for path, calls in by_path.items():
            if has_internal_error([(d.code,) for d in calls]):
                continue  # never stored: a run with --show-traceback lints it again
            own = {qualified_function(d) for d in calls} - {""}
            pending = bool((file_facts.get(path) or {}).get("p"))
            stored = FileResult(
                [list(d.to_tuple()) for d in calls], pending, {f: counts.get(f, 0) for f in own}
            )
            snapshot.put(os.path.abspath(path), stored)
        snapshot.save()

    def focus(self, calls: Iterable[Diagnostic]) -> tuple[list[Diagnostic], Counter[str]]:
        """What the front-ends show of ``calls`` (each call's own finding): grouped at
        loops, with what is held back counted by reason (``relevance.focus``)."""
        return focus(calls, self.settings.show_all)

    def lint_buffer(
        self,
        path: str,
        text: str | bytes,
        *,
        shown: str | None = None,
        encoding: str = "utf-8",
        raw: bool = False,
    ) -> list[Diagnostic]:
        """Lint ``text`` as the content of ``path`` (which need not exist on disk), with the
        facts of every other file of the project. Bytes are decoded as the command line
        decodes a file; diagnostics name ``shown`` (default ``path``). What a run of the
        file shows (``focus``); with ``raw``, each call's own finding."""
        result = self.lint_buffer_result(path, text, shown=shown, encoding=encoding)
        return result.calls if raw else result.diagnostics

    def lint_buffer_result(
        self, path: str, text: str | bytes, *, shown: str | None = None, encoding: str = "utf-8"
    ) -> LintResult:
        """``lint_buffer`` with each call's own finding and the held-back counts beside
        what is shown (the language server's fixes, the summary of ``throughlint -``)."""
        shown_as = {path: shown} if shown else None
        return self.lint_buffer_results({path: text}, shown=shown_as, encoding=encoding)[path]

    def lint_buffer_results(
        self,
        buffers: dict[str, str | bytes],
        *,
        shown: dict[str, str] | None = None,
        encoding: str = "utf-8",
    ) -> dict[str, LintResult]:
        """``lint_buffer_result`` for several buffers at once, with one index (pytest's
        lint items: one merge for the session, not one per file). ``shown``: the name each
        buffer's diagnostics give (default its path)."""
        found = self.lint_buffers(buffers, encoding=encoding)
        results: dict[str, LintResult] = {}
        for path in buffers:
            diagnostics = found.get(path, [])
            name = (shown or {}).get(path) or path
            if name != path:
                diagnostics = [replace(d, path=name) for d in diagnostics]
            calls = sorted(diagnostics, key=lambda d: d.sort_key)
            shown_now, held = self.focus(calls)
            results[path] = LintResult(diagnostics=shown_now, files=1, calls=calls, held_back=held)
        return results

    def lint_buffers(
        self,
        buffers: dict[str, str | bytes],
        *,
        encoding: str = "utf-8",
        checked: dict[str, BufferCheck] | None = None,
    ) -> dict[str, list[Diagnostic]]:
        """Each call's own findings in each of ``buffers`` (path to content), linted
        together with the facts of every other file of the project: one index for all of
        them, so ``--fix`` re-lints the files of a round in time linear in the project.
        ``checked`` keeps each buffer's own check between calls (reused while its content
        is the same)."""
        from throughlint.engine import check_bytes, deep_recursion, resolve_index
        from throughlint.index.reach import GraphMemo, needs_graph, refine

        checked = {} if checked is None else checked
        modules = self.project_modules(list(buffers))
        found: dict[str, list[Diagnostic]] = {}
        own: dict[str, dict] = {}
        # collected after each buffer, not in the middle of one: a language server keeps
        # every file's facts, and a full collection over them mid-walk is a 100 ms stall
        with deep_recursion(), fewer_collections():
            for path, text in buffers.items():
                data = text if isinstance(text, bytes) else text.encode(encoding)
                known = checked.get(path)
                if known is None or known.data != data or known.modules != modules:
                    facts_out: list = []
                    file_starting()
                    diagnostics = check_bytes(
                        data,
                        path,
                        self.settings,
                        self._rules,
                        self.show_traceback,
                        facts_out,
                        project_modules=modules,
                    )
                    facts = facts_out[0] if facts_out else None
                    known = BufferCheck(data, modules, diagnostics, facts)
                    checked[path] = known
                    file_linted()
                found[path] = list(known.diagnostics)
                if known.facts is not None:
                    own[path] = known.facts
            pending = [path for path, facts in own.items() if facts.get("p")]
            every_call = [d for diagnostics in found.values() for d in diagnostics]
            if not pending and not needs_graph(every_call):
                return found
            others = self.other_facts(list(buffers))
            if self._cache is not None:
                self._cache.save()
            every = self._in_project_order(others, own) if own else others
            if pending:
                every_call += resolve_index(every, pending, self._roots, memo=self._memo)
            if self._graph is None:
                self._graph = GraphMemo()
            every_call = refine(every_call, every, self.module_of, self._graph, list(buffers))
        found = {path: [] for path in buffers}
        for diagnostic in every_call:
            found.setdefault(diagnostic.path, []).append(diagnostic)
        return found


@dataclass(frozen=True)
class BufferCheck:
    """One buffer's own check (its findings before the index, and its facts), kept while
    its content and the project's modules are the same."""

    data: bytes
    modules: frozenset[str]
    diagnostics: list[Diagnostic]
    facts: dict | None


def lint_paths(
    paths: Sequence[str],
    settings: Settings,
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    show_traceback: bool = False,
) -> LintResult:
    """Lint ``paths`` with the index of the project they belong to."""
    project = Project.for_paths(
        settings, paths, jobs=jobs, use_cache=use_cache, show_traceback=show_traceback
    )
    return project.lint_paths(paths)


def _file_key(path: str, module: str) -> tuple[tuple[int, int], str, str] | None:
    """A file's (mtime, size), taken before it is read, its content hash and its cache key."""
    try:
        info = os.stat(path)
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    content = content_hash(data)
    return (info.st_mtime_ns, info.st_size), content, entry_digest(content, module)


def _others_needed(file_facts: dict[str, dict], diagnostics: list[Diagnostic]) -> bool:
    """Whether another file's facts can change these findings: a pending one for the index
    to decide, one for the call graph to place or size, or one in a function, whose
    callers ranking counts."""
    from throughlint.index.reach import needs_graph

    return (
        any(facts.get("p") for facts in file_facts.values())
        or needs_graph(diagnostics)
        or any(qualified_function(d) for d in diagnostics)
    )


def _state_key(state: dict, path: str) -> str | None:
    """The cache key a project snapshot's state records for ``path`` (None: none)."""
    known = state.get(os.path.abspath(path))
    return known[3] if isinstance(known, list) and len(known) == 4 else None


def _absolute(path: str) -> str:
    """``os.path.abspath``, without normalising a path that is absolute and normal already
    (every file of a walk from the absolute root: one per file of the project)."""
    if (
        os.altsep is None
        and path[:1] == os.sep == "/"
        and "//" not in path
        and "/." not in path
        and path[-1:] != "/"
    ):
        return path
    return os.path.abspath(path)


def _split(path: str) -> tuple[str, str]:
    """``os.path.split`` without its function calls where the only separator is ``/``
    (module names are worked out for every file of the project in a one-file run)."""
    if os.altsep is not None or os.sep != "/":
        return os.path.split(path)
    cut = path.rfind("/") + 1
    head = path[:cut]
    return head.rstrip("/") or head, path[cut:]


def stale_facts(facts: dict | None, modules: frozenset[str]) -> bool:
    """Facts recorded while a module the file calls was not the project's, which now is
    (a package added): collected again."""
    external = facts.get("external_modules") if facts else None
    return bool(external) and not modules.isdisjoint(external)  # type: ignore[arg-type]


def _too_broad() -> set[str]:
    """Folders a project is never walked from: the file system's root and the home folder."""
    return {os.path.abspath(os.sep), os.path.abspath(os.path.expanduser("~"))}


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _is_project_folder(folder: str) -> bool:
    return any(os.path.exists(os.path.join(folder, marker)) for marker in _PROJECT_MARKERS)
