"""The facts a loop fix's safety rests on, read from the stdlib ``ast`` of the function
(no libcst), through one index of its names (``name_index.py``) and what is bound where
(``definite_binding.py``). Each question answers with a ``Verdict`` (``verdicts.py``).

- *the input*: a loop whose input is a plain list or tuple built before the loop cannot
  observe the writes; a generator, a call, a parameter or the receiver itself may;
- *the parameters*: names and literals neither raise nor act; subscripts, attributes and
  operators may raise (then evaluating all items first loses the rows before the
  failure); calls may act; ``await``, ``yield``, ``:=``, lambdas and comprehensions
  are declined; a name that may be unbound when the loop starts, or that the writes may
  rebind (a global, or anything when the module registers a database callback), is not
  established;
- *the receiver*: reading the cursor's results after the loop (``lastrowid``,
  ``rowcount``, ``fetch*``) sees the batched call's values; a receiver re-bound in the
  loop is a different object on every pass;
- *the SQL*: ``executemany`` takes one INSERT / UPDATE / DELETE / REPLACE, named by the
  statement's first keyword after comments (a ``WITH`` is declined).
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterable

from throughlint.apis import (
    STATEMENT_HOOK_REGISTRATIONS,
    STATEMENT_METHODS,
    connection_or_cursor_base,
)
from throughlint.fixes.definite_binding import bound_before, bound_in_loop, is_local, settled
from throughlint.fixes.name_index import (
    name_index,
    outside,
    root_name,
    start_of,
    stores_of,
)
from throughlint.fixes.verdicts import SAFE, Level, Verdict, decline, unsafe
from throughlint.semantic.expressions import (
    call_tail,
    dotted_name,
    parameter_names,
    source_text,
    target_names,
)


def _show(node: ast.AST) -> str:
    text = source_text(node)  # survives int literals too long to print
    return text if len(text) <= 40 else text[:37] + "..."


# --- the input ------------------------------------------------------------------------------


_MATERIALIZED = (ast.List, ast.Tuple, ast.ListComp)


def input_fact(
    function: ast.AST | None, loop: ast.For, receivers: set[str], module: ast.AST | None = None
) -> Verdict:
    """Can the loop's input observe the writes the loop makes? (``module``: where a
    builtin such as ``list`` could be shadowed; without it, ``list(...)`` is not trusted.)"""
    iterable = loop.iter
    mentioned = {n.id for n in ast.walk(iterable) if isinstance(n, ast.Name)}
    if mentioned & receivers:
        return decline(f"the loop iterates `{_show(iterable)}`, which it writes through")
    if isinstance(iterable, _MATERIALIZED):
        return SAFE
    if isinstance(iterable, ast.Name) and function is not None:
        stores = stores_of(function, iterable.id)
        if len(stores) == 1 and isinstance(stores[0], ast.Name):
            assignment = _assignment_of(function, stores[0])
            if (
                assignment is not None
                and assignment.lineno < loop.lineno
                and _materialized(assignment.value, function, module)
                and not {n.id for n in ast.walk(assignment.value) if isinstance(n, ast.Name)}
                & receivers
            ):
                return SAFE
    return unsafe(
        f"the input `{_show(iterable)}` is not a list built before the loop: a generator "
        "could see the rows written so far, or yield one object mutated between items"
    )


def empty_input(
    function: ast.AST | None, loop: ast.For, receivers: set[str], module: ast.AST | None = None
) -> tuple[bool, Verdict]:
    """Whether ``executemany`` must be guarded by ``if <input>:``, and the verdict: over no
    items the loop sends nothing, while ``executemany(sql, [])`` still prepares the SQL
    (sqlite3 raises on an invalid statement) and begins a transaction (sqlite3, psycopg
    3). A list built before the loop under a name is guarded; a display with items needs
    no guard; any other input cannot be guarded (a generator is always true, an array's
    truth raises), so the fix is unsafe."""
    iterable = loop.iter
    if (
        isinstance(iterable, (ast.List, ast.Tuple))
        and iterable.elts
        and not any(isinstance(item, ast.Starred) for item in iterable.elts)
    ):
        return False, SAFE
    if isinstance(iterable, ast.Name) and input_fact(function, loop, receivers, module) == SAFE:
        return True, SAFE
    return False, unsafe(
        f"with no items in `{_show(iterable)}`, `executemany` still prepares the SQL "
        "(sqlite3 raises if it is invalid) and begins a transaction"
    )


def known_items(
    function: ast.AST | None, loop: ast.For, shapes: bool = True
) -> list[ast.expr] | None:
    """The items the loop iterates, as written in the source: the elements of a list or
    tuple display, or (``shapes``) the one element expression of a list comprehension (the
    shape of every item, not one item: it may repeat), in the ``for`` itself or bound once
    to a name used nowhere else."""
    iterable = loop.iter
    if isinstance(iterable, ast.Name) and function is not None:
        stores = stores_of(function, iterable.id)
        uses = name_index(function).loads.get(iterable.id, [])
        if len(stores) != 1 or len(uses) != 2 or not isinstance(stores[0], ast.Name):
            return None  # bound more than once, or used besides the loop (mutated?)
        assignment = _assignment_of(function, stores[0])
        if assignment is None or assignment.lineno >= loop.lineno:
            return None
        iterable = assignment.value
    if isinstance(iterable, ast.ListComp):
        return [iterable.elt] if shapes else None
    if isinstance(iterable, (ast.List, ast.Tuple)) and not any(
        isinstance(item, ast.Starred) for item in iterable.elts
    ):
        return list(iterable.elts)
    return None


def target_fact(function: ast.AST | None, loop: ast.For) -> Verdict:
    """Can unpacking an item into the loop's target raise? Then the loop has written the
    items before it, the comprehension (which unpacks every item first) none."""
    target = loop.target
    if isinstance(target, ast.Name):
        return SAFE
    items = known_items(function, loop)
    if items is not None and all(_unpacks(target, item) for item in items):
        return SAFE
    return unsafe(
        f"unpacking an item into `{_show(target)}` raises on one of another length: then "
        "no row is written instead of the rows before it"
    )


def _unpacks(target: ast.expr, item: ast.expr) -> bool:
    if isinstance(target, ast.Name):
        return True
    return (
        isinstance(target, (ast.Tuple, ast.List))
        and isinstance(item, (ast.Tuple, ast.List))
        and len(target.elts) == len(item.elts)
        and not any(isinstance(value, ast.Starred) for value in item.elts)
        and all(_unpacks(part, value) for part, value in zip(target.elts, item.elts, strict=True))
    )


def keys_fact(key: ast.expr, function: ast.AST | None, loop: ast.For) -> Verdict:
    """Does one dict keep the keys apart as the cache does? The cache formats each key
        into a string; a dict merges keys equal in Python (``1``, ``True``, ``1.0``) and
        raises on an unhashable one before storing any. Safe when every key is a string (a
    literal or an f-string, in the call or in the items the loop iterates)."""
    if _string(key):
        return SAFE
    items = known_items(function, loop)
    if (
        isinstance(key, ast.Name)
        and items is not None
        and all(_string(_bound_value(loop.target, item, key.id)) for item in items)
    ):
        return SAFE
    return unsafe(
        f"the keys `{_show(key)}` may not all be strings: one dict merges keys equal in "
        "Python (`1`, `True`) that the cache keeps apart, and fails on an unhashable key "
        "before storing any"
    )


def distinct_keys_fact(key: ast.expr, function: ast.AST | None, loop: ast.For) -> Verdict:
    """Can a key come twice? The loop stores a repeated key twice, ``set_many`` once (the
    dict keeps the last value): the values end the same, but a size-limited cache
    (Django's locmem ``MAX_ENTRIES``) culls by how many stores it saw and in what order,
    so another entry may be evicted. Safe when the loop iterates written string
    literals, all different."""
    items = known_items(function, loop, shapes=False)
    if isinstance(key, ast.Name) and items is not None:
        keys = [_bound_value(loop.target, item, key.id) for item in items]
        values = [
            found.value
            for found in keys
            if isinstance(found, ast.Constant) and isinstance(found.value, str)
        ]
        if len(values) == len(keys) and len(set(values)) == len(values):
            bad = next((value for value in values if not _portable_key(value)), None)
            if bad is None:
                return SAFE
            return unsafe(
                f"the key {bad!r} is one that memcached refuses and Django warns about "
                "(a space or a control character, or too long once Django adds its prefix "
                f"and version: over {_KEY_LIMIT} characters): `set_many` "
                "checks every key before it stores any, the loop stored the keys before it"
            )
    return unsafe(
        f"the keys `{_show(key)}` may repeat: the loop stores a repeated key twice, "
        "`set_many` once, and a size-limited cache may then evict another entry"
    )


def _portable_key(key: str) -> bool:
    """A key every cache backend stores without complaint: none of its characters a space
    or a control character, and short enough that the key Django builds from it
    (``KEY_PREFIX:VERSION:key``) stays within memcached's 250 (Django's ``validate_key``
    warns about those, memcached and Django's redis backend check every key of
    ``set_many`` first): at most ``_KEY_LIMIT`` characters, which leaves room for a
    prefix and version of up to 100."""
    return len(key) <= _KEY_LIMIT and not any(ord(char) < 33 or ord(char) == 127 for char in key)


_KEY_LIMIT = 150


def values_fact(value: ast.expr, function: ast.AST | None, loop: ast.For) -> Verdict:
    """Can storing one value fail after the values before it were stored? ``set_many``
    serializes every value before it stores any (and a redis pipeline stores all or
    none), so one value that cannot be pickled stores none where the loop stored those
    before it. Safe when every value is a literal (in the call, or in the items the loop
    iterates)."""
    if _literal(value):
        return SAFE
    items = known_items(function, loop)
    if (
        isinstance(value, ast.Name)
        and items is not None
        and all(_literal(_bound_value(loop.target, item, value.id)) for item in items)
    ):
        return SAFE
    return unsafe(
        f"the values `{_show(value)}` may not all be picklable: `set_many` serializes every "
        "value before storing any, so one failure stores none where the loop stored the "
        "values before it"
    )


def _literal(node: ast.expr | None) -> bool:
    """A constant, an f-string, or a tuple or list of them: a value that pickles."""
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(_literal(item) for item in node.elts)
    return isinstance(node, (ast.Constant, ast.JoinedStr))


def _string(node: ast.expr | None) -> bool:
    """A string literal or an f-string: its value is a ``str``."""
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def _bound_value(target: ast.expr, item: ast.expr, name: str) -> ast.expr | None:
    """The part of the literal ``item`` that unpacking it into ``target`` binds to
    ``name``; None when it cannot be told."""
    if isinstance(target, ast.Name):
        return item if target.id == name else None
    if not (
        isinstance(target, (ast.Tuple, ast.List))
        and isinstance(item, (ast.Tuple, ast.List))
        and len(target.elts) == len(item.elts)
    ):
        return None
    for part, value in zip(target.elts, item.elts, strict=True):
        if name in target_names(part):
            return _bound_value(part, value, name)
    return None


def _materialized(value: ast.expr, function: ast.AST, module: ast.AST | None) -> bool:
    """A list or tuple display or comprehension, or ``list(...)`` / ``tuple(...)`` /
    ``sorted(...)`` of the builtins (bound nowhere in the function or the module): all
    items exist before the loop starts."""
    if isinstance(value, _MATERIALIZED):
        return True
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in ("list", "tuple", "sorted")
        and module is not None
        and not stores_of(function, value.func.id)
        and not stores_of(module, value.func.id)
        and value.func.id not in parameter_names(function)
    )


def _assignment_of(function: ast.AST, store: ast.Name) -> ast.Assign | None:
    """The plain ``name = value`` statement (directly in the function body) binding it."""
    return name_index(function).assignments.get(id(store))


# --- the parameters -------------------------------------------------------------------------

_DECLINED_NODES = (
    ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr, ast.Lambda,
    ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Starred,
)  # fmt: skip
_INERT = (
    ast.Name, ast.Constant, ast.Tuple, ast.List, ast.Load, ast.expr_context,
)  # fmt: skip


def parameters_fact(parts: Iterable[ast.expr], receivers: set[str]) -> Verdict:
    """Does building the per-item values read the receiver, act, or possibly raise?"""
    result = SAFE
    for part in parts:
        for node in ast.walk(part):
            if isinstance(node, _DECLINED_NODES):
                return decline(f"`{_show(part)}` cannot move into a comprehension")
            if isinstance(node, ast.Name) and node.id in receivers:
                return decline(f"`{_show(part)}` reads `{node.id}`, which the loop writes to")
            if result.level is Level.UNSAFE:
                continue  # only the first reason is kept: no more text to print (quadratic)
            if isinstance(node, ast.Call):
                result = result | unsafe(
                    f"`{_show(node)}` is called for every item before any is written: "
                    "its effects and failures move ahead of the writes"
                )
            elif isinstance(node, ast.Dict):
                if not all(isinstance(key, ast.Constant) for key in node.keys):
                    result = result | unsafe(f"`{_show(node)}` can raise (an unhashable key)")
            elif not isinstance(node, _INERT):
                result = result | unsafe(
                    f"`{_show(part)}` can raise: then no row is written instead of the rows "
                    "before the failure"
                )
    return result


# --- the receiver ---------------------------------------------------------------------------


def after_loop_fact(
    function: ast.AST | None,
    loop: ast.For,
    receiver: ast.expr,
    module: ast.AST | None = None,
    driver: str = "",
) -> Verdict:
    """Is what the per-item call leaves on its receiver (the last row id, the row count,
    the result) observable after the loop? A connection's ``execute`` makes a new cursor
    per call, so that question is about cursors: a local ``x.cursor()`` whose results are
    not read outside the loop and that does not escape is safe; a receiver that is not a
    local cursor nor annotated as a connection may be read by the caller."""
    name = root_name(receiver)
    if name is None or function is None:
        return unsafe("the receiver is not a plain name")
    index = name_index(function)
    read = outside(index.attributes.get(name, []), loop)
    if read is not None:
        return decline(f"`{_show(read)}` is read outside the loop and would change")
    if outside(index.iterated.get(name, []), loop) is not None:
        return decline(f"`{name}` is iterated outside the loop and would change")
    if not isinstance(receiver, ast.Name):
        return unsafe(f"`{_show(receiver)}` may be read elsewhere after the loop")
    if _annotated_connection(function, name, module) and not stores_of(function, name):
        return SAFE  # the parameter, never rebound (``conn = wrap(conn)``)
    stores = stores_of(function, name)
    local_cursor = (
        len(stores) == 1
        and isinstance(stores[0], ast.Name)
        and (assignment := _assignment_of(function, stores[0])) is not None
        and isinstance(assignment.value, ast.Call)
        and isinstance(assignment.value.func, ast.Attribute)
        and assignment.value.func.attr in ("cursor", "connect")
    )
    if local_cursor and not driver:
        return unsafe(
            f"cannot tell which driver `{name}` comes from: its class may have no `executemany`"
        )
    if local_cursor and assignment.value.func.attr == "connect" and driver != "sqlite3":
        return unsafe(
            f"`{name}` is a {driver} connection: only sqlite3's connections have "
            "`executemany` (others have it on their cursors)"
        )
    if not local_cursor:
        return unsafe(
            f"cannot tell that `{name}` is a connection: a cursor's `lastrowid` / `rowcount` "
            "after the loop would change"
        )
    if outside(index.bare_loads.get(name, []), loop) is not None:
        return unsafe(f"`{name}` is used after the loop, where its results would differ")
    return SAFE


def _annotated_connection(function: ast.AST, name: str, module: ast.AST | None) -> bool:
    """``name`` is a parameter annotated ``sqlite3.Connection`` (or ``Connection``
    imported from ``sqlite3``): its ``execute`` makes a cursor per call and it has an
    ``executemany``. Other drivers' connections may lack ``executemany`` (psycopg), and
    a class of the user's own called ``Connection`` is not one."""
    arguments = getattr(function, "args", None)
    if arguments is None or module is None:
        return False
    for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
        if argument.arg == name and argument.annotation is not None:
            return _names_sqlite_connection(argument.annotation, module)
    return False


