"""After the lint, before the report: what a legacy codebase needs to adopt throughlint.

    lint result -> --write-baseline (all findings) | --baseline -> --diff-from (changed
        lines) -> priority of each finding -> --sort priority / --top N -> report

The baseline comes first so that findings outside the changed lines are not taken for
baselined findings that are gone.

Kept apart from ``cli.py`` so the command line only parses and dispatches.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from throughlint.diagnostics import Diagnostic
from throughlint.fingerprints import fingerprints
from throughlint.reporters.paths import display_root
from throughlint.results import INTERNAL_ERROR_CODE, PARSE_ERROR_CODE, LintResult
from throughlint.settings import Settings


class AdoptionError(Exception):
    """A usage problem (bad baseline file, unknown git revision): exit 2, one line."""


@dataclass
class Adopted:
    result: LintResult
    priorities: dict[Diagnostic, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    wrote_baseline: bool = False
    baseline: dict[str, object] | None = None  # what --baseline hid and found gone (JSON)
    fingerprints: dict[Diagnostic, str] = field(default_factory=dict)  # of the whole run


class LintedFiles:
    """The files a run linted, discovered again only if someone iterates them (a baseline
    with findings gone, to tell them from files not linted this time)."""

    def __init__(self, paths: Sequence[str], settings: Settings) -> None:
        self._paths = list(paths or ["."])
        self._settings = settings
        self._files: list[str] | None = None

    def __iter__(self) -> Iterator[str]:
        if self._files is None:
            from throughlint.discovery import discover

            self._files = discover(self._paths, self._settings).files
        return iter(self._files)


def baseline_path(cli_value: str | None, settings: Settings) -> str | None:
    """``--baseline`` as given (relative to the current folder), else the config key
    ``baseline`` (relative to the folder of its ``pyproject.toml``)."""
    if cli_value:
        return cli_value
    if settings.baseline:
        return os.path.join(settings.project_root, settings.baseline)
    return None


def adopt(
    result: LintResult,
    paths: Sequence[str],
    settings: Settings,
    *,
    baseline: str | None = None,
    write_baseline: str | None = None,
    diff_from: str | None = None,
    sort: str | None = None,
    top: int | None = None,
) -> Adopted:
    diagnostics = list(result.diagnostics)
    # Identities come from the whole run in file order, before anything is filtered or
    # sorted, so a finding's occurrence index (and fingerprint) never depends on which
    # other findings are shown.
    identities = dict(
        zip(diagnostics, fingerprints(diagnostics, display_root(settings)), strict=True)
    )
    notes: list[str] = []
    linted = LintedFiles(paths, settings)
    summary: dict[str, object] | None = None
    if write_baseline:
        from throughlint.baseline import BaselineError, baseline_root
        from throughlint.baseline import write_baseline as write

        try:
            count = write(write_baseline, diagnostics, baseline_root(write_baseline, settings))
        except BaselineError as exc:
            raise AdoptionError(str(exc)) from None
        notes.append(f"wrote {count} finding(s) to baseline {write_baseline}")
        kept = [d for d in diagnostics if d.code in (PARSE_ERROR_CODE, INTERNAL_ERROR_CODE)]
        return Adopted(dataclasses.replace(result, diagnostics=kept), {}, notes, True)
    if baseline:
        from throughlint.baseline import (
            BaselineError,
            apply_baseline,
            baseline_root,
            read_baseline,
        )

        try:
            known = read_baseline(baseline)
        except BaselineError as exc:
            raise AdoptionError(str(exc)) from None
        applied = apply_baseline(diagnostics, known, baseline_root(baseline, settings), linted)
        diagnostics = applied.new
        notes.append(f"{applied.matched} baselined finding(s) hidden ({baseline})")
        if applied.deleted_files:
            shown = ", ".join(applied.deleted_files[:5])
            more = len(applied.deleted_files) - 5
            notes.append(
                f"baselined file(s) no longer exist (deleted or moved): {shown}"
                + (f" and {more} more" if more > 0 else "")
            )
        if applied.gone:
            notes.append(
                f"{applied.gone} baselined finding(s) are gone (fixed, removed, or in a "
                f"deleted or moved file): run with `--write-baseline {baseline}` to shrink "
                "the baseline"
            )
        summary = {
            "file": baseline,
            "hidden": applied.matched,
            "gone": applied.gone,
            "missing_files": list(applied.deleted_files),
        }
    if diff_from:
        from throughlint.changed_lines import GitError, changed_lines

        try:
            changed = changed_lines(diff_from, paths[0] if paths else ".")
        except GitError as exc:
            raise AdoptionError(str(exc)) from None
        before = len(diagnostics)
        diagnostics = changed.filter(diagnostics, keep=frozenset({INTERNAL_ERROR_CODE}))
        notes.append(f"{before - len(diagnostics)} finding(s) on lines unchanged since {diff_from}")
    from throughlint.priority import by_priority, index_facts, priorities_for

    priorities = priorities_for(diagnostics, index_facts(result, settings), result.call_sites)
    if sort == "priority" or top is not None:
        diagnostics = by_priority(diagnostics, priorities)
    if top is not None and len(diagnostics) > top:
        notes.append(f"showing the top {top} of {len(diagnostics)} finding(s) by priority")
        diagnostics = diagnostics[:top]
    return Adopted(
        dataclasses.replace(result, diagnostics=diagnostics),
        priorities,
        notes,
        baseline=summary,
        fingerprints=identities,
    )
