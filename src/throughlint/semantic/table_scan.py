"""Whether a loop's query reads every row of its table, decided on the query's steps, not
on its text: ``Ticket.objects.all()``, ``session.query(User)``, ``select(User)``,
``table.select()``, ``"SELECT id FROM t"`` with no ``WHERE``, also through the names the
query was bound to (``rows = X.objects.all()``, then ``for r in rows.iterator()``).

Any step that narrows the rows (``filter``, ``exclude``, ``where``, ``filter_by``,
``in_bulk``, a slice or a ``LIMIT``), and any step not known to keep every row (a custom
manager method, a project helper, a relation of one object: ``order.lines.all()``),
makes the answer no: on a cold path, only a walk over a whole table is worth showing
(``relevance.py``), so an unknown step holds the finding back rather than shows it."""

from __future__ import annotations

import ast
import re

from throughlint.semantic.model import SemanticModel
from throughlint.semantic.scope import BindingKind

# steps that hand on every row of the query before them
_KEEPS_ROWS = frozenset(
    {
        "all",
        "iterator",
        "order_by",
        "select_related",
        "prefetch_related",
        "only",
        "defer",
        "values",
        "values_list",
        "using",
        "annotate",
        "distinct",
        "reverse",
        "options",
        "execution_options",
        "yield_per",
        "scalars",
        "unique",
        "fetchall",
        "mappings",
        "partitions",
    }
)
# methods that run the statement or SQL passed as their first argument
_RUNS_ARGUMENT = frozenset({"execute", "scalars", "stream", "stream_scalars", "raw", "query"})
# class attributes that are a model's query over its whole table
_MANAGERS = frozenset({"objects", "_default_manager", "_base_manager", "query"})
_WRAPPERS = frozenset(
    {"builtins.enumerate", "builtins.sorted", "builtins.reversed", "builtins.list"}
)
_HOLDERS = (BindingKind.ASSIGNMENT, BindingKind.WITH_VARIABLE)
_HOPS = 4  # names followed back to the query they hold
_SQL_NARROWING = re.compile(r"\b(where|limit|top|fetch|offset)\b", re.IGNORECASE)
_SQL_SELECT = re.compile(r"\bselect\b", re.IGNORECASE)


def walks_whole_table(model: SemanticModel, iterable: ast.expr | None) -> bool:
    """``iterable`` is a query over every row of a table (see the module docstring)."""
    return _whole(model, iterable, _HOPS)


def _whole(model: SemanticModel, node: ast.expr | None, hops: int) -> bool:
    node = _unwrapped(model, node)
    if isinstance(node, ast.Name):  # a query held by a name: the steps of its value
        binding = model.lookup(node.id)
        if hops == 0 or binding is None or binding.kind not in _HOLDERS:
            return False
        return binding.value is not None and _whole(model, binding.value, hops - 1)
    return _whole_chain(model, node, hops)


def _unwrapped(model: SemanticModel, node: ast.expr | None) -> ast.expr | None:
    """``enumerate(rows)``, ``sorted(rows)``: ``rows``."""
    while (
        isinstance(node, ast.Call)
        and len(node.args) == 1
        and not isinstance(node.args[0], ast.Starred)
        and model.resolve(node.func) in _WRAPPERS
    ):
        node = node.args[0]
    return node


def _whole_chain(model: SemanticModel, node: ast.expr | None, hops: int) -> bool:
    """Walk the chain from its last step to its root: every step keeps the rows, and the
    root is a whole table."""
    while True:
        if isinstance(node, ast.Name):
            return _whole(model, node, hops)
        if isinstance(node, ast.Attribute):
            return node.attr in _MANAGERS
        if not isinstance(node, ast.Call):
            return False  # a slice, a subscript, a literal, anything else
        func = node.func
        if _selects_table(model, node):
            return True
        if not isinstance(func, ast.Attribute):
            return False
        if func.attr == "select" and not node.args:  # ``table.select()``
            return True
        if func.attr in _RUNS_ARGUMENT and node.args:
            argument = node.args[0]
            sql = _sql_text(argument)
            if sql is not None:
                return _whole_sql(sql)
            if func.attr == "query":  # ``session.query(User)``
                return True
            node = argument
            continue
        if func.attr not in _KEEPS_ROWS:
            return False
        node = func.value


def _selects_table(model: SemanticModel, call: ast.Call) -> bool:
    """``select(User)``: SQLAlchemy's statement over a model's every row."""
    name = model.resolve(call.func) or ""
    return name.startswith("sqlalchemy.") and name.endswith(".select") and len(call.args) == 1


def _whole_sql(sql: str) -> bool:
    """A ``SELECT`` with no ``WHERE``, ``LIMIT``, ``TOP``, ``FETCH`` or ``OFFSET``."""
    return bool(_SQL_SELECT.search(sql)) and not _SQL_NARROWING.search(sql)


def _sql_text(node: ast.expr) -> str | None:
    """The SQL of ``"SELECT ..."`` or ``text("SELECT ...")``; None for anything else."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None