def _names_sqlite_connection(annotation: ast.expr, module: ast.AST) -> bool:
    if isinstance(annotation, ast.Attribute) and annotation.attr == "Connection":
        root, expected = annotation.value, ("sqlite3", None)
    elif isinstance(annotation, ast.Name) and annotation.id == "Connection":
        root, expected = annotation, ("sqlite3", "Connection")
    else:
        return False
    if not isinstance(root, ast.Name):
        return False
    stores = stores_of(module, root.id)
    return bool(stores) and all(_imports(store, module, expected) for store in stores)


def _imports(store: ast.AST, module: ast.AST, expected: tuple[str, str | None]) -> bool:
    """``store`` is the alias of ``import sqlite3`` / ``from sqlite3 import Connection``."""
    if not isinstance(store, ast.alias):
        return False
    package, member = expected
    node = name_index(module).imports.get(id(store))
    if isinstance(node, ast.Import):
        return member is None and store.name == package
    if isinstance(node, ast.ImportFrom):
        return member is not None and node.module == package and store.name == member
    return False


def rebound_in_loop(loop: ast.For, name: str | None) -> bool:
    """``name`` bound by the loop's target or anywhere in its body."""
    return name is None or name in bound_in_loop(loop)


# --- the SQL --------------------------------------------------------------------------------

