"""When a loop fix is offered: the exact conditions, checked on the stdlib ``ast`` while
linting (no libcst here). Each function returns the :class:`Fix` to attach, or None
when the code does not have the fix's shape. Whether a fix of the right shape is safe,
unsafe or declined (with the reason) is decided by the facts in ``facts.py``.

Shared conditions of the batching fixes (``for x in xs: <one call>`` becomes one call on
a comprehension over ``xs``):

- a plain ``for`` loop (not ``async for``) in a function, with no ``else:`` (a module's
  loop variable is a global that other modules may import);
- its target is names only (``row``, ``(key, value)``);
- the body is the one call as a statement, one statement per line (``executemany``
  also allows assignments before it that only compute the parameters; they are inlined);
- no name the loop binds is read (or deleted, or declared global / nonlocal) anywhere
  else in the function, which does not call ``locals()`` / ``vars()`` / ``eval`` /
  ``exec``, so nothing can observe that the comprehension no longer leaves them set;
- the object called (``cursor``, ``cache``, ``Model.objects``) and the parts passed
  once (the SQL text, the timeout) do not depend on the loop.

Then the facts: evaluating all items before the one call must give the same values and
the same failures as evaluating each before its own call (``facts.input_fact``,
``facts.parameters_fact``), and nothing may read what the per-item call left behind
(``facts.after_loop_fact``).
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from throughlint.apis import UNCONSTRAINED
from throughlint.diagnostics import Applicability, Fix
from throughlint.fixes import (
    BULK_CREATE,
    COMMIT_AFTER_LOOP,
    COMMIT_AFTER_LOOP_DROP,
    EAGER_LOAD,
    EXECUTE_VALUES,
    EXECUTEMANY,
    EXECUTEMANY_GUARDED,
    SET_MANY,
    facts,
    verdicts,
)
from throughlint.fixes.layout import starts_its_line
from throughlint.fixes.loop_body_effects import OWNERS
from throughlint.fixes.name_index import root_name
from throughlint.fixes.spelling import (
    execute_values_spelling,
    import_spelling,
    placement_problem,
)
from throughlint.semantic.expressions import (
    call_argument,
    names_read,
    source_text,
    target_names,
    tree_key,
    walk_same_function,
)
from throughlint.semantic.loops import Loop, LoopKind
from throughlint.semantic.members import first_definition
from throughlint.semantic.scope import BindingKind, ScopeKind

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

_INTROSPECTION: frozenset[str] = frozenset({"locals", "vars", "eval", "exec", "dir"})
# Drivers whose ``executemany`` is not faster than the loop (psycopg2 documents it):
# the rewrite would be churn, not a win.
_NO_FASTER_EXECUTEMANY: frozenset[str] = frozenset({"psycopg2"})


# ``VALUES (%s, %s, ...)``: the one row template ``execute_values`` can take over.
VALUES_GROUP = re.compile(r"VALUES\s*\(\s*%s(?:\s*,\s*%s)*\s*\)", re.IGNORECASE)


def _offer(verdict: verdicts.Verdict, description: str, kind: str, at_best: Applicability) -> Fix:
    """The fix as the facts allow it: ``at_best`` when they are all established, unsafe
    when one is not, declined (with the reason, never applied) when one rules it out."""
    if verdict.level is verdicts.Level.DECLINE:
        return Fix(Applicability.UNSAFE, description, kind="", declined=verdict.reason)
    if verdict.level is verdicts.Level.UNSAFE:
        return Fix(Applicability.UNSAFE, f"{description} (unsafe: {verdict.reason})", kind=kind)
    return Fix(at_best, description, kind=kind)


def executemany(
    model: SemanticModel,
    call: ast.Call,
    loop: Loop,
    driver: str,
    sql: str | None,
    written: str | None,
    line: Callable[[int], str],
) -> Fix | None:
    """``for row in rows: cur.execute(SQL, params)`` -> ``cur.executemany(SQL, [params for
    row in rows])``, also inlining assignments that only build ``params``. Safe only when
    the facts hold (``facts.py``): the input is a list built before the loop, the
    parameters are names and literals, the cursor's results are not read after the loop,
    and the SQL is one INSERT / UPDATE / DELETE / REPLACE. A named list is guarded
    (``if rows:``): over no items the loop sends nothing (``facts.empty_input``). For
    psycopg2 (whose ``executemany`` is no faster than the loop), an INSERT with one
    ``VALUES (%s, ...)`` literal becomes ``psycopg2.extras.execute_values`` (unsafe: the
    SQL text changes to ``VALUES %s`` and rows go in pages of 100). ``written``: the SQL
    argument as the file spells it (one string token, or literals joined); ``line``: a
    line of the file by number, to see that the loop's header ends its line."""
    if driver in _NO_FASTER_EXECUTEMANY:
        text = call.args[0] if call.args else None
        if not (
            isinstance(text, ast.Constant)
            and isinstance(text.value, str)
            and facts.leading_keyword(text.value) == "INSERT"
            and len(VALUES_GROUP.findall(text.value)) == 1
            and "%" not in VALUES_GROUP.sub("", text.value)
        ):
            return None
        found = _batchable(model, call, loop, line)
        if found is None:
            return None
        verdict = _executemany_facts(model, call, *found, sql=text.value, driver=driver)
        if written is None or not _one_literal(written):
            verdict = verdicts.decline("the SQL is split over several string literals")
        elif _UPSERT.search(text.value):
            verdict = verdicts.decline(
                "an upsert (`ON CONFLICT ... DO UPDATE`): one multi-row INSERT cannot update "
                "a row twice, so a key that repeats in a page fails the whole page"
            )
        elif execute_values_spelling(model.tree) is None:
            verdict = verdicts.decline(
                placement_problem(model.tree, "psycopg2.extras")
                or "`execute_values` is already a name in this module: importing "
                "psycopg2's would shadow it"
            )
        return _offer(
            verdict,
            "insert all rows with `psycopg2.extras.execute_values()` (`VALUES %s`)",
            EXECUTE_VALUES,
            Applicability.UNSAFE,
        )
    found = _batchable(model, call, loop, line)
    if found is None:
        return None
    receivers = {name for name in (root_name(call.func.value),) if name}  # type: ignore[attr-defined]
    guard, empty = facts.empty_input(model.function, found[0], receivers, model.tree)
    description = f"send all rows with one `{source_text(call.func.value)}.executemany()`"  # type: ignore[attr-defined]
    if guard:
        description += f" when `{source_text(found[0].iter)}` has any"
    verdict = _executemany_facts(model, call, *found, sql=sql, driver=driver) | empty
    if driver == "psycopg" and not _a_cursor(model, call.func.value):  # type: ignore[attr-defined]
        verdict = verdicts.decline(
            "a psycopg 3 connection has `execute()` but no `executemany()`: batching needs "
            "one of its cursors"
        )
    return _offer(
        verdict,
        description,
        EXECUTEMANY_GUARDED if guard else EXECUTEMANY,
        Applicability.SAFE,
    )


