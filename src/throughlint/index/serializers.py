"""Django REST framework serializers that read a relation for every row they render.

A ``ModelSerializer`` of ``Order`` whose ``get_customer_name(self, obj)`` returns
``obj.customer.name``, or that declares ``customer_name = CharField(source="customer.name")``
or a nested ``customer = CustomerSerializer()``, reads ``customer`` once per row: used by a
list view over ``Order.objects.all()`` (``serializer_class`` beside ``queryset``) or as
``OrderSerializer(orders, many=True)``, that is a query per row unless the queryset loads
it (``select_related("customer")``).

Recorded by the collector of the index's facts: each read as a pending finding
(``serializer-read``), each serializer class with its model (``FileFacts.serializers``),
and each use of a serializer over a query with what that query loads
(``FileFacts.serializer_users``, by where it is used: a re-lint replaces its own). The
index reports a read only when the serializer has
a known use whose query does not load the relation (``ProjectIndex.serializer_users``); a
serializer with no use it can see says nothing.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Any

from throughlint.index.admin_lists import UNPLACED
from throughlint.index.pending import add_pending
from throughlint.semantic.queries import QueryChain, iterated_query_chain, query_chain
from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.checker import Checker
    from throughlint.semantic.model import SemanticModel

CODE = "TL101"
READ_KIND = "serializer-read"
_DRF = "rest_framework."
# a use whose query is not known: [model, loaded, loads_all, where] with an empty model
UNKNOWN_QUERY = ""


def serializer_class_model(model: SemanticModel, node: ast.ClassDef) -> str | None:
    """The model of a serializer class (``class Meta: model = Order``, the class deriving
    from a REST framework class or one of the project's), else None."""
    memo = model.memo("serializers.model")
    if node in memo:
        return memo[node]
    found = None
    bases = [model.resolve(base) or "" for base in node.bases]
    if any(base.startswith(_DRF) and "erializer" in base for base in bases) or any(
        base and not base.startswith(("builtins.", "django.")) and "." in base for base in bases
    ):
        for statement in node.body:
            if isinstance(statement, ast.ClassDef) and statement.name == "Meta":
                found = _meta_model(model, statement)
    memo[node] = found
    return found


def _meta_model(model: SemanticModel, meta: ast.ClassDef) -> str | None:
    for statement in meta.body:
        if (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "model" for t in statement.targets)
            and isinstance(statement.value, (ast.Name, ast.Attribute))
        ):
            return model.resolve(statement.value)
    return None


def record_serializer_read(checker: Checker, node: ast.AST) -> None:
    """``obj.customer`` / ``obj.orders.count()`` in a serializer's ``get_<field>(self,
    obj)`` or ``to_representation(self, instance)``: a pending read."""
    facts = checker.index_facts
    function = checker.semantic.function
    if (
        facts is None
        or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        or not (function.name.startswith("get_") or function.name == "to_representation")
        or CODE not in facts.codes
    ):
        return
    if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
        _read(checker, node, None)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Attribute)
    ):
        _read(checker, node.func.value, node.func.attr)


def _read(checker: Checker, node: ast.Attribute, method: str | None) -> None:
    if not isinstance(node.value, ast.Name):
        return
    model = checker.semantic
    function = model.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)) or not model.classes:
        return
    name = function.name
    if not (name.startswith("get_") or name == "to_representation"):
        return
    arguments = function.args.args
    if len(arguments) < 2 or arguments[1].arg != node.value.id:
        return
    binding = model.lookup(node.value.id)
    if binding is None or binding.kind is not BindingKind.PARAMETER:
        return
    owner = model.classes[-1]
    direct = model.memo("serializers.methods")
    if function not in direct:
        direct[function] = any(statement is function for statement in owner.body)
    if not direct[function]:
        return
    serializer_model = serializer_class_model(model, owner)
    if serializer_model is None:
        return
    serializer = model.class_name
    _pending(checker, node, serializer, serializer_model, node.attr, method, node.value.id)


def _pending(
    checker: Checker,
    node: ast.AST,
    serializer: str,
    serializer_model: str,
    attr: str,
    method: str | None,
    var: str,
    **extra: object,
) -> None:
    """One pending read of ``attr`` by ``serializer`` (once per attribute and method)."""
    facts = checker.index_facts
    key = ("serializer", serializer, attr, method)
    if facts is None or key in facts.seen:
        return
    facts.seen.add(key)
    add_pending(
        checker,
        node,
        READ_KIND,
        serializer=serializer,
        model=serializer_model,
        attr=attr,
        method=method,
        var=var,
        **extra,
    )


