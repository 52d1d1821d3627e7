"""One file's contribution to the project index, gathered during the one walk.

``COLLECTOR`` is not a rule of the catalogue: it is a set of handlers the engine adds to
the dispatch table when an active rule uses the index (``Rule.uses_index``). It records

- classes with their resolved bases, whether they are abstract (``class Meta: abstract =
  True``, ``__abstract__``) or Django proxies, Django relation fields and SQLAlchemy
  ``relationship()``s (with ``lazy=``, ``backref=``), and module-level declarative bases;
- for every function: the union of its calls' direct effects (``call_effects``, so remote
  calls too), one witness call per effect, and the project functions it calls;
- for every sync function that waits on I/O or time, the ``BLOCKING`` effect and its
  call (when TL404 is active), and which functions are ``async def``; module-level
  ``from x import y`` (re-exports: ``y`` of this module is ``x.y``);
- pending findings: a call in a hot loop to a function whose effects only the whole
  project can tell.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from throughlint.apis import EXECUTORS, UNCONSTRAINED, concurrency_library
from throughlint.effects import Effect, call_effects
from throughlint.effects.blocking import blocking_call
from throughlint.effects.cpu import LOOPS as CPU_LOOPS
from throughlint.effects.cpu import call_cpu_bits
from throughlint.effects.database import (
    DJANGO_LAZY,
    SQLMODEL_TABLE,
    TO_ONE_FIELDS,
    app_global,
    classify_call,
    constructed_by_name,
    database_value,
    is_django_row,
    parameter_pending,
    receiver_per_item,
    sql_text,
    sql_verb,
)
from throughlint.effects.remote import SHARED_CLIENTS, awaited_round_trip, client_library
from throughlint.index import attribute_values
from throughlint.index.admin_lists import record_admin_list, record_admin_registration
from throughlint.index.argument_types import (
    argument_types_json,
    record_call_site,
    record_typed_effect,
)
from throughlint.index.dispatch import dispatch_method
from throughlint.index.instance_hooks import instance_hook_sender
from throughlint.index.output_size import (
    PARAMETER_TERM,
    TERMS,
    join_terms,
    output_size,
    outputs_json,
)
from throughlint.index.output_size import kept as output_kept
from throughlint.index.pending import add_pending
from throughlint.index.relation_access import prefetched_objects, relation_access
from throughlint.index.serializers import (
    record_serializer_call,
    record_serializer_class,
    record_serializer_read,
)
from throughlint.index.statement_hooks import hook_registration
from throughlint.rules.base import Rule
from throughlint.semantic import per_pass
from throughlint.semantic.annotations import annotated_class
from throughlint.semantic.batching import batched_per_call
from throughlint.semantic.callee_names import next_in_order, related_method
from throughlint.semantic.client_sites import client_site
from throughlint.semantic.concurrency import (
    calls_out,
    fresh_receiver,
    not_per_item,
    whole_body_lock,
    within_semaphore,
)
from throughlint.semantic.eager_loads import returned_loads
from throughlint.semantic.expressions import (
    call_argument,
    call_tail,
    identifier_words,
    keyword_value,
    literal_int,
    names_read,
    unparse_short,
    walk_same_function,
)
from throughlint.semantic.global_rebinds import declared_global
from throughlint.semantic.guards import (
    RECEIVER_MEMO,
    SOME_OBJECT,
    argument_spec,
    call_guard,
    object_memo_guard,
    parameters,
)
from throughlint.semantic.input_size import argument_size
from throughlint.semantic.loops import LoopKind, describe_loop, is_batch_loop, names_batches
from throughlint.semantic.members import is_member
from throughlint.semantic.parameter_origin import parameter_origin
from throughlint.semantic.pass_cost import every_pass, heavy_call
from throughlint.semantic.passed_values import factory_attribute_call, passed_attribute_call
from throughlint.semantic.queries import (
    attribute_source,
    helper_query,
    iterated_query_chain,
    prefetched,
)
from throughlint.semantic.receivers import receiver_origin
from throughlint.semantic.related_managers import manager_call
from throughlint.semantic.scope import BindingKind, ScopeKind
from throughlint.semantic.statement_cost import statements_cost
from throughlint.semantic.types import call_name

if TYPE_CHECKING:
    from throughlint.checker import Checker
    from throughlint.semantic.model import SemanticModel

COLLECTOR = Rule(
    code="TL100",
    name="project-index",
    summary="Gathers the project index (not a rule of the catalogue)",
    doc="Gathers the project index.",
)

DJANGO_RELATION_FIELDS: dict[str, str] = {}
for _prefix in ("django.db.models", "django.db.models.fields.related"):
    DJANGO_RELATION_FIELDS[f"{_prefix}.ForeignKey"] = "fk"
    DJANGO_RELATION_FIELDS[f"{_prefix}.OneToOneField"] = "o2o"
    DJANGO_RELATION_FIELDS[f"{_prefix}.ManyToManyField"] = "m2m"
DJANGO_RELATION_FIELDS["django.contrib.contenttypes.fields.GenericForeignKey"] = "gfk"

SQLALCHEMY_RELATIONSHIPS = frozenset(
    {
        "sqlalchemy.orm.relationship",
        "sqlalchemy.orm.relation",
        "sqlalchemy.orm.relationships.relationship",
        "flask_sqlalchemy.SQLAlchemy().relationship",
        "sqlmodel.Relationship",
        "sqlmodel.main.Relationship",
    }
)
# SQLModel: a class of ``SQLModel`` is mapped (has a table) only with ``table=True``;
# its bases are recorded with this name in place of ``sqlmodel.SQLModel`` then
SQLMODEL_BASES = frozenset({"sqlmodel.SQLModel", "sqlmodel.main.SQLModel"})
DECLARATIVE_FACTORIES = frozenset(
    {
        "sqlalchemy.orm.declarative_base()",
        "sqlalchemy.ext.declarative.declarative_base()",
        "sqlalchemy.orm.decl_api.declarative_base()",
        "sqlalchemy.orm.registry().generate_base()",
        "flask_sqlalchemy.SQLAlchemy().Model",
    }
)
_ATOMIC = frozenset({"django.db.transaction.atomic", "django.db.transaction.atomic()"})
_STDLIB = frozenset(sys.stdlib_module_names)
_BUFFERED = frozenset({"add", "add_all", "delete"})
# the effect bits in ``Effect``'s order (iterating the flag class costs more, per call)
_FLAG_VALUES = tuple(flag.value for flag in Effect if flag.value)


class FileFacts:
    """What one file tells the project index; ``to_json`` is what the cache stores."""

    __slots__ = (
        "admin_models",
        "argument_types",
        "arguments",
        "asynchronous",
        "atomic",
        "attribute_values",
        "bit_guards",
        "blocking",
        "cached",
        "classes",
        "codes",
        "cpu",
        "cpu_work",
        "database_values",
        "dispatch",
        "edges",
        "external",
        "fixed",
        "functions",
        "handles",
        "hot",
        "hot_same",
        "imports",
        "instance_hooks",
        "kinds",
        "loads",
        "locked",
        "loop_calls",
        "loop_costs",
        "made",
        "memoised",
        "module_ints",
        "output_sizes",
        "param_reads",
        "parameters",
        "pass_costs",
        "pending",
        "project_modules",
        "references",
        "run_now",
        "seen",
        "self_attributes",
        "self_calls",
        "self_reads",
        "serializer_users",
        "serializers",
        "service",
        "signatures",
        "star_imports",
        "statement_hooks",
        "statements",
        "table_calls",
        "tabled",
        "typed_effects",
        "varying",
    )

    def __init__(
        self, codes: tuple[str, ...] = (), project_modules: frozenset[str] | None = None
    ) -> None:
        self.codes = codes
        # the top-level names of the project's modules (None: not known, every callee
        # outside the standard library may be the project's), and the other top-level
        # modules whose functions this file calls: facts recorded while those were not
        # the project's are stale once one is (``external_modules``)
        self.project_modules = project_modules
        self.external: set[str] = set()
        # functions whose results are cached (``functools.cache``), and per function the
        # project callees it calls with fixed arguments only (once per process if cached)
        self.cached: list[str] = []
        # functions whose whole body holds one lock: name -> [lock, kind, weight, calls out]
        self.locked: dict[str, list] = {}
        # ``@transaction.atomic`` functions: True when they also commit by other means
        self.atomic: dict[str, bool] = {}
        # the methods each function calls on ``self`` (an inherited method run for a
        # subclass runs the subclass's overrides of these: ``Summaries.value``)
        self.self_calls: dict[str, set[str]] = {}
        # path facts (``semantic/guards.py``): per function, the guard on a parameter that
        # every site of an effect runs under (0: some site is unguarded), and per project
        # callee its guard and the arguments passed (0 when the sites differ)
        self.signatures: dict[str, list] = {}
        self.bit_guards: dict[str, dict[str, Any]] = {}
        self.edges: dict[str, dict[str, list]] = {}
        self.fixed: dict[str, set[str]] = {}
        self.varying: dict[str, set[str]] = {}
        self.classes: dict[str, dict[str, Any]] = {}
        self.functions: dict[str, list[Any]] = {}
        # functions with a call left out as a memo's fill: kept in the index even with no
        # effect or callee left, or a method overriding its base's would read as the base's
        self.memoised: set[str] = set()
        self.pending: list[dict[str, Any]] = []
        self.seen: set[tuple] = set()
        self.statements: dict[str, list[str]] = {}  # module-level SQL: name -> [verb, text]
        # for ``index/reach.py``: the placement of each function that calls a project
        # function, what each such call passes ([caller, callee, positional, keywords]) and
        # the parameters of functions with a loop over one
        self.kinds: dict[str, str] = {}
        self.arguments: list[list[Any]] = []
        self.parameters: dict[str, list[str]] = {}
        # record which sync functions wait (TL404, TL302)
        self.blocking = "TL404" in codes or "TL302" in codes
        # TL205: per function, whether it loops in Python and whether a call of it leaves
        # the GIL (``effects/cpu.py``); waiting calls are recorded too (``blocking``)
        self.cpu_work = "TL205" in codes
        self.blocking = self.blocking or self.cpu_work
        self.cpu: dict[str, int] = {}
        self.asynchronous: set[str] = set()  # ``async def`` functions
        self.imports: dict[str, str] = {}  # module-level ``from x import y``: mod.y -> x.y
        # module-level ``from .x import *`` of the file's own package: mod -> [x, ...]
        self.star_imports: dict[str, list[str]] = {}
        # project callees called once per item (a loop over items, or a ``while`` loop
        # that neither waits nor retries): name -> where, for messages
        self.hot: dict[str, str] = {}
        # of those, called on the same object on every pass of each such loop (1) or not
        # (0): its memos on the object are filled once (``per_pass.same_receiver_each_pass``)
        self.hot_same: dict[str, int] = {}
        # functions that return an object they construct on each call: name -> constructor
        self.made: dict[str, str] = {}
        # functions that return a shared library client they do not build (``return
        # caches["default"]``): name -> the client's library name
        self.handles: dict[str, str] = {}
        # relations a function loads eagerly on the rows it returns, on every call
        # (``prefetch_related("files")``, ``prefetch_related_objects(rows, "files")``):
        # the rows come with them (``semantic/eager_loads.py``)
        self.loads: dict[str, set[str]] = {}
        # per method, what it reads on ``self`` (``self.customer``, ``self.orders.count()``):
        # [attribute, method called on it or "", line], for a loop over rows calling the
        # method that reads a lazy relation (``SELF_READS_PER_METHOD`` at most)
        self.self_reads: dict[str, list[list[Any]]] = {}
        # REST framework serializers: class -> model; serializer -> where it is used over
        # a query -> [model, loaded relations (comma-separated), loads all, where]
        # (``index/serializers.py``)
        self.serializers: dict[str, str] = {}
        # Django admin classes registered by ``admin.site.register(Model, Admin)``: admin
        # -> model (``index/admin_lists.py``)
        self.admin_models: dict[str, str] = {}
        # module-level names bound once to an int literal (``WORKERS = 16``): pool sizes
        # read from another module (``settings.WORKERS``)
        self.module_ints: dict[str, int | None] = {}
        # relations a function reads on a parameter (``order.items.count()`` in
        # ``item_count(order)``): function -> [[position, name, attribute, method, line]]
        self.param_reads: dict[str, list[list[Any]]] = {}
        self.serializer_users: dict[str, dict[str, list[Any]]] = {}
        # project callees called once per row of a cold loop over a whole table:
        # name -> that loop's subject (``index/reach.py`` shows their cold loops)
        self.table_calls: dict[str, str] = {}
        # for ``index/reach.py``: per function, the project callees it calls on each pass
        # of a service's main loop (``while True:``, ``for tick in itertools.count():``),
        # and the project functions it hands on as arguments (``on_commit(self._send)``,
        # ``run_interaction("x", self._txn)``): they run when the function does
        self.service: dict[str, set[str]] = {}
        self.references: dict[str, set[str]] = {}
        # of those, the ones handed to a function call whose result is bound to a local
        # or dropped (``pages = paginate(fetch_page)``): run before the function returns,
        # not kept for later (``return Metric(eval_fn=eval_fn)``); TL203's per-item walk
        self.run_now: dict[str, set[str]] = {}
        # functions put in a dict, list, tuple or set display (a table of handlers): their
        # callers are not all seen (``tabled_functions``, for parameter types only; where
        # they run is what their direct calls say)
        self.tabled: set[str] = set()
        # the classes whose row-built objects a hook runs for (``index/instance_hooks.py``)
        self.instance_hooks: set[str] = set()
        # module -> [registration, line]: wrappers the file registers on a database
        # connection (``connection.execute_wrapper(...)``: ``index/statement_hooks.py``)
        self.statement_hooks: dict[str, list[list[Any]]] = {}
        # module-level names bound to a database API value and functions returning one
        # (``app.db.SessionLocal`` -> ``sqlalchemy.orm.sessionmaker()``, ``app.q.recent()``
        # -> ``app.m.Book.objects.filter()``): what types a receiver imported from there
        self.database_values: dict[str, str] = {}
        # the per-pass cost model (``semantic/pass_cost.py``): per function and per loop
        # (keyed "line:column" of its header), the first dominating library call made on
        # every pass and the project callees called on every pass: [label, callees]
        self.pass_costs: dict[str, list] = {}
        self.loop_costs: dict[str, list] = {}
        # what each project callee is passed, and effects only the index can type
        # (``index/argument_types.py``)
        self.argument_types: dict[str, list] = {}
        self.typed_effects: dict[str, list[list[Any]]] = {}
        # how many items each function hands out, and the project call each loop of
        # unknown input iterates ("line:column" -> callee): ``index/output_size.py``
        self.output_sizes: dict[str, str] = {}
        self.loop_calls: dict[str, str] = {}
        # what properties return and attributes set on library objects hold
        # (``index/attribute_values.py``)
        self.attribute_values: dict[str, str] = {}
        # what each ``self.attr`` of a class is bound to (a project call, or unknown when
        # bound to anything else or to two calls): only the known ones are written out
        self.self_attributes: dict[str, str] = {}
        # per function, methods called on receivers of unknown type (``index/dispatch.py``)
        self.dispatch: dict[str, set[str]] = {}

    def loop_call(self, header: tuple[int, ...], callee: str | None) -> None:
        """A loop of unknown input iterates what ``callee`` hands out, when that may be a
        project function (``index/output_size.py``)."""
        if project_callee(callee):
            self.loop_calls[f"{header[0]}:{header[1]}"] = callee  # type: ignore[assignment]

    def function(self, name: str) -> list[Any]:
        record = self.functions.get(name)
        if record is None:
            record = self.functions[name] = [0, set(), {}]
        return record

    def site(self, function: str, effect: int, guard: list | None) -> None:
        """One place where ``function`` has ``effect``, under ``guard`` (or none)."""
        known = self.bit_guards.setdefault(function, {})
        for value in _FLAG_VALUES:
            if effect & value:
                bit = str(value)
                if bit not in known:
                    known[bit] = guard or 0
                elif known[bit] != guard:
                    known[bit] = 0

    def hot_receiver(self, name: str, same: bool) -> None:
        """One more call of ``name`` once per item; ``same``: on the same object on every
        pass. It counts as on one object only if every such call is."""
        self.hot_same[name] = int(same and self.hot_same.get(name, 1) == 1)

    def edge(self, function: str, callee: str, guard: list | None, spec: dict | None) -> None:
        """One call of ``callee`` from ``function``: its guard and its arguments."""
        known = self.edges.setdefault(function, {})
        item = [guard or 0, spec or 0]
        previous = known.get(callee)
        if previous is None:
            known[callee] = item
        elif previous != item:
            known[callee] = [
                previous[0] if previous[0] == item[0] else 0,
                previous[1] if previous[1] == item[1] else 0,
            ]

    def _paths_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for function in self.bit_guards.keys() | self.edges.keys():
            bits = {bit: g for bit, g in self.bit_guards.get(function, {}).items() if g}
            edges = {
                callee: item
                for callee, item in self.edges.get(function, {}).items()
                if item[0] or (item[1] and any(v[0] != "?" for v in item[1].values()))
            }
            if bits or edges:
                found[function] = {"p": self.signatures.get(function, []), "b": bits, "e": edges}
        return found

    def to_json(self) -> dict[str, Any] | None:
        if not (
            self.classes
            or self.functions
            or self.pending
            or self.statements
            or self.parameters
            or self.imports
            or self.star_imports
            or self.hot
            or self.table_calls
            or self.made
            or self.handles
            or self.loads
            or self.self_reads
            or self.serializers
            or self.admin_models
            or self.module_ints
            or self.param_reads
            or self.serializer_users
            or self.cpu
            or self.references
            or self.tabled
            or self.instance_hooks
            or self.statement_hooks
            or self.database_values
            or self.loop_costs
            or self.loop_calls
            or outputs_json(self.output_sizes)
            or self.external
            or self.argument_types
            or self.typed_effects
            or self.attribute_values
            or any(self.self_attributes.values())
            or self.dispatch
        ):
            return None
        functions = {
            name: [effect, sorted(callees), witnesses]
            for name, (effect, callees, witnesses) in self.functions.items()
            if effect or callees or name in self.memoised
        }
        extra: dict[str, Any] = {}
        if self.asynchronous:
            extra["an"] = sorted(self.asynchronous & functions.keys())
        if self.imports:
            extra["re"] = self.imports
        if self.star_imports:
            extra["st"] = self.star_imports
        if self.service:
            extra["service_calls"] = {k: sorted(v) for k, v in self.service.items()}
        if self.references:
            extra["passed_functions"] = {k: sorted(v) for k, v in self.references.items()}
        if self.run_now:
            extra["run_passed"] = {k: sorted(v) for k, v in self.run_now.items()}
        if self.tabled:
            extra["tabled_functions"] = sorted(self.tabled)
        if self.instance_hooks:
            extra["instance_hooks"] = sorted(self.instance_hooks)
        if self.statement_hooks:
            extra["statement_hooks"] = self.statement_hooks
        if self.pass_costs:
            extra["pass_costs"] = _costs_json(self.pass_costs)
        if self.loop_costs:
            extra["loop_costs"] = _costs_json(self.loop_costs)
        if self.external:
            extra["external_modules"] = sorted(self.external)
        outputs = outputs_json(self.output_sizes)
        if outputs:
            extra["output_sizes"] = outputs
        if self.loop_calls:
            extra["loop_calls"] = dict(sorted(self.loop_calls.items()))
        values = dict(self.attribute_values)
        for name, value in self.self_attributes.items():
            if value:
                attribute_values.record(values, (name, value))
        if values:
            extra["attribute_values"] = values
        if self.table_calls:
            extra["table_calls"] = self.table_calls
        if self.dispatch:
            extra["dispatch_calls"] = {k: sorted(v) for k, v in self.dispatch.items()}
        found: dict[str, Any] = {
            "codes": list(self.codes),
            "c": self.classes,
            "f": functions,
            "p": self.pending,
            "s": self.statements,
            "h": self.kinds,
            "a": self.arguments,
            "pa": self.parameters,
            **extra,
            **({"ph": self.hot} if self.hot else {}),
            **({"po": self.hot_same} if self.hot_same else {}),
            **({"n": self.made} if self.made else {}),
            **({"hd": self.handles} if self.handles else {}),
            **({"ld": {k: sorted(v) for k, v in self.loads.items()}} if self.loads else {}),
            **({"sr": self.self_reads} if self.self_reads else {}),
            **({"sz": self.serializers} if self.serializers else {}),
            **({"am": self.admin_models} if self.admin_models else {}),
            **({"ints": self.module_ints} if self.module_ints else {}),
            **({"pr": self.param_reads} if self.param_reads else {}),
            **({"su": self.serializer_users} if self.serializer_users else {}),
            **({"cpu": self.cpu} if self.cpu else {}),
            **({"dbv": self.database_values} if self.database_values else {}),
            **(
                {"argument_types": argument_types_json(self.argument_types)}
                if self.argument_types
                else {}
            ),
            **({"typed_effects": self.typed_effects} if self.typed_effects else {}),
        }
        if self.cached:
            found["m"] = self.cached
        if self.locked:
            found["lk"] = self.locked
        if self.atomic:
            found["t"] = self.atomic
        if self.self_calls:
            found["self_calls"] = {name: sorted(m) for name, m in self.self_calls.items()}
        paths = self._paths_json()
        if paths:
            found["g"] = paths
        fixed = {
            name: sorted(callees - self.varying.get(name, set()))
            for name, callees in self.fixed.items()
            if callees - self.varying.get(name, set())
        }
        if fixed:
            found["x"] = fixed
        return found


def _costs_json(costs: dict[str, list]) -> dict[str, list]:
    return {key: [label, sorted(callees)] for key, (label, callees) in costs.items()}


def project_callee(name: str | None) -> bool:
    """A name that may be a function of the linted project (not a builtin or stdlib)."""
    if name is None or name.startswith("builtins."):
        return False
    return name.split(".", 1)[0] not in _STDLIB


# --- handlers --------------------------------------------------------------------------


_READ, _WRITE, _COMMIT = Effect.READ.value, Effect.WRITE.value, Effect.COMMIT.value
_READ_WRITE = _READ | _WRITE


# TL101: a relation touched on a loop item, in any file (``index/relation_access.py``)
COLLECTOR.on(ast.Attribute, ast.Call, ast.FormattedValue)(relation_access)
# TL101: relations a REST framework serializer reads per row (``index/serializers.py``)
COLLECTOR.on(ast.Attribute, ast.Call)(record_serializer_read)
COLLECTOR.on(ast.ClassDef)(record_serializer_class)
# TL101: relations a Django admin change list's columns read per row (``index/admin_lists.py``)
COLLECTOR.on(ast.ClassDef)(record_admin_list)
COLLECTOR.on(ast.Call)(record_admin_registration)
COLLECTOR.on(ast.Call)(record_serializer_call)


@COLLECTOR.on(ast.Call)
def record_call(checker: Checker, node: ast.Call) -> None:
    model = checker.semantic
    function = model.function_name
    sender = instance_hook_sender(model, node)
    if sender is not None:
        checker.index_facts.instance_hooks.add(sender)  # type: ignore[union-attr]
    registration = hook_registration(node)
    if registration is not None:
        hooks = checker.index_facts.statement_hooks  # type: ignore[union-attr]
        hooks.setdefault(model.module, []).append([registration, node.lineno])
    if function is None and not model.frame.loops:
        return  # module and class level, outside loops: nothing to summarise or report
    if model.frame.loops:
        _related_manager(checker, node, evaluated=False)
    _record_pass_cost(checker, node)
    if function is not None and checker.index_facts.blocking:  # type: ignore[union-attr]
        _record_blocking(checker, node, function)
    if function is not None and (node.args or node.keywords):
        _record_references(checker, node, function)
        _record_mapped(checker, node, function)
    # the effect's bits as an int: ``enum.Flag`` arithmetic is Python code, and this runs
    # for every call in a function
    effect = call_effects(model, node, checker.settings).value
    if effect and function is not None and _memoised(model, node, per_key=True):
        effect = 0  # ``if _cache is None: _cache = ...``: once, not per call
        checker.index_facts.memoised.add(function)  # type: ignore[union-attr]
    elif effect and function is not None and _batched(model):
        effect = 0  # ``if self._count % self._size == 0: commit()``: once per batch of calls
        checker.index_facts.memoised.add(function)  # type: ignore[union-attr]
    constructed = None
    if effect & _READ_WRITE:
        found = classify_call(model, node, checker.settings)
        if found is not None and found.lazy:  # a queryset built, not yet run
            effect &= ~_READ
        if found is not None and found.framework == "sqlalchemy" and found.method in _BUFFERED:
            effect &= ~_WRITE  # held by the session until a flush or commit
        if effect & _WRITE and function is not None:
            constructed = constructed_by_name(model, node, found)
            if constructed is not None:  # the index knows whether that class is a model
                effect &= ~_WRITE
    if function is not None:
        record = checker.index_facts.function(function)  # type: ignore[union-attr]
        if effect & _COMMIT and function in checker.index_facts.atomic:  # type: ignore[union-attr]
            checker.index_facts.atomic[function] = True  # type: ignore[union-attr]
        if constructed is not None:
            record[1].add(f"{constructed}().{node.func.attr}")  # type: ignore[attr-defined]
        if effect:
            checker.index_facts.site(function, effect, call_guard(model))  # type: ignore[union-attr]
            new = effect & ~record[0]
            if new:
                record[0] |= effect
                witness = _witness(checker, node)
                for value in _FLAG_VALUES:
                    if new & value:
                        record[2][str(value)] = witness
            return
    elif effect:
        return
    if not effect:
        _imported_statement(checker, node)
    name = model.resolve(node.func)
    if name is not None and name.startswith("builtins.super()."):
        name = _base_method(model, name)  # ``super().get(...)``: the base class's ``get``
    elif name is not None and name.rpartition(".")[0] in TO_ONE_FIELDS:
        name = _related_method(model, node, name)
    if isinstance(node.func, ast.Attribute) and (
        name is None
        or not project_callee(name)  # ``getattr(...)``, a library's or a builtin's value
        or _untyped_row(name.rpartition(".")[0])
    ):
        _model_method(checker, node)
    if name is None and function is not None:  # ``self.client.get(k)``, ``self.client = client``
        name = passed_attribute_call(model, node) or factory_attribute_call(model, node)
    if not project_callee(name):
        return
    facts: FileFacts = checker.index_facts  # type: ignore[assignment]
    if facts.project_modules is not None and _external_function(facts, model, node, name):
        if function is not None:  # what the call graph knows of the caller, unchanged
            facts.function(function)[1].add(name)
            if function not in facts.kinds:
                facts.kinds[function] = checker.path_kind()
        return
    fixed = _fixed_arguments(node)
    spec = argument_spec(model, node)  # for the edge and the pending check alike
    function_node = model.function
    if function is not None:
        if not _memoised(model, node, per_key=True, lasting=True) and not _batched(model):
            # neither a memo (once) nor under a batch test (once per batch of calls)
            guard = call_guard(model)
            if function_node is not None and per_pass.memoised_on_object(model, function_node):
                guard = object_memo_guard(guard)  # a memo on the object: while it is unset
            facts.function(function)[1].add(name)
            facts.edge(function, name, guard, spec)
            if _on_self(node):
                facts.self_calls.setdefault(function, set()).add(node.func.attr)  # type: ignore[attr-defined]
        else:
            facts.memoised.add(function)
        (facts.fixed if fixed else facts.varying).setdefault(function, set()).add(name)
        if function not in facts.kinds:
            facts.kinds[function] = checker.path_kind()
        if any(_service_loop(model, loop) for loop in model.frame.loops):
            facts.service.setdefault(function, set()).add(name)
        if node.args or node.keywords:
            positional = [_argument_size(model, arg) for arg in node.args]
            keywords = {k.arg: _argument_size(model, k.value) for k in node.keywords if k.arg}
            facts.arguments.append([function, name, positional, keywords])
            if function not in facts.parameters and any(
                size.startswith("p:") for size in (*positional, *keywords.values())
            ):
                checker.record_parameters()  # passed on: sized by this function's callers
    _record_hot_callee(checker, name, node)
    if name not in facts.table_calls:
        walk = checker.table_walk(checker.path_kind())
        if walk:
            facts.table_calls[name] = walk
    loop = per_pass.per_item_loop(model)
    if loop is not None and not is_batch_loop(loop) and not per_pass.runs_once(model, loop):
        shape = not_per_item(model, loop)  # a retry or a poll: TL401 skips it
        if shape is None and _in_fallback(model):
            shape = "fallback"  # an ``except`` handler: the path of a failed item
        if shape is None and _passes_pipeline(node):
            shape = "buffered"  # the helper's commands go into the caller's pipeline
        flags: dict[str, Any] = {"shape": shape} if shape else {}
        statement = model.node_stack[-1]
        if not _discarded(statement, node) and model.loop_facts(loop).kept(node, statement):
            flags["kept"] = True  # the result is kept (appended, returned...): one per item
        if names_read(node) & _target_names(model):
            flags["per_target"] = True  # its arguments change with the item
        if name.startswith(model.module + "."):
            flags["local"] = 1  # defined in this file: the walk's own checks see it
        if fresh_receiver(model, node):
            flags["fresh"] = 1  # on an object this function has just made
        if loop.kind is not LoopKind.COMPREHENSION:  # the work of one pass, this call's too
            flags["pass"] = _pass_weight(model, loop.node)
        add_pending(
            checker,
            node,
            "call",
            callee=name,
            text=unparse_short(node.func, 40),
            loop=describe_loop(loop),
            **flags,
            **({"fixed": 1} if fixed else {}),
            **({"atomic": 1} if _in_atomic(model) else {}),
            **_arguments_passed(
                _memo_set(spec) if per_pass.same_receiver_each_pass(model, node, loop) else spec
            ),
        )


def _pass_weight(model, loop_node: ast.AST) -> int:
    """The weight of one pass of a ``for`` / ``while`` loop (``semantic/statement_cost``),
    once per loop: every call in a long body asks."""
    known = model.memo("pass_weight")
    if loop_node not in known:
        known[loop_node] = statements_cost(model, loop_node.body).weight  # type: ignore[attr-defined]
    return known[loop_node]


def _memo_set(spec: dict[str, list] | None) -> dict[str, list]:
    """A call in a loop on the same object every pass (``self``, ``self.extractor``): the
    method's memos on the object are set after the first pass (``RECEIVER_MEMO``)."""
    return {**(spec or {}), RECEIVER_MEMO: ["=", True]}


