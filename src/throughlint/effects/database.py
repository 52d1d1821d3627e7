"""Database effects of a call (DB-API drivers, Django ORM, SQLAlchemy, pymongo).

A call is classified from its resolved name (``semantic.model.resolve``) and, for
``execute``, from the SQL it runs (a literal, an f-string, a concatenation, a name bound
to one of those, ``text(...)``, or a SQLAlchemy Core ``insert()/update()/delete()/
select()`` construct). ``classify_call`` says what the call is (the rules need the driver,
the verb and the API name for their messages); ``database_effects`` is its ``Effect``.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from throughlint.apis import DB_CONNECTION_FACTORIES
from throughlint.effects.kinds import Effect
from throughlint.semantic.callee_names import related_method
from throughlint.semantic.container_types import annotated_item
from throughlint.semantic.expressions import dotted_name, unparse_short
from throughlint.semantic.global_rebinds import rebound_global
from throughlint.semantic.parameter_origin import parameter_attribute, parameter_origin
from throughlint.semantic.properties import index_attribute
from throughlint.semantic.scope import BindingKind, class_def_of

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel
    from throughlint.settings import Settings


@dataclass(frozen=True, slots=True)
class DbCall:
    """One database call. ``framework`` is ``dbapi``, ``django``, ``sqlalchemy``,
    ``pymongo`` or ``custom``; ``driver`` the module that runs it (``sqlite3``,
    ``psycopg2``...; empty when unknown); ``verb`` the SQL verb when known; ``lazy`` a
    Django queryset being built (a query only once evaluated); ``batch`` an API that
    already does many rows in one call; ``confidence`` is ``heuristic`` when only a name
    says it is a database call (a receiver called ``session`` or ``cursor``, ``.save()``
    in a file that imports Django), else ``typed``."""

    effect: Effect
    framework: str
    method: str
    driver: str = ""
    verb: str | None = None
    sql: str | None = None
    lazy: bool = False
    batch: bool = False
    api: str = ""
    confidence: str = "typed"
    # a name-tier call whose receiver is a project value (``SessionLocal()`` imported
    # from ``app.db``, an item of a project helper's result): the resolved receiver,
    # for the project index to type (``ProjectIndex.database_value``)
    origin: str = ""
    # the name alone makes it a database call (the name tier, ``--preview``); False when
    # only the index can say (``.save()`` in a file that does not import Django)
    named: bool = True


# --- SQL text --------------------------------------------------------------------------

_STDLIB = frozenset(sys.stdlib_module_names)
_VERB = re.compile(r"^\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*|\(\s*)*([A-Za-z]+)", re.DOTALL)
READ_VERBS = frozenset({"SELECT", "WITH", "SHOW", "EXPLAIN", "VALUES", "TABLE"})
WRITE_VERBS = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE", "UPSERT", "MERGE"})
DDL_VERBS = frozenset(
    {"CREATE", "ALTER", "DROP", "TRUNCATE", "GRANT", "REVOKE", "COMMENT", "VACUUM", "ANALYZE"}
)
TRANSACTION_VERBS = frozenset({"COMMIT", "BEGIN", "ROLLBACK", "SAVEPOINT", "RELEASE", "END"})
_ALL_VERBS = READ_VERBS | WRITE_VERBS | DDL_VERBS | TRANSACTION_VERBS | {"PRAGMA", "SET"}

_CORE_CONSTRUCTS = {
    "sqlalchemy.select": "SELECT",
    "sqlalchemy.insert": "INSERT",
    "sqlalchemy.update": "UPDATE",
    "sqlalchemy.delete": "DELETE",
    "sqlalchemy.sql.select": "SELECT",
    "sqlalchemy.sql.insert": "INSERT",
    "sqlalchemy.sql.update": "UPDATE",
    "sqlalchemy.sql.delete": "DELETE",
    "sqlalchemy.sql.expression.select": "SELECT",
    "sqlalchemy.sql.expression.insert": "INSERT",
    "sqlalchemy.sql.expression.update": "UPDATE",
    "sqlalchemy.sql.expression.delete": "DELETE",
    "sqlalchemy.future.select": "SELECT",
    "sqlalchemy.dialects.postgresql.insert": "INSERT",
    "sqlalchemy.dialects.sqlite.insert": "INSERT",
    "sqlalchemy.dialects.mysql.insert": "INSERT",
    # SQLModel re-exports SQLAlchemy's (its ``select`` is typed for ``session.exec``)
    "sqlmodel.select": "SELECT",
    "sqlmodel.insert": "INSERT",
    "sqlmodel.update": "UPDATE",
    "sqlmodel.delete": "DELETE",
    "sqlmodel.sql.expression.select": "SELECT",
}
_TABLE_CONSTRUCT_METHODS = {
    "insert": "INSERT",
    "update": "UPDATE",
    "delete": "DELETE",
    "select": "SELECT",
}
_TEXT_CONSTRUCTS = frozenset(
    {"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text", "sqlmodel.text"}
)


def _added_parts(node: ast.BinOp) -> list[ast.expr]:
    """The operands of a chain of ``+``, left to right, without recursion (a chain of
    thousands is a deep tree)."""
    parts: list[ast.expr] = []
    pending: list[ast.expr] = [node]
    while pending:
        part = pending.pop()
        if isinstance(part, ast.BinOp) and isinstance(part.op, ast.Add):
            pending += [part.right, part.left]
        else:
            parts.append(part)
    return parts


def sql_text(model: SemanticModel, node: ast.expr | None, depth: int = 0) -> str | None:
    """The SQL an expression holds, with ``?`` for parts not known statically."""
    if node is None or depth > 4:
        return None
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            else:
                parts.append("?")
        return "".join(parts)
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Mod):
            return sql_text(model, node.left, depth + 1)
        if isinstance(node.op, ast.Add):
            # a concatenation of any length is one step: ``"... = " + a + " AND b = " + b``
            texts = [sql_text(model, part, depth + 1) for part in _added_parts(node)]
            if all(text is None for text in texts):
                return None
            return "".join(text or "?" for text in texts)
        return None
    if isinstance(node, ast.Name):
        binding = model.lookup(node.id)
        if binding is not None and binding.value is not None and binding.kind.value == "assignment":
            return sql_text(model, binding.value, depth + 1)
        return None
    if isinstance(node, ast.Attribute):
        value = _class_constant(model, node)
        return sql_text(model, value, depth + 1) if value is not None else None
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "format":
            return sql_text(model, func.value, depth + 1)
        name = model.resolve(func)
        if name in _TEXT_CONSTRUCTS and node.args:
            return sql_text(model, node.args[0], depth + 1)
    return None


def _class_constant(model: SemanticModel, node: ast.Attribute) -> ast.expr | None:
    """``self.INSERT_SQL``, ``cls.INSERT_SQL``, ``Repo.INSERT_SQL``: what the class body of
    a class of this file binds to that name."""
    if not isinstance(node.value, ast.Name):
        return None
    binding = model.lookup(node.value.id)
    if binding is None:
        return None
    if binding.kind is BindingKind.SELF:
        class_def = binding.owner
    elif binding.kind is BindingKind.CLASS:  # the class itself, or a classmethod's ``cls``
        class_def = class_def_of(binding)
    else:
        return None
    for statement in class_def.body if class_def is not None else ():
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and statement.targets[0].id == node.attr
        ):
            return statement.value
    return None


def sql_verb(sql: str | None) -> str | None:
    if not sql:
        return None
    match = _VERB.match(sql)
    if match is None:
        return None
    verb = match.group(1).upper()
    if verb == "WITH":  # the statement after the CTEs says what it does
        verb = _verb_after_ctes(sql, match.end()) or "WITH"
    return verb if verb in _ALL_VERBS else None


_CTE_WORD = re.compile(r"\s*(?:--[^\n]*\n|/\*.*?\*/|\s)*(\w+|\"[^\"]*\"|`[^`]*`|[(),])", re.DOTALL)


def _verb_after_ctes(sql: str, position: int) -> str | None:
    """The keyword of the main statement of ``WITH a AS (...), b AS (...) <verb>``,
    skipping each CTE's parenthesized body (quotes and nesting respected)."""
    while True:
        match = _CTE_WORD.match(sql, position)
        if match is None:
            return None
        word, position = match.group(1), match.end()
        upper = word.upper()
        if word == "(":
            position = _close_paren(sql, position)
            if position < 0:
                return None
        elif upper in ("RECURSIVE", "AS", "NOT", "MATERIALIZED", ",", ")"):
            continue
        elif upper in _ALL_VERBS and upper != "WITH" and not _before_paren(sql, position):
            return upper
        # a CTE name (then its column list or AS follows)


