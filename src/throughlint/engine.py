"""The pipeline, in one direction:

    discover -> read -> parse -> semantic model + rules (one walk) -> suppression -> result

Files are linted in worker processes when there are enough of them; results are cached
by content hash so an unchanged tree re-lints in a fraction of the cold time.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import sys
import traceback
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from throughlint.cache import ResultCache, content_hash, entry_digest
from throughlint.checker import (
    Checker,
    Dispatch,
    build_dispatch,
    pending_diagnostic,
)
from throughlint.collection import collect_by_file, file_linted, file_starting
from throughlint.diagnostics import Diagnostic, Severity, Span
from throughlint.index import COLLECTOR, FileFacts, ProjectIndex
from throughlint.index.project import Reuse
from throughlint.index.roots import separate_roots, shared_modules
from throughlint.index_memo import IndexMemo
from throughlint.results import (
    INTERNAL_ERROR_CODE,
    INTERNAL_ERROR_NAME,
    PARSE_ERROR_CODE,
    PARSE_ERROR_NAME,
)
from throughlint.rules import all_rules, rule_by_code, select_rules
from throughlint.rules.base import Rule
from throughlint.settings import Settings
from throughlint.source import (
    SourceError,
    decode_source,
    module_identity,
    parse_source,
    source_roots,
)
from throughlint.suppression import filter_suppressed, is_suppressed

_PARALLEL_MIN_FILES = 24
_RECURSION_LIMIT = 10_000


@dataclass(frozen=True)
class Job:
    """Everything a worker needs, picklable: rules travel by code."""

    settings: Settings
    rule_codes: tuple[str, ...]
    show_traceback: bool = False
    facts_only: bool = False  # collect project-index facts, run no rule
    # the top-level names of the project's modules (``FileFacts.project_modules``)
    project_modules: frozenset[str] | None = None


def lint_text(
    text: str,
    path: str = "<string>",
    settings: Settings | None = None,
    rules: Iterable[Rule] | None = None,
    encoding: str = "utf-8",
) -> list[Diagnostic]:
    """Lint source text in-process; the entry point for tests and the pytest plugin.
    ``encoding`` is the file's own (``--fix`` re-lints text that declares a coding)."""
    settings = settings or Settings()
    if rules is None:
        rules = select_rules(
            settings.select, settings.extend_select, settings.ignore, settings.preview
        )
    data = text.encode(encoding)
    facts: list = []
    with deep_recursion():
        diagnostics = check_bytes(data, path, settings, tuple(rules), False, facts)
    if facts and facts[0]:
        diagnostics += resolve_index({path: facts[0]}, [path], source_roots(settings))
    return sorted(diagnostics, key=lambda d: d.sort_key)


def resolve_index(
    file_facts: dict[str, dict],
    targets: Iterable[str],
    roots: Sequence[str] = (),
    warnings: list[str] | None = None,
    memo: IndexMemo | None = None,
    keep: bool = True,
) -> list[Diagnostic]:
    """Merge every file's index facts (modules keyed by root and dotted name, ``roots``
    the ``src`` setting's), then turn the pending findings of ``targets`` (files of
    ``file_facts``) into diagnostics; collisions are added to ``warnings``. ``keep``:
    keep the merged index in ``memo`` for the next call (a one-shot run over paths does
    not: keying it costs a JSON dump of each linted file's facts)."""
    pending = [path for path in targets if (file_facts.get(path) or {}).get("p")]
    if not pending:
        return []
    memo = memo or IndexMemo()
    identities = memo.identities
    for path in file_facts:
        if path not in identities:
            identities[path] = module_identity(path, roots, memo.packages)
    files = frozenset(file_facts)
    if memo.shared is None or files != memo.files:
        memo.files = files
        memo.shared = shared_modules({path: identities[path] for path in file_facts})
        memo.renamed.clear()
    file_facts, found_warnings = separate_roots(
        file_facts, identities, memo.shared, memo.renamed if keep else None
    )
    if warnings is not None:
        warnings.extend(found_warnings)
    linted = set(pending)
    key = _index_key(file_facts, linted) if keep else None
    index = memo.index if keep else None
    if index is None or key != memo.key:
        index = _merged(file_facts, linted, memo if keep else None, key)
        if keep:
            memo.key, memo.index, memo.held = key, index, tuple(file_facts.values())
    found: list[Diagnostic] = []
    for path in pending:
        found.extend(_project_findings(index, path, file_facts[path]))
    return found


