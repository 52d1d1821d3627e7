"""What the tool knows at each finding, for the feature study (``policy.py --features``).

``python bench/accuracy/audit/features.py [--cache DIR] [--apps FILE] [--out DIR] [--app NAME]``

Lints each unpacked audit application in-process with ``--show-all`` settings and no
cache (what ``run.py --show-all`` reports) and writes ``<out>/<app>.features.json``: for
each finding (path, line, code, as in the JSON report) what the JSON format leaves out
and what the project's call graph says about its function:

- ``confidence`` (typed / heuristic) and ``size`` (the tool's input size);
- ``path``: ``hot: by itself`` (the walk placed the function hot: a handler, a task, a
  consumer), ``hot: service loop`` (called on each pass of a service's main loop), ``hot:
  reached`` (a hot function reaches it through the index), ``cold: <why>``, ``unplaced:
  called`` (project callers, none hot), ``unplaced: entry`` (nobody in the project calls
  it) or ``module level``;
- ``iterable``: what the loop iterates, from the loop header's text and the function's
  parameters: ``query``, ``parameter``, ``self attribute``, ``attribute``, ``call
  result``, ``literal``, ``local name``, ``while``, ``none`` (outside a loop);
- ``effect``: ``direct`` (the round trip is the call itself) or ``helper`` (a project
  function's summary: the message says "via");
- ``grouped``: the loop groups several calls.

A study aid only: ``policy.py --features`` tabulates these per class of the classified rows.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from apps import APPS, CACHE, HERE, load_apps

from throughlint.diagnostics import Diagnostic
from throughlint.index.reach import CallGraph, plain
from throughlint.project import Project
from throughlint.semantic.placement import HOT
from throughlint.settings import Settings

_QUERY_WORDS = (".objects", ".all()", ".iterator(", "query(", "select(", ".filter(", "_set.")
_QUERY_WORDS += ("execute(", "fetchall(", ".scalars(")


def iterable(d: Diagnostic, graph: CallGraph, function: str) -> str:
    """What the loop iterates (see the module docstring)."""
    if not d.loop_span:
        return "none"
    subject = d.loop_subject
    if not subject:
        return "while"
    if d.loop_input == "query" or any(word in subject for word in _QUERY_WORDS):
        return "query"
    head = subject.split("(", 1)[0].split(".", 1)[0].split("[", 1)[0]
    if head in (graph.parameters.get(function) or ()) and head not in ("self", "cls"):
        return "parameter"
    if subject[:1] in "[({'\"" or subject[:1].isdigit() or subject.startswith("range("):
        return "literal"
    if subject.endswith(")"):
        return "call result"
    if subject.startswith(("self.", "cls.")):
        return "self attribute"
    if "." in subject or "[" in subject:
        return "attribute"
    return "local name"


def path_of(d: Diagnostic, graph: CallGraph, function: str, called: set[str]) -> str:
    """Where the function runs, and on what evidence."""
    if d.path_kind.startswith("cold"):
        return d.path_kind
    if not d.enclosing:
        return "module level"
    own = graph.kinds.get(function, "")
    if d.path_kind == HOT:
        if own == HOT:
            return "hot: by itself"
        if function in graph.service:
            return "hot: service loop"
        return "hot: reached"
    return "unplaced: called" if function in called else "unplaced: entry"


def features(tree: str, root: str) -> list[dict]:
    here = os.getcwd()
    os.chdir(tree)
    try:
        settings = Settings(project_root=os.path.abspath("."), show_all=True)
        project = Project.for_paths(settings, [root], jobs=1, use_cache=False)
        result = project.lint_paths([root])
        graph = CallGraph.from_facts(result.facts.values())
        called = {plain(c) for callees in graph.callees.values() for c in callees}
        called |= {c for callees in graph.callees.values() for c in callees}
        rows = []
        for d in result.diagnostics:
            function = f"{project.module_of(d.path)}.{d.enclosing}"
            messages = [d.message, *(r.message for r in d.related)]
            rows.append(
                {
                    "path": os.path.relpath(d.path),
                    "line": d.span.line,
                    "code": d.code,
                    "confidence": d.confidence,
                    "size": d.input_size or "none",
                    "path_kind": path_of(d, graph, function, called),
                    "iterable": iterable(d, graph, function),
                    "effect": "helper" if any("(via " in m for m in messages) else "direct",
                    "grouped": bool(d.related),
                    "subject": d.loop_subject,
                    "function": function,
                }
            )
        return rows
    finally:
        os.chdir(here)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", default=CACHE, help="where fetch.py unpacked the apps")
    parser.add_argument("--apps", default=APPS, help="the pinned applications (apps.toml)")
    parser.add_argument("--out", default=os.path.join(HERE, "reports"), help="output folder")
    parser.add_argument("--app", action="append", help="only this PyPI name (repeatable)")
    options = parser.parse_args(argv)
    os.makedirs(options.out, exist_ok=True)
    for app in load_apps(options.apps):
        if options.app and app.name not in options.app:
            continue
        tree = os.path.join(os.path.abspath(options.cache), "src", f"{app.name}-{app.version}")
        rows = features(tree, app.root)
        with open(os.path.join(options.out, f"{app.name}.features.json"), "w") as handle:
            json.dump(rows, handle, indent=1)
        print(f"{app.name:22} {len(rows):5} findings", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
