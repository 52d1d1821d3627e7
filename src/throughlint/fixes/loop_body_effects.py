"""What the body of a loop over a query does that an eager load could make stale: an ORM
write, a change to what the session holds, or a call to code that may write (a project
function, a generator the body resumes, a context manager it enters). The TL101 eager-load
fix is safe only when the body does none of these; ``offers.eager_load`` reads the verdict.
"""

from __future__ import annotations

import ast
import builtins
import sys
from typing import TYPE_CHECKING

from throughlint.effects.database import django_manager_chain
from throughlint.fixes.name_index import root_name
from throughlint.semantic.expressions import call_tail, source_text, target_names
from throughlint.semantic.loops import Loop
from throughlint.semantic.pass_exits import exit_word

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel


# Calls that write through an ORM (a related manager, a queryset, a model or a session).
_ORM_WRITES: frozenset[str] = frozenset(
    {
        "create", "save", "delete", "update", "add", "remove", "clear", "set", "bulk_create",
        "bulk_update", "get_or_create", "update_or_create", "merge", "flush", "execute",
        "add_all", "commit", "refresh_from_db", "bulk_update_mappings", "bulk_save_objects",
        "bulk_insert_mappings", "executemany", "exec_driver_sql",
    }
)  # fmt: skip
# Session calls that detach, expire or discard the objects it holds: an eager load ties the
# related rows to the session state at query time, a lazy load to the state at each pass
_SESSION_STATE: frozenset[str] = frozenset(
    {"expunge", "expunge_all", "expire", "expire_all", "refresh", "rollback", "close",
     "invalidate", "reset", "make_transient", "make_transient_to_detached"}
)  # fmt: skip
# Methods that only read, called on a loop item or what hangs off it (``author.books.count()``)
# or on a manager or queryset (``Book.objects.filter(...)``); on anything else a ``get``
# may be a request whose handler writes (a test client's ``client.get(url)``)
_READS: frozenset[str] = frozenset(
    {
        "all", "count", "exists", "filter", "exclude", "first", "last", "get", "values",
        "values_list", "order_by", "select_related", "prefetch_related", "only", "defer",
        "distinct", "annotate", "aggregate", "latest", "earliest", "in_bulk", "iterator",
        "get_absolute_url", "items", "keys",
    }
)  # fmt: skip
# Methods of strings and dates: they read, whatever the receiver
_TEXT_READS: frozenset[str] = frozenset(
    {"format", "join", "strip", "lower", "upper", "split", "isoformat", "strftime",
     "startswith", "endswith", "replace"}
)  # fmt: skip
# Builtins that call a function handed to them (``map(shout, rows)``, ``sorted(key=f)``),
# or the code of the iterator handed to them (``next(stamps)`` resumes a generator)
_CALLING_BUILTINS: frozenset[str] = frozenset({"map", "filter", "sorted", "min", "max", "next"})


_BUILTINS: frozenset[str] = frozenset(dir(builtins)) - {"exec", "eval", "__import__"}


