"""Running fixes in-process for tests: lint, fix round by round, report what happened."""

from __future__ import annotations

from throughlint.engine import lint_text
from throughlint.fixing import FileFix, applicable, fix_text
from throughlint.settings import Settings


def fix_source(
    text: str, *, unsafe: bool = False, settings: Settings | None = None, path: str = "example.py"
) -> FileFix:
    settings = settings or Settings()
    item = FileFix(path, text, text, remaining=lint_text(text, path, settings))
    fix_text(item, settings, unsafe=unsafe)
    return item


def offered(text: str, kind: str, *, settings: Settings | None = None) -> list[int]:
    """Lines whose diagnostic offers a fix of ``kind``."""
    return sorted(
        d.span.line
        for d in lint_text(text, "example.py", settings or Settings())
        if d.fix is not None and d.fix.kind == kind
    )


def pending_fixes(item: FileFix, unsafe: bool) -> list:
    return [d for d in item.remaining if applicable(d, unsafe)]