_ITEM_METHODS = {ast.Load: "__getitem__", ast.Store: "__setitem__", ast.Del: "__delitem__"}


@COLLECTOR.on(ast.Subscript)
def record_item_access(checker: Checker, node: ast.Subscript) -> None:
    """``db[doc_id] = doc`` on an instance of a project class calls its ``__setitem__``
    (``x[key]`` its ``__getitem__``, ``del x[key]`` its ``__delitem__``): an edge of the
    call graph, and in a loop over items a pending call, as ``x.method()`` would be. The
    index finds the method's effects (a CouchDB database's HTTP PUT, a disk cache's
    query); a class without the method, or one that does nothing remote, stays clean.
    Preview only: on the benchmark's tuning split it found no labelled line and misread
    sqlite-utils's ``db[name]`` (a table handle, through a helper whose commit only
    follows a write) as a commit per item."""
    if not checker.settings.preview:
        return
    model = checker.semantic
    function = model.function_name
    if function is None and not model.frame.loops:
        return
    receiver = model.resolve(node.value)
    if receiver is None or not receiver.endswith("()") or not project_callee(receiver):
        return
    facts: FileFacts = checker.index_facts  # type: ignore[assignment]
    if facts.project_modules is not None and receiver.split(".", 1)[0] not in facts.project_modules:
        return  # a class of another package: nothing in the index answers for it
    name = f"{receiver}.{_ITEM_METHODS[node.ctx.__class__]}"
    if function is not None:
        facts.function(function)[1].add(name)
        facts.edge(function, name, call_guard(model), None)
        facts.varying.setdefault(function, set()).add(name)
        if function not in facts.kinds:
            facts.kinds[function] = checker.path_kind()
    loop = per_pass.per_item_loop(model)
    if loop is None or is_batch_loop(loop) or per_pass.runs_once(model, loop):
        return
    shape = not_per_item(model, loop)
    if shape is None and _in_fallback(model):
        shape = "fallback"
    flags: dict[str, Any] = {"shape": shape} if shape else {}
    statement = model.node_stack[-1]
    if node.ctx.__class__ is ast.Load and model.loop_facts(loop).kept(node, statement):
        flags["kept"] = True
    if names_read(node.slice) & _target_names(model):
        flags["per_target"] = True
    text = f"{unparse_short(node.value, 36)}.{_ITEM_METHODS[node.ctx.__class__]}"
    add_pending(checker, node, "call", callee=name, text=text, loop=describe_loop(loop), **flags)


