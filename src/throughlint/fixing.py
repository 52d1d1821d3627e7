"""``--fix`` / ``--diff``: apply the fixes that diagnostics carry, file by file.

Only files with an applicable fix are parsed with libcst. Fixes are applied one round at
a time (overlapping ones wait for the next round, after a re-lint gives fresh positions)
until none is left or the round limit is hit. A file is written only when the result
parses, atomically (temp file in the same folder, fsync, rename), with its mode,
encoding, byte-order mark and newlines kept.
"""

from __future__ import annotations

import ast
import bisect
import codecs
import contextlib
import difflib
import io
import os
import signal
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from throughlint.diagnostics import Applicability, Diagnostic
from throughlint.engine import lint_text
from throughlint.relevance import focus
from throughlint.results import LintResult
from throughlint.settings import Settings
from throughlint.source import SourceError, SourceFile, decode_source

if TYPE_CHECKING:
    from throughlint.project import Project

MAX_ROUNDS = 10


@dataclass
class FileFix:
    path: str
    original: str
    fixed: str
    applied: list[Diagnostic] = field(default_factory=list)
    remaining: list[Diagnostic] = field(default_factory=list)
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self) -> str:
        before = io.StringIO(self.original, newline="").readlines()
        after = io.StringIO(self.fixed, newline="").readlines()
        lines = difflib.unified_diff(before, after, f"a/{self.path}", f"b/{self.path}")
        out = []
        for line in lines:
            if not line.endswith(("\n", "\r")):
                line += "\n\\ No newline at end of file\n"
            out.append(line)
        return "".join(out)


@dataclass
class FixReport:
    result: LintResult
    files: list[FileFix] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return sum(len(item.applied) for item in self.files)

    @property
    def changed_files(self) -> list[FileFix]:
        return [item for item in self.files if item.changed]

    @property
    def errors(self) -> list[str]:
        return [f"{item.path}: {item.error}" for item in self.files if item.error]

    def diff(self) -> str:
        return "".join(item.diff() for item in self.changed_files)


def applicable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    fix = diagnostic.fix
    return fix is not None and fix.offered and (unsafe or fix.applicability is Applicability.SAFE)


Selection = Callable[[Diagnostic], bool]


def identity(diagnostic: Diagnostic) -> tuple[str, str, str, str]:
    """What names a finding across fix rounds, when its line number may have moved."""
    return (diagnostic.path, diagnostic.code, diagnostic.enclosing, diagnostic.source_line.strip())


def selecting(diagnostics: Iterable[Diagnostic]) -> Selection:
    """Only these findings (kept by ``--baseline`` / ``--diff-from``) may be fixed, in
    every round."""
    keys = {identity(d) for d in diagnostics}
    return lambda diagnostic: identity(diagnostic) in keys


def declined_notes(diagnostics: Iterable[Diagnostic], unsafe: bool) -> list[str]:
    """Why each fix was not applied: declined (with the reason), or unsafe without
    ``--unsafe-fixes``."""
    notes = []
    for d in sorted(diagnostics, key=lambda d: d.sort_key):
        where = f"{d.path}:{d.span.line}:{d.span.column}: {d.code}"
        if d.fix is not None and d.fix.declined:
            notes.append(f"{where}: fix declined: {d.fix.declined}")
        elif d.fix is not None and d.fix.offered and not unsafe and not d.fix.safe:
            notes.append(f"{where}: unsafe fix not applied (`--unsafe-fixes`): {d.fix.description}")
    return notes