def _before_paren(sql: str, position: int) -> bool:
    """The next token is ``AS`` or ``(``: the word was a CTE name, not the statement."""
    match = _CTE_WORD.match(sql, position)
    return match is not None and match.group(1).upper() in ("AS", "(")


def _close_paren(sql: str, position: int) -> int:
    depth, quote = 1, ""
    while position < len(sql):
        char = sql[position]
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return -1


def statement_verb(
    model: SemanticModel, node: ast.expr | None, depth: int = 0
) -> tuple[str | None, str | None]:
    """(verb, sql) of what ``execute`` is given: SQL text or a SQLAlchemy construct."""
    if node is None or depth > 4:
        return None, None
    sql = sql_text(model, node)
    if sql is not None:
        return sql_verb(sql), sql
    if isinstance(node, ast.Name):
        binding = model.lookup(node.id)
        if binding is not None and binding.value is not None and binding.kind.value == "assignment":
            return statement_verb(model, binding.value, depth + 1)
        return None, None
    root = node
    while isinstance(root, ast.Call) and isinstance(root.func, ast.Attribute):
        inner = root.func.value
        if not isinstance(inner, ast.Call):
            verb = _TABLE_CONSTRUCT_METHODS.get(root.func.attr)
            # ``table.insert()`` handed to ``execute``: a Core construct even when the
            # table itself cannot be resolved (``list.insert`` needs arguments)
            if verb is not None and (_is_table(model, inner) or not root.args):
                return verb, None
            break
        root = inner
    if isinstance(root, ast.Call):
        name = model.resolve(root.func)
        if name in _CORE_CONSTRUCTS:
            return _CORE_CONSTRUCTS[name], None
        if name in _TEXT_CONSTRUCTS and root.args:
            sql = sql_text(model, root.args[0])
            return sql_verb(sql), sql
    return None, None


def _is_table(model: SemanticModel, node: ast.expr) -> bool:
    name = model.resolve(node)
    return name is not None and (
        name.startswith(("sqlalchemy.Table(", "sqlalchemy.schema.Table("))
        or name.endswith(".__table__")
    )


# --- receivers -------------------------------------------------------------------------

_DBAPI_EXTRA_ORIGINS = {
    "django.db.connection": "django",
    "django.db.connections[]": "django",
    "sqlite3.Connection": "sqlite3",
    "sqlite3.Cursor": "sqlite3",
    "psycopg.Connection": "psycopg",
    "psycopg.Cursor": "psycopg",
    "psycopg2.extensions.cursor": "psycopg2",
    "asyncpg.Pool": "asyncpg",
    "asyncpg.pool.Pool": "asyncpg",
    "asyncpg.Connection": "asyncpg",
    "asyncpg.connection.Connection": "asyncpg",
    "aiosqlite.Connection": "aiosqlite",
    "aiosqlite.core.Connection": "aiosqlite",
    "databases.Database": "databases",  # encode/databases (FastAPI, Starlette)
    "databases.core.Database": "databases",
}
# reads of a statement's rows, first row or first value: asyncpg's, encode/databases'
ROW_FETCHES = frozenset({"fetch", "fetchrow", "fetchval", "fetch_one", "fetch_all", "fetch_val"})
_FETCHING_DRIVERS = frozenset({"asyncpg", "databases"})
# a ``class Hero(SQLModel, table=True)``'s base, as the project index records it
SQLMODEL_TABLE = "sqlmodel.SQLModel(table=True)"
_SQLALCHEMY_ORIGINS = (
    "sqlalchemy.create_engine()",
    "sqlalchemy.engine.create_engine()",
    "sqlalchemy.ext.asyncio.create_async_engine()",
    "sqlalchemy.orm.Session()",
    "sqlalchemy.orm.session.Session()",
    "sqlalchemy.orm.sessionmaker()",
    "sqlalchemy.orm.session.sessionmaker()",
    "sqlalchemy.orm.scoped_session()",
    "sqlalchemy.orm.scoping.scoped_session()",
    # the session an object belongs to (``sa.orm.object_session(obj)``)
    "sqlalchemy.orm.object_session()",
    "sqlalchemy.orm.session.object_session()",
    "sqlalchemy.orm.Session.object_session()",
    "sqlalchemy.orm.session.Session.object_session()",
    "sqlalchemy.ext.asyncio.AsyncSession()",
    "sqlalchemy.ext.asyncio.async_sessionmaker()",
    "sqlalchemy.engine.Engine()",
    "sqlalchemy.engine.Connection()",
    "sqlalchemy.Engine()",
    "sqlalchemy.Connection()",
    "flask_sqlalchemy.SQLAlchemy().session",
    "flask_sqlalchemy.extension.SQLAlchemy().session",
    # SQLModel's session and engine are SQLAlchemy's (subclass and re-export)
    "sqlmodel.Session()",
    "sqlmodel.orm.session.Session()",
    "sqlmodel.create_engine()",
    "sqlmodel.ext.asyncio.session.AsyncSession()",
)
_SESSION_NAMES = frozenset({"session", "db_session", "dbsession", "sess", "async_session"})
_ENGINE_NAMES = frozenset({"engine", "db_engine", "async_engine"})
_NOT_DATABASES = (
    "requests", "httpx", "aiohttp", "urllib3", "boto3", "botocore", "redis", "git", "flask",
    "builtins", "kafka", "elasticsearch", "werkzeug", "starlette", "fastapi", "django.http",
)  # fmt: skip


def _named(receiver: str | None, receiver_node: ast.expr, names: frozenset[str]) -> bool:
    """Known only by its name (``session``, ``cursor``...): unresolved, or resolved to a
    project object we cannot see into, and not an HTTP session or request attribute."""
    if _receiver_name(receiver_node) not in names:
        return False
    if isinstance(receiver_node, ast.Attribute) and _receiver_name(receiver_node.value) in (
        "request",
        "req",
    ):
        return False
    if receiver is None:
        return True
    root = receiver.split(".", 1)[0]
    if _from_module(receiver, _APP_HELD):
        return True  # ``current_app.db.session``: an object the app holds, not flask's own
    return not _from_module(receiver, _NOT_DATABASES) and root not in _STDLIB


# Objects a web app hangs on the framework's globals (``current_app.appbuilder.session``,
# ``g.db_session``): the framework says nothing about what they are, so their names count.
_APP_HELD = ("flask.current_app", "flask.g")


def app_global(name: str | None) -> bool:
    """``flask.g.db``: an attribute of Flask's request global, which the app binds
    (``g.db = sqlite3.connect(...)``) and the index types from that binding."""
    return name is not None and name.startswith("flask.g.") and name.count(".") == 2


def _from_module(name: str, modules: tuple[str, ...]) -> bool:
    """``name`` is in one of ``modules`` or below it, by dotted segments (``flask`` is not
    ``flask_appbuilder``, ``git`` is not ``github``)."""
    return any(
        name == module or name.startswith((module + ".", module + "(")) for module in modules
    )


_CURSOR_NAMES = frozenset(
    {"cursor", "cur", "curs", "conn", "connection", "con", "db_conn", "dbconn"}
)


def _driver_of(receiver: str | None, settings: Settings) -> str | None:
    """The DB-API driver a resolved receiver (connection or cursor) comes from."""
    if receiver is None:
        return None
    for factory in (*DB_CONNECTION_FACTORIES, *settings.connection_factories):
        if receiver.startswith(factory + "()"):
            if factory.startswith("sqlalchemy") or factory.startswith(("pymongo", "motor")):
                return None
            return factory.split(".")[0] if factory in DB_CONNECTION_FACTORIES else "custom"
    for origin, driver in _DBAPI_EXTRA_ORIGINS.items():
        if receiver.startswith(origin):
            return driver
    return None


def _is_sqlalchemy(receiver: str | None) -> bool:
    return receiver is not None and receiver.startswith(_SQLALCHEMY_ORIGINS)


