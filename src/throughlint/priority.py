"""Hot-path ranking: which findings to fix first in a codebase with hundreds of them.

The walk records, when a rule reports, the facts that make a finding expensive
(:func:`finding_context`); they travel on the :class:`Diagnostic` and through the cache.
After the run, :func:`rank` turns them into a ``priority`` from 0 to 100:

- loop nesting: 20 points per per-item loop around the finding (the work grows as
  N, N*M, ...), at most 60;
- what the innermost loop iterates: +20 for a query result (the loop grows with a
  table), +15 for unbounded input (a file, a stream, ``while``, ``async for``);
- the enclosing function's cyclomatic complexity (radon): +1 per 2 above 1, at most +10
  (a branchy function hides the cost and is harder to change);
- call sites that reach the function: +6 per doubling (1 caller 6, 3 callers 12, 7
  callers 18), at most +20; the distinct project functions that call it, from the project
  index's call graph (not counted when no rule that builds the index is selected).

A finding outside any loop (a mis-sized pool, an unbounded queue) starts at 10.
A finding on a cold path or on constant input (``relevance.py``, shown with
``--show-all``) keeps a quarter of its points: it ranks below the hot ones.
"""

from __future__ import annotations

import ast
import math
import weakref
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from throughlint.diagnostics import Diagnostic
from throughlint.relevance import held_back
from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.semantic.loops import Loop
    from throughlint.semantic.model import SemanticModel
    from throughlint.settings import Settings

QUERY, UNBOUNDED = "query", "unbounded"

# Iterating these yields rows one by one from a database (canonical names, call results
# end in "()"); anything reached from a connection factory counts as well.
_QUERY_ROOTS = (
    "sqlalchemy.orm.Session",
    "sqlalchemy.orm.session.Session",
    "sqlalchemy.orm.scoped_session",
    "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.engine.Connection",
    "sqlalchemy.engine.Engine",
)
# Input with no size known in advance: files, streams, generators of the file system.
_UNBOUNDED_NAMES = frozenset(
    {
        "builtins.open()",
        "io.open()",
        "codecs.open()",
        "gzip.open()",
        "bz2.open()",
        "lzma.open()",
        "sys.stdin",
        "fileinput.input()",
        "itertools.count()",
        "itertools.cycle()",
        "os.walk()",
        "os.scandir()",
        "glob.iglob()",
        "csv.reader()",
        "csv.DictReader()",
    }
)
_UNBOUNDED_SUFFIXES = (".readlines()", ".iter_lines()", ".iter_content()", ".rglob()", ".glob()")
_WRAPPERS = frozenset(
    {"builtins.enumerate", "builtins.sorted", "builtins.reversed", "builtins.list", "builtins.zip"}
)

_HOLDERS = (BindingKind.ASSIGNMENT, BindingKind.WITH_VARIABLE)
_COMPLEXITY: weakref.WeakKeyDictionary[ast.AST, int] = weakref.WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class FindingContext:
    loop_depth: int
    loop_input: str
    complexity: int


def finding_context(model: SemanticModel, settings: Settings) -> FindingContext:
    """Facts about where the walk is now, for the diagnostic being reported."""
    depth = sum(1 for loop in model.loops if not loop.small)
    innermost = model.hot_loop(include_while=True)
    loop_input = _loop_input(model, innermost, settings) if innermost is not None else ""
    return FindingContext(depth, loop_input, function_complexity(model.function))


def function_complexity(function: ast.AST | None) -> int:
    """radon's cyclomatic complexity of a function (closures counted apart); a lambda is 1,
    module level 0. Computed once per function node."""
    if function is None:
        return 0
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return 1
    known = _COMPLEXITY.get(function)
    if known is None:
        from radon.visitors import ComplexityVisitor

        functions = ComplexityVisitor.from_ast(function).functions
        known = _COMPLEXITY[function] = functions[0].complexity if functions else 1
    return known


def _loop_input(model: SemanticModel, loop: Loop, settings: Settings) -> str:
    from throughlint.semantic.loops import LoopKind

    if loop.kind is LoopKind.WHILE:
        return UNBOUNDED
    iterable = _unwrap(model, loop.iter)
    if iterable is None:
        return ""
    if _is_query(model, iterable, settings):
        return QUERY
    name = model.resolve(iterable)
    if name is not None and (name in _UNBOUNDED_NAMES or name.endswith(_UNBOUNDED_SUFFIXES)):
        return UNBOUNDED
    if loop.kind is LoopKind.ASYNC_FOR:
        return UNBOUNDED
    return ""


