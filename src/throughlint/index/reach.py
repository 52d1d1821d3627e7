"""Where a function runs and how big its parameters are, from the project's call graph.

The walk decides both from one file: a view is hot, a management command cold, a loop
over a parameter of ``unknown`` size. The project index knows who calls whom
(``index/facts.py``: each function's project callees, its own placement when it calls any,
the size of what each call passes, the parameters a loop iterates), so after a run:

- a function the walk could not place (``path_kind`` "") is **hot** when a hot function
  reaches it through the call graph; a module-level helper is **cold** when every path
  that reaches it starts at cold code (management commands, migrations, tests, ...) and
  none starts at hot code or at a function nobody in the project calls (an entry point of
  unknown kind). Of methods, only private ones (``_load_ids``) are made cold this way: they
  are called through ``self``, which the index resolves, while a public method's calls
  through receivers the index cannot resolve would hide its hot callers.
- a function that is cold by its name only (``placement.WEAK_COLD``: ``migrate``,
  ``install_*``), or a constructor (``__init__``, "cold: start-up" by itself), is hot when
  a hot function reaches it.
- a call is followed to the functions it may run: ``mod.Class().method`` and
  ``self.method()`` to the method, found in the class or its bases, and to the subclasses'
  overrides (a hot call through a base reaches each override); a method called on a
  model instance that a Django manager returns (``Model.objects.get(...).method()``, an
  item of ``Model.objects.filter(...)``) to that model's method; a class called to its
  ``__init__``; a name re-exported by a package to its definition; a function handed on
  as an argument (``on_commit(self._send)``, ``run_interaction("x", self._txn)``) is
  called by whoever takes it: followed from hot code, but not from cold code (start-up
  code registers callbacks that run later: ``looping_call(self._rotate)``).
- a function called on each pass of a service's main loop (``while True:``, ``for tick in
  itertools.count():``) outside tests and migrations is hot: it runs for as long as the
  service does (a scheduler, a daemon, a worker).
- a loop over a parameter of ``unknown`` size (or over its dict view or a wrapper that
  keeps its length: ``mapping.items()``, ``enumerate(rows)``) takes the join of what the
  callers pass
  (``constant`` < ``small`` < ``configured`` < ``per-request`` < ``unknown`` <
  ``unbounded``): every
  caller passing a constant tuple makes it constant, one passing ``.all()`` unbounded.
  A caller passing its own parameter is followed up to ``_DEPTH`` calls up.
- a loop of ``unknown`` input over a project function's result (fact ``loop_calls``) is as
  big as what every function the call may run hands out (fact ``output_sizes``,
  ``index/output_size.py``): ``for c in default_connections():`` over a returned literal
  list is constant.

- a loop of database round trips (TL101 to TL103) whose every pass calls a project
  function that makes a dominating library call on every call (``semantic/pass_cost.py``:
  an e-mail, an HTTP request, a subprocess...), followed ``_COST_DEPTH`` calls down, gets
  that call as its ``pass_cost`` (``relevance.py`` holds it back as "pass dominated").

Both are two graph walks and one memoised lookup per parameter or callee: linear in the
project.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from throughlint.diagnostics import Diagnostic
from throughlint.index.output_size import KEPT, TERMS
from throughlint.semantic.callee_names import NEXT_IN_ORDER
from throughlint.semantic.input_size import CALL_OUTPUT, UNKNOWN, join, subject_parameter
from throughlint.semantic.placement import HOT, weak_cold

_DEPTH = 3  # callers passing their own parameter: followed this many calls up
_OUTPUT_DEPTH = 8  # outputs handed on through calls and parameters: this many hops
PARAMETER = "p:"  # an argument that is the caller's parameter: "p:<name>"
_CLASS_DEPTH = 6  # bases followed up, subclasses down
_COST_DEPTH = 4  # calls followed down for a dominating call made on every pass
# findings a dominating call in the same pass makes harmless: database round trips
DATABASE_CODES = ("TL101", "TL102", "TL103")
# a service loop in these runs in a test or a migration, not in a service
_NOT_SERVICES = ("cold: test", "cold: migration", "cold: fixture")
# what a Django manager's query returns a model instance from: ``get()``, ``first()``...
_ROW_METHODS = ("get()", "first()", "last()", "latest()", "earliest()", "create()")


def plain(name: str) -> str:
    """``mod.Class().method`` (a call on an instance) is ``mod.Class.method``."""
    return name.replace("().", ".").removesuffix("()")


@dataclass
class CallGraph:
    """The project's functions: callees, own placements, call arguments, loop parameters."""

    callees: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    kinds: dict[str, str] = field(default_factory=dict)
    # callee -> [(caller, positional sizes, keyword sizes)]
    arguments: dict[str, list[tuple[str, list[str], dict[str, str]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    parameters: dict[str, list[str]] = field(default_factory=dict)
    # the project's classes: their bases (resolved names), and the reverse
    bases: dict[str, list[str]] = field(default_factory=dict)
    subclasses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    imports: dict[str, str] = field(default_factory=dict)  # re-exports: mod.y -> pkg.m.y
    # the functions each function hands on as arguments (followed for hot code only)
    passes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    handed_on: set[str] = field(default_factory=set)  # passed as an argument somewhere
    # called on each pass of a service's main loop: they run as long as the service does
    service: set[str] = field(default_factory=set)
    # the per-pass cost model: per function, the dominating library call it makes on every
    # call and the callees it calls every time ([label, callees], ``pass_costs``)
    costs: dict[str, list] = field(default_factory=dict)
    # how many items a function hands out, when that may hold a loop back
    # (``index/output_size.py``: constant, small or configured, or terms to resolve)
    outputs: dict[str, str] = field(default_factory=dict)
    _resolved_outputs: dict[str, str] = field(default_factory=dict)
    # functions called once per row of a cold loop over a whole table -> its subject
    table_walks: dict[str, str] = field(default_factory=dict)
    _keys: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_facts(cls, facts: Iterable[dict]) -> CallGraph:
        graph = cls()
        raw: dict[str, set[str]] = defaultdict(set)
        service: dict[str, set[str]] = defaultdict(set)
        passed: dict[str, set[str]] = defaultdict(set)
        calls: list[list] = []
        table_calls: dict[str, str] = {}
        callees = graph.callees
        for file_facts in facts:
            for caller, record in (file_facts.get("f") or {}).items():
                if caller not in callees:
                    callees[caller] = set()
                if len(record) > 1 and record[1]:
                    raw[caller].update(record[1])
            graph.kinds.update(file_facts.get("h") or {})
            calls.extend(file_facts.get("a") or ())  # [caller, callee, positional, keywords]
            graph.parameters.update(file_facts.get("pa") or {})
            for name, record in (file_facts.get("c") or {}).items():
                # ``Service[Body]``, a generic base subscripted, is ``Service``
                graph.bases[name] = [b.removesuffix("[]") for b in record.get("b") or ()]
            graph.imports.update(file_facts.get("re") or {})
            graph.outputs.update(file_facts.get("output_sizes") or {})
            table_calls.update(file_facts.get("table_calls") or {})
            for name, cost in (file_facts.get("pass_costs") or {}).items():
                graph.costs[name] = cost
                if cost[0]:  # a leaf that only makes a dominating call: resolvable too
                    graph.callees.setdefault(name, set())
            for caller, names in (file_facts.get("service_calls") or {}).items():
                service[caller].update(names)
            for caller, names in (file_facts.get("passed_functions") or {}).items():
                passed[caller].update(names)
                graph.callees.setdefault(caller, set())
        for name, bases in graph.bases.items():
            for base in bases:
                graph.subclasses[base].append(name)
        for caller, names in raw.items():
            found = graph.callees[caller]
            for callee in names:
                found.update(key for key in graph.keys(callee) if key != caller)
        for caller, names in passed.items():  # a function handed on: not a class
            found = graph.passes[caller]
            for name in names:
                if (
                    plain(name) not in graph.bases
                    and f"{plain(name)}.__init__" not in graph.callees
                ):
                    keys = [key for key in graph.keys(name) if key != caller]
                    found.update(keys)
                    graph.handed_on.update(keys)
        for caller, names in service.items():
            if not graph.kinds.get(caller, "").startswith(_NOT_SERVICES):
                graph.service.update(key for name in names for key in graph.keys(name))
        for caller, callee, positional, keywords in calls:
            for key in graph.keys(callee) or (plain(callee),):
                graph.arguments[key].append((caller, positional, keywords))
        for callee, subject in table_calls.items():
            for key in graph.keys(callee):
                graph.table_walks.setdefault(key, subject)
        return graph

    def keys(self, name: str) -> tuple[str, ...]:
        """The project functions a resolved callee name may run (see the module
        docstring); () when none is known."""
        found = self._keys.get(name)
        if found is None:
            found = self._keys[name] = tuple(dict.fromkeys(self._resolve(name, 0)))
        return found

    def _resolve(self, name: str, depth: int) -> list[str]:
        simple = plain(name)
        model, managed, rest = name.partition(".objects.")
        head, _, method = rest.rpartition(".")
        if managed and model in self.bases and (head.endswith("[]") or _row(head)):
            simple = f"{model}.{method}"  # a method of a row of ``model``
        if simple in self.callees:
            return [simple, *self._overrides(simple)]
        owner, _, method = simple.rpartition(".")
        if owner.endswith(NEXT_IN_ORDER):  # ``super().method``: the first base defining it
            for base in self.bases.get(owner.removesuffix(NEXT_IN_ORDER), ()):
                inherited = self._inherited(base, method)
                if inherited:
                    return [inherited]
            return []
        if owner in self.bases and method:
            inherited = self._inherited(owner, method)
            return ([inherited] if inherited else []) + self._overrides(simple)
        if f"{simple}.__init__" in self.callees:  # a class called: its ``__init__``
            return [f"{simple}.__init__"]
        if simple in self.bases:  # ... or the one it inherits
            return self._resolve(f"{simple}.__init__", depth + 1) if depth < 2 else []
        if self.imports and depth < _CLASS_DEPTH:  # ``app.get`` re-exported from ``app.http``
            prefix, rest = simple, ""
            while prefix:
                target = self.imports.get(prefix)
                if target is not None and target != prefix:
                    return self._resolve(target + rest, depth + 1)
                prefix, _, last = prefix.rpartition(".")
                rest = f".{last}{rest}"
        return []

    def _inherited(self, owner: str, method: str) -> str:
        """``owner.method`` as the nearest base that defines it; "" when none does."""
        todo, seen = [(owner, 0)], {owner}
        while todo:
            current, depth = todo.pop(0)
            if f"{current}.{method}" in self.callees:
                return f"{current}.{method}"
            for base in self.bases.get(current, ()):
                if base not in seen and depth < _CLASS_DEPTH:
                    seen.add(base)
                    todo.append((base, depth + 1))
        return ""

    def _overrides(self, name: str) -> list[str]:
        """The subclasses' methods that override ``name`` (a hot call may run any)."""
        owner, _, method = name.rpartition(".")
        if owner not in self.subclasses or method.startswith("__"):
            return []
        found: list[str] = []
        todo, seen = [(owner, 0)], {owner}
        while todo:
            current, depth = todo.pop()
            for sub in self.subclasses.get(current, ()):
                if sub not in seen and depth < _CLASS_DEPTH:
                    seen.add(sub)
                    if f"{sub}.{method}" in self.callees:
                        found.append(f"{sub}.{method}")
                    todo.append((sub, depth + 1))
        return found

    def pass_cost(self, label: str, callees: Iterable[str], memo: dict) -> str:
        """What dominates a loop's pass: its own dominating library call (``label``), else
        the first that a callee it calls on every pass makes on every call, followed
        ``_COST_DEPTH`` calls down and named with that callee; "" when none does."""
        if label:
            return label
        for callee in sorted(callees):
            keys = self.keys(callee)
            found = self._cost(keys[0], memo, 1) if keys else ""
            if found:
                return f"{found} in `{'.'.join(keys[0].rsplit('.', 2)[-2:])}()`"
        return ""

    def _cost(self, function: str, memo: dict, depth: int) -> str:
        found = memo.get(function)
        if found is not None:
            return found
        memo[function] = ""  # a cycle through it: nothing found on the way round
        label, callees = self.costs.get(function) or ("", ())
        if not label and depth < _COST_DEPTH:
            for callee in sorted(callees):
                keys = self.keys(callee)
                label = self._cost(keys[0], memo, depth + 1) if keys else ""
                if label:
                    break
        memo[function] = label
        return label

    def output_size(self, callee: str, memo: dict | None = None, depth: int = 0) -> str:
        """The join of what the project functions ``callee`` may run hand out; "" when
        one of them is not known to hand out a constant, small or configured number. An
        output's terms are resolved here (``index/output_size.py``): ``call:<callee>``
        by that callee's output, ``p:<name>`` by what the callers pass."""
        if memo is None:  # asked from outside: each callee resolved once per graph
            if callee not in self._resolved_outputs:
                self._resolved_outputs[callee] = ""  # asked again while resolving: unknown
                self._resolved_outputs[callee] = self.output_size(callee, {}, depth)
            return self._resolved_outputs[callee]
        if callee in memo:
            return memo[callee]
        memo[callee] = ""  # a cycle: unknown
        keys = self.keys(callee) or (plain(callee),)
        sizes = [self._resolved_output(key, memo, depth) for key in keys]
        found = join(sizes) if all(sizes) else ""
        memo[callee] = found if found in KEPT else ""
        return memo[callee]

    def _resolved_output(self, key: str, memo: dict, depth: int) -> str:
        output = self.outputs.get(key, "")
        if not output or depth > _OUTPUT_DEPTH:
            return ""
        sizes = []
        for term in output.split(TERMS):
            if term.startswith(CALL_OUTPUT):
                size = self.output_size(term[len(CALL_OUTPUT) :], memo, depth + 1)
            elif term.startswith(PARAMETER):
                size = self.parameter_size(key, term[len(PARAMETER) :], None, depth + 1)
                size = size if size in KEPT else ""
            else:
                size = term
            if not size:
                return ""
            sizes.append(size)
        return join(sizes)

    def placements(self) -> dict[str, str]:
        """Functions the walk left unplaced that the graph places: "hot" or "cold: <why>"."""
        called = {callee for callees in self.callees.values() for callee in callees}
        hot = [name for name, kind in self.kinds.items() if kind == HOT]
        hot += sorted(name for name in self.service if self.kinds.get(name) != HOT)
        cold = [name for name, kind in self.kinds.items() if kind.startswith("cold")]
        entries = [name for name in self.callees if name not in called and not self.kinds.get(name)]
        # a function handed on runs when its taker calls it (a callback, a looping call):
        # whoever hands it on, it may run in a request or a task
        entries += sorted(self.handed_on - set(entries))
        reached_hot = set(self._walk(hot))
        warm = reached_hot | set(self._walk(entries))
        placed: dict[str, str] = {}
        for name in reached_hot:
            if not self.kinds.get(name) or weak_cold(self.kinds[name], name):
                placed[name] = HOT
        for name, kind in self._walk_labelled(cold):
            if name not in warm and not self.kinds.get(name):
                placed[name] = f"cold: called from {kind.removeprefix('cold: ')}"
        return placed

    def _walk(self, roots: list[str]) -> Iterator[str]:
        seen = set(roots)
        queue = deque(roots)
        while queue:
            name = queue.popleft()
            yield name
            for callee in (*self.callees.get(name, ()), *self.passes.get(name, ())):
                if callee not in seen:
                    seen.add(callee)
                    queue.append(callee)

    def _walk_labelled(self, roots: list[str]) -> Iterator[tuple[str, str]]:
        """Each function reached from ``roots``, with the placement of the first root
        that reaches it."""
        seen, starts = set(roots), set(roots)
        queue = deque((root, self.kinds[root]) for root in roots)
        while queue:
            name, kind = queue.popleft()
            yield name, kind
            if name not in starts and not self._decided_by_callers(name):
                continue  # a public method: callers the index cannot see may be hot
            for callee in self.callees.get(name, ()):
                if callee not in seen:
                    seen.add(callee)
                    queue.append((callee, kind))

    def _decided_by_callers(self, name: str) -> bool:
        """Cold callers may make ``name`` cold: a function of a module, or a private method
        (``_load_ids``), called through ``self`` where the index sees it; not a public or
        special method, which receivers the index cannot resolve may call from hot code."""
        owner, _, last = name.rpartition(".")
        if last.startswith("__") and last.endswith("__"):
            return False
        return owner not in self.bases or last.startswith("_")

    def parameter_size(
        self, function: str, parameter: str, memo: dict | None = None, depth: int = 0
    ) -> str:
        """The join of what ``function``'s callers pass as ``parameter``; "" when no caller
        is seen or the parameter is not known."""
        memo = {} if memo is None else memo
        key = (function, parameter)
        if key in memo:
            return memo[key]
        memo[key] = UNKNOWN  # a cycle through this parameter: unknown
        names = self.parameters.get(function)
        calls = self.arguments.get(function)
        if not names or parameter not in names or not calls:
            memo[key] = ""
            return ""
        if function in self.handed_on:  # whoever takes it calls it with unseen arguments
            memo[key] = UNKNOWN
            return UNKNOWN
        position = names.index(parameter)
        sizes = []
        for caller, positional, keywords in calls:
            if position < len(positional):
                size = positional[position]
            else:
                size = keywords.get(parameter, UNKNOWN)  # a default or **kwargs: unknown
            if size.startswith(PARAMETER):
                size = (
                    self.parameter_size(caller, size[len(PARAMETER) :], memo, depth + 1)
                    if depth < _DEPTH
                    else UNKNOWN
                ) or UNKNOWN
            elif size.startswith(CALL_OUTPUT):  # ``rows = load_rows(); f(rows)``
                size = (
                    self.output_size(size[len(CALL_OUTPUT) :], None, depth + 1)
                    if depth < _OUTPUT_DEPTH
                    else ""
                ) or UNKNOWN
            sizes.append(size)
        memo[key] = join(sizes)
        return memo[key]


def _row(query: str) -> bool:
    """``filter().first()``, ``get()``: the query's text ends in a call that returns a row."""
    return query in _ROW_METHODS or query.endswith(tuple(f".{m}" for m in _ROW_METHODS))


# the facts the call graph is built from (``CallGraph.from_facts``)
GRAPH_KEYS = ("f", "h", "a", "pa", "c", "re", "service_calls", "passed_functions", "pass_costs")
GRAPH_KEYS += ("output_sizes",)


def graph_view(facts: dict) -> list:
    """What ``CallGraph.from_facts`` reads of a file's facts: of each function's summary
    (``f``) its callees only, not the witness texts, which carry line numbers (an edit
    that moves lines keeps the graph)."""
    view: list = [facts.get(key) for key in GRAPH_KEYS]
    functions = facts.get("f")
    if functions:
        view[GRAPH_KEYS.index("f")] = {name: record[1:2] for name, record in functions.items()}
    return view


@dataclass
class GraphMemo:
    """The last call graph and its placements, and what they were built from: a
    long-lived project (the language server) re-lints one buffer against files that did not
    change, and while the buffer's own graph facts stay the same, the graph is reused."""

    key: tuple = ()
    graph: CallGraph | None = None
    placed: dict[str, str] = field(default_factory=dict)
    # the facts the key names by ``id``, kept alive: no other object can take their ids
    held: tuple[dict, ...] = ()

    def get(self, facts: dict[str, dict], fresh: Iterable[str]) -> tuple[CallGraph, dict]:
        """The graph of ``facts``, whose files ``fresh`` were linted now (their facts are
        new objects, compared by value); the others' by identity."""
        linted = set(fresh)
        key = (
            tuple((path, id(known)) for path, known in facts.items() if path not in linted),
            tuple(
                (path, json.dumps(graph_view(known), sort_keys=True))
                for path, known in facts.items()
                if path in linted
            ),
        )
        if self.graph is None or key != self.key:
            graph = CallGraph.from_facts(facts.values())
            self.key, self.graph, self.placed = key, graph, graph.placements()
            self.held = tuple(facts.values())
        return self.graph, self.placed


def refine(
    diagnostics: list[Diagnostic],
    facts: dict[str, dict],
    module_of,
    memo: GraphMemo | None = None,
    fresh: Iterable[str] = (),
) -> list[Diagnostic]:
    """``diagnostics`` with the placements and parameter sizes the call graph gives;
    ``module_of(path)`` is a file's dotted module name. With a ``memo``, the graph is
    reused while the facts are the same (``fresh``: the files linted now)."""
    if not needs_graph(diagnostics):
        return diagnostics
    if memo is None:
        graph = CallGraph.from_facts(facts.values())
        placed = graph.placements()
    else:
        graph, placed = memo.get(facts, fresh)
    memo: dict = {}
    costs: dict = {}
    refined = []
    for diagnostic in diagnostics:
        if _dominable(diagnostic):
            line, column = diagnostic.loop_span[:2]
            loop = ((facts.get(diagnostic.path) or {}).get("loop_costs") or {}).get(
                f"{line}:{column}"
            )
            cost = graph.pass_cost(loop[0], loop[1], costs) if loop else ""
            if cost:
                diagnostic = replace(diagnostic, pass_cost=cost)
        if _unplaced(diagnostic) or _weak(diagnostic) or _unsized(diagnostic):
            function = f"{module_of(diagnostic.path)}.{diagnostic.enclosing}"
            changes: dict[str, str] = {}
            kind = placed.get(function, "")
            if (_unplaced(diagnostic) and (kind == HOT or _callers_decide(diagnostic))) or (
                _weak(diagnostic) and kind == HOT
            ):
                changes["path_kind"] = kind
            if _unsized(diagnostic):
                size = graph.parameter_size(
                    function, subject_parameter(diagnostic.loop_subject), memo
                )
                if size and size != UNKNOWN:
                    changes["input_size"] = size
            if any(changes.values()):
                diagnostic = replace(diagnostic, **{k: v for k, v in changes.items() if v})
        if _cold_loop(diagnostic):
            walk = graph.table_walks.get(f"{module_of(diagnostic.path)}.{diagnostic.enclosing}")
            if walk:  # called once per row of a whole table: its loop runs per row too
                diagnostic = replace(diagnostic, table_walk=walk)
        if diagnostic.input_size == UNKNOWN and diagnostic.loop_span:
            line, column = diagnostic.loop_span[:2]
            calls = (facts.get(diagnostic.path) or {}).get("loop_calls") or {}
            callee = calls.get(f"{line}:{column}")
            size = graph.output_size(callee) if callee else ""
            if size:
                diagnostic = replace(diagnostic, input_size=size)
        refined.append(diagnostic)
    return refined


def needs_graph(diagnostics: Iterable[Diagnostic]) -> bool:
    """Some finding is unplaced or loops over input of unknown size."""
    return any(
        _unplaced(d) or _weak(d) or _unsized(d) or _dominable(d) or _called(d) or _cold_loop(d)
        for d in diagnostics
    )


def _cold_loop(diagnostic: Diagnostic) -> bool:
    """A loop on a cold path not known to walk a whole table: a caller's loop may."""
    return (
        diagnostic.path_kind.startswith("cold")
        and bool(diagnostic.loop_span)
        and bool(diagnostic.enclosing)
        and not diagnostic.table_walk
    )


def _called(diagnostic: Diagnostic) -> bool:
    """A loop of unknown input: it may iterate a call whose output the index knows."""
    return diagnostic.input_size == UNKNOWN and bool(diagnostic.loop_span)


def _dominable(diagnostic: Diagnostic) -> bool:
    """A database round trip in a loop: a costlier call on every pass may dominate it."""
    return diagnostic.code in DATABASE_CODES and bool(diagnostic.loop_span)


def _unplaced(diagnostic: Diagnostic) -> bool:
    return not diagnostic.path_kind and bool(diagnostic.enclosing)


def _callers_decide(diagnostic: Diagnostic) -> bool:
    """Cold callers may make this function cold: a module-level function, or a private
    method (``_load_ids``), which is called through ``self`` where the index sees it."""
    last = diagnostic.enclosing.rsplit(".", 1)[-1]
    return "." not in diagnostic.enclosing or (last.startswith("_") and not last.endswith("__"))


def _weak(diagnostic: Diagnostic) -> bool:
    """Cold by its name only: a hot caller makes it hot."""
    return bool(diagnostic.enclosing) and weak_cold(diagnostic.path_kind, diagnostic.enclosing)


def _unsized(diagnostic: Diagnostic) -> bool:
    return (
        diagnostic.input_size == UNKNOWN
        and bool(diagnostic.enclosing)
        and bool(subject_parameter(diagnostic.loop_subject))
    )
