"""## What it does
Finds a transaction committed on every pass of a loop: `commit()` on a DB-API connection
or a SQLAlchemy session / connection, `django.db.transaction.commit()`, and per-pass
`with transaction.atomic():`, `with session.begin():`, `with engine.begin():` and
`with sqlite3_connection:` blocks; also calls to project functions that commit
(including functions decorated with `@transaction.atomic`). Django's
`transaction.commit()` and `connection.commit()` count only in a module that turns
autocommit off (`transaction.set_autocommit(False)`): under Django's default autocommit
they commit nothing, and each write before them has already committed (TL102 reports
the writes; `transaction.atomic()` around the loop is the fix).

A receiver is a database API by its type: an import, an initialiser, an annotation, a
queryset's or related manager's items, a session from a `sessionmaker()`, an engine or
`object_session(obj)`, also one another module of the project binds or a project helper
returns. A receiver known only by its name (`session`, `cursor`, `conn`, `db`) is the
name tier: reported only with `--preview`, as `heuristic`.

A commit under a batch condition (`if i % 500 == 0:`, `if len(batch) >= size:`) is the
right pattern and is not reported, nor is a loop over batches (`for chunk in chunks`, or
a loop whose every write on a pass writes many rows at once: one `executemany` of a
file's rows per file), a loop that is the fallback arm of a bulk path (`if fast:
query.delete() else: for row in query.all(): ...`), a retry loop, a commit on an exit
path (`except ...: conn.commit(); return`), or a `transaction.atomic()` block nested in
an outer one (a savepoint: nothing commits until the outer block ends), including the
atomic block of a helper called inside an outer `transaction.atomic()` block or
function.

## Why it hurts throughput
A commit waits for the write-ahead log to reach the disk (an `fsync`): a few hundred
per second on most storage, however small the transaction. Committing per item caps the
loop at that rate; one transaction, or one per few thousand rows, removes the cap.

It does not matter when each item must be durable on its own before the next one
starts (a queue consumer acknowledging per message), or when the loop is short.

## Example
```python
import sqlite3

def save(conn: sqlite3.Connection, rows):
    for row in rows:
        conn.execute("INSERT INTO t VALUES (?)", (row,))
        conn.commit()
```

## Use instead
```python
import sqlite3

def save(conn: sqlite3.Connection, rows):
    with conn:
        conn.executemany("INSERT INTO t VALUES (?)", [(row,) for row in rows])
```

## Fix safety
When the commit call is the last statement of a `for` loop body (no `break`,
`continue`, `return` or `yield` in the loop, no `else:`), an unsafe fix moves it after
the loop; when the same commit already follows the loop, it is dropped from the loop
instead (its comments stay), so no second, empty commit is written. Unsafe: it changes
what survives a failure half-way (all or nothing instead of the rows so far), holds
one transaction (and its locks) for the whole loop, commits work done before the loop
even when the loop has no items (where no commit ran before), and no longer expires a
SQLAlchemy session's objects on each pass (a value a trigger changed is read stale).
Declined (not even with `--unsafe-fixes`) when the connection is bound inside the loop
(each pass commits its own connection: only the last would), or when the body drives the
transaction itself (`try`, `rollback()`, `BEGIN` / `SAVEPOINT`, a `with` block), also
through a function of the module it hands the connection to (`save(conn, row)` that
rolls back a duplicate would drop every earlier row).

Measured (`bench/fixes.py`): one commit instead of one per row on sqlite3, 1,000 rows:
810x.

## Options
- `commit-functions`: qualified names of in-house functions that commit.
- `connection-factories`: qualified names of in-house connection constructors.

## References
- https://www.sqlite.org/faq.html#q19
- https://docs.djangoproject.com/en/stable/topics/db/transactions/
- https://docs.sqlalchemy.org/en/20/orm/session_transaction.html
"""

from __future__ import annotations

import ast