def _a_cursor(model: SemanticModel, receiver: ast.expr) -> bool:
    """The receiver resolves to a cursor (``conn.cursor()``, an annotated ``Cursor``), not
    to the connection."""
    resolved = model.resolve(receiver) or ""
    return ".cursor()" in resolved or "Cursor" in resolved.rpartition(".")[2]


_UPSERT = re.compile(r"\bON\s+CONFLICT\b.*\bDO\s+UPDATE\b", re.IGNORECASE | re.DOTALL)


def _one_literal(text: str) -> bool:
    """``text`` is one string token, not literals joined by juxtaposition (``"a" "b"``):
    the rewrite edits the token's text."""
    try:
        tokens = [
            token
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type not in _LAYOUT_TOKENS
        ]
    except (tokenize.TokenError, SyntaxError):
        return False
    return len(tokens) == 1 and tokens[0].type == tokenize.STRING


_LAYOUT_TOKENS = frozenset(
    {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.ENDMARKER, tokenize.INDENT}
    | {tokenize.DEDENT}
)


def _executemany_facts(
    model: SemanticModel,
    call: ast.Call,
    loop_node: ast.For,
    built: list[ast.expr],
    *,
    sql,
    driver: str,
) -> verdicts.Verdict:
    receiver = call.func.value  # type: ignore[attr-defined]
    receivers = {name for name in (root_name(receiver),) if name}
    return verdicts.worst(
        [
            facts.sql_fact(sql),
            facts.sql_binding_fact(call.args[0], model.function),
            facts.own_execute_fact(model.tree, model.function, receiver),
            facts.input_fact(model.function, loop_node, receivers, model.tree),
            facts.target_fact(model.function, loop_node),
            facts.parameters_fact([*built, call.args[1]], receivers),
            facts.parameters_fact([call.args[0]], set()),
            facts.after_loop_fact(model.function, loop_node, receiver, model.tree, driver),
            facts.failure_fact(
                model.function, loop_node, receiver, driver, sql, _in_transaction(model, receiver)
            ),
            facts.row_shape_fact(call.args[1], model.function, loop_node, driver, sql),
            facts.no_parameters_fact(call.args[1], model.function, loop_node, driver),
            facts.bound_names_fact([*built, call.args[1]], model.function, loop_node, model.tree),
            facts.bound_names_fact(
                [call.args[0]], model.function, loop_node, model.tree, once=True
            ),
            facts.callbacks_fact(model.tree),
        ]
    )


def _in_transaction(model: SemanticModel, receiver: ast.expr) -> bool:
    """The call is inside a transaction block of the connection it runs on: ``with
    conn.transaction():`` (psycopg 3) on the receiver's connection, or ``with
    transaction.atomic():`` (Django's) for the database of the receiver's ``connection`` /
    ``connections["alias"]``. Another connection's block leaves this one in autocommit;
    when the connection cannot be told, no block counts."""
    connections = facts.connections_of(model.function, receiver)
    shown = {source_text(connection) for connection in connections}
    aliases = {_django_alias(model, connection) for connection in connections} - {None}
    for item in model.frame.withs:
        block = item.context_expr
        if not isinstance(block, ast.Call):
            continue
        func = block.func
        if isinstance(func, ast.Attribute) and func.attr == "transaction":
            if source_text(func.value) in shown:
                return True
        elif (
            _called_name(func) == "atomic"
            and model.resolve(func) == "django.db.transaction.atomic"
            and _atomic_alias(block) in aliases
        ):
            return True
    return False


def _django_alias(model: SemanticModel, connection: ast.expr) -> str | None:
    """The database alias of Django's ``connection`` ("default") or ``connections["x"]``
    ("x"); None for anything else."""
    if isinstance(connection, ast.Name) and model.resolve(connection) == "django.db.connection":
        return "default"
    if (
        isinstance(connection, ast.Subscript)
        and isinstance(connection.value, ast.Name)
        and model.resolve(connection.value) == "django.db.connections"
        and isinstance(connection.slice, ast.Constant)
        and isinstance(connection.slice.value, str)
    ):
        return connection.slice.value
    return None


