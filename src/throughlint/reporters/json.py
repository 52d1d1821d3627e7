"""The stable JSON format (ARCHITECTURE.md: a contract); other tools depend on its shape."""

from __future__ import annotations

import json

from throughlint import __version__
from throughlint.reporters import Report


def render(report: Report) -> str:
    diagnostics = report.result.diagnostics
    document = {
        "version": __version__,
        "diagnostics": [
            {
                "code": d.code,
                "name": d.name,
                "path": d.path,
                "line": d.span.line,
                "column": d.span.column,
                "end_line": d.span.end_line,
                "end_column": d.span.end_column,
                "severity": d.severity.value,
                "message": d.message,
                "fix": None
                if d.fix is None
                else {"applicability": d.fix.applicability.value, "description": d.fix.description},
                "priority": report.priorities.get(d),
            }
            for d in diagnostics
        ],
        "summary": {
            "files": report.result.files,
            "diagnostics": len(diagnostics),
            "fixable": sum(1 for d in diagnostics if d.fix is not None),
            "errors": list(report.result.errors),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