from throughlint.diagnostics import Fix
from throughlint.effects import Effect
from throughlint.effects.database import (
    DbCall,
    _driver_of,
    classify_call,
    is_engine,
    receiver_per_item,
)
from throughlint.fixes import offers
from throughlint.index.facts import project_callee
from throughlint.rules.base import FixAvailability, Rule
from throughlint.rules.n_plus_one_query import DB_TRIGGERS
from throughlint.rules.through_helpers import helper_call, model_method_call, typed_by_index
from throughlint.semantic.batching import is_batch_test
from throughlint.semantic.expressions import source_text, walk_same_function
from throughlint.semantic.loops import Loop, describe_loop, is_batch_loop
from throughlint.semantic.per_pass import per_item_loop, runs_once

RULE = Rule(
    code="TL103",
    name="commit-in-loop",
    fix=FixAvailability.SOMETIMES,
    summary="A transaction committed on every loop pass",
    triggers=DB_TRIGGERS,
    options=("commit-functions", "connection-factories"),
    uses_index=True,
    doc=__doc__ or "",
    bad=(
        """\
import sqlite3


def save(conn: sqlite3.Connection, rows):
    for row in rows:
        conn.execute("INSERT INTO t VALUES (?)", (row,))
        conn.commit()  # expect: TL103
""",
        """\
from django.db import transaction

from shop.models import Order


def close(orders):
    for order in orders:
        with transaction.atomic():  # expect: TL103
            order.close()
""",
        """\
from sqlalchemy.orm import Session


def mark(session: Session, users):
    for user in users:
        user.active = False
        session.commit()  # expect: TL103
""",
        """\
from sqlalchemy import create_engine, text

engine = create_engine("sqlite://")


def store(rows):
    for row in rows:
        with engine.begin() as conn:  # expect: TL103
            conn.execute(text("UPDATE t SET seen = 1 WHERE id = :id"), {"id": row})
""",
    ),
    good=(
        """\
import sqlite3


def save(conn: sqlite3.Connection, rows):
    for row in rows:
        conn.execute("INSERT INTO t VALUES (?)", (row,))
    conn.commit()
""",
        """\
from django.db import transaction


def close(orders):
    with transaction.atomic():
        for order in orders:
            order.close()
""",
    ),
    near_miss=(
        """\
import sqlite3


def save(conn: sqlite3.Connection, rows):
    for i, row in enumerate(rows):
        conn.execute("INSERT INTO t VALUES (?)", (row,))
        if i % 1000 == 0:
            conn.commit()
    conn.commit()
""",
        """\
from sqlalchemy.orm import Session


def load(session: Session, rows, size=500):
    pending = []
    for row in rows:
        pending.append(row)
        if len(pending) >= size:
            session.add_all(pending)
            session.commit()
            pending.clear()
""",
        """\
from django.db import transaction


def close(orders):
    with transaction.atomic():
        for order in orders:
            with transaction.atomic():
                order.close()
""",
        """\
import git


def tag(repo: git.Repo, messages):
    for message in messages:
        repo.index.commit(message)
""",
    ),
)

_ATOMIC = frozenset({"django.db.transaction.atomic()", "django.db.transaction.atomic"})


@RULE.on(ast.Call)
def check_call(checker, node: ast.Call) -> None:
    model = checker.semantic
    loop = per_item_loop(model)
    if loop is None:
        return
    found = classify_call(model, node, checker.settings)
    if found is None or not found.effect & Effect.COMMIT or found.method == "begin":
        return
    if receiver_per_item(model, node):
        return
    fix = offers.commit_after_loop(model, node, loop, checker.source.line)
    _report(checker, node, loop, f"`{found.api}`", fix, found)


@RULE.on(ast.With, ast.AsyncWith)
def check_with(checker, node: ast.AST) -> None:
    model = checker.semantic
    loop = per_item_loop(model)
    if loop is None:
        return
    for item in node.items:  # type: ignore[attr-defined]
        context = item.context_expr
        name = model.resolve(context)
        if name in _ATOMIC:
            if not _within_atomic(model, item):
                _report(checker, context, loop, "`with transaction.atomic()`")
            return
        if (
            isinstance(context, ast.Call)
            and isinstance(context.func, ast.Attribute)
            and context.func.attr == "begin"
        ):
            what = f"`with {source_text(context.func)}()`"
            if is_engine(model, context.func.value):
                _report(checker, context, loop, what)
                return
            origin = model.resolve(context.func.value)
            if project_callee(origin) and not origin.endswith(("()", "[]")):  # type: ignore[union-attr]
                # ``SessionLocal.begin()``, a sessionmaker of another module: the index says
                found = DbCall(Effect.COMMIT, "sqlalchemy", "begin", "sqlalchemy", origin=origin)  # type: ignore[arg-type]
                _report(checker, context, loop, what, None, found)
                return
        if (
            name is not None
            and name.startswith("sqlite3")
            and name.endswith("connect()")
            and _driver_of(name, checker.settings)
        ):
            _report(checker, context, loop, "`with conn:` (it commits on exit)")
            return


