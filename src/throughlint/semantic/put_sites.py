"""Is every producer of a queue bounded by how it is built (issue 12, class 7)?

Each place that puts into the queue, in the scope that creates it (the function for a
local name, the class for ``self.attr``), is followed to where it runs:

- a put of a sentinel (a constant, a name bound to ``object()`` or a constant, a
  no-argument instance, the exception of an ``except`` clause outside any loop) is one
  start or stop event;
- a put after the producer has waited for room (``while used > budget: cond.wait()``) has
  backpressure of its own;
- a put of the creating function before any consumer can run (before the first thread
  or job it starts, and before the queue is handed to any call) fills a work list: the
  workers see a fixed set;
- any other put must run a bounded number of times: inside no ``while`` or ``async for``
  loop, over items the producer makes itself (a loop's iterable and the item never read
  the function's parameters, except as a count in ``range()``), in a function that runs a
  bounded number of times: the creating function itself, a nested function called or
  handed to a thread or executor outside any open-ended loop, or a method reached the
  same way; a method nothing in the class calls is an entry point, bounded only when
  its put is in a ``for`` loop (a scan that fills the queue from its own source).

A put in a function that only forwards its parameter (``def _safe_put(item):
queue.put_nowait(item)``) is followed to that function's call sites. A queue handed to
other code, a put method handed out as a callback, or a function handed to anything but
a thread or executor makes the answer "not bounded": the other side is not seen.
"""

from __future__ import annotations

import ast

from throughlint.semantic.expressions import (
    call_tail,
    keyword_value,
    names_bound_from,
    parameter_names,
    walk_nodes,
)
from throughlint.semantic.model import SemanticModel
from throughlint.semantic.scope_uses import holder_key, same_holder, use_index

_PUTS = frozenset({"put", "put_nowait"})
_GETS = frozenset({"get", "get_nowait"})
# what a consumer elsewhere may do with the queue without adding to it
_CONSUMER_USES = frozenset(
    {"get", "get_nowait", "empty", "full", "qsize", "task_done", "join", "queue"}
    | {"unfinished_tasks", "close", "join_thread", "cancel_join_thread"}
)
# calls that run a function handed to them once: a thread, a process, an executor job
_STARTERS = frozenset(
    {"Thread", "Process", "Timer", "run_in_executor", "submit", "to_thread"}
    | {"start_new_thread", "spawn", "apply_async", "call_soon", "call_soon_threadsafe"}
)
_THREAD_CLASSES = frozenset({"threading.Thread", "multiprocessing.Process"})
# calls after which a consumer may be running
_CONSUMERS_START = _STARTERS | {"start", "create_task", "ensure_future", "gather", "map"}
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
# the words of a helper's name that say it starts the function handed to it
_SPAWN_WORDS = frozenset({"spawn", "submit", "start", "thread", "threads", "worker", "workers"})
_DEPTH = 4


