"""Evidence that a queue's producers are unbounded (TL201's default output, issue 12).

An unbounded queue is only a problem when something can put into it without limit. The
file is searched for every put into the queue's holder (the local name in the creating
function; ``<anything>.attr`` in the file for ``self.attr``; the name in the module for
a module-level queue). A put is evidence of unbounded production when it is:

- in an open-ended loop (``while``, ``async for``): a stream, socket or ``while True``
  read;
- per item of a loop over a query or a stream (a call that makes new items) or over
  the callers' collection; not over a literal, a count or what the object holds;
- a put of what the callers hand in: its item carries a parameter of a public function
  or method (``def write(self, record): self._q.put(record)``), or of a private one
  reached from such a caller or registered as a callback;
- in a function handed out as a callback (``consume(self._on_message)``), or the put
  method itself handed out (``on_message=q.put_nowait``): it runs per incoming event;
- in a consumer that takes from the same queue and puts other work back (a crawler's
  frontier).

Not evidence either: a method whose every call in the file is in a consumer of the queue
(a function that takes from it, or calls one that does): a retry schedule, where work
that failed is put back with a delay; a ``maxsize`` would make a consumer block on
itself.

Not evidence: a sentinel (a constant, a no-argument instance), an item taken from the
same queue put back, and, in a class that hands out what it takes from the queue
(``item = self._q.get(); return item``), a put of a parameter: a resource pool's
returns, at most the objects the pool created.

``unseen`` tells the rest apart: a queue whose holder other code can reach (handed to a
call, a public attribute or module name, ``other.attr`` used in the file) has producers
this file does not show.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from throughlint.semantic.expressions import (
    call_tail,
    keyword_value,
    names_bound_from,
    names_read,
    parameter_names,
    walk_nodes,
)
from throughlint.semantic.model import SemanticModel
from throughlint.semantic.scope_uses import UseIndex, holder_key, use_index

_PUTS = frozenset({"put", "put_nowait"})
_GETS = frozenset({"get", "get_nowait"})
# uses of the holder that neither put into the queue nor hand it on
_OWN_USES = frozenset(
    {"get", "get_nowait", "empty", "full", "qsize", "task_done", "join", "queue"}
    | {"unfinished_tasks", "close", "join_thread", "cancel_join_thread", "maxsize"}
    | {"put", "put_nowait", "shutdown"}
)
# uses through another object that only watch or take from the queue
# (``shared.errors.qsize()`` for a metric): not a sign of producers out of view
_WATCHES = frozenset({"qsize", "empty", "full", "join", "task_done", "get", "get_nowait"})
# calls that run the function handed to them once, with the arguments given
_ONE_SHOT = frozenset({"call_soon", "call_soon_threadsafe", "run_in_executor", "to_thread"})
# calls that start the function handed to them as a thread, a process or a job
_STARTERS = _ONE_SHOT | {"Thread", "Process", "Timer", "submit", "start_new_thread", "spawn"}
_DEPTH = 3
_SCOPES = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why the queue's production looks unbounded (``reason``, a phrase), or that its
    producers are not all in view (``unseen``)."""

    reason: str | None
    unseen: bool


def _holder(model: SemanticModel, call: ast.Call) -> ast.expr | None:
    """The name or ``self.attr`` the queue is assigned to, from the statement around it."""
    statement = model.node_stack[-1] if model.node_stack else None
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target, value = statement.targets[0], statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target, value = statement.target, statement.value
    else:
        return None
    if value is not call and not (
        isinstance(value, ast.IfExp) and call in (value.body, value.orelse)
    ):
        return None
    if isinstance(target, ast.Name):
        return target
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
        return target if target.value.id in ("self", "cls") else None
    return None


