"""The stable JSON format (ARCHITECTURE.md: a contract); other tools depend on its shape."""

from __future__ import annotations

import json

from throughlint import __version__
from throughlint.relevance import held_back
from throughlint.reporters import Report
from throughlint.reporters.paths import project_path, report_fingerprints, report_root


def render(report: Report) -> str:
    diagnostics = report.result.diagnostics
    root = report_root(report)
    document = {
        "version": __version__,
        "diagnostics": [
            {
                "code": d.code,
                "name": d.name,
                "path": project_path(d.path, root),
                "line": d.span.line,
                "column": d.span.column,
                "end_line": d.span.end_line,
                "end_column": d.span.end_column,
                "severity": d.severity.value,
                "confidence": d.confidence,
                "message": d.message,
                "fix": _fix(d),
                "priority": report.priorities.get(d),
                "fingerprint": fingerprint,
                "input_size": d.input_size or None,
                "path_kind": d.path_kind or None,
                "held_back": held_back(d) or None,
                "related": [
                    {
                        "path": project_path(r.path, root),
                        "line": r.line,
                        "column": r.column,
                        "code": r.code,
                        "message": r.message,
                        "fix": _fix(r),
                    }
                    for r in d.related
                ],
            }
            for d, fingerprint in zip(diagnostics, report_fingerprints(report), strict=True)
        ],
        "summary": {
            "files": report.result.files,
            "diagnostics": len(diagnostics),
            "fixable": sum(1 for d in diagnostics for fix in d.fixes() if fix.offered),
            "errors": list(report.result.errors),
            "held_back": dict(report.result.held_back),
        },
    }
    if report.baseline is not None:
        document["summary"]["baseline"] = report.baseline
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _fix(diagnostic) -> dict | None:
    """``applicability`` and ``description``; a declined fix (never applied) also has
    ``declined``: why."""
    fix = diagnostic.fix
    if fix is None:
        return None
    found = {"applicability": fix.applicability.value, "description": fix.description}
    if fix.declined:
        found["declined"] = fix.declined
    return found
