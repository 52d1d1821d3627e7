"""## What it does
Finds one write statement per loop item: `execute` of INSERT / UPDATE / DELETE / REPLACE /
UPSERT SQL (literals, f-strings, concatenations, names bound to them, `text(...)`, and
SQLAlchemy Core `insert()` / `update()` / `delete()`), Django `Model.objects.create /
get_or_create / update_or_create`, `obj.save()` / `obj.delete()` (and the async forms,
`acreate`, `asave()`...), queryset `.update()` /
`.delete()` per item, Django admin's `LogEntry.objects.log_action()`, SQLAlchemy
`session.add` / `merge` followed by a `flush` in the same loop pass (followed by a
`commit`, it is TL103's finding), the Query API's bulk `session.query(Model).filter(...)
.delete()` / `.update({...})` (one statement, run at once), pymongo `insert_one /
update_one / replace_one / delete_one`, and calls to project functions that do one of
these.

A receiver is a database API by its type: an import, an initialiser, an annotation, a
queryset's or related manager's items (`for book in Book.objects.filter(...)`:
`book.save()`), a session from a `sessionmaker()`, an engine or `object_session(obj)`,
also one another module of the project binds or a project helper returns (a method of the
model itself, or of a related model reached through a to-one field: `for plugin in
self.placeholder.get_plugins(): plugin.save()`). A receiver known only by its name
(`session`, `cursor`, `conn`, `db`, `.save()` on an object of unknown type in a file that
imports Django) is the name tier: reported only with `--preview`, as `heuristic`.

## Why it hurts throughput
Each statement is a round trip and, outside a batch, its own parse, plan and log write.
The batched forms send many rows per round trip: thousands of rows per second become
tens of thousands.

What to use depends on the driver:
- sqlite3: `executemany()` (no per-call overhead);
- psycopg2: `psycopg2.extras.execute_values()` or `execute_batch()`: psycopg2's own
  `executemany()` is documented as no faster than a loop;
- psycopg 3: `cursor.executemany()` (pipelined);
- PyMySQL / mysqlclient: `executemany()` rewrites an INSERT into multi-row VALUES;
- Django: `bulk_create()`, `bulk_update()`, one `filter(...).update()`;
- SQLAlchemy 2.0: `session.add()` per item is fine (the flush batches INSERTs,
  "insertmanyvalues"); only a `flush()` / `commit()` per item is the problem. One
  statement per item becomes one call: `execute(insert(table), list_of_dicts)`,
  `execute(update(Model), list_of_dicts)` (bulk UPDATE by primary key, or `bindparam()`
  criteria on a Core table), one `delete(table).where(table.c.id.in_(ids))`;
- pymongo: `insert_many()`, `bulk_write()`.

It does not matter for a handful of rows, or when each write must be visible before
the next one is computed. DDL in a loop (creating a few tables) is not reported, nor is a
write that runs at most once per loop: in a retry loop (`for attempt in range(n): ...
break`), on an exit path (`except ...: undo(); return`), or under a batch guard
(`if len(pending) >= batch_size: session.flush()`), nor a loop that is the fallback
arm of a bulk path (`if can_bulk: X.objects.bulk_create(rows) else: for row in rows:
row.save()`), nor an INSERT whose generated key the loop reads for each row
(`r = conn.execute(ins, row)` then `r.inserted_primary_key`, `cur.lastrowid`, or the
row of its `RETURNING` clause: `cur.fetchone()`, asyncpg's `fetchval()` value):
`executemany` gives no keys back. Set-based SQL that picks its own
rows (`UPDATE ... WHERE id IN (SELECT ... LIMIT 1000)` until no row changes, or
`INSERT ... SELECT` with no parameters) writes many rows per pass and is not reported.

## Example
```python
import sqlite3

def save(conn: sqlite3.Connection, rows):
    for row in rows:
        conn.execute("INSERT INTO t (a, b) VALUES (?, ?)", row)
```

## Use instead
```python
import sqlite3

def save(conn: sqlite3.Connection, rows):
    conn.executemany("INSERT INTO t (a, b) VALUES (?, ?)", rows)
```

## Fix safety
A loop in a function whose body is only `cursor.execute(<same SQL>, params)` (optionally
after assignments that build `params`, one statement per line) becomes
`cursor.executemany(SQL, [params for row in rows])`. It is safe only when these facts
are established: the loop's input is a list or tuple built before the loop (a generator,
a parameter or the cursor itself could see the rows written so far, or yield one object
mutated between items); the parameters are names and literals (a subscript, attribute,
operator or call can raise or act, and would then do so before any row is written); the
cursor's `lastrowid` / `rowcount` / results are not read after the loop, and the cursor
is a local `x.cursor()` or a connection; the statement's first keyword (after comments)
is INSERT, UPDATE, DELETE or REPLACE; a row that fails keeps the rows before it, as in
the loop (not so on pymysql / MySQLdb / mysql-connector, which send an INSERT's rows as
one multi-row statement, nor on psycopg 3 in autocommit mode, which sends them as one
pipeline, nor on Django's connection, in autocommit mode outside `atomic()`: there the
fix is unsafe; psycopg 3 is safe on a connection the function opens without autocommit,
never switches (`set_autocommit`) and hands to no call before the loop ends, or inside
`with conn.transaction():` of the cursor's own connection (another connection's block
leaves it in autocommit) / `transaction.atomic()` of the cursor's database (`using`);
every driver is unsafe with a cursor or connection class given to `cursor()` /
`connect(factory=...)` / `cursor_factory=` (or sqlite3's sixth positional argument, or
set as `conn.cursor_factory = ...`), or defined in the module with its own `execute` or
`executemany` (a connection handed in may be one), which the rewrite's `executemany`
bypasses; where the function does not open the connection itself (a parameter, a global,
a helper's connection), such a class anywhere in the project (also through project
bases, `class Audit(app.db.Base)`) makes the fix unsafe, and so does Django's
`execute_wrapper` registered in any module (it sees one `executemany` instead of each
`execute`); SQL in
a local the function binds more than once is unsafe (the statement the loop runs may
not be the one quoted); on Django's connection and psycopg 3 a row that may be `None`
is unsafe (`execute` takes it for no parameters); on Django's connection, SQL with
`%(name)s` parameters is unsafe unless every row is a tuple or list display or a dict
display with the same string keys: its sqlite backend takes the parameter names from
the first row only, and rows that are not tuple, list or dict displays are unsafe there,
as a `None` row means "no parameters" to `execute` and is rejected by `executemany`). A
statement with `RETURNING` is declined (`execute` leaves its row to be read, which keeps
the statement in progress; `executemany` discards it). Parameters that read a name the
function does not bind (a global, a name of an enclosing function, a builtin's name the
module binds, as in `id = 0`) are unsafe: the writes may rebind it between items, while
the comprehension reads it for every row first; so is SQL in a global that the module
binds more than once or declares `global` (the loop reads it per row, `executemany`
once), and parameters that read a local not bound on every path before the loop
(`if tagged: tag = ...`: the comprehension raises `NameError` where the loop raised
`UnboundLocalError`). A module that registers a callback on a connection
(`create_function`, `create_aggregate`, `create_window_function`, `create_collation`,
`set_authorizer`, `set_progress_handler`, `set_trace_callback`, `add_notice_handler`,
and Django's `execute_wrapper`) makes the fix unsafe: the database runs it per statement
or row, and it may change what the loop reads (the input, a global) or see each call.
A loop whose header is continued with a backslash (`for row in rows: \\`) gets no fix:
its body is not a block the rewrite can replace. A connection parameter is trusted by
its annotation only when the function never rebinds it, and `list(...)` only when `list`
is the builtin. Django's query log (`connection.queries`, `CaptureQueriesContext`, and so
`assertNumQueries`) records one `executemany` entry instead of one per row: fewer
statements is what the fix is for, and tests that count them change. Over no items the
loop sends nothing, while
`executemany(sql, [])` still prepares the SQL (sqlite3 raises if it is invalid) and
begins a transaction (sqlite3, psycopg 3): a list built under a name is guarded
(`if rows: cursor.executemany(...)`); any other input that may be empty (a comprehension
in the `for`, a parameter) cannot be guarded (a generator is always true, an array's
truth raises), so the fix is unsafe there. A fact that cannot be established makes the fix
unsafe (the reason is in its description); a fact that rules it out (a result read after
the loop, a `WITH` statement, parameters that read the cursor, the loop iterating the
cursor) declines it, with the reason in `--diff` and JSON. psycopg2's `executemany` is
no faster, so there an INSERT literal with one `VALUES (%s, ...)` becomes
`psycopg2.extras.execute_values(cur, "... VALUES %s", [...])` instead: always unsafe,
the SQL text changes; declined for an upsert (`ON CONFLICT ... DO UPDATE`), as one
multi-row INSERT cannot update a key twice. A psycopg 3 connection's `execute()` gets no
fix (the connection has no `executemany()`; its cursor's does), and a value read in an
f-string is not inlined. `Model.objects.create(...)` alone in such a loop becomes one
`bulk_create([...])`: unsafe, as `save()` and signals no longer run, a failing row
stores none of the rows (the loop kept those before it), and every object is built, its
fields' `default=` callables and `pre_save()` run, and the loop's input is read, before
any row is stored (a number or position read from the table is the same for all; a
generator that reads the table does not see the new rows);
declined for a multi-table-inheritance child (Django refuses it), which the project index
tells from the model's bases in whatever module they are, through abstract models and
proxies, and for a manager of the project with its own `create()`, which would not run.

Measured (`bench/fixes.py`, bench/README.md): `executemany` on sqlite3 10,000 rows: 1.4x,
on PostgreSQL (psycopg 3) 10,000 rows: 4.9x; `execute_values` on PostgreSQL (psycopg2)
10,000 rows: 5.2x; `bulk_create` on Django + sqlite 1,000 rows: 231x.

## Options
- `write-functions`: qualified names of in-house functions that write a row.
- `connection-factories`: qualified names of in-house connection constructors.

## References
- https://www.psycopg.org/docs/extras.html#fast-execution-helpers
- https://www.psycopg.org/psycopg3/docs/advanced/pipeline.html
- https://docs.djangoproject.com/en/stable/ref/models/querysets/#bulk-create
- https://docs.sqlalchemy.org/en/20/core/connections.html#engine-insertmanyvalues
"""