_COMMENTS = re.compile(r"\A(?:\s+|--[^\n]*(?:\n|\Z)|/\*.*?\*/)*", re.DOTALL)
_KEYWORD = re.compile(r"[A-Za-z]+")
EXECUTEMANY_VERBS: frozenset[str] = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE"})


def leading_keyword(sql: str) -> str:
    """The statement's first keyword after whitespace and comments, upper-cased."""
    match = _KEYWORD.match(sql, _COMMENTS.match(sql).end())  # type: ignore[union-attr]
    return match.group(0).upper() if match else ""


def sql_binding_fact(text: ast.expr, function: ast.AST | None) -> Verdict:
    """Is the SQL the call is handed the one statement the rule quotes? A local bound
    more than once (``sql = "SELECT ?"``, then ``if not check: sql = "INSERT ..."``) may
    hold another at the loop: one that is not DML fails in ``executemany``."""
    if not isinstance(text, ast.Name) or function is None:
        return SAFE
    if len(name_index(function).stores.get(text.id, ())) > 1:
        return unsafe(
            f"the function binds `{text.id}` more than once: the statement the loop runs "
            "may not be the one quoted, and `executemany` takes only DML"
        )
    return SAFE


def sql_fact(sql: str | None) -> Verdict:
    """Can ``executemany`` run this statement (drivers take only DML there)?"""
    if sql is None:
        return unsafe("the SQL text is not known: `executemany` takes only INSERT / UPDATE / "
                      "DELETE / REPLACE")  # fmt: skip
    keyword = leading_keyword(sql)
    if keyword not in EXECUTEMANY_VERBS:
        return decline(
            f"the statement starts with {keyword or 'no keyword'}: `executemany` takes only "
            "INSERT / UPDATE / DELETE / REPLACE"
        )
    if _RETURNING.search(sql):
        return decline(
            "the statement returns rows (`RETURNING`): `execute` leaves them to be read, "
            "`executemany` discards them (sqlite3 then lets a commit through that the loop's "
            "unread statement blocked)"
        )
    return SAFE