def fix_result(
    result: LintResult,
    settings: Settings,
    *,
    unsafe: bool = False,
    write: bool = True,
    selected: Selection | None = None,
    project: Project | None = None,
) -> FixReport:
    """Apply the fixes in ``result`` (only those of ``selected`` findings when given); the
    returned result holds what remains afterwards (re-linted with ``project``'s index, so
    cross-file findings remain listed). Fixes work on each call's own finding
    (``result.calls``); what remains is shown as a run shows it (``relevance.focus``).
    Every file runs its rounds together with the others: each round re-lints the files it
    changed with one index (``Project.lint_buffers``), so the run stays linear in the
    project's size."""
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in result.calls or result.diagnostics:
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    report = FixReport(
        LintResult(
            files=result.files,
            errors=list(result.errors),
            facts=result.facts,
            call_sites=result.call_sites,
        )
    )
    works: list[_FileWork] = []
    for path, diagnostics in by_path.items():
        if not any(
            applicable(d, unsafe) and (selected is None or selected(d)) for d in diagnostics
        ):
            report.result.diagnostics.extend(diagnostics)
            continue
        work = _read_for_fixing(path, diagnostics, settings, write)
        report.files.append(work.item)
        if work.ready:
            works.append(work)
    try:
        _run_rounds(works, settings, unsafe=unsafe, selected=selected, project=project)
    except Exception as exc:  # a bug in the rounds: every file stays as it is, the run goes on
        for work in works:
            _give_up(work, f"internal error ({type(exc).__name__})")
            work.item.fixed, work.item.remaining = work.text, work.current
    for work in works:
        if write and work.item.changed:
            _write_fixed(work)
    for item in report.files:
        report.result.diagnostics.extend(item.remaining)
    report.result.calls = sorted(report.result.diagnostics, key=lambda d: d.sort_key)
    report.result.diagnostics, report.result.held_back = focus(
        report.result.calls, settings.show_all
    )
    return report


@dataclass
class _FileWork:
    """A file being fixed: its report item, what was read, and the state of its rounds
    (``ready`` while it can be fixed: read, unchanged since linted, writable)."""

    item: FileFix
    data: bytes = b""
    encoding: str = "utf-8"
    ready: bool = True
    text: str = ""
    current: list[Diagnostic] = field(default_factory=list)
    refused: dict[tuple[str, str, str, str], Diagnostic] = field(default_factory=dict)
    linted: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = self.item.original
        self.current = self.linted = self.item.remaining


def _read_for_fixing(
    path: str, diagnostics: list[Diagnostic], settings: Settings, write: bool
) -> _FileWork:
    """The file as read, or not ready (with the reason as the item's error) when it
    cannot be read, changed since it was linted, or may not be written."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        source = decode_source(data, path)
    except (OSError, SourceError) as exc:
        message = exc.message if isinstance(exc, SourceError) else str(exc)
        item = FileFix(path, "", "", remaining=diagnostics, error=f"cannot read: {message}")
        return _FileWork(item, ready=False)
    item = FileFix(path, source.text, source.text, remaining=diagnostics)
    refusal = _changed_since_lint(source, diagnostics)
    if refusal is None and write:
        refusal = _write_refusal(path, settings)
    if refusal is not None:
        item.error = f"not fixed: {refusal}"
        return _FileWork(item, ready=False)
    return _FileWork(item, data, source.encoding)


def _write_fixed(work: _FileWork) -> None:
    """Write the fixed text over the file, atomically, in its own encoding; on failure the
    file and its item stay as they were."""
    item = work.item
    try:
        encoded = _encode(item.fixed, work.encoding, work.data)
        write_atomic(item.path, encoded, expected=work.data)
    except (OSError, UnicodeEncodeError, ValueError) as exc:
        item.error = f"not written: {exc}"
        item.fixed = item.original
        item.remaining = work.linted
        item.applied = []


def _changed_since_lint(source: SourceFile, diagnostics: list[Diagnostic]) -> str | None:
    """Fixes find their code by position: if a fixable line no longer reads as it did when
    linted (an editor saved meanwhile), they would land on the wrong code."""
    for diagnostic in diagnostics:
        line = diagnostic.span.line
        if (
            diagnostic.fix is not None
            and diagnostic.fix.offered
            and diagnostic.source_line != source.line(line)
        ):
            return f"the file changed since it was linted (line {line}); lint it again"
    return None


def _write_refusal(path: str, settings: Settings) -> str | None:
    """Never write through a symlink that leads outside the project, nor a read-only file."""
    real = os.path.realpath(path)
    if real != os.path.abspath(path):
        root = os.path.realpath(settings.project_root)
        if os.path.commonpath([root, real]) != root:
            return f"it is a symlink to {real}, outside the project"
    try:
        mode = os.stat(real).st_mode
    except OSError:
        return None  # the write reports it
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(real, os.W_OK):
        return "read-only file, left alone"
    return None


# libcst's parser is quadratic in a left-nested chain (``a + a + ...``, ``a.b.c...``,
# ``f()()...``, ``x[0][0]...``): 2,000 subscripts take about 10 s, 5,000 additions 30 s.
LIBCST_MAX_CHAIN = 500


def longest_chain(text: str) -> int:
    """Links in the longest left-nested chain of ``text`` (0 when it does not parse; more
    than the limit when CPython itself finds it too deep)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return 0
    except (MemoryError, RecursionError):
        return LIBCST_MAX_CHAIN + 1
    inner: set[int] = set()
    heads = []
    for node in ast.walk(tree):
        child = _chain_child(node)
        if child is not None:
            inner.add(id(child))
            heads.append(node)
    longest = 0
    for node in heads:
        if id(node) in inner:
            continue
        length = 0
        link: ast.AST | None = node
        while link is not None:
            length += 1
            link = _chain_child(link)
        longest = max(longest, length)
    return longest


