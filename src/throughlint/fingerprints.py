"""Fingerprints of findings that survive unrelated edits (no line numbers in them).

Used by SARIF ``partialFingerprints``, the GitLab report and the baseline, so a finding
keeps one identity everywhere.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterable

from throughlint.diagnostics import Diagnostic


def fingerprints(diagnostics: Iterable[Diagnostic], root: str | None = None) -> list[str]:
    """One fingerprint per diagnostic, in order: rule, path, enclosing function, the
    offending line's text with whitespace folded, and the occurrence index among identical
    (rule, path, function, text). A finding grouped at its loop (``relevance.py``) carries
    the loop header as its line and the worst rule as its code, so its fingerprint follows
    the loop, not the calls inside it. With ``root``, paths count from there rather than as
    given, so a baseline does not depend on the folder it is run from."""
    seen: Counter[tuple[str, str, str, str]] = Counter()
    result = []
    for diagnostic in diagnostics:
        text = " ".join(diagnostic.source_line.split())
        path = normal_path(diagnostic.path, root)
        key = (diagnostic.code, path, diagnostic.enclosing, text)
        index = seen[key]
        seen[key] += 1
        blob = "\0".join((*key, str(index))).encode("utf-8")
        result.append(hashlib.sha256(blob).hexdigest()[:32])
    return result


def normal_path(path: str, root: str | None = None) -> str:
    """``./a/b.py``, ``a\\b.py`` and (with ``root``) an absolute path all read ``a/b.py``."""
    if root is not None:
        path = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return os.path.normpath(path).replace("\\", "/")
