"""TL101's pending findings for a relation touched on the item of a loop over a query
(``for order in orders: order.customer``), whose model only the project index knows.

Recorded by the collector of the index's facts (``index/facts.py``) for every file while
TL101 is selected, not by the rule's walk, which a file's words gate: a loop over the rows
a helper of another module returns (``for o in recent_orders(): o.customer``) is an N+1
in a file that names no database at all.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import TYPE_CHECKING

from throughlint.fixes import offers
from throughlint.fixes.loop_body_effects import loop_body_effects
from throughlint.index.pending import add_pending
from throughlint.semantic.eager_loads import lookup_paths
from throughlint.semantic.expressions import unparse_short, walk_same_function
from throughlint.semantic.loops import Loop
from throughlint.semantic.pass_exits import exit_word
from throughlint.semantic.queries import QueryChain, helper_query, iterated_query_chain
from throughlint.semantic.scope import Binding, BindingKind

if TYPE_CHECKING:
    from throughlint.checker import Checker

CODE = "TL101"


def item_loop(model, variable: str) -> Loop | None:
    """The innermost loop (not a small literal one) whose target binds ``variable``."""
    return next(
        (lp for lp in reversed(model.loops) if variable in lp.target_names and not lp.small),
        None,
    )


def _first_read(
    checker: Checker, variable: str, path: str, method: str | None
) -> tuple[Loop, Binding] | None:
    """The per-item loop binding ``variable`` and its binding, the first time ``path``
    (``customer``, ``customer.region``) is read on it there with ``method``; None after
    that, or for a name that is no loop's item."""
    model = checker.semantic
    loop = item_loop(model, variable)
    facts = checker.index_facts
    if loop is None or facts is None:
        return None
    key = (id(loop.node), variable, path, method)
    if key in facts.seen:
        return None
    facts.seen.add(key)
    binding = model.lookup(variable)
    if binding is None or binding.kind is not BindingKind.LOOP_VARIABLE:
        return None
    return loop, binding


def relation_access(checker: Checker, node: ast.AST) -> None:
    """The collector's handler: ``item.attr`` read, or ``item.attr.method()`` called, in
    a loop of a file linted for TL101."""
    facts = checker.index_facts
    if facts is None or CODE not in facts.codes or not checker.semantic.frame.loops:
        return
    if isinstance(node, ast.Attribute):
        if isinstance(node.ctx, ast.Load):
            record_relation_access(checker, node, None)
            record_hop_access(checker, node, None)
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Attribute)
    ):
        record_relation_access(checker, node.func.value, node.func.attr)
        record_hop_access(checker, node.func.value, node.func.attr)
    elif isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        if checker.semantic.resolve(node.func) == "builtins.str":
            _record_rendered(checker, node, node.args[0])
        else:
            record_row_call(checker, node)
    elif isinstance(node, ast.Call):
        record_row_call(checker, node)
    elif isinstance(node, ast.FormattedValue) and node.format_spec is None:
        _record_rendered(checker, node, node.value)


def record_row_call(checker: Checker, node: ast.Call) -> None:
    """``item_count(o)`` for each row ``o`` of a query: a project function that reads a
    relation on the row it is given runs that query per row (the index knows what the
    function reads on the parameter, ``ProjectIndex.parameter_relations``)."""
    model = checker.semantic
    for position, argument in enumerate(node.args[:4]):
        if not isinstance(argument, ast.Name):
            continue
        loop = item_loop(model, argument.id)
        binding = model.lookup(argument.id)
        if loop is None or binding is None or binding.kind is not BindingKind.LOOP_VARIABLE:
            continue
        callee = model.resolve(node.func)
        if callee is None or callee.startswith("builtins.") or callee.endswith("[]"):
            return
        chain = iterated_query_chain(model, binding.value, custom_managers=True)
        if chain is None or chain.rows_are_dicts or chain.loads_all:
            continue
        add_pending(
            checker,
            node,
            "row-call",
            callee=callee,
            position=position,
            text=unparse_short(node.func, 40),
            framework=chain.framework,
            model=chain.model,
            var=argument.id,
            chain=chain.text,
            loaded=sorted(chain.loaded),
            loads_all=False,
            method=None,
            group=f"{getattr(loop.node, 'lineno', 0)}:{unparse_short(node.func, 40)}",
        )
        return


def _record_rendered(checker: Checker, node: ast.AST, value: ast.expr) -> None:
    """``str(shipment)`` / ``f"{shipment}"``: the model's ``__str__`` runs, a member read
    like ``shipment.label`` (the index says whether it reads a lazy relation)."""
    if isinstance(value, ast.Name):
        member = ast.copy_location(ast.Attribute(value=value, attr="__str__", ctx=ast.Load()), node)
        record_relation_access(checker, member, None)


