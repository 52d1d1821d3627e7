"""Receivers whose type only the function's callers can tell, spelt for the project
index (issue 12, classes 1 and 3): ``client.delete(k)`` with ``client`` an unannotated
parameter (``app.drop@0:client.delete``), and ``self.client.delete(k)`` where the class
binds ``self.client`` to a parameter (``app.Store().client.delete``, which the index
follows to ``app.Store.__init__@0:client`` and types from every call site of
``Store(...)``)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.effects.remote import BATCHABLE_METHODS
from throughlint.semantic.parameter_origin import parameter_attribute, parameter_origin
from throughlint.semantic.scope import BindingKind
from throughlint.semantic.types import attribute_factory

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel


def passed_client_call(model: SemanticModel, node: ast.Call) -> str | None:
    """A method with a batch form called on a value the function's callers pass, spelt
    for the index; None for any other call."""
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in BATCHABLE_METHODS:
        return None
    origin = parameter_origin(model, func.value) or parameter_attribute(model, func.value)
    return f"{origin}.{func.attr}" if origin is not None else None


def passed_attribute_call(model: SemanticModel, node: ast.Call) -> str | None:
    """``self.client.get(k)`` where the class binds ``self.client`` only to names, spelt
    ``app.Store().client.get``, or ``client.get(k)`` on a parameter (``app.f@0:client.get``):
    a callee for the index's summaries (``Store.get`` makes a round trip once the index
    types ``client``: a library client, or a project class's instance that every caller
    passes, whose ``fetch`` is then that class's method)."""
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr.startswith("__"):
        return None
    origin = parameter_attribute(model, func.value) or _parameter(model, func.value)
    return f"{origin}.{func.attr}" if origin is not None else None


def _parameter(model: SemanticModel, node: ast.expr) -> str | None:
    """A parameter itself (``client`` in ``def read_each(client, nodes)``), spelt from
    the function (``app.read_each@0:client``); not a value derived from one."""
    if not isinstance(node, ast.Name):
        return None
    binding = model.lookup(node.id)
    if binding is None or binding.kind is not BindingKind.PARAMETER:
        return None
    return parameter_origin(model, node)


def factory_attribute_call(model: SemanticModel, node: ast.Call) -> str | None:
    """``self.client.get(k)`` (a method with a batch form) where the class binds
    ``self.client`` once, to what a function of this module returns (``self.client =
    self._connect()``), spelt ``app.Store()._connect().get``: a callee for the index's
    summaries, which type the client the function returns."""
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in BATCHABLE_METHODS:
        return None
    factory = attribute_factory(model, func.value)
    return f"{factory}.{func.attr}" if factory is not None else None