def _discarded(statement: ast.AST, node: ast.Call) -> bool:
    """``session.add(row)`` as a statement of its own: its value is dropped, so nothing
    keeps it (``LoopFacts.kept``'s walk of the statement would find nothing)."""
    return statement.__class__ is ast.Expr and statement.value is node  # type: ignore[attr-defined]


def _record_pass_cost(checker: Checker, node: ast.Call) -> None:
    """A dominating library call (``semantic/pass_cost.py``) or a project callee that runs
    on every pass of the enclosing function and of each enclosing per-item loop."""
    model = checker.semantic
    name = model.resolve(node.func)
    heavy = heavy_call(name)
    facts: FileFacts = checker.index_facts  # type: ignore[assignment]
    if not heavy and not _project_function(facts, model, node, name):
        return  # the index's cost walk follows project functions only
    function = model.function_name
    if (
        function is not None
        and not isinstance(model.function, ast.Lambda)
        and not _costed(facts.pass_costs.get(function), heavy, name)  # type: ignore[arg-type]
        and every_pass(model, model.function)
    ):
        _add_cost(facts.pass_costs, function, heavy, name)  # type: ignore[arg-type]
    headers = model.memo("pass_cost.header")
    innermost = model.node_stack[-1] if model.node_stack else None
    for loop in model.frame.loops:
        if loop.small or innermost is loop.node:
            continue  # a ``for`` header is evaluated once, not on every pass
        key = headers.get(loop.node)
        if key is not None and _costed(facts.loop_costs.get(key), heavy, name):  # type: ignore[arg-type]
            continue
        if not every_pass(model, loop.node):
            continue
        if key is None:
            line, column = checker._loop_header(loop)[:2]
            key = headers[loop.node] = f"{line}:{column}"
        _add_cost(facts.loop_costs, key, heavy, name)  # type: ignore[arg-type]


def _costed(entry: list | None, heavy: str, name: str) -> bool:
    """``_add_cost`` would change nothing in ``entry``: the callee is in it already (or,
    for a dominating call, one is); the walk up the statements is then not needed."""
    if entry is None:
        return False
    return bool(entry[0]) if heavy else name in entry[1]


def _add_cost(costs: dict[str, list], key: str, heavy: str, name: str) -> None:
    entry = costs.get(key)
    if entry is None:
        entry = costs[key] = ["", set()]
    if not heavy:
        entry[1].add(name)
    elif not entry[0]:
        entry[0] = heavy


def _external_function(facts: FileFacts, model, node: ast.Call, name: str) -> bool:
    """A call of a function or class of a module outside the project (``requests.get``,
    ``Row(...)`` after ``from app.models import Row`` where the project has no module
    ``app``): nothing in the project's index can answer for it, so the edges, argument
    sizes and pending check a project callee gets would be work for nothing. Only a
    name imported from a module, or an attribute of an imported module: a method of a
    class of another package (``session.add``) may be overridden by a project subclass
    (``ProjectIndex.override_effects``). The module is noted (``external_modules``)."""
    if not _outside_project(facts, model, node, name):
        return False
    facts.external.add(name.split(".", 1)[0])
    return True


def _project_function(facts: FileFacts, model, node: ast.Call, name: str | None) -> bool:
    """``name`` may be a function of the project: a ``project_callee`` that is not an
    import from a module outside the project (when the project's modules are known)."""
    if not project_callee(name):
        return False
    return facts.project_modules is None or not _outside_project(facts, model, node, name)  # type: ignore[arg-type]


def _outside_project(facts: FileFacts, model, node: ast.Call, name: str) -> bool:
    """``_external_function``'s test, noting nothing."""
    if name.split(".", 1)[0] in facts.project_modules:  # type: ignore[operator]
        return False
    func = node.func
    if func.__class__ is ast.Name:
        statement = ast.ImportFrom
    elif func.__class__ is ast.Attribute and func.value.__class__ is ast.Name:  # type: ignore[attr-defined]
        func, statement = func.value, ast.Import  # type: ignore[attr-defined,assignment]
    else:
        return False
    binding = model.lookup(func.id)  # type: ignore[attr-defined]
    if binding is None or binding.kind is not BindingKind.IMPORT:
        return False
    return binding.node.__class__ is statement


@COLLECTOR.on(ast.Call)
def record_argument_types(checker: Checker, node: ast.Call) -> None:
    """What a call passes a project function, and database work only the index can type
    (``index/argument_types.py``)."""
    model = checker.semantic
    name = _own_class(model, node.func) or model.resolve(node.func)
    if name is None or _project_function(checker.index_facts, model, node, name):  # type: ignore[arg-type]
        record_call_site(checker, node, name)  # library callees are never typed
    record_typed_effect(checker, node)


def _argument_size(model, node: ast.expr) -> str:
    """``argument_size``; for a plain name, remembered while the scope and its bindings
    stay the same (a loop body passes the same names call after call)."""
    if node.__class__ is not ast.Name:
        return argument_size(model, node)
    memo = model.memo("argument_size")
    stamp = memo.get(None)
    if stamp is None or stamp[0] is not model.scope or stamp[1] != model.generation:
        memo.clear()
        memo[None] = (model.scope, model.generation)
    size = memo.get(node.id)  # type: ignore[attr-defined]
    if size is None:
        size = memo[node.id] = argument_size(model, node)  # type: ignore[attr-defined]
    return size


_BLOCKING = Effect.BLOCKING.value
_AWAITS_NETWORK = Effect.AWAITS_NETWORK.value


@COLLECTOR.on(ast.Await, ast.AsyncWith)
def record_awaited_round_trip(checker: Checker, node: ast.Await | ast.AsyncWith) -> None:
    """An ``async def`` that awaits one network request (``await self._http.get(url)``,
    ``async with session.get(url)``): ``AWAITS_NETWORK``, with the first such call as the
    witness. A caller that awaits the function once per item waits for each in turn."""
    model = checker.semantic
    function = model.function_name
    if function is None or not isinstance(model.function, ast.AsyncFunctionDef):
        return
    record = checker.index_facts.function(function)  # type: ignore[union-attr]
    if record[0] & _AWAITS_NETWORK or within_semaphore(model):
        return  # under a semaphore: a helper its callers are meant to run concurrently
    if isinstance(node, ast.Await):
        calls = [node.value] if isinstance(node.value, ast.Call) else []
    else:
        calls = [
            item.context_expr for item in node.items if isinstance(item.context_expr, ast.Call)
        ]
    for call in calls:
        if awaited_round_trip(model, call, checker.settings) is not None:  # type: ignore[arg-type]
            record[0] |= _AWAITS_NETWORK
            record[2][str(_AWAITS_NETWORK)] = _witness(checker, call)  # type: ignore[arg-type]
            return


def _service_loop(model, loop) -> bool:
    """A service's main loop: ``while True:``, ``while not self._stopped:``, or an endless
    counter (``for tick in itertools.count():``); what it calls runs for as long as the
    service does."""
    if not loop.is_while:
        return per_pass.endless_counter(model, loop)
    test = getattr(loop.node, "test", None)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    if isinstance(test, ast.Constant):
        return test.value is True or test.value == 1
    return (
        isinstance(test, ast.Attribute)
        and isinstance(test.value, ast.Name)
        and test.value.id == "self"
    )


@COLLECTOR.on(ast.Dict, ast.List, ast.Tuple, ast.Set)
def record_displayed_functions(checker: Checker, node: ast.AST) -> None:
    """``HANDLERS = {"save": save_all}``, ``[self.on_start, self.on_stop]``: a function put
    in a container is handed on, like one passed as an argument (whoever looks it up
    calls it with arguments the index does not see)."""
    if isinstance(node, ast.Dict):
        values: list[ast.expr] = [value for value in node.values if value is not None]
    elif isinstance(node, ast.Set) or isinstance(node.ctx, ast.Load):  # type: ignore[attr-defined]
        values = node.elts  # type: ignore[attr-defined]
    else:
        return  # ``a, b = pair``: names bound, not handed on
    if not any(isinstance(value, (ast.Name, ast.Attribute)) for value in values):
        return
    checker.index_facts.tabled.update(_functions(checker.semantic, values))  # type: ignore[union-attr]


def _record_references(checker: Checker, node: ast.Call, function: str) -> None:
    """The functions a call hands on (``self._txn``, ``cls.load``, a function of the
    module or imported): whoever takes them runs them when this function runs."""
    values = [*node.args, *(keyword.value for keyword in node.keywords)]
    names = list(_functions(checker.semantic, values))  # once, for both facts
    if not names:
        return
    _hand_on(checker, names, function)
    if _runs_handed_now(checker.semantic, node):
        checker.index_facts.run_now.setdefault(function, set()).update(names)  # type: ignore[union-attr]


def _runs_handed_now(model, node: ast.Call) -> bool:
    """A call of a function (not a class: a constructor keeps what it is given) whose
    result is dropped or bound to plain locals (``pages = paginate(fetch_page)``): what
    it is handed runs before the caller goes on, as far as the walk can tell; not a call
    whose result is returned or stored (``return make_metric(eval_fn=eval_fn)``)."""
    tail = call_tail(node.func)
    if tail is None or tail[:1].isupper():
        return False
    statement = model.node_stack[-1] if model.node_stack else None
    bound_to_locals = isinstance(statement, ast.Assign) and all(
        isinstance(target, ast.Name) for target in statement.targets
    )
    if not (isinstance(statement, ast.Expr) or bound_to_locals):
        return False
    value = statement.value  # type: ignore[union-attr]
    return (value.value if isinstance(value, ast.Await) else value) is node


_MAP_WORDS = frozenset({"map", "imap", "starmap"})


def _record_mapped(checker: Checker, node: ast.Call, function: str) -> None:
    """``pool.map(fetch, urls)``, ``executor.map(self.get, keys)``, ``map_with_context(
    executor, fetch, urls)``: the project function handed to a map runs once per item of
    the iterable after it, so a pool it starts on every call is a pool per item (fact
    ``ph``, TL203 through the index). Not over batches (``pool.map(load, chunks)``)."""
    tail = call_tail(node.func)
    if tail is None or "map" not in tail.lower():
        return  # the cheap test first: every call with arguments in a function asks
    if not _MAP_WORDS.intersection(w.lower() for w in identifier_words(tail)):
        return
    facts: FileFacts = checker.index_facts  # type: ignore[assignment]
    for at, value in enumerate(node.args[:-1]):
        names = list(_functions(checker.semantic, [value]))
        if not names:
            continue
        items = node.args[at + 1 :]
        if any(isinstance(item, ast.Starred) or names_batches(item) for item in items):
            return
        if _fixed_items(items[0]):
            return  # ``pool.map(load, ("a", "b"))``, ``range(3)``: a fixed handful
        short = names[0].rsplit(".", 1)[-1]
        facts.hot_receiver(names[0], False)
        facts.hot.setdefault(
            names[0],
            f"`{short}()` runs once per item of `{unparse_short(items[0], 30)}`, handed to "
            f"`{tail}()` in `{function}` (line {node.lineno})",
        )
        return