_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


_MULTI_ROW_INSERT_DRIVERS = frozenset({"pymysql", "MySQLdb", "mysql"})


def failure_fact(
    function: ast.AST | None,
    loop: ast.For,
    receiver: ast.expr,
    driver: str,
    sql: str | None,
    in_transaction: bool,
) -> Verdict:
    """Does a row that fails keep the rows before it, and does every row still go through
    the same ``execute``, as in the loop? sqlite3 and psycopg2 run ``executemany`` row by
    row, unless a cursor or connection class of the program's own (``cursor(Audit)``,
    ``connect(..., factory=...)``) overrides ``execute``. The MySQL drivers send an
    INSERT's rows as one multi-row statement, which fails whole. psycopg 3 sends them as
    one pipeline, which fails whole in autocommit mode: safe only on a connection this
    function opens without autocommit and hands to nothing (a helper may switch it), or
    inside a transaction block. Django's connection is in autocommit outside ``atomic()``,
    with whichever of these drivers the settings choose. ``in_transaction``: the loop
    runs inside ``with conn.transaction():`` or ``transaction.atomic()``."""
    if driver in _MULTI_ROW_INSERT_DRIVERS:
        if leading_keyword(sql or "") in ("INSERT", "REPLACE"):
            return unsafe(
                f"{driver} sends the rows as one multi-row INSERT: a failing row fails them "
                "all, where the loop has written the rows before it"
            )
        return SAFE
    if function is not None and _own_classes(function, receiver):
        return unsafe(
            "the cursor or connection is of a class given to `cursor()` / `connect()`, "
            "which may override `execute` (the rewrite calls `executemany` instead)"
        )
    if driver in ("sqlite3", "psycopg2"):
        return SAFE
    if in_transaction:
        return SAFE
    if (
        driver == "psycopg"
        and function is not None
        and _opened_without_autocommit(function, loop, receiver)
    ):
        return SAFE
    if driver == "psycopg":
        return unsafe(
            "psycopg 3 sends `executemany` as one pipeline: in autocommit mode a failing row "
            "discards the rows before it, which the loop had committed"
        )
    if driver == "django":
        return unsafe(
            "Django's connection is in autocommit mode outside `atomic()`: with psycopg 3 "
            "or MySQL a failing row discards the rows before it, which the loop had committed"
        )
    return unsafe(f"cannot tell how {driver or 'this driver'}'s `executemany` fails part-way")