def unbounded_evidence(model: SemanticModel, call: ast.Call) -> Evidence:
    """What the file shows of the producers of the queue ``call`` creates."""
    holder = _holder(model, call)
    if holder is None:
        return Evidence(None, unseen=True)  # returned, passed on, stored elsewhere
    index = use_index(model)
    key = holder_key(holder)
    assert key is not None
    function = model.function
    scope: ast.AST | None = function if isinstance(holder, ast.Name) else None
    uses = [
        use
        for use in index.uses.get(key, ())
        if use is not holder and (scope is None or index.inside(use, scope))
    ]
    if isinstance(holder, ast.Attribute):
        uses = [use for use in uses if isinstance(use, ast.Attribute)]
    tainted = model.memo("queue_evidence_tainted")
    return _Search(index, model.tree, holder, function, uses, tainted).run()


class _Search:
    def __init__(
        self,
        index: UseIndex,
        tree: ast.Module,
        holder: ast.expr,
        function: ast.AST | None,
        uses: list[ast.AST],
        tainted: dict[ast.AST, set[str]],
        depth: int = 0,
    ) -> None:
        self.index = index
        self.tainted = tainted  # per function: its parameters and the locals built from them
        self.tree = tree
        self.key = holder_key(holder)
        self.uses = uses
        self.holder = holder
        self.function = function
        self.depth = depth
        self._found_gets: list[ast.Call] | None = None
        self._got_names: list[tuple[str, ast.AST]] | None = None
        self._getting: dict[int, ast.AST] | None = None  # the functions that take from it
        self._got_by_owner: dict[int, list[tuple[str, ast.AST]]] | None = None
        self._got_sets: dict[int, set[str]] = {}  # per function: the names bound from gets

    def run(self) -> Evidence:
        unseen = self._public()
        puts: list[tuple[ast.Call, ast.expr | None]] = []
        seen_elsewhere = False  # puts of a class this file hands the queue to
        for use in self.uses:
            parent = self.index.parents.get(use)
            if isinstance(parent, (ast.Assign, ast.AnnAssign)) and use in _targets(parent):
                continue  # (re)created
            if not isinstance(parent, ast.Attribute):
                handed = self._handed_on(use)
                if handed is None:
                    unseen = True  # handed to a call, returned, stored: others may put
                elif handed.reason is not None:
                    return handed
                else:
                    unseen = unseen or handed.unseen
                    seen_elsewhere = seen_elsewhere or not handed.unseen
                continue
            if isinstance(use, ast.Attribute) and not _on_self(use) and parent.attr not in _WATCHES:
                unseen = True  # ``self._context.tasks``: reachable from other objects
            if parent.attr not in _PUTS:
                continue
            call = self.index.parents.get(parent)
            if isinstance(call, ast.Call) and call.func is parent:
                puts.append((call, call.args[0] if call.args else keyword_value(call, "item")))
            elif isinstance(call, ast.Call) and call_tail(call.func) in _ONE_SHOT:
                at = call.args.index(parent) if parent in call.args else -1
                item = call.args[at + 1] if 0 <= at < len(call.args) - 1 else None
                puts.append((call, item))
            else:
                return Evidence("its `put` is handed out as a callback (one put per event)", True)
        reasons = [self._unbounded(call, item, 0) for call, item in puts]
        found = [reason for reason in reasons if reason is not None]
        if found:  # the strongest: an open-ended loop or a callback before a caller's loop
            return Evidence(min(found, key=_strength), unseen)
        if not (puts or seen_elsewhere or unseen) and self._closed_local():
            return Evidence(None, unseen=False)  # nothing can put into it: it cannot grow
        return Evidence(None, unseen or not (puts or seen_elsewhere))

    def _handed_on(self, use: ast.AST) -> Evidence | None:
        """What the file shows of a class of this file the queue is handed to
        (``TaskProcess(task, results)`` storing ``self.result_queue = results``), or None
        when it goes anywhere else."""
        if self.depth >= _DEPTH:
            return None
        parent = self.index.parents.get(use)
        keyword = parent.arg if isinstance(parent, ast.keyword) else None
        call = self.index.parents.get(parent) if keyword else parent
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
            return None
        if keyword is None and use not in call.args:
            return None
        position = call.args.index(use) if keyword is None else -1  # type: ignore[arg-type]
        if any(isinstance(argument, ast.Starred) for argument in call.args[: position + 1]):
            return None
        stored = _stored_by(self.index.classes, call.func.id, position, keyword)
        if stored is None:
            return None
        uses = [node for node in self.index.uses_of(stored) if node is not stored]
        return _Search(
            self.index, self.tree, stored, None, uses, self.tainted, self.depth + 1
        ).run()

    def _closed_local(self) -> bool:
        """A local of the creating function that no other scope can name (not declared
        ``global`` or ``nonlocal``): every use is in ``self.uses``."""
        if not isinstance(self.holder, ast.Name) or self.function is None:
            return False
        name = self.holder.id
        return not any(
            isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names
            for node in ast.walk(self.function)
        )

    def _public(self) -> bool:
        """A module-level queue with a public name: other modules may put into it."""
        return (
            self.function is None
            and isinstance(self.holder, ast.Name)
            and not self.holder.id.startswith("_")
        )

    # --- one put -------------------------------------------------------------------------

    def _unbounded(self, site: ast.AST, item: ast.expr | None, depth: int) -> str | None:
        function = self.index.function_of(site)
        if depth == 0 and _sentinel(item):
            return None
        if function is not None and self._put_back(function, item):
            return None
        for at in self.index.ancestors(site, function):
            if isinstance(at, (ast.While, ast.AsyncFor)) or (
                isinstance(at, ast.comprehension) and at.is_async
            ):
                return "a put in an open-ended loop"
        if function is None or isinstance(function, ast.Lambda):
            return None
        # the parameters and the locals copied from them (``items = [item] if ... else item``)
        parameters = self.tainted.get(function)
        if parameters is None:
            own = {p for p in parameter_names(function) if p not in ("self", "cls")}
            parameters = self.tainted[function] = _tainted(function, own) if own else own
        for at in self.index.ancestors(site, function):
            if isinstance(at, (ast.For, ast.comprehension)) and _stream(at.iter, parameters):
                return "a put per item of a query, a stream or the callers' items"
        if self._takes(function, item):
            return "a consumer puts back work it discovers"
        if not parameters or item is None or not _reads(item, parameters):
            return None
        name = function.name  # type: ignore[attr-defined]
        calls: list[ast.Call] = []
        for reference in self._references(function):
            call = self.index.parents.get(reference)
            if isinstance(call, ast.keyword):
                call = self.index.parents.get(call)
            if isinstance(call, ast.Call) and (
                call.func is reference or call_tail(call.func) in _STARTERS
            ):
                calls.append(call)  # called, or started once as a thread or job
            else:
                return f"a put in `{name}()`, handed out as a callback (one put per event)"
        if self._pool_return(function):
            return None
        owner = next(
            (at for at in self.index.ancestors(function, None) if isinstance(at, _SCOPES)), None
        )
        nested = isinstance(owner, _SCOPES[1:])  # a function in a function: its parent calls it
        if calls and all(self._in_consumer(call) for call in calls):
            return None  # a retry schedule: only the queue's own consumers put work back
        if not nested and (not name.startswith("_") or name in ("__call__", "__setitem__")):
            return f"a put of each caller's item (`{name}()`)"
        if depth >= _DEPTH:
            return None
        for call in calls:
            reason = self._unbounded(call, call, depth + 1)  # the caller's arguments
            if reason is not None:
                return reason
        return None

    def _references(self, function: ast.AST) -> list[ast.AST]:
        name = function.name  # type: ignore[attr-defined]
        found = []
        for key in ("n:" + name, "a:" + name):
            for use in self.index.uses.get(key, ()):
                if isinstance(use, ast.Attribute) and not (
                    isinstance(use.value, ast.Name) and use.value.id in ("self", "cls")
                ):
                    continue
                found.append(use)
        return found

    def _gets(self) -> list[ast.Call]:
        """The queue's ``get`` calls, found once per search (asked for every put)."""
        if self._found_gets is None:
            self._found_gets = []
            for use in self.uses:
                parent = self.index.parents.get(use)
                if isinstance(parent, ast.Attribute) and parent.attr in _GETS:
                    call = self.index.parents.get(parent)
                    if isinstance(call, ast.Call) and call.func is parent:
                        self._found_gets.append(call)
        return self._found_gets

    def _got(self, function: ast.AST | None = None) -> list[tuple[str, ast.AST]]:
        """Names bound to what is taken from the queue (in ``function``, or anywhere),
        with the function that binds each."""
        if self._got_names is None:
            self._got_names = []
            for get in self._gets():
                owner = self.index.function_of(get)
                if owner is None:
                    continue
                parent = self.index.parents.get(get)
                if isinstance(parent, ast.Await):
                    parent = self.index.parents.get(parent)
                if (
                    isinstance(parent, ast.Assign)
                    and len(parent.targets) == 1
                    and isinstance(parent.targets[0], ast.Name)
                ):
                    self._got_names.append((parent.targets[0].id, owner))
        if function is None:
            return self._got_names
        if self._got_by_owner is None:
            self._got_by_owner = {}
            for name, owner in self._got_names:
                self._got_by_owner.setdefault(id(owner), []).append((name, owner))
        return self._got_by_owner.get(id(function), [])

    def _put_back(self, function: ast.AST, item: ast.expr | None) -> bool:
        if not isinstance(item, ast.Name):
            return False
        names = self._got_sets.get(id(function))
        if names is None:
            names = self._got_sets[id(function)] = {name for name, _ in self._got(function)}
        return item.id in names

    def _takes(self, function: ast.AST, item: ast.expr | None) -> bool:
        takes = id(function) in self._getting_functions()
        return takes and not self._put_back(function, item)

    def _in_consumer(self, call: ast.Call) -> bool:
        """``call`` is in a function that takes from the queue, or calls one that does
        (devpi's ``process_next`` falls back on ``process_next_errored``): the items it
        puts come back from the consumers, as a retry schedule's do."""
        function = self.index.function_of(call)
        if function is None:
            return False
        getting = self._getting_functions()
        if id(function) in getting:
            return True
        getters = {getattr(getter, "name", None) for getter in getting.values()} - {None}
        return any(
            isinstance(node, ast.Call) and call_tail(node.func) in getters
            for node in walk_nodes(function)
        )

    def _getting_functions(self) -> dict[int, ast.AST]:
        """The functions that take from the queue, by id (found once per search)."""
        if self._getting is None:
            functions = (self.index.function_of(get) for get in self._gets())
            self._getting = {id(f): f for f in functions if f is not None}
        return self._getting

    def _pool_return(self, function: ast.AST) -> bool:
        """The class of ``function`` hands out what it takes from the queue (``item =
        await self._items.get(); return item``): a put of a parameter returns one."""
        owner = self.index.parents.get(function)
        if not isinstance(owner, ast.ClassDef):
            return False
        for name, method in self._got():
            if self.index.parents.get(method) is owner and any(
                isinstance(node, ast.Return)
                and isinstance(node.value, ast.Name)
                and node.value.id == name
                for node in walk_nodes(method)
            ):
                return True
        return False