from __future__ import annotations

import ast
import re
from dataclasses import replace

from throughlint.diagnostics import Applicability, Fix
from throughlint.effects import Effect
from throughlint.effects.database import (
    WRITE_VERBS,
    DbCall,
    article,
    classify_call,
    per_table_statement,
    receiver_per_item,
)
from throughlint.fixes import BULK_CREATE, offers
from throughlint.index.facts import add_pending
from throughlint.rules.base import FixAvailability, Rule
from throughlint.rules.n_plus_one_query import DB_TRIGGERS
from throughlint.rules.through_helpers import (
    helper_call,
    model_method_call,
    related_manager_call,
    typed_by_index,
)
from throughlint.semantic.expressions import child_nodes, source_text, walk_nodes
from throughlint.semantic.loops import Loop, describe_loop, is_batch_loop
from throughlint.semantic.per_call import takes_group
from throughlint.semantic.per_pass import not_per_item, per_item_loop, runs_once

RULE = Rule(
    code="TL102",
    name="per-item-write",
    summary="One INSERT / UPDATE / DELETE per loop item",
    fix=FixAvailability.SOMETIMES,
    triggers=DB_TRIGGERS,
    options=("write-functions", "connection-factories"),
    uses_index=True,
    doc=__doc__ or "",
    bad=(
        """\
import sqlite3


def save(conn: sqlite3.Connection, rows):
    for row in rows:
        conn.execute("INSERT INTO t (a, b) VALUES (?, ?)", row)  # expect: TL102
""",
        """\
import psycopg2

conn = psycopg2.connect("dbname=shop")
TABLE = "prices"


def update_prices(prices):
    cur = conn.cursor()
    for sku, price in prices.items():
        cur.execute(f"UPDATE {TABLE} SET price = %s WHERE sku = %s", (price, sku))  # expect: TL102
""",
        """\
from shop.models import Book, Stock


def import_books(rows):
    for row in rows:
        Book.objects.create(title=row["title"])  # expect: TL102
    for book in Book.objects.filter(stock=0):
        book.available = False
        book.save()  # expect: TL102
    for sku in rows:
        Stock.objects.filter(sku=sku).update(count=0)  # expect: TL102
""",
        """\
from sqlalchemy.orm import Session

from app.models import Event


def record(session: Session, events):
    for data in events:
        session.add(Event(**data))  # expect: TL102
        session.flush()
""",
        """\
from pymongo import MongoClient

events = MongoClient().app.events


def store(docs):
    for doc in docs:
        events.insert_one(doc)  # expect: TL102
""",
    ),
    good=(
        """\
import sqlite3


def save(conn: sqlite3.Connection, rows):
    conn.executemany("INSERT INTO t (a, b) VALUES (?, ?)", rows)
""",
        """\
from shop.models import Book


def import_books(rows):
    Book.objects.bulk_create([Book(title=row["title"]) for row in rows])
""",
        """\
from sqlalchemy.orm import Session

from app.models import Event


def record(session: Session, events):
    for data in events:
        session.add(Event(**data))
    session.commit()
""",
    ),
    near_miss=(
        """\
import sqlite3


def add_all(conn: sqlite3.Connection, rows):
    # each row's generated id is kept: executemany would not give them back
    cur = conn.cursor()
    ids = []
    for row in rows:
        cur.execute("INSERT INTO t (a) VALUES (?)", row)
        ids.append(cur.lastrowid)
    return ids
""",
        """\
import sqlite3


def create_tables(conn: sqlite3.Connection, names):
    for name in names:
        conn.execute(f"CREATE TABLE IF NOT EXISTS {name} (id INTEGER PRIMARY KEY)")
""",
        """\
import sqlite3


def save(conn: sqlite3.Connection, rows):
    for batch in chunks(rows, 500):
        conn.execute("INSERT INTO t SELECT * FROM staging LIMIT 500")
""",
        """\
from sqlalchemy.orm import Session

from app.models import Event


def record(session: Session, events, batch_size=500):
    pending = []
    for data in events:
        pending.append(data)
        session.add(Event(**data))
        if len(pending) >= batch_size:
            session.flush()
            pending.clear()
""",
        """\
from PIL import Image


def thumbnails(paths):
    for path in paths:
        Image.open(path).save(path + ".png")
""",
        """\
from shop.models import Book


def restock(ids_by_shelf):
    # one UPDATE per shelf, each covering every book of it: a loop over groups
    for shelf, book_ids in ids_by_shelf.items():
        Book.objects.filter(pk__in=book_ids).update(shelf=shelf)
""",
    ),
)


