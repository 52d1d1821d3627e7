"""Facts about one loop's body, computed once per loop and asked by every call in it.

A rule that checks a call inside a loop needs to know things about the whole loop: does it
``break``, ``yield``, flush, keep values for later, carry a value from one pass to the
next. Worked out per call, that is a walk of the body per call: quadratic in the size of
the loop. :class:`LoopFacts` walks the body once, on the first question, and answers the
rest from what it kept (``SemanticModel.loop_facts``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from throughlint.semantic.expressions import child_nodes, names_read, target_names

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_STATEMENT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
_TRY = (ast.Try, getattr(ast, "TryStar", ast.Try))
_EXITS = frozenset({ast.Break, ast.Return, ast.Raise})
# Assignments whose targets are bound before their body runs: they never carry the value
# of a call inside them to the next pass the way ``x = await f(x)`` does.
_BLOCKS = (ast.With, ast.AsyncWith, ast.For, ast.AsyncFor)
_ASSIGNING = frozenset(
    {ast.Assign, ast.AugAssign, ast.AnnAssign, ast.NamedExpr, ast.For, ast.AsyncFor}
    | {ast.With, ast.AsyncWith}
)
_RETAINING_METHODS = frozenset({"append", "add", "put", "put_nowait", "appendleft", "insert"})
_NESTED_BLOCKS = (ast.stmt, ast.excepthandler, ast.match_case)
_ALWAYS = (float("inf"), 0.0)
_NEVER = (-1.0, 0.0)

Position = tuple[float, float]


class LoopFacts:
    """What the body of one loop does, each group of facts found by one walk on its first
    question. Own level: in the loop's body, not inside a nested loop or function (a
    ``break`` there leaves this loop)."""

    __slots__ = (
        "_assigned",
        "_carried",
        "_counter",
        "_exits",
        "_has_try",
        "_in_try",
        "_kept",
        "_last_flush_line",
        "_nested",
        "_on_success",
        "_positions",
        "_tries",
        "_whole_assigned",
        "_whole_flush_line",
        "_yields",
        "node",
    )

    def __init__(
        self, node: ast.AST, nested: Callable[[ast.AST], LoopFacts], counter: list[int]
    ) -> None:
        self.node = node  # a ``for`` / ``while`` statement or a comprehension
        self._nested = nested  # the facts of a loop inside this one, found once per loop
        self._counter = counter
        self._exits: frozenset[type] | None = None  # own level: Break, Return, Raise
        self._has_try = False
        self._on_success: bool | None = None
        self._tries: list[ast.Try] = []
        self._yields: bool | None = None
        # in the body; and in the whole loop (its header and ``else`` too), for the loop
        # around this one
        self._last_flush_line = self._whole_flush_line = 0
        self._assigned: frozenset[str] = frozenset()
        self._whole_assigned: frozenset[str] = frozenset()
        self._in_try: set[int] | None = None
        self._kept: dict[ast.AST, set[int]] = {}  # by statement
        self._positions: dict[int, int] | None = None
        self._carried: _Carried | None = None

    # --- the statements at the loop's own level ----------------------------------------

    @property
    def exits(self) -> frozenset[type]:
        """Which of ``break``, ``return`` and ``raise`` the body has at its own level."""
        if self._exits is None:
            self._scan_statements()
        return self._exits  # type: ignore[return-value]

    @property
    def leaves_early(self) -> bool:
        """The body can ``break`` or ``return``: later passes depend on earlier results."""
        exits = self.exits
        return ast.Break in exits or ast.Return in exits

    @property
    def has_try(self) -> bool:
        """A ``try`` at the loop's own level."""
        if self._exits is None:
            self._scan_statements()
        return self._has_try

    @property
    def leaves_on_success(self) -> bool:
        """A ``break`` or ``return`` on the path where the body's operation worked: in the
        body or ``else:`` of a ``try`` at the loop's own level, or a statement of the body
        itself (``try: r = op() / except E: continue`` then ``break``). The shape of a retry
        (one operation until it works), not of a search over items that leaves on a
        condition (``if item == wanted: return item``)."""
        if self._on_success is None:
            self._on_success = self._success_exit()
        return self._on_success

    def _success_exit(self) -> bool:
        if self._exits is None:
            self._scan_statements()
        body = getattr(self.node, "body", None)
        direct = body if isinstance(body, list) else []
        if any(isinstance(statement, (ast.Break, ast.Return)) for statement in direct):
            return True
        for statement in self._tries:
            stack = _own_statements([*statement.body, *statement.orelse])
            while stack:
                inner = stack.pop()
                if isinstance(inner, (ast.Break, ast.Return)):
                    return True
                if isinstance(inner, _TRY):
                    continue  # its own success path is counted with it (it is in ``_tries``)
                for field in _STATEMENT_FIELDS:
                    children = getattr(inner, field, None)
                    if isinstance(children, list):
                        stack.extend(_own_statements(children))
        return False

    def in_try(self, node: ast.AST) -> bool:
        """``node`` is inside the body of a ``try`` at the loop's own level."""
        if self._in_try is None:
            if self._exits is None:
                self._scan_statements()
            self._in_try = inside = set()
            visits = 0
            for statement in self._tries:  # outer ``try`` first: each node marked once
                if id(statement) in inside:
                    continue
                for child in statement.body:
                    for part in ast.walk(child):
                        visits += 1
                        inside.add(id(part))
            self._counter[0] += visits
        return id(node) in self._in_try

    def body_index(self, statement: ast.AST) -> int | None:
        """Where ``statement`` sits in the loop's body (a direct child), else None."""
        if self._positions is None:
            body = getattr(self.node, "body", None)
            body = body if isinstance(body, list) else []
            self._positions = {id(child): index for index, child in enumerate(body)}
        return self._positions.get(id(statement))

    # --- everything under the loop -----------------------------------------------------

    @property
    def yields(self) -> bool:
        """A ``yield`` anywhere in the loop: a generator paced by its consumer."""
        if self._yields is None:
            self._scan_nodes()
        return self._yields  # type: ignore[return-value]

    @property
    def assigned(self) -> frozenset[str]:
        """Names the body assigns (targets, ``with ... as``, ``for`` targets, ``:=``)."""
        if self._yields is None:
            self._scan_nodes()
        return self._assigned

    def flushed_after(self, line: int) -> bool:
        """A ``.flush()`` call in the body on a line after ``line``."""
        if self._yields is None:
            self._scan_nodes()
        return self._last_flush_line > line

    def kept(self, node: ast.AST, statement: ast.AST) -> bool:
        """The value of ``node`` (inside ``statement``, the innermost statement around
        it) outlives the pass: appended / put somewhere, stored in an attribute or item,
        or the element of a comprehension."""
        loop = self.node
        if node is (getattr(loop, "elt", None) or getattr(loop, "value", None)):
            return True
        kept = self._kept.get(statement)
        if kept is None:
            kept = self._kept[statement] = _kept_in(statement)
        return id(node) in kept

    def carried(self, call: ast.AST, target_names: frozenset[str]) -> bool:
        """A value one pass produces feeds ``call`` in a later pass: ``call`` reads a name
        the body assigns at or after the call (``cursor = body["next"]``), or augments
        (``x += ...``), or in an assignment around the call (``x = await f(x)``), or a
        name derived from such a name earlier in the pass (``url = base + cursor``)."""
        read = (names_read(call) - target_names) & self.assigned
        if not read:
            return False  # reads nothing the body assigns
        if self._carried is None:
            body = getattr(self.node, "body", None)
            self._carried = _Carried(body if isinstance(body, list) else [], self._counter)
        at = (float(getattr(call, "lineno", 0)), float(getattr(call, "col_offset", 0)))
        return any(self._carried.latest(name) >= at for name in read)

    # --- the walks ---------------------------------------------------------------------

    def _scan_statements(self) -> None:
        """Statements only, entering no nested function, and of a nested loop only its
        ``else:`` (a ``break`` there leaves this loop)."""
        body = getattr(self.node, "body", None)
        exits: set[type] = set()
        visits = 0
        stack = _own_statements(body if isinstance(body, list) else [])
        while stack:
            statement = stack.pop()
            visits += 1
            kind = type(statement)
            if kind in _EXITS:
                exits.add(kind)
            elif isinstance(statement, _TRY):
                self._has_try = True
                if isinstance(statement, ast.Try):
                    self._tries.append(statement)
            for field in _STATEMENT_FIELDS:
                children = getattr(statement, field, None)
                if isinstance(children, list):
                    stack.extend(_own_statements(children))
        self._exits = frozenset(exits)
        self._counter[0] += visits

    def _scan_nodes(self) -> None:
        """Every node of the loop, once: a loop nested in it contributes its own facts
        (found once, by the same walk) instead of being walked again."""
        node = self.node
        visits = 0
        yields = False
        flush = whole_flush = 0
        assigned: set[str] = set()
        whole_assigned: set[str] = set()
        stack = [
            (child, field == "body")
            for field, value in ast.iter_fields(node)
            for child in (value if isinstance(value, list) else [value])
            if isinstance(child, ast.AST)
        ]
        while stack:
            part, in_body = stack.pop()
            visits += 1
            names = _assigned(part) if part.__class__ in _ASSIGNING else ()
            if isinstance(part, _LOOPS):
                inner = self._nested(part)
                if inner._yields is None:
                    inner._scan_nodes()
                yields = yields or bool(inner._yields)
                whole_flush = max(whole_flush, inner._whole_flush_line)
                whole_assigned.update(names, inner._whole_assigned)
                if in_body:
                    flush = max(flush, inner._whole_flush_line)
                    assigned.update(names, inner._whole_assigned)
                continue
            if isinstance(part, (ast.Yield, ast.YieldFrom)):
                yields = True
            elif isinstance(part, ast.Call):
                func = part.func
                if isinstance(func, ast.Attribute) and func.attr == "flush":
                    whole_flush = max(whole_flush, part.lineno)
                    if in_body:
                        flush = max(flush, part.lineno)
            elif names:
                whole_assigned.update(names)
                if in_body:
                    assigned.update(names)
            stack.extend((child, in_body) for child in child_nodes(part))
        self._yields = yields
        self._last_flush_line, self._whole_flush_line = flush, whole_flush
        self._assigned, self._whole_assigned = frozenset(assigned), frozenset(whole_assigned)
        self._counter[0] += visits