def loop_body_effects(loop: Loop, model: SemanticModel | None = None) -> str:
    """What the body of the loop over the query does that eager loading could make
    stale: ``writes:<reason>`` for an ORM write, ``calls:<reason>`` for a call to code
    that may write, "" for neither. Stored with the pending finding. ``model``: the walk's,
    to tell a local container (``out.append``) or a manager (``Book.objects.get``) from
    anything else."""
    node = loop.node
    if not isinstance(node, (ast.For, ast.AsyncFor)):
        return ""
    found = _early_exit(node)
    if not found and (isinstance(node, ast.AsyncFor) or _in_coroutine(model)):
        found = (  # the original fails at the first item: fixed, the program would succeed
            "calls:in a coroutine a lazy load raises (Django's `SynchronousOnlyOperation`, "
            "SQLAlchemy's `MissingGreenlet`); loaded with the query, it would succeed"
        )
    items = set(target_names(node.target)) | {"self", "cls"}
    for statement in node.body:
        for child in ast.walk(statement):  # lambdas and nested functions too
            if not found:
                found = _resumed_iterator(child, model)
            if not found and _changes_an_attribute(child):
                # on a mapped object, SQLAlchemy flushes it before a later item's lazy load
                found = (
                    f"calls:the loop body changes `{source_text(child)}`, which a lazy load "
                    "of a later item flushes first; loaded up front, it would not see it"
                )
            if not isinstance(child, ast.Call):
                continue
            if not found and call_tail(child.func) in ("setattr", "delattr"):
                found = (
                    f"calls:the loop body changes an attribute (`{source_text(child.func)}()`), "
                    "which a lazy load of a later item flushes first"
                )
            func = child.func
            if isinstance(func, ast.Attribute) and func.attr in _ORM_WRITES:
                return (
                    f"writes:the loop body writes (`{source_text(func)}()`): rows loaded "
                    "with the query would not see it"
                )
            if call_tail(func) in _SESSION_STATE:
                return (
                    f"writes:the loop body changes what the session holds "
                    f"(`{source_text(func)}()`): a lazy load after it fails or reloads, "
                    "where rows loaded with the query would not"
                )
            if found:
                continue
            if not isinstance(func, (ast.Name, ast.Attribute)):
                found = (  # ``ACTIONS[book.kind](book)``, ``getattr(x, name)()``
                    f"calls:the loop body calls `{source_text(func)}`, code that may write "
                    "rows the loaded ones would not see"
                )
            elif isinstance(func, ast.Name) and not _builtin(func, model):
                found = (
                    f"calls:the loop body calls `{func.id}()`, which may write rows the "
                    "loaded ones would not see"
                )
            elif isinstance(func, ast.Name) and _calls_what_it_is_given(child):
                found = (
                    f"calls:`{func.id}()` calls the function handed to it, which may write "
                    "rows the loaded ones would not see"
                )
            elif isinstance(func, ast.Attribute) and not _harmless_method(child, items, model):
                found = (
                    f"calls:the loop body calls `{source_text(func)}()`, which may write rows "
                    "the loaded ones would not see"
                )
    return found


def _resumed_iterator(node: ast.AST, model: SemanticModel | None) -> str:
    """``calls:...`` when ``node`` iterates a name bound to what a call returned, other
    than a builtin container, or to a generator expression (``pending = stamps()``, then
    ``" ".join(pending)``, ``list(pending)``, ``print(*pending)``, ``for s in pending:``):
    a project generator resumes there and runs its code in the pass, as with ``next()``;
    or enters such a name as a context manager (``with stamp:`` runs its ``__enter__``)."""
    for value in _iterated(node, model):
        if isinstance(value, ast.Name) and _maybe_generator(value, model):
            return (
                f"calls:the loop body iterates `{value.id}`, which may be a generator: its "
                "code runs as it resumes and may write rows the loaded ones would not see"
            )
    if (
        isinstance(node, ast.withitem)
        and isinstance(node.context_expr, ast.Name)
        and _maybe_generator(node.context_expr, model, library=False)
    ):
        return (
            f"calls:the loop body enters `{node.context_expr.id}`, whose `__enter__` and "
            "`__exit__` may be project code that writes rows the loaded ones would not see"
        )
    return ""


# Builtins that iterate the arguments handed to them, and methods that iterate theirs
# (``" ".join(parts)``, ``out.extend(parts)``)
_ITERATING_BUILTINS: frozenset[str] = frozenset(
    {"list", "tuple", "set", "frozenset", "dict", "sum", "any", "all", "sorted", "min", "max",
     "enumerate", "zip", "iter", "reversed", "map", "filter"}
)  # fmt: skip
_ITERATING_METHODS: frozenset[str] = frozenset({"join", "extend", "update"})


def _iterated(node: ast.AST, model: SemanticModel | None) -> list[ast.expr]:
    """What ``node`` iterates: a nested loop's or a comprehension's input, a starred value,
    the arguments of a builtin or a method that iterates them."""
    if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
        return [node.iter]
    if isinstance(node, ast.Starred) and isinstance(node.ctx, ast.Load):
        return [node.value]
    if not isinstance(node, ast.Call):
        return []
    func = node.func
    if isinstance(func, ast.Name) and func.id in _ITERATING_BUILTINS and _builtin(func, model):
        return list(node.args)
    if isinstance(func, ast.Attribute) and func.attr in _ITERATING_METHODS:
        return list(node.args)
    return []