def _atomic_alias(call: ast.Call) -> str | None:
    """The alias ``atomic(using=...)`` opens its transaction on ("default" without one);
    None when it is not a literal."""
    using = call_argument(call, 0, "using")
    if using is None or (isinstance(using, ast.Constant) and using.value is None):
        return "default"
    if isinstance(using, ast.Constant) and isinstance(using.value, str):
        return using.value
    return None


def _batchable(
    model: SemanticModel, call: ast.Call, loop: Loop, line: Callable[[int], str]
) -> tuple[ast.For, list[ast.expr]] | None:
    """The loop and the values of the assignments to inline, when ``call`` is
    ``<cursor>.execute(SQL, params)`` and the loop has the shape of one call on a
    comprehension (see the module docstring); whether that is safe is for the facts."""
    if not (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "execute"
        and len(call.args) == 2
        and not call.keywords
        and not any(isinstance(arg, ast.Starred) for arg in call.args)
    ):
        return None
    loop_node = _plain_loop(model, loop, line)
    if loop_node is None:
        return None
    *assignments, last = loop_node.body
    if not _is_statement_of(last, call):
        return None
    local = set(loop.target_names)
    inlined: dict[str, ast.expr] = {}
    later = Counter(  # names the body assigns from the current statement on
        target.id
        for other in assignments
        for target in getattr(other, "targets", ())
        if isinstance(target, ast.Name)
    )
    for statement in assignments:
        if not (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and statement.targets[0].id not in local
        ):
            return None
        if any(later[name] for name in names_read(statement.value)):
            return None  # reads a name before (or while) the loop body assigns it
        later[statement.targets[0].id] -= 1
        inlined[statement.targets[0].id] = statement.value
        local.add(statement.targets[0].id)
    sql, params = call.args
    once = [call.func.value, sql]
    if any(names_read(part) & local for part in once):
        return None
    if inlined and not _each_read_once(inlined, [*assignments[1:], params]):
        return None
    if inlined and _read_in_a_format_string(inlined, [*assignments[1:], params]):
        return None
    if _read_elsewhere(model, loop_node, local):
        return None
    return loop_node, list(inlined.values())


def _read_in_a_format_string(inlined: dict[str, ast.expr], parts: list[ast.AST]) -> bool:
    """An inlined name is read in an f-string (``f"{meta}"``, ``f"{label=}"``): its value's
    text there would be the source that the replacement field shows or formats."""
    return any(
        names_read(node) & inlined.keys()
        for part in parts
        for node in ast.walk(part)
        if isinstance(node, ast.JoinedStr)
    )


def set_many(
    model: SemanticModel, call: ast.Call, loop: Loop, line: Callable[[int], str]
) -> Fix | None:
    """``for k, v in items: cache.set(k, v[, timeout])`` -> ``cache.set_many({k: v for k, v
    in items}[, timeout])``. Safe when the facts hold: the input is a list built before the
    loop, the keys and values are names and literals that do not read the cache, the
    target unpacks every item, the keys are strings (``facts.keys_fact``) that cannot
    repeat (``facts.distinct_keys_fact``: a size-limited cache culls by the stores it
    saw) and the values literals (``facts.values_fact``: one that cannot be pickled would
    store none)."""
    if not (
        isinstance(call.func, ast.Attribute)
        and call.func.attr == "set"
        and 2 <= len(call.args) <= 3
        and all(keyword.arg == "timeout" for keyword in call.keywords)
        and len(call.args) + len(call.keywords) <= 3
        and not any(isinstance(arg, ast.Starred) for arg in call.args)
    ):
        return None
    loop_node = _plain_loop(model, loop, line)
    if loop_node is None or len(loop_node.body) != 1:
        return None
    if not _is_statement_of(loop_node.body[0], call):
        return None
    local = set(loop.target_names)
    once = [call.func.value, *call.args[2:], *(keyword.value for keyword in call.keywords)]
    if any(names_read(part) & local for part in once) or _read_elsewhere(model, loop_node, local):
        return None
    receivers = {name for name in (root_name(call.func.value),) if name}
    verdict = verdicts.worst(
        [
            facts.input_fact(model.function, loop_node, receivers, model.tree),
            facts.target_fact(model.function, loop_node),
            facts.keys_fact(call.args[0], model.function, loop_node),
            facts.values_fact(call.args[1], model.function, loop_node),
            facts.parameters_fact(call.args[:2], receivers),
            facts.parameters_fact(once[1:], receivers),
            facts.distinct_keys_fact(call.args[0], model.function, loop_node),
        ]
    )
    return _offer(verdict, "store all keys with one `set_many()`", SET_MANY, Applicability.SAFE)