def _fixed_items(items: ast.expr) -> bool:
    """A display of its items (``[a, b]``, ``("x", "y")``) or ``range`` of literals."""
    if isinstance(items, (ast.List, ast.Tuple, ast.Set)):
        return not any(isinstance(item, ast.Starred) for item in items.elts)
    return (
        isinstance(items, ast.Call)
        and isinstance(items.func, ast.Name)
        and items.func.id == "range"
        and all(literal_int(argument) is not None for argument in items.args)
    )


def _hand_on(checker: Checker, names: list[str], function: str) -> None:
    """The functions ``function`` hands on (``passed_functions``)."""
    facts: FileFacts = checker.index_facts  # type: ignore[assignment]
    for name in names:
        facts.references.setdefault(function, set()).add(name)
        if function not in facts.kinds:
            facts.kinds[function] = checker.path_kind()


def _functions(model, values: list[ast.expr]) -> Iterator[str]:
    """The project functions among ``values``: a function of the module or imported, or
    a method through ``self`` / ``cls`` (``self._txn``, ``cls.load``)."""
    for value in values:
        if isinstance(value, ast.Attribute):
            if not (isinstance(value.value, ast.Name) and value.value.id in ("self", "cls")):
                continue
        elif isinstance(value, ast.Name):
            binding = model.lookup(value.id)
            if binding is None or binding.kind not in (BindingKind.FUNCTION, BindingKind.IMPORT):
                continue
        else:
            continue
        name = model.resolve(value)
        if project_callee(name) and not name.endswith(("()", "[]")):
            yield name


def _record_blocking(checker: Checker, node: ast.Call, function: str) -> None:
    """A call in a sync ``def`` (not in a lambda: that is handed on) that waits on the
    network, a database, a process or time (file reads and writes, mostly small config
    and template loads, do not count); only the first, as the witness: each call is
    classified until one is found."""
    record = checker.index_facts.function(function)  # type: ignore[union-attr]
    model = checker.semantic
    if record[0] & _BLOCKING or not isinstance(model.function, ast.FunctionDef):
        return
    found = blocking_call(model, node, checker.settings, sockets=True)
    if found is None or found.asynchronous or _memoised(model, node):
        return
    record[0] |= _BLOCKING
    record[2][str(_BLOCKING)] = _witness(checker, node)


_LOOPS = (
    ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp
)  # fmt: skip


def _target_names(model) -> set[str]:
    names: set[str] = set()
    for loop in model.loops:
        names |= loop.target_names
    return names


@COLLECTOR.on(ast.Return, ast.Yield, ast.YieldFrom)
def record_output_size(checker: Checker, node: ast.AST) -> None:
    """What the function hands out, joined over its ``return``s and ``yield``s
    (``index/output_size.py``)."""
    function = checker.semantic.function_name
    if function is None or isinstance(checker.semantic.function, ast.Lambda):
        return
    sizes = checker.index_facts.output_sizes  # type: ignore[union-attr]
    previous = sizes.get(function)
    if previous and not output_kept(previous):
        return  # a join that is not kept stays so: the other outputs change nothing
    size = output_size(checker.semantic, node)
    if PARAMETER_TERM in size and function not in checker.index_facts.parameters:  # type: ignore[union-attr]
        checker.record_parameters()  # what it hands out is sized by its callers
    if size:
        sizes[function] = (
            join_terms([*previous.split(TERMS), *size.split(TERMS)]) if previous else size
        )


@COLLECTOR.on(ast.Return)
def record_property_value(checker: Checker, node: ast.AST) -> None:
    """What a property of a class of this file returns (``index/attribute_values.py``)."""
    assert isinstance(node, ast.Return)
    if checker.semantic.classes:
        found = attribute_values.property_value(checker.semantic, node)
        attribute_values.record(checker.index_facts.attribute_values, found)  # type: ignore[union-attr]


@COLLECTOR.on(ast.Assign, ast.AnnAssign)
def record_attribute_call(checker: Checker, node: ast.AST) -> None:
    """``self.cache = self.get_cache()`` in a method: what the attribute of an instance
    holds is what that project call returns (``index/attribute_values.py``;
    ``get_broker().cache.get(k)`` in another module reaches the cache through it).
    ``self.client = client``, ``client`` an unannotated parameter: what the method's
    callers pass (``app.Store.__init__@0:client``, typed by ``index/argument_types``). Every
    binding of the attribute in the class is recorded: two different values (or one that
    is not a project call) leave it unknown. Seen in the walk, not by walking each class
    again."""
    model = checker.semantic
    if not model.classes or model.function is None:
        return
    class_def = model.classes[-1]
    if not is_member(class_def, model.function):
        return  # a nested function, or a class made in a function
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    else:
        assert isinstance(node, ast.AnnAssign)
        if node.value is None:
            return
        targets, value = [node.target], node.value
    owner = model.class_name
    known = checker.index_facts.self_attributes  # type: ignore[union-attr]
    for target in targets:
        if not (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == "self"
        ):
            continue
        name = call_name(model, class_def, value)
        found = attribute_values.kept(f"{owner}().{target.attr}", name)
        if found is None and isinstance(value, ast.Name):  # ``self.client = client``
            found = attribute_values.kept(
                f"{owner}().{target.attr}", parameter_origin(model, value)
            )
        if found is None or not project_callee(found[1]):
            found = (f"{owner}().{target.attr}", attribute_values.UNKNOWN)
        attribute_values.record(known, found)


@COLLECTOR.on(ast.FunctionDef, ast.AsyncFunctionDef)
def record_return_annotation(checker: Checker, node: ast.AST) -> None:
    """``def get_broker() -> Broker:``: what calling the function hands out, by its
    annotation, when that names a class of the project (``index/attribute_values.py``)."""
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    model = checker.semantic
    annotation = annotated_class(node.returns)
    if annotation is None or model.function_name is not None:
        return
    value = model.resolve(annotation)
    if value is None or not project_callee(value):
        return
    qualified = _qualified(checker, node.name)
    if model.classes:
        owner, _, name = qualified.rpartition(".")
        spelt = f"{owner}().{name}()"
    else:
        spelt = f"{qualified}()"
    found = attribute_values.kept(spelt, f"{value}()")
    attribute_values.record(checker.index_facts.attribute_values, found)  # type: ignore[union-attr]


@COLLECTOR.on(ast.Call)
def record_dispatch_and_client(checker: Checker, node: ast.AST) -> None:
    """A method called on a receiver of unknown type (``index/dispatch.py``), and a
    client the function builds for its own use (``semantic/client_sites.py``): TL203
    reports it when the function runs once per item."""
    assert isinstance(node, ast.Call)
    model = checker.semantic
    function = model.function_name
    if function is None:
        return
    method = dispatch_method(model, node)
    if method is not None:
        checker.index_facts.dispatch.setdefault(function, set()).add(method)  # type: ignore[union-attr]
    made = client_site(model, node)
    if made is not None and not _in_fallback(model) and not _cached(model.function):
        add_pending(
            checker, node, "pool_site", function=function, text=made.rsplit(".", 1)[-1], client=1
        )


@COLLECTOR.on(ast.Assign)
def record_attribute_set(checker: Checker, node: ast.AST) -> None:
    """``app.appbuilder = self``: what an attribute of a library object holds."""
    assert isinstance(node, ast.Assign)
    found = attribute_values.attribute_set(checker.semantic, node)
    attribute_values.record(checker.index_facts.attribute_values, found)  # type: ignore[union-attr]


@COLLECTOR.on(ast.Import, ast.ImportFrom, ast.Assign)
def record_module_client(checker: Checker, node: ast.AST) -> None:
    """What a module binds at its top level that other modules may import and call a
    client's methods on (``index/attribute_values.py``): a client it builds
    (``r = redis.Redis()``: ``app.clients.r`` -> ``redis.Redis()``), or a client,
    queue or pool library it re-exports (``try: import redis``: ``app._compat.redis`` ->
    ``redis``; ``app._compat.queue`` -> ``queue``). The fallback of an optional import
    (``except ImportError: redis = None``, or Python 2's ``import Queue as queue``) is
    not another value."""
    model = checker.semantic
    if model.function_name is not None or model.classes:
        return
    known = checker.index_facts.attribute_values  # type: ignore[union-attr]
    for bound, value in _module_bindings(model, node):
        name = f"{model.module}.{bound}"
        if value is not None and (
            client_library(value) or concurrency_library(value) or _own_instance(model, value)
        ):
            if name not in known or not _import_fallback(model, node):
                attribute_values.record(known, attribute_values.kept(name, value))
        elif _none_fallback(model, node) or _import_fallback(model, node):
            continue
        elif name in known or _conditional(model):
            # bound again to something else, or in one arm of an ``if`` / ``try`` (macOS's
            # ``Queue = PipeQueue``, else ``from multiprocessing import Queue``)
            known[name] = attribute_values.UNKNOWN


@COLLECTOR.on(ast.Assign, ast.AnnAssign)
def record_module_int(checker: Checker, node: ast.AST) -> None:
    """``WORKERS = 16`` at a module's top level: the int another module reads as
    ``settings.WORKERS`` (a pool sized by it); bound again, to anything, it is unknown."""
    model = checker.semantic
    if model.function_name is not None or model.classes:
        return
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]  # type: ignore[attr-defined]
    known = checker.index_facts.module_ints  # type: ignore[union-attr]
    for target in targets:
        if not isinstance(target, ast.Name):
            continue
        key = f"{model.module}.{target.id}"
        value = literal_int(node.value) if node.value is not None else None  # type: ignore[attr-defined]
        known[key] = None if key in known or len(targets) > 1 else value


@COLLECTOR.on(ast.Assign)
def record_class_instance_attribute(checker: Checker, node: ast.AST) -> None:
    """``objects = ProfileManager()`` in a class body: the class attribute holds an
    instance of a project class, so ``Profile.objects.touch(uid)`` runs
    ``ProfileManager.touch`` (``attribute_values``: ``app.models.Profile.objects`` ->
    ``app.managers.ProfileManager()``)."""
    assert isinstance(node, ast.Assign)
    model = checker.semantic
    if model.function_name is not None or not model.classes or len(node.targets) != 1:
        return
    target = node.targets[0]
    if not isinstance(target, ast.Name) or node not in model.classes[-1].body:
        return
    if not isinstance(node.value, ast.Call) or not isinstance(
        node.value.func, ast.Name | ast.Attribute
    ):
        return
    value = model.resolve(node.value)
    if not project_callee(value) or not value.endswith("()") or value.count("()") != 1:  # type: ignore[union-attr]
        return
    if value.endswith(".as_manager()"):  # ``ProfileQuerySet.as_manager()``: its methods
        value = f"{value.removesuffix('.as_manager()')}()"  # type: ignore[union-attr]
    if not value[:-2].rpartition(".")[2][:1].isupper():  # type: ignore[index]
        return  # a function's result, not an instance of a class
    key = f"{model.class_name}.{target.id}"
    known = checker.index_facts.attribute_values  # type: ignore[union-attr]
    attribute_values.record(known, attribute_values.kept(key, value))


@COLLECTOR.on(ast.Assign)
def record_global_binding(checker: Checker, node: ast.AST) -> None:
    """``session = Session()`` in a function that declares ``session`` global: the module's
    ``session`` holds it wherever it is read (``semantic/global_rebinds.py``), a database
    value or a client, as if the module had bound it at its top level. Two different
    values leave it unknown."""
    assert isinstance(node, ast.Assign)
    model = checker.semantic
    if model.function_name is None or len(node.targets) != 1:
        return
    target = node.targets[0]
    if (
        not isinstance(target, ast.Name)
        or target.id not in declared_global(model)  # one set per file first
        or target.id not in _declared_outer(model, model.function)
    ):
        return
    if isinstance(node.value, ast.Constant) and node.value.value is None:
        return  # ``_client = None`` on close: the placeholder again, not another value
    facts = checker.index_facts
    key = f"{model.module}.{target.id}"
    value = model.resolve(node.value)
    again = _bound_again(facts, key)  # type: ignore[arg-type]
    found = database_value(value)
    if found is not None and not again:
        facts.database_values[key] = found  # type: ignore[union-attr]
    known = facts.attribute_values  # type: ignore[union-attr]
    if value is not None and client_library(value) and not again:
        attribute_values.record(known, attribute_values.kept(key, value))
    elif key in known or again:
        known[key] = attribute_values.UNKNOWN


def _own_class(model, func: ast.expr) -> str | None:
    """``type(self)`` or ``self.__class__`` in a method: the class it is written in (a
    call of it is a site of that class's ``__init__``, or of a subclass's)."""
    if isinstance(func, ast.Call):
        if not (
            len(func.args) == 1
            and not func.keywords
            and model.resolve(func.func) == "builtins.type"
        ):
            return None
        receiver = func.args[0]
    elif isinstance(func, ast.Attribute) and func.attr == "__class__":
        receiver = func.value
    else:
        return None
    if not isinstance(receiver, ast.Name) or not model.classes:
        return None
    binding = model.lookup(receiver.id)
    if binding is None or binding.kind is not BindingKind.SELF:
        return None
    return model.class_name


def _none_fallback(model, node: ast.AST) -> bool:
    """``except ImportError: redis = None``: the fallback of an optional import, not
    another value."""
    return (
        isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and node.value.value is None
        and _in_fallback(model)
    )


def _conditional(model) -> bool:
    """The module-level statement being visited is inside an ``if`` or ``try``."""
    return any(isinstance(parent, (ast.If, ast.Try)) for parent in model.node_stack[:-1])


def _import_fallback(model, node: ast.AST) -> bool:
    """An import in an ``except`` handler at module level: another spelling of what the
    ``try`` imports, for another version (``except ImportError: import Queue as queue``)."""
    return isinstance(node, (ast.Import, ast.ImportFrom)) and _in_fallback(model)


def _own_instance(model, value: str) -> bool:
    """``calibre_db = db.CalibreDB(app)``: an instance of a class of the project's own
    package (its properties and attributes are the index's to follow: ``calibre_db.session``
    -> ``CalibreDB().session``)."""
    callee = value.removesuffix("()")
    return (
        value.endswith("()")
        and "()" not in callee
        and callee.rpartition(".")[2][:1].isupper()
        and callee.split(".", 1)[0] == model.module.split(".", 1)[0]
    )