def _maybe_generator(name: ast.Name, model: SemanticModel | None, library: bool = True) -> bool:
    """``name`` is bound to a generator expression, or to what a call returned that is not
    a builtin container (``sorted(...)``, ``list(...)``) nor rows (a Django queryset, a
    result's ``all()``): a project function's generator, for all the walk can tell. A
    parameter's or a loop target's value is not judged. Without ``library``, what a call
    of the standard library returned is not project code either (``suppress(...)``; an
    iterator of it, ``itertools.chain(stamps())``, may still resume a project generator)."""
    if model is None:
        return False
    value = getattr(model.lookup(name.id), "value", None)
    if isinstance(value, ast.GeneratorExp):
        return True
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Attribute) and (
        func.attr == "all" or (func.attr in _READS and _manager_chain(func.value, model))
    ):
        return False  # rows: a queryset (``Tag.objects.filter(...)``), a result's ``all()``
    called = model.resolve(func) or ""
    if not library and called.split(".", 1)[0] in sys.stdlib_module_names:
        return False
    return called not in _EAGER_CONTAINERS


def _changes_an_attribute(node: ast.AST) -> bool:
    """``x.owner = ...``, ``del x.owner``, ``x.tags[0] = ...``, ``del x.items[key]``."""
    if isinstance(node, ast.Attribute):
        return isinstance(node.ctx, (ast.Store, ast.Del))
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.ctx, (ast.Store, ast.Del))
        and isinstance(node.value, ast.Attribute)
    )


def _calls_what_it_is_given(call: ast.Call) -> bool:
    """A builtin that calls a function handed to it that is not a lambda (whose calls the
    walk sees) nor another builtin: ``map(shout, rows)``, ``sorted(rows, key=rank)``; or
    that resumes the iterator handed to it, which may be a project generator
    (``next(stamps)``)."""
    if call_tail(call.func) not in _CALLING_BUILTINS:
        return False
    handed = [k.value for k in call.keywords if k.arg == "key"]
    if call_tail(call.func) in ("map", "filter", "next") and call.args:
        handed.append(call.args[0])
    return any(
        not isinstance(value, ast.Lambda)
        and not (isinstance(value, ast.Name) and value.id in _BUILTINS)
        and not (isinstance(value, ast.Constant) and value.value is None)
        for value in handed
    )


def _in_coroutine(model: SemanticModel | None) -> bool:
    """The loop is in an ``async def``: a plain ``for`` over an async session's rows too."""
    return model is not None and isinstance(model.function, ast.AsyncFunctionDef)


def _builtin(func: ast.Name, model: SemanticModel | None) -> bool:
    """A builtin's name that nothing in the module or function binds again (a project's
    own ``def format(book)`` is project code)."""
    if func.id not in _BUILTINS:
        return False
    return model is None or model.lookup(func.id) is None


def _harmless_method(call: ast.Call, items: set[str], model: SemanticModel | None) -> bool:
    """A method call in the body that writes no row: a string's or a date's, a read of the
    loop item or of a manager or queryset (``Book.objects.get(...)``), or a container's or
    a logger's on a name of the function (``out.append(row)``, ``log.info(...)``), not on
    an object's attribute (``archive.addresses.append(x)`` is a pending change to a
    mapped collection, flushed before the next lazy load). A string's or a logger's method
    handed the loop item itself (``history.log(book)``) may be a project object's that
    changes it: not harmless."""
    func = call.func
    assert isinstance(func, ast.Attribute)
    method = func.attr
    if method in _TEXT_READS or method in _LOGGING:
        handed = [*call.args, *(keyword.value for keyword in call.keywords)]
        if any(isinstance(value, ast.Name) and value.id in items for value in handed):
            return False
        handed_part = any(root_name(value) in items for value in handed)
        if handed_part and method in _LOGGING and not _logger(func.value, model):
            return False  # ``audit.log(book.author)``: a project object's method
    if method in _TEXT_READS:
        return True
    root = root_name(func.value)
    if root in items and root not in OWNERS:
        return method in _READS
    if method in _READS and _manager_chain(func.value, model):
        return True
    if method in _LOGGING:
        return True
    if method not in _LOCAL_EFFECTS and method not in _READS:
        return False
    return isinstance(func.value, ast.Name) and _local_container(func.value, model)


