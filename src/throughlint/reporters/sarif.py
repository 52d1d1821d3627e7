"""SARIF 2.1.0 for code-scanning services: the rules with their help, results with
locations, stable partial fingerprints and, when a fix exists, its description."""

from __future__ import annotations

import json
import os
from urllib.parse import quote

from throughlint import __version__
from throughlint.diagnostics import Diagnostic, Severity
from throughlint.reporters import Report
from throughlint.reporters.paths import project_path, report_fingerprints, report_root
from throughlint.rules import all_rules
from throughlint.settings import Settings

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/throughlint/throughlint"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_ENGINE_RULES = {
    "TL000": ("unreadable-source", "File could not be read or parsed"),
    "TL999": ("internal-error", "A rule failed on this file"),
}


def help_uri(code: str) -> str:
    return f"{INFORMATION_URI}/blob/main/rules/{code}.md"


def _rule_descriptors() -> list[dict]:
    descriptors = []
    for code, (name, summary) in _ENGINE_RULES.items():
        descriptors.append(
            {
                "id": code,
                "name": name,
                "shortDescription": {"text": summary},
                "defaultConfiguration": {"level": "error"},
            }
        )
    for rule in all_rules():
        descriptors.append(
            {
                "id": rule.code,
                "name": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.summary},
                "help": {"text": rule.reference, "markdown": rule.reference},
                "helpUri": help_uri(rule.code),
                "defaultConfiguration": {"level": _LEVEL[rule.severity]},
                "properties": {"tags": ["performance", "throughput"]},
            }
        )
    descriptors.sort(key=lambda item: item["id"])
    return descriptors


def artifact_location(path: str, root: str) -> dict[str, str]:
    """One form per location: a relative URI against ``%SRCROOT%`` (the project root), or,
    for a file outside the root, an absolute ``file://`` URI with no base."""
    shown = project_path(path, root)
    if os.path.isabs(shown):
        return {"uri": "file://" + quote(shown if shown.startswith("/") else "/" + shown)}
    return {"uri": quote(shown), "uriBaseId": "%SRCROOT%"}


def _result(
    diagnostic: Diagnostic,
    index: dict[str, int],
    fingerprint: str,
    location: dict[str, str],
    fixes: list[dict] | None = None,
) -> dict:
    span = diagnostic.span
    region = {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    }
    if diagnostic.source_line:
        region["snippet"] = {"text": diagnostic.source_line}
    result = {
        "ruleId": diagnostic.code,
        "ruleIndex": index[diagnostic.code],
        "level": _LEVEL[diagnostic.severity],
        "message": {"text": diagnostic.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {"throughlint/v1": fingerprint},
        "properties": {"confidence": diagnostic.confidence},
    }
    if diagnostic.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": {"startLine": related.line, "startColumn": related.column},
                },
                "message": {"text": f"{related.code}: {related.message}"},
            }
            for number, related in enumerate(diagnostic.related)
        ]
    if diagnostic.fix is not None:
        result["properties"]["fix"] = {
            "applicability": diagnostic.fix.applicability.value,
            "description": diagnostic.fix.description,
        }
        if diagnostic.fix.declined:
            result["properties"]["fix"]["declined"] = diagnostic.fix.declined
        if fixes:
            result["fixes"] = fixes
    return result


def _fixes(
    diagnostic: Diagnostic, settings, texts: dict, location: dict[str, str]
) -> list[dict] | None:
    """The fix as a SARIF ``fix`` object: the edits ``--fix`` would make for it alone."""
    if diagnostic.fix is None or not diagnostic.fix.kind:
        return None
    from throughlint.fixing import fix_replacements

    replacements = fix_replacements(diagnostic, settings, texts)
    if not replacements:
        return None
    return [
        {
            "description": {
                "text": f"{diagnostic.fix.description} ({diagnostic.fix.applicability.value})"
            },
            "artifactChanges": [
                {
                    "artifactLocation": location,
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": item.line,
                                "startColumn": item.column,
                                "endLine": item.end_line,
                                "endColumn": item.end_column,
                            },
                            "insertedContent": {"text": item.text},
                        }
                        for item in replacements
                    ],
                }
            ],
        }
    ]


def render(report: Report) -> str:
    descriptors = _rule_descriptors()
    index = {descriptor["id"]: position for position, descriptor in enumerate(descriptors)}
    diagnostics = report.result.diagnostics
    settings = report.settings or Settings()
    texts: dict = {}
    root = report_root(report)
    results = []
    for diagnostic, fingerprint in zip(diagnostics, report_fingerprints(report), strict=True):
        location = artifact_location(diagnostic.path, root)
        fixes = _fixes(diagnostic, settings, texts, location)
        results.append(_result(diagnostic, index, fingerprint, location, fixes))
    for result, diagnostic in zip(results, diagnostics, strict=True):
        if diagnostic in report.priorities:
            result.setdefault("properties", {})["priority"] = report.priorities[diagnostic]
    base = root.replace(os.sep, "/").rstrip("/") + "/"
    base_uri = "file://" + quote(base if base.startswith("/") else "/" + base)
    run = {
        "tool": {
            "driver": {
                "name": "throughlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": descriptors,
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": base_uri}},
        "columnKind": "unicodeCodePoints",
        "invocations": [
            {
                "executionSuccessful": not report.result.errors,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": error}} for error in report.result.errors
                ],
            }
        ],
        "results": results,
    }
    if report.result.held_back:  # left out of the default output, by reason (relevance.py)
        run["properties"] = {"heldBack": dict(report.result.held_back)}
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
