"""Module globals that functions bind: a placeholder at the top level, the value set by a
function that declares the name ``global``::

    session = None

    def init_db(path):
        global session
        session = sessionmaker(bind=create_engine(path))()

Every other function of the module, and every module that imports it, reads what
``init_db`` bound, not ``None``. The walk spells such a name as the module's attribute
(``app.ub.session``), as an importer's ``from app.ub import session`` does, and the
project index types it from the value the function bound (``index/facts.py``).
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel
    from throughlint.semantic.scope import Binding


def declared_global(model: SemanticModel) -> frozenset[str]:
    """The names some function of the module declares ``global``. One walk of the file's
    statements (not its expressions), and none when its text never says ``global``."""
    memo = model.memo("global_rebinds")
    found = memo.get(None)
    if found is None:
        names: set[str] = set()
        todo = list(model.tree.body) if model.mentions_global else []
        while todo:
            statement = todo.pop()
            if isinstance(statement, ast.Global):
                names.update(statement.names)
                continue
            for field in _BLOCKS:
                block = getattr(statement, field, None)
                if block:
                    todo.extend(block)
            for handler in getattr(statement, "handlers", ()):
                todo.extend(handler.body)
            for case in getattr(statement, "cases", ()):
                todo.extend(case.body)
        found = memo[None] = frozenset(names)
    return found


_BLOCKS = ("body", "orelse", "finalbody")


def placeholder(model: SemanticModel, binding: Binding) -> bool:
    """``binding`` is the module's ``name = None`` for a name some function binds under
    ``global``: what it holds is what that function sets."""
    value = binding.value
    return (
        isinstance(value, ast.Constant)
        and value.value is None
        and model.module_scope.bindings.get(binding.name) is binding
        and binding.name in declared_global(model)
    )


_LEADING_NAME = re.compile(r"\w+")


def rebound_global(model: SemanticModel, resolved: str) -> bool:
    """``resolved`` (``app.ub.session.query()``) starts with such a global of this
    module."""
    if not resolved.startswith(model.module + "."):
        return False
    leading = _LEADING_NAME.match(resolved, len(model.module) + 1)
    binding = model.module_scope.bindings.get(leading.group()) if leading else None
    return binding is not None and placeholder(model, binding)
