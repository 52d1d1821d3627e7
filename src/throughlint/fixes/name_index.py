"""One walk of a function (or module) that answers the fixes' questions about its names:
where each is bound, read and iterated, what its ``with`` and assignments give it, and
which result attributes are read through it (``NameIndex``, kept for the last few scopes
so that a function with N loops is walked once, not N times)."""

from __future__ import annotations

import ast
import threading
from collections import OrderedDict

from throughlint.semantic.expressions import root_name

RESULT_ATTRIBUTES: frozenset[str] = frozenset(
    {"lastrowid", "rowcount", "description", "fetchone", "fetchmany", "fetchall", "statusmessage",
     "query", "rownumber", "scroll", "nextset", "pgresult", "__iter__", "__next__"}
)  # fmt: skip


def binds(node: ast.AST) -> str | None:
    """The name ``node`` binds (assignment or loop target, import, ``def``, ``class``,
    ``global`` / ``nonlocal`` count once per name: see ``NameIndex``); not a parameter."""
    if isinstance(node, ast.Name):
        return None if isinstance(node.ctx, ast.Load) else node.id
    if isinstance(node, ast.alias):
        return node.asname or node.name
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name
    return None


class NameIndex:
    """One walk of a function (or module) answering the facts' questions about names,
    so that a function with N loops is not walked N times (that was quadratic)."""

    __slots__ = (
        "assignments",
        "attribute_loads",
        "attribute_stores",
        "attributes",
        "bare_loads",
        "bases",
        "blocks",
        "imports",
        "iterated",
        "loads",
        "stores",
        "with_values",
    )

    def __init__(self, scope: ast.AST) -> None:
        self.stores: dict[str, list[ast.AST]] = {}
        self.loads: dict[str, list[ast.Name]] = {}  # every ``Name`` node, any context
        # result attributes (``cur.lastrowid``) by the name they are reached through
        self.attributes: dict[str, list[ast.Attribute]] = {}
        self.bases: set[int] = set()  # ids of the values of attributes
        self.iterated: dict[str, list[ast.For]] = {}  # ``for ... in <name>``
        self.imports: dict[int, ast.Import | ast.ImportFrom] = {}  # alias id -> statement
        self.assignments: dict[int, ast.Assign] = {}  # ``name = value`` in the body
        self.with_values: dict[int, ast.expr] = {}  # ``with value as name``: name id -> value
        # a block's statement starts and first bindings, by the block's id (``_bound_on_path``)
        self.blocks: dict[int, tuple[list[tuple[int, int]], dict[str, int]]] = {}
        self.attribute_stores: set[str] = set()  # ``x.autocommit = ...``: "autocommit"
        self.attribute_loads: set[str] = set()  # ``x.set_autocommit(...)``: "set_autocommit"
        for node in ast.walk(scope):
            name = binds(node)
            if name is not None:
                self.stores.setdefault(name, []).append(node)
            if isinstance(node, ast.Name):
                self.loads.setdefault(node.id, []).append(node)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                for declared in node.names:
                    self.stores.setdefault(declared, []).append(node)
            elif isinstance(node, ast.Attribute):
                self.bases.add(id(node.value))
                if isinstance(node.ctx, ast.Store):
                    self.attribute_stores.add(node.attr)
                else:
                    self.attribute_loads.add(node.attr)
                root = root_name(node.value) if node.attr in RESULT_ATTRIBUTES else None
                if root is not None:
                    self.attributes.setdefault(root, []).append(node)
            elif isinstance(node, ast.For) and isinstance(node.iter, ast.Name):
                self.iterated.setdefault(node.iter.id, []).append(node)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    self.imports[id(alias)] = node
            elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
                self.with_values[id(node.optional_vars)] = node.context_expr
        for statement in getattr(scope, "body", []):
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                self.assignments[id(statement.targets[0])] = statement
        # loads of a name not as an attribute's value (``print(cur)``, not ``cur.x``)
        self.bare_loads: dict[str, list[ast.Name]] = {
            name: [
                node
                for node in nodes
                if isinstance(node.ctx, ast.Load) and id(node) not in self.bases
            ]
            for name, nodes in self.loads.items()
        }
        for groups in (self.attributes, self.iterated, self.bare_loads):
            for nodes in groups.values():
                nodes.sort(key=start_of)  # type: ignore[arg-type]


def start_of(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def outside(nodes: list, loop: ast.For) -> ast.AST | None:
    """One of ``nodes`` (sorted by where they start) outside ``loop``, by position: only
    the first and the last need a look, so each loop asks in constant time."""
    if not nodes:
        return None
    begin = (loop.lineno, loop.col_offset)
    end = (loop.end_lineno or loop.lineno, loop.end_col_offset or 0)
    if start_of(nodes[0]) < begin:
        return nodes[0]
    if start_of(nodes[-1]) >= end:
        return nodes[-1]
    return None


_RECENT: OrderedDict[int, tuple[ast.AST, NameIndex]] = OrderedDict()


_RECENT_SIZE = 16  # the function and module being linted, with room for threads


_LOCK = threading.Lock()


def name_index(scope: ast.AST) -> NameIndex:
    """The index of ``scope``, built once while its loops are asked about (the last few
    scopes are kept, with the scope itself so that its id cannot be reused)."""
    with _LOCK:
        entry = _RECENT.get(id(scope))
        if entry is not None and entry[0] is scope:
            _RECENT.move_to_end(id(scope))
            return entry[1]
    index = NameIndex(scope)
    with _LOCK:
        _RECENT[id(scope)] = (scope, index)
        while len(_RECENT) > _RECENT_SIZE:
            _RECENT.popitem(last=False)
    return index


def stores_of(scope: ast.AST, name: str) -> list[ast.AST]:
    """Every node of ``scope`` that binds ``name`` (assignments, loop targets, imports...)."""
    return name_index(scope).stores.get(name, [])