class _Producers:
    def __init__(self, model: SemanticModel, scope: ast.AST, target: ast.expr) -> None:
        self.model = model
        self.scope = scope
        self.target = target
        self.method_scope = isinstance(scope, ast.ClassDef)
        self.index = use_index(model)  # the file's, shared by its queues
        self.parents = self.index.parents
        self._carried: dict[ast.AST, set[str]] = {}  # per producing function

    # --- where the queue is put into -------------------------------------------------

    def sites(self) -> list[tuple[ast.AST, ast.expr | None]] | None:
        """Each put (the node that runs it, the item), or None when the queue or one of
        its put methods is handed to code this scope does not show."""
        found: list[tuple[ast.AST, ast.expr | None]] = []
        for node in self.index.uses_of(self.target, self.scope):
            if node is self.target:
                continue
            parent = self.parents.get(node)
            if isinstance(parent, (ast.Assign, ast.AnnAssign)) and _assigned(parent, node):
                continue
            if not isinstance(parent, ast.Attribute):
                if self._to_a_consumer(node):
                    continue  # a worker of this file that only takes from it
                if self._to_an_own_helper(node):
                    continue  # a helper of this scope that takes, or drops past a cap
                return None  # handed out: someone else may put into it
            if parent.attr not in _PUTS:
                continue
            call = self.parents.get(parent)
            if isinstance(call, ast.Call) and call.func is parent:
                item = call.args[0] if call.args else keyword_value(call, "item")
                found.append((call, item))
            elif isinstance(call, ast.Call) and parent in call.args:
                at = call.args.index(parent)  # ``loop.call_soon_threadsafe(q.put_nowait, x)``
                if call_tail(call.func) not in _STARTERS:
                    return None
                found.append((call, call.args[at + 1] if at + 1 < len(call.args) else None))
            else:
                return None  # ``on_message=q.put_nowait``: a callback, runs per event
        return found

    def _to_a_consumer(self, node: ast.AST) -> bool:
        """A local queue handed to a thread or executor job whose function, defined in
        this file, never puts into it nor hands it on (``Thread(target=work,
        args=(q,))``, ``pool.submit(work, q)``)."""
        if self.method_scope:
            return False
        parent = self.parents.get(node)
        arguments: list[ast.expr] = []
        function: ast.expr | None = None
        if isinstance(parent, ast.Tuple):
            keyword = self.parents.get(parent)
            call = self.parents.get(keyword) if isinstance(keyword, ast.keyword) else None
            if not isinstance(call, ast.Call) or keyword.arg != "args":  # type: ignore[union-attr]
                return False
            function, arguments = keyword_value(call, "target"), list(parent.elts)
        elif isinstance(parent, ast.Call) and node in parent.args:
            call = parent
            lead = 2 if call_tail(call.func) == "run_in_executor" else 1
            if len(call.args) > lead:
                function, arguments = call.args[lead - 1], call.args[lead:]
        else:
            return False
        if call_tail(call.func) not in _STARTERS and not self._spawner(call.func):
            return False
        if node not in arguments or any(isinstance(a, ast.Starred) for a in arguments):
            return False
        definition = self._own_function(function)
        if definition is None:
            return False
        parameters = parameter_names(definition)
        if isinstance(function, ast.Attribute) and not _static(definition):
            parameters = parameters[1:]  # ``self._work``: bound to the object
        index = arguments.index(node)  # type: ignore[arg-type]
        if index >= len(parameters):
            return False
        name = parameters[index]
        inner: dict[ast.AST, ast.AST] = {}
        for outer in ast.walk(definition):
            for child in ast.iter_child_nodes(outer):
                inner[child] = outer
        for use in ast.walk(definition):
            if not (isinstance(use, ast.Name) and use.id == name):
                continue
            holder = inner.get(use)
            if not isinstance(holder, ast.Attribute) or holder.attr in _PUTS:
                return False
        return True

    def _own_function(self, func: ast.expr | None) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """A function of this file by name, or a method of the class around the scope
        through ``self.`` or ``cls.`` (``self._task`` handed to a thread)."""
        if isinstance(func, ast.Name):
            return self._definition(func.id)
        if not (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in ("self", "cls")
        ):
            return None
        owner = self.scope if self.method_scope else self.parents.get(self.scope)
        if not isinstance(owner, ast.ClassDef):
            return None
        for statement in owner.body:
            if (
                isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
                and statement.name == func.attr
            ):
                return statement
        return None

    def _spawner(self, func: ast.expr) -> bool:
        """A helper of this file that runs a function on the arguments after it, as
        ``submit`` does (``def _spawn_worker(self, func, *args)``), and puts into
        nothing itself; or one this file does not define (a base class's, another
        module's) named for starting work (``self._spawn_worker``, ``run_in_thread``)."""
        definition = self._own_function(func)
        if definition is None:
            words = set((call_tail(func) or "").lower().split("_"))
            return bool(words & _SPAWN_WORDS)
        if definition.args.vararg is None:
            return False
        plain = [*definition.args.posonlyargs, *definition.args.args]
        if isinstance(func, ast.Attribute) and not _static(definition):
            plain = plain[1:]
        return len(plain) == 1 and not any(
            isinstance(node, ast.Attribute) and node.attr in _PUTS
            for node in walk_nodes(definition)
        )

    def _to_an_own_helper(self, node: ast.AST) -> bool:
        """The queue handed to a function of this scope (``self._keep(self.out, line)``,
        ``keep(q, line)``, ``self._iter(self.out)``) that only takes from it, asks its
        size and puts into it, and caps it before every put: ``while q.qsize() >= cap:
        q.get_nowait()`` drops the oldest, ``if q.qsize() >= cap: return`` drops the
        newest. The backlog never passes the cap, however fast the producer runs."""
        call = self.parents.get(node)
        if isinstance(call, ast.IfExp) and node is not call.test:
            node, call = call, self.parents.get(call)  # ``self.out if fast else self.err``
        if not isinstance(call, ast.Call) or node not in call.args:
            return False
        position = call.args.index(node)  # type: ignore[arg-type]
        if any(isinstance(argument, ast.Starred) for argument in call.args[: position + 1]):
            return False
        definition = self._callee(call.func)
        if definition is None:
            return False
        parameters = parameter_names(definition)
        if isinstance(call.func, ast.Attribute) and not _static(definition):
            position += 1  # ``self`` or ``cls`` comes first
        if position >= len(parameters):
            return False
        return _taken_or_capped(definition, parameters[position])

    def _callee(self, func: ast.expr) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The function of this file a call runs: a method of the class through
        ``self.`` or ``cls.`` (for a queue the class holds), or a function by name."""
        if isinstance(func, ast.Name) or self.method_scope:
            return self._own_function(func)
        return None

    def _definition(self, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        for root in (self.scope, self.model.tree):
            for node in ast.walk(root) if root is self.scope else root.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                    return node
        return None

    def _filled_before_start(self, site: ast.AST, function: ast.AST | None) -> bool:
        """A put of the creating function that runs before any thread or job starts: the
        queue is filled once with what the function already holds (the workers, which
        only take from it, see a fixed set)."""
        if function is not self.scope or self.method_scope:
            return False
        first = self._first_start()
        line = getattr(site, "lineno", None)
        if first is None or line is None or line >= first.lineno:
            return False
        # not in a loop that also starts a consumer: its later passes put into a
        # running queue
        return not any(
            isinstance(at, (ast.For, ast.AsyncFor, ast.While, ast.comprehension))
            and self.index.inside(first, at)
            for at in self.index.ancestors(site, self.scope)
        )

    def _first_start(self) -> ast.Call | None:
        """The creating function's first call that may start a consumer: a starter
        (``Thread``, ``submit``, ``start``) or a call the queue is handed to (the workers
        it goes to may be running from then on), found once per function and queue."""
        memo = self.model.memo("first_start")
        key = (self.scope, holder_key(self.target))
        if key not in memo:
            starts = [
                node
                for node in walk_nodes(self.scope)
                if isinstance(node, ast.Call)
                and (call_tail(node.func) in _CONSUMERS_START or self._hands_on(node))
                and self._function_of(node) is self.scope
            ]
            memo[key] = min(starts, key=_position) if starts else None
        return memo[key]

    def _hands_on(self, call: ast.Call) -> bool:
        """The queue is among the call's arguments (in a tuple of them too)."""
        arguments = [*call.args, *(keyword.value for keyword in call.keywords)]
        for argument in arguments:
            for part in argument.elts if isinstance(argument, ast.Tuple) else [argument]:
                if same_holder(part, self.target):
                    return True
        return False

    # --- one put -----------------------------------------------------------------------

    def bounded(self, site: ast.AST, item: ast.expr | None, depth: int = 0) -> bool:
        if depth > _DEPTH:
            return False
        function = self._function_of(site)
        if self._sentinel(item, site, function):
            return True
        if self._refill(function, item):
            return True
        if function is not None and self._waits_before(function, site):
            return True
        if (
            function is not None
            and function is not self.scope
            and isinstance(item, ast.Name)
            and item.id in parameter_names(function)
            and not isinstance(function, ast.Lambda)
        ):
            callers = self._references(function)
            if callers:  # a function that forwards its parameter: its callers put
                index = parameter_names(function).index(item.id)
                return all(
                    self._forwarded(caller, function, index, item.id, depth) for caller in callers
                )
        if self._open_loop(site, function):
            return False
        if self._filled_before_start(site, function):
            return True
        if function is self.scope and not self.method_scope and self._in_for(site, function):
            return False  # the creating function feeds running consumers item by item
        if self._reads_parameters(site, item, function):
            return False
        return self._reached(function, self._in_for(site, function), depth)

    def _forwarded(
        self, caller: ast.AST, function: ast.AST, index: int, name: str, depth: int
    ) -> bool:
        if not isinstance(caller, ast.Call):
            return False  # handed on as a value: its callers are not seen
        skip = 1 if self._is_method(function) else 0
        at = index - skip
        argument = caller.args[at] if 0 <= at < len(caller.args) else keyword_value(caller, name)
        if argument is None:
            return False
        return self.bounded(caller, argument, depth + 1)

    def _sentinel(self, item: ast.expr | None, site: ast.AST, function: ast.AST | None) -> bool:
        if isinstance(item, ast.Constant):
            return True
        if isinstance(item, ast.Call) and not item.args and not item.keywords:
            return isinstance(item.func, ast.Name)  # ``put(_PoisonPill())``
        if item is not None and not isinstance(item, ast.Name):
            return self._error_event(item, site, function)
        if not isinstance(item, ast.Name):
            return False
        if function is not None and _rebinds(function, item.id):
            return False  # a loop variable or a value of the producer's own
        roots = [at for at in self._ancestors(site, None) if isinstance(at, _FUNCTIONS)]
        top = [node for node in self.model.tree.body if isinstance(node, ast.Assign)]
        for node in [*top, *(inner for root in roots for inner in walk_nodes(root))]:
            if (
                isinstance(node, ast.ExceptHandler)
                and node.name == item.id
                and _contains(node, site)
                and not self._open_loop(node, function)
            ):
                return not self._in_for(node, function)
            if (
                isinstance(node, ast.Assign)
                and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == item.id
                and _is_marker(node.value)
                and self._visible(node, site)
            ):
                return True
        return False

    def _error_event(self, item: ast.expr, site: ast.AST, function: ast.AST | None) -> bool:
        """A put of what an ``except`` clause outside any loop makes of its exception
        (``q.put(f"stream failed: {error}")``): one stop event, like the exception
        itself."""
        read = {node.id for node in ast.walk(item) if isinstance(node, ast.Name)}
        for handler in self._ancestors(site, function):
            if isinstance(handler, ast.ExceptHandler) and handler.name in read:
                return not self._open_loop(handler, function) and not self._in_for(
                    handler, function
                )
        return False

    def _refill(self, function: ast.AST | None, item: ast.expr | None) -> bool:
        """Filled in the constructor, or an item taken from the same queue put back (a
        pool of idle connections)."""
        if function is None:
            return False
        if self.method_scope and getattr(function, "name", None) == "__init__":
            return True
        if not isinstance(item, ast.Name):
            return False
        return any(
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == item.id for t in node.targets)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Attribute)
            and node.value.func.attr in _GETS
            and same_holder(node.value.func.value, self.target)
            for node in ast.walk(function)
        )

    def _visible(self, assignment: ast.Assign, site: ast.AST) -> bool:
        """The assignment is at module level or in a function that encloses ``site``."""
        if assignment in self.model.tree.body:
            return True
        return any(
            isinstance(node, _FUNCTIONS) and self.index.inside(assignment, node)
            for node in self._ancestors(site, None)
        )

    def _waits_before(self, function: ast.AST, site: ast.AST) -> bool:
        """``while used + size > budget: cond.wait()`` earlier in the producer."""
        line = getattr(site, "lineno", 0)
        for node in walk_nodes(function):
            if not isinstance(node, ast.While) or node.lineno >= line:
                continue
            if not any(isinstance(inner, ast.Compare) for inner in ast.walk(node.test)):
                continue
            if any(
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Attribute)
                and inner.func.attr in ("wait", "acquire")
                for statement in node.body
                for inner in ast.walk(statement)
            ):
                return True
        return False

    def _open_loop(self, node: ast.AST, function: ast.AST | None) -> bool:
        """Inside a ``while`` or ``async for`` loop of ``function``: runs without a count."""
        for ancestor in self._ancestors(node, function):
            if isinstance(ancestor, (ast.While, ast.AsyncFor)):
                return True
            if isinstance(ancestor, ast.comprehension) and ancestor.is_async:
                return True
        return False

    def _in_for(self, node: ast.AST, function: ast.AST | None) -> bool:
        return any(
            isinstance(ancestor, (ast.For, ast.comprehension))
            for ancestor in self._ancestors(node, function)
        )

    def _carried_in(self, function: ast.AST) -> set[str]:
        """The parameters of ``function`` and of the functions around it up to the scope,
        and the locals copied from them; empty when there are no parameters."""
        parameters: set[str] = set()
        at: ast.AST | None = function
        while at is not None:
            parameters.update(parameter_names(at))
            if at is self.scope:
                break
            at = self._function_of(at)
        parameters -= {"self", "cls"}
        return _carried_names(function, parameters) if parameters else set()

    def _reads_parameters(
        self, site: ast.AST, item: ast.expr | None, function: ast.AST | None
    ) -> bool:
        """The item or a loop around the put carries what the callers passed in (a
        parameter of the producer or of a function around it, or a local copied from
        one): the callers bring the items, as many as they like. A count in ``range()``
        or what a call makes of a parameter (``json.load(open(path))``) is the
        producer's own."""
        if function is None:
            return False
        carried = self._carried.get(function)
        if carried is None:
            carried = self._carried[function] = self._carried_in(function)
        if not carried:
            return False
        read = [item] if item is not None else []
        for ancestor in self._ancestors(site, function):
            if isinstance(ancestor, (ast.For, ast.comprehension)):
                read.append(ancestor.iter)
        return any(_carries(node, carried) for node in read)

    # --- how the function holding a put runs -------------------------------------------

    def _reached(self, function: ast.AST | None, in_for: bool, depth: int) -> bool:
        if function is None or depth > _DEPTH:
            return False
        if function is self.scope:
            return True
        references = self._references(function)
        if not references:
            # a method nothing here calls: an entry point, bounded when it fills the
            # queue in a loop over its own source, or a thread's ``run`` (once per object)
            if not (self.method_scope and self._is_method(function)):
                return False
            return in_for or self._thread_body(function)
        for reference in references:
            if isinstance(reference, ast.Call) and self._calls(reference, function):
                site: ast.AST = reference
            else:
                call = self.parents.get(reference)
                if isinstance(call, ast.keyword):
                    call = self.parents.get(call)
                if not isinstance(call, ast.Call) or call_tail(call.func) not in _STARTERS:
                    return False  # handed to a library as a callback: runs per event
                site = call
            outer = self._function_of(site)
            if self._open_loop(site, outer):
                return False
            if not self._reached(outer, in_for or self._in_for(site, outer), depth + 1):
                return False
        return True

    def _thread_body(self, function: ast.AST) -> bool:
        """``run`` of a ``Thread`` or ``Process`` subclass: ``start()`` runs it once."""
        if getattr(function, "name", None) != "run" or not isinstance(self.scope, ast.ClassDef):
            return False
        return any(self.model.resolve(base) in _THREAD_CLASSES for base in self.scope.bases)

    def _references(self, function: ast.AST) -> list[ast.AST]:
        """Calls of ``function`` and other uses of its name in the scope."""
        name = getattr(function, "name", None)
        if name is None:
            return []
        found: list[ast.AST] = []
        key = ("a:" if self.method_scope else "n:") + name
        for node in self.index.uses.get(key, ()):
            if self.method_scope and not (
                isinstance(node.value, ast.Name)  # type: ignore[attr-defined]
                and node.value.id in ("self", "cls")  # type: ignore[attr-defined]
            ):
                continue
            if not self.index.inside(node, self.scope):
                continue
            parent = self.parents.get(node)
            found.append(parent if isinstance(parent, ast.Call) and parent.func is node else node)
        return found

    def _calls(self, call: ast.Call, function: ast.AST) -> bool:
        name = getattr(function, "name", None)
        func = call.func
        return (isinstance(func, ast.Name) and func.id == name) or (
            isinstance(func, ast.Attribute) and func.attr == name
        )

    def _is_method(self, function: ast.AST) -> bool:
        return self.method_scope and self.parents.get(function) is self.scope

    def _function_of(self, node: ast.AST) -> ast.AST | None:
        """The innermost function around ``node`` within the creating scope."""
        at = self.parents.get(node)
        while at is not None:
            if isinstance(at, _FUNCTIONS):
                return at
            if at is self.scope:
                return None
            at = self.parents.get(at)
        return None

    def _ancestors(self, node: ast.AST, stop: ast.AST | None) -> list[ast.AST]:
        """From the parent of ``node`` outwards, up to ``stop`` or the creating scope."""
        found = []
        at = self.parents.get(node)
        while at is not None and at is not stop:
            found.append(at)
            if at is self.scope:
                break
            at = self.parents.get(at)
        return found


