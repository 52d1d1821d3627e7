"""Scopes and bindings: what a name refers to at a point of the walk."""

from __future__ import annotations

import ast
import enum
from dataclasses import dataclass, field


class ScopeKind(enum.Enum):
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    LAMBDA = "lambda"
    COMPREHENSION = "comprehension"


class BindingKind(enum.Enum):
    IMPORT = "import"
    ASSIGNMENT = "assignment"
    PARAMETER = "parameter"
    SELF = "self"
    FUNCTION = "function"
    CLASS = "class"
    LOOP_VARIABLE = "loop-variable"
    WITH_VARIABLE = "with-variable"
    OTHER = "other"


@dataclass(slots=True)
class Binding:
    """One binding of a name. ``value`` is the expression it holds when that is known
    (the right-hand side, the loop iterable, the ``with`` context, a parameter's
    annotation); ``qualified`` is set for imports and definitions."""

    name: str
    kind: BindingKind
    node: ast.AST
    value: ast.expr | None = None
    qualified: str | None = None
    owner: ast.ClassDef | None = None
    # the binding this one replaced, when its value reads the name (``qs = qs.filter()``)
    previous: Binding | None = None


def class_def_of(binding: Binding) -> ast.ClassDef | None:
    """The class a ``CLASS`` binding names: the class statement itself, or for a
    classmethod's first parameter (whatever it is called) the class that defines it."""
    return binding.node if isinstance(binding.node, ast.ClassDef) else binding.owner


@dataclass(slots=True)
class Scope:
    kind: ScopeKind
    node: ast.AST
    parent: Scope | None
    bindings: dict[str, Binding] = field(default_factory=dict)

    def bind(self, binding: Binding) -> None:
        self.bindings[binding.name] = binding

    def lookup(self, name: str) -> Binding | None:
        """Python's rule: local, then enclosing functions (never class bodies), then module."""
        binding = self.bindings.get(name)
        if binding is not None:
            return binding
        scope = self.parent
        while scope is not None:
            if scope.kind is not ScopeKind.CLASS:
                binding = scope.bindings.get(name)
                if binding is not None:
                    return binding
            scope = scope.parent
        return None