# ``self`` and ``cls`` stand for the row when handed on (``log(self)``), but what hangs off
# them is the object's own (``self.client.get(url)`` is a request, not a read of the row)
OWNERS = frozenset({"self", "cls"})


def _manager_chain(receiver: ast.expr, model: SemanticModel | None) -> bool:
    """``Book.objects``, ``Book.objects.filter(...)``, ``author.books``: a Django manager
    or queryset chain, as the walk resolves it."""
    if model is None:
        return False
    name = model.resolve(receiver)
    return name is not None and django_manager_chain(name + ".x") is not None


def _logger(receiver: ast.expr, model: SemanticModel | None) -> bool:
    """``logging``, ``logging.getLogger(...)`` or a name bound to one (``log =
    logging.getLogger(__name__)``, ``structlog.get_logger()``), ``sys.stderr``."""
    if model is None:
        return False
    name = model.resolve(receiver) or ""
    if name.split(".")[0] == "logging" or name in ("sys.stderr", "sys.stdout"):
        return True
    value = receiver
    if isinstance(receiver, ast.Name):
        value = getattr(model.lookup(receiver.id), "value", None)
    if isinstance(value, ast.Call):
        called = model.resolve(value.func) or ""
        return called.endswith((".getLogger", ".get_logger", ".getChild"))
    return False


def _local_container(name: ast.Name, model: SemanticModel | None) -> bool:
    """A name the function binds to a display, a comprehension or a builtin container
    (``out = []``, ``seen = set()``, ``counts = dict(...)``), or a logger."""
    if model is None:
        return False
    binding = model.lookup(name.id)
    value = getattr(binding, "value", None)
    if isinstance(value, _CONTAINER_DISPLAYS):
        return True
    if isinstance(value, ast.Call):
        called = model.resolve(value.func) or ""
        return called in _CONTAINER_FACTORIES or called.endswith(".getLogger")
    return False


_CONTAINER_DISPLAYS = (
    ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp,
)  # fmt: skip
_CONTAINER_FACTORIES = frozenset(
    {"builtins.list", "builtins.dict", "builtins.set", "collections.defaultdict",
     "collections.OrderedDict", "collections.Counter", "collections.deque"}
)  # fmt: skip
# Calls whose result is a container already filled: iterating it runs no code
_EAGER_CONTAINERS: frozenset[str] = _CONTAINER_FACTORIES | frozenset(
    {"builtins.tuple", "builtins.frozenset", "builtins.sorted", "builtins.range",
     "builtins.str", "builtins.bytes"}
)  # fmt: skip
# Methods of loggers and streams: they write no row, whatever the receiver
_LOGGING: frozenset[str] = frozenset(
    {"write", "writerow", "debug", "info", "warning", "error", "exception", "log", "print"}
)


# Methods of containers: called on a container the function builds, they write no row
# (``out.append(row)``, ``seen.get(key)``); ``_harmless_method`` says where.
_LOCAL_EFFECTS: frozenset[str] = frozenset(
    {"append", "extend", "insert", "appendleft", "setdefault", "discard", "pop", "popleft",
     "sort", "copy", "get", "items", "keys", "values", "count", "index"}
)  # fmt: skip


def _early_exit(node: ast.For | ast.AsyncFor) -> str:
    """``calls:...`` when the loop body can stop before the last item (``break`` of this
    loop, ``return``, ``raise``, ``assert``, ``yield``, ``exit()``): an eager load reads the
    related rows of items the loop never reaches, and fails on a bad one the loop would not
    have touched."""
    for statement in node.body:
        word = exit_word(statement, skips=False)
        if word:
            return (
                f"calls:the loop can stop early (`{word}`): loaded up front, the related rows "
                "of items it never reaches are read too"
            )
    return ""
