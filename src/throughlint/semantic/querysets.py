"""Parameters that hold a Django queryset by their annotation or by the framework's
calling convention.

- ``qs: QuerySet[Book]`` holds ``Book``'s rows: it is spelt as ``Book.objects.all()``;
- ``qs: QuerySet`` (no model) holds some model's rows: ``django.db.models.QuerySet()``,
  which ``qualnames`` spells as a manager chain of ``django.db.models.Model``;
- ``def action(self, request, queryset)`` / ``def action(modeladmin, request, queryset)``
  in a module that imports Django: the admin calls actions, list filters and
  ``delete_queryset`` with the selected rows as ``queryset``.

A user's own class called ``QuerySet`` resolves to that class and is not taken for
Django's.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.semantic.annotations import parse_string_annotation

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

QUERYSET_CLASSES = frozenset({"django.db.models.QuerySet", "django.db.models.query.QuerySet"})
QUERYSET_CLASS = "django.db.models.QuerySet"


def queryset_annotation(model: SemanticModel, annotation: ast.expr | None) -> ast.expr | None:
    """``QuerySet[Book]`` as ``Book.objects.all`` (a parameter's value is its class,
    called): the rows are ``Book``'s; else None."""
    if not isinstance(annotation, ast.Subscript):
        return None
    if model.resolve(annotation.value) not in QUERYSET_CLASSES:
        return None
    row = annotation.slice
    if isinstance(row, ast.Tuple) and row.elts:
        row = row.elts[0]  # django-stubs: ``QuerySet[Book, Book]``
    if isinstance(row, ast.Constant) and isinstance(row.value, str):
        row = parse_string_annotation(row.value)
        if row is None:
            return None
    if not isinstance(row, (ast.Name, ast.Attribute)):
        return annotation.value  # some model's rows
    return ast.Attribute(
        value=ast.Attribute(value=row, attr="objects", ctx=ast.Load()), attr="all", ctx=ast.Load()
    )


def admin_queryset(
    model: SemanticModel,
    function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
    argument: ast.arg,
) -> bool:
    """``argument`` is the ``queryset`` of Django's ``(request, queryset)`` convention."""
    if isinstance(function, ast.Lambda) or argument.arg != "queryset":
        return False
    positional = [*function.args.posonlyargs, *function.args.args]
    if len(positional) < 2 or positional[-1] is not argument or positional[-2].arg != "request":
        return False
    return model.imports_django


_RECEIVERS = frozenset({"django.dispatch.receiver", "django.dispatch.dispatcher.receiver"})


def signal_instance(
    model: SemanticModel,
    function: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda,
    argument: ast.arg,
) -> ast.expr | None:
    """``instance`` of a handler decorated ``@receiver(post_save, sender=Order)``: the
    ``sender`` class, whose instance the signal hands over (as an annotation would say);
    None for another argument or handler."""
    if isinstance(function, ast.Lambda) or argument.arg != "instance":
        return None
    for decorator in function.decorator_list:
        if not isinstance(decorator, ast.Call) or model.resolve(decorator.func) not in _RECEIVERS:
            continue
        for keyword in decorator.keywords:
            if keyword.arg == "sender" and isinstance(keyword.value, (ast.Name, ast.Attribute)):
                return keyword.value
    return None
