"""``throughlint rules`` (the table) and ``throughlint rule CODE`` (one reference page)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from throughlint.arguments import Parser, nearest
from throughlint.rules import all_rules, rule_by_code
from throughlint.rules.base import FixAvailability, Rule

PREVIEW_NOTE = "Preview: this rule is off by default; enable with --preview (or preview = true)."


def tier(rule: Rule) -> str:
    return "preview" if rule.preview else "stable"


def reference_page(rule: Rule) -> str:
    """The Markdown page for ``rules/<CODE>.md``; the same text ``throughlint rule`` prints."""
    fix = {
        FixAvailability.NONE: "no",
        FixAvailability.SOMETIMES: "sometimes",
        FixAvailability.ALWAYS: "always",
    }[rule.fix]
    header = [
        f"# {rule.code} {rule.name}",
        "",
        f"{rule.summary}.",
        "",
        f"- Default severity: {rule.severity.value}",
        f"- Fix available: {fix}",
        "",
    ]
    if rule.preview:
        header += [PREVIEW_NOTE, ""]
    return "\n".join(header) + "\n" + rule.reference.rstrip() + "\n"


def rules_table() -> str:
    rows = [("code", "name", "tier", "fixable", "summary")]
    rows += [(r.code, r.name, tier(r), r.fix.value, r.summary) for r in all_rules()]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        lines.append("  ".join([*cells, row[4]]).rstrip())
    return "\n".join(lines) + "\n"


def rule_json(rule: Rule, explanation: bool = False) -> dict[str, object]:
    """One rule for ``--format json``; ``explanation`` adds the reference page."""
    item: dict[str, object] = {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary,
        "severity": rule.severity.value,
        "fix": rule.fix.value,
        "tier": tier(rule),
    }
    if explanation:
        item["explanation"] = reference_page(rule)
    return item


def _parsers() -> dict[str, argparse.ArgumentParser]:
    rules = Parser(
        prog="throughlint rules",
        description="List every rule: code, name, tier (stable or preview), whether a fix "
        "exists, summary.",
    )
    rule = Parser(
        prog="throughlint rule",
        description="Print the reference page of a rule (what it finds, why it hurts "
        "throughput, examples, what to use instead, fix safety, options).",
    )
    rule.add_argument("code", nargs="?", metavar="CODE", help="a rule code, such as TL201")
    rule.add_argument("--all", action="store_true", help="every rule's page, in code order")
    for parser in (rules, rule):
        parser.add_argument(
            "--format", choices=("text", "json"), default="text", help="output format"
        )
    return {"rules": rules, "rule": rule}


def main(arguments: Sequence[str]) -> int:
    command, rest = arguments[0], list(arguments[1:])
    parser = _parsers()[command]
    options = parser.parse_args(rest)
    if command == "rules":
        if options.format == "json":
            return _json([rule_json(rule) for rule in all_rules()])
        sys.stdout.write(rules_table())
        return 0
    if options.all == bool(options.code):
        parser.error("give one rule CODE or --all")
    if options.all:
        rules = list(all_rules())
    else:
        found = rule_by_code(options.code)
        if found is None:
            close = nearest(options.code.upper(), [r.code for r in all_rules()])
            hint = f"; a similar rule exists: '{close}'" if close else ""
            print(
                f"throughlint: error: unknown rule {options.code!r}{hint} "
                "(see `throughlint rules`)",
                file=sys.stderr,
            )
            return 2
        rules = [found]
    if options.format == "json":
        items = [rule_json(rule, explanation=True) for rule in rules]
        return _json(items if options.all else items[0])
    sys.stdout.write("\n".join(reference_page(rule) for rule in rules))
    return 0


def _json(document: object) -> int:
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0