def bulk_create(
    model: SemanticModel, call: ast.Call, loop: Loop, line: Callable[[int], str]
) -> Fix | None:
    """``for row in rows: Model.objects.create(**fields)`` -> ``Model.objects.bulk_create(
    [Model(**fields) for row in rows])``: unsafe, ``save()`` and signals do not run and
    primary keys are set only on some databases. Whether the model supports it is a fact
    of the whole project: :func:`bulk_create_for_model`, once the index is merged."""
    func = call.func
    if not (
        isinstance(func, ast.Attribute)
        and func.attr == "create"
        and isinstance(func.value, ast.Attribute)
        and not call.args
        and call.keywords
        and all(keyword.arg is not None for keyword in call.keywords)
    ):
        return None
    model_class = func.value.value
    if not _is_dotted(model_class) or not _names_a_class(model, model_class):
        return None  # ``author.books.create(...)``: a related manager, not ``Model.objects``
    loop_node = _plain_loop(model, loop, line)
    if loop_node is None or len(loop_node.body) != 1:
        return None
    if not _is_statement_of(loop_node.body[0], call):
        return None
    local = set(loop.target_names)
    if names_read(func.value) & local or _read_elsewhere(model, loop_node, local):
        return None
    description = "create all rows with one `bulk_create()` (no `save()`, no signals)"
    # the input is read whole before the first row is stored: at most unsafe (a queryset
    # of the same model is fetched whole by the loop too)
    read_first = facts.input_fact(
        model.function, loop_node, {root_name(model_class) or ""}, model.tree
    )
    verdict = facts.parameters_fact([keyword.value for keyword in call.keywords], set())
    if read_first.level is not verdicts.Level.SAFE:
        verdict = verdict | verdicts.unsafe(read_first.reason)
    return _offer(verdict, description, BULK_CREATE, Applicability.UNSAFE)


def _names_a_class(model: SemanticModel, node: ast.expr) -> bool:
    """``Book`` or ``shop.models.Book``: a name bound by a class statement or an import,
    not a local value (an instance, whose ``books.create`` is a related manager's)."""
    root = root_name(node)
    binding = model.lookup(root) if root is not None else None
    return binding is not None and binding.kind in (BindingKind.CLASS, BindingKind.IMPORT)


def executemany_waits_for_project(model: SemanticModel, call: ast.Call, fix: Fix | None) -> bool:
    """A safe executemany fix whose connection the function does not open itself (a
    parameter, a global, a connection a helper returns): project code in another module
    may see each ``execute`` (``index/statement_hooks.py``), so the project index decides
    (``executemany_for_project``)."""
    return (
        fix is not None
        and fix.safe
        and fix.kind in (EXECUTEMANY, EXECUTEMANY_GUARDED)
        and not facts.opened_here(model.function, call.func.value)  # type: ignore[attr-defined]
    )


def executemany_for_project(fix: Fix, interceptor: str) -> Fix:
    """The executemany fix once the project index has looked for code that sees each
    ``execute`` (``interceptor``: why the fix is unsafe beside it; "" when none)."""
    if not interceptor:
        return fix
    return _offer(verdicts.unsafe(interceptor), fix.description, fix.kind, fix.applicability)


def bulk_create_for_model(fix: Fix, shown: str, parent: str | None) -> Fix:
    """The ``bulk_create`` fix once the project index has told ``parent``, the concrete
    model that the created model extends (``ProjectIndex.concrete_parent``): declined for
    a multi-table-inheritance child, as Django raises ``ValueError`` there; unchanged
    (unsafe) when there is none or it cannot be told."""
    if not fix.offered or not parent:
        return fix
    short = parent.rsplit(".", 1)[-1]
    reason = (
        f"`{shown}` inherits the concrete model `{short}` (multi-table inheritance): "
        "Django refuses `bulk_create` there"
    )
    return _offer(verdicts.decline(reason), fix.description, fix.kind, fix.applicability)


def commit_after_loop(
    model: SemanticModel, call: ast.Call, loop: Loop, line: Callable[[int], str]
) -> Fix | None:
    """A ``conn.commit()`` that is the last statement of the loop body moves after the
    loop: unsafe, a failure half-way now loses every row instead of the rest. Declined
    when the receiver is re-bound in the loop (each pass commits a different connection)
    or the body handles the transaction itself (``try``, ``rollback()``, ``BEGIN``)."""
    if not (
        isinstance(call.func, ast.Attribute)
        and not call.args
        and not call.keywords
        and _is_dotted(call.func.value)
    ):
        return None
    loop_node = _plain_loop(model, loop, line, allow_module=True)
    if loop_node is None or len(loop_node.body) < 2:
        return None
    if not _is_statement_of(loop_node.body[-1], call):
        return None
    for statement in loop_node.body:
        for node in walk_same_function(statement):
            if isinstance(node, (ast.Break, ast.Continue, ast.Return, ast.Yield, ast.YieldFrom)):
                return None
    description = f"commit once after the loop (`{source_text(call.func)}()`)"
    kind = COMMIT_AFTER_LOOP
    if _same_statement(statement_after(model, loop_node), loop_node.body[-1]):
        # the loop is followed by this very commit: dropping the one in the loop is the
        # same move, without a second, empty commit after the loop
        description = f"commit once, after the loop, where `{source_text(call.func)}()` is"
        kind = COMMIT_AFTER_LOOP_DROP
    receiver = root_name(call.func.value)
    verdict = verdicts.SAFE
    if facts.rebound_in_loop(loop_node, receiver):
        verdict = verdicts.decline(
            f"`{receiver}` is bound in the loop: each pass commits its own connection"
        )
    elif reason := facts.transaction_control(loop_node.body[:-1]) or (
        _helper_controls_transaction(
            model, loop_node.body[:-1], receiver, source_text(call.func.value)
        )
    ):
        verdict = verdicts.decline(reason)
    return _offer(verdict, description, kind, Applicability.UNSAFE)


def statement_after(model: SemanticModel, node: ast.stmt) -> ast.stmt | None:
    """The statement that follows ``node`` (one of the statements being walked) in its
    block; None when it is the block's last."""
    stack = model.node_stack
    parents = [model.tree, *stack]
    for position in range(len(stack) - 1, -1, -1):
        if stack[position] is node:
            for block in _blocks(parents[position]):
                for index, statement in enumerate(block):
                    if statement is node:
                        return block[index + 1] if index + 1 < len(block) else None
            return None
    return None