def bounded_producers(model: SemanticModel, scope: ast.AST, target: ast.expr) -> bool:
    """Every put into the queue held by ``target`` (a name of the function ``scope`` or
    ``self.attr`` of the class ``scope``) runs a bounded number of times or is
    backpressured, and the queue's put side is not handed to code the scope does not
    show. False when nothing puts into it."""
    producers = _Producers(model, scope, target)
    if isinstance(target, ast.Attribute) and _handed_out_elsewhere(producers, target):
        return False
    sites = producers.sites()
    if not sites:
        return False
    return all(producers.bounded(site, item) for site, item in sites)


def _handed_out_elsewhere(producers: _Producers, target: ast.Attribute) -> bool:
    """``other.attr`` in the file, outside the class, used for anything but taking from
    it (``scanner.queue.get()``)."""
    index = producers.index
    for use in index.uses.get("a:" + target.attr, ()):
        if index.inside(use, producers.scope):
            continue
        parent = index.parents.get(use)
        if not (isinstance(parent, ast.Attribute) and parent.attr in _CONSUMER_USES):
            return True
    return False


def _static(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(decorator, ast.Name) and decorator.id == "staticmethod"
        for decorator in function.decorator_list
    )


def _taken_or_capped(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    """In ``function``, the parameter ``name`` is only taken from, sized and put into,
    and a cap on its size runs before every put (see ``_to_an_own_helper``)."""
    caps: list[int] = []
    puts: list[int] = []
    parents = {child: node for node in ast.walk(function) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(function):
        if isinstance(node, (ast.While, ast.If)) and _over_cap(node, name):
            caps.append(node.lineno)
        if not (isinstance(node, ast.Name) and node.id == name):
            continue
        if isinstance(node.ctx, ast.Store):
            return False  # rebound: another queue
        holder = parents.get(node)
        if not isinstance(holder, ast.Attribute) or holder.attr not in _CONSUMER_USES | _PUTS:
            return False  # handed on: others may put into it
        if holder.attr in _PUTS:
            puts.append(holder.lineno)
    return all(any(cap < put for cap in caps) for put in puts)


def _over_cap(statement: ast.While | ast.If, name: str) -> bool:
    """``while name.qsize() >= cap: name.get_nowait()`` or ``if name.qsize() >= cap:``
    with a take from it or a ``return`` in its block."""
    test = statement.test
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return False
    left, right, op = test.left, test.comparators[0], test.ops[0]
    sized = (isinstance(op, (ast.Gt, ast.GtE)) and _qsize_of(left, name)) or (
        isinstance(op, (ast.Lt, ast.LtE)) and _qsize_of(right, name)
    )
    if not sized:
        return False
    for inner in statement.body:
        for node in ast.walk(inner):
            if isinstance(node, ast.Return) and isinstance(statement, ast.If):
                return True
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in _GETS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == name
            ):
                return True
    return False


def _qsize_of(node: ast.expr, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "qsize"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == name
    )


def _assigned(statement: ast.Assign | ast.AnnAssign, node: ast.AST) -> bool:
    targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
    return any(target is node for target in targets)


def _rebinds(function: ast.AST, name: str) -> bool:
    """``name`` is bound in ``function`` other than to a marker: a loop variable, a
    parameter, a value computed there."""
    if name in parameter_names(function):
        return True
    markers = {
        id(target)
        for node in ast.walk(function)
        if isinstance(node, ast.Assign) and _is_marker(node.value)
        for target in node.targets
    }
    return any(
        isinstance(node, ast.Name)
        and node.id == name
        and isinstance(node.ctx, ast.Store)
        and id(node) not in markers
        for node in ast.walk(function)
    )


def _is_marker(value: ast.expr) -> bool:
    """``object()`` or a constant: a value that can only be a sentinel."""
    if isinstance(value, ast.Constant):
        return True
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "object"
        and not value.args
        and not value.keywords
    )