def record_relation_access(checker: Checker, node: ast.expr, method: str | None) -> None:
    """``item.attr`` (or ``item.attr.method()``) on the item of a loop over a query: a
    pending finding, since whether ``attr`` is a lazy relation is the index's to say."""
    if not isinstance(node, ast.Attribute) or not isinstance(node.value, ast.Name):
        return
    model = checker.semantic
    variable = node.value.id
    found = _first_read(checker, variable, node.attr, method)
    if found is None:
        return
    loop, binding = found
    # a custom manager (``Order.active.all()``) counts: the index says whether the class
    # is a Django model with that relation
    chain = iterated_query_chain(model, binding.value, custom_managers=True)
    source = None
    if chain is None:
        source = helper_query(model, binding.value)
        if source is None:
            return
        # the helper's queryset, typed by the index (``check_relation``)
        chain = QueryChain("django", "", unparse_short(binding.value, 50))
    if chain.rows_are_dicts:
        return
    extra = prefetched_objects(model, binding.value)
    if extra:  # ``prefetch_related_objects(orders, "items")`` before the loop
        chain = replace(chain, loaded=chain.loaded | extra)
    add_pending(
        checker,
        node,
        "relation",
        framework=chain.framework,
        model=chain.model,
        **({"source": source} if source else {}),
        **({} if source else {"manager": chain.manager}),
        attr=node.attr,
        method=method,
        var=variable,
        chain=chain.text,
        loaded=sorted(chain.loaded),
        loads_all=chain.loads_all,
        group=f"{getattr(loop.node, 'lineno', 0)}:{variable}.{node.attr}",
        eager=offers.eager_load_shape(loop, binding.value, chain.framework),
        owner=offers.select_owner(binding.value),
        loader=offers.loader_spelling(model.tree, chain.framework),
        deferred=offers.defers_fields(binding.value),
        order=offers.query_order(binding.value),
        members=_member_reads(model, loop),
        body=_body_effects(model, loop) or _read_under_condition(model, loop, node),
    )


def _read_under_condition(model, loop: Loop, node: ast.AST) -> str:
    """``calls:...`` when the relation is read under an ``if``, ``try``, ``while``, inner
    ``for`` or ``match`` of the loop's body, or in its statement only on some evaluations
    (a branch of ``x if c else y``, a later operand of ``and`` / ``or``, a comprehension or
    a lambda): loaded with the query, it is read for every row, and a row the loop skips
    may fail to load (a value its mapping does not know)."""
    stack = model.node_stack
    inside = False
    for position, statement in enumerate(stack[:-1]):  # the innermost's own header is
        if statement is loop.node:  # read every time
            inside = True
        elif inside and isinstance(statement, _CONDITIONS):
            return _CONDITIONAL_READ
        if inside and _ended_before(model, statement, stack[position + 1]):
            return _CONDITIONAL_READ
    inside = inside or (bool(stack) and stack[-1] is loop.node)
    if inside and stack and id(node) in _conditional_nodes(model, stack[-1]):
        return _CONDITIONAL_READ
    return ""


def _ended_before(model, parent: ast.AST, child: ast.AST) -> bool:
    """A statement before ``child`` in ``parent``'s block may end the pass early: an
    ``if ...: continue`` guard, a ``break``, ``return``, ``raise``, ``assert`` or an
    ``exit()``. Each of ``parent``'s blocks is read once (remembered)."""
    memo = model.memo("relation_access.ended_before")
    if id(parent) not in memo:
        memo[id(parent)] = (parent, _after_an_exit(parent))
    return id(child) in memo[id(parent)][1]


def _after_an_exit(parent: ast.AST) -> frozenset[int]:
    """The statements of ``parent``'s blocks that come after one that may end the pass."""
    found: set[int] = set()
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if not isinstance(block, list):
            continue
        ended = False
        for statement in block:
            if ended:
                found.add(id(statement))
            elif exit_word(statement, skips=True):
                ended = True
    return frozenset(found)


_CONDITIONAL_READ = (
    "calls:the relation is read only under a condition: loaded with the query, "
    "it would be read for every row, and one the loop skips may fail to load"
)