_ORDER = ("open-ended", "callback", "discovers", "caller's item")


def _strength(reason: str) -> int:
    return next((at for at, word in enumerate(_ORDER) if word in reason), len(_ORDER))


def _stored_by(
    classes: dict[str, ast.ClassDef], name: str, position: int, keyword: str | None
) -> ast.Attribute | None:
    """``self.attr = parameter`` in the ``__init__`` of the class ``name`` defined at the
    top of the module, for the argument at ``position`` (or ``keyword``); through a
    constructor that hands ``*args`` / ``**kwargs`` to its base's (a base of this file)."""
    found = classes.get(name)
    for _ in range(_DEPTH):
        if found is None:
            return None
        init = next(
            (
                node
                for node in found.body
                if isinstance(node, ast.FunctionDef) and node.name == "__init__"
            ),
            None,
        )
        base = next((b.id for b in found.bases if isinstance(b, ast.Name)), None)
        if init is None:
            found = classes.get(base) if base else None
            continue
        arguments = init.args
        positional = [a.arg for a in [*arguments.posonlyargs, *arguments.args][1:]]
        if keyword is not None:
            names = positional + [a.arg for a in arguments.kwonlyargs]
            parameter = keyword if keyword in names else None
            forwarded = parameter is None and arguments.kwarg is not None
        else:
            parameter = positional[position] if position < len(positional) else None
            forwarded = parameter is None and arguments.vararg is not None
            position -= len(positional)
        if parameter is not None:
            return _stored(init, parameter)
        if not forwarded or not _forwards(init, arguments.kwarg if keyword else arguments.vararg):
            return None
        found = classes.get(base) if base else None
    return None