def _module_bindings(model, node: ast.AST) -> list[tuple[str, str | None]]:
    """(name bound, what it is) of an import or a one-name assignment of a call."""
    if isinstance(node, ast.Import):
        return [
            (alias.asname, alias.name) if alias.asname else (alias.name.split(".")[0],) * 2
            for alias in node.names
        ]
    if isinstance(node, ast.ImportFrom):
        if node.level or node.module is None:
            return []  # the project's own modules
        return [
            (alias.asname or alias.name, f"{node.module}.{alias.name}")
            for alias in node.names
            if alias.name != "*"
        ]
    assert isinstance(node, ast.Assign)
    names = [t.id for t in node.targets if isinstance(t, ast.Name)]
    if len(node.targets) != 1 or not names:
        return [(name, None) for name in names]  # ``a = b = x``: not kept
    value = model.resolve(node.value) if isinstance(node.value, ast.Call) else None
    return [(names[0], value)]


@COLLECTOR.on(ast.Return)
def record_made(checker: Checker, node: ast.AST) -> None:
    """``return Elasticsearch(...)``, ``conn = connect(); return conn``: the function hands
    out a new object on every call (a client factory, when the index knows the class).
    Not a memoised one (``if _client is None: _client = ...``) or a cached function."""
    assert isinstance(node, ast.Return)
    model = checker.semantic
    function = model.function
    if model.function_name is None or node.value is None or model.frame.loops:
        return
    value = node.value
    if isinstance(value, ast.Await):
        value = value.value
    if _record_handle(checker, value):
        return
    if isinstance(value, ast.Name):
        # a shared client: memoised under ``global``, or a module's own (``return r``)
        if value.id in _declared_outer(model, function) or value.id not in model.scope.bindings:
            _record_memo_client(checker, value)
            return
        binding = model.scope.bindings.get(value.id)  # a local of this function only
        if (
            binding is None
            or binding.kind is not BindingKind.ASSIGNMENT
            or not isinstance(binding.value, (ast.Call, ast.Await))
        ):
            return
        value = binding.value
        if isinstance(value, ast.Await):
            value = value.value
    if not isinstance(value, ast.Call) or _cached(function):
        return
    name = model.resolve(value.func)
    if not project_callee(name):
        return  # the standard library and builtins make no clients
    if _memoised(model, value):
        return
    checker.index_facts.made.setdefault(model.function_name, name)  # type: ignore[union-attr]


def _record_memo_client(checker: Checker, value: ast.Name) -> None:
    """``return _client`` after ``global _client; if _client is None: _client =
    redis.Redis()``: the function hands out one shared client, whose calls are round
    trips (``get_client().get``: ``redis.Redis().get``)."""
    model = checker.semantic
    client = model.resolve(value)
    if client is not None and client_library(client):
        known = checker.index_facts.attribute_values  # type: ignore[union-attr]
        attribute_values.record(known, attribute_values.kept(f"{model.function_name}()", client))


def _record_handle(checker: Checker, value: ast.expr) -> bool:
    """``return caches["default"]``, ``return cache``: the function hands out a library
    client that already exists (a Django cache handle), so calls on what it returns are
    that client's round trips."""
    model = checker.semantic
    name = model.resolve(value)
    if name is None or name not in SHARED_CLIENTS:
        return False
    checker.index_facts.handles.setdefault(model.function_name, name)  # type: ignore[union-attr]
    return True


def _declared_outer(model, function: ast.AST | None) -> frozenset[str]:
    """Names a function declares ``global`` / ``nonlocal`` among its own statements (where
    such declarations go): a module's memo, not a local. Worked out once per function."""
    if function is None:
        return frozenset()
    memo = model.memo("declared_outer")
    known = memo.get(function)
    if known is None:
        known = memo[function] = frozenset(
            name
            for node in getattr(function, "body", ())
            if isinstance(node, (ast.Global, ast.Nonlocal))
            for name in node.names
        )
    return known


def _cached(function: ast.AST | None) -> bool:
    """``@lru_cache`` / ``@cache`` / ``@cached_property``: one object for many calls."""
    for decorator in getattr(function, "decorator_list", ()):
        text = unparse_short(decorator, 60).lower()
        if "cache" in text or "memo" in text or "singleton" in text:
            return True
    return False


def _single_task(body: list[ast.stmt]) -> bool:
    """The pool runs one call and waits for it (``pool.submit(asyncio.run, coro)
    .result()``): a way to run it on another thread, not a pool of workers. No loop, no
    ``map``, at most one ``submit`` in the block."""
    submits = 0
    for inner in (n for statement in body for n in walk_same_function(statement)):
        if isinstance(inner, _LOOPS):
            return False
        if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute):
            if inner.func.attr in {"map", "imap", "imap_unordered", "starmap", "map_async"}:
                return False
            submits += inner.func.attr in {"submit", "apply_async", "apply"}
    return submits <= 1


def _in_fallback(model) -> bool:
    """The statement being visited is in an ``except`` handler of its function: the path
    taken when the usual one fails (``asyncio.run`` inside a running loop)."""
    stack = model.node_stack
    for at in range(len(stack) - 2, -1, -1):
        parent = stack[at]
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return False
        if isinstance(parent, ast.Try) and any(
            stack[at + 1] in handler.body for handler in parent.handlers
        ):
            return True
    return False


_PAGE_WORDS = frozenset({"cursor", "token", "page", "marker", "offset", "continuation"})


def _pages(model, loop) -> bool:
    """A ``while`` loop that walks pages: its body assigns a page cursor (``cursor``,
    ``page_token``, ``offset``...) that a call in the body reads back. Each pass is one
    page, not one item. Worked out once per loop. The item of a loop inside it is no
    cursor (``for url, page in download(urls):`` takes each page a call hands out)."""
    memo = model.memo("paging")
    known = memo.get(loop.node)
    if known is None:
        cursors: set[str] = set()
        read: set[str] = set()
        items: set[int] = set()  # the targets of the loops inside: items, not cursors
        for inner in walk_same_function(loop.node):
            if isinstance(inner, (ast.For, ast.AsyncFor, ast.comprehension)):
                items.update(id(node) for node in ast.walk(inner.target))
            elif isinstance(inner, ast.Name):
                words = set(inner.id.lower().strip("_").split("_"))
                if (
                    isinstance(inner.ctx, ast.Store)
                    and words & _PAGE_WORDS
                    and id(inner) not in items
                ):
                    cursors.add(inner.id)
            elif isinstance(inner, ast.Call):
                read.update(
                    n.id
                    for argument in (*inner.args, *(k.value for k in inner.keywords))
                    for n in ast.walk(argument)
                    if isinstance(n, ast.Name)
                )
        known = memo[loop.node] = bool(cursors & read)
    return known


def _gathered(model, loop) -> frozenset[str]:
    """Names a loop's body starts as an empty collection (``groups = []``) on each pass,
    in a statement of the body itself: a batch it gathers. Worked out once per loop."""
    memo = model.memo("gathered")
    known = memo.get(loop.node)
    if known is None:
        names: set[str] = set()
        for statement in getattr(loop.node, "body", ()):
            if isinstance(statement, ast.Assign) and _empty_collection(statement.value):
                names.update(t.id for t in statement.targets if isinstance(t, ast.Name))
        known = memo[loop.node] = frozenset(names)
    return known


def _empty_collection(value: ast.expr) -> bool:
    if isinstance(value, (ast.List, ast.Set, ast.Tuple)):
        return not value.elts
    if isinstance(value, ast.Dict):
        return not value.keys
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in {"list", "dict", "set"}
        and not value.args
    )


def _record_hot_callee(checker: Checker, name: str, call: ast.Call) -> None:
    """``name`` runs once per item here: in a loop over items, or in a ``while`` loop
    that neither waits (a poll) nor retries, and not a loop over batches."""
    facts = checker.index_facts
    if name in facts.hot and not facts.hot_same.get(name):  # type: ignore[union-attr]
        return  # known, and already on more than one object
    model = checker.semantic
    loop = model.hot_loop(include_while=True)
    if (
        loop is None
        or is_batch_loop(loop)
        or per_pass.runs_once(model, loop)
        or not_per_item(model, loop) is not None
        or (loop.is_while and _pages(model, loop))
    ):
        return
    passed = [a.id for a in call.args if isinstance(a, ast.Name)]
    if passed and not _gathered(model, loop).isdisjoint(passed):
        return  # the call is handed the batch this pass gathered
    facts.hot_receiver(name, per_pass.same_receiver_each_pass(model, call, loop))  # type: ignore[union-attr]
    if name in facts.hot:  # type: ignore[union-attr]
        return
    where = model.function_name or model.module
    line = getattr(loop.node, "lineno", 0)
    shown = "the `while` loop" if loop.iter is None else describe_loop(loop)
    short = name.replace("()", "").rsplit(".", 1)[-1]
    facts.hot[name] = f"`{short}()` is called on every pass of {shown} in `{where}` (line {line})"  # type: ignore[union-attr]


def _arguments_passed(spec: dict[str, list] | None) -> dict[str, Any]:
    """The literal arguments of a call (``argument_spec``), for a helper whose effects
    hang on them."""
    if spec is None:
        return {}
    kept = ("=", "new", SOME_OBJECT)
    literal = {key: value for key, value in spec.items() if value[0] in kept}
    unknown = {key: ["?"] for key, value in spec.items() if value[0] not in kept}
    return {"args": {**literal, **unknown}}


def _in_atomic(model) -> bool:
    """Inside a Django ``transaction.atomic()`` block or a function decorated with it: an
    ``atomic`` the call enters is a savepoint, not a commit."""
    if model.within_with(_ATOMIC) is not None:
        return True
    decorators = getattr(model.function, "decorator_list", ())
    return any(model.resolve(decorator) in _ATOMIC for decorator in decorators)


def _fixed_arguments(node: ast.Call) -> bool:
    """Every argument a literal (or none): a cached function called so runs once."""
    values = [*node.args, *(keyword.value for keyword in node.keywords)]
    return all(isinstance(value, ast.Constant) for value in values)


def _pool_value(model, context: ast.expr) -> ast.Call | None:
    """The executor construction a ``with`` item enters: ``with Executor() as pool`` or
    ``with pool:`` after ``pool = Executor() if parallel else nullcontext()``."""
    if isinstance(context, ast.Name):
        binding = model.lookup(context.id)
        value = binding.value if binding is not None else None
        if value is None or binding.kind is not BindingKind.ASSIGNMENT:
            return None
        arms = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
        for arm in arms:
            if isinstance(arm, ast.Call) and model.resolve(arm.func) in EXECUTORS:
                return arm
        return None
    if isinstance(context, ast.Call) and model.resolve(context.func) in EXECUTORS:
        return context
    return None


def _passes_pipeline(node: ast.Call) -> bool:
    """``registry.remove(job, pipeline=pipe)``: the caller hands its redis pipeline in."""
    return any(
        keyword.arg in {"pipeline", "pipe"}
        and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is None)
        for keyword in node.keywords
    )


def _imported_statement(checker: Checker, node: ast.Call) -> None:
    """``cur.execute(EVENT_INSERT, row)`` in a hot loop, the SQL defined in another module
    or returned by a project function: its verb is the index's to say."""
    model = checker.semantic
    if not node.args or not isinstance(node.args[0], (ast.Name, ast.Attribute, ast.Call)):
        return  # ``EVENT_INSERT``, ``queries.EVENT_INSERT``, ``build_upsert(...)``
    loop = per_pass.per_item_loop(model)
    if loop is None or is_batch_loop(loop) or per_pass.runs_once(model, loop):
        return
    found = classify_call(model, node, checker.settings)
    if found is None or found.method != "execute" or found.verb is not None:
        return
    if parameter_pending(found, checker.settings):
        return
    name = model.resolve(node.args[0])
    if not project_callee(name) or receiver_per_item(model, node):
        return
    add_pending(
        checker,
        node,
        "sql",
        statement=name,
        api=found.api,
        driver=found.driver,
        framework=found.framework,
        loop=describe_loop(loop),
    )


def _witness(checker: Checker, node: ast.Call) -> str:
    found = classify_call(checker.semantic, node, checker.settings)
    text = found.api if found is not None and found.api else f"{unparse_short(node.func, 40)}()"
    return f"`{text}` ({checker.semantic.module}, line {node.lineno})"


def _base_method(model, name: str) -> str | None:
    """``builtins.super().get`` in a method of ``class Shard(Default)``: ``mod.Default.get``
    (the index looks further up from there); with several bases, the name the index
    resolves along their order (``semantic/callee_names.py``)."""
    method = name[len("builtins.super().") :]
    if "." in method or not model.classes or model.function is None:
        return None
    class_def = model.classes[-1]
    if not any(statement is model.function for statement in class_def.body):
        return None  # a function nested in a method: its ``super()`` is not resolved here
    bases = [model.resolve(base) for base in class_def.bases]
    known = [base.removesuffix("[]") for base in bases if base and base != "builtins.object"]
    if len(class_def.bases) > 1 and known and model.function_name:
        owner = model.function_name.rpartition(".")[0]  # the class, as its facts name it
        return next_in_order(owner, method)  # the index looks along the bases
    return f"{known[0]}.{method}" if known else None


def _on_self(node: ast.Call) -> bool:
    """``self.method(...)``: a call that a subclass's override answers."""
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in ("self", "cls")
    )


def _related_method(model, node: ast.Call, name: str) -> str:
    """``self.component.store_log()`` in a method of a model whose ``component`` is a
    to-one relation field: ``mod.Translation().component.store_log``, which the index
    resolves to the related model's method (``semantic/callee_names.py``). The name the walk
    gives (``django.db.models.ForeignKey().store_log``) names no function."""
    func = node.func
    if not (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Attribute)
        and isinstance(func.value.value, ast.Name)
        and func.value.value.id == "self"
        and model.classes
        and model.function_name
        and any(statement is model.function for statement in model.classes[-1].body)
    ):
        return name
    owner = model.function_name.rpartition(".")[0]  # the class, as its facts name it
    return related_method(owner, func.value.attr, func.attr)


def _memoised(model, node: ast.Call, per_key: bool = False, lasting: bool = False) -> bool:
    """``node`` sits in a memo's fill; with ``per_key``, a lasting per-key cache's fill
    counts too (once per key: no round trip per call, but a blocking call still stalls
    an event loop for each new key); with ``lasting``, only a memo that outlives the
    object (``per_pass.memoised_here``)."""
    owner = model.function
    return owner is not None and per_pass.memoised_here(model, owner, per_key, lasting)