def _blocks(parent: ast.AST) -> list[list[ast.stmt]]:
    """The statement lists directly under ``parent`` (bodies, ``else``, ``finally``,
    ``except`` and ``case`` bodies)."""
    blocks = [getattr(parent, name, None) for name in ("body", "orelse", "finalbody")]
    blocks += [handler.body for handler in getattr(parent, "handlers", ())]
    blocks += [case.body for case in getattr(parent, "cases", ())]
    return [block for block in blocks if isinstance(block, list)]


def _helper_controls_transaction(
    model: SemanticModel, statements: list[ast.stmt], connection: str | None, held: str = ""
) -> str:
    """A reason when the statements hand ``connection`` to a function of this module that
    handles errors or drives the transaction itself (``save(conn, row)`` rolls back a
    duplicate: after the move, that rollback would drop every earlier row), or call a
    method of the class when the connection hangs off ``self`` (``self.save_row(name)``
    with ``self.conn``), one that does so or binds the connection again (``held``: the
    connection as written, ``self.conn``; each pass would commit another)."""
    if connection is None:
        return ""
    for statement in statements:
        for node in walk_same_function(statement):
            if not isinstance(node, ast.Call):
                continue
            helper, shown = _helper_of(model, node, connection)
            if helper is None:
                continue
            reason = facts.transaction_control(helper.body)
            if not reason and held and _binds_attribute(helper, held):
                reason = f"binds `{held}` again: each pass would commit another connection"
            if reason:
                head = (
                    f"calls `{shown}()`" if "." in shown else f"hands `{connection}` to `{shown}()`"
                )
                return f"the loop body {head}, which " + reason.removeprefix("the loop body ")
    return ""


def _helper_of(
    model: SemanticModel, call: ast.Call, connection: str
) -> tuple[ast.FunctionDef | ast.AsyncFunctionDef | None, str]:
    """The function of the module (handed ``connection``) or the method of the enclosing
    class (called on ``self`` or ``cls``, which holds the connection or is handed it)
    that ``call`` runs, with its name as written; (None, "") for anything else."""
    func = call.func
    handed = [*call.args, *(keyword.value for keyword in call.keywords)]
    given = any(root_name(value) == connection for value in handed)
    if isinstance(func, ast.Name):
        helper = getattr(model.lookup(func.id), "node", None) if given else None
        if isinstance(helper, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return helper, func.id
        return None, ""
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in OWNERS
        and (given or func.value.id == connection)
        and model.classes
    ):
        method = first_definition(model.classes[-1], func.attr)
        if method is not None:
            return method, source_text(func)
    return None, ""


def _binds_attribute(function: ast.AST, held: str) -> bool:
    """``function`` assigns ``held`` (``self.conn = ...``), or deletes it."""
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.ctx, (ast.Store, ast.Del))
            and source_text(node) == held
        ):
            return True
    return False


def _same_statement(first: ast.stmt | None, second: ast.stmt) -> bool:
    return first is not None and tree_key(first) == tree_key(second)


# Queryset methods that keep the rows a queryset of model instances, so
# ``select_related`` / ``prefetch_related`` can follow them.
_QUERYSET_CHAIN: frozenset[str] = frozenset(
    {
        "all", "filter", "exclude", "order_by", "select_related", "prefetch_related",
        "annotate", "alias", "distinct", "only", "defer", "using", "reverse", "none",
    }
)  # fmt: skip


def eager_load_shape(loop: Loop, iterable: ast.expr | None, framework: str) -> bool:
    """The query is written in the ``for`` statement itself, in a shape the eager-load
    fix can extend: a Django queryset chain (``Model.objects.filter(...)``) or a
    SQLAlchemy statement with exactly one ``select(Model)`` in it."""
    node = loop.node
    if not isinstance(node, (ast.For, ast.AsyncFor)) or iterable is not node.iter:
        return False
    if framework == "django":
        current = iterable
        while isinstance(current, ast.Call):
            if not (
                isinstance(current.func, ast.Attribute) and current.func.attr in _QUERYSET_CHAIN
            ):
                return False
            current = current.func.value
        return isinstance(current, ast.Attribute) and _is_dotted(current)
    if framework == "sqlalchemy":
        selects = [
            child
            for child in ast.walk(iterable)
            if isinstance(child, ast.Call)
            and _called_name(child.func) == "select"
            and len(child.args) == 1
            and not child.keywords
            and isinstance(child.args[0], ast.Name)
        ]
        return (
            len(selects) == 1
            and _sent_as_written(iterable, selects[0])
            and not _other_loader_options(iterable)
        )
    return False


# Session methods that run a statement handed to them as it is
_RUNS_STATEMENT = frozenset({"scalars", "execute", "scalar", "stream", "stream_scalars"})


def _sent_as_written(iterable: ast.expr, select: ast.Call) -> bool:
    """Between the ``for`` and ``select(Model)`` there are only the statement's own methods
    (``.where(...)``, ``.order_by(...)``) and the session's that run it: no project
    function the statement goes through (``strict(select(User))`` may add its own
    options, such as ``raiseload("*")``)."""
    current: ast.AST = iterable
    while current is not select:
        if isinstance(current, ast.Await):
            current = current.value
            continue
        if not isinstance(current, ast.Call) or not isinstance(current.func, ast.Attribute):
            return False
        if _contains(current.func.value, select):
            current = current.func.value  # a method of the statement (or of its result)
        elif current.func.attr in _RUNS_STATEMENT and current.args:
            current = current.args[0]
        else:
            return False
    return True