@RULE.on(ast.Call)
def check(checker, node: ast.Call) -> None:
    model = checker.semantic
    loop = per_item_loop(model)
    if loop is None:
        return
    found = classify_call(model, node, checker.settings)
    if (
        found is None
        or not found.effect & Effect.WRITE
        or (
            found.batch
            and found.method
            not in (
                "add",
                "merge",
            )
        )
    ):
        return
    if found.framework in ("dbapi", "sqlalchemy") and found.method == "execute":
        if found.verb not in WRITE_VERBS or _set_based(found.sql, node):
            return
    elif found.framework == "sqlalchemy":
        if found.method == "flush":
            return  # reported at the add / merge it flushes
        if found.method in ("add", "merge"):
            # a ``flush()`` after it in the same pass (a ``commit()`` is TL103's finding)
            if not model.loop_facts(loop).flushed_after(node.lineno):
                return
            if not _flushed_in_same_pass(model, node, loop):
                return  # another object's flush, or one under a batch guard
        elif found.method != "merge":
            return
    if is_batch_loop(loop) or runs_once(model, loop):
        return
    if receiver_per_item(model, node) or per_table_statement(model, node):
        return
    if takes_group(loop, node):
        return  # one statement per group the loop yields (``pk__in=ids``): already batched
    if _key_read_per_pass(model, node, loop, found):
        return  # each row's generated key is used: the loop needs one INSERT per row
    facts = checker.index_facts
    if facts is not None:
        key = ("TL102", node.lineno)
        if key in facts.seen:
            return
        facts.seen.add(key)
    message = (
        f"{_what(found)} on every pass of {describe_loop(loop)}: N round trips; {advice(found)}"
    )
    fix = _fix(checker, node, loop, found)
    if fix is not None and fix.kind == BULK_CREATE and facts is not None:
        created = model.resolve(node.func.value.value)  # type: ignore[attr-defined]
        if created is not None:
            # whether the model supports ``bulk_create`` depends on its bases, which may
            # be in other modules: decided by the project-level check below
            add_pending(
                checker,
                node,
                "bulk-create",
                message=message,
                model=created,
                manager=node.func.value.attr,  # type: ignore[attr-defined]
                shown=source_text(node.func.value.value),  # type: ignore[attr-defined]
                fix=[fix.applicability.value, fix.description, fix.kind, fix.declined],
            )
            return
    if (
        facts is not None
        and not found.origin
        and offers.executemany_waits_for_project(model, node, fix)
        and (found.confidence == "typed" or checker.settings.heuristics)
    ):
        # project code in another module may see each statement: decided by the
        # project-level check below
        add_pending(
            checker,
            node,
            "executemany",
            message=message,
            fix=[fix.applicability.value, fix.description, fix.kind, fix.declined],  # type: ignore[union-attr]
            confidence=found.confidence,
        )
        return
    checker.report_call(RULE, node, message, fix, found)