def _receiver_name(node: ast.expr) -> str | None:
    """The last plain name of a receiver: ``self.db.session`` -> ``session``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


# --- Django ----------------------------------------------------------------------------

DJANGO_LAZY = frozenset(
    {
        "all", "filter", "exclude", "order_by", "select_related", "prefetch_related",
        "values", "values_list", "annotate", "alias", "only", "defer", "distinct", "using",
        "reverse", "none", "union", "intersection", "difference", "select_for_update",
        "extra", "dates", "datetimes", "complex_filter",
    }
)  # fmt: skip
DJANGO_READ = frozenset(
    {
        "get", "first", "last", "count", "exists", "aggregate", "in_bulk", "latest",
        "earliest", "contains", "explain", "iterator", "raw",
    }
)  # fmt: skip
DJANGO_WRITE = frozenset({"create", "get_or_create", "update_or_create", "update", "delete"})
DJANGO_BULK = frozenset({"bulk_create", "bulk_update"})
# Django's async ORM (4.1+): ``await Book.objects.aget(pk=pk)``, ``await book.asave()``
DJANGO_ASYNC = {
    f"a{method}": method
    for method in (DJANGO_READ | DJANGO_WRITE | DJANGO_BULK | {"save", "refresh_from_db"})
    - {"raw", "iterator"}
}
DJANGO_MANAGERS = ("objects", "_default_manager", "_base_manager")
DJANGO_TRANSACTION_COMMITS = frozenset(
    {"django.db.transaction.commit", "django.db.transaction.atomic"}
)


def django_manager_chain(name: str) -> tuple[str, list[str]] | None:
    """``app.models.Book.objects.filter().first`` -> (``app.models.Book``, [filter, first])."""
    for manager in DJANGO_MANAGERS:
        marker = f".{manager}."
        index = name.find(marker)
        if index > 0:
            rest = name[index + len(marker) :]
            if "[]" in rest.rpartition(".")[0]:
                return None  # an attribute of a row, not the manager's chain
            owner = name[:index]
            if owner.endswith("()") and owner[:-2].rpartition(".")[2][:1].isupper():
                return None  # ``Builder().objects``: Django's managers are on the class only
            return owner, [part.rstrip("()[]") for part in rest.split(".")]
    return None


# --- SQLAlchemy / pymongo --------------------------------------------------------------

SQLALCHEMY_READ = frozenset({"query", "get", "scalar", "scalars", "get_one", "refresh"})
SQLALCHEMY_WRITE = frozenset(
    {"merge", "bulk_save_objects", "bulk_insert_mappings", "bulk_update_mappings"}
)
SQLALCHEMY_FLUSH = frozenset({"flush"})
PYMONGO_READ = frozenset(
    {"find_one", "count_documents", "find_one_and_update", "distinct", "aggregate"}
)
PYMONGO_WRITE = frozenset(
    {
        "insert_one",
        "update_one",
        "replace_one",
        "delete_one",
        "find_one_and_replace",
        "find_one_and_delete",
    }
)
PYMONGO_BATCH = frozenset({"insert_many", "update_many", "delete_many", "bulk_write"})
_PYMONGO_ORIGINS = ("pymongo.MongoClient()", "motor.motor_asyncio.AsyncIOMotorClient()")

# Flask-SQLAlchemy's query property, ``User.query.filter_by(name=n).first()``: what runs
# a statement (a read, or one bulk UPDATE / DELETE)
MODEL_QUERY_READ = frozenset(
    {"get", "first", "one", "one_or_none", "all", "count", "scalar", "get_or_404",
     "first_or_404", "one_or_404", "paginate"}
)  # fmt: skip
MODEL_QUERY_WRITE = frozenset({"update", "delete"})

# Methods worth a look at all: a fast first test before resolving anything.
_METHODS = (
    {"execute", "executemany", "executescript", "commit", "save", "begin", "flush", "add"}
    | DJANGO_LAZY | DJANGO_READ | DJANGO_WRITE | DJANGO_BULK | SQLALCHEMY_READ | SQLALCHEMY_WRITE
    | PYMONGO_READ | PYMONGO_WRITE | PYMONGO_BATCH | {"find", "add_all", "delete"}
    | MODEL_QUERY_READ | {"log_action", "exec", "execute_many"} | ROW_FETCHES
    | DJANGO_ASYNC.keys()
)  # fmt: skip


def classify_call(model: SemanticModel, call: ast.Call, settings: Settings) -> DbCall | None:
    """What database work ``call`` does, or None. Several rules ask about the same call in
    a row during the one walk, so the last answer is kept, in the file's model (nothing
    of one lint outlives it)."""
    last = model.memo("classify_call")
    if last.get("call") is call:
        return last["result"]
    result = _classify(model, call, settings)
    if result is not None and result.confidence == HEURISTIC and not result.origin:
        origin = _project_value(model, call)  # what it is decides, when a module says
        if not origin:
            if not (result.named and name_tier(settings)):
                origin = _parameter_value(model, call)  # else the name tier reports it
            if isinstance(call.func, ast.Attribute) and call.func.attr == "query":
                origin = either(origin, query_entity_origin(model, call))  # db.query(User)
        if origin:
            result = replace(result, origin=origin)
        elif not (result.named and name_tier(settings)):
            result = None
    if (
        result is not None
        and (result.framework != "django" or result.method in ("save", "delete"))
        and not isinstance(call.func, ast.Name)
        and not (result.method == "execute" and result.api.endswith(_QUERY_DML_APIS))
    ):
        result = replace(result, api=f"{unparse_short(call.func, 40)}()")
    last["call"], last["result"] = call, result
    return result


def _runs_its_statement(class_def: ast.ClassDef, method: str) -> bool:
    """``method`` of a class of this file is a wrapper that hands its SQL on to a
    database call (``def execute(self, sql, params=()): return self.conn.execute(sql,
    params)``): its caller's statement text says what runs, as it would for the same
    class imported from another module."""
    if method not in ("execute", "executemany"):
        return False
    for statement in class_def.body:
        if not (isinstance(statement, ast.FunctionDef) and statement.name == method):
            continue
        parameters = [argument.arg for argument in statement.args.args[1:2]]
        return bool(parameters) and any(
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("execute", "executemany")
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id == parameters[0]
            for node in ast.walk(statement)
        )
    return False


def _module_objects(model: SemanticModel, receiver_node: ast.expr) -> bool:
    """``pydash.objects`` after ``import pydash``, or ``objects`` imported by name (``from
    pydash import objects``): a module or a module's object, never a model class's
    manager, which is an attribute of the class."""
    if isinstance(receiver_node, ast.Attribute) and receiver_node.attr in DJANGO_MANAGERS:
        owner = receiver_node.value
        if not isinstance(owner, ast.Name):
            return False
        binding = model.lookup(owner.id)
        return (
            binding is not None
            and binding.kind is BindingKind.IMPORT
            and isinstance(binding.node, ast.Import)
        )
    if isinstance(receiver_node, ast.Name):
        binding = model.lookup(receiver_node.id)
        return (
            binding is not None
            and binding.kind is BindingKind.IMPORT
            and (binding.qualified or "").rpartition(".")[2] in DJANGO_MANAGERS
        )
    return False


def _own_manager(model: SemanticModel, receiver: str | None) -> bool:
    """``Registry.objects.all()`` with ``Registry`` a class of this file that no library
    class is a base of: an ``objects`` attribute of the user's own, not a Django
    manager."""
    if receiver is None:
        return False
    for manager in DJANGO_MANAGERS:
        index = receiver.find(f".{manager}")
        if index > 0 and receiver[index + len(manager) + 1 : index + len(manager) + 2] in ".(":
            return model.own_class(receiver[:index] + "()") is not None
    return False


MODEL_INSTANCE = "django.db.models.Model()"
_MODEL_BASES = frozenset({"django.db.models.Model", "django.db.models.base.Model"})
TO_ONE_FIELDS = frozenset(
    {
        "django.db.models.ForeignKey()",
        "django.db.models.OneToOneField()",
        "django.db.models.fields.related.ForeignKey()",
        "django.db.models.fields.related.OneToOneField()",
    }
)


def _local_model_row(model: SemanticModel, receiver: str | None) -> str | None:
    """A receiver that starts with an instance of a Django model of this file (``self``
    in its methods, ``Order(...)``), spelt from a model instance
    (``django.db.models.Model().lines.all()[]``); else None."""
    if receiver is None or not receiver.startswith(model.module + "."):
        return None
    end = receiver.find("()")
    if end < 0:
        return None
    head, rest = receiver[: end + 2], receiver[end + 2 :]
    class_def = model.instance_class(head)
    if class_def is None or not _django_model_class(model, class_def):
        return None
    return MODEL_INSTANCE + rest


# calls that hand out a Django model class by its label: what they return, called, is a
# row (``User = get_user_model()`` ... ``User(email=e).save()``)
MODEL_LOADERS: tuple[str, ...] = (
    "django.contrib.auth.get_user_model()",
    "django.apps.apps.get_model()",
    "django.apps.registry.apps.get_model()",
    "swapper.load_model()",
)


def _loaded_model_row(receiver: str | None) -> str | None:
    """A receiver that starts with an instance of a model class a loader handed out
    (``swapper.load_model()()``), spelt from a model instance; else None."""
    if receiver is None:
        return None
    for loader in MODEL_LOADERS:
        if receiver.startswith(loader + "()"):
            return MODEL_INSTANCE + receiver[len(loader) + 2 :]
    return None


def _related_row(model: SemanticModel, receiver: str | None, node: ast.expr) -> str | None:
    """``self.request``: a to-one relation field of a model this file defines, read on an
    instance (its name resolves to the field's constructor): the related row."""
    if receiver not in TO_ONE_FIELDS or not isinstance(node, ast.Attribute):
        return None
    owner = model.resolve(node.value)
    return MODEL_INSTANCE if owner is not None and owner.endswith("()") else None


def _django_model_class(model: SemanticModel, class_def: ast.ClassDef, depth: int = 0) -> bool:
    """A class of this file that derives from ``django.db.models.Model`` (through classes
    of this file)."""
    for base in class_def.bases:
        name = model.resolve(base)
        if name in _MODEL_BASES:
            return True
        local = model.instance_class(f"{name}()") if name is not None else None
        if local is not None and depth < 8 and _django_model_class(model, local, depth + 1):
            return True
    return False


def _library_base(model: SemanticModel, receiver: str | None) -> str | None:
    """An instance of a class of this file that subclasses a database API
    (``class Session(sqlalchemy.orm.Session)``), as an instance of that API
    (``sqlalchemy.orm.Session()``); else None."""
    class_def = model.instance_class(receiver)
    if class_def is None:
        return None
    for base in class_def.bases:
        name = model.resolve(base)
        if name is not None and database_value(f"{name}()") is not None:
            return f"{name}()"
    return None


_MANAGER_BASES = frozenset(
    {
        "django.db.models.Manager",
        "django.db.models.manager.Manager",
        "django.db.models.manager.BaseManager",
        "django.db.models.QuerySet",
        "django.db.models.query.QuerySet",
    }
)


def _manager_self(model: SemanticModel, receiver: str | None) -> str | None:
    """``self.filter(...)`` in a method of a class of this file that subclasses Django's
    ``Manager`` or ``QuerySet``: a manager chain (``app.ProfileManager.objects.filter()``),
    as on a model's ``objects``; else None."""
    if receiver is None:
        return None
    head, _, rest = receiver.partition("()")
    class_def = model.instance_class(f"{head}()")
    if class_def is None:
        return None
    if not any(model.resolve(base) in _MANAGER_BASES for base in class_def.bases):
        return None
    return f"{head}.objects{rest}"


def _project_value(model: SemanticModel, call: ast.Call) -> str:
    """The receiver of ``call`` resolved to a value another module of the project may
    define (``app.db.SessionLocal()``, ``app.queries.recent()[]``); else ""."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return ""
    receiver = model.resolve(func.value)
    if receiver is None or "." not in receiver:
        return ""
    if receiver.partition("().")[0] + "()" in TO_ONE_FIELDS:
        related = _related_spelling(model, func.value)  # ``self.<to-one field>.method()``
        if related:
            return related
    if index_attribute(model, receiver):  # a property, ``current_app.appbuilder``
        return receiver
    if receiver.startswith(model.module + "."):
        # this module's own value: only what one of its functions returns (the index
        # keeps that too: ``for o in open_orders(): o.save()`` beside ``open_orders``),
        # or a global one of them binds (``global session; session = Session()``)
        own = _returned_by_own_function(model, receiver) or rebound_global(model, receiver)
        return receiver if own else ""
    root = receiver.split(".", 1)[0]
    if root in _STDLIB or _from_module(receiver, _NOT_DATABASES + _APP_HELD):
        return ""
    return receiver


def _related_spelling(model: SemanticModel, node: ast.expr) -> str:
    """``self.placeholder.get_plugins()`` in a method of a model of this file, or an item
    of it (a loop variable over it), as the project index names it:
    ``mod.Reference().placeholder.get_plugins()`` (``[]`` for an item), which it follows
    through the relation to the related model's method; "" for another spelling."""
    suffix = ""
    if isinstance(node, ast.Name):
        binding = model.lookup(node.id)
        if binding is None or binding.kind is not BindingKind.LOOP_VARIABLE:
            return ""
        node, suffix = binding.value, "[]"  # type: ignore[assignment]
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Attribute)
        and isinstance(node.func.value.value, ast.Name)
        and node.func.value.value.id == "self"
    ):
        return ""
    owner = model.resolve(node.func.value.value)
    if owner is None or not owner.endswith("()"):
        return ""
    return f"{related_method(owner[:-2], node.func.value.attr, node.func.attr)}(){suffix}"


