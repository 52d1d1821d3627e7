"""JUnit XML, the shape CI servers (Jenkins, GitLab, Azure) read: ``<testsuites>`` with
one ``<testsuite>`` per file that has findings and one failing ``<testcase>`` per finding;
a clean run is one passing test case, so the report is never empty."""

from __future__ import annotations

import os
from collections import defaultdict
from xml.etree import ElementTree

from throughlint.diagnostics import Diagnostic
from throughlint.reporters import Report
from throughlint.reporters.paths import project_path, report_root
from throughlint.reporters.printable import one_line, visible


def render(report: Report) -> str:
    diagnostics = report.result.diagnostics
    errors = report.result.errors
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    root = report_root(report)
    for d in diagnostics:
        by_path[project_path(d.path, root)].append(d)
    total = max(len(diagnostics), 1) + len(errors)
    root = ElementTree.Element(
        "testsuites",
        name="throughlint",
        tests=str(total),
        failures=str(len(diagnostics)),
        errors=str(len(errors)),
    )
    for path in sorted(by_path):
        found = by_path[path]
        suite = ElementTree.SubElement(
            root,
            "testsuite",
            name=one_line(path),
            tests=str(len(found)),
            failures=str(len(found)),
            errors="0",
            skipped="0",
        )
        classname = os.path.splitext(path)[0].replace("/", ".")
        for d in found:
            case = ElementTree.SubElement(
                suite,
                "testcase",
                name=f"{d.code} {d.name} at {d.span.line}:{d.span.column}",
                classname=one_line(classname),
                file=one_line(path),
                line=str(d.span.line),
            )
            failure = ElementTree.SubElement(
                case, "failure", message=one_line(d.message), type=d.code
            )
            priority = report.priorities.get(d)
            detail = f"{path}:{d.span.line}:{d.span.column}: {d.code} {d.message}"
            if priority is not None:
                detail += f"\npriority: {priority}"
            if d.source_line.strip():
                detail += f"\n    {d.source_line.strip()}"
            failure.text = visible(detail)
    if not diagnostics or errors:
        suite = ElementTree.SubElement(
            root,
            "testsuite",
            name="throughlint",
            tests=str((0 if diagnostics else 1) + len(errors)),
            failures="0",
            errors=str(len(errors)),
            skipped="0",
        )
        if not diagnostics:
            ElementTree.SubElement(suite, "testcase", name="no findings", classname="throughlint")
        for error in errors:
            shown = one_line(error)
            case = ElementTree.SubElement(suite, "testcase", name=shown, classname="throughlint")
            ElementTree.SubElement(case, "error", message=shown, type="error").text = shown
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