def _fix(checker, node: ast.Call, loop: Loop, found: DbCall):
    """The fixes and the exact conditions they need are in ``fixes/offers.py``."""
    model = checker.semantic
    if found.framework == "dbapi" and found.method == "execute":
        written = checker.source.segment(node.args[0]) if node.args else None
        return offers.executemany(
            model, node, loop, found.driver, found.sql, written, checker.source.line
        )
    if found.framework == "django" and found.method == "create":
        return offers.bulk_create(model, node, loop, checker.source.line)
    return None


@RULE.on_project("bulk-create")
def check_bulk_create(index, pending: dict) -> list:
    """``Model.objects.create(...)`` alone in a loop: its ``bulk_create`` fix, declined
    when the project's index shows that the model extends a concrete model."""
    applicability, description, kind, declined = pending["fix"]
    fix = Fix(Applicability(applicability), description, kind, declined)
    parent = index.concrete_parent(pending["model"])
    fix = offers.bulk_create_for_model(fix, pending["shown"], parent)
    manager = pending.get("manager", "objects")
    if fix.offered and index.manager_defines(pending["model"], manager, "create"):
        reason = (
            f"`{pending['shown']}.{manager}` has its own `create()`, which `bulk_create` "
            "would not run"
        )
        fix = replace(fix, kind="", declined=reason)
    return [(pending["message"], None, fix)]