def _merged(
    file_facts: dict[str, dict], linted: set[str], memo: IndexMemo | None, key: tuple | None
) -> ProjectIndex:
    """The merged index of ``file_facts``. With a ``memo`` (a long-lived project), the
    other files' facts are merged once and kept (``memo.base``, while they are the same
    objects: ``key[0]``), and each merge adds the ``linted`` files to a copy of that."""
    if memo is None or key is None:
        index = ProjectIndex()
        index.add_all(file_facts.values())
        return index.finish()
    rebuilt = memo.base is None or memo.base_key != key[0]
    if rebuilt:
        base = ProjectIndex()
        base.add_all(facts for path, facts in file_facts.items() if path not in linted)
        memo.base, memo.base_key = base, key[0]
    index = memo.base.overlay()  # type: ignore[union-attr]
    own = [facts for path, facts in file_facts.items() if path in linted]
    index.add_all(own)
    shape = _shape(own)
    reuse = None
    if not rebuilt and memo.index is not None and memo.index_base is memo.base:
        same_classes = shape[0] == memo.shape[0]
        reuse = Reuse(memo.index, same_classes, same_classes and shape == memo.shape)
    memo.shape, memo.index_base = shape, memo.base
    return index.finish(reuse)


_TYPING_FACTS = (
    "re",
    "dbv",
    "attribute_values",
    "argument_types",
    "passed_functions",
    "tabled_functions",
    "typed_effects",
)
"""The facts the typed effects read, besides classes and function names."""


def _shape(own: list[dict]) -> tuple:
    """What of the linted files' facts the class-derived tables and the typed effects
    read: their classes, then their function names and typing facts."""
    classes = [facts.get("c") for facts in own]
    names = [sorted(facts.get("f", ())) for facts in own]
    typing = [[facts.get(name) for name in _TYPING_FACTS] for facts in own]
    return classes, names, typing


def _index_key(file_facts: dict[str, dict], linted: set[str]) -> tuple:
    """What the merged index depends on: the other files' facts by identity (a project
    keeps them while their content is unchanged), the linted files' by value."""
    others = tuple((path, id(facts)) for path, facts in file_facts.items() if path not in linted)
    own = tuple(
        (
            path,
            # every fact the merged index reads (not the file's own pending findings)
            json.dumps(
                {key: value for key, value in facts.items() if key not in ("p", "codes")},
                sort_keys=True,
            ),
        )
        for path, facts in file_facts.items()
        if path in linted
    )
    return others, own


def _project_findings(index: ProjectIndex, path: str, facts: dict) -> list[Diagnostic]:
    """A file's pending findings through the project-level checks of its active rules."""
    rules = [rule for rule in map(rule_by_code, facts.get("codes", ())) if rule is not None]
    found: list[Diagnostic] = []
    groups: set[str] = set()
    for pending in facts["p"]:
        suppressed = frozenset(pending["sup"])
        for rule in rules:
            for check in rule.project_checks.get(pending["k"], ()):
                for message, group, fix, *confidence in check(index, pending):
                    if group is not None:
                        if group in groups:
                            continue
                        groups.add(group)
                    if not is_suppressed(rule.code, suppressed):
                        found.append(
                            pending_diagnostic(rule, path, pending, message, fix, *confidence)
                        )
    return found


def cached_result(cache: ResultCache | None, path: str, module: str) -> list | None:
    """A file's cached diagnostics, valid for its content and ``module`` (its name)."""
    if cache is None:
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return cached_items(cache, path, entry_digest(content_hash(data), module))


def cached_items(cache: ResultCache, path: str, digest: str, read: bool = True) -> list | None:
    """A file's cached diagnostics under its cache key (``entry_digest``); ``read`` False:
    only if the cache has them without reading its whole file (``ResultCache.get``)."""
    items = cache.get(path, digest, read=read)
    return items if _well_formed(path, items) else None


def _well_formed(path: str, items: object) -> bool:
    """An entry from an older or tampered cache whose hash matches is a miss, not a crash."""
    if not isinstance(items, list):
        return False
    try:
        for item in items:
            Diagnostic.from_tuple(path, item)
    except (TypeError, ValueError, KeyError, IndexError):
        return False
    return True