def _batched(model) -> bool:
    """``node`` runs under a batch test on lasting state in its function
    (``batching.batched_per_call``)."""
    owner = model.function
    return owner is not None and batched_per_call(model, owner)


def _untyped_row(receiver: str) -> bool:
    """A receiver whose class the resolved name does not give, though it may be a model
    of the project: a Django row of a related manager (``project.component_set.all()[]``),
    an item of some value (``Component().linked_children[]``, ``qs[:1000][]``). The index
    says which model, if any, from the receiver's origin."""
    return is_django_row(receiver) or receiver.endswith("[]")


def _model_method(checker: Checker, node: ast.Call) -> None:
    """``product_range.add_product(p)`` in a hot loop, the receiver's type unknown: when
    the project defines that method on one model class only, it is that method (a
    heuristic the index applies)."""
    method = node.func.attr  # type: ignore[attr-defined]
    if method.startswith("_") or method in _COMMON_METHODS:
        return
    model = checker.semantic
    loop = per_pass.per_item_loop(model)
    if loop is None or is_batch_loop(loop) or per_pass.runs_once(model, loop):
        return
    origin = receiver_origin(model, node.func.value)  # type: ignore[attr-defined]
    evidence: dict[str, str] = {}
    if origin is not None:
        root = (origin.name or "").split(".", 1)[0]
        if origin.foreign or (root in _STDLIB and root != "builtins"):
            return  # a str, a builtin value, something the standard library made
        if origin.model is not None:
            evidence["model"] = origin.model
        elif origin.name is not None:
            evidence["origin"] = origin.name
    if not checker.settings.heuristics:
        evidence["typed_only"] = "1"  # ``heuristics = false``: name-only answers are off
    if _in_atomic(model):
        evidence["atomic"] = "1"  # its ``atomic`` blocks nest in the caller's: savepoints
    add_pending(
        checker,
        node,
        "method",
        method=method,
        text=unparse_short(node.func, 40),
        loop=describe_loop(loop),
        **evidence,
        **_arguments_passed(argument_spec(model, node)),  # ``save=False`` rules paths out
    )


_COMMON_METHODS = frozenset(
    {"save", "delete", "get", "update", "create", "add", "remove", "clear", "set", "pop",
     "append", "extend", "insert", "items", "keys", "values", "copy", "close", "open",
     "read", "write", "send", "run", "start", "stop", "process", "handle", "execute",
     "commit", "flush", "load", "dump", "dumps", "loads", "render", "format", "join",
     "split", "strip", "encode", "decode", "clean", "full_clean", "refresh_from_db",
     "serialize", "validate", "to_dict", "as_dict", "get_absolute_url", "filter", "all",
     "first", "last", "count", "exists", "sort", "index", "lower", "upper", "replace"}
)  # fmt: skip


def _loaded_through_alias(model, name: str, manager: str) -> bool:
    """``name`` is bound to ``row.attr`` for a row of a loop over a query that loads
    ``attr__manager`` (``item = cp.item`` with ``prefetch_related("item__addons")``)."""
    binding = model.lookup(name)
    if binding is None or binding.kind is not BindingKind.ASSIGNMENT:
        return False
    value = binding.value
    if not (isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name)):
        return False
    row = model.lookup(value.value.id)
    if row is None or row.kind is not BindingKind.LOOP_VARIABLE:
        return False
    path = f"{value.attr}__{manager}"
    return any(
        loaded == path or loaded.startswith(f"{path}__") for loaded in prefetched(model, row.value)
    )


_OBJECT_LISTS = ("object_list", "page_obj")


def view_object_list(model, iterable: ast.expr | None) -> str | None:
    """``ctx["object_list"]`` / ``self.object_list`` in a method of a class-based list
    view: the rows its ``get_queryset()`` returns (``mod.OrderList().get_queryset``, for
    the index to say what they come with)."""
    if iterable is None or not model.classes or model.function_name is None:
        return None
    if isinstance(iterable, ast.Subscript):
        key = iterable.slice
        listed = isinstance(key, ast.Constant) and key.value in _OBJECT_LISTS
    elif isinstance(iterable, ast.Attribute):
        owner = iterable.value
        listed = (
            iterable.attr in _OBJECT_LISTS and isinstance(owner, ast.Name) and owner.id == "self"
        )
    else:
        listed = False
    return f"{model.class_name}().get_queryset" if listed else None


def _related_manager(checker: Checker, node: ast.Call, *, evaluated: bool) -> None:
    """``ticket.followup_set.create(...)`` in a hot loop: whether ``followup_set`` is a
    related manager is the index's to say. A read on the items of a loop over a query is
    left to the ``relation`` findings, which know what the query loads; a write is not
    theirs (no prefetch saves it)."""
    model = checker.semantic
    loop = per_pass.per_item_loop(model)
    if loop is None or is_batch_loop(loop) or per_pass.runs_once(model, loop):
        return
    found = manager_call(model, node, evaluated=evaluated)
    if found is None:
        return
    receiver = node.func
    while isinstance(receiver, (ast.Call, ast.Attribute)):
        receiver = receiver.func if isinstance(receiver, ast.Call) else receiver.value
    source = loader = None
    owner = found.owner
    reads = not found.writes  # a write goes to the database whatever the rows loaded
    if (
        reads
        and isinstance(receiver, ast.Name)
        and _loaded_through_alias(model, receiver.id, found.attr)
    ):
        return  # ``item = cp.item`` over rows that prefetch ``item__addons``: the cache
    if isinstance(receiver, ast.Name):
        binding = model.lookup(receiver.id)
        if binding is not None and binding.kind is BindingKind.LOOP_VARIABLE:
            chain = iterated_query_chain(model, binding.value)
            if chain is not None and reads:
                return
            if chain is not None and chain.framework == "django":
                owner = owner or chain.model  # ``post.tags.add(tag)`` per post of a query
            loaded = prefetched(model, binding.value) | prefetched_objects(model, binding.value)
            if reads and any(path.split("__", 1)[0] == found.attr for path in loaded):
                return  # ``rows = rows.prefetch_related("attr")``: served from the cache
            # ``for ds in get_diffsets():``: what the helper returns is the index's to say
            source = helper_query(model, binding.value)
            loader = None if source else attribute_source(model, binding.value)
            if source is None and loader is None:
                loader = view_object_list(model, binding.value)
    add_pending(
        checker,
        node,
        "manager",
        **({"source": source} if source else {}),
        **({"loader": loader} if loader else {}),
        writes=found.writes,
        owner=owner,
        attr=found.attr,
        method=found.method,
        api=f"{found.receiver}.{found.attr}.{found.method}()",
        loop=describe_loop(loop),
        group=f"{getattr(loop.node, 'lineno', 0)}:{found.receiver}.{found.attr}",
    )


SELF_READS_PER_METHOD = 40


@COLLECTOR.on(ast.Attribute)
def record_self_read(checker: Checker, node: ast.AST) -> None:
    """``self.customer`` / ``self.orders.count()`` read in a method of a class with bases
    (a model may be one): the index tells which of them are lazy relations, for a loop
    over rows that calls the method (``ProjectIndex.relations_read``)."""
    assert isinstance(node, ast.Attribute)
    owner = node.value
    if isinstance(owner, ast.Name) and owner.id == "self" and isinstance(node.ctx, ast.Load):
        _self_read(checker, node, "")


@COLLECTOR.on(ast.Call)
def record_self_manager_call(checker: Checker, node: ast.AST) -> None:
    """``self.orders.count()``: the read of ``self.orders`` with the method called on it."""
    assert isinstance(node, ast.Call)
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Attribute)
        and isinstance(func.value.value, ast.Name)
        and func.value.value.id == "self"
    ):
        _self_read(checker, func.value, func.attr)


@COLLECTOR.on(ast.Attribute)
def record_parameter_read(checker: Checker, node: ast.AST) -> None:
    """``order.customer`` / ``order.items.count()`` on a parameter of a function (not
    ``self``): which of them are lazy relations is the index's to say, for a loop over
    rows that passes each row in (``[item_count(o) for o in Order.objects.all()]``)."""
    assert isinstance(node, ast.Attribute)
    owner = node.value
    if not isinstance(owner, ast.Name) or not isinstance(node.ctx, ast.Load):
        return
    model = checker.semantic
    function = model.function
    if model.function_name is None or not isinstance(
        function, ast.FunctionDef | ast.AsyncFunctionDef
    ):
        return
    binding = model.lookup(owner.id)
    if binding is None or binding.kind is not BindingKind.PARAMETER:
        return
    positional = [*function.args.posonlyargs, *function.args.args]
    position = next((at for at, arg in enumerate(positional) if arg is binding.node), None)
    if position is None:
        return
    method = _parent_call(model, node) or ""
    facts = checker.index_facts
    key = ("param_read", model.function_name, owner.id, node.attr, method)
    if facts is None or key in facts.seen:
        return
    facts.seen.add(key)
    reads = facts.param_reads.setdefault(model.function_name, [])  # type: ignore[union-attr]
    if len(reads) < SELF_READS_PER_METHOD:
        reads.append([position, owner.id, node.attr, method, node.lineno])


def _parent_call(model, node: ast.Attribute) -> str | None:
    """``m`` when ``node`` is the receiver of ``node.m()`` (``order.items.count()``) in a
    function's own code: the call is visited before its receiver (``record_receiver``)."""
    return model.memo("facts.receiver_calls").get(id(node))


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@COLLECTOR.on(ast.Call)
def record_receiver(checker: Checker, node: ast.Call) -> None:
    """``node.func.value`` -> the method called on it, for ``_parent_call``: recorded as
    the walk passes the call, not by a walk of each function. In a function's own code
    only: not in a class body inside it, nor in the decorators, defaults or bases of a
    function or class defined in it (the statement being visited)."""
    func = node.func
    if not isinstance(func, ast.Attribute):
        return
    model = checker.semantic
    scope = model.scope
    while scope.kind is ScopeKind.COMPREHENSION:
        scope = scope.parent  # type: ignore[assignment]
    if scope.kind is not ScopeKind.FUNCTION and scope.kind is not ScopeKind.LAMBDA:
        return
    if isinstance(model.node_stack[-1], _DEFINITIONS):
        return
    model.memo("facts.receiver_calls")[id(func.value)] = func.attr


def _accessor(function: ast.AST) -> bool:
    """``@name.setter`` / ``@name.deleter``."""
    return any(
        isinstance(decorator, ast.Attribute) and decorator.attr in ("setter", "deleter")
        for decorator in getattr(function, "decorator_list", ())
    )


def _self_read(checker: Checker, node: ast.Attribute, method: str) -> None:
    model = checker.semantic
    function = model.function
    if function is None or not model.classes or model.function_name is None:
        return
    methods = model.memo("facts.self_read_methods")
    direct = methods.get(function)
    if direct is None:
        # a nested function's ``self`` is some other object; a property's setter shares
        # the getter's name, and reading the value runs neither
        direct = methods[function] = not _accessor(function) and is_member(
            model.classes[-1], function
        )
    if not direct:
        return
    facts = checker.index_facts
    key = ("self_read", model.function_name, node.attr, method)
    if facts is None or key in facts.seen:
        return
    facts.seen.add(key)
    reads = facts.self_reads.setdefault(model.function_name, [])
    if len(reads) < SELF_READS_PER_METHOD:
        reads.append([node.attr, method, node.lineno])


@COLLECTOR.on(ast.Call)
def record_eager_loads(checker: Checker, node: ast.AST) -> None:
    """``prefetch_related("files")`` in a function: the rows it returns may come with
    ``files`` loaded (``semantic/eager_loads.py``)."""
    assert isinstance(node, ast.Call)
    model = checker.semantic
    if model.function_name is None:
        return
    names = returned_loads(model, node)
    if names:
        checker.index_facts.loads.setdefault(model.function_name, set()).update(names)  # type: ignore[union-attr]


_EVALUATING_BUILTINS = frozenset({"len", "list", "tuple", "set", "sorted", "bool"})


@COLLECTOR.on(ast.Call)
def record_evaluated_manager(checker: Checker, node: ast.AST) -> None:
    """``len(ds.files.all())`` in a hot loop: the builtin evaluates the related manager's
    queryset, as iterating it would."""
    assert isinstance(node, ast.Call)
    func = node.func
    if not (
        isinstance(func, ast.Name)
        and func.id in _EVALUATING_BUILTINS
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Call)
        and isinstance(node.args[0].func, ast.Attribute)
        and node.args[0].func.attr in DJANGO_LAZY
        and checker.semantic.frame.loops
        and checker.semantic.lookup(func.id) is None  # the builtin, not a user's own
    ):
        return
    _related_manager(checker, node.args[0], evaluated=True)


