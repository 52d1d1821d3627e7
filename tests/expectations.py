"""Inline expectations: ``# expect: TL101`` (or ``# expect: TL101, TL102``) on a line
says which codes must be reported there; every other line must stay clean."""

from __future__ import annotations

import re
from collections.abc import Iterable

from throughlint.diagnostics import Diagnostic

_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


def expected(text: str, codes: Iterable[str] | None = None) -> list[tuple[int, str]]:
    wanted = set(codes) if codes is not None else None
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match:
            for code in re.split(r"\s*,\s*", match.group("codes")):
                if wanted is None or code in wanted:
                    found.append((number, code))
    return sorted(found)


def actual(
    diagnostics: Iterable[Diagnostic], codes: Iterable[str] | None = None
) -> list[tuple[int, str]]:
    wanted = set(codes) if codes is not None else None
    return sorted((d.span.line, d.code) for d in diagnostics if wanted is None or d.code in wanted)


def calls(diagnostics: Iterable[dict]) -> list[dict]:
    """JSON diagnostics with each finding grouped at its loop replaced by its calls (each
    with the group's path): for tests about which calls a rule reports."""
    found = []
    for diagnostic in diagnostics:
        if not diagnostic.get("related"):
            found.append(diagnostic)
            continue
        for related in diagnostic["related"]:
            found.append({**diagnostic, **related, "related": []})
    return found