def _returned_by_own_function(model: SemanticModel, receiver: str) -> bool:
    """``receiver`` (``mod.open_orders()`` or an item of it, ``mod.open_orders()[]``) is
    the result of a module-level function of this module, or of a method called on an
    instance of one of its classes, maybe through a relation
    (``mod.Reference().placeholder.get_plugins()[]``): the index keeps what each returns.
    Not a class's attribute or the instance itself."""
    rest = receiver[len(model.module) + 1 :]
    called = rest.removesuffix("[]")
    name, _, tail = called.partition("()")
    if not called.endswith("()") or "." in name:
        return False
    binding = model.module_scope.bindings.get(name)
    if binding is None:
        return False
    if binding.kind is BindingKind.FUNCTION:
        return not tail
    return binding.kind is BindingKind.CLASS and tail.startswith(".")


def _parameter_value(model: SemanticModel, call: ast.Call) -> str:
    """The receiver of ``call`` spelt from a parameter of the function (``book`` of ``for
    book in books``, ``books`` a parameter), or an attribute the class binds to one
    (``self.conn``, ``self.conn = conn`` in ``__init__``): its callers' arguments type it;
    else ""."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return ""
    return parameter_origin(model, func.value) or parameter_attribute(model, func.value) or ""


def parameter_pending(found: DbCall, settings: Settings) -> bool:
    """``found`` is known to be a database call only once the index types the parameter
    its receiver comes from (and the name tier does not count it): nothing of its own for
    the walk's other questions (a statement of another module it runs)."""
    return "@" in found.origin and not (found.named and name_tier(settings))


def name_tier(settings: Settings) -> bool:
    """Whether calls known to be database calls only by a name (a receiver called
    ``session`` or ``cursor``, ``.save()`` in a file that imports Django) count: a preview
    tier (``--preview``), and never with ``heuristics = false``."""
    return settings.preview and settings.heuristics


def database_effects(model: SemanticModel, call: ast.Call, settings: Settings) -> Effect:
    found = classify_call(model, call, settings)
    if found is None or (found.origin and not (found.named and name_tier(settings))):
        return Effect.NONE  # only the project index could type it: no effect of its own
    return found.effect


# objects whose attributes are database APIs (``db.session``), kept by the index so that
# another module's ``from app import db`` is typed
DATABASE_HANDLES = ("flask_sqlalchemy.SQLAlchemy()", "flask_sqlalchemy.extension.SQLAlchemy()")


def database_value(value: str | None) -> str | None:
    """``value`` (a resolved name) when it is a database API value worth the project
    index's keeping: a SQLAlchemy engine, session or session factory, a DB-API
    connection, a Django queryset or instance; else None."""
    if value is None or value.startswith("builtins."):
        return None
    if _is_sqlalchemy(value) or _is_django_instance(value):
        return value
    if value.startswith(DATABASE_HANDLES):  # ``db = SQLAlchemy()``: ``db.session`` is one
        return value
    if any(value.startswith(factory + "()") for factory in DB_CONNECTION_FACTORIES):
        return value
    chain = django_manager_chain(value + ".x")
    if chain is not None and value.endswith("()") and chain[1][-2] in DJANGO_LAZY:
        return value  # a queryset: its items are instances
    return None


def typed_value(framework: str, value: str) -> bool:
    """``value``, what the project index says a name-tier call's receiver is
    (``sqlalchemy.orm.sessionmaker()()``), is a database API of ``framework``: the call
    is typed."""
    if framework == "django":
        return _is_django_instance(value)
    if framework == "sqlalchemy":
        return _is_sqlalchemy(value)
    return _is_sqlalchemy(value) or any(
        value.startswith(factory + "()") for factory in DB_CONNECTION_FACTORIES
    )