def record_serializer_class(checker: Checker, node: ast.AST) -> None:
    """A serializer class: its model (``FileFacts.serializers``), and the relations its
    declared fields read (``source="customer.name"``, a nested serializer of the
    project's as ``customer``): pending reads."""
    facts = checker.index_facts
    if facts is None or CODE not in facts.codes or not isinstance(node, ast.ClassDef):
        return
    model = checker.semantic
    qualified = f"{model.class_name}.{node.name}"
    serializer_model = serializer_class_model(model, node)
    if serializer_model is not None:
        facts.serializers[qualified] = serializer_model
        _declared_fields(checker, node, qualified, serializer_model)
    _view_use(checker, node, qualified)


def _declared_fields(
    checker: Checker, node: ast.ClassDef, qualified: str, serializer_model: str
) -> None:
    model = checker.semantic
    for statement in node.body:
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Call)
        ):
            continue
        field, call = statement.targets[0].id, statement.value
        source = next((k.value for k in call.keywords if k.arg == "source"), None)
        if isinstance(source, ast.Constant) and isinstance(source.value, str):
            if "." in source.value and source.value != "*":
                attr = source.value.split(".", 1)[0]
                _declared(checker, statement, qualified, serializer_model, attr, None)
            continue
        callee = model.resolve(call.func)
        if callee is not None and not callee.startswith(_DRF):
            # a nested serializer of the project's, if the index knows ``callee`` as one
            _declared(checker, statement, qualified, serializer_model, field, callee)


def _declared(
    checker: Checker,
    statement: ast.stmt,
    qualified: str,
    serializer_model: str,
    attr: str,
    nested: str | None,
) -> None:
    """A declared field's read: ``method`` "all" stands for a many relation's rows."""
    extra = {"nested": nested} if nested else {}
    # read per row rendered, not at the module's start-up where the class is walked
    _pending(
        checker, statement, qualified, serializer_model, attr, "all", "obj", place=UNPLACED, **extra
    )


def _view_use(checker: Checker, node: ast.ClassDef, qualified: str) -> None:
    """``serializer_class = OrderSerializer`` beside ``queryset = ...`` (or a
    ``get_queryset`` that returns a query): a use of the serializer over that query."""
    model = checker.semantic
    serializer = None
    queryset: ast.expr | None = None
    for statement in node.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name) and target.id == "serializer_class":
                serializer = model.resolve(statement.value)
            elif isinstance(target, ast.Name) and target.id == "queryset":
                queryset = statement.value
        elif isinstance(statement, ast.FunctionDef) and statement.name == "get_queryset":
            queryset = _returned_query(statement)
    if serializer is None:
        return
    chain = query_chain(model, queryset) if queryset is not None else None
    _use(checker, serializer, chain, qualified)


def _returned_query(function: ast.FunctionDef) -> ast.expr | None:
    """The one ``return`` of ``get_queryset`` when it returns a query expression."""
    returns = [s for s in ast.walk(function) if isinstance(s, ast.Return)]
    if len(returns) == 1 and returns[0].value is not None:
        return returns[0].value
    return None


def record_serializer_call(checker: Checker, node: ast.AST) -> None:
    """``OrderSerializer(orders, many=True)``: a use over the rows of ``orders``."""
    facts = checker.index_facts
    if facts is None or CODE not in facts.codes or not isinstance(node, ast.Call):
        return
    if not node.args or not any(
        k.arg == "many" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in node.keywords
    ):
        return
    model = checker.semantic
    serializer = model.resolve(node.func)
    if serializer is None or serializer.startswith(_DRF):
        return
    chain = iterated_query_chain(model, node.args[0])
    _use(checker, serializer, chain, model.function_name or model.module)


def _use(checker: Checker, serializer: str, chain: QueryChain | None, where: str) -> None:
    facts = checker.index_facts
    if facts is None:
        return
    if chain is None or chain.framework != "django":
        row: list[Any] = [UNKNOWN_QUERY, "", 0, where]
    else:
        row = [chain.model, ",".join(sorted(chain.loaded)), int(chain.loads_all), where]
    facts.serializer_users.setdefault(serializer, {})[where] = row