def no_parameters_fact(
    params: ast.expr, function: ast.AST | None, loop: ast.For, driver: str
) -> Verdict:
    """``execute(sql, None)`` on Django's connection or psycopg 3 means "no parameters";
    ``executemany`` hands each ``None`` to the driver as a row of parameters, which it
    rejects with another error. Safe when every row is a tuple, list or dict display
    (written in the loop, or the loop's items as written)."""
    if driver not in ("django", "psycopg"):
        return SAFE
    shape = _last_assigned(loop, params) if isinstance(params, ast.Name) else params
    if isinstance(shape, ast.Constant) and shape.value is None:
        return decline("`None` parameters mean none to `execute`, a bad row to `executemany`")
    if isinstance(shape, _DISPLAYS):
        return SAFE
    items = known_items(function, loop)
    if isinstance(shape, ast.Name) and items:
        values = [_bound_value(loop.target, item, shape.id) for item in items]
        if all(isinstance(value, _DISPLAYS) for value in values):
            return SAFE
    return unsafe(
        "a row may be `None`, which `execute` takes for no parameters and `executemany` "
        "rejects with another error"
    )


_DISPLAYS = (ast.Tuple, ast.List, ast.Dict)


def bound_names_fact(
    parts: Iterable[ast.expr],
    function: ast.AST | None,
    loop: ast.For | None = None,
    module: ast.AST | None = None,
    *,
    once: bool = False,
) -> Verdict:
    """Does every name the parameters read hold, at each item, what the loop's pass gives
    it? The comprehension reads them all before the first write; a global or a name of
    an enclosing function may be rebound by the writes themselves (a trigger, a SQL
    function registered with ``create_function``, a callback), a builtin's name too when
    the module binds it (``id = 0``). A local that may be unbound when the loop starts
    raises ``UnboundLocalError`` in the loop but ``NameError`` in the comprehension.
    ``once``: the parts are read once, before the call (the SQL), where a local raises
    as in the loop and a global bound once and declared ``global`` nowhere is settled."""
    if function is None:
        return SAFE
    in_loop: set[str] | None = None  # found on the first local read, once per loop
    for node in (node for part in parts for node in ast.walk(part)):
        if not isinstance(node, ast.Name):
            continue
        name = node.id
        if is_local(function, name):
            if once or loop is None:
                continue
            if in_loop is None:
                in_loop = bound_in_loop(loop)
            if name not in in_loop and not bound_before(function, loop, name):
                return unsafe(
                    f"`{name}` may be unbound when the loop starts: the comprehension "
                    "raises `NameError` where the loop raised `UnboundLocalError`"
                )
            continue
        if name in _BUILTIN_NAMES and (module is None or not stores_of(module, name)):
            continue
        if once and module is not None and settled(module, name):
            continue
        reads = (
            "`executemany` reads it once"
            if once
            else "the comprehension reads it for every row first"
        )
        return unsafe(
            f"`{name}` is not a local of the function: the writes may rebind it between "
            f"items, and {reads}"
        )
    return SAFE