def _forwards(init: ast.FunctionDef, extra: ast.arg | None) -> bool:
    """``__init__`` hands its ``*args`` (``**kwargs``) on to its base's ``__init__``."""
    if extra is None:
        return False
    for node in walk_nodes(init):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "__init__"
        ):
            continue
        handed = [*node.args, *(k.value for k in node.keywords if k.arg is None)]
        if any(
            isinstance(value, (ast.Starred, ast.Name))
            and isinstance(name := getattr(value, "value", value), ast.Name)
            and name.id == extra.arg
            for value in handed
        ):
            return True
    return False


def _stored(init: ast.FunctionDef, parameter: str) -> ast.Attribute | None:
    for node in walk_nodes(init):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Attribute)
            and _on_self(node.targets[0])
            and isinstance(node.value, ast.Name)
            and node.value.id == parameter
        ):
            return node.targets[0]
    return None


def _on_self(node: ast.Attribute) -> bool:
    return isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")


def _sentinel(item: ast.expr | None) -> bool:
    if item is None or isinstance(item, ast.Constant):
        return True
    return (  # ``_Stop()``, not ``source.readline()``
        isinstance(item, ast.Call)
        and isinstance(item.func, ast.Name)
        and not item.args
        and not item.keywords
    )


# calls whose result holds the items of what they are given: a view, not a new source
_PASS_THROUGH = frozenset(
    {"list", "tuple", "set", "frozenset", "sorted", "reversed", "enumerate", "zip", "iter"}
    | {"filter", "map", "dict", "chain", "items", "keys", "values", "copy", "range", "len"}
)


