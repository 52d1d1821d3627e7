"""What the walk records where a rule reports, for ranking (``priority.py``): per-item
loops around the finding, what the innermost one iterates, and the enclosing function's
cyclomatic complexity. Every diagnostic carries it, found directly or through the index."""

from __future__ import annotations

import ast
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

from throughlint.diagnostics import QUERY, UNBOUNDED
from throughlint.semantic.expressions import child_nodes
from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.semantic.loops import Loop
    from throughlint.semantic.model import SemanticModel
    from throughlint.settings import Settings


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
    loop_input = loop_input_of(model, innermost, settings) if innermost is not None else ""
    return FindingContext(depth, loop_input, function_complexity(model.function))


def function_complexity(function: ast.AST | None) -> int:
    """radon's cyclomatic complexity of a function (closures counted apart); a lambda is 1,
    module level 0. Computed once per function node, by :func:`_decision_points`."""
    if function is None:
        return 0
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return 1
    known = _COMPLEXITY.get(function)
    if known is None:
        known = _COMPLEXITY[function] = 1 + _decision_points(function.body)
    return known


_LOOPS = (ast.For, ast.While, ast.AsyncFor)
_APART = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _decision_points(body: list[ast.stmt]) -> int:
    """radon's count (``radon.visitors.ComplexityVisitor``), without its visitor objects:
    ``if``/ternary 1, ``and``/``or`` chain n-1, loops 1 (+1 with ``else``), comprehension
    clauses 1 + their ``if``s, ``except`` clauses (+1 for ``else``), match cases but a
    wildcard, ``assert`` 1 (not looked into); nested functions and classes apart."""
    total = 0
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        kind = node.__class__
        if kind in _APART:
            continue
        if kind is ast.Assert:
            total += 1
            continue
        if kind is ast.If or kind is ast.IfExp:
            total += 1
        elif kind is ast.BoolOp:
            total += len(node.values) - 1  # type: ignore[attr-defined]
        elif kind in _LOOPS:
            total += 1 + bool(node.orelse)  # type: ignore[attr-defined]
        elif kind is ast.comprehension:
            total += 1 + len(node.ifs)  # type: ignore[attr-defined]
        elif kind is ast.Try:
            total += len(node.handlers) + bool(node.orelse)  # type: ignore[attr-defined]
        elif kind is ast.Match:
            cases = node.cases  # type: ignore[attr-defined]
            wildcard = any(getattr(case.pattern, "pattern", False) is None for case in cases)
            total += max(0, len(cases) - wildcard)
        stack.extend(child_nodes(node))
    return total


def loop_input_of(model: SemanticModel, loop: Loop, settings: Settings) -> str:
    """What ``loop`` iterates, for ranking: "query", "unbounded" or ""."""
    from throughlint.semantic.loops import LoopKind

    if loop.kind is LoopKind.WHILE and loop.iter is None:
        return UNBOUNDED
    iterable = unwrap_iterable(model, loop.iter)
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


def unwrap_iterable(model: SemanticModel, node: ast.expr | None) -> ast.expr | None:
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