_BUILTIN_NAMES = frozenset(dir(builtins))


# methods that hand the database Python code to run while it executes statements
def callbacks_fact(module: ast.AST) -> Verdict:
    """Does the module register Python code that the database runs per statement or row
    (a SQL function, an aggregate, an authorizer, a trace callback)? It may change what
    the loop reads between rows (the input list, a global) or see each ``execute``: the
    comprehension reads every row first, and ``executemany`` prepares the SQL once."""
    registered = sorted(name_index(module).attribute_loads & STATEMENT_HOOK_REGISTRATIONS)
    if registered:
        return unsafe(
            f"the module registers a callback (`{registered[0]}`) that the database runs "
            "per statement or row: it may change what the loop reads between rows, or see "
            "each call"
        )
    return SAFE


def row_shape_fact(
    params: ast.expr, function: ast.AST | None, loop: ast.For, driver: str, sql: str | None
) -> Verdict:
    """Do all rows name the same parameters? Django's sqlite backend takes the
    ``%(name)s`` parameter names of ``executemany`` from its first row only: a later row
    without one of them fails with ``ProgrammingError`` where the loop raised
    ``KeyError``. Safe for other drivers, for SQL without ``%(``, and for rows written as
    a tuple or list display, or dict displays with the same string keys."""
    if driver != "django" or (sql is not None and "%(" not in sql):
        return SAFE
    shape = _last_assigned(loop, params) if isinstance(params, ast.Name) else params
    if isinstance(shape, (ast.Tuple, ast.List)) or _dict_keys(shape) is not None:
        return SAFE
    items = known_items(function, loop)
    if isinstance(shape, ast.Name) and items:
        keys = {_dict_keys(_bound_value(loop.target, item, shape.id)) for item in items}
        if len(keys) == 1 and None not in keys:
            return SAFE
    return unsafe(
        "Django's sqlite backend takes the `%(name)s` parameter names from the first row "
        "of `executemany`: a later row without one fails with another error than the loop's"
    )