def _classify(model: SemanticModel, call: ast.Call, settings: Settings) -> DbCall | None:
    func = call.func
    if settings.query_functions or settings.write_functions or settings.commit_functions:
        custom = _custom(model, func, settings)
        if custom is not None:
            return custom
    if isinstance(func, ast.Name):
        name = model.resolve(func)
        if name in DJANGO_TRANSACTION_COMMITS and name.endswith("commit"):
            return _django_commit(model, "transaction.commit()")
        if name == "django.shortcuts.get_object_or_404":
            return DbCall(Effect.READ, "django", "get", "django", api="get_object_or_404()")
        return None
    if not isinstance(func, ast.Attribute) or func.attr not in _METHODS:
        return None
    method = func.attr
    receiver_node = func.value
    if method in _QUERY_DML:
        root = _query_root(receiver_node)
        if root is not None:
            return _query_dml(model, root, method)
    elif method == "query" and id(call) in _unrun_roots(model):
        return None  # the chain's own ``delete()`` / ``update()`` runs, or nothing here
    receiver = model.resolve(receiver_node)
    own = model.own_class(receiver) or model.own_class(annotated_item(model, receiver_node))
    if (own is not None and not _runs_its_statement(own, method)) or _own_manager(model, receiver):
        return None  # a user's own ``Session`` / ``Cursor``: its name says nothing
    if _module_objects(model, receiver_node):
        return None  # ``pydash.objects.get(row, path)``: a module's function
    managed = _manager_self(model, receiver)
    receiver = (
        _library_base(model, receiver)
        or managed
        or _local_model_row(model, receiver)
        or _loaded_model_row(receiver)
        or _related_row(model, receiver, receiver_node)
        or receiver
    )
    if method in ("execute", "executemany", "executescript"):
        return _execute(model, call, method, receiver, receiver_node, settings)
    if method == "execute_many" and _driver_of(receiver, settings) == "databases":
        return _execute(model, call, "executemany", receiver, receiver_node, settings)
    if method == "exec":
        return _sqlmodel_exec(model, call, receiver, receiver_node, settings)
    if method in ROW_FETCHES:
        return _row_fetch(model, call, method, receiver, receiver_node, settings)
    if method in DJANGO_ASYNC and receiver is not None:
        return _django_async(call, method, receiver)
    if method == "commit":
        return _commit(model, receiver, receiver_node, settings)
    if (
        method in PYMONGO_READ
        or method in PYMONGO_WRITE
        or method in PYMONGO_BATCH
        or method == "find"
    ):
        found = _pymongo(method, receiver)
        if found is not None:
            return found
    name = f"{receiver}.{method}" if receiver is not None else None
    if name is not None:
        chain = django_manager_chain(name)
        found = _django(chain, method, call) if chain is not None else None
        if found is not None and managed:  # ``self.filter().update()``, as written
            found = replace(found, api=f"{unparse_short(call.func, 40)}()")
        if chain is not None and (found is not None or method not in ("save", "delete")):
            return found  # else the row a ``get()`` returned, saved: below
        if _is_django_instance(receiver) and method in ("save", "delete") and not call.args:
            return DbCall(Effect.WRITE, "django", method, "django", api=f"obj.{method}()")
    if _is_sqlalchemy(receiver):
        return _sqlalchemy(call, method, receiver_node)
    if method in MODEL_QUERY_READ | MODEL_QUERY_WRITE and model_query(model, receiver_node):
        return _model_query_call(model, call, method)
    if _named(receiver, receiver_node, _SESSION_NAMES):
        return _by_name(_sqlalchemy(call, method, receiver_node))
    if (_session_only(call, method) or _entity_get(call, method)) and _untyped(
        receiver, receiver_node
    ):
        return _by_index(_sqlalchemy(call, method, receiver_node))
    if (
        method in ("save", "delete")
        and not call.args
        and not _no_commit(call)
        and not (isinstance(receiver_node, ast.Name) and receiver_node.id in ("self", "cls"))
        and (receiver is None or receiver.endswith(("[]", "()")))
        and not _stdlib_object(receiver)
    ):
        return DbCall(
            Effect.WRITE,
            "django",
            method,
            "django",
            api=f"obj.{method}()",
            confidence=HEURISTIC,
            named=model.imports_django,
        )
    return None


HEURISTIC = "heuristic"

# --- the legacy Query API's bulk statements ---------------------------------------------

# ``session.query(User).filter(...).delete()`` / ``.update({...})``: one DELETE / UPDATE,
# run at once (not buffered in the unit of work, as ``session.delete(obj)`` is)
_QUERY_DML = frozenset({"delete", "update"})
_QUERY_DML_APIS = ("...delete()", "...update()")


def _query_root(node: ast.expr) -> ast.Call | None:
    """The ``x.query(...)`` call a chain of method calls starts from
    (``x.query(User).filter(...).order_by(...)`` -> ``x.query(User)``), else None."""
    for _ in range(12):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            return None
        if node.func.attr == "query":
            return node
        node = node.func.value
    return None


def _query_dml(model: SemanticModel, root: ast.Call, method: str) -> DbCall | None:
    """The bulk DELETE / UPDATE of a query chain: typed when the session is; else for
    the index to type, by what the callers pass (a parameter) or by the entity the query
    names (a mapped class)."""
    found = DbCall(
        Effect.WRITE,
        "sqlalchemy",
        "execute",
        "sqlalchemy",
        verb=method.upper(),
        api=f"{unparse_short(root, 40)}...{method}()",
    )
    session = model.resolve(root.func.value)  # type: ignore[attr-defined]
    if model.own_class(session) is not None:
        return None
    if _is_sqlalchemy(session):
        return found
    origin = either(_parameter_value(model, root), query_entity_origin(model, root))
    if not origin:
        return None
    return replace(found, confidence=HEURISTIC, origin=origin, named=False)


ORIGIN_ALTERNATIVES = "|"


def either(*origins: str) -> str:
    """Origins of one receiver, any of which the project index may type
    (``ProjectIndex.database_value`` tries each): a parameter the callers pass, and the
    mapped class its ``query()`` names."""
    return ORIGIN_ALTERNATIVES.join(origin for origin in origins if origin)


def query_entity_origin(model: SemanticModel, call: ast.Call) -> str:
    """``x.query(User, ...)`` of any receiver: ``app.models.User.query``, the model's
    query as the project index spells it. A session is the only receiver whose
    ``query()`` takes a mapped class: the index confirms the class is one
    (``ProjectIndex.database_value``). Else ""."""
    if not call.args or not isinstance(call.args[0], (ast.Name, ast.Attribute)):
        return ""
    entity = model.resolve(call.args[0])
    if entity is None or "." not in entity or entity.endswith(("()", "[]")):
        return ""
    if not entity.rsplit(".", 1)[-1][:1].isupper():
        return ""
    return f"{entity}.query"


# what turns a query into part of another statement, run by nothing here
_QUERY_BUILDERS = frozenset(
    {"subquery", "cte", "exists", "scalar_subquery", "as_scalar", "label", "statement",
     "selectable", "correlate"}
)  # fmt: skip


def _unrun_roots(model: SemanticModel) -> frozenset[int]:
    """The ``query()`` calls of the statement being visited that run no query of their
    own: they start a bulk DELETE / UPDATE chain (the statement is that call's), or one
    that builds a subquery (``session.query(Tag.id).filter(...).subquery()``).
    Remembered per statement."""
    if not model.node_stack:
        return frozenset()
    statement = model.node_stack[-1]
    memo = model.memo("unrun_query_roots")
    found = memo.get(id(statement))
    if found is None or found[0] is not statement:
        roots = frozenset(
            id(root)
            for node in ast.walk(statement)
            if isinstance(node, ast.Attribute)
            and (node.attr in _QUERY_DML or node.attr in _QUERY_BUILDERS)
            and (root := _query_root(node.value)) is not None
        )
        found = memo[id(statement)] = (statement, roots)
    return found[1]


# methods of a SQLAlchemy session that a receiver of any name is asked about, when the
# project index can type it (``self.store.query(User)``, ``self.store`` bound from a
# parameter every caller passes a ``Session()`` to); ``add``, ``get`` and ``delete`` are
# every set's and dict's too, so those still need a session-like name (but for
# ``get(Model, pk)``: a class as the first argument is no dict's key)
_SESSION_ONLY = frozenset(
    {"query", "flush", "merge", "add_all", "scalars", "scalar", "get_one", "refresh"}
)