def _contains(tree: ast.AST, node: ast.AST) -> bool:
    return any(child is node for child in ast.walk(tree))


# SQLAlchemy loader options that load eagerly: beside them, one more eager load is the
# same rows; any other option (``raiseload``, ``noload``, ``lazyload``, ``defaultload``, a
# ``Load(...)`` object, a wildcard) decides what a lazy access does and must stay in charge.
_EAGER_LOADERS: frozenset[str] = frozenset(
    {"selectinload", "joinedload", "subqueryload", "immediateload", "contains_eager"}
)


def _other_loader_options(iterable: ast.expr) -> bool:
    """The statement already has an ``.options(...)`` argument that is not an eager
    loader (``raiseload("*")``, ``noload(User.addresses)``, ``Load(User)...``)."""
    for child in ast.walk(iterable):
        if isinstance(child, ast.Call) and _called_name(child.func) == "options":
            for argument in child.args:
                head = argument
                while isinstance(head, ast.Call) and isinstance(head.func, ast.Attribute):
                    head = head.func.value  # ``selectinload(A.b).selectinload(B.c)``
                if not (isinstance(head, ast.Call) and _called_name(head.func) in _EAGER_LOADERS):
                    return True
    return False


def loader_spelling(tree: ast.Module, framework: str) -> str | None:
    """Why the module cannot name SQLAlchemy's ``selectinload`` (imported, or importable
    where the file's imports are, without shadowing a name of its own), which the
    eager-load fix needs; "" when it can. None for Django, whose loaders are queryset
    methods."""
    if framework != "sqlalchemy":
        return None
    if import_spelling(tree, "sqlalchemy.orm", "selectinload") is not None:
        return ""
    return placement_problem(tree, "sqlalchemy.orm") or (
        "the module cannot name SQLAlchemy's `selectinload`: the name its imports give it is "
        "bound again in the module, or importing it would shadow a name of the module"
    )


@dataclass(frozen=True, slots=True)
class RelationFacts:
    """What the project index knows of a relation a loop reads, and of the rows, that the
    eager-load fix depends on."""

    many: bool  # a related manager or collection
    kind: str  # fk, o2o, m2m, gfk, ..., rel (SQLAlchemy)
    lazy: str | None = None
    secondary: bool = False  # SQLAlchemy: through an association table
    from_backref: bool = False  # SQLAlchemy: declared by the other side's ``backref=``
    base_manager: bool = False  # Django: the target model names ``Meta.base_manager_name``
    routed: bool = False  # Django: the project defines a router (``db_for_read``)
    member: str | None = None  # a property of the row's model the loop body reads
    own_init: str | None = None  # project code run as the related objects are built
    unmanaged: str | None = None  # Django: the row's or the related model, ``managed = False``


def eager_load(pending: dict, relation: RelationFacts) -> Fix | None:
    """The fix for a relation TL101 (resolved by the project index): load it with the
    query written in the ``for`` statement. Safe: the same rows, one or two queries, the
    same objects built at other times. Declined for a dynamic relationship (SQLAlchemy
    refuses to eager-load it), for ``select_related`` after ``only()`` / ``defer()``
    (Django refuses a deferred field that is traversed) and when the loop body writes
    (the loaded rows would go stale). Unsafe when:

    - the loop body calls code that may write, or reads a property of the row (project
      code run per row);
    - SQLAlchemy: the relationship goes through an association table (``secondary``: a
      pair stored twice there is loaded twice by ``selectinload``, once lazily), or is
      declared by the other side's ``backref=`` (the attribute exists only once the
      mappers are configured: as the first query of a process, the option raises);
    - Django: a generic foreign key (a row whose object id the target's key cannot take
      raises at the ``for``, where the lazy read raised at that row, or not at all);
    - Django ``select_related``: the query is not ordered by its primary key (joined, the
      database may return rows that tie in another order), the project routes
      reads (the join reads the queried model's database, the lazy access the router's),
      the target model declares ``Meta.base_manager_name`` (the lazy access goes
      through that manager, which may hide rows the join returns), or either model is not
      managed by Django (``managed = False``: a foreign key the database may not enforce);
    - the target model builds its objects with project code (its own ``__init__`` /
      ``from_db``, a ``post_init`` receiver, a ``load`` listener), which would then run
      before the loop body, not in it."""
    if not pending.get("eager"):
        return None
    attr = pending["attr"]
    verdict = _body_verdict(pending.get("body", ""))
    if relation.member:
        verdict = verdict | verdicts.unsafe(
            f"the loop body reads `{pending.get('var', 'row')}.{relation.member}`, a property "
            "of the model: project code, run for every row, that may write what the eager "
            "load would already have read"
        )
    if pending["framework"] == "sqlalchemy":
        return _selectinload(pending, relation, verdict)
    if relation.many:
        if pending.get("method") not in ("all", "count", "exists"):
            return None
        loader = "prefetch_related"
    else:
        loader = "prefetch_related" if relation.kind == "gfk" else "select_related"
    description = f'load `{attr}` with the query: `.{loader}("{attr}")`'
    if relation.kind == "gfk":
        verdict = verdict | verdicts.unsafe(
            f"`{attr}` is a generic foreign key: a row whose object id the target's key "
            "cannot take makes the prefetch raise at the `for`, where the lazy read raised "
            "at that row (or never, when the loop skips it or stops first)"
        )
    if relation.own_init:
        verdict = verdict | _built_early(attr, relation.own_init)
    if loader == "select_related":
        verdict = _select_related_verdict(pending, relation, verdict)
    return _offer(verdict, description, f"{EAGER_LOAD}:{loader}:{attr}", Applicability.SAFE)