def _contains(outer: ast.AST, inner: ast.AST) -> bool:
    return any(node is inner for node in ast.walk(outer))


# builtins whose result holds the items of their arguments
_PASS_THROUGH = frozenset(
    {"list", "tuple", "set", "frozenset", "sorted", "reversed", "enumerate", "zip"}
    | {"iter", "filter", "map", "dict", "chain"}
)

_VIEWS = frozenset({"items", "keys", "values", "copy"})


def _carries(node: ast.AST, names: set[str]) -> bool:
    """``node`` holds items of one of ``names`` (see ``_carried_from``)."""
    return not _carried_from(node).isdisjoint(names)


def _carried_from(node: ast.AST) -> set[str]:
    """The names whose items ``node`` holds: read directly, through a view of one
    (``items.items()``, not ``client.fetch()``) or a builtin that keeps items
    (``sorted(items)``); not what another call makes of it, nor a count in ``range()``."""
    found: set[str] = set()
    pending = [node]  # a loop, not recursion: an item can nest a thousand operators
    while pending:
        at = pending.pop()
        if isinstance(at, ast.Name):
            found.add(at.id)
        elif isinstance(at, ast.Call):
            func = at.func
            if isinstance(func, ast.Attribute):  # a view of a collection, not a client's call
                if func.attr in _VIEWS:
                    pending.append(func.value)
            elif isinstance(func, ast.Name) and func.id in _PASS_THROUGH:
                pending.extend(at.args)
        elif isinstance(at, ast.IfExp):
            pending.extend((at.body, at.orelse))
        else:
            pending.extend(ast.iter_child_nodes(at))
    return found


def _carried_names(function: ast.AST, parameters: set[str]) -> set[str]:
    """The parameters and the locals of ``function`` copied from them."""
    return names_bound_from(function, parameters, _carried_from)


def _position(node: ast.AST) -> tuple[int, int]:
    return node.lineno, node.col_offset  # type: ignore[attr-defined]