def _stream(iterable: ast.expr, parameters: set[str]) -> bool:
    """A loop over a query, a stream or the callers' items: a call that makes a new
    source of items (``cursor.fetchall()``, ``os.scandir(path)``) or a collection that
    carries a parameter. Literals, counts (``range``) and collections the object or
    function already holds (``self._running.items()``) are not."""
    pending = [iterable]
    while pending:
        at = pending.pop()
        if isinstance(at, ast.Name):
            if at.id in parameters:
                return True
        elif isinstance(at, ast.Call):
            if call_tail(at.func) not in _PASS_THROUGH:
                return True
            if isinstance(at.func, ast.Attribute):
                pending.append(at.func.value)
            pending.extend(at.args)
        elif isinstance(at, (ast.Attribute, ast.Subscript, ast.Starred)):
            pending.append(at.value)
        elif isinstance(at, (ast.List, ast.Tuple, ast.Set)):
            pending.extend(at.elts)
    return False


def _tainted(function: ast.AST, parameters: set[str]) -> set[str]:
    """The parameters and every local of ``function`` computed from them (a copy, a
    record built from them: ``batch = Batch(items=items)``): each call's own items."""
    return names_bound_from(function, parameters, names_read)


def _reads(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(at, ast.Name) and at.id in names for at in walk_nodes(node))


def _targets(statement: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return statement.targets if isinstance(statement, ast.Assign) else [statement.target]