def run_jobs(paths: list[str], job: Job, jobs: int | None):
    """``(path, cache key (``entry_digest``), diagnostics as tuples, facts)`` per file, in
    worker processes when there are enough files."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(paths) < _PARALLEL_MIN_FILES:
        _init_worker(job)
        with deep_recursion():
            yield from _lint_chunk(paths)
        return
    # imported here: a one-file run (pre-commit) should not pay for them at start-up
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunk_size = max(4, min(64, len(paths) // (jobs * 8) or 1))
    chunks = [paths[i : i + chunk_size] for i in range(0, len(paths), chunk_size)]
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    done: set[str] = set()
    try:
        with ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=_init_process, initargs=(job,)
        ) as pool:
            for chunk_results in pool.map(_lint_chunk, chunks):
                for item in chunk_results:
                    done.add(item[0])
                    yield item
    except BrokenProcessPool:  # a worker was killed (OOM killer, signal): finish here
        remaining = [path for path in paths if path not in done]
        print(
            f"throughlint: warning: a worker process died; linting the remaining "
            f"{len(remaining)} files in this process",
            file=sys.stderr,
        )
        _init_worker(job)
        with deep_recursion():
            yield from _lint_chunk(remaining)


_WORKER: dict[str, object] = {}


@contextlib.contextmanager
def deep_recursion() -> Iterator[None]:
    """Room for deeply nested code while linting in this process; the caller's recursion
    limit is restored afterwards (the engine is also a library: pytest plugin, LSP)."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, _RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _init_process(job: Job) -> None:
    """Initialiser of a worker process, which lints and nothing else."""
    sys.setrecursionlimit(max(sys.getrecursionlimit(), _RECURSION_LIMIT))
    collect_by_file()
    _init_worker(job)


def _init_worker(job: Job) -> None:
    wanted = set(job.rule_codes)
    _WORKER["job"] = job
    _WORKER["rules"] = tuple(rule for rule in all_rules() if rule.code in wanted)
    _WORKER["roots"] = source_roots(job.settings)
    _WORKER["packages"] = {}  # folder -> package, for this run only


def _lint_chunk(paths: list[str]) -> list[tuple[str, str | None, list, dict | None]]:
    job: Job = _WORKER["job"]  # type: ignore[assignment]
    rules: tuple[Rule, ...] = _WORKER["rules"]  # type: ignore[assignment]
    roots: tuple[str, ...] = _WORKER["roots"]  # type: ignore[assignment]
    packages: dict[str, str] = _WORKER["packages"]  # type: ignore[assignment]
    results = []
    for path in paths:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            error = _source_error(path, SourceError(f"cannot read file: {exc.strerror or exc}"))
            results.append((path, None, [error.to_tuple()], None))
            continue
        facts: list = []
        file_starting()
        module = module_identity(path, roots, packages)[1]  # the folders' packages memoised
        diagnostics = check_bytes(
            data,
            path,
            job.settings,
            rules,
            job.show_traceback,
            facts,
            facts_only=job.facts_only,
            project_modules=job.project_modules,
            module=module,
        )
        items = [d.to_tuple() for d in diagnostics]
        digest = entry_digest(content_hash(data), module)
        results.append((path, digest, items, facts[0] if facts else None))
        file_linted()
    return results


def check_bytes(
    data: bytes,
    path: str,
    settings: Settings,
    rules: tuple[Rule, ...],
    show_traceback: bool,
    facts_out: list | None = None,
    *,
    facts_only: bool = False,
    project_modules: frozenset[str] | None = None,
    module: str | None = None,
) -> list[Diagnostic]:
    """Lint one file; its project-index facts (or None) are appended to ``facts_out``.
    ``facts_only``: the facts a full lint would record, without running the rules (the
    other files of a project when only some are linted). ``project_modules``: the
    top-level names of the project's modules, when known. ``module``: the file's dotted
    name, when the caller has worked it out (else from ``path``). Nothing raised while
    analysing one file stops the run: it becomes that file's TL000 (nested too deeply) or
    TL999 (a bug in throughlint); with ``facts_only`` that file simply contributes no
    facts."""
    try:
        return _analyse(
            data,
            path,
            settings,
            rules,
            show_traceback,
            facts_out,
            facts_only,
            project_modules,
            module,
        )
    except RecursionError:
        if facts_only:
            return []
        message = "cannot analyse: code nested too deeply"
        return [_source_error(path, SourceError(message))]
    except Exception as exc:
        if facts_only:
            return []
        return [_file_internal_error(path, exc, show_traceback)]