def _kept_in(statement: ast.AST) -> set[int]:
    """Nodes of ``statement`` itself (not of statements nested in it) whose value is kept:
    arguments of ``append`` / ``add`` / ``put``..., values stored in an item or in an
    attribute of something other than ``self`` (``self.conn = ...`` is overwritten)."""
    kept: set[int] = set()
    stack = [statement]
    while stack:
        part = stack.pop()
        if isinstance(part, ast.Call):
            func = part.func
            if isinstance(func, ast.Attribute) and func.attr in _RETAINING_METHODS:
                kept.update(id(argument) for argument in part.args)
        elif isinstance(part, (ast.Assign, ast.AnnAssign)):
            targets = part.targets if isinstance(part, ast.Assign) else [part.target]
            if any(
                isinstance(target, ast.Subscript)
                or (isinstance(target, ast.Attribute) and not _on_self(target))
                for target in targets
            ):
                kept.add(id(part.value))
        stack.extend(child for child in child_nodes(part) if not isinstance(child, _NESTED_BLOCKS))
    return kept


def _on_self(target: ast.Attribute) -> bool:
    """``self.conn`` / ``self.local.client``: one slot of the instance, overwritten on the
    next pass, so the value does not outlive it (``item.conn`` keeps one per item)."""
    node: ast.expr = target
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name) and node.id in {"self", "cls"}


