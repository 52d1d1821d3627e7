"""GitLab Code Quality report: a JSON array of Code Climate issues, the shape GitLab's
``artifacts:reports:codequality`` reads (description, check_name, fingerprint, severity,
location.path, location.lines.begin). Paths are relative to the project root (see
``paths.py``), which in a GitLab job is usually the repository root."""

from __future__ import annotations

import json

from throughlint.diagnostics import Severity
from throughlint.reporters import Report
from throughlint.reporters.paths import project_path, report_fingerprints, report_root

_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "minor"}


def render(report: Report) -> str:
    diagnostics = report.result.diagnostics
    root = report_root(report)
    issues = []
    for d, fingerprint in zip(diagnostics, report_fingerprints(report), strict=True):
        issue = {
            "type": "issue",
            "check_name": d.code,
            "description": f"{d.code} [{d.name}] {d.message}",
            "categories": ["Performance"],
            "severity": _SEVERITY[d.severity],
            "fingerprint": fingerprint,
            "location": {
                "path": project_path(d.path, root),
                "lines": {"begin": d.span.line, "end": max(d.span.end_line, d.span.line)},
            },
        }
        if d in report.priorities:
            issue["priority"] = report.priorities[d]
        issues.append(issue)
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
