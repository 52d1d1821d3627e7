"""The ``throughlint`` command: parse arguments, load settings, lint, report, exit code."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from throughlint import __version__
from throughlint.arguments import subcommand_typo
from throughlint.collection import fewer_collections
from throughlint.command import (
    EXIT_CLEAN,
    EXIT_DIAGNOSTICS,
    EXIT_ERROR,
    Parser,
    code_list,
    fail,
    settings_from_options,
    warn_preview_selection,
)

__all__ = ["EXIT_CLEAN", "EXIT_DIAGNOSTICS", "EXIT_ERROR", "build_parser", "main"]

USAGE = """throughlint [options] [paths ...]
       throughlint rules [--format {text,json}]
       throughlint rule (CODE | --all) [--format {text,json}]
       throughlint report [--by {function,module}] [--format {table,json}] [paths ...]
       throughlint lsp [--stdio | --tcp PORT]"""


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="throughlint",
        usage=USAGE,
        epilog="`throughlint COMMAND --help` shows the options of a subcommand.",
        description="Find throughput anti-patterns: N+1 queries, per-item writes, unbounded "
        "queues, mis-sized pools. `throughlint rules` lists the rules, "
        "`throughlint rule CODE` explains one, `throughlint report` ranks the hot spots, "
        "`throughlint lsp` serves editors.",
    )
    parser.add_argument(
        "paths", nargs="*", help="files or folders to lint (default: .); `-` reads stdin"
    )
    parser.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="with `-`: lint stdin as this file of its project (settings, index, report name)",
    )
    parser.add_argument("--version", action="version", version=f"throughlint {__version__}")
    selection = parser.add_argument_group("rule selection")
    selection.add_argument(
        "--select", type=code_list, help="comma-separated codes or prefixes to enable"
    )
    selection.add_argument("--extend-select", type=code_list, help="codes or prefixes to add")
    selection.add_argument("--ignore", type=code_list, help="codes or prefixes to disable")
    selection.add_argument(
        "--preview",
        action="store_true",
        default=None,
        help="also run preview rules (below the accuracy bar; see `throughlint rules`)",
    )
    output = parser.add_argument_group("output")
    output.add_argument(
        "--format",
        choices=("text", "concise", "json", "sarif", "github", "gitlab", "junit"),
        default=None,
        help="output format (default: text; github inside GitHub Actions is not automatic)",
    )
    output.add_argument("--output-file", "-o", help="write the report to this file")
    output.add_argument("--statistics", action="store_true", help="count diagnostics per rule")
    output.add_argument(
        "--show-all",
        action="store_true",
        help="also show findings held back as cold path, constant or configured input",
    )
    output.add_argument(
        "--quiet", "-q", action="store_true", help="diagnostics only (with --statistics: the table)"
    )
    output.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help="say where the project index's facts came from (cache, collected), and why fixes "
        "were declined",
    )
    output.add_argument("--exit-zero", action="store_true", help="exit 0 even with diagnostics")
    output.add_argument(
        "--show-traceback", action="store_true", help="tracebacks for internal errors"
    )
    fixing = parser.add_argument_group("fixes")
    fixing.add_argument("--fix", action="store_true", help="apply safe fixes")
    fixing.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes")
    fixing.add_argument(
        "--diff", action="store_true", help="print the fixes as a diff, write nothing"
    )
    adoption = parser.add_argument_group("adopting in an existing codebase")
    adoption.add_argument(
        "--baseline", metavar="FILE", help="report only findings not recorded in this baseline"
    )
    adoption.add_argument(
        "--write-baseline", metavar="FILE", help="record the current findings in FILE and exit 0"
    )
    adoption.add_argument(
        "--diff-from",
        metavar="REF",
        help="report only findings on lines added or changed since git REF (pull requests)",
    )
    adoption.add_argument(
        "--sort", choices=("path", "priority"), default=None, help="order of the findings"
    )
    adoption.add_argument(
        "--top", type=int, metavar="N", help="only the N findings with the highest priority"
    )
    running = parser.add_argument_group("running")
    running.add_argument("--config", help="read settings from this pyproject.toml")
    running.add_argument("--isolated", action="store_true", help="ignore all configuration files")
    running.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    running.add_argument(
        "--jobs", "-j", type=int, default=None, help="worker processes (default: all cores)"
    )
    running.add_argument(
        "--force-exclude",
        action="store_true",
        help="apply exclude patterns to files named on the command line (pre-commit)",
    )
    running.add_argument(
        "--exclude",
        type=lambda v: [p for p in v.split(",") if p],
        help="replace the exclude patterns",
    )
    running.add_argument(
        "--extend-exclude",
        type=lambda v: [p for p in v.split(",") if p],
        help="add exclude patterns",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in ("rule", "rules"):
        from throughlint.catalogue import main as catalogue_main

        return catalogue_main(arguments)
    if arguments and arguments[0] == "report":
        from throughlint.hotspots import main as report_main

        return report_main(arguments[1:])
    if arguments and arguments[0] == "lsp":
        from throughlint.lsp import main as lsp_main

        return lsp_main(arguments[1:])
    typo = subcommand_typo(arguments)
    if typo:
        return fail(typo)
    options = build_parser().parse_args(arguments)
    try:
        with fewer_collections():
            return _lint(options)
    except KeyboardInterrupt:
        print("throughlint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_ERROR


def _lint(options: argparse.Namespace) -> int:
    from throughlint.config import ConfigError
    from throughlint.project import Project
    from throughlint.reporters import Report, render

    paths = options.paths or ["."]
    if options.jobs is not None and options.jobs < 1:
        return fail("--jobs must be at least 1")
    if options.top is not None and options.top < 1:
        return fail("--top must be at least 1")
    stdin = paths == ["-"]
    if stdin:
        paths = [options.stdin_filename or "-"]
    elif "-" in paths:
        return fail("`-` (stdin) cannot be combined with other paths")
    elif options.stdin_filename:
        return fail("--stdin-filename needs `-` as the path")
    try:
        settings = settings_from_options(options, paths)
    except ConfigError as exc:
        return fail(str(exc))
    warn_preview_selection(settings)
    project = Project.for_paths(
        settings,
        paths,
        jobs=options.jobs,
        use_cache=not options.no_cache,
        show_traceback=options.show_traceback,
    )
    if stdin:
        return _lint_stdin(options, project, paths[0])
    result = project.lint_paths(paths)
    for error in result.errors:
        print(f"throughlint: error: {error}", file=sys.stderr)
    _print_notes(options, result)
    changed_files = 0
    if options.fix or options.diff:
        from throughlint.fixing import declined_notes, fix_result

        selected = _fix_selection(options, settings, paths, result)
        if isinstance(selected, int):
            return selected
        fixing = fix_result(
            result,
            settings,
            unsafe=options.unsafe_fixes,
            write=not options.diff,
            selected=selected,
            project=project,
        )
        for error in fixing.errors:
            print(f"throughlint: warning: {error}", file=sys.stderr)
        changed_files = len(fixing.changed_files)
        if options.diff or options.verbose:
            shown = [d for d in fixing.result.calls if selected is None or selected(d)]
            for note in declined_notes(shown, options.unsafe_fixes):
                print(note, file=sys.stderr)
        if options.diff:
            sys.stdout.write(fixing.diff())
            print(
                f"Would fix {fixing.applied} diagnostic(s) in {changed_files} file(s).",
                file=sys.stderr,
            )
            return EXIT_ERROR if result.errors else (EXIT_DIAGNOSTICS if changed_files else 0)
        result = fixing.result
        if changed_files:  # what remains, project-wide (cross-file findings too)
            result = Project.for_paths(
                settings,
                paths,
                jobs=options.jobs,
                use_cache=not options.no_cache,
                show_traceback=options.show_traceback,
            ).lint_paths(paths)
        if not options.quiet:
            print(
                f"Fixed {fixing.applied} diagnostic(s) in {changed_files} file(s); "
                f"{len(result.diagnostics)} remaining.",
                file=sys.stderr,
            )
    adopted = _adopt(options, settings, paths, result)
    if isinstance(adopted, int):
        return adopted
    result = adopted.result
    format_name = options.format or "text"
    color = (
        format_name == "text"
        and options.output_file is None
        and sys.stdout.isatty()
        and "NO_COLOR" not in os.environ
    )
    report = Report(
        result,
        color=color,
        statistics=options.statistics,
        quiet=options.quiet,
        settings=settings,
    )
    report.priorities = adopted.priorities
    report.baseline = adopted.baseline
    report.fingerprints = adopted.fingerprints
    text = render(format_name, report)
    if options.output_file:
        try:
            with open(options.output_file, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            return fail(f"cannot write {options.output_file}: {exc.strerror or exc}")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if result.errors:
        return EXIT_ERROR
    if result.internal_errors and not options.exit_zero:  # a TL999 is a finding too
        return EXIT_ERROR
    if (result.diagnostics or changed_files) and not options.exit_zero:
        return EXIT_DIAGNOSTICS
    return EXIT_CLEAN


def _fix_selection(options: argparse.Namespace, settings, paths: list[str], result):
    """With ``--baseline`` / ``--diff-from``, only the findings they keep are fixed (the
    user asked not to hear of the others); without them, only the findings shown
    (``_shown_only``); None when every finding may be; an exit code on a usage error."""
    from throughlint.adoption import AdoptionError, adopt, baseline_path
    from throughlint.fixing import selecting
    from throughlint.relevance import members

    baseline = baseline_path(options.baseline, settings)
    if options.write_baseline or not (baseline or options.diff_from):
        return _shown_only(settings, result)
    try:
        kept = adopt(result, paths, settings, baseline=baseline, diff_from=options.diff_from)
    except AdoptionError as exc:
        return fail(str(exc))
    # a finding grouped at its loop stands for its calls: each call's fix may be applied
    return selecting(call for d in kept.result.diagnostics for call in members(d, result.calls))


def _shown_only(settings, result):
    """Findings held back from the output (cold path, constant input...) are not fixed
    either: what ``--fix`` changes is what the run shows (``--show-all`` shows and fixes
    them all). None when nothing is held back."""
    from throughlint.fixing import selecting
    from throughlint.relevance import members

    if settings.show_all or not result.held_back:
        return None
    return selecting(call for d in result.diagnostics for call in members(d, result.calls))


def _lint_stdin(options: argparse.Namespace, project, path: str) -> int:
    """``throughlint - --stdin-filename PATH``: stdin linted as ``PATH`` with its project's
    index; with ``--fix`` the fixed source goes to stdout (``--diff``: the diff) and the
    findings that remain are counted on stderr."""
    from throughlint.reporters import Report, render

    data = sys.stdin.buffer.read()
    result = project.lint_buffer_result(path, data)
    diagnostics = result.diagnostics
    _print_notes(options, result)
    if options.fix or options.diff:
        return _fix_stdin(options, project, path, data, result)
    report = Report(
        result, statistics=options.statistics, quiet=options.quiet, settings=project.settings
    )
    sys.stdout.write(render(options.format or "text", report))
    sys.stdout.flush()
    if result.internal_errors:
        return EXIT_ERROR
    return EXIT_DIAGNOSTICS if diagnostics and not options.exit_zero else EXIT_CLEAN


def _fix_stdin(options: argparse.Namespace, project, path: str, data: bytes, result) -> int:
    from throughlint.fixing import FileFix, fix_text
    from throughlint.source import SourceError, decode_source

    try:
        source = decode_source(data, path)
    except SourceError:
        sys.stdout.buffer.write(data)  # nothing can be fixed: the input, unchanged
        return EXIT_ERROR
    item = FileFix(path, source.text, source.text, remaining=result.calls)
    fix_text(
        item,
        project.settings,
        unsafe=options.unsafe_fixes,
        encoding=source.encoding,
        selected=_shown_only(project.settings, result),
        project=project,
    )
    if item.error:
        print(f"throughlint: warning: {path}: {item.error}", file=sys.stderr)
    if options.diff:
        sys.stdout.write(item.diff())
    else:
        sys.stdout.buffer.write(item.fixed.encode(source.encoding))
    sys.stdout.flush()
    remaining, _ = project.focus(item.remaining)  # counted as a run shows them
    if not options.quiet:
        print(
            f"Fixed {len(item.applied)} diagnostic(s); {len(remaining)} remaining.",
            file=sys.stderr,
        )
    if options.diff:
        return EXIT_DIAGNOSTICS if item.changed else EXIT_CLEAN
    return EXIT_DIAGNOSTICS if remaining and not options.exit_zero else EXIT_CLEAN


def _adopt(options: argparse.Namespace, settings, paths: list[str], result):
    """Baseline, changed lines and priority (see ``adoption.py``); an exit code when the
    run ends here (a usage error, or ``--write-baseline``)."""
    from throughlint.adoption import AdoptionError, adopt, baseline_path

    try:
        adopted = adopt(
            result,
            paths,
            settings,
            baseline=baseline_path(options.baseline, settings),
            write_baseline=options.write_baseline,
            diff_from=options.diff_from,
            sort=options.sort,
            top=options.top,
        )
    except AdoptionError as exc:
        return fail(str(exc))
    if not options.quiet or adopted.wrote_baseline:
        for note in adopted.notes:
            print(f"throughlint: {note}", file=sys.stderr)
    if adopted.wrote_baseline:
        return EXIT_ERROR if result.errors or result.internal_errors else EXIT_CLEAN
    return adopted


def _print_notes(options: argparse.Namespace, result) -> None:
    if options.verbose:
        for note in result.notes:
            print(f"throughlint: {note}", file=sys.stderr)
    if not options.quiet:
        for notice in result.notices:
            print(f"throughlint: {notice}", file=sys.stderr)