def _chain_child(node: ast.AST) -> ast.AST | None:
    if isinstance(node, ast.BinOp):
        return node.left
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        return node.value
    if isinstance(node, ast.Call):
        return node.func
    return None


def fix_text(
    item: FileFix,
    settings: Settings,
    *,
    unsafe: bool,
    encoding: str = "utf-8",
    selected: Selection | None = None,
    project: Project | None = None,
) -> str:
    """Run the rounds on ``item.original``; fills ``item`` and returns the final text.
    Each round re-lints with ``project``'s index when given (the file alone otherwise)."""
    work = _FileWork(item, encoding=encoding)
    _run_rounds([work], settings, unsafe=unsafe, selected=selected, project=project)
    return item.fixed


def _run_rounds(
    works: list[_FileWork],
    settings: Settings,
    *,
    unsafe: bool,
    selected: Selection | None,
    project: Project | None,
) -> None:
    """Fix every file round by round: a file goes on while its last round applied a fix
    and another is wanted; after each round the files changed so far are re-linted
    together. Fills each work's item (fixed text, applied, remaining, error)."""
    active: list[_FileWork] = []
    for work in works:
        if longest_chain(work.item.original) > LIBCST_MAX_CHAIN:
            work.item.error = (
                "fix skipped: an expression chain is too long for libcst (over "
                f"{LIBCST_MAX_CHAIN} links)"
            )
        else:
            active.append(work)
    touched: list[_FileWork] = []
    checked: dict = {}
    for _ in range(MAX_ROUNDS):
        changed = [work for work in active if _one_round(work, settings, unsafe, selected)]
        if not changed:
            break
        touched += [work for work in changed if work not in touched]
        _relint(touched, settings, project, checked)
        touched = [work for work in touched if work.ready]
        active = [work for work in changed if work.ready]
    else:  # the round limit, with fixes still wanted: say so rather than stop silently
        for work in active:
            left = [d for d in work.current if _wanted(d, unsafe, selected)]
            if left and work.item.error is None:
                work.item.error = (
                    f"stopped after {MAX_ROUNDS} fix rounds with {len(left)} fix(es) left; "
                    "run --fix again"
                )
    for work in works:
        item = work.item
        item.fixed = work.text
        item.remaining = work.current
        if work.refused and item.error is None:
            item.error = _refusal(list(work.refused.values()))


def _wanted(diagnostic: Diagnostic, unsafe: bool, selected: Selection | None) -> bool:
    return applicable(diagnostic, unsafe) and (selected is None or selected(diagnostic))


