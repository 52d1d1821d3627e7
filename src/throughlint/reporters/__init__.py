"""Output formats. Each reporter is a module with ``render(report) -> str``; only the text
reporter imports rich, and only when it runs."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from throughlint.diagnostics import Diagnostic
from throughlint.results import LintResult
from throughlint.settings import Settings

FORMATS: tuple[str, ...] = ("text", "concise", "json", "sarif", "github", "gitlab", "junit")


@dataclass
class Report:
    result: LintResult
    color: bool = False
    statistics: bool = False
    quiet: bool = False
    fixed: int = 0
    notes: list[str] = field(default_factory=list)
    priorities: dict[Diagnostic, int] = field(default_factory=dict)  # see priority.py
    settings: Settings | None = None  # for reporters that spell out fixes (SARIF)
    baseline: dict[str, object] | None = None  # --baseline's counts (adoption.py)
    fingerprints: dict[Diagnostic, str] = field(default_factory=dict)  # see reporters/paths.py


def render(format_name: str, report: Report) -> str:
    if format_name not in FORMATS:
        raise ValueError(f"unknown format {format_name!r}")
    module = importlib.import_module(f"{__name__}.{format_name}")
    return module.render(report)
