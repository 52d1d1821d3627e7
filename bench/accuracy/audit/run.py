"""Lint each audit application with the installed throughlint's default output.

``python bench/accuracy/audit/run.py [--cache DIR] [--apps FILE] [--out DIR] [--app NAME]
[--counts FILE] [--show-all]``

Runs ``python -m throughlint --format json --no-cache <root>`` in each unpacked app: the
default output, what a user gets with no flags. ``--no-cache`` changes nothing in the
output; it keeps a cache left in the tree by an earlier throughlint with the same version
string (a development build) from answering for the code under test. ``--show-all`` passes
``--show-all`` on, for reports that include the held-back findings (compare.py --all).
Unpacked apps come from fetch.py. It writes ``<out>/<app>.json`` and prints per app the
findings in total, in tests/migrations (the folders and ``test_*.py`` files that
``sample_findings.py`` skips) and outside them. ``--counts FILE`` also writes that table
as Markdown; when the reports' summary has ``held_back`` (issue 17: findings left out of
the default output, by reason), it is printed and added as a column.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import PurePath

from apps import APPS, CACHE, HERE, load_apps


def in_tests(path: str) -> bool:
    """The rule of sample_findings.py: a tests/ or migrations/ folder, or a test_*.py file."""
    parts = PurePath(path).parts
    return any(p in ("tests", "migrations") for p in parts[:-1]) or parts[-1].startswith("test_")


def lint(tree: str, root: str, report: str, extra: tuple[str, ...] = ()) -> tuple[dict, float]:
    """The JSON document of one run (also written to ``report``) and its duration."""
    started = time.monotonic()
    command = [sys.executable, "-m", "throughlint", "--format", "json", "--no-cache", *extra, root]
    completed = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=False)
    # exit 2 with a report on stdout: an internal error (TL999) on some file, which the
    # report holds like any finding; the other files' findings are all there
    try:
        document = json.loads(completed.stdout) if completed.returncode in (0, 1, 2) else None
    except json.JSONDecodeError:
        document = None
    if document is None:
        raise RuntimeError(
            f"throughlint failed in {tree} ({completed.returncode}):\n{completed.stderr}"
        )
    internal = sum(d.get("code") == "TL999" for d in document.get("diagnostics", ()))
    if internal:
        print(f"{tree}: {internal} internal error(s) (TL999) in the report", file=sys.stderr)
    with open(report, "w", encoding="utf-8") as handle:
        handle.write(completed.stdout)
    return document, time.monotonic() - started


def held_back(document: dict) -> str:
    """The summary's held-back findings ("12 (cold path: 9, constant input: 3)"), or "-"
    when this throughlint holds nothing back (no ``held_back`` in its summary)."""
    reasons = document.get("summary", {}).get("held_back")
    if reasons is None:
        return "-"
    detail = ", ".join(f"{why}: {count}" for why, count in sorted(reasons.items()))
    return f"{sum(reasons.values())} ({detail})" if detail else "0"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", default=CACHE, help="where fetch.py unpacked the apps")
    parser.add_argument("--apps", default=APPS, help="the pinned applications (apps.toml)")
    parser.add_argument("--out", default=os.path.join(HERE, "reports"), help="report folder")
    parser.add_argument("--app", action="append", help="only this PyPI name (repeatable)")
    parser.add_argument("--show-all", action="store_true", help="pass --show-all on")
    parser.add_argument("--jobs", help="pass --jobs N on (a shared machine: --jobs 1)")
    parser.add_argument("--counts", help="also write the table as Markdown to this file")
    options = parser.parse_args(argv)
    os.makedirs(options.out, exist_ok=True)
    rows = []
    for app in load_apps(options.apps):
        if options.app and app.name not in options.app:
            continue
        tree = os.path.join(os.path.abspath(options.cache), "src", f"{app.name}-{app.version}")
        report = os.path.join(options.out, f"{app.name}.json")
        extra = ("--show-all",) if options.show_all else ()
        if options.jobs:
            extra += ("--jobs", options.jobs)
        document, seconds = lint(tree, app.root, report, extra)
        found = document["diagnostics"]
        inside = sum(in_tests(d["path"]) for d in found)
        held = held_back(document)
        rows.append((app.name, app.version, len(found), inside, len(found) - inside, held))
        print(
            f"{app.name:22} {len(found):5} total {inside:5} in tests/migrations "
            f"{len(found) - inside:5} outside  ({seconds:.0f}s)"
            + ("" if held == "-" else f"  held back {held}"),
            flush=True,
        )
    totals = [sum(r[i] for r in rows) for i in (2, 3, 4)]
    print(f"{'all':22} {totals[0]:5} total {totals[1]:5} in tests/migrations {totals[2]:5} outside")
    if options.counts:
        with_held = any(r[5] != "-" for r in rows)
        head = "| app | version | findings | in tests/migrations | outside |"
        lines = [head + (" held back |" if with_held else ""), "|---|---|--:|--:|--:|"]
        lines[1] += "---|" if with_held else ""
        for r in rows:
            lines.append(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} |")
            lines[-1] += f" {r[5]} |" if with_held else ""
        lines.append(f"| all | | {totals[0]} | {totals[1]} | {totals[2]} |")
        lines[-1] += " |" if with_held else ""
        with open(options.counts, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
