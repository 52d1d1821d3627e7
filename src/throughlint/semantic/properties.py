"""Properties and attributes set from annotated parameters: what ``self.x`` holds when
the class body does not construct it.

- ``@property def session(self) -> Session``: the property stands for its annotation; an
  unannotated one stands for what it returns (the project index follows that value
  across modules, ``index/attribute_values.py``).
- ``def __init__(self, connection: Connection): self.connection = connection``: the
  attribute holds an instance of the annotation's class.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from throughlint.semantic.annotations import annotated_class
from throughlint.semantic.expressions import tree_key

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

_PROPERTY_DECORATORS = frozenset({"property", "cached_property"})


def is_property(function: ast.AST) -> bool:
    """``@property`` / ``@cached_property`` / ``@functools.cached_property``."""
    for decorator in getattr(function, "decorator_list", ()):
        if isinstance(decorator, ast.Name):
            name = decorator.id
        elif isinstance(decorator, ast.Attribute):
            name = decorator.attr
        else:
            continue
        if name in _PROPERTY_DECORATORS:
            return True
    return False


_PROPERTIES: WeakKeyDictionary[ast.ClassDef, frozenset[str]] = WeakKeyDictionary()


def property_names(class_def: ast.ClassDef) -> frozenset[str]:
    """The properties a class defines in its body."""
    known = _PROPERTIES.get(class_def)
    if known is None:
        known = _PROPERTIES[class_def] = frozenset(
            statement.name
            for statement in class_def.body
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
            and is_property(statement)
        )
    return known


_PARAMETER_TYPES: WeakKeyDictionary[ast.ClassDef, dict[str, ast.Call | None]] = WeakKeyDictionary()


def parameter_attribute(class_def: ast.ClassDef, attribute: str) -> ast.Call | None:
    """``self.<attribute> = name`` in a method, ``name`` a parameter of it annotated with a
    class: a call of that class (resolved like any constructor: ``Connection()``), for the
    model to resolve; None when no such assignment, or when methods disagree."""
    known = _PARAMETER_TYPES.get(class_def)
    if known is None:
        known = _PARAMETER_TYPES[class_def] = _parameter_attributes(class_def)
    return known.get(attribute)


def _parameter_attributes(class_def: ast.ClassDef) -> dict[str, ast.Call | None]:
    found: dict[str, ast.Call | None] = {}
    spelt: dict[str, str] = {}
    for method in class_def.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        arguments = [*method.args.posonlyargs, *method.args.args]
        if not arguments:
            continue
        self_name = arguments[0].arg
        annotations = {
            argument.arg: argument.annotation
            for argument in (*arguments[1:], *method.args.kwonlyargs)
            if argument.annotation is not None
        }
        if not annotations:
            continue
        for node in ast.walk(method):
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
                continue
            target, value = node.targets[0], node.value
            if not (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == self_name
                and isinstance(value, ast.Name)
                and value.id in annotations
            ):
                continue
            named = annotated_class(annotations[value.id])
            text = tree_key(named) if named is not None else ""
            if target.attr in spelt and spelt[target.attr] != text:
                found[target.attr] = None  # two methods, two types: unknown
                continue
            spelt[target.attr] = text
            if named is not None:
                found[target.attr] = ast.Call(func=named, args=[], keywords=[])
            else:
                found[target.attr] = None
    return found


_PROXIED = ("flask.current_app.",)  # an application's attributes, set by the project


def index_attribute(model: SemanticModel, receiver: str) -> bool:
    """``receiver`` (resolved) reads a property of a class of this file
    (``mod.Manager().session``) or an attribute the project sets on the application
    (``flask.current_app.appbuilder``): a value only the project index can type."""
    if receiver.startswith(_PROXIED):
        return True
    head, found, rest = receiver.partition("().")
    if not found or not head.startswith(model.module + "."):
        return False
    class_def = model.instance_class(head + "()")
    name = rest.split(".", 1)[0].split("(", 1)[0].split("[", 1)[0]
    return class_def is not None and name in property_names(class_def)