def _last_assigned(loop: ast.For, name: ast.Name) -> ast.expr:
    """What the loop body last assigns to ``name`` before using it (``name`` itself when
    the body does not assign it)."""
    found: ast.expr = name
    for statement in loop.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and statement.targets[0].id == name.id
        ):
            found = statement.value
    return found


def _dict_keys(node: ast.expr | None) -> frozenset[str] | None:
    """The keys of a dict display whose keys are all string literals, else None."""
    if not isinstance(node, ast.Dict):
        return None
    keys = [key.value for key in node.keys if isinstance(key, ast.Constant)]
    if len(keys) != len(node.keys) or not all(isinstance(key, str) for key in keys):
        return None
    return frozenset(keys)


def _connection_calls(function: ast.AST, receiver: ast.expr) -> list[ast.Call]:
    """The ``x.cursor(...)`` and ``connect(...)`` calls this function binds the receiver
    and its connection to (``cur = conn.cursor()``, ``conn = sqlite3.connect(...)``)."""
    found: list[ast.Call] = []
    name = root_name(receiver)
    for _ in range(2):
        value = _single_value(function, name) if name is not None else None
        if not isinstance(value, ast.Call):
            break
        found.append(value)
        if not (isinstance(value.func, ast.Attribute) and value.func.attr == "cursor"):
            break
        name = root_name(value.func.value)
    return found


def connections_of(function: ast.AST | None, receiver: ast.expr) -> list[ast.expr]:
    """What stands for the connection ``receiver`` runs on: the receiver itself (a
    connection's ``execute``), its ``.connection``, and the ``x`` of the ``x.cursor()``
    the function binds it to; only those reached through names the function binds at
    most once (a parameter, one assignment), which cannot name another object later."""
    if function is None:
        return []
    found = [receiver, ast.Attribute(value=receiver, attr="connection", ctx=ast.Load())]
    found.extend(
        call.func.value
        for call in _connection_calls(function, receiver)
        if isinstance(call.func, ast.Attribute) and call.func.attr == "cursor"
    )
    return [
        node
        for node in found
        if (name := root_name(node)) is not None and len(stores_of(function, name)) <= 1
    ]


def _own_classes(function: ast.AST, receiver: ast.expr) -> bool:
    """``conn.cursor(AuditCursor)``, ``connect(..., factory=LoggingConnection)``,
    ``cursor_factory=`` (psycopg), the factory given by position (sqlite3's sixth
    argument), ``*args`` / ``**options`` that may hold one, or a factory the function
    sets on a connection (``conn.cursor_factory = AuditCursor``)."""
    if _FACTORY_KEYWORDS & name_index(function).attribute_stores:
        return True
    for call in _connection_calls(function, receiver):
        tail = call_tail(call.func)
        if tail == "cursor" and (call.args or call.keywords):
            return True
        if tail == "connect" and (
            any(k.arg in _FACTORY_KEYWORDS or k.arg is None for k in call.keywords)
            or len(call.args) > _SQLITE_FACTORY_POSITION
            or any(isinstance(argument, ast.Starred) for argument in call.args)
        ):
            return True
    return False


_FACTORY_KEYWORDS = frozenset({"factory", "cursor_factory", "connection_factory"})


def own_execute_fact(module: ast.Module, function: ast.AST | None, receiver: ast.expr) -> Verdict:
    """Does the module define a connection or cursor class with its own ``execute``
    (``class Audit(sqlite3.Connection): def execute(...)``), where the receiver's
    connection comes from outside the function (a parameter, trusted by its annotation;
    a global)? It may be one of them: the rewrite calls ``executemany``, which that
    ``execute`` does not see. A connection the function opens itself shows its class
    (``_own_classes``)."""
    if opened_here(function, receiver):
        return SAFE
    name = _execute_overriding_class(module)
    if name:
        return unsafe(
            f"the module defines `{name}`, a connection or cursor class with its own "
            "`execute`, which the rewrite's `executemany` bypasses"
        )
    return SAFE