def _selectinload(pending: dict, relation: RelationFacts, verdict: verdicts.Verdict) -> Fix:
    attr = pending["attr"]
    owner = pending.get("owner") or ""
    description = f"load `{attr}` with the query: `.options(selectinload({owner}.{attr}))`"
    if pending.get("loader"):
        verdict = verdicts.decline(pending["loader"])
    if relation.secondary:
        verdict = verdict | verdicts.unsafe(
            f"`{attr}` goes through an association table (`secondary=`): a pair stored "
            "twice there is loaded twice by `selectinload`, once by the lazy load"
        )
    if relation.from_backref:
        verdict = verdict | verdicts.unsafe(
            f"`{owner}.{attr}` is declared by the other side's `backref=`: it exists only "
            "once SQLAlchemy has configured the mappers, so in the first query of a process "
            "the option raises `AttributeError`"
        )
    if relation.own_init:
        verdict = verdict | _built_early(attr, relation.own_init)
    if relation.lazy == "dynamic":
        verdict = verdicts.decline(
            f'`{attr}` is `lazy="dynamic"`: SQLAlchemy cannot load it with the query'
        )
    return _offer(verdict, description, f"{EAGER_LOAD}:selectinload:{attr}", Applicability.SAFE)


def _built_early(attr: str, code: str) -> verdicts.Verdict:
    return verdicts.unsafe(
        f"the model `{attr}` refers to builds its objects with project code ({code}), "
        "which would run for every row before the loop body instead of in it"
    )


def _select_related_verdict(
    pending: dict, relation: RelationFacts, verdict: verdicts.Verdict
) -> verdicts.Verdict:
    attr = pending["attr"]
    order = pending.get("order", "")
    if order == "distinct":
        verdict = verdict | verdicts.unsafe(
            "the query is `distinct()` without `order_by()`: the joined columns join the "
            "DISTINCT, and the database may return the same rows in another order"
        )
    elif order != "unique":
        verdict = verdict | verdicts.unsafe(
            'the query is not ordered by its primary key (`order_by(..., "pk")`): '
            "joined, the database may return rows that tie, or all of them, in another order"
        )
    if relation.routed:
        verdict = verdict | verdicts.unsafe(
            f"the project routes reads (`db_for_read`): the lazy `{attr}` reads the database "
            "the router picks for its model, the join the queried model's"
        )
    if relation.base_manager:
        verdict = verdict | verdicts.unsafe(
            f"the model `{attr}` refers to declares `Meta.base_manager_name`: the lazy access "
            "goes through that manager, which may hide rows the join returns"
        )
    if relation.unmanaged:
        verdict = verdict | verdicts.unsafe(
            f"`{relation.unmanaged.rpartition('.')[2]}` is not managed by Django "
            "(`Meta.managed = False`): the database may not enforce the foreign key, and the "
            f"join drops or empties a row whose related row is missing, where the lazy `{attr}` "
            "raised"
        )
    if relation.lazy == UNCONSTRAINED:
        verdict = verdicts.decline(
            f"`{attr}` is declared without a database constraint (`db_constraint=False`): "
            "a row whose related row is missing would be dropped by the join, where the "
            "lazy load raises"
        )
    if pending.get("custom_manager"):
        verdict = verdicts.decline(
            f"the rows come from `{pending['custom_manager']}`, whose own `get_queryset()` "
            f"may defer fields (`only()`), which Django refuses with `select_related`"
        )
    if pending.get("deferred"):
        verdict = verdicts.decline(
            f"the query defers fields (`only()` / `defer()`): Django refuses `{attr}` "
            "deferred and traversed with `select_related`"
        )
    return verdict


def _body_verdict(body: str) -> verdicts.Verdict:
    kind, _, reason = body.partition(":")
    if kind == "writes":
        return verdicts.decline(reason)
    if kind == "calls":
        return verdicts.unsafe(reason)
    return verdicts.SAFE


def defers_fields(iterable: ast.expr | None) -> bool:
    """The Django queryset chain has ``only()`` or ``defer()``."""
    return bool(_chain_methods(iterable) & {"only", "defer"})


def query_order(iterable: ast.expr | None) -> str:
    """How the Django queryset chain orders its rows: ``unique`` (its last ``order_by()``
    ends in the primary key: no two rows tie), ``written`` (an ``order_by()`` whose rows
    may tie), ``distinct`` (``distinct()`` without ``order_by()``: a join adds its columns
    to the DISTINCT) or "" (no ``order_by()``; at most the model's ``Meta.ordering``)."""
    current = iterable
    distinct = False
    while isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
        if current.func.attr == "order_by":
            last = current.args[-1] if current.args and not current.keywords else None
            unique = isinstance(last, ast.Constant) and last.value in _PRIMARY_KEYS
            return "unique" if unique else "written"
        distinct = distinct or current.func.attr == "distinct"
        current = current.func.value
    return "distinct" if distinct else ""


_PRIMARY_KEYS = frozenset({"pk", "-pk", "id", "-id"})


