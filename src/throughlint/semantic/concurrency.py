"""Facts about concurrency objects and loop shapes: which expressions are locks or
semaphores, which calls block waiting for something, which loops are retries, polls or
walks over batches, and which local function a call runs.

Locks are known by construction (``threading.Lock()``, a module-level lock, ``self._lock``
set in ``__init__`` or as a class attribute, an annotated parameter) or, for values passed
in, by a lock-like name (``lock``, ``self._write_lock``, ``sem``).
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from throughlint.semantic.expressions import (
    call_argument,
    literal_int,
    walk_same_function,
)
from throughlint.semantic.loops import (
    Loop,
    LoopKind,
    attempt_loop,
    counter_used,
    is_batch_loop,
)
from throughlint.semantic.members import first_definition
from throughlint.semantic.model import SemanticModel
from throughlint.semantic.per_pass import endless_counter
from throughlint.semantic.scope import BindingKind
from throughlint.semantic.types import self_assignments

SEMAPHORES: frozenset[str] = frozenset(
    {
        "threading.Semaphore()",
        "threading.BoundedSemaphore()",
        "multiprocessing.Semaphore()",
        "multiprocessing.BoundedSemaphore()",
        "multiprocessing.Manager().Semaphore()",
        "multiprocessing.Manager().BoundedSemaphore()",
        "asyncio.Semaphore()",
        "asyncio.BoundedSemaphore()",
        "anyio.Semaphore()",
        "anyio.CapacityLimiter()",
        "trio.Semaphore()",
        "trio.CapacityLimiter()",
    }
)
LOCKS: frozenset[str] = frozenset(
    {
        *SEMAPHORES,
        "threading.Lock()",
        "threading.RLock()",
        "threading.Condition()",
        "_thread.allocate_lock()",
        "_thread.RLock()",
        "multiprocessing.Lock()",
        "multiprocessing.RLock()",
        "multiprocessing.Condition()",
        "multiprocessing.Manager().Lock()",
        "multiprocessing.Manager().RLock()",
        "multiprocessing.Manager().Condition()",
        "asyncio.Lock()",
        "asyncio.Condition()",
        "anyio.Lock()",
        "trio.Lock()",
    }
)

_LOCK_NAME = re.compile(r"(?:^|_)(?:r?lock|mutex|sem|semaphore|cond|condition)$", re.IGNORECASE)
_SEMAPHORE_NAME = re.compile(
    r"(?:^|_)(?:sem|semaphore|limiter|concurrency|throttle)$", re.IGNORECASE
)
_QUEUE_NAME = re.compile(r"(?:^|_)(?:q|queue|inbox|mailbox)$", re.IGNORECASE)
_QUEUE_TYPES = ("queue.", "asyncio.", "multiprocessing.", "janus.")
_RETRY_NAME = re.compile(r"^_*(?:attempt|retry|retries|tries|try_number|n_try)s?$")

_SLEEPS: frozenset[str] = frozenset(
    {"time.sleep", "asyncio.sleep", "trio.sleep", "anyio.sleep", "gevent.sleep", "select.select",
     "os.waitpid", "os.wait", "os.wait3", "os.wait4", "signal.pause", "signal.sigwait",
     "builtins.input"}
)  # fmt: skip
_WAIT_METHODS: frozenset[str] = frozenset(
    {"wait", "wait_for", "recv", "recv_into", "recvfrom", "accept", "select", "blpop", "brpop",
     "bzpopmin", "bzpopmax", "brpoplpush", "blmove", "get_message", "listen"}
)  # fmt: skip

_NESTED = (ast.For, ast.AsyncFor, ast.While, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


# --- locks and semaphores ----------------------------------------------------------------


def lock_type(model: SemanticModel, expr: ast.expr) -> str | None:
    """What kind of lock ``expr`` is (``threading.Lock()``...), ``"lock"`` or
    ``"semaphore"`` for a value passed in under such a name, None when it is not known
    to be a lock."""
    name = model.resolve(expr)
    if name in LOCKS:
        return name
    wrapped = _wrapped_lock(model, expr)
    if wrapped is not None:
        return wrapped
    last = _last_name(expr) or ""
    if _passed_in(model, expr) and _LOCK_NAME.search(last):
        return "semaphore" if _SEMAPHORE_NAME.search(last) else "lock"
    return None


def _wrapped_lock(model: SemanticModel, expr: ast.expr) -> str | None:
    """``self._locked()``: a ``@contextmanager`` method of this class whose whole body is
    ``with self._lock: yield``, so entering it takes that lock (one that keeps every
    other holder out). Its kind, or None."""
    if not isinstance(expr, ast.Call) or expr.args or expr.keywords:
        return None
    found = self_method_call(model, expr)
    if found is None or not _is_contextmanager(found[1]):
        return None
    locked = locked_body(model, found[1])
    if locked is None:
        return None
    region = locked[2]
    only_yields = len(region) == 1 and isinstance(region[0], ast.Expr)
    if not only_yields or not isinstance(region[0].value, ast.Yield):  # type: ignore[attr-defined]
        return None
    return locked[1]


def _is_contextmanager(function: ast.AST) -> bool:
    for decorator in getattr(function, "decorator_list", ()):
        name = decorator.id if isinstance(decorator, ast.Name) else getattr(decorator, "attr", "")
        if name in ("contextmanager", "asynccontextmanager"):
            return True
    return False


def mentions_lock(text: str) -> bool:
    """Source text that could hold a lock :func:`lock_type` knows: a lock class named
    (``Lock``, ``RLock``, ``BoundedSemaphore``, ``Condition``, ``CapacityLimiter``) or a
    name that ends in a lock word, in any case (``_LOCK_NAME``: ``lock``, ``self._lock``,
    ``SEM``, ``cond``); not ``socket``, ``block``, ``clock``, ``second`` or ``semantic``.
    It decides whether TL301 looks at a file at all: a few scans of the text, no regex
    (several times slower here)."""
    lowered = text.lower()
    size = len(lowered)
    for word, suffix in _LOCK_WORDS:
        at = lowered.find(word)
        while at != -1:
            end = at + len(word)
            whole = bool(suffix) and lowered.startswith(suffix, end)  # (bounded)semaphore
            if whole:
                end += len(suffix)
            before = at - 1
            if word == "lock" and before >= 0 and lowered[before] == "r":
                before -= 1  # rlock
            if (whole or before < 0 or not lowered[before].isalnum()) and (
                end >= size or not (lowered[end].isalnum() or lowered[end] == "_")
            ):
                return True
            at = lowered.find(word, end)
    return "CapacityLimiter" in text


_LOCK_WORDS = (("lock", ""), ("mutex", ""), ("sem", "aphore"), ("cond", "ition"))


def excludes_others(model: SemanticModel, expr: ast.expr, kind: str) -> bool:
    """Holding it keeps every other holder out: a lock or condition, or a semaphore of one
    permit (``Semaphore()``, ``Semaphore(1)``). A semaphore of N permits bounds
    concurrency instead; one whose size is not known is given the benefit of the doubt."""
    if kind not in SEMAPHORES and kind != "semaphore":
        return True
    return semaphore_permits(model, expr) == 1


def semaphore_permits(model: SemanticModel, expr: ast.expr) -> int | None:
    """The literal size a semaphore was constructed with, where the model can see it."""
    construction = _construction(model, expr)
    if construction is None:
        return None
    if not construction.args and not construction.keywords:
        return 1
    for keyword in ("value", "total_tokens", "initial_value"):
        size = call_argument(construction, 0, keyword)
        if size is not None:
            return literal_int(size)
    return None


def _construction(model: SemanticModel, expr: ast.expr) -> ast.Call | None:
    value: ast.expr | None = None
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id)
        if binding is not None and binding.kind is BindingKind.ASSIGNMENT:
            value = binding.value
    elif isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        binding = model.lookup(expr.value.id)
        if binding is not None and binding.kind is BindingKind.SELF and binding.owner:
            value = model.class_attributes(binding.owner).get(expr.attr)
    elif isinstance(expr, ast.Call):
        value = expr
    return value if isinstance(value, ast.Call) else None


def is_semaphore(model: SemanticModel, expr: ast.expr) -> bool:
    name = model.resolve(expr)
    if name in SEMAPHORES:
        return True
    if name in LOCKS:
        return False
    return bool(_SEMAPHORE_NAME.search(_last_name(expr) or ""))


def within_semaphore(model: SemanticModel) -> bool:
    """Inside ``with sem:`` / ``async with sem:`` in the current function."""
    return any(is_semaphore(model, item.context_expr) for item in model.frame.withs)


def acquires_semaphore(model: SemanticModel, function: ast.AST) -> bool:
    """A helper whose body runs under ``async with sem:`` (its callers are meant to run it
    concurrently). Names are judged by construction where the model can see them, else by
    a semaphore-like name. Worked out once per function (every call site asks)."""
    known = model.memo("acquires_semaphore")
    if function not in known:
        known[function] = any(
            isinstance(node, (ast.With, ast.AsyncWith))
            and any(is_semaphore(model, item.context_expr) for item in node.items)
            for node in walk_same_function(function)
        )
    return known[function]


def _passed_in(model: SemanticModel, expr: ast.expr) -> bool:
    """A value made elsewhere: a parameter without a known type, ``self.x`` set from one,
    or an instance imported from another module (``from .state import registry_lock``,
    ``state.registry_lock``; a capitalised name is a class, not an instance)."""
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id)
        if binding is None:
            return False
        if binding.kind is BindingKind.IMPORT:
            return not expr.id[:1].isupper()
        return binding.kind is BindingKind.PARAMETER
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        binding = model.lookup(expr.value.id)
        if binding is not None and binding.kind is BindingKind.IMPORT:
            return not expr.attr[:1].isupper()
        if binding is None or binding.kind is not BindingKind.SELF or binding.owner is None:
            return False
        value = model.class_attributes(binding.owner).get(expr.attr)
        return value is None or isinstance(value, (ast.Name, ast.Attribute))
    return False


def _last_name(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return expr.attr
    return None


# --- blocking waits ----------------------------------------------------------------------


def is_blocking_wait(model: SemanticModel, call: ast.Call) -> bool:
    """A call that parks the caller until something arrives or time passes: sleeps,
    queue ``get``, event / condition waits, socket receives, blocking redis pops."""
    name = model.resolve(call.func)
    if name in _SLEEPS:
        return True
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    if func.attr in _WAIT_METHODS:
        return True
    if func.attr in {"get", "join"}:
        kind = queue_kind(model, func.value)
        if kind is not None or func.attr == "join":
            return bool(kind)
        # a type we cannot see: a queue-like name, or ``block=``, which only queues take
        # (``timeout=`` says nothing: HTTP clients take it too)
        if any(k.arg == "block" for k in call.keywords):
            return True
        return bool(_QUEUE_NAME.search(_last_name(func.value) or "")) and _queue_get_arguments(call)
    return False


def _queue_get_arguments(call: ast.Call) -> bool:
    """``get()``, ``get(True, 5)``, ``get(False)``, ``get(True, self.timeout)``: a
    queue's ``get(block, timeout)``, whose first argument is a flag. ``q.get(key)`` or
    ``q.get("name")`` looks up a key: a cache or a mapping that happens to be named
    ``q``."""
    if not call.args:
        return True
    first = call.args[0]
    return isinstance(first, ast.Constant) and isinstance(first.value, bool)


def queue_kind(model: SemanticModel, expr: ast.expr) -> bool | None:
    """Whether ``expr`` is a queue by its type: True for a ``queue`` / ``asyncio`` /
    ``multiprocessing`` queue (constructed, annotated, or set in ``__init__``), False for
    an instance of another class (``requests.Session()``, a class of this file that
    happens to be named ``Queue``) or a module (``requests``), None when not known."""
    name = model.resolve(expr)
    if name is None:
        return None
    if name.startswith(_QUEUE_TYPES) and "Queue" in name:
        return True
    if name.endswith("()"):
        callee = name[:-2].rsplit(".", 1)[-1]
        return False if callee[:1].isupper() else None  # a class, not a factory function
    if isinstance(expr, ast.Name):
        binding = model.lookup(expr.id)
        if binding is not None and isinstance(binding.node, ast.Import):
            return False  # ``import requests``: a module
    return None


def loop_waits(model: SemanticModel, loop: Loop) -> bool:
    """The loop parks on every pass (a consumer on ``queue.get()``, a poller that sleeps):
    a blocking wait in its condition or unconditionally in its body. Asked once per
    loop (every lock in the loop asks)."""
    known = model.memo("loop_waits")
    if loop.node not in known:
        known[loop.node] = _loop_waits(model, loop)
    return known[loop.node]


def _loop_waits(model: SemanticModel, loop: Loop) -> bool:
    node = loop.node
    if isinstance(node, ast.While) and _has_wait(model, node.test):
        return True
    if isinstance(node, (ast.For, ast.AsyncFor)) and _until_sentinel(model, node.iter):
        return True
    body = getattr(node, "body", None)
    if not isinstance(body, list):
        return False
    return any(_has_wait(model, part) for part in _unconditional(body))


def _until_sentinel(model: SemanticModel, iterable: ast.expr) -> bool:
    """``iter(inbox.get, None)``: each pass calls the blocking ``inbox.get()`` until it
    returns the sentinel, a consumer parked on its queue as ``while True: inbox.get()``."""
    if not (
        isinstance(iterable, ast.Call)
        and len(iterable.args) == 2
        and model.resolve(iterable.func) == "builtins.iter"
    ):
        return False
    wait = ast.copy_location(ast.Call(func=iterable.args[0], args=[], keywords=[]), iterable)
    return is_blocking_wait(model, wait)


def _unconditional(statements: list[ast.stmt]) -> Iterator[ast.AST]:
    """Parts of a loop body that run on every pass: not under ``if`` or ``except``."""
    for statement in statements:
        if isinstance(statement, (ast.If, *_NESTED, ast.ClassDef)):
            if isinstance(statement, ast.If):
                yield statement.test
            continue
        if isinstance(statement, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            yield from _unconditional(statement.body)
            yield from _unconditional(statement.finalbody)
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            for item in statement.items:
                yield item.context_expr
            yield from _unconditional(statement.body)
        else:
            yield statement


def _has_wait(model: SemanticModel, node: ast.AST, depth: int = 1) -> bool:
    """A blocking wait in ``node``, or in a function of this file it calls (one level:
    ``self._try_wait()`` that calls ``os.waitpid``)."""
    for child in walk_same_function(node):
        if not isinstance(child, ast.Call):
            continue
        if is_blocking_wait(model, child):
            return True
        if depth > 0:
            helper = local_function(model, child)
            if helper is not None and any(
                _has_wait(model, statement, depth - 1) for statement in helper.body
            ):
                return True
    return False


# --- loop shapes -------------------------------------------------------------------------


def is_retry_loop(model: SemanticModel, loop: Loop) -> bool:
    """A loop that repeats one operation until it works: a retry counter as target, or a
    ``try`` in the body and a ``break`` / ``return`` on the path where it worked
    (``LoopFacts.leaves_on_success``; a search over items that leaves on a condition and
    skips the items that fail, ``except KeyError: continue``, is a loop over items)."""
    if any(_RETRY_NAME.match(name) for name in loop.target_names):
        return True
    attempts = model.memo("attempt_loop")  # asked per call in the loop: once per loop
    if loop.node not in attempts:
        attempts[loop.node] = attempt_loop(loop)
    if attempts[loop.node]:
        return True
    if loop.kind is LoopKind.COMPREHENSION:
        return False
    facts = model.loop_facts(loop)
    if not facts.leaves_early:
        return False
    if facts.has_try and facts.leaves_on_success:
        return True
    counted = model.memo("counted_backoff")
    if loop.node not in counted:
        counted[loop.node] = _counted_backoff(model, loop)
    return counted[loop.node]


def _counted_backoff(model: SemanticModel, loop: Loop) -> bool:
    """``for _ in range(RETRIES): ... if ok: return ... sleep(wait)``: a loop whose passes
    never read their item (a counter) but to log it, that can leave early and sleeps on
    some path. Each
    pass repeats one operation until it works, waiting in between: attempts, not items.
    (A counted loop that leaves early without ever sleeping, ``for _ in range(n): v =
    r.lpop(key); if v is None: break``, takes one item per pass and stays a loop over
    items.)"""
    body = getattr(loop.node, "body", None)
    if not isinstance(body, list) or not loop.target_names or counter_used(loop):
        return False
    return any(
        isinstance(child, ast.Call) and model.resolve(child.func) in _SLEEPS
        for statement in body
        for child in walk_same_function(statement)
    )


def not_per_item(model: SemanticModel, loop: Loop) -> str | None:
    """Why a call on each pass of ``loop`` is not one call per item: ``"batch"`` (a loop
    over batches, ``loops.is_batch_loop``), ``"retry"`` (one operation until it works),
    ``"wait"`` (paced by a blocking wait), ``"service"`` (a main loop counting passes:
    ``itertools.count()``); None for a loop over items. Asked once per
    loop and remembered for the file (every call in the loop asks)."""
    known = model.memo("not_per_item")
    key = (loop.node, loop.iter)  # a comprehension's generators share its node
    if key not in known:
        known[key] = _loop_shape(model, loop)
    return known[key]


def _loop_shape(model: SemanticModel, loop: Loop) -> str | None:
    if is_batch_loop(loop):
        return "batch"
    if is_retry_loop(model, loop):
        return "retry"
    if endless_counter(model, loop):
        return "service"
    if loop_waits(model, loop):
        return "wait"
    return None


def leaves_early(model: SemanticModel, loop: Loop) -> bool:
    """The body can ``break`` or ``return``: later passes depend on earlier results."""
    return model.loop_facts(loop).leaves_early


# --- local functions ---------------------------------------------------------------------


def local_function(
    model: SemanticModel, call: ast.Call
) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The definition in this file that ``call`` runs: a function by name, or a method of
    the enclosing class through ``self``."""
    func = call.func
    if isinstance(func, ast.Name):
        binding = model.lookup(func.id)
        if binding is not None and binding.kind is BindingKind.FUNCTION:
            node = binding.node
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return node
        return None
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        binding = model.lookup(func.value.id)
        if binding is None or binding.kind is not BindingKind.SELF or binding.owner is None:
            return None
        return first_definition(binding.owner, func.attr)
    return None


