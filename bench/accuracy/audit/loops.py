"""How many findings each loop gets in the reports of run.py (issue 17: one finding per loop).

``python bench/accuracy/audit/loops.py [--cache DIR] [--apps FILE] [--reports DIR]``

For each app's ``<reports>/<app>.json``, takes the findings outside tests and migrations
(run.py's rule), finds the innermost ``for``/``while``/comprehension of the unpacked source
that encloses each finding's line (with :mod:`ast`; the audited code is parsed, never run)
and prints a Markdown table: findings, loops with findings, loops with more than one,
the findings on those, the most on one loop, and findings outside any loop.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
from collections import Counter

from apps import APPS, CACHE, HERE, load_apps
from run import in_tests

_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp)
_LOOPS += (ast.GeneratorExp,)


def loop_spans(path: str) -> list[tuple[int, int]]:
    """(first, last) line of every loop and comprehension in the file; none for a file this
    Python cannot parse (a TL000 finding there counts as in no loop)."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        try:
            tree = ast.parse(handle.read())
        except SyntaxError:
            return []
    return [
        (node.lineno, node.end_lineno or node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, _LOOPS)
    ]


def per_loop(tree: str, diagnostics: list[dict]) -> tuple[Counter[tuple[str, int]], int]:
    """Findings per (path, first line of the innermost enclosing loop); and those in no loop."""
    spans: dict[str, list[tuple[int, int]]] = {}
    groups: Counter[tuple[str, int]] = Counter()
    outside_loops = 0
    for diagnostic in diagnostics:
        path = diagnostic["path"]
        if path not in spans:
            spans[path] = loop_spans(os.path.join(tree, path))
        line = diagnostic["line"]
        enclosing = [span for span in spans[path] if span[0] <= line <= span[1]]
        if not enclosing:
            outside_loops += 1
            continue
        groups[(path, max(enclosing)[0])] += 1
    return groups, outside_loops


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", default=CACHE, help="where fetch.py unpacked the apps")
    parser.add_argument("--apps", default=APPS, help="the pinned applications (apps.toml)")
    parser.add_argument("--reports", default=os.path.join(HERE, "reports"), help="run.py --out")
    options = parser.parse_args(argv)
    print(
        "| app | findings | loops | loops with >1 | findings on them | most on one loop |", end=""
    )
    print(" in no loop |\n|---|--:|--:|--:|--:|--:|--:|")
    totals: Counter[str] = Counter()
    for app in load_apps(options.apps):
        report = os.path.join(options.reports, f"{app.name}.json")
        if not os.path.exists(report):
            continue
        with open(report, encoding="utf-8") as handle:
            found = [d for d in json.load(handle)["diagnostics"] if not in_tests(d["path"])]
        tree = os.path.join(os.path.abspath(options.cache), "src", f"{app.name}-{app.version}")
        groups, outside_loops = per_loop(tree, found)
        shared = [count for count in groups.values() if count > 1]
        most = max(groups.values(), default=0)
        row = (len(found), len(groups), len(shared), sum(shared), most, outside_loops)
        print(f"| {app.name} | " + " | ".join(map(str, row)) + " |")
        totals.update(dict(zip(("f", "l", "m", "s"), row[:4], strict=True)))
        totals["n"] += outside_loops
        totals["most"] = max(totals["most"], most)
    row = (totals["f"], totals["l"], totals["m"], totals["s"], totals["most"], totals["n"])
    print("| all | " + " | ".join(map(str, row)) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
