"""The row a Django ``ModelForm`` edits: in its methods, ``self.instance`` and what
``super().save(...)`` returns are an instance of ``Meta.model``.

Spelt as an expression the semantic model resolves in module scope:
``Voucher.objects.get()``, a single row of the model, so its relations and related
managers are read as a row's. A form whose ``Meta`` names no model gives nothing, and so
does a class that is no ``ModelForm`` (a plain ``Form``, a user's own class).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

MODEL_FORMS = frozenset({"django.forms.ModelForm", "django.forms.models.ModelForm"})
_MAX_BASES = 8


def model_form_row(
    class_def: ast.ClassDef,
    resolve: Callable[[ast.expr], str | None],
    local_class: Callable[[str], ast.ClassDef | None],
) -> ast.expr | None:
    """``Meta.model.objects.get()`` for a ``ModelForm`` subclass (through classes of this
    file, whose ``Meta`` may come from a base); None for another class."""
    model: ast.expr | None = None
    current: ast.ClassDef | None = class_def
    for _ in range(_MAX_BASES):
        if current is None:
            return None
        model = model or _meta_model(current)
        if any(resolve(base) in MODEL_FORMS for base in current.bases):
            break
        current = next(
            (local_class(base.id) for base in current.bases if isinstance(base, ast.Name)),
            None,
        )
    else:
        return None
    if model is None:
        return None
    manager = ast.Attribute(value=model, attr="objects", ctx=ast.Load())
    return ast.Call(
        func=ast.Attribute(value=manager, attr="get", ctx=ast.Load()), args=[], keywords=[]
    )


def _meta_model(class_def: ast.ClassDef) -> ast.expr | None:
    """``model = X`` in the class's own ``class Meta``."""
    for statement in class_def.body:
        if not (isinstance(statement, ast.ClassDef) and statement.name == "Meta"):
            continue
        for item in statement.body:
            if (
                isinstance(item, ast.Assign)
                and len(item.targets) == 1
                and isinstance(item.targets[0], ast.Name)
                and item.targets[0].id == "model"
                and isinstance(item.value, (ast.Name, ast.Attribute))
            ):
                return item.value
    return None