def member_reads(loop: Loop) -> list[str]:
    """The attributes the loop body reads, not calls, on its item (``author.draft``):
    a property of the model among them runs project code for every row (the index says
    which are properties), which may write what the eager load would already have read."""
    node = loop.node
    if not isinstance(node, (ast.For, ast.AsyncFor)):
        return []
    items = set(target_names(node.target))
    called = set()
    found: set[str] = set()
    for statement in node.body:
        for child in ast.walk(statement):
            if isinstance(child, ast.Call):
                called.add(id(child.func))
            elif (
                isinstance(child, ast.Attribute)
                and isinstance(child.value, ast.Name)
                and child.value.id in items
                and isinstance(child.ctx, ast.Load)
                and id(child) not in called
            ):
                found.add(child.attr)
    return sorted(found)


def _chain_methods(iterable: ast.expr | None) -> set[str]:
    methods = set()
    current = iterable
    while isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
        methods.add(current.func.attr)
        current = current.func.value
    return methods


def select_owner(iterable: ast.expr | None) -> str:
    """``User`` in ``session.scalars(select(User))``; "" when there is no single one."""
    if iterable is None:
        return ""
    owners = [
        child.args[0].id
        for child in ast.walk(iterable)
        if isinstance(child, ast.Call)
        and _called_name(child.func) == "select"
        and len(child.args) == 1
        and isinstance(child.args[0], ast.Name)
    ]
    return owners[0] if len(owners) == 1 else ""


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


# --- the shared conditions ----------------------------------------------------------------


def _plain_loop(
    model: SemanticModel, loop: Loop, line: Callable[[int], str], allow_module: bool = False
) -> ast.For | None:
    """``loop`` when it is the innermost, a ``for`` without ``else`` over plain names in a
    function, with each body statement on lines of its own (the rewrites keep lines whole);
    ``line`` is a line of the file by number."""
    node = loop.node
    if loop.kind is not LoopKind.FOR or not isinstance(node, ast.For) or node.orelse:
        return None
    if model.loops and model.loops[-1] is not loop:
        return None
    if not allow_module and model.function is None:
        return None  # a module's loop variable is a global others may import
    if model.scope.kind is ScopeKind.CLASS:
        return None  # a comprehension in a class body cannot see the class's names
    if not _names_only(node.target):
        return None
    if isinstance(node.iter, _UNPARENTHESISED_IN_A_COMPREHENSION):
        return None  # ``[p for row in a if c else b]`` reads ``if c`` as a filter
    lines = model.memo("offers.one-statement-per-line")  # once per loop, not per call
    if node not in lines:
        lines[node] = _one_statement_per_line(node)
    if not lines[node]:
        return None  # ``for row in rows: conn.execute(...)``: the rewrite keeps lines whole
    if not starts_its_line(node.body[0], line):
        return None  # ``for row in rows: \`` continues the header's line into the body
    return node


# iterables a ``for`` statement takes bare and a comprehension does not
_UNPARENTHESISED_IN_A_COMPREHENSION = (ast.IfExp, ast.Lambda, ast.NamedExpr, ast.Yield)


def _one_statement_per_line(node: ast.For) -> bool:
    previous = node.iter.end_lineno or node.lineno
    for statement in node.body:
        if statement.lineno <= previous:
            return False
        previous = statement.end_lineno or statement.lineno
    return True


def _names_only(target: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return True
    if isinstance(target, (ast.Tuple, ast.List)):
        return bool(target.elts) and all(_names_only(element) for element in target.elts)
    return False


def _is_statement_of(statement: ast.stmt, call: ast.Call) -> bool:
    return isinstance(statement, ast.Expr) and statement.value is call


def _is_dotted(node: ast.expr) -> bool:
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _each_read_once(inlined: dict[str, ast.expr], after: list[ast.AST]) -> bool:
    counts = dict.fromkeys(inlined, 0)
    for part in after:
        for child in ast.walk(part):
            if (
                isinstance(child, ast.Name)
                and child.id in counts
                and isinstance(child.ctx, ast.Load)
            ):
                counts[child.id] += 1
    return all(count == 1 for count in counts.values())


def _read_elsewhere(model: SemanticModel, loop_node: ast.For, names: set[str]) -> bool:
    """Any of ``names`` read (or declared global / nonlocal) outside the loop, anywhere in
    the enclosing function or module: then the loop's bindings could be observed."""
    scope = model.function if model.function is not None else model.tree
    known = model.memo("offers.reads")  # every loop of the scope asks: index it once
    reads = known.get(scope)
    if reads is None:
        reads = known[scope] = _Reads(scope)
    if reads.introspection or names & reads.declared:
        return True
    start = (loop_node.lineno, loop_node.col_offset)
    end = (loop_node.end_lineno or 0, loop_node.end_col_offset or 0)
    for name in names:
        where = reads.at.get(name, ())
        inside = bisect.bisect_right(where, end) - bisect.bisect_left(where, start)
        if inside < len(where):
            return True
    return False


class _Reads:
    """Where a scope reads each name (sorted positions of ``Load`` / ``Del``), the names it
    declares ``global`` / ``nonlocal``, and whether it calls ``locals()`` and the like."""

    __slots__ = ("at", "declared", "introspection")

    def __init__(self, scope: ast.AST) -> None:
        self.at: dict[str, list[tuple[int, int]]] = {}
        self.declared: set[str] = set()
        self.introspection = False
        for node in ast.walk(scope):
            if isinstance(node, (ast.Global, ast.Nonlocal)):
                self.declared.update(node.names)
            elif isinstance(node, ast.Name):
                if node.id in _INTROSPECTION:
                    self.introspection = True
                if isinstance(node.ctx, (ast.Load, ast.Del)):
                    self.at.setdefault(node.id, []).append((node.lineno, node.col_offset))
        for positions in self.at.values():
            positions.sort()
