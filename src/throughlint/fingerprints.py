"""Fingerprints of findings that survive unrelated edits (no line numbers in them)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

from throughlint.diagnostics import Diagnostic


def fingerprints(diagnostics: Iterable[Diagnostic]) -> list[str]:
    """One fingerprint per diagnostic, in order: rule, path, the offending line's text with
    whitespace folded, and the occurrence index among identical (rule, path, text)."""
    seen: Counter[tuple[str, str, str]] = Counter()
    result = []
    for diagnostic in diagnostics:
        text = " ".join(diagnostic.source_line.split())
        key = (diagnostic.code, diagnostic.path.replace("\\", "/"), text)
        index = seen[key]
        seen[key] += 1
        blob = "\0".join((*key, str(index))).encode("utf-8")
        result.append(hashlib.sha256(blob).hexdigest()[:32])
    return result