@COLLECTOR.on(ast.For, ast.AsyncFor, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
def record_iteration(checker: Checker, node: ast.AST) -> None:
    """Iterating a queryset runs it: the function reads."""
    model = checker.semantic
    if model.function_name is None:
        return
    iterable = node.iter if isinstance(node, (ast.For, ast.AsyncFor)) else node.generators[0].iter  # type: ignore[attr-defined]
    if not isinstance(iterable, ast.Call):
        return
    _related_manager(checker, iterable, evaluated=True)
    found = classify_call(model, iterable, checker.settings)
    if found is not None and found.lazy and not _memoised(model, iterable):
        checker.index_facts.site(model.function_name, Effect.READ.value, call_guard(model))  # type: ignore[union-attr]
        record = checker.index_facts.function(model.function_name)  # type: ignore[union-attr]
        if not record[0] & Effect.READ.value:
            record[0] |= Effect.READ.value
            record[2][str(Effect.READ.value)] = _witness(checker, iterable)


@COLLECTOR.on(ast.With, ast.AsyncWith)
def record_locked_function(checker: Checker, node: ast.AST) -> None:
    """A function whose whole body is one ``with`` on a lock that keeps other holders out
    (fact ``lk``): TL301 finds a loop of another file that calls it once per item
    (``for k in keys: cache.get(k)``, ``cache`` a ``LockedCache`` of another module)."""
    assert isinstance(node, (ast.With, ast.AsyncWith))
    model = checker.semantic
    function, name = model.function, model.function_name
    if function is None or name is None or getattr(function, "name", "") == "__init__":
        return
    found = whole_body_lock(model, function)
    if found is None or found[2] is not node.body:
        return
    lock, kind, region = found
    cost = statements_cost(model, region)
    if not cost.weight or cost.waits:
        return  # a barrier, or a condition handed over by ``wait()``
    locked = checker.index_facts.locked  # type: ignore[union-attr]
    locked[name] = [unparse_short(lock, 30), kind, cost.weight, calls_out(model, function, region)]


@COLLECTOR.on(ast.With, ast.AsyncWith)
def record_pool(checker: Checker, node: ast.AST) -> None:
    """``with ThreadPoolExecutor() as pool:`` in a function: every call of it starts and
    joins a pool, which a caller's loop repeats (TL203 through the index)."""
    assert isinstance(node, (ast.With, ast.AsyncWith))
    model = checker.semantic
    if model.function_name is None:
        return
    for item in node.items:
        context = _pool_value(model, item.context_expr)
        if context is not None:
            if _single_task(node.body) or _in_fallback(model):
                return  # a thread to run one call off the event loop, or a fallback path
            _pool_started(checker, context)
            return


_SHUTS_DOWN = frozenset({"shutdown", "close", "terminate"})


@COLLECTOR.on(ast.Call)
def record_pool_shut_down(checker: Checker, node: ast.Call) -> None:
    """``pool = Pool(4)`` ... ``pool.close()`` (``executor.shutdown()``, ``terminate()``)
    in one function: the pool is started and torn down on every call, as in a ``with``
    block (``record_pool``)."""
    if not isinstance(node.func, ast.Attribute) or node.func.attr not in _SHUTS_DOWN:
        return
    model = checker.semantic
    function = model.function
    if model.function_name is None or not isinstance(node.func.value, ast.Name):
        return
    context = _pool_value(model, node.func.value)
    if context is None or _single_task(getattr(function, "body", [])) or _in_fallback(model):
        return
    _pool_started(checker, context)


def _pool_started(checker: Checker, context: ast.Call) -> None:
    """The function being walked starts and joins the pool ``context`` makes: an effect
    of every call of it, and a pending TL203 finding at the pool for the index to place."""
    model = checker.semantic
    function = model.function_name
    assert function is not None
    checker.index_facts.site(function, Effect.POOL.value, call_guard(model))  # type: ignore[union-attr]
    record = checker.index_facts.function(function)  # type: ignore[union-attr]
    if not record[0] & Effect.POOL.value:
        record[0] |= Effect.POOL.value
        record[2][str(Effect.POOL.value)] = _witness(checker, context)
    if model.hot_loop() is None:  # in a loop of its own function TL203 says so
        add_pending(
            checker,
            context,
            "pool_site",
            function=function,
            text=unparse_short(context.func, 40),
        )


_CACHES = frozenset(
    {"functools.cache", "functools.lru_cache", "functools.lru_cache()", "cachetools.cached()"}
)


@COLLECTOR.on(ast.FunctionDef, ast.AsyncFunctionDef)
def record_transaction_decorator(checker: Checker, node: ast.AST) -> None:
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    model = checker.semantic
    if checker.index_facts.blocking and _runs_async(node):  # type: ignore[union-attr]
        checker.index_facts.asynchronous.add(_qualified(checker, node.name))  # type: ignore[union-attr]
    checker.index_facts.signatures[_qualified(checker, node.name)] = parameters(node)  # type: ignore[union-attr]
    for decorator in node.decorator_list:
        if model.resolve(decorator) in _CACHES:
            checker.index_facts.cached.append(_qualified(checker, node.name))  # type: ignore[union-attr]
        if model.resolve(decorator) in _ATOMIC:
            qualified = _qualified(checker, node.name)
            checker.index_facts.atomic.setdefault(qualified, False)  # type: ignore[union-attr]
            checker.index_facts.site(qualified, Effect.COMMIT.value, None)  # type: ignore[union-attr]
            record = checker.index_facts.function(qualified)  # type: ignore[union-attr]
            record[0] |= Effect.COMMIT.value
            record[2][str(Effect.COMMIT.value)] = (
                f"`@transaction.atomic` ({model.module}, line {node.lineno})"
            )


_OFF_LOOP_DECORATORS = ("async", "thread", "executor")


def _runs_async(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """An ``async def``, or a ``def`` whose decorator makes calling it return an awaitable
    (``@sync_to_async``, ``@database_sync_to_async``, ``@run_in_threadpool``)."""
    if isinstance(node, ast.AsyncFunctionDef):
        return True
    return any(
        word in unparse_short(decorator, 60).lower()
        for decorator in node.decorator_list
        for word in _OFF_LOOP_DECORATORS
    )


_WEB_FRAMEWORKS = frozenset(
    {"flask", "fastapi", "starlette", "quart", "sanic", "aiohttp", "bottle", "falcon"}
)
_ROUTES = frozenset(
    {"route", "get", "post", "put", "patch", "delete", "api_route", "websocket", "view"}
)


@COLLECTOR.on(ast.FunctionDef, ast.AsyncFunctionDef)
def record_handler(checker: Checker, node: ast.AST) -> None:
    """A request handler runs once per request: a function routed by a web framework's
    decorator (``@app.route``, ``@router.get``), or a view that takes the request as its
    first argument (``def detail(request, pk)``, ``def get(self, request)``). What it
    calls runs per request too (TL203 through the index)."""
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    model = checker.semantic
    if node.name.startswith("test") or _pytest_fixture(model, node):
        return  # pytest's ``request`` fixture, not an HTTP request
    if _task(model, node):
        why = f"`{node.name}()` runs once per task message"
    elif _routed(model, node) or _takes_request(node):
        why = f"`{node.name}()` handles a request"
    else:
        return
    qualified = _qualified(checker, node.name)
    facts = checker.index_facts
    facts.hot_receiver(qualified, False)  # type: ignore[union-attr]
    facts.hot.setdefault(qualified, why)  # type: ignore[union-attr]


def _routed(model, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return _decorated_by(model, node, _WEB_FRAMEWORKS, _ROUTES)


def _decorated_by(
    model, node: ast.FunctionDef | ast.AsyncFunctionDef, libraries: frozenset, names: frozenset
) -> bool:
    """A decorator of ``node`` resolves into one of ``libraries`` and ends in one of
    ``names`` (``flask.Flask().route``, ``celery.Celery().task``), called or not."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = model.resolve(target)
        if name is None:
            continue
        parts = name.replace("()", "").split(".")
        if parts[0] in libraries and parts[-1] in names:
            return True
    return False


_TASK_LIBRARIES = frozenset({"celery", "dramatiq", "huey", "rq", "django_rq", "taskiq"})
_TASKS = frozenset({"task", "shared_task", "actor", "job"})  # not ``periodic_task``


def _task(model, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A task of a task queue (``@shared_task``, ``@app.task`` of a ``Celery()`` app,
    ``@dramatiq.actor``, ``@job`` of rq): it runs once per message. A periodic task runs
    once per period, not per item."""
    return _decorated_by(model, node, _TASK_LIBRARIES, _TASKS)


def _pytest_fixture(model, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (model.resolve(target) or "").startswith(("pytest.", "pytest_asyncio.")):
            return True
    return False


def _takes_request(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A public function or method whose first argument is ``request``. A private one
    (``_credentials(self, request)``) is a helper: it runs per request only if a handler
    calls it, which the index's reach finds."""
    if node.name.startswith("_"):
        return False
    arguments = [*node.args.posonlyargs, *node.args.args]
    if arguments and arguments[0].arg in {"self", "cls"}:
        arguments = arguments[1:]
    return bool(arguments) and arguments[0].arg == "request"


def _qualified(checker: Checker, name: str) -> str:
    model = checker.semantic
    if model.function_name is not None:
        return f"{model.function_name}.{name}"
    return f"{model.class_name}.{name}"


@COLLECTOR.on(ast.ImportFrom)
def record_reexport(checker: Checker, node: ast.AST) -> None:
    """``from .http import load_config`` at module level: ``app.load_config`` is
    ``app.http.load_config`` for a caller that imports it from ``app``; ``from .models
    import *`` makes every public name of ``app.models`` one of ``app``. Kept for imports
    from the file's own package (relative, or under the same top-level package: a models
    package's ``from .user import User``); for every import when the blocking-call rules
    run (their facts name library functions too)."""
    assert isinstance(node, ast.ImportFrom)
    model = checker.semantic
    facts = checker.index_facts
    if model.function_name is not None or model.classes:
        return
    base = model.absolute_module(node)
    if not facts.blocking and not (  # type: ignore[union-attr]
        node.level or (base and base.partition(".")[0] == model.module.partition(".")[0])
    ):
        return
    for alias in node.names:
        if alias.name == "*" and base:
            facts.star_imports.setdefault(model.module, []).append(base)  # type: ignore[union-attr]
        elif base:
            facts.imports[f"{model.module}.{alias.asname or alias.name}"] = f"{base}.{alias.name}"  # type: ignore[union-attr]


@COLLECTOR.on(ast.Return)
def record_returned_statement(checker: Checker, node: ast.AST) -> None:
    """``return f"INSERT INTO {table} ..."`` in a function: the SQL a call of it hands
    out (``sql = build_upsert(...)``, then ``cur.execute(sql, row)`` per row in another
    module); two returns with different verbs leave it unknown."""
    assert isinstance(node, ast.Return)
    model = checker.semantic
    function = model.function_name
    if function is None or node.value is None or model.frame.loops:
        return
    if not isinstance(node.value, (ast.Constant, ast.JoinedStr, ast.BinOp, ast.Name)):
        return
    sql = sql_text(model, node.value)
    verb = sql_verb(sql)
    if verb is None or sql is None:
        return
    statements = checker.index_facts.statements  # type: ignore[union-attr]
    key = f"{function}()"
    previous = statements.get(key)
    statements[key] = [verb, sql[:200]] if previous is None or previous[0] == verb else ["", ""]


@COLLECTOR.on(ast.Assign)
def record_declarative_base(checker: Checker, node: ast.AST) -> None:
    assert isinstance(node, ast.Assign)
    model = checker.semantic
    if model.function_name is not None or model.classes or len(node.targets) != 1:
        return
    target = node.targets[0]
    if not isinstance(target, ast.Name):
        return
    if isinstance(node.value, (ast.Constant, ast.JoinedStr, ast.BinOp)):
        sql = sql_text(model, node.value)
        verb = sql_verb(sql)
        if verb is not None and sql is not None:
            checker.index_facts.statements[f"{model.module}.{target.id}"] = [verb, sql[:200]]  # type: ignore[union-attr]
        return
    if not isinstance(node.value, (ast.Call, ast.Attribute)):
        return
    value = model.resolve(node.value)
    if value in DECLARATIVE_FACTORIES:
        bases = [value]
        mixin = keyword_value(node.value, "cls") if isinstance(node.value, ast.Call) else None
        mixin_name = model.resolve(mixin) if mixin is not None else None
        if mixin_name is not None:  # ``declarative_base(cls=FidesBase)``: its methods first
            bases.insert(0, mixin_name)
        checker.index_facts.classes[f"{model.module}.{target.id}"] = {"b": bases, "r": {}}  # type: ignore[union-attr]


@COLLECTOR.on(ast.Assign, ast.AnnAssign, ast.Return)
def record_database_value(checker: Checker, node: ast.AST) -> None:
    """``SessionLocal = sessionmaker(bind=engine)`` at module level, ``return
    Book.objects.filter(...)`` in a function: a database API value another module may
    import or call (the index types its name-tier calls with it)."""
    model = checker.semantic
    if model.classes and model.function_name is None:
        return
    if isinstance(node, ast.Return):
        if model.function_name is None or node.value is None:
            return
        # ``return list(qs)``: the same rows as the queryset, evaluated
        key, value = f"{model.function_name}()", model.materialized(node.value) or node.value
    else:
        assert isinstance(node, (ast.Assign, ast.AnnAssign))
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if model.function_name is not None or len(targets) != 1 or node.value is None:
            return
        if not isinstance(targets[0], ast.Name):
            return
        key, value = f"{model.module}.{targets[0].id}", node.value
        if isinstance(value, ast.Constant) and value.value is None:
            return  # ``session = None``: a placeholder a function sets (``global_rebinds``)
        if _bound_again(checker.index_facts, key):  # type: ignore[arg-type]
            return  # ``db = SQLAlchemy()`` then ``db = LocalStore()``: not known
    if not isinstance(value, (ast.Call, ast.Attribute, ast.Name, ast.Await)):
        return
    resolved = model.resolve(value)
    found = database_value(resolved)
    # ``return g.db``, ``return self.setup_db(...)``: what the app bound there, what that
    # project function returns (the index follows it)
    if (
        found is None
        and isinstance(node, ast.Return)
        and resolved is not None
        and (app_global(resolved) or (resolved.endswith("()") and project_callee(resolved)))
    ):
        found = resolved
    if found is not None:
        checker.index_facts.database_values.setdefault(key, found)  # type: ignore[union-attr]


@COLLECTOR.on(ast.Assign)
def record_app_global(checker: Checker, node: ast.AST) -> None:
    """``g.db = sqlite3.connect(...)`` in a function (Flask's tutorial ``get_db()``): what
    the request global holds, wherever it is read; two values leave it unknown."""
    assert isinstance(node, ast.Assign)
    model = checker.semantic
    if model.function_name is None or len(node.targets) != 1:
        return
    target = node.targets[0]
    if not (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id not in ("self", "cls")
        and model.resolve(target.value) == "flask.g"  # the holder first: one name
    ):
        return
    key = f"flask.g.{target.attr}"
    facts = checker.index_facts
    value = model.resolve(node.value)
    found = database_value(value)
    if found is None and value is not None and value.endswith("()") and project_callee(value):
        found = value  # ``g.db = connect_db()``: what the project function returns
    known = facts.database_values  # type: ignore[union-attr]
    if _bound_again(facts, key) or found is None:  # type: ignore[arg-type]
        known[key] = ""  # bound to something else too: unknown
    else:
        known.setdefault(key, found)


def _bound_again(facts: FileFacts, key: str) -> bool:
    """``key``, a module-level name, was bound before in this file: what an importer gets
    is the last binding, which may be anything, so no database value is kept for it."""
    marker = ("module binding", key)
    if marker not in facts.seen:
        facts.seen.add(marker)
        return False
    facts.database_values.pop(key, None)
    return True


@COLLECTOR.on(ast.ClassDef)
def record_class(checker: Checker, node: ast.AST) -> None:
    assert isinstance(node, ast.ClassDef)
    model = checker.semantic
    bases = [base for base in (model.resolve(b) for b in node.bases) if base is not None]
    for base in node.bases:  # ``class M(Manager.from_queryset(Q))``: M has Q's methods
        queryset = _queryset_of(model, base) if isinstance(base, ast.Call) else None
        if queryset is not None:
            bases.append(queryset or "?")
    if not bases or all(base.startswith("builtins.") for base in bases):
        _plain_class(checker, node)
        return
    if _sqlmodel_table(node):
        bases = [SQLMODEL_TABLE if base in SQLMODEL_BASES else base for base in bases]
    relations: dict[str, list[Any]] = {}
    managers: list[list[str]] = []  # [attribute, class] bound to a manager not Django's own
    abstract = proxy = base_manager = unmanaged = False
    ordering: bool | None = None  # ``Meta.ordering``; None without a ``class Meta``
    for statement in node.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        elif isinstance(statement, ast.ClassDef) and statement.name == "Meta":
            abstract = abstract or _meta_flag(statement, "abstract")
            proxy = proxy or _meta_flag(statement, "proxy")
            base_manager = base_manager or _meta_flag(statement, "base_manager_name")
            unmanaged = unmanaged or _meta_unmanaged(statement)
            ordering = _meta_ordering(statement)
            continue
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        if target.id == "__abstract__" and isinstance(value, ast.Constant):
            abstract = bool(value.value)
        manager = _custom_manager(model, value, target.id) if isinstance(value, ast.Call) else None
        if manager is not None:
            managers.append([target.id, manager])
        if isinstance(value, ast.Call):
            relation = _relation(model, value, bases)
            if relation is not None:
                if relation[1] is None and isinstance(statement, ast.AnnAssign):
                    relation[1] = _mapped_target(model, statement.annotation)
                if relation[0] == "rel" and isinstance(statement, ast.AnnAssign):
                    _annotated_loader(relation, value, statement.annotation)
                relations[target.id] = relation
    qualified = f"{model.class_name}.{node.name}"
    if model.function_name is not None:
        qualified = f"{model.function_name}.{node.name}"
    record: dict[str, Any] = {"b": bases, "r": relations}
    methods = [
        statement.name
        for statement in node.body
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    if methods:
        record["m"] = methods  # what a subclass overrides (index: calls through ``self``)
    if abstract:
        record["a"] = True
    if proxy:
        record["x"] = True
    if any(_forwards_unbounded_size(statement) for statement in node.body):
        record["q"] = True
    if base_manager:
        record["bm"] = True  # Django's ``Meta.base_manager_name``: lazy relation access uses it
    if ordering is not None:
        record["o"] = ordering  # Django's ``Meta.ordering``: written (True) or not (False)
    if unmanaged:
        record["um"] = True  # Django's ``Meta.managed = False``: a table Django did not make
    if managers:
        record["cm"] = managers  # custom managers: their querysets may defer fields
    checker.index_facts.classes[qualified] = record  # type: ignore[union-attr]


_PLAIN_MANAGERS = frozenset({"django.db.models.Manager", "django.db.models.manager.Manager"})


def _custom_manager(model: SemanticModel, value: ast.Call, attribute: str) -> str | None:
    """For a class attribute bound to a manager that is not Django's plain one, the class
    that builds its rows: the manager class called (``SlimManager()``, ``...Manager``,
    any class bound to ``objects``, Django's name for the default manager: ``objects =
    Stamping()``, whatever module defines it), or the queryset class of
    ``X.as_manager()`` / ``Manager.from_queryset(X)()``; else None. ("" when that class
    cannot be named.)"""
    func = value.func
    if isinstance(func, ast.Name):  # ``BookManager = Manager.from_queryset(Q)`` earlier
        bound = getattr(model.lookup(func.id), "value", None)
        if isinstance(bound, ast.Call) and call_tail(bound.func) == "from_queryset":
            func = bound
    if isinstance(func, ast.Call):  # ``Manager.from_queryset(Q)()``
        return _queryset_of(model, func)
    name = model.resolve(func) or ""
    if name in _PLAIN_MANAGERS:
        return None
    if call_tail(func) == "as_manager" and isinstance(func, ast.Attribute):
        return model.resolve(func.value) or ""
    if name.rsplit(".", 1)[-1].endswith("Manager") or _manager_class(model, func):
        return name
    if attribute == "objects" and name[:1] and name.rsplit(".", 1)[-1][:1].isupper():
        return name
    return None


def _manager_class(model: SemanticModel, func: ast.expr) -> bool:
    """``func`` names a class of this module built on a manager: Django's, or one made by
    ``from_queryset`` (``class Books(Manager.from_queryset(Q))``), whatever its name."""
    binding = model.lookup(func.id) if isinstance(func, ast.Name) else None
    node = getattr(binding, "node", None)
    if not isinstance(node, ast.ClassDef):
        return False
    for base in node.bases:
        if isinstance(base, ast.Call) and _queryset_of(model, base) is not None:
            return True
        if (model.resolve(base) or "") in _PLAIN_MANAGERS:
            return True
    return False


def _queryset_of(model: SemanticModel, call: ast.Call) -> str | None:
    """``Q`` of ``Manager.from_queryset(Q)`` ("" when it cannot be named), else None."""
    if call_tail(call.func) != "from_queryset":
        return None
    return model.resolve(call.args[0]) or "" if call.args else ""


def _forwards_unbounded_size(statement: ast.stmt) -> bool:
    """``def __init__(self, maxsize=0): super().__init__(maxsize)`` (or ``maxsize=maxsize``):
    a queue subclass whose constructor hands its first argument, unbounded by default, to
    its base's."""
    if not isinstance(statement, ast.FunctionDef) or statement.name != "__init__":
        return False
    arguments = statement.args
    positional = [*arguments.posonlyargs, *arguments.args]
    if len(positional) < 2 or positional[1].arg != "maxsize":
        return False
    defaults = arguments.defaults
    default = (
        defaults[len(defaults) - len(positional) + 1]
        if len(defaults) >= len(positional) - 1
        else None
    )
    if not (
        isinstance(default, ast.Constant) and isinstance(default.value, int) and default.value <= 0
    ):
        return False
    for node in ast.walk(statement):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "__init__"
        ):
            passed = [
                *node.args,
                *(keyword.value for keyword in node.keywords if keyword.arg == "maxsize"),
            ]
            if any(isinstance(value, ast.Name) and value.id == "maxsize" for value in passed):
                return True
    return False


def _sqlmodel_table(node: ast.ClassDef) -> bool:
    """``class Hero(SQLModel, table=True)``: a mapped class, not a plain data model."""
    return any(
        keyword.arg == "table"
        and isinstance(keyword.value, ast.Constant)
        and keyword.value.value is True
        for keyword in node.keywords
    )


def _plain_class(checker: Checker, node: ast.ClassDef) -> None:
    """A class with no project or library base: its methods, so that a method name it
    shares with a model does not tie an unknown receiver to that model, and the class
    itself, so that its ``objects`` is known to be the user's own, not a manager."""
    methods = [
        statement.name
        for statement in node.body
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
        and not statement.name.startswith("_")
    ]
    qualified = _qualified(checker, node.name)
    checker.index_facts.classes[qualified] = {"b": [], "r": {}, "m": methods}  # type: ignore[union-attr]


def _meta_ordering(meta: ast.ClassDef) -> bool:
    """A Django model's ``class Meta`` gives a default ordering (``ordering = ["-created"]``,
    or a value this file does not spell out); an empty one, or none, is no ordering."""
    for statement in meta.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "ordering" for t in statement.targets
        ):
            value = statement.value
            if isinstance(value, (ast.List, ast.Tuple)):
                return bool(value.elts)
            if isinstance(value, ast.Constant):
                return bool(value.value)
            return True
    return False


def _meta_unmanaged(meta: ast.ClassDef) -> bool:
    """``managed = False`` in a Django model's ``class Meta`` (or a value this file does
    not spell out, which may be False): its table, and its foreign keys' constraints, are
    not Django's to make (``inspectdb`` writes it for every table of a legacy database)."""
    for statement in meta.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "managed" for t in statement.targets
        ):
            value = statement.value
            return not (isinstance(value, ast.Constant) and value.value is not False)
    return False


def _meta_flag(meta: ast.ClassDef, name: str) -> bool:
    """``abstract = True`` / ``proxy = True`` (or a non-empty ``base_manager_name``) in a
    Django model's ``class Meta``."""
    for statement in meta.body:
        if (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in statement.targets)
            and isinstance(statement.value, ast.Constant)
        ):
            return bool(statement.value.value)
    return False


def _relation(model, call: ast.Call, bases: list[str]) -> list[Any] | None:
    """``[kind, target, related_name, lazy, backref, backref_lazy, secondary]`` of a
    relation field (``secondary``: a SQLAlchemy relationship through an association table).
    A target is ``=qualified.Name`` when resolved, else the string as written.
    ``db.relationship(...)`` in a class of ``db.Model``, ``db`` imported from another
    module, is SQLAlchemy's when ``db`` is (the index finds the class a model only then)."""
    name = model.resolve(call.func)
    if name is None:
        return None
    owner, _, attribute = name.rpartition(".")
    if attribute in ("relationship", "relation") and f"{owner}.Model" in bases:
        name = "sqlalchemy.orm.relationship"
    kind = DJANGO_RELATION_FIELDS.get(name)
    if kind == "gfk":
        return ["gfk", None, None, None, None, None, False]
    if kind is not None:
        target = _target(model, call_argument(call, 0, "to"))
        related = _string(call_argument(call, None, "related_name"))
        return [kind, target, related, _django_loading(call), None, None, False]
    if name in SQLALCHEMY_RELATIONSHIPS:
        target = _target(model, call_argument(call, 0, "argument"))
        given = call_argument(call, None, "lazy") or _sqlmodel_lazy(call)
        unpacked = any(keyword.arg is None for keyword in call.keywords)
        # ``relationship("Address", **options)``: the options may set any loader
        lazy = None if given is None and unpacked else _lazy(given)
        backref = call_argument(call, None, "backref")
        backref_name, backref_lazy = None, None
        if isinstance(backref, ast.Constant) and isinstance(backref.value, str):
            backref_name, backref_lazy = backref.value, "select"
        elif isinstance(backref, ast.Call) and backref.args:
            backref_name = _string(backref.args[0])
            backref_lazy = _lazy(call_argument(backref, None, "lazy"))
        secondary = call_argument(call, None, "secondary") is not None or unpacked
        return ["rel", target, None, lazy, backref_name, backref_lazy, secondary]
    return None


def _django_loading(call: ast.Call) -> str | None:
    """``UNCONSTRAINED`` for a Django relation field declared ``db_constraint=False`` (or
    with ``**options`` that may say so): its rows may point at a row that does not
    exist, which a join drops where the lazy load raises."""
    constraint = call_argument(call, None, "db_constraint")
    if isinstance(constraint, ast.Constant) and constraint.value is True:
        return None
    if constraint is not None or any(keyword.arg is None for keyword in call.keywords):
        return UNCONSTRAINED
    return None


def _sqlmodel_lazy(call: ast.Call) -> ast.expr | None:
    """SQLModel's ``Relationship(sa_relationship_kwargs={"lazy": "selectin"})``."""
    options = call_argument(call, None, "sa_relationship_kwargs")
    if not isinstance(options, ast.Dict):
        return None
    for key, value in zip(options.keys, options.values, strict=True):
        if isinstance(key, ast.Constant) and key.value == "lazy":
            return value
    return None


_COLLECTIONS = frozenset(
    {"list", "List", "set", "Set", "Optional", "WriteOnlyMapped", "DynamicMapped"}
)
# SQLAlchemy 2.0 annotations that choose the loader when ``relationship()`` names none
_ANNOTATED_LOADERS = {"DynamicMapped": "dynamic", "WriteOnlyMapped": "write_only"}


def _annotated_loader(relation: list[Any], call: ast.Call, annotation: ast.expr) -> None:
    """``addresses: DynamicMapped["Address"] = relationship()`` is ``lazy="dynamic"``
    (``WriteOnlyMapped``: ``write_only``) unless the call says otherwise."""
    if not isinstance(annotation, ast.Subscript):
        return
    outer = annotation.value
    name = outer.id if isinstance(outer, ast.Name) else getattr(outer, "attr", "")
    loader = _ANNOTATED_LOADERS.get(name)
    if loader is not None and call_argument(call, None, "lazy") is None:
        relation[3] = loader


def _mapped_target(model, annotation: ast.expr) -> str | None:
    """The class a SQLAlchemy 2.0 relationship maps, from its annotation when the call
    names none: ``Mapped[User]``, ``Mapped["Team"]``, ``Mapped[list["Address"]]``,
    ``Mapped[Optional[User]]``."""
    node = annotation
    for _ in range(3):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # ``Team | None``
            node = node.right if _is_none(node.left) else node.left
        if not isinstance(node, ast.Subscript):
            break
        outer = node.value
        name = outer.id if isinstance(outer, ast.Name) else getattr(outer, "attr", "")
        if name not in _COLLECTIONS and name != "Mapped":
            return None
        node = node.slice
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = next((p.strip() for p in node.value.split("|") if p.strip() != "None"), "")
        return text.rpartition(".")[2] if text and "[" not in text else None
    if isinstance(node, (ast.Name, ast.Attribute)):
        return _target(model, node)
    return None


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _target(model, node: ast.expr | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Lambda):
        node = node.body
    resolved = model.resolve(node)
    return f"={resolved}" if resolved is not None else None


def _string(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _lazy(node: ast.expr | None) -> str | None:
    """The loader strategy: ``select`` when absent; None when not a literal."""
    if node is None:
        return "select"
    if isinstance(node, ast.Constant):
        value = node.value
        if value is True:
            return "select"
        if value is False:
            return "joined"
        if value is None:
            return "noload"
        return value if isinstance(value, str) else None
    return None


@COLLECTOR.on(ast.Call)
def record_cpu_call(checker: Checker, node: ast.Call) -> None:
    """TL205: a call that leaves the GIL (waits, or computes in C with it released)."""
    facts: FileFacts = checker.index_facts  # type: ignore[assignment]
    function = checker.semantic.function_name
    if facts.cpu_work and function is not None:
        bits = call_cpu_bits(checker.semantic, node)
        if bits:
            facts.cpu[function] = facts.cpu.get(function, 0) | bits


@COLLECTOR.on(ast.For, ast.While, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
def record_cpu_loop(checker: Checker, node: ast.AST) -> None:
    """TL205: the function loops in Python."""
    facts: FileFacts = checker.index_facts  # type: ignore[assignment]
    function = checker.semantic.function_name
    if facts.cpu_work and function is not None:
        facts.cpu[function] = facts.cpu.get(function, 0) | CPU_LOOPS