def _report(
    checker, node: ast.AST, loop: Loop, what: str, fix: Fix | None = None, found=None
) -> None:
    if is_batch_loop(loop) or _batch_guarded(checker, loop) or runs_once(checker.semantic, loop):
        return
    if _writes_batches(checker, loop):
        return  # each pass writes a batch (``executemany`` of a file's rows): a commit per batch
    message = (
        f"{what} commits on every pass of {describe_loop(loop)}: N commits, each waiting "
        f"for the log to reach the disk; commit once after the loop, or every few "
        f"thousand items (`if i % 1000 == 0`)"
    )
    if found is not None:
        checker.report_call(RULE, node, message, fix, found)
    else:
        checker.report(RULE, node, message, fix)


def _writes_batches(checker, loop: Loop) -> bool:
    """Every write on a pass of the loop is a call that writes many rows at once
    (``executemany``, ``bulk_create``, ``execute_values``...), and there is one: the loop
    is over batches (a file of rows per pass), so its commits are one per batch. Worked
    out once per loop."""
    model = checker.semantic
    known = model.memo("TL103.writes_batches")
    if loop.node not in known:
        writes = [
            found
            for node in walk_same_function(loop.node)
            if isinstance(node, ast.Call)
            and (found := classify_call(model, node, checker.settings)) is not None
            and found.effect & Effect.WRITE
        ]
        known[loop.node] = bool(writes) and all(_many_rows(found) for found in writes)
    return known[loop.node]


def _many_rows(found) -> bool:
    """A call that writes many rows at once: not a SQLAlchemy ``add`` / ``delete`` of one
    object, which is buffered (``batch``) only until the commit beside it flushes it."""
    return found.batch and not (
        found.framework == "sqlalchemy" and found.method in ("add", "delete")
    )


def _within_atomic(model, item: ast.withitem) -> bool:
    """Inside an outer ``transaction.atomic()`` (a ``with`` block or the decorator of the
    function): the inner block is a savepoint, and nothing commits until the outer ends."""
    for outer in model.frame.withs:
        if outer is not item and model.resolve(outer.context_expr) in _ATOMIC:
            return True
    function = model.function
    decorators = getattr(function, "decorator_list", ())
    return any(model.resolve(decorator) in _ATOMIC for decorator in decorators)


def _batch_guarded(checker, loop: Loop) -> bool:
    """Inside the body of an ``if`` (within the loop) whose test looks like a batch
    condition, along the walk's path from the loop to the node being checked."""
    return checker.semantic.fold_path(loop.node, "TL103.batch_guarded", False, _guard_step)


def _guard_step(guarded: bool, parent: ast.AST, child: ast.AST) -> bool:
    return guarded or (
        isinstance(parent, ast.If) and _in_body(parent, child) and _is_batch_test(parent.test)
    )


def _in_body(statement: ast.If, child: ast.AST) -> bool:
    """``child`` (a child of ``statement``) is in its body: not its test, not in ``else``."""
    if not isinstance(child, ast.stmt):
        return False
    orelse = statement.orelse
    return not orelse or (child.lineno, child.col_offset) < (orelse[0].lineno, orelse[0].col_offset)


def _is_batch_test(test: ast.expr) -> bool:
    return is_batch_test(test)


RULE.on_project("call")(helper_call(Effect.COMMIT, "commits a transaction", "N commits"))
RULE.on_project("typed-by-index")(typed_by_index(RULE.code))
RULE.on_project("method")(model_method_call(Effect.COMMIT, "commits a transaction", "N commits"))