def _one_round(
    work: _FileWork, settings: Settings, unsafe: bool, selected: Selection | None
) -> bool:
    """Apply the fixes ``work`` wants now; True when the text changed (and still parses)."""
    from throughlint.fixes.base import apply_fixes

    item = work.item
    wanted = [d for d in work.current if _wanted(d, unsafe, selected)]
    if not wanted:
        return False
    try:
        new_text, outcome = apply_fixes(work.text, wanted, settings)
    except Exception as exc:  # libcst cannot parse it, or a fix failed: leave the file
        if _out_of_stack(exc):
            item.error = "fix not applied: the code is nested too deeply for libcst"
        else:
            item.error = f"fix not applied: {type(exc).__name__}: {_first_line(exc)}"
        return False
    for diagnostic in outcome.declined:
        work.refused.setdefault(identity(diagnostic), diagnostic)
    if not outcome.applied:
        return False
    try:
        ast.parse(new_text, filename=item.path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        item.error = f"fix not applied: the result would not parse ({_first_line(exc)})"
        return False
    work.text = new_text
    item.applied.extend(outcome.applied)
    for diagnostic in outcome.applied:
        work.refused.pop(identity(diagnostic), None)  # made in a later round after all
    return True


def _relint(
    touched: list[_FileWork], settings: Settings, project: Project | None, checked: dict
) -> None:
    """Fresh findings for every file changed so far: with ``project``'s index, all of them
    at once (each sees the others' new text); each alone otherwise. A file whose text
    cannot be encoded, or whose re-lint fails, is left unfixed; the others go on."""
    if project is not None:
        buffers: dict[str, str | bytes] = {}
        for work in touched:
            try:
                buffers[work.item.path] = work.text.encode(work.encoding)
            except (UnicodeError, LookupError) as exc:
                _give_up(work, f"the result cannot be encoded as {work.encoding} ({exc})")
        touched = [work for work in touched if work.ready]
        try:
            found = project.lint_buffers(
                {work.item.path: buffers[work.item.path] for work in touched}, checked=checked
            )
        except Exception:  # a bug in one file's check: find it, file by file
            found = None
        if found is not None:
            for work in touched:
                work.current = found.get(work.item.path, [])
            return
    for work in touched:
        try:
            if project is not None:
                work.current = project.lint_buffer(
                    work.item.path, work.text, encoding=work.encoding, raw=True
                )
            else:
                work.current = lint_text(
                    work.text, work.item.path, settings, encoding=work.encoding
                )
        except Exception as exc:  # a bug in a rule: this file stays as it is, the run goes on
            _give_up(work, f"internal error ({type(exc).__name__})")


def _give_up(work: _FileWork, reason: str) -> None:
    """``work``'s file stays as it was read, with its first findings; no more rounds."""
    item = work.item
    item.error = f"fix not applied: {reason}"
    work.text = item.original
    work.current = work.linted
    work.ready = False
    item.applied = []


def _refusal(diagnostics: list[Diagnostic]) -> str:
    """One line for offered fixes whose rewrite found the code in a shape it cannot
    change (the offer and the rewrite disagree: a bug worth reporting)."""
    where = ", ".join(f"line {d.span.line} {d.code}" for d in diagnostics[:5])
    more = f" and {len(diagnostics) - 5} more" if len(diagnostics) > 5 else ""
    return (
        f"fix not applied at {where}{more}: the rewrite could not be made in this code "
        "(please report it)"
    )


def _out_of_stack(exc: BaseException | None) -> bool:
    """A RecursionError, or an error raised while libcst unwound from one."""
    seen = 0
    while exc is not None and seen < 20:
        if isinstance(exc, RecursionError):
            return True
        exc, seen = exc.__context__, seen + 1
    return False


def _first_line(exc: BaseException) -> str:
    try:  # a KeyError's text is the repr of its key: a deeply nested node recurses
        lines = str(exc).strip().splitlines()
    except (RecursionError, ValueError):
        return "(no description)"
    return lines[0] if lines else ""


def _encode(text: str, encoding: str, original: bytes) -> bytes:
    if original.startswith(codecs.BOM_UTF8):
        return codecs.BOM_UTF8 + text.encode("utf-8")
    return text.encode(encoding)


def write_atomic(path: str, data: bytes, expected: bytes | None = None) -> None:
    """Replace ``path`` with ``data`` through a temp file in the same folder; keep the mode.
    With ``expected``, refuse when the file changed since it was read."""
    real = os.path.realpath(path)
    folder = os.path.dirname(real) or "."
    mode = stat.S_IMODE(os.stat(real).st_mode)
    with _interruptions_deferred():
        _replace(real, folder, mode, data, expected)
    _fsync_folder(folder)


@contextlib.contextmanager
def _interruptions_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM until the file is replaced or the temp file is gone: an
    interrupt between ``mkstemp`` and ``try``, or inside the cleanup, would leave a stray
    temp file. The held signal is delivered as soon as the write is over."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _replace(real: str, folder: str, mode: int, data: bytes, expected: bytes | None) -> None:
    descriptor, temp = tempfile.mkstemp(
        dir=folder, prefix=f".{os.path.basename(real)}.", suffix=".throughlint-tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        if expected is not None:
            with open(real, "rb") as handle:
                if handle.read() != expected:
                    raise ValueError("the file changed while it was being fixed")
        os.replace(temp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _fsync_folder(folder: str) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# --- fixes as edits (SARIF ``fix`` objects) ---------------------------------------------


@dataclass(frozen=True)
class Replacement:
    """Replace the text between two 1-based (line, character column) positions."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


def fix_replacements(
    diagnostic: Diagnostic, settings: Settings, texts: dict[str, str | None] | None = None
) -> list[Replacement]:
    """The edits that this one diagnostic's fix makes to its file; [] when it cannot apply.
    ``texts`` caches file contents between calls."""
    from throughlint.fixes.base import apply_fixes

    if diagnostic.fix is None or not diagnostic.fix.kind:
        return []
    texts = {} if texts is None else texts
    if diagnostic.path not in texts:
        try:
            with open(diagnostic.path, "rb") as handle:
                texts[diagnostic.path] = decode_source(handle.read(), diagnostic.path).text
        except (OSError, SourceError):
            texts[diagnostic.path] = None
        text = texts[diagnostic.path]
        if text is not None and longest_chain(text) > LIBCST_MAX_CHAIN:
            texts[diagnostic.path] = None  # libcst would take minutes
    text = texts[diagnostic.path]
    if text is None:
        return []
    try:
        new_text, outcome = apply_fixes(text, [diagnostic], settings)
        ast.parse(new_text)
    except Exception:
        return []
    if not outcome.applied:
        return []
    return text_replacements(text, new_text)


def text_replacements(old: str, new: str) -> list[Replacement]:
    before = io.StringIO(old, newline="").readlines()
    after = io.StringIO(new, newline="").readlines()
    starts = [0]
    for line in before:
        starts.append(starts[-1] + len(line))
    found = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = "".join(before[i1:i2]), "".join(after[j1:j2])
        prefix = _common_prefix(removed, added)
        suffix = _common_prefix(removed[prefix:][::-1], added[prefix:][::-1])
        start = starts[i1] + prefix
        end = starts[i1] + len(removed) - suffix
        line, column = _position(starts, start)
        end_line, end_column = _position(starts, end)
        found.append(
            Replacement(line, column, end_line, end_column, added[prefix : len(added) - suffix])
        )
    return found


def _common_prefix(first: str, second: str) -> int:
    size = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        size += 1
    return size


def _position(starts: list[int], offset: int) -> tuple[int, int]:
    index = bisect.bisect_right(starts, offset) - 1
    return index + 1, offset - starts[index] + 1
