"""A baseline: the findings a codebase already had, so only new ones are reported.

Findings are matched by fingerprint (rule, path from the project root, enclosing function,
normalised offending line, occurrence index; see ``fingerprints.py``), never by line
number, so edits elsewhere in a file do not bring baselined findings back. The file is
JSON, sorted, with one entry per finding and enough context for a reviewer to read it.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from throughlint import __version__
from throughlint.checker import INTERNAL_ERROR_CODE
from throughlint.diagnostics import Diagnostic
from throughlint.engine import PARSE_ERROR_CODE
from throughlint.fingerprints import fingerprints, normal_path
from throughlint.settings import Settings

FORMAT_VERSION = 1
# Broken files and broken rules are not findings to live with.
_NEVER_BASELINED = frozenset({PARSE_ERROR_CODE, INTERNAL_ERROR_CODE})


class BaselineError(Exception):
    """The baseline file cannot be read or is not a baseline."""


@dataclass(frozen=True)
class BaselineResult:
    new: list[Diagnostic]
    matched: int
    gone: int  # recorded findings no longer found, deleted files' included
    deleted_files: tuple[str, ...] = ()  # recorded paths that no longer exist (moved too)


def baseline_root(baseline: str, settings: Settings) -> str:
    """The folder the paths in a baseline count from: the configuration file's folder,
    else the git work tree holding the baseline, else the baseline's own folder; never the
    current folder, so the baseline works from any subfolder."""
    if settings.config_file:
        return settings.project_root
    folder = os.path.dirname(os.path.abspath(baseline))
    try:
        completed = subprocess.run(
            ["git", "-C", folder, "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:  # no git
        return folder
    top = completed.stdout.strip()
    if completed.returncode != 0 or not top:
        return folder
    # git answers with the real path; keep the spelling of ``folder`` (symlinked parents)
    real_top, candidate = os.path.realpath(top), folder
    while True:
        if os.path.realpath(candidate) == real_top:
            return candidate
        parent = os.path.dirname(candidate)
        if parent == candidate:
            return top
        candidate = parent


def write_baseline(path: str, diagnostics: Sequence[Diagnostic], root: str) -> int:
    """Record ``diagnostics`` in ``path`` (atomically); returns how many were recorded."""
    kept = [d for d in diagnostics if d.code not in _NEVER_BASELINED]
    entries = [
        {
            "fingerprint": fingerprint,
            "code": d.code,
            "path": normal_path(d.path, root),
            "function": d.enclosing,
            "source": " ".join(d.source_line.split()),
        }
        for d, fingerprint in zip(kept, fingerprints(kept, root), strict=True)
    ]
    entries.sort(key=lambda e: (e["path"], e["code"], e["function"], e["fingerprint"]))
    document = {
        "version": FORMAT_VERSION,
        "tool": f"throughlint {__version__}",
        "findings": entries,
    }
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        os.replace(temporary, path)
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return len(entries)


def read_baseline(path: str) -> dict[str, str]:
    """Fingerprint -> path of every recorded finding."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise BaselineError(
            f"baseline file not found: {path} (create it with `--write-baseline {path}`)"
        ) from None
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"baseline {path} is not valid JSON: {exc}") from None
    findings = document.get("findings") if isinstance(document, dict) else None
    if (
        not isinstance(document, dict)
        or document.get("version") != FORMAT_VERSION
        or not isinstance(findings, list)
        or not all(
            isinstance(e, dict) and isinstance(e.get("fingerprint"), str) and "path" in e
            for e in findings
        )
    ):
        raise BaselineError(
            f"{path} is not a throughlint baseline (version {FORMAT_VERSION}); "
            "write one with `--write-baseline`"
        )
    return {entry["fingerprint"]: str(entry["path"]) for entry in findings}


def apply_baseline(
    diagnostics: Sequence[Diagnostic],
    known: dict[str, str],
    root: str,
    linted: Iterable[str] | None = None,
) -> BaselineResult:
    """Drop the findings recorded in ``known``; count the recorded ones no longer found,
    among the files linted (``linted``; all of them when None), so linting a few files
    (pre-commit) does not call the rest gone, and those of files that no longer exist
    (deleted or moved), wherever they were."""
    new: list[Diagnostic] = []
    matched: set[str] = set()
    for d, fingerprint in zip(diagnostics, fingerprints(diagnostics, root), strict=True):
        if fingerprint in known and d.code not in _NEVER_BASELINED:
            matched.add(fingerprint)
        else:
            new.append(d)
    missing = known.keys() - matched
    deleted = {
        path
        for path in {known[fingerprint] for fingerprint in missing}
        if not os.path.lexists(os.path.join(root, path))
    }
    if linted is not None and missing:
        files = {normal_path(path, root) for path in linted} | deleted
        missing = {fingerprint for fingerprint in missing if known[fingerprint] in files}
    return BaselineResult(
        new=new, matched=len(matched), gone=len(missing), deleted_files=tuple(sorted(deleted))
    )