@RULE.on_project("executemany")
def check_executemany(index, pending: dict) -> list:
    """A loop of ``execute`` calls on a connection from outside the function: its safe
    ``executemany`` fix, made unsafe where the project has code that sees each ``execute``
    (a connection class with its own, a wrapper registered on a connection)."""
    applicability, description, kind, declined = pending["fix"]
    fix = Fix(Applicability(applicability), description, kind, declined)
    interceptor = index.statement_interceptor()
    fix = offers.executemany_for_project(fix, interceptor.reason() if interceptor else "")
    return [(pending["message"], None, fix, pending.get("confidence", "typed"))]


def _what(found: DbCall) -> str:
    if found.sql:
        sql = " ".join(found.sql.split())
        sql = sql if len(sql) <= 50 else sql[:47] + "..."
        return f"`{found.api}` runs `{sql}`"
    if found.verb:
        return f"`{found.api}` runs {article(found.verb)} {found.verb}"
    return f"`{found.api}` writes"


def advice(found: DbCall) -> str:
    """What to use instead, right for the driver."""
    if found.framework == "django":
        return {
            "create": "collect the objects and call `bulk_create()` once",
            "save": "collect the objects and call `bulk_update(objs, fields)` "
            "(or `bulk_create` for new rows) once",
            "update": "update all rows with one `filter(pk__in=...).update(...)` "
            "or `bulk_update()`",
            "delete": "delete all rows with one `filter(pk__in=...).delete()`",
            "log_action": "log them all with one `LogEntry.objects.log_actions(...)` (Django "
            "5.1) or one `bulk_create()`",
        }.get(found.method, "batch with `bulk_create()` / `bulk_update()`")
    if found.framework == "sqlalchemy":
        if found.method in ("add", "merge"):
            return (
                "add all objects and flush / commit once after the loop (SQLAlchemy 2.0 "
                "batches the INSERTs at flush)"
            )
        return _sqlalchemy_advice(found.verb, textual=found.sql is not None)
    if found.framework == "pymongo":
        return "use `insert_many()` / `bulk_write()`"
    driver = found.driver
    if driver == "psycopg2":
        return (
            "use `psycopg2.extras.execute_values()` or `execute_batch()` "
            "(psycopg2's `executemany()` is no faster than a loop)"
        )
    if driver == "psycopg":
        return "use `cursor.executemany()` once (psycopg 3 pipelines it)"
    if driver in ("pymysql", "MySQLdb", "mysql"):
        if found.verb == "DELETE":
            return "use one `DELETE ... WHERE id IN (...)` (`executemany()` deletes row by row)"
        if found.verb == "UPDATE":
            return (
                "use one `UPDATE ... WHERE id IN (...)`, or a join on a table of the new "
                "values (`executemany()` updates row by row)"
            )
        return "use `executemany()` once (it sends a multi-row INSERT)"
    if driver == "sqlite3":
        return "collect the parameters and call `executemany()` once"
    return "collect the parameters and call `executemany()` once (or a multi-row statement)"


