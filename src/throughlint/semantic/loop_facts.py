"""Facts about one loop's body, computed once per loop and asked by every call in it.

A rule that checks a call inside a loop needs to know things about the whole loop: does it
``break``, ``yield``, flush, keep values for later, carry a value from one pass to the
next. Worked out per call, that is a walk of the body per call: quadratic in the size of
the loop. :class:`LoopFacts` walks the body once, on the first question, and answers the
rest from what it kept (``SemanticModel.loop_facts``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from throughlint.semantic.expressions import names_read, target_names
from throughlint.semantic.loops import Loop

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_STATEMENT_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
_TRY = (ast.Try, getattr(ast, "TryStar", ast.Try))
# Assignments whose targets are bound before their body runs: they never carry the value
# of a call inside them to the next pass the way ``x = await f(x)`` does.
_BLOCKS = (ast.With, ast.AsyncWith, ast.For, ast.AsyncFor)
_RETAINING_METHODS = frozenset({"append", "add", "put", "put_nowait", "appendleft", "insert"})
_ALWAYS = (float("inf"), 0.0)
_NEVER = (-1.0, 0.0)

Position = tuple[float, float]


class LoopFacts:
    """What one walk of a loop's body found. Own level: in the loop's body, not inside a
    nested loop or function (``break`` there leaves this loop)."""

    __slots__ = (
        "_carried",
        "_in_try",
        "_kept",
        "_positions",
        "assigned",
        "breaks",
        "has_try",
        "last_flush_line",
        "loop",
        "raises",
        "returns",
        "yields",
    )

    def __init__(self, loop: Loop, counter: list[int]) -> None:
        self.loop = loop
        self.breaks = self.returns = self.raises = self.has_try = self.yields = False
        self.last_flush_line = 0
        self.assigned: frozenset[str] = frozenset()
        self._kept: set[int] = set()
        self._in_try: set[int] = set()
        self._positions: dict[int, int] | None = None
        self._carried: _Carried | None = None
        self._scan(counter)

    # --- questions ---------------------------------------------------------------------

    @property
    def leaves_early(self) -> bool:
        """The body can ``break`` or ``return``: later passes depend on earlier results."""
        return self.breaks or self.returns

    def flushed_after(self, line: int) -> bool:
        """A ``.flush()`` call in the body on a line after ``line``."""
        return self.last_flush_line > line

    def kept(self, node: ast.AST) -> bool:
        """The value of ``node`` outlives the pass: appended / put somewhere, stored in an
        attribute or item, or the element of a comprehension."""
        element = getattr(self.loop.node, "elt", None) or getattr(self.loop.node, "value", None)
        return element is node or id(node) in self._kept

    def in_try(self, node: ast.AST) -> bool:
        """``node`` is inside the body of a ``try`` at the loop's own level."""
        return id(node) in self._in_try

    def body_index(self, statement: ast.AST) -> int | None:
        """Where ``statement`` sits in the loop's body (a direct child), else None."""
        if self._positions is None:
            body = getattr(self.loop.node, "body", None)
            body = body if isinstance(body, list) else []
            self._positions = {id(child): index for index, child in enumerate(body)}
        return self._positions.get(id(statement))

    def carried(self, call: ast.AST, counter: list[int]) -> bool:
        """A value one pass produces feeds ``call`` in a later pass: ``call`` reads a name
        the body assigns at or after the call (``cursor = body["next"]``), or augments
        (``x += ...``), or in an assignment around the call (``x = await f(x)``), or a
        name derived from such a name earlier in the pass (``url = base + cursor``)."""
        read = names_read(call) - self.loop.target_names
        if not read:
            return False
        if self._carried is None:
            body = getattr(self.loop.node, "body", None)
            self._carried = _Carried(body if isinstance(body, list) else [], counter)
        at = (float(getattr(call, "lineno", 0)), float(getattr(call, "col_offset", 0)))
        return any(self._carried.latest(name) >= at for name in read)

    # --- the walk ----------------------------------------------------------------------

    def _scan(self, counter: list[int]) -> None:
        node = self.loop.node
        body = getattr(node, "body", None)
        visits = 0
        assigned: set[str] = set()
        kept = self._kept
        for part in ast.walk(node):  # the whole loop, its header included
            visits += 1
            if isinstance(part, (ast.Yield, ast.YieldFrom)):
                self.yields = True
            elif isinstance(part, ast.Call):
                func = part.func
                if isinstance(func, ast.Attribute) and func.attr in _RETAINING_METHODS:
                    kept.update(id(arg) for arg in part.args)
            elif isinstance(part, (ast.Assign, ast.AnnAssign)):
                targets = part.targets if isinstance(part, ast.Assign) else [part.target]
                if any(isinstance(target, (ast.Subscript, ast.Attribute)) for target in targets):
                    kept.add(id(part.value))
        if isinstance(body, list):
            stack: list[tuple[ast.AST, bool, bool]] = [(child, True, False) for child in body]
            while stack:
                part, own, in_try = stack.pop()
                visits += 1
                if in_try:
                    self._in_try.add(id(part))
                if isinstance(part, ast.Call):
                    func = part.func
                    if isinstance(func, ast.Attribute) and func.attr == "flush":
                        self.last_flush_line = max(self.last_flush_line, part.lineno)
                assigned.update(_assigned(part))
                if own:
                    if isinstance(part, ast.Break):
                        self.breaks = True
                    elif isinstance(part, ast.Return):
                        self.returns = True
                    elif isinstance(part, ast.Raise):
                        self.raises = True
                    elif isinstance(part, _TRY):
                        self.has_try = True
                opens_try = own and isinstance(part, ast.Try)
                for field, child in _children(part):
                    child_own = (
                        own
                        and field in _STATEMENT_FIELDS
                        and not isinstance(child, (*_LOOPS, *_FUNCTIONS))
                    )
                    child_in_try = in_try or (opens_try and field == "body")
                    stack.append((child, child_own, child_in_try))
        self.assigned = frozenset(assigned)
        counter[0] += visits


def _children(node: ast.AST) -> Iterator[tuple[str, ast.AST]]:
    for field in node._fields:
        value = getattr(node, field, None)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, ast.AST):
                    yield field, item
        elif isinstance(value, ast.AST):
            yield field, value


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
                names = _assigned(node)
                if not names:
                    continue
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