def opened_here(function: ast.AST | None, receiver: ast.expr) -> bool:
    """The function opens the receiver's connection itself (``conn = sqlite3.connect(...)``,
    ``cur = conn.cursor()`` of it): the connection's class is in view."""
    calls = _connection_calls(function, receiver) if function is not None else []
    return bool(calls) and call_tail(calls[-1].func) == "connect"


_OVERRIDING: dict[int, tuple[ast.Module, str]] = {}


def _execute_overriding_class(module: ast.Module) -> str:
    """The first class of the module that subclasses a ``...Connection`` or ``...Cursor``
    and defines ``execute``; "" for none. One walk per module (remembered: every loop of
    the module asks)."""
    known = _OVERRIDING.get(id(module))
    if known is not None and known[0] is module:
        return known[1]
    found = ""
    for node in ast.walk(module):
        if not isinstance(node, ast.ClassDef):
            continue
        bases = [dotted_name(base) or "" for base in node.bases]
        if any(map(connection_or_cursor_base, bases)) and any(
            isinstance(member, (ast.FunctionDef, ast.AsyncFunctionDef))
            and member.name in STATEMENT_METHODS
            for member in node.body
        ):
            found = node.name
            break
    if len(_OVERRIDING) >= 8:
        _OVERRIDING.pop(next(iter(_OVERRIDING)))
    _OVERRIDING[id(module)] = (module, found)
    return found


# ``sqlite3.connect(database, timeout, detect_types, isolation_level, check_same_thread,
# factory, ...)``: the factory is the sixth positional argument
_SQLITE_FACTORY_POSITION = 5


def _opened_without_autocommit(function: ast.AST, loop: ast.For, receiver: ast.expr) -> bool:
    """``receiver`` is a cursor of (or is) a connection this function opens with
    ``connect(...)`` without ``autocommit`` (or with ``autocommit=False``), hands to no
    call before the loop ends, and never switches (``.autocommit = ...``,
    ``set_autocommit(...)``)."""
    calls = _connection_calls(function, receiver)
    connect = calls[-1] if calls else None
    if connect is None or call_tail(connect.func) != "connect":
        return False
    setting = next((k.value for k in connect.keywords if k.arg == "autocommit"), None)
    if any(k.arg is None for k in connect.keywords):
        return False
    if setting is not None and not (isinstance(setting, ast.Constant) and setting.value is False):
        return False
    index = name_index(function)
    if "autocommit" in index.attribute_stores or "set_autocommit" in index.attribute_loads:
        return False
    handed = {root_name(receiver)} | {
        root_name(call.func.value) for call in calls if isinstance(call.func, ast.Attribute)
    }
    end = (loop.end_lineno or loop.lineno, loop.end_col_offset or 0)
    return not any(
        start_of(load) < end for name in handed if name for load in index.bare_loads.get(name, [])
    )


def _single_value(function: ast.AST, name: str) -> ast.expr | None:
    """The one value the function binds ``name`` to: ``name = value`` or ``with value as
    name``; None when it is bound otherwise or more than once."""
    stores = stores_of(function, name)
    if len(stores) != 1 or not isinstance(stores[0], ast.Name):
        return None
    assignment = _assignment_of(function, stores[0])
    if assignment is not None:
        return assignment.value
    return name_index(function).with_values.get(id(stores[0]))


TRANSACTION_KEYWORDS: frozenset[str] = frozenset(
    {"BEGIN", "START", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "END"}
)
TRANSACTION_METHODS: frozenset[str] = frozenset(
    {"rollback", "begin", "begin_nested", "savepoint", "savepoint_rollback", "set_autocommit"}
)


def transaction_control(statements: Iterable[ast.stmt]) -> str:
    """A reason when the statements handle errors or drive the transaction themselves
    (``try``, ``rollback()``, ``BEGIN``...); "" when they do not."""
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
                return "the loop body handles errors per item (`try`): one commit would lose them"
            if isinstance(node, ast.With):
                return "the loop body opens a `with` block, which may run a transaction"
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in TRANSACTION_METHODS
            ):
                return f"the loop body calls `{_show(node.func)}()` per item"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                keyword = leading_keyword(node.value)
                if keyword in TRANSACTION_KEYWORDS and len(node.value.split()) <= 4:
                    return f"the loop body runs `{node.value.strip()}` per item"
    return ""