# --- methods that run under a lock -------------------------------------------------------

_DUNDERS = {ast.Load: "__getitem__", ast.Store: "__setitem__", ast.Del: "__delitem__"}


def self_method_call(model: SemanticModel, node: ast.AST) -> tuple[str, ast.AST] | None:
    """The method of the enclosing class that ``node`` runs through ``self``, and the
    method's definition: ``self.get(k)``; ``self[k]`` (``__getitem__``), ``self[k] = v``,
    ``del self[k]``; ``k in self`` (``__contains__``). None for anything else."""
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and _is_self(model, func.value):
            return _method(model, func.value, func.attr)
        return None
    if isinstance(node, ast.Subscript) and _is_self(model, node.value):
        name = _DUNDERS.get(type(node.ctx))
        return _method(model, node.value, name) if name is not None else None
    if (
        isinstance(node, ast.Compare)
        and len(node.ops) == 1
        and isinstance(node.ops[0], (ast.In, ast.NotIn))
        and _is_self(model, node.comparators[0])
    ):
        return _method(model, node.comparators[0], "__contains__")
    return None


def _is_self(model: SemanticModel, expr: ast.expr) -> bool:
    if not isinstance(expr, ast.Name):
        return False
    binding = model.lookup(expr.id)
    return binding is not None and binding.kind is BindingKind.SELF and binding.owner is not None


