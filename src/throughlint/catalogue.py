"""``throughlint rules`` (the table) and ``throughlint rule CODE`` (one reference page)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from throughlint.rules import all_rules, rule_by_code
from throughlint.rules.base import FixAvailability, Rule


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
    return "\n".join(header) + "\n" + rule.reference.rstrip() + "\n"


def rules_table() -> str:
    rows = [("code", "name", "fixable", "summary")]
    rows += [(r.code, r.name, r.fix.value, r.summary) for r in all_rules()]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
        lines.append("  ".join([*cells, row[3]]).rstrip())
    return "\n".join(lines) + "\n"


def main(arguments: Sequence[str]) -> int:
    command, rest = arguments[0], list(arguments[1:])
    if command == "rules":
        if rest:
            print("throughlint: error: `throughlint rules` takes no arguments", file=sys.stderr)
            return 2
        sys.stdout.write(rules_table())
        return 0
    if len(rest) != 1:
        print("throughlint: error: usage: throughlint rule CODE", file=sys.stderr)
        return 2
    rule = rule_by_code(rest[0])
    if rule is None:
        print(
            f"throughlint: error: unknown rule {rest[0]!r} (see `throughlint rules`)",
            file=sys.stderr,
        )
        return 2
    sys.stdout.write(reference_page(rule))
    return 0