def _session_only(call: ast.Call, method: str) -> bool:
    """A method only a session has; ``scalar`` / ``scalars`` with a statement to run (a
    result's own ``scalar()``, ``execute(...).scalars()``, takes none)."""
    if method in ("scalar", "scalars"):
        return bool(call.args) and not isinstance(call.args[0], ast.Constant)
    return method in _SESSION_ONLY


def _entity_get(call: ast.Call, method: str) -> bool:
    """``s.get(User, pk)``: a session's look-up by key, told by its first argument, a
    class by its name (``User``, ``models.User``)."""
    if method != "get" or len(call.args) < 2:
        return False
    first = call.args[0]
    name = first.attr if isinstance(first, ast.Attribute) else getattr(first, "id", "")
    return name[:1].isupper() and not name.isupper()


def _by_name(found: DbCall | None) -> DbCall | None:
    """``found`` decided by the receiver's name alone: the heuristic tier."""
    return None if found is None else replace(found, confidence=HEURISTIC)


def _by_index(found: DbCall | None) -> DbCall | None:
    """``found`` only if the project index types the receiver (its origin, a project
    value or a parameter, ``classify_call``): no name says it is a database call."""
    return None if found is None else replace(found, confidence=HEURISTIC, named=False)


def model_query(model: SemanticModel, node: ast.expr) -> bool:
    """``node`` is a class's ``query`` attribute, or a chain of calls on it
    (``User.query.filter_by(name=n).order_by(User.id)``): Flask-SQLAlchemy's query
    property, when the project index finds the class a SQLAlchemy model."""
    for _ in range(12):
        if isinstance(node, ast.Call):
            node = node.func
        if not isinstance(node, ast.Attribute):
            return False
        if node.attr == "query" and isinstance(node.value, ast.Name):
            binding = model.lookup(node.value.id)
            return (
                binding is not None
                and binding.kind in (BindingKind.CLASS, BindingKind.IMPORT)
                and node.value.id[:1].isupper()
            )
        node = node.value
    return False


def _model_query_call(model: SemanticModel, call: ast.Call, method: str) -> DbCall | None:
    """A statement run through a model's query property, for the index to confirm (the
    class, a SQLAlchemy model: ``ProjectIndex.database_value``)."""
    receiver = model.resolve(call.func.value)  # type: ignore[attr-defined]
    if receiver is None or "." not in receiver:
        return None
    if method in MODEL_QUERY_WRITE:  # one bulk DELETE / UPDATE, run at once
        return DbCall(
            Effect.WRITE,
            "sqlalchemy",
            "execute",
            "sqlalchemy",
            verb=method.upper(),
            api=f"Model.query...{method}()",
            confidence=HEURISTIC,
            origin=receiver,
            named=False,
        )
    return DbCall(
        Effect.READ,
        "sqlalchemy",
        method,
        "sqlalchemy",
        api=f"Model.query.{method}()",
        confidence=HEURISTIC,
        origin=receiver,
        named=False,
    )


def _untyped(receiver: str | None, receiver_node: ast.expr) -> bool:
    """A receiver the walk cannot type but the project index may: not a standard-library
    object, not ``self`` itself."""
    if isinstance(receiver_node, ast.Name) and receiver_node.id in ("self", "cls"):
        return False
    return not _stdlib_object(receiver)


def _stdlib_object(receiver: str | None) -> bool:
    """An object a standard-library module made (``tempfile.SpooledTemporaryFile()``), not
    whatever ``getattr()`` or another builtin returned."""
    if receiver is None:
        return False
    root = receiver.split(".", 1)[0]
    return root in _STDLIB and root != "builtins"


def constructed_by_name(model: SemanticModel, call: ast.Call, found: DbCall | None) -> str | None:
    """``ctx = Canvas(...); ctx.save()`` taken for a model save by its name alone: the
    class constructed (``app.gfx.Canvas``), whose ``save`` the project index can tell
    (a model's save writes, a graphics context's does not); else None."""
    if found is None or found.framework != "django" or found.method not in ("save", "delete"):
        return None
    func = call.func
    if not isinstance(func, ast.Attribute):
        return None
    receiver = model.resolve(func.value)
    if receiver is None or not receiver.endswith("()") or receiver.startswith("django."):
        return None
    owner = receiver[:-2]
    if "(" in owner or "[" in owner or not owner.rpartition(".")[2][:1].isupper():
        return None
    if _is_django_instance(receiver):
        return None
    return owner


def _no_commit(call: ast.Call) -> bool:
    """``form.save(commit=False)`` builds an unsaved instance."""
    return any(
        item.arg == "commit" and isinstance(item.value, ast.Constant) and not item.value.value
        for item in call.keywords
    )


def _custom(model: SemanticModel, func: ast.expr, settings: Settings) -> DbCall | None:
    name = model.resolve(func)
    if name is None:
        return None
    candidates = {name, name.replace("().", ".")}
    short = dotted_name(func) or name
    if candidates & set(settings.commit_functions):
        return DbCall(Effect.COMMIT, "custom", "commit", api=f"{short}()")
    if candidates & set(settings.write_functions):
        return DbCall(Effect.WRITE, "custom", short, api=f"{short}()")
    if candidates & set(settings.query_functions):
        return DbCall(Effect.READ, "custom", short, api=f"{short}()")
    return None


def _execute(
    model: SemanticModel,
    call: ast.Call,
    method: str,
    receiver: str | None,
    receiver_node: ast.expr,
    settings: Settings,
) -> DbCall | None:
    argument = call.args[0] if call.args else None
    if argument is None:
        for keyword in call.keywords:
            if keyword.arg in ("sql", "statement", "operation", "query"):
                argument = keyword.value
    verb, sql = statement_verb(model, argument)
    driver = _driver_of(receiver, settings)
    confidence = "typed"
    if (
        _is_sqlalchemy(receiver)
        or (verb is not None and sql is None and driver is None)  # a Core construct
        or (argument is not None and _is_text_construct(model, argument))
    ):
        framework, driver = "sqlalchemy", "sqlalchemy"
    elif _named(receiver, receiver_node, _SESSION_NAMES):
        framework, driver, confidence = "sqlalchemy", "sqlalchemy", HEURISTIC
    elif driver is not None:
        framework = "dbapi"
    elif verb is not None and sql is not None:
        framework, driver = "dbapi", ""  # literal SQL speaks for itself
    elif _named(receiver, receiver_node, _CURSOR_NAMES):
        framework, driver, confidence = "dbapi", "", HEURISTIC
    else:
        return None
    batch = method in ("executemany", "executescript") or (
        framework == "sqlalchemy"
        and len(call.args) > 1
        and verb in WRITE_VERBS
        and _many_rows(model, call.args[1])
    )
    # DDL changes no rows, and SQL we cannot see (a statement passed in, built from
    # parts) is no evidence of per-item work: neither counts.
    if verb in WRITE_VERBS:
        effect = Effect.WRITE
    elif verb in READ_VERBS or verb == "PRAGMA":
        effect = Effect.READ
    elif verb in ("COMMIT", "END"):
        effect = Effect.COMMIT
    else:
        effect = Effect.NONE
    api = "cursor.execute" if framework == "dbapi" else "session.execute"
    return DbCall(
        effect,
        framework,
        method,
        driver,
        verb,
        sql,
        batch=batch,
        api=f"{api}()",
        confidence=confidence,
    )


def _row_fetch(
    model: SemanticModel,
    call: ast.Call,
    method: str,
    receiver: str | None,
    receiver_node: ast.expr,
    settings: Settings,
) -> DbCall | None:
    """asyncpg's ``conn.fetchrow(sql, *args)`` (``fetch``, ``fetchval``), encode/databases'
    ``database.fetch_one(query)`` (``fetch_all``, ``fetch_val``): a statement run for its
    rows. On such a connection, pool or database, a read whatever the statement; on another
    receiver only when the SQL is a literal that says so (``Job.fetch(job_id)`` is no
    statement)."""
    found = _execute(model, call, "execute", receiver, receiver_node, settings)
    if found is None or found.framework != "dbapi":
        return None
    if found.verb is None:
        if _driver_of(receiver, settings) not in _FETCHING_DRIVERS:
            return None
        found = replace(found, effect=Effect.READ, verb="SELECT", confidence="typed")
    return replace(found, method=method, api=f"conn.{method}()")