def _method(model: SemanticModel, receiver: ast.expr, name: str) -> tuple[str, ast.AST] | None:
    binding = model.lookup(receiver.id)  # type: ignore[attr-defined]
    found = first_definition(binding.owner, name)  # type: ignore[union-attr,arg-type]
    return (name, found) if found is not None else None


@dataclass(frozen=True, slots=True)
class LockedCall:
    """A call that runs a function of this file whose whole body holds one lock: its
    shown name, the function, the lock as the function spells it, the lock's kind, the
    locked statements, and whether the lock's spelling means the same lock at the call
    (``self._lock`` of the caller's own class, a module-level lock) or not (the lock of
    another object: ``self._lock`` inside ``LockedDict.get``)."""

    name: str
    function: ast.AST
    lock: ast.expr
    kind: str
    region: list[ast.stmt]
    same_lock_at_call: bool


def locked_call(model: SemanticModel, node: ast.AST) -> LockedCall | None:
    """``node`` runs a function of this file whose whole body holds a lock: a method of
    the enclosing class through ``self`` (``self.set(k, v)``, ``self[k]``), a module-level
    function holding a module-level lock (``record(name)``), or a method of an instance of
    a class of this file holding that instance's lock (``self._cache.get(k)`` with
    ``self._cache = LockedDict()``). None for anything else."""
    found = self_method_call(model, node)
    if found is not None:
        locked = locked_body(model, found[1])
        if locked is None:
            return None
        return LockedCall(found[0], found[1], *locked, same_lock_at_call=True)
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if isinstance(func, ast.Name):
        function = _module_function(model, func.id)
        locked = _locked_by_module_lock(model, function) if function is not None else None
        if locked is None:
            return None
        return LockedCall(func.id, function, *locked, same_lock_at_call=True)  # type: ignore[arg-type]
    if isinstance(func, ast.Attribute):
        class_def = model.instance_class(model.resolve(func.value))
        if class_def is None:
            return None
        method = _defined(class_def, func.attr)
        locked = _locked_by_own_lock(model, class_def, method) if method is not None else None
        if locked is None:
            return None
        name = f"{class_def.name}.{func.attr}"
        return LockedCall(name, method, *locked, same_lock_at_call=False)  # type: ignore[arg-type]
    return None


