"""Django admin change lists that read a relation for every row they show.

``list_display = ("id", "customer_name")`` on an admin registered for ``Order``, with
``def customer_name(self, obj): return obj.customer.name``, runs a query per row of the
change list: the admin joins the foreign keys it shows as columns (``select_related()``
when a column is one), not those a method reads. An entry naming a model's method or
property (``"label"``) reads what that member reads on ``self``
(``ProjectIndex.relations_read``).

Recorded by the collector of the index's facts: each read as a pending finding
(``admin-read``) with the admin's ``list_select_related`` and plain columns, for the index
to tell which are relations. An admin that overrides ``get_queryset``, or sets
``list_select_related = True``, says nothing. Its model comes from ``@admin.register(Model)``
or from an ``admin.site.register(Model, Admin)`` anywhere in the project
(``FileFacts.admin_models``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.index.pending import add_pending

if TYPE_CHECKING:
    from throughlint.checker import Checker
    from throughlint.semantic.model import SemanticModel

CODE = "TL101"
READ_KIND = "admin-read"
# no loop and no known path: what the walk's position (the class body) would say is wrong
UNPLACED = [[], "", "", "", "", ""]
_REGISTER = frozenset({"django.contrib.admin.register", "django.contrib.admin.decorators.register"})
_SITE_REGISTER = frozenset(
    {"django.contrib.admin.site.register", "django.contrib.admin.sites.site.register"}
)


def record_admin_list(checker: Checker, node: ast.AST) -> None:
    """The collector's handler for a ``ModelAdmin`` class (``ClassDef``)."""
    facts = checker.index_facts
    if facts is None or CODE not in facts.codes or not isinstance(node, ast.ClassDef):
        return
    model = checker.semantic
    if not any((model.resolve(b) or "").endswith("ModelAdmin") for b in node.bases):
        return
    # the model: by ``@admin.register(Model)``, else the index's from
    # ``admin.site.register(Model, Admin)`` (``record_admin_registration``)
    registered = _registered_model(model, node) or ""
    display: list[str] = []
    display_node: ast.stmt = node
    loaded: list[str] = []
    methods: dict[str, ast.FunctionDef] = {}
    for statement in node.body:
        if isinstance(statement, ast.FunctionDef):
            methods[statement.name] = statement
            if statement.name == "get_queryset":
                return  # its own query: what it loads is not read here
        elif isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            name = target.id if isinstance(target, ast.Name) else ""
            if name == "list_display":
                display, display_node = _strings(statement.value), statement
            elif name == "list_select_related":
                if isinstance(statement.value, ast.Constant) and statement.value.value is True:
                    return  # every foreign key joined
                loaded = _strings(statement.value)
    columns = [entry for entry in display if entry not in methods and "__" not in entry]
    admin = f"{model.class_name}.{node.name}"
    shared = {
        "admin": admin,
        "model": registered,
        "loaded": loaded,
        "columns": columns,
        "place": UNPLACED,  # a page of the change list, not the module's start-up
    }
    seen: set[str] = set()  # one finding per attribute read and admin
    for entry in display:
        method = methods.get(entry)
        if method is not None:
            _method_reads(checker, method, shared, seen)
        elif "__" not in entry:
            add_pending(
                checker, display_node, READ_KIND, attr=entry, method=None, member=1, **shared
            )


def _registered_model(model: SemanticModel, node: ast.ClassDef) -> str | None:
    for decorator in node.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and decorator.args
            and model.resolve(decorator.func) in _REGISTER
        ):
            return model.resolve(decorator.args[0])
    return None


def _strings(node: ast.expr) -> list[str]:
    if not isinstance(node, (ast.Tuple, ast.List)):
        return []
    return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]


def _method_reads(checker: Checker, method: ast.FunctionDef, shared: dict, seen: set[str]) -> None:
    """``obj.customer`` / ``obj.orders.count()`` in a column method ``(self, obj)``; the
    first read of each relation of the admin's columns (``seen``), in order."""
    if len(method.args.args) < 2:
        return
    row = method.args.args[1].arg
    for node in sorted(_nodes(method), key=lambda n: (n.lineno, n.col_offset)):
        attr: ast.Attribute | None = None
        called = None
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Attribute)
        ):
            attr, called = node.func.value, node.func.attr
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
            attr = node
        if attr is None or not isinstance(attr.value, ast.Name) or attr.value.id != row:
            continue
        if attr.attr in seen:
            continue  # ``obj.orders.count()`` comes before its ``obj.orders`` (same place)
        seen.add(attr.attr)
        add_pending(checker, attr, READ_KIND, attr=attr.attr, method=called, var=row, **shared)


def record_admin_registration(checker: Checker, node: ast.AST) -> None:
    """``admin.site.register(Order, OrderAdmin)``: the model of that admin."""
    facts = checker.index_facts
    if facts is None or CODE not in facts.codes or not isinstance(node, ast.Call):
        return
    if len(node.args) < 2 or checker.semantic.frame.loops:
        return
    model = checker.semantic
    if model.resolve(node.func) not in _SITE_REGISTER:
        return
    registered, admin = model.resolve(node.args[0]), model.resolve(node.args[1])
    if registered is not None and admin is not None:
        facts.admin_models[admin] = registered


def _nodes(method: ast.FunctionDef) -> list[ast.expr]:
    return [n for n in ast.walk(method) if isinstance(n, (ast.Attribute, ast.Call))]