def _sqlalchemy_advice(verb: str | None, *, textual: bool) -> str:
    """The batched form of one SQLAlchemy statement per item, by its verb."""
    if verb == "DELETE":
        if textual:
            return (
                "delete all rows with one `DELETE ... WHERE id IN :ids` "
                '(`bindparam("ids", expanding=True)`)'
            )
        return "delete all rows with one `execute(delete(table).where(table.c.id.in_(ids)))`"
    if verb == "UPDATE":
        if textual:
            return "pass every row to one call: `execute(text(...), [params, ...])` (executemany)"
        return (
            "pass every row to one call: `execute(update(Model), [dict, ...])` (bulk UPDATE by "
            "primary key), or for a Core table `execute(update(table).where(table.c.id == "
            'bindparam("b_id")), [params, ...])` (executemany)'
        )
    if textual:
        return "pass all rows to one call: `execute(text(...), [params, ...])` (executemany)"
    return "pass all rows at once: `execute(insert(table), [dict, ...])` (insertmanyvalues)"


_SUBQUERY_LIMIT = re.compile(r"\bSELECT\b.*\bLIMIT\b", re.IGNORECASE | re.DOTALL)


def _set_based(sql: str | None, call: ast.Call) -> bool:
    """The statement picks its own rows with a query: ``UPDATE ... WHERE id IN (SELECT ...
    LIMIT n)`` (a chunk per pass, as in ``while cur.rowcount:``), or ``INSERT ... SELECT``
    with no parameters. One pass writes many rows, not one item."""
    if not sql:
        return False
    if _SUBQUERY_LIMIT.search(sql):
        return True
    return "SELECT" in sql.upper() and len(call.args) < 2 and not call.keywords


# what a statement's result or cursor tells about the row it inserted
_GENERATED_KEYS = frozenset({"inserted_primary_key", "lastrowid"})
# reading the rows a statement's ``RETURNING`` clause sends back
_FETCHES = frozenset({"fetchone", "fetchall", "fetchmany", "fetchval", "fetchrow", "first"})
_FETCHES |= {"one", "one_or_none", "scalar", "scalar_one", "scalar_one_or_none", "scalars"}
_FETCHES |= {"fetch", "fetch_one", "fetch_all", "fetch_val"}
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


def _key_read_per_pass(model, call: ast.Call, loop: Loop, found: DbCall) -> bool:
    """The loop reads what the database generated for this statement's row, through the
    result (``r = conn.execute(ins, row)``, then ``r.inserted_primary_key``), the cursor
    (``cur.lastrowid``), or the rows of its ``RETURNING`` clause (``cur.fetchone()``
    after ``INSERT ... RETURNING id``, ``.returning(...)`` in SQLAlchemy, the value of
    asyncpg's ``fetchval``): each item needs its own row's values, which ``executemany``
    does not give back."""
    if not isinstance(call.func, ast.Attribute):
        return False
    bound, dropped = _statement_use(model, call)
    returning = bool(found.sql and _RETURNING.search(found.sql)) or ".returning(" in (
        source_text(call)
    )
    if found.method != "execute":
        # ``fetchval("INSERT ... RETURNING id")``: the call's value is the row's
        return returning and found.method in _FETCHES and not dropped
    keys, fetched = _generated_key_reads(model, loop.node)
    if not keys and not fetched:
        return False
    names = {source_text(call.func.value), source_text(call)}
    if bound is not None:
        names.add(bound)
    if names & keys and found.verb not in ("UPDATE", "DELETE"):
        return True  # (an UPDATE generates no key: ``lastrowid`` tells nothing of it)
    return returning and bool(names & fetched)


