"""Load a relation with the query that the ``for`` statement iterates: Django
``Book.objects.filter(...)`` -> ``....select_related("author")`` (or
``prefetch_related``); SQLAlchemy ``select(User)`` -> ``select(User).options(
selectinload(User.addresses))``, importing ``selectinload`` when needed. The kind is
``eager-load:<loader>:<relation>``; the conditions are in ``offers.eager_load``."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from throughlint.fixes.base import FixContext, FixSpec
from throughlint.fixes.imports import reference


class EagerLoad(FixSpec):
    anchor = cst.Attribute
    merges = True  # several relations of one loop are loaded with its query at once

    def target(self, stack: Sequence[cst.CSTNode]) -> cst.CSTNode | None:
        anchor = stack[-1]
        assert isinstance(anchor, cst.Attribute)
        if not isinstance(anchor.value, cst.Name):
            return None
        variable = anchor.value.value
        for node in reversed(stack[:-1]):
            if isinstance(node, cst.For) and _binds(node.target, variable):
                return node
        return None

    def rewrite(self, target: cst.CSTNode, anchor: cst.CSTNode, context: FixContext):
        assert isinstance(target, cst.For) and context.diagnostic is not None
        fix = context.diagnostic.fix
        assert fix is not None
        _, loader, relation = fix.kind.split(":", 2)
        if loader == "selectinload":
            new_iter = _add_options(target.iter, relation, context)
        else:
            new_iter = _add_loader(target.iter, loader, relation)
        if new_iter is None:
            return None
        return target.with_changes(iter=new_iter)


def _add_loader(iterable: cst.BaseExpression, loader: str, relation: str) -> cst.Call:
    """``qs.select_related("a")`` + ``b`` -> ``qs.select_related("a", "b")`` (also
    further down a chain of loaders); otherwise ``qs`` -> ``qs.select_related("b")``."""
    argument = cst.Arg(cst.SimpleString(f'"{relation}"'))
    merged = _merge_loader(iterable, loader, argument)
    if merged is not None:
        return merged
    return cst.Call(func=cst.Attribute(value=iterable, attr=cst.Name(loader)), args=[argument])


_LOADERS = frozenset({"select_related", "prefetch_related"})


def _merge_loader(node: cst.BaseExpression, loader: str, argument: cst.Arg) -> cst.Call | None:
    """Add ``argument`` to the ``loader(...)`` call among the loader calls at the end of
    the chain ``node``; None when there is none."""
    if not (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value in _LOADERS
        and node.args
        and all(isinstance(arg.value, cst.SimpleString) and not arg.star for arg in node.args)
    ):
        return None
    if node.func.attr.value == loader:
        *rest, last = node.args
        if last.comma is cst.MaybeSentinel.DEFAULT:
            last = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        return node.with_changes(args=[*rest, last, argument])
    inner = _merge_loader(node.func.value, loader, argument)
    if inner is None:
        return None
    return node.with_changes(func=node.func.with_changes(value=inner))


def _binds(target: cst.BaseExpression, name: str) -> bool:
    if isinstance(target, cst.Name):
        return target.value == name
    if isinstance(target, (cst.Tuple, cst.List)):
        return any(_binds(element.value, name) for element in target.elements)
    return False


class _SelectOptions(cst.CSTTransformer):
    def __init__(self, loader: cst.BaseExpression, relation: str) -> None:
        super().__init__()
        self.loader = loader
        self.relation = relation
        self.done = 0

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = updated_node.func
        name = func.value if isinstance(func, cst.Name) else getattr(func, "attr", None)
        if isinstance(name, cst.Name):
            name = name.value
        if (
            name != "select"
            or len(updated_node.args) != 1
            or updated_node.args[0].star  # ``select(*columns)``: not one entity
            or updated_node.args[0].keyword is not None
            or not isinstance(updated_node.args[0].value, cst.Name)
        ):
            return updated_node
        self.done += 1
        owner = updated_node.args[0].value
        option = cst.Call(
            func=self.loader,
            args=[cst.Arg(cst.Attribute(value=owner, attr=cst.Name(self.relation)))],
        )
        return cst.Call(
            func=cst.Attribute(value=updated_node, attr=cst.Name("options")),
            args=[cst.Arg(option)],
        )


def _add_options(
    iterable: cst.BaseExpression, relation: str, context: FixContext
) -> cst.BaseExpression | None:
    loader = reference(context, "sqlalchemy.orm", "selectinload")
    if loader is None:
        return None
    transformer = _SelectOptions(loader, relation)
    result = iterable.visit(transformer)
    if transformer.done != 1:
        return None
    return result  # type: ignore[return-value]


SPEC = EagerLoad()
