"""``throughlint report``: where the throughput problems of a codebase concentrate.

One row per function (or module, ``--by module``), worst first by the summed priority of
its findings, with the facts the priority comes from: the deepest loop, radon's
complexity and the call sites that reach it. Takes ``--baseline`` and ``--diff-from``
like the lint command, so a team can rank only what is new.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from throughlint.command import EXIT_CLEAN, EXIT_DIAGNOSTICS, EXIT_ERROR, fail
from throughlint.diagnostics import Diagnostic


@dataclass
class HotSpot:
    name: str  # module.Class.method, or the module for module-level code / --by module
    path: str
    findings: list[Diagnostic] = field(default_factory=list)
    priorities: list[int] = field(default_factory=list)
    call_sites: int = 0

    @property
    def total(self) -> int:
        return sum(self.priorities)

    @property
    def worst(self) -> int:
        return max(self.priorities, default=0)

    @property
    def codes(self) -> list[str]:
        return sorted({d.code for d in self.findings})

    @property
    def complexity(self) -> int:
        return max((d.complexity for d in self.findings), default=0)

    @property
    def loop_depth(self) -> int:
        return max((d.loop_depth for d in self.findings), default=0)

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "path": self.path,
            "findings": len(self.findings),
            "codes": self.codes,
            "priority_total": self.total,
            "priority_max": self.worst,
            "loop_depth": self.loop_depth,
            "complexity": self.complexity,
            "call_sites": self.call_sites,
        }


def hot_spots(
    diagnostics: Sequence[Diagnostic],
    priorities: dict[Diagnostic, int],
    call_sites: dict[str, int],
    by: str = "function",
) -> list[HotSpot]:
    from throughlint.priority import qualified_function
    from throughlint.source import module_name

    spots: dict[tuple[str, str], HotSpot] = {}
    for d in diagnostics:
        function = qualified_function(d)
        name = function if by == "function" and function else module_name(d.path)
        spot = spots.get((name, d.path))
        if spot is None:
            sites = call_sites.get(function, 0) if by == "function" else 0
            spot = spots[(name, d.path)] = HotSpot(name, d.path, call_sites=sites)
        spot.findings.append(d)
        spot.priorities.append(priorities.get(d, 0))
    return sorted(spots.values(), key=lambda s: (-s.total, -s.worst, s.path, s.name))


def build_parser() -> argparse.ArgumentParser:
    from throughlint.command import Parser, code_list

    parser = Parser(
        prog="throughlint report",
        description="Hot spots: the functions (or modules) whose findings cost the most "
        "throughput, ranked by priority (loop depth, query or unbounded input, radon "
        "complexity, call sites).",
    )
    parser.add_argument("paths", nargs="*", help="files or folders to lint (default: .)")
    parser.add_argument("--by", choices=("function", "module"), default="function")
    parser.add_argument("--top", type=int, default=20, metavar="N", help="rows (default 20)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--select", type=code_list, help="codes or prefixes to enable")
    parser.add_argument("--ignore", type=code_list, help="codes or prefixes to disable")
    parser.add_argument(
        "--preview", action="store_true", default=None, help="also run preview rules"
    )
    parser.add_argument("--baseline", metavar="FILE", help="rank only findings not in FILE")
    parser.add_argument("--diff-from", metavar="REF", help="rank only changed lines")
    parser.add_argument("--config", help="read settings from this pyproject.toml")
    parser.add_argument("--isolated", action="store_true", help="ignore configuration files")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write cache")
    parser.add_argument("--jobs", "-j", type=int, default=None, help="worker processes")
    return parser


def main(arguments: Sequence[str]) -> int:
    options = build_parser().parse_args(list(arguments))
    from throughlint.adoption import AdoptionError, adopt, baseline_path
    from throughlint.checker import INTERNAL_ERROR_CODE
    from throughlint.command import settings_from_options
    from throughlint.config import ConfigError
    from throughlint.engine import PARSE_ERROR_CODE
    from throughlint.priority import call_sites, index_facts
    from throughlint.project import lint_paths

    if options.top < 1 or (options.jobs is not None and options.jobs < 1):
        return fail("--top and --jobs must be at least 1")
    paths = options.paths or ["."]
    try:
        settings = settings_from_options(options, paths)
    except ConfigError as exc:
        return fail(str(exc))
    result = lint_paths(paths, settings, jobs=options.jobs, use_cache=not options.no_cache)
    for error in result.errors:
        print(f"throughlint: error: {error}", file=sys.stderr)
    try:
        adopted = adopt(
            result,
            paths,
            settings,
            baseline=baseline_path(options.baseline, settings),
            diff_from=options.diff_from,
        )
    except AdoptionError as exc:
        return fail(str(exc))
    for note in adopted.notes:
        print(f"throughlint: {note}", file=sys.stderr)
    errors = (PARSE_ERROR_CODE, INTERNAL_ERROR_CODE)
    diagnostics = [d for d in adopted.result.diagnostics if d.code not in errors]
    sites, source = call_sites(diagnostics, index_facts(result, settings), result.call_sites)
    spots = hot_spots(diagnostics, adopted.priorities, sites, options.by)
    if options.format == "json":
        document = {
            "by": options.by,
            "call_sites_from": source,
            "hot_spots": [spot.as_json() for spot in spots[: options.top]],
            "findings": len(diagnostics),
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    elif not spots and result.errors:  # never "No findings" next to an error
        count = len(result.errors)
        sys.stdout.write(f"No hot spots, but {count} error{'' if count == 1 else 's'} reported.\n")
    else:
        sys.stdout.write(_table(spots, options.by, options.top, len(diagnostics), source))
    if result.errors or adopted.result.internal_errors:
        return EXIT_ERROR
    return EXIT_DIAGNOSTICS if diagnostics else EXIT_CLEAN


def _table(spots: list[HotSpot], by: str, top: int, findings: int, source: str) -> str:
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        width=None if color else 160,
    )
    if not spots:
        console.print("No findings: no hot spots.")
        return buffer.getvalue()
    title = f"Throughput hot spots by {by} ({len(spots)} with findings, {findings} findings)"
    table = Table(title=title, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("function" if by == "function" else "module", overflow="fold")
    table.add_column("file", overflow="fold")
    table.add_column("findings", justify="right")
    table.add_column("rules")
    table.add_column("priority", justify="right")
    table.add_column("worst", justify="right")
    table.add_column("loops", justify="right")
    table.add_column("complexity", justify="right")
    if by == "function":
        table.add_column("callers", justify="right")
    for rank, spot in enumerate(spots[:top], start=1):
        row = [
            str(rank),
            spot.name,
            spot.path,
            str(len(spot.findings)),
            " ".join(spot.codes),
            str(spot.total),
            str(spot.worst),
            str(spot.loop_depth),
            str(spot.complexity),
        ]
        if by == "function":
            row.append(str(spot.call_sites))
        table.add_row(*row)
    console.print(table)
    if len(spots) > top:
        console.print(f"... and {len(spots) - top} more (--top N shows more)")
    console.print(
        "priority = loop depth, query/unbounded input, radon complexity, call sites "
        + (
            "(callers from the project index)"
            if source == "project index"
            else "(callers not counted: no rule that builds the project index is selected)"
        )
    )
    return buffer.getvalue()