def _django_async(call: ast.Call, method: str, receiver: str) -> DbCall | None:
    """Django's async ORM: ``Book.objects.aget(pk=pk)``, ``book.asave()``, as the sync
    method they wrap."""
    sync = DJANGO_ASYNC[method]
    chain = django_manager_chain(f"{receiver}.{method}")
    found = None if chain is None else _django((chain[0], [*chain[1][:-1], sync]), sync, call)
    if found is not None:
        return replace(found, method=sync, api=f"{found.api[: -len(sync) - 2]}{method}()")
    if (
        sync in ("save", "delete", "refresh_from_db")
        and not call.args
        and _is_django_instance(receiver)
    ):
        effect = Effect.READ if sync == "refresh_from_db" else Effect.WRITE
        return DbCall(effect, "django", sync, "django", api=f"obj.{method}()")
    return None


def _sqlmodel_exec(
    model: SemanticModel,
    call: ast.Call,
    receiver: str | None,
    receiver_node: ast.expr,
    settings: Settings,
) -> DbCall | None:
    """SQLModel's ``session.exec(select(Hero).where(...))``: its session's ``execute`` for
    a statement, on a SQLAlchemy (SQLModel) session or one named as a session only."""
    if not call.args or not (
        _is_sqlalchemy(receiver) or _named(receiver, receiver_node, _SESSION_NAMES)
    ):
        return None
    found = _execute(model, call, "execute", receiver, receiver_node, settings)
    if found is None or found.framework != "sqlalchemy":
        return None
    return replace(found, method="exec", api="session.exec()")


def _commit(
    model: SemanticModel, receiver: str | None, receiver_node: ast.expr, settings: Settings
) -> DbCall | None:
    if _is_sqlalchemy(receiver):
        return DbCall(Effect.COMMIT, "sqlalchemy", "commit", "sqlalchemy", api="session.commit()")
    driver = _driver_of(receiver, settings)
    if driver == "django" and not _manual_commits(model):
        return None  # ``django.db.connection.commit()`` under autocommit: nothing to commit
    if driver is not None:
        return DbCall(Effect.COMMIT, "dbapi", "commit", driver, api="conn.commit()")
    if receiver == "django.db.transaction":
        return _django_commit(model, "transaction.commit()")
    name = _receiver_name(receiver_node)
    if _named(receiver, receiver_node, _SESSION_NAMES | _CURSOR_NAMES | {"db"}):
        if name in _SESSION_NAMES:
            return DbCall(
                Effect.COMMIT,
                "sqlalchemy",
                "commit",
                "sqlalchemy",
                api="session.commit()",
                confidence=HEURISTIC,
            )
        if name in _CURSOR_NAMES or name == "db":
            return DbCall(
                Effect.COMMIT, "dbapi", "commit", "", api=f"{name}.commit()", confidence=HEURISTIC
            )
    if not _untyped(receiver, receiver_node):
        return None
    # any other receiver: a commit only if the project index types it as a connection
    # or a session (``self.store.commit()``, ``self.store`` a connection its callers pass)
    return _by_index(DbCall(Effect.COMMIT, "dbapi", "commit", "", api=f"{name or 'conn'}.commit()"))


def _django_commit(model: SemanticModel, api: str) -> DbCall | None:
    """Django's ``transaction.commit()``: a commit only when the module turns autocommit
    off (``transaction.set_autocommit(False)``, or the old ``commit_manually``). With
    Django's default autocommit it commits nothing; each write before it has already
    committed (those are TL102's findings)."""
    if not _manual_commits(model):
        return None
    return DbCall(Effect.COMMIT, "django", "commit", "django", api=api)


def _manual_commits(model: SemanticModel) -> bool:
    """The module turns Django's autocommit off somewhere; one walk per file, asked only
    when it commits through Django."""
    known = model.memo("database.manual_commits")
    if "found" not in known:
        known["found"] = any(map(_manual_commit_switch, ast.walk(model.tree)))
    return known["found"]


def _manual_commit_switch(node: ast.AST) -> bool:
    """``set_autocommit(False)`` (as a call of any spelling) or ``commit_manually``."""
    if isinstance(node, ast.Call):
        func = node.func
        last = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return (
            last == "set_autocommit"
            and bool(node.args)
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value is False
        )
    if isinstance(node, ast.Attribute):
        return node.attr == "commit_manually"
    return isinstance(node, ast.Name) and node.id == "commit_manually"


def _pymongo(method: str, receiver: str | None) -> DbCall | None:
    if (
        receiver is not None
        and not receiver.startswith(_PYMONGO_ORIGINS)
        and not receiver.endswith(("[]", "()"))
        and receiver.count(".") < 1
    ):
        return None
    if method == "find":
        if receiver is None or not receiver.startswith(_PYMONGO_ORIGINS):
            return None
        return DbCall(Effect.READ, "pymongo", method, "pymongo", api="collection.find()")
    if method in ("distinct", "aggregate") and (
        receiver is None or not receiver.startswith(_PYMONGO_ORIGINS)
    ):
        return None
    if method in PYMONGO_READ:
        return DbCall(Effect.READ, "pymongo", method, "pymongo", api=f"collection.{method}()")
    if method in PYMONGO_WRITE:
        return DbCall(Effect.WRITE, "pymongo", method, "pymongo", api=f"collection.{method}()")
    if receiver is not None and receiver.startswith(_PYMONGO_ORIGINS):
        return DbCall(
            Effect.WRITE, "pymongo", method, "pymongo", batch=True, api=f"collection.{method}()"
        )
    return None


# manager methods whose result is a plain value (a dict, a number, a bool), not a queryset
# or a row: a method called on it (``Book.objects.in_bulk(ids).get(pk)``) runs no query
_PLAIN_RESULTS = frozenset({"in_bulk", "count", "exists", "aggregate", "contains", "explain"})


def _django(chain: tuple[str, list[str]], method: str, call: ast.Call) -> DbCall | None:
    model_name, methods = chain
    if any(earlier in _PLAIN_RESULTS for earlier in methods[:-1]):
        return None
    if method == "get" and _plain_get(methods[:-1], call):
        return None
    short = model_name.rsplit(".", 1)[-1]
    api = f"{short}.objects.{'().'.join(methods)}()"
    if method in DJANGO_LAZY:
        return DbCall(Effect.READ, "django", method, "django", lazy=True, api=api)
    if method in DJANGO_READ:
        return DbCall(Effect.READ, "django", method, "django", api=api)
    if method in DJANGO_WRITE:
        effect = Effect.WRITE | (
            Effect.READ if method.startswith(("get_", "update_or")) else Effect.NONE
        )
        return DbCall(effect, "django", method, "django", api=api)
    if method in DJANGO_BULK:
        return DbCall(Effect.WRITE, "django", method, "django", batch=True, api=api)
    if method == "log_action" and model_name == _LOG_ENTRY:  # the admin history's INSERT
        return DbCall(Effect.WRITE, "django", method, "django", api=api)
    return None


_LOG_ENTRY = "django.contrib.admin.models.LogEntry"

# methods of a Django manager or queryset that return a queryset or rows
_QUERYSET_METHODS = DJANGO_LAZY | DJANGO_READ | DJANGO_WRITE | DJANGO_BULK | {"get_queryset"}


def _plain_get(earlier: list[str], call: ast.Call) -> bool:
    """``.get("domain")`` is not ``QuerySet.get``, which takes field lookups as keywords
    or ``Q`` objects (calls, positionally): a literal argument, or positional names
    alone after a manager method of the project's own
    (``SiteConfig.objects.get_current().get(key)``: the instance ``get_current``
    returns, read like a dict)."""
    if call.keywords or not call.args:
        return False
    if any(isinstance(argument, ast.Constant) for argument in call.args):
        return True
    if any(may_be_q(argument) for argument in call.args):
        return False
    return any(method not in _QUERYSET_METHODS for method in earlier)


def may_be_q(argument: ast.expr) -> bool:
    """A positional argument of ``get`` that may be a ``Q`` object, which
    ``QuerySet.get`` takes: a call (``Q(pk=i)``), ``Q(a) | Q(b)``, ``~Q(...)``."""
    return isinstance(argument, (ast.Call, ast.BinOp, ast.UnaryOp))


def is_django_row(receiver: str | None) -> bool:
    """``receiver`` (a resolved name) is a Django model instance; its model may be
    unknown to this file (``project.component_set.all()[]``)."""
    return receiver is not None and _is_django_instance(receiver)


def _is_django_instance(receiver: str, depth: int = 0) -> bool:
    """An object fetched through a manager: ``Book.objects.get()``, an item of a queryset,
    an item or a ``get()`` of a related manager of such an object
    (``for book in author.books.all()``), a model instance (``MODEL_INSTANCE``)."""
    if receiver == MODEL_INSTANCE:
        return True
    if receiver.endswith("[]"):
        rows = receiver[:-2]
        return django_manager_chain(rows + ".x") is not None or _related_rows(rows, depth)
    if not receiver.endswith("()"):
        return False
    chain = django_manager_chain(receiver + ".x")
    if chain is not None:
        methods = chain[1]
        return len(methods) >= 2 and methods[-2] in _SINGLE_OBJECT
    rows, _, method = receiver[:-2].rpartition(".")
    return method in _SINGLE_OBJECT and _related_rows(rows, depth, at_least=0)