def _statement_use(model, call: ast.Call) -> tuple[str | None, bool]:
    """The name the call's value is bound to by its statement (``r = conn.execute(...)``,
    also awaited), and whether the statement drops it (the call alone as a statement)."""
    statement = model.node_stack[-1] if model.node_stack else None
    if not isinstance(statement, ast.Expr | ast.Assign):
        return None, False
    value = statement.value.value if isinstance(statement.value, ast.Await) else statement.value
    if value is not call:
        return None, False
    if isinstance(statement, ast.Expr):
        return None, True
    targets = statement.targets
    return (
        targets[0].id if len(targets) == 1 and isinstance(targets[0], ast.Name) else None
    ), False


_INNER_LOOPS = (ast.For, ast.AsyncFor, ast.While)


def _generated_key_reads(model, loop: ast.AST) -> tuple[frozenset[str], frozenset[str]]:
    """What the loop's body reads a generated key of (``r`` for ``r.lastrowid``) and what
    it fetches rows from (``cur`` for ``cur.fetchone()``): once per loop, which every
    write in it asks. A loop nested in it adds its own answer instead of being walked
    again, so loops nested deep cost one walk of the function, not one per level."""
    known = model.memo("TL102.generated_keys")
    found = known.get(loop)
    if found is None:
        keys: set[str] = set()
        fetched: set[str] = set()
        # a comprehension's element (and its conditions) is its body
        body = getattr(loop, "body", None)
        todo: list[ast.AST] = list(body) if isinstance(body, list) else [loop]
        while todo:
            node = todo.pop()
            if node is not loop and isinstance(node, _INNER_LOOPS):
                inner_keys, inner_fetched = _generated_key_reads(model, node)
                keys |= inner_keys
                fetched |= inner_fetched
                header = [node.test] if isinstance(node, ast.While) else [node.target, node.iter]
                todo.extend([*header, *node.orelse])
                continue
            if isinstance(node, ast.Attribute) and node.attr in _GENERATED_KEYS:
                keys.add(source_text(node.value))
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _FETCHES
            ):
                fetched.add(source_text(node.func.value))
            todo.extend(child_nodes(node))
        found = known[loop] = (frozenset(keys), frozenset(fetched))
    return found


def _flushed_in_same_pass(model, call: ast.Call, loop: Loop) -> bool:
    """A ``flush()`` of the same session after the ``add`` in the same pass of the loop,
    not under a batch guard or on an exit path (a ``commit()`` there is TL103's
    finding)."""
    if not isinstance(call.func, ast.Attribute):
        return False
    session = source_text(call.func.value)
    return any(
        line > call.lineno and receiver == session
        for line, receiver in _per_item_flushes(model, loop)
    )


def _per_item_flushes(model, loop: Loop) -> list[tuple[int, str]]:
    """Where the loop's body flushes on every pass, and which session: found once per
    loop (every ``add`` in it asks)."""
    known = model.memo("TL102.flushes")
    found = known.get(loop.node)
    if found is None:
        found = known[loop.node] = [
            (node.lineno, source_text(node.func.value))
            for statement in getattr(loop.node, "body", ())
            for node in walk_nodes(statement)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "flush"
            and not not_per_item(loop, node)
        ]
    return found


RULE.on_project("call")(helper_call(Effect.WRITE, "writes a row", "N writes"))
RULE.on_project("typed-by-index")(typed_by_index(RULE.code))
RULE.on_project("method")(model_method_call(Effect.WRITE, "writes a row", "N writes"))
RULE.on_project("manager")(related_manager_call(writes=True))


@RULE.on_project("sql")
def check_imported_statement(index, pending: dict) -> list:
    """``execute(NAME, ...)`` in a hot loop, ``NAME`` an INSERT / UPDATE / DELETE of
    another module."""
    verb, sql = index.statement(pending["statement"])
    if verb not in WRITE_VERBS:
        return []
    found = DbCall(Effect.WRITE, pending["framework"], "execute", pending["driver"], verb, sql)
    short = pending["statement"].rsplit(".", 1)[-1]
    return [
        (
            f"`{pending['api']}` runs `{short}` ({article(verb)} {verb}) on every pass of "
            f"{pending['loop']}: N round trips; {advice(found)}",
            None,
            None,
        )
    ]