def whole_body_lock(
    model: SemanticModel, function: ast.AST
) -> tuple[ast.expr, str, list[ast.stmt]] | None:
    """The lock ``function``'s whole body holds, its kind and the locked statements: a
    method's ``with self._lock:`` (``locked_body``) or a module-level function's ``with
    _lock:`` on a module-level lock of this file; None for anything else. Asked while the
    walk is inside ``function`` (``self`` bound), for the project index."""
    return locked_body(model, function) or _locked_by_module_lock(model, function)


def calls_out(model: SemanticModel, method: ast.AST, region: list[ast.stmt]) -> bool:
    """The locked statements call code of another package (``self._client.log_batch``):
    not the standard library, builtins or this module. Worked out once per method."""
    known = model.memo("locked_calls_out")
    if method not in known:
        known[method] = any(
            isinstance(node, ast.Call) and _foreign(model, model.resolve(node.func))
            for statement in region
            for node in walk_same_function(statement)
        )
    return known[method]


def _foreign(model: SemanticModel, name: str | None) -> bool:
    """A method of another package's object (``mlflow.MlflowClient().log_batch``) or one
    of its functions (``requests.get``); a class's own function called with ``self``
    (``OrderedDict.__getitem__(self, key)``, whichever module it came from) is not."""
    if name is None or name.startswith((model.module + ".", "builtins.")):
        return False
    if name.split(".", 1)[0] in sys.stdlib_module_names:
        return False
    return "()." in name or not any(part[:1].isupper() for part in name.split("."))