def _related_rows(name: str, depth: int, at_least: int = 1) -> bool:
    """``row.books.all()`` / ``row.books.filter()``: a related manager of a Django
    instance ``row``, through ``at_least`` queryset methods: its items are instances."""
    head, methods = name, 0
    while head.endswith("()"):
        base, _, method = head[:-2].rpartition(".")
        if method not in DJANGO_LAZY or not base:
            return False
        head, methods = base, methods + 1
    base, _, attribute = head.rpartition(".")
    return (
        methods >= at_least
        and depth < 4
        and bool(base)
        and not attribute.startswith("_")
        and attribute not in DJANGO_MANAGERS
        and "(" not in attribute
        and _is_django_instance(base, depth + 1)
    )


_SINGLE_OBJECT = frozenset(
    {"get", "first", "last", "latest", "earliest", "create"}
    | {"aget", "afirst", "alast", "alatest", "aearliest", "acreate"}
)


def _sqlalchemy(call: ast.Call, method: str, receiver_node: ast.expr) -> DbCall | None:
    if method in SQLALCHEMY_READ:
        if method == "get" and (
            len(call.args) < 2 or isinstance(call.args[0], ast.Constant)
        ):  # session.get(Model, pk); a dict-like session's get("key") is no query
            return None
        return DbCall(Effect.READ, "sqlalchemy", method, "sqlalchemy", api=f"session.{method}()")
    if method in SQLALCHEMY_FLUSH:
        return DbCall(Effect.WRITE, "sqlalchemy", method, "sqlalchemy", api="session.flush()")
    if method in SQLALCHEMY_WRITE:
        batch = method.startswith("bulk_")
        return DbCall(
            Effect.WRITE, "sqlalchemy", method, "sqlalchemy", batch=batch, api=f"session.{method}()"
        )
    if method in ("add", "add_all", "delete"):
        # buffered in the unit of work: written at the next flush, batched
        return DbCall(
            Effect.WRITE, "sqlalchemy", method, "sqlalchemy", batch=True, api=f"session.{method}()"
        )
    if method == "begin":
        return DbCall(Effect.COMMIT, "sqlalchemy", method, "sqlalchemy", api="begin()")
    return None


def receiver_per_item(model: SemanticModel, call: ast.Call) -> bool:
    """The connection / cursor / session the call runs on is made from the loop's item
    (``conn = sqlite3.connect(path)`` for each ``path``, or ``shard.cursor()`` for each
    ``shard``): one statement per database is not a statement per row. Not when a loop
    between the receiver's making and the call repeats the call on it (``for path in paths:
    conn = connect(path)`` then ``for row in rows: conn.execute(...)``: a statement per
    row)."""
    from throughlint.semantic.expressions import names_read

    node = call.func
    made_on_the_way = False  # a call such as ``.cursor()`` between the name and the call
    while isinstance(node, (ast.Attribute, ast.Call)):
        if isinstance(node, ast.Call):
            made_on_the_way |= _makes_connection(model, node)
        node = node.value if isinstance(node, ast.Attribute) else node.func
    if not isinstance(node, ast.Name):
        return False
    binding = model.lookup(node.id)
    if binding is None:
        return False
    loops = [
        loop for loop in model.loops if not loop.small and not (loop.is_while and loop.iter is None)
    ]
    if binding.kind.value == "loop-variable":
        # the item is the database: ``for shard in shards: shard.cursor().execute(...)``
        return made_on_the_way and bool(loops) and node.id in loops[-1].target_names
    if binding.value is None or binding.kind.value not in ("assignment", "with-variable"):
        return False
    if loops and not _inside(binding.node, loops[-1].node):
        return False  # made before the innermost loop, which repeats the call on it
    loop_names: set[str] = set()
    for loop in model.loops:
        loop_names |= loop.target_names
    value = binding.value
    if not isinstance(value, ast.Call) or not names_read(value) & loop_names:
        return False
    return _makes_connection(model, value)


def _makes_connection(model: SemanticModel, call: ast.Call) -> bool:
    made_by = (model.resolve(call.func) or unparse_short(call.func, 80)).lower()
    return any(word in made_by for word in _CONNECTION_WORDS)


def _inside(node: ast.AST, outer: ast.AST) -> bool:
    """``node`` is within ``outer``'s lines and columns."""
    start = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
    end = (getattr(outer, "end_lineno", 0) or 0, getattr(outer, "end_col_offset", 0) or 0)
    return (outer.lineno, outer.col_offset) <= start <= end  # type: ignore[attr-defined]


_CONNECTION_WORDS = ("connect", "cursor", "session", "engine", "client", "database")


def _is_text_construct(model: SemanticModel, node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and model.resolve(node.func) in _TEXT_CONSTRUCTS


def is_engine(model: SemanticModel, node: ast.expr) -> bool:
    """A SQLAlchemy engine or connection (``engine.begin()`` commits at the block's end)."""
    receiver = model.resolve(node)
    return _is_sqlalchemy(receiver) or _named(receiver, node, _ENGINE_NAMES | _SESSION_NAMES)


def _many_rows(model: SemanticModel, node: ast.expr) -> bool:
    """Parameters that are a list of rows (SQLAlchemy then runs executemany), not one
    row: a list display or comprehension, or a name that is not a loop's item."""
    if isinstance(node, (ast.List, ast.ListComp, ast.Tuple)):
        return True
    if isinstance(node, ast.Name):
        binding = model.lookup(node.id)
        return binding is None or binding.kind.value != "loop-variable"
    return False


def article(verb: str | None) -> str:
    return "an" if (verb or "x")[0] in "AEIOU" else "a"


def per_table_statement(model: SemanticModel, call: ast.Call) -> bool:
    """``conn.execute(table.delete())`` or ``session.query(model).delete()`` for each
    ``table`` / ``model``: a statement per table (the loop is over the schema), not a
    statement per row."""
    from throughlint.semantic.expressions import names_read

    loop_names: set[str] = set()
    for loop in model.loops:
        loop_names |= loop.target_names
    if isinstance(call.func, ast.Attribute) and call.func.attr in _QUERY_DML:
        root = _query_root(call.func.value)  # ``session.query(model).delete()`` per model
        if root is not None:
            return bool(root.args) and bool(names_read(root.args[0]) & loop_names)
    if not call.args or len(call.args) > 1:
        return False
    node = call.args[0]
    table: ast.expr | None = None
    while isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and not isinstance(func.value, ast.Call):
            if func.attr in _TABLE_CONSTRUCT_METHODS:  # sa.delete(t) or t.delete()
                table = node.args[0] if node.args else func.value
            break
        if isinstance(func, ast.Name):
            if func.id in _TABLE_CONSTRUCT_METHODS and node.args:
                table = node.args[0]
            break
        node = func.value if isinstance(func, ast.Attribute) else None  # type: ignore[assignment]
    if table is None:
        return False
    if isinstance(table, ast.Name):  # ``table = metadata.tables[name]``, one hop
        binding = model.lookup(table.id)
        if binding is not None and binding.kind.value == "assignment" and binding.value:
            table = binding.value
    return bool(names_read(table) & loop_names)


def per_table_query(model: SemanticModel, call: ast.Call) -> bool:
    """``session.scalars(select(cls))`` / ``session.query(cls)`` / ``session.get(cls, pk)``
    for each ``cls`` of a loop: a query per mapped class or table (the loop is over the
    schema), not a query per row."""
    if not call.args or not isinstance(call.func, ast.Attribute):
        return False
    if model_query(model, call.func.value):
        return False  # ``User.query.get(pk)``: the class is the receiver's, the key is the item
    loop_names: set[str] = set()
    for loop in model.loops:
        loop_names |= loop.target_names
    first = call.args[0]
    if call.func.attr in ("get", "query", "get_one"):
        return isinstance(first, ast.Name) and first.id in loop_names
    if isinstance(first, ast.Name):
        binding = model.lookup(first.id)
        if binding is not None and binding.kind.value == "assignment" and binding.value:
            first = binding.value
    for node in ast.walk(first):
        if (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in loop_names
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "select")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "select")
            )
        ):
            return True
    return False