def _own_statements(statements: list) -> list[ast.AST]:
    """``statements`` to walk at the loop's own level, last first: a nested loop stands
    for its ``else:`` clause, a nested function or class for nothing."""
    found: list[ast.AST] = []
    for statement in reversed(statements):
        if isinstance(statement, _LOOPS):
            found.extend(reversed(statement.orelse))
        elif not isinstance(statement, _FUNCTIONS):
            found.append(statement)
    return found


def _assigned(node: ast.AST) -> set[str]:
    """Names a node binds in the loop's scope (comprehension targets are their own)."""
    if isinstance(node, ast.Assign):
        return {name for target in node.targets for name in target_names(target)}
    if isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.NamedExpr, ast.For, ast.AsyncFor)):
        return set(target_names(node.target))
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return {
            name
            for item in node.items
            if item.optional_vars is not None
            for name in target_names(item.optional_vars)
        }
    return set()


class _Carried:
    """For each name the body assigns, the latest position in a pass at which its value
    can still come from the previous pass, following derivations.

    An assignment happens at its end (``x = await f(x)`` assigns after the call), a block
    (``for`` / ``with``) at its start; an augmented assignment carries always. A name's
    own latest point is its last assignment; a name assigned from other names (``url =
    base + cursor``) is as late as the latest of those it reads, transitively: a call at
    position ``p`` reads a carried value iff a name it reads is as late as ``p``. Names
    and the body's nodes form a graph (name -> its assignments -> the nodes under them ->
    the names they read); one pass of Tarjan's algorithm gives every name its latest
    point, so each call costs the names it reads, not a walk of the body.
    """

    __slots__ = ("_best", "_counter", "_events", "_index", "_latest", "_low", "_own")

    def __init__(self, body: list[ast.stmt], counter: list[int]) -> None:
        self._events: dict[str, list[ast.AST]] = {}
        self._own: dict[str, Position] = {}
        self._latest: dict[str, Position] = {}
        self._counter = counter
        # Tarjan's state, kept between questions so that no vertex is searched twice
        self._index: dict[object, int] = {}
        self._low: dict[object, int] = {}
        self._best: dict[object, Position] = {}
        visits = 0
        for statement in body:
            for node in ast.walk(statement):
                visits += 1
                if node.__class__ not in _ASSIGNING:
                    continue
                names = _assigned(node)
                if isinstance(node, ast.AugAssign):
                    at = _ALWAYS
                elif isinstance(node, _BLOCKS):
                    at = (float(node.lineno), float(node.col_offset))
                else:  # after its last character: later than any call inside it
                    at = (float(node.end_lineno or 0), (node.end_col_offset or 0) - 0.5)
                for name in names:
                    self._events.setdefault(name, []).append(node)
                    if at > self._own.get(name, _NEVER):
                        self._own[name] = at
        counter[0] += visits

    def latest(self, name: str) -> Position:
        if name not in self._own:
            return _NEVER
        if name not in self._latest:
            self._solve(name)
        return self._latest[name]

    def _successors(self, vertex: object) -> Iterator[object]:
        if isinstance(vertex, str):
            return iter(self._events.get(vertex, ()))
        if isinstance(vertex, ast.Name):
            return iter([vertex.id] if isinstance(vertex.ctx, ast.Load) else [])
        return ast.iter_child_nodes(vertex)  # type: ignore[arg-type]

    def _solve(self, start: str) -> None:
        """Tarjan's strongly connected components from ``start``, iteratively; a
        component's latest point is the max over its names and the components it reaches.
        Vertices are names (str) and the body's nodes (compared by identity)."""
        index, low, best, own = self._index, self._low, self._best, self._own
        stack: list[object] = []
        on_stack: set[object] = set()
        work: list[tuple[object, Iterator[object]]] = []
        steps = 0

        def enter(vertex: object) -> None:
            index[vertex] = low[vertex] = len(index)
            best[vertex] = own.get(vertex, _NEVER) if isinstance(vertex, str) else _NEVER
            stack.append(vertex)
            on_stack.add(vertex)
            work.append((vertex, self._successors(vertex)))

        enter(start)
        while work:
            vertex, successors = work[-1]
            for successor in successors:
                steps += 1
                if successor not in index:
                    enter(successor)
                    break
                if successor in on_stack:
                    low[vertex] = min(low[vertex], index[successor])
                else:  # in a finished component: its value is final
                    best[vertex] = max(best[vertex], best[successor])
            else:
                work.pop()
                value = best[vertex]
                if low[vertex] == index[vertex]:  # the root of a component: close it
                    members = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        members.append(member)
                        value = max(value, best[member])
                        if member is vertex:
                            break
                    for member in members:
                        best[member] = value
                        if isinstance(member, str):
                            self._latest[member] = value
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[vertex])
                    best[parent] = max(best[parent], value)
        self._counter[0] += steps