def _analyse(
    data: bytes,
    path: str,
    settings: Settings,
    rules: tuple[Rule, ...],
    show_traceback: bool,
    facts_out: list | None,
    facts_only: bool,
    project_modules: frozenset[str] | None = None,
    module: str | None = None,
) -> list[Diagnostic]:
    try:
        source = decode_source(data, path)
        tree = parse_source(source)
    except SourceError as exc:
        if facts_only or not _reports_parse_errors(settings):
            return []
        return [_source_error(path, exc)]
    ignored = _per_file_ignored(path, settings)
    active = tuple(
        rule for rule in rules if rule.relevant(source.text) and rule.code not in ignored
    )
    indexed = any(rule.uses_index for rule in rules)
    codes = tuple(rule.code for rule in rules if rule.uses_index and rule.code not in ignored)
    if not active and not indexed:
        return []
    facts = None
    if indexed:
        # the project-level checks of every selected rule run on this file's pending
        # findings, and its functions join the call graph, whatever words it mentions: a
        # loop that calls a helper which queries is an N+1 though the file names no
        # database, and so is one whose helper is in such a file (the triggers gate only
        # the rules' own walks, never the facts; nor do per-file ignores, which drop only
        # this file's own pending findings: ``codes``)
        facts = FileFacts(codes, project_modules)
        active = (COLLECTOR,) if facts_only else (*active, COLLECTOR)
    elif facts_only:
        return []
    checker = Checker(
        source,
        tree,
        settings,
        _dispatch_for(active),
        module=module if module is not None else module_identity(path, source_roots(settings))[1],
        show_traceback=show_traceback,
        index_facts=facts,
    )
    checker.run()
    diagnostics = filter_suppressed(checker.diagnostics, source)
    if facts is not None and facts_out is not None:
        facts_out.append(facts.to_json())
    found = [] if facts_only else diagnostics + checker.internal_errors
    checker.release()
    return found


_DISPATCH_SIZE = 64
# dispatch tables by the identity of the rules they were built from: two ``Rule`` values
# compare equal by their metadata alone, whatever their checks, so a table found by
# equality could run another rule object's checks. An entry keeps its rules alive, so
# their ids are not reused while it exists.
_DISPATCH: dict[tuple[int, ...], tuple[tuple[Rule, ...], Dispatch]] = {}


def _dispatch_for(rules: tuple[Rule, ...]) -> Dispatch:
    key = tuple(map(id, rules))
    known = _DISPATCH.get(key)
    if known is not None:
        return known[1]
    if len(_DISPATCH) >= _DISPATCH_SIZE:
        _DISPATCH.pop(next(iter(_DISPATCH)))
    dispatch = build_dispatch(rules)
    _DISPATCH[key] = (rules, dispatch)
    return dispatch


def _reports_parse_errors(settings: Settings) -> bool:
    """TL000 is always on unless ignored by name (``TL000``, ``TL00`` or ``TL0``)."""
    return not any(
        len(selector) > 2 and PARSE_ERROR_CODE.startswith(selector) for selector in settings.ignore
    )


def _source_error(path: str, exc: SourceError) -> Diagnostic:
    return Diagnostic(
        code=PARSE_ERROR_CODE,
        name=PARSE_ERROR_NAME,
        path=path,
        span=Span(exc.line, exc.column, exc.line, exc.column),
        message=exc.message,
        severity=Severity.ERROR,
    )


def _file_internal_error(path: str, exc: Exception, show_traceback: bool) -> Diagnostic:
    """A failure outside any one rule (the walk, the semantic model, suppression): the
    file's findings are lost, so it is one error at its first line."""
    try:  # the text of an exception may itself fail (a KeyError of a deeply nested node)
        text = next(iter(str(exc).strip().splitlines()), "")
    except Exception:
        text = ""
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    if show_traceback:
        detail += "\n" + "".join(traceback.format_exception(exc)).rstrip()
    return Diagnostic(
        code=INTERNAL_ERROR_CODE,
        name=INTERNAL_ERROR_NAME,
        path=path,
        span=Span(1, 1, 1, 1),
        message=f"internal error while analysing this file: {detail}",
        severity=Severity.ERROR,
    )


def _per_file_ignored(path: str, settings: Settings) -> set[str]:
    if not settings.per_file_ignores:
        return set()
    relative = os.path.relpath(os.path.abspath(path), settings.project_root).replace(os.sep, "/")
    name = os.path.basename(path)
    ignored: set[str] = set()
    for pattern, selectors in settings.per_file_ignores:
        target = relative if "/" in pattern else name
        if fnmatch.fnmatchcase(target, pattern):
            for rule in all_rules():
                if any(
                    selector == "ALL" or rule.code.startswith(selector) for selector in selectors
                ):
                    ignored.add(rule.code)
    return ignored