def _conditional_nodes(model, statement: ast.AST) -> frozenset[int]:
    """The nodes of ``statement`` evaluated only on some runs of it; one walk per
    statement, remembered (every relation read in it asks)."""
    memo = model.memo("relation_access.conditional")
    if statement in memo:
        return memo[statement]
    found: set[int] = set()
    todo: list[tuple[ast.AST, bool]] = [(statement, False)]
    while todo:
        current, conditional = todo.pop()
        if conditional:
            found.add(id(current))
        if current is not statement and isinstance(current, ast.stmt):
            continue  # a nested statement is on the node stack when it is visited
        if isinstance(current, ast.IfExp):
            todo.append((current.test, conditional))
            todo += [(current.body, True), (current.orelse, True)]
        elif isinstance(current, ast.BoolOp):
            todo.append((current.values[0], conditional))
            todo += [(value, True) for value in current.values[1:]]
        elif isinstance(current, _COMPREHENSIONS):
            first, *others = current.generators
            todo.append((first.iter, conditional))  # evaluated once, whatever it holds
            todo += [(first.target, True), *((test, True) for test in first.ifs)]
            todo += [(generator, True) for generator in others]
            todo += [
                (getattr(current, part), True)
                for part in ("elt", "key", "value")
                if hasattr(current, part)
            ]
        elif isinstance(current, ast.Lambda):
            todo += [(child, True) for child in ast.iter_child_nodes(current)]
        else:
            todo += [(child, conditional) for child in ast.iter_child_nodes(current)]
    memo[statement] = frozen = frozenset(found)
    return frozen


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_CONDITIONS = (ast.If, ast.Try, ast.While, ast.For, ast.AsyncFor, ast.Match)


_PREFETCH_OBJECTS = frozenset(
    {"django.db.models.prefetch_related_objects", "django.db.models.query.prefetch_related_objects"}
)


def prefetched_objects(model, iterable: ast.expr | None) -> frozenset[str]:
    """The lookups ``prefetch_related_objects(rows, "items", ...)`` loads on the list a loop
    walks (``rows``, a name), called anywhere in the function: the rows' related managers
    answer from that cache. Remembered per function."""
    if not isinstance(iterable, ast.Name) or model.function is None:
        return frozenset()
    memo = model.memo("TL101.prefetched_objects")
    function = model.function
    if function not in memo:
        found: dict[str, set[str]] = {}
        for node in walk_same_function(function):
            if (
                isinstance(node, ast.Call)
                and node.args
                and isinstance(node.args[0], ast.Name)
                and model.resolve(node.func) in _PREFETCH_OBJECTS
            ):
                found.setdefault(node.args[0].id, set()).update(lookup_paths(model, node.args[1:]))
        memo[function] = {name: frozenset(lookups) for name, lookups in found.items()}
    return memo[function].get(iterable.id, frozenset())


def record_hop_access(checker: Checker, node: ast.expr, method: str | None) -> None:
    """``order.customer.region`` on the item of a loop over a query that loads
    ``customer`` but not ``customer__region``: the second hop runs a query per item. A
    pending finding with ``via`` (the first hop), when the first hop is loaded (else its
    own finding says it, and loading it is the first fix)."""
    if not (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and isinstance(node.value.value, ast.Name)
    ):
        return
    model = checker.semantic
    variable, via = node.value.value.id, node.value.attr
    found = _first_read(checker, variable, f"{via}.{node.attr}", method)
    if found is None:
        return
    loop, binding = found
    chain = iterated_query_chain(model, binding.value, custom_managers=True)
    if chain is None or chain.rows_are_dicts or chain.loads_all:
        return
    if chain.framework == "django":
        if not any(path == via or path.startswith(f"{via}__") for path in chain.loaded):
            return
        below = sorted(path[len(via) + 2 :] for path in chain.loaded if path.startswith(f"{via}__"))
    elif via in chain.loaded:
        below = sorted(chain.loaded)  # SQLAlchemy's loader options are kept by name only
    else:
        return
    add_pending(
        checker,
        node,
        "relation",
        framework=chain.framework,
        model=chain.model,
        via=via,
        attr=node.attr,
        method=method,
        var=variable,
        chain=chain.text,
        loaded=below,
        loads_all=False,
        group=f"{getattr(loop.node, 'lineno', 0)}:{variable}.{via}.{node.attr}",
    )


def _member_reads(model, loop: Loop) -> list[str]:
    """``offers.member_reads``, once per loop."""
    memo = model.memo("TL101.member_reads")
    if loop.node not in memo:
        memo[loop.node] = offers.member_reads(loop)
    return memo[loop.node]


def _body_effects(model, loop: Loop) -> str:
    """``loop_body_effects``, once per loop: asked for every relation it touches."""
    memo = model.memo("TL101.body_effects")
    if loop.node not in memo:
        memo[loop.node] = loop_body_effects(loop, model)
    return memo[loop.node]
