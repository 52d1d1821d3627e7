"""GitLab Code Quality report: a JSON array of Code Climate issues, the shape GitLab's
``artifacts:reports:codequality`` reads (description, check_name, fingerprint, severity,
location.path, location.lines.begin). Paths are relative to the folder throughlint runs in,
which in a GitLab job is the repository root."""

from __future__ import annotations

import json

from throughlint.diagnostics import Severity
from throughlint.fingerprints import fingerprints, normal_path
from throughlint.reporters import Report

_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "minor"}


def render(report: Report) -> str:
    diagnostics = report.result.diagnostics
    issues = []
    for d, fingerprint in zip(diagnostics, fingerprints(diagnostics), strict=True):
        issue = {
            "type": "issue",
            "check_name": d.code,
            "description": f"{d.code} [{d.name}] {d.message}",
            "categories": ["Performance"],
            "severity": _SEVERITY[d.severity],
            "fingerprint": fingerprint,
            "location": {
                "path": normal_path(d.path),
                "lines": {"begin": d.span.line, "end": max(d.span.end_line, d.span.line)},
            },
        }
        if d in report.priorities:
            issue["priority"] = report.priorities[d]
        issues.append(issue)
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