def fresh_receiver(model: SemanticModel, node: ast.AST) -> bool:
    """The call's receiver is a local this function binds to a new object (a constructor
    call): until it is handed out, no other thread can hold its lock."""
    func = node.func if isinstance(node, ast.Call) else None
    receiver = func.value if isinstance(func, ast.Attribute) else None
    if not isinstance(receiver, ast.Name):
        return False
    binding = model.lookup(receiver.id)
    return (
        binding is not None
        and binding.kind is BindingKind.ASSIGNMENT
        and isinstance(binding.value, ast.Call)
        and model.module_scope.bindings.get(receiver.id) is not binding
    )


def _defined(class_def: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    found = first_definition(class_def, name, (ast.FunctionDef,))
    return found if isinstance(found, ast.FunctionDef) else None


def _module_function(model: SemanticModel, name: str) -> ast.FunctionDef | None:
    """The module-level ``def name`` of this file that ``name`` means at the call."""
    binding = model.lookup(name)
    if binding is None or model.module_scope.bindings.get(name) is not binding:
        return None
    found = first_definition(model.tree, name, (ast.FunctionDef,))
    return found if isinstance(found, ast.FunctionDef) else None


def _single_with(function: ast.AST) -> ast.With | ast.AsyncWith | None:
    """The one ``with`` / ``async with`` block that is the function's whole body (a
    docstring aside)."""
    body = list(function.body)  # type: ignore[attr-defined]
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        body = body[1:]
    if len(body) == 1 and isinstance(body[0], (ast.With, ast.AsyncWith)):
        return body[0]
    return None


def _locked_by_module_lock(
    model: SemanticModel, function: ast.AST
) -> tuple[ast.expr, str, list[ast.stmt]] | None:
    """``def record(x): with _lock: ...``, ``_lock`` a module-level lock of this file."""
    known = model.memo("locked_by_module_lock")
    if function in known:
        return known[function]
    found = None
    block = _single_with(function)
    for item in block.items if block is not None else ():
        expr = item.context_expr
        if not isinstance(expr, ast.Name):
            continue
        binding = model.module_scope.bindings.get(expr.id)
        if binding is None or binding.kind is not BindingKind.ASSIGNMENT or binding.value is None:
            continue
        kind = model.resolve(binding.value)
        if kind in LOCKS and _one_holder(kind, binding.value):  # type: ignore[arg-type]
            found = (expr, kind, block.body)  # type: ignore[union-attr]
            break
    known[function] = found
    return found  # type: ignore[return-value]


def _locked_by_own_lock(
    model: SemanticModel, class_def: ast.ClassDef, method: ast.AST
) -> tuple[ast.expr, str, list[ast.stmt]] | None:
    """``def get(self, k): with self._lock: ...``, the class binding ``self._lock`` only
    to one kind of lock of this file's imports (``threading.Lock()``)."""
    known = model.memo("locked_by_own_lock")
    if method in known:
        return known[method]
    found = None
    block = _single_with(method)
    for item in block.items if block is not None else ():
        expr = item.context_expr
        if not (
            isinstance(expr, ast.Attribute)
            and isinstance(expr.value, ast.Name)
            and expr.value.id == "self"
        ):
            continue
        values = self_assignments(class_def).get(expr.attr, [])
        kinds = {model.resolve(value) for value in values}
        kind = kinds.pop() if len(kinds) == 1 else None
        if kind in LOCKS and all(_one_holder(kind, value) for value in values):  # type: ignore[arg-type]
            found = (expr, kind, block.body)  # type: ignore[union-attr]
            break
    known[method] = found
    return found  # type: ignore[return-value]


def _one_holder(kind: str, construction: ast.expr) -> bool:
    """A lock, or a semaphore built with one permit (``Semaphore()``, ``Semaphore(1)``)."""
    if kind not in SEMAPHORES:
        return True
    if not isinstance(construction, ast.Call):
        return False
    if not construction.args and not construction.keywords:
        return True
    size = call_argument(construction, 0, "value")
    return size is not None and literal_int(size) == 1


def locked_body(
    model: SemanticModel, function: ast.AST
) -> tuple[ast.expr, str, list[ast.stmt]] | None:
    """A method whose whole body (a docstring aside) is one ``with self.<lock>:`` block,
    the lock one that keeps every other holder out: (the lock expression, its kind, the
    locked statements). Worked out once per method (every call site asks)."""
    known = model.memo("locked_body")
    if function in known:
        return known[function]
    found = None
    block = _single_with(function)
    if block is not None:
        for item in block.items:
            expr = item.context_expr
            if not (isinstance(expr, ast.Attribute) and _is_self(model, expr.value)):
                continue
            kind = lock_type(model, expr)
            if kind is not None and excludes_others(model, expr, kind):
                found = (expr, kind, block.body)
                break
    known[function] = found
    return found
