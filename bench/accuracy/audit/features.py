"""What the tool knows at each finding, for the feature study (``policy.py --features``).

``python bench/accuracy/audit/features.py [--cache DIR] [--apps FILE] [--out DIR] [--app NAME]``

Lints each unpacked audit application in-process with ``--show-all`` settings and no
cache (what ``run.py --show-all`` reports) and writes ``<out>/<app>.features.json``: for
each finding (path, line, code, as in the JSON report) what the JSON format leaves out
and what the project's call graph says about its function:

- ``confidence`` (typed / heuristic) and ``size`` (the tool's input size);
- ``path``: ``hot: by itself`` (the walk placed the function hot: a handler, a task, a
  consumer), ``hot: service loop`` (called on each pass of a service's main loop), ``hot:
  reached`` (the walk left it unplaced or weakly cold, and a hot function reaches it
  through the index; the index records no placement for a function that calls no project
  function, so such a leaf, hot by itself and also reached, counts here), ``cold:
  <why>``, ``unplaced: called`` (project callers, none hot), ``unplaced: entry`` (nobody
  in the project calls it) or ``module level``;
- ``iterable``: what the loop iterates, from the loop header's text and the function's
  parameters: ``query``, ``parameter``, ``self attribute``, ``attribute``, ``call
  result``, ``literal``, ``local name``, ``while``, ``none`` (outside a loop);
- ``effect``: ``direct`` (the round trip is the call itself) or ``helper`` (a project
  function's summary: the message says "via");
- ``grouped``: the loop groups several calls;
- ``guarded``: every call of the finding sits under an ``if`` (or a conditional
  expression, an ``except`` handler, a ``match`` case) inside the loop's body: it runs
  for some items only.

Each row also has what the JSON report says (``held_back``, the tool's path as
``tool_path``, the ``related`` calls as [path, line, code]) and the ranking's inputs
(``loop_depth``, ``loop_input``, ``complexity``, ``pass_cost``, ``table_walk``, the
function's distinct project ``callers`` and the ``priority`` they give), so that one run
per application serves ``crossval.py`` without ``run.py``.

A study aid only: ``policy.py --features`` tabulates these per class of the classified rows.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
from functools import lru_cache

from apps import APPS, CACHE, HERE, load_apps

from throughlint.diagnostics import Diagnostic
from throughlint.index.reach import CallGraph, plain
from throughlint.priority import score
from throughlint.project import Project
from throughlint.relevance import held_back
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


_LOOPS = (ast.For, ast.AsyncFor, ast.While)


@lru_cache(maxsize=64)
def _tree(path: str) -> ast.Module | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError):
        return None


def _conditional(tree: ast.Module, loop_line: int, line: int, column: int) -> bool | None:
    """Whether the call at (line, column) is under a branch inside the loop starting on
    ``loop_line``; None when either is not found."""
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    for call in ast.walk(tree):
        if not (
            isinstance(call, ast.Call)
            and call.lineno == line
            and call.col_offset in (column, column - 1)
        ):
            continue
        branch, came, node = False, call, parents.get(call)
        while node is not None:
            if isinstance(node, ast.If | ast.IfExp):
                branch = branch or came is not node.test  # the test runs for every item
            elif isinstance(node, ast.BoolOp):
                branch = branch or came is not node.values[0]
            elif isinstance(node, ast.ExceptHandler | ast.match_case):
                branch = True
            if isinstance(node, _LOOPS) and getattr(node, "lineno", None) == loop_line:
                return branch
            if isinstance(node, ast.comprehension) and node.iter.lineno == loop_line:
                return branch
            came, node = node, parents.get(node)
    return None


def guarded(d: Diagnostic) -> str:
    """ "yes" when every call of the finding runs only on some passes of its loop."""
    if not d.loop_span:
        return "no loop"
    tree = _tree(os.path.abspath(d.path))
    if tree is None:
        return "?"
    calls = [(r.line, r.column) for r in d.related] or [(d.span.line, d.span.column)]
    answers = [_conditional(tree, d.loop_span[0], line, column) for line, column in calls]
    if any(a is None for a in answers):
        return "?"
    return "yes" if all(answers) else "no"


def path_of(d: Diagnostic, graph: CallGraph, function: str, called: set[str], placed: dict) -> str:
    """Where the function runs, and on what evidence (``placed``: what the call graph
    placed, ``CallGraph.placements``)."""
    if d.path_kind.startswith("cold"):
        return d.path_kind
    if not d.enclosing:
        return "module level"
    if d.path_kind == HOT:
        if function in graph.service and graph.kinds.get(function) != HOT:
            return "hot: service loop"
        return "hot: reached" if placed.get(function) == HOT else "hot: by itself"
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
        placed = graph.placements()
        callers: dict[str, set[str]] = {}
        for caller, callees in graph.callees.items():
            for callee in callees:
                callers.setdefault(plain(callee), set()).add(caller)
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
                    "path_kind": path_of(d, graph, function, called, placed),
                    "iterable": iterable(d, graph, function),
                    "effect": "helper" if any("(via " in m for m in messages) else "direct",
                    "grouped": bool(d.related),
                    "guarded": guarded(d),
                    "subject": d.loop_subject,
                    "function": function,
                    "held_back": held_back(d),
                    "tool_path": d.path_kind,
                    "related": [[os.path.relpath(r.path), r.line, r.code] for r in d.related],
                    "loop_depth": d.loop_depth,
                    "loop_input": d.loop_input,
                    "complexity": d.complexity,
                    "pass_cost": d.pass_cost,
                    "table_walk": d.table_walk,
                    "callers": len(callers.get(function, ())),
                    "priority": score(d, len(callers.get(function, ()))),
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