def _unwrap(model: SemanticModel, node: ast.expr | None) -> ast.expr | None:
    """``enumerate(rows)`` iterates ``rows``; a plain name stands for what it was assigned."""
    for _ in range(4):
        if (
            isinstance(node, ast.Call)
            and node.args
            and model.resolve(node.func) in _WRAPPERS
            and not isinstance(node.args[0], ast.Starred)
        ):
            node = node.args[0]
            continue
        if isinstance(node, ast.Name):
            binding = model.lookup(node.id)
            if binding is not None and binding.value is not None and binding.kind in _HOLDERS:
                node = binding.value
                continue
        break
    return node


def _is_query(model: SemanticModel, node: ast.expr, settings: Settings) -> bool:
    if isinstance(node, ast.Call):
        from throughlint.effects import Effect, call_effects

        if call_effects(model, node, settings) & Effect.READ:
            return True
    name = model.resolve(node)
    if name is None:
        return False
    if ".objects." in name or name.endswith(".objects"):
        return True  # a Django queryset
    bare = name[:-2] if name.endswith("()") else name
    if bare in settings.query_functions:
        return True
    from throughlint.apis import DB_CONNECTION_FACTORIES

    roots = (*DB_CONNECTION_FACTORIES, *settings.connection_factories, *_QUERY_ROOTS)
    return any(name.startswith(f"{root}().") for root in roots)


# --- ranking ---------------------------------------------------------------------------


def score(diagnostic: Diagnostic, call_sites: int = 0) -> int:
    """The priority of one finding, 0..100 (see the module docstring)."""
    points = 20 * min(diagnostic.loop_depth, 3) if diagnostic.loop_depth else 10
    points += {QUERY: 20, UNBOUNDED: 15}.get(diagnostic.loop_input, 0)
    points += min(max(diagnostic.complexity - 1, 0) // 2, 10)
    if call_sites > 0:
        points += min(round(6 * math.log2(1 + call_sites)), 20)
    if held_back(diagnostic):
        points //= 4
    return min(points, 100)


def rank(diagnostics: Sequence[Diagnostic], call_sites: dict[str, int]) -> dict[Diagnostic, int]:
    """Priority of every diagnostic; ``call_sites`` maps a function's qualified name
    (``module.Class.method``) to the call sites that reach it (:func:`call_sites`)."""
    return {d: score(d, call_sites.get(qualified_function(d), 0)) for d in diagnostics}


def qualified_function(diagnostic: Diagnostic) -> str:
    """``module.Class.method`` of the function around a finding; "" at module level."""
    if not diagnostic.enclosing:
        return ""
    from throughlint.engine import module_name

    return f"{module_name(diagnostic.path)}.{diagnostic.enclosing}"


def by_priority(diagnostics: Iterable[Diagnostic], priorities: dict[Diagnostic, int]):
    """Worst first; ties in file order."""
    return sorted(diagnostics, key=lambda d: (-priorities.get(d, 0), d.sort_key))


def callers_from_index(facts: dict[str, dict]) -> Counter[str]:
    """How many project functions call each function, from the project index's per-function
    summaries (``index/facts.py``: the project functions each function calls). A method
    called on an instance (``mod.Class().m``) counts for ``mod.Class.m``."""
    counts: Counter[str] = Counter()
    for file_facts in facts.values():
        for caller, record in (file_facts.get("f") or {}).items():
            callees = {_plain(callee) for callee in record[1]} if len(record) > 1 else set()
            counts.update(callee for callee in callees if callee != caller)
    return counts


def _plain(name: str) -> str:
    return name.replace("().", ".").removesuffix("()")


def call_sites(
    diagnostics: Sequence[Diagnostic], facts: dict[str, dict] | None
) -> tuple[dict[str, int], str]:
    """Callers of each finding's function and where the numbers come from: "project index",
    or "none" when no selected rule built the index (``facts`` is None; then they count 0)."""
    if facts is None:
        return {}, "none"
    functions = {qualified_function(d) for d in diagnostics} - {""}
    callers = callers_from_index(facts) if functions else Counter()
    return {name: callers[name] for name in functions}, "project index"


def priorities_for(
    diagnostics: Sequence[Diagnostic], facts: dict[str, dict] | None
) -> dict[Diagnostic, int]:
    """Rank the findings of a run; ``facts`` are the project index's (None: not built)."""
    sites, _ = call_sites(diagnostics, facts)
    return rank(diagnostics, sites)


def index_facts(result, settings: Settings) -> dict[str, dict] | None:
    """The run's project-index facts, or None when no selected rule built the index."""
    from throughlint.rules import select_rules

    rules = select_rules(settings.select, settings.extend_select, settings.ignore)
    if not any(getattr(rule, "uses_index", False) for rule in rules):
        return None
    return getattr(result, "facts", None)
