"""The merged project index, a fact store with a query API: models and their relations,
transitive function summaries (effects and the call that gives each), module-level SQL.
It knows no rule: rules query it from their project-level checks (``Rule.on_project``)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from throughlint.apis import STATEMENT_METHODS, connection_or_cursor_base
from throughlint.effects.blocking import SYNC_CLIENT_KINDS, client_method_blocks
from throughlint.effects.database import (
    MODEL_INSTANCE,
    ORIGIN_ALTERNATIVES,
    SQLMODEL_TABLE,
    app_global,
    database_value,
    django_manager_chain,
    typed_value,
)
from throughlint.effects.kinds import Effect
from throughlint.effects.remote import (
    RemoteCall,
    client_method_call,
    named_client_call,
    remote_client_kinds,
    shared_client_call,
)
from throughlint.index.argument_types import ArgumentTypes
from throughlint.index.attribute_values import AttributeValues
from throughlint.index.dispatch import Dispatch
from throughlint.index.instance_hooks import ANY_SENDER
from throughlint.index.statement_hooks import StatementInterceptor
from throughlint.index.summaries import SUMMARY_DEPTH, Summaries
from throughlint.semantic.callee_names import NEXT_IN_ORDER, split_related_method
from throughlint.semantic.guards import (
    NOT_NONE,
    RECEIVER_MEMO,
    RECEIVER_STATE,
    SOME_OBJECT,
    rules_out,
)
from throughlint.semantic.parameter_origin import split_origin

MODEL_QUERY = "sqlalchemy.orm.Session().query()"  # what a model's ``query`` attribute is
_CLASS_DEPTH_LIMIT = 32  # classes looked at up a class's bases
# methods through which a manager or queryset class may shape the rows it hands out
_ROW_SHAPING = frozenset(
    {"get_queryset", "all", "filter", "exclude", "order_by", "get", "iterator", "_clone",
     "only", "defer", "select_related", "prefetch_related", "annotate", "distinct",
     "none", "using", "__init__", "__iter__", "_fetch_all"}
)  # fmt: skip
_DJANGO_QUERY_BASES = ("django.db.models",)
DJANGO_MODEL_BASES = frozenset({"django.db.models.Model", "django.db.models.base.Model"})
SQLALCHEMY_BASES = frozenset(
    {
        "sqlalchemy.orm.DeclarativeBase",
        "sqlalchemy.orm.DeclarativeBaseNoMeta",
        "sqlalchemy.orm.decl_api.DeclarativeBase",
        "sqlalchemy.orm.declarative_base()",
        "sqlalchemy.ext.declarative.declarative_base()",
        "sqlalchemy.orm.decl_api.declarative_base()",
        "sqlalchemy.orm.registry().generate_base()",
        "flask_sqlalchemy.SQLAlchemy().Model",
        SQLMODEL_TABLE,
    }
)
# Framework bases whose methods the API tables describe: a project that also holds the
# framework's source (a vendored copy, a virtualenv inside it) does not look them up there
MODELLED_BASES = DJANGO_MODEL_BASES | SQLALCHEMY_BASES


@dataclass(frozen=True, slots=True)
class Relation:
    """``many``: a related manager / collection (``author.books``), else one object."""

    framework: str
    kind: str
    target: str | None
    many: bool
    lazy: str | None = None
    secondary: bool = False  # SQLAlchemy: through an association table (``secondary=``)
    ordered: bool = False  # Django: the related model has a default ``Meta.ordering``
    from_backref: bool = False  # SQLAlchemy: declared by the other side's ``backref=``


@dataclass(frozen=True, slots=True)
class FieldFacts:
    """A relation field of a model class as the walk recorded it (``target`` unresolved:
    ``=module.Class``, ``self``, ``app.Model`` or a class name)."""

    kind: str  # fk, o2o, m2m, gfk (Django); rel (SQLAlchemy)
    target: str | None
    related: str | None  # Django's related_name
    lazy: str | None  # SQLAlchemy's loader; Django: "unconstrained" (db_constraint=False)
    backref: str | None
    backref_lazy: str | None
    secondary: bool = False  # SQLAlchemy's ``secondary=`` (or ``**options`` that may say so)


@dataclass(frozen=True, slots=True)
class ClassFacts:
    """A class of the project: its bases (resolved names), relation fields, the methods it
    defines, and whether it is an abstract or proxy model."""

    bases: Sequence[str]
    fields: Mapping[str, FieldFacts]
    methods: Sequence[str] = ()
    abstract: bool = False
    proxy: bool = False
    forwards_size: bool = False  # ``__init__(self, maxsize=0)`` hands it to its base's
    base_manager: bool = False  # Django's ``Meta.base_manager_name``
    ordering: bool | None = None  # Django's ``Meta.ordering``; None: no ``class Meta``
    # [attribute, class building its rows] for managers that are not Django's own
    custom_managers: Sequence[Sequence[str]] = ()
    unmanaged: bool = False  # Django's ``Meta.managed = False``

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> ClassFacts:
        """From the facts' JSON (``index/facts.py``: ``b``, ``r``, ``m``, ``a``, ``x``,
        ``q``, ``bm``, ``o``, ``cm``, ``um``)."""
        relations = record["r"]
        return cls(
            [base.removesuffix("[]") for base in record["b"]],  # ``Service[Body]`` is ``Service``
            {name: FieldFacts(*values) for name, values in relations.items()} if relations else {},
            record.get("m", ()),
            bool(record.get("a")),
            bool(record.get("x")),
            bool(record.get("q")),
            bool(record.get("bm")),
            record.get("o"),
            record.get("cm", ()),
            bool(record.get("um")),
        )


@dataclass(frozen=True, slots=True)
class RelationRead:
    """A relation a model's method reads on ``self``: ``self.customer`` (``method``
    None) or ``self.orders.count()``, on ``line`` of ``function``."""

    attribute: str
    method: str | None
    line: int
    function: str
    relation: Relation


@dataclass(frozen=True, slots=True)
class Reuse:
    """What a merge may take from the last merge of the same files (``finish``), told by
    which facts of the files added last are the same as then."""

    previous: ProjectIndex
    classes: bool  # their classes: relations, model kinds, subclasses
    typing: bool  # their classes, functions, call sites and values: the typed effects


_FACT_TABLES = (
    "classes",
    "instance_hooks",
    "statement_hooks",
    "functions",
    "_callees",
    "_own_witness",
    "statements",
    "imports",
    "star_imports",
    "asynchronous",
    "hot",
    "hot_same",
    "passes",
    "made",
    "handles",
    "loads",
    "cpu",
    "database_values",
    "cached",
    "_atomic",
    "_paths",
    "_fixed_calls",
    "every_call",
    "self_calls",
    "self_reads",
    "serializers",
    "serializer_users",
    "admin_models",
    "module_ints",
    "param_reads",
    "locked",
)
"""What ``ProjectIndex.add`` fills (``overlay`` copies them)."""


class ProjectIndex:
    def __init__(self) -> None:
        self.classes: dict[str, ClassFacts] = {}
        # the project's functions, by column (one object per function would cost a tenth
        # of a one-file run in a 5,000-file project): their own effects (``Effect`` bits),
        # the resolved names they call, and the call that gives each effect (by bit)
        self.functions: dict[str, int] = {}
        self._callees: dict[str, Sequence[str]] = {}
        self._own_witness: dict[str, Mapping[str, str]] = {}
        self.statements: dict[str, tuple[str, str]] = {}  # module-level SQL: verb, text
        self._kinds: dict[str, str | None] = {}
        self._relations: dict[str, dict[str, Relation]] = {}
        self._many_accessors: frozenset[str] | None = None
        self._subclasses: dict[str, list[str]] = {}
        self._model_methods: dict[str, list[str]] | None = None
        # an index with the same functions and classes, which works them out (``finish``)
        self._model_methods_from: ProjectIndex | None = None
        self._typed: dict[str, tuple[int, dict[str, str]]] = {}  # ``_typed_effects``
        self.imports: dict[str, str] = {}  # re-exports: ``app.get`` -> ``app.http.get``
        # ``from .user import *`` in ``app.models``: ``app.models`` -> (``app.models.user``,)
        self.star_imports: dict[str, tuple[str, ...]] = {}
        self.asynchronous: set[str] = set()  # ``async def`` functions
        self.hot: dict[str, str] = {}  # callee called once per item -> where
        # of those, called on the same object on every pass of each such loop: 1, else 0
        self.hot_same: dict[str, int] = {}
        # function -> the functions it hands to a call that runs them (fact ``run_passed``)
        self.passes: dict[str, Sequence[str]] = {}
        self.made: dict[str, str] = {}  # function -> what it constructs and returns
        self.loads: dict[str, list[str]] = {}  # function -> relations it loads eagerly
        self.handles: dict[str, str] = {}  # function -> the shared library client it returns
        self.cpu: dict[str, int] = {}  # TL205: loops / leaves the GIL (``effects/cpu.py``)
        # module-level database values and functions returning one (``dbv``)
        self.database_values: dict[str, str] = {}
        # call sites' argument types, and effects typed by them (``argument_types.py``)
        self.argument_types = ArgumentTypes()
        self.attribute_values = AttributeValues()  # properties, attributes of objects
        self.dispatch = Dispatch()  # methods called on receivers of unknown type
        self._per_item: dict[str, str] | None = None
        self._roots: frozenset[str] | None = None
        self.cached: set[str] = set()  # functions whose results are cached
        # classes whose row-built objects a hook runs for (``index/instance_hooks.py``)
        self.instance_hooks: set[str] = set()
        # module -> [[registration, line]] (``index/statement_hooks.py``)
        self.statement_hooks: dict[str, list[list[Any]]] = {}
        # ``@transaction.atomic`` functions (True: they commit by other means too), and the
        # functions that commit other than through a Django atomic block, transitively
        self._atomic: dict[str, bool] = {}
        # the project callees a function calls on every call (fact ``pass_costs``): the
        # call a message names when several bring the same effect
        self.every_call: dict[str, Sequence[str]] = {}
        self.self_calls: dict[str, Sequence[str]] = {}  # methods called on ``self``
        # functions whose whole body holds one lock (``semantic/concurrency.LockedBody``,
        # fact ``lk``): [lock as written, kind, weight of the region, calls another package]
        self.locked: dict[str, list] = {}
        # per method: [attribute, method called on it or "", line] read on ``self``
        self.self_reads: dict[str, list[list[Any]]] = {}
        # REST framework serializers: class -> model; serializer -> where it is used
        # over a query -> [model, loaded relations, loads all, where]
        self.serializers: dict[str, str] = {}
        self.serializer_users: dict[str, dict[str, list[Any]]] = {}
        self.admin_models: dict[str, str] = {}  # admin class -> the model it is registered for
        self.module_ints: dict[str, int | None] = {}  # ``mod.WORKERS`` -> 16
        # function -> [[position, parameter, attribute, method, line]] read on a parameter
        self.param_reads: dict[str, list[list[Any]]] = {}
        # path facts per function: parameters, guarded effects, guarded / argued calls
        self._paths: dict[str, dict[str, Any]] = {}
        # answers by name, asked for every pending call of a long loop: kept until the
        # facts change (``add``) or the summaries are rebuilt (``finish``)
        self._keys_known: dict[str, str | None] = {}  # ``_function_key``
        self._effects_known: dict[str, Effect] = {}  # ``summary_effects``
        self._overridden_known: dict[str, bool] = {}  # ``overridden``
        self._overrides_known: dict[tuple, tuple[Effect, str]] = {}  # ``override_effects``
        self._fixed_calls: dict[str, set[str]] = {}
        self._remote_clients: dict[str, tuple[RemoteCall, str] | None] = {}
        self._class_keys: dict[str, str] = {}  # ``class_key``
        self._merge_by_key: dict[str, Callable[[Any], None]] | None = None  # ``_mergers``
        self.summaries = Summaries(self)

    # --- building ----------------------------------------------------------------------

    def add(self, facts: dict[str, Any] | None) -> None:
        """Merge one file's facts, as JSON (they cross the cache and worker boundaries)."""
        if facts:
            self.add_all((facts,))

    def add_all(self, every: Iterable[dict[str, Any] | None]) -> None:
        """Merge files' facts in order. Each file's tables are visited as they are present
        (a file has a dozen of the thirty-odd kinds), through one table of mergers: a
        5,000-file project is merged in a one-file run, where looking up every kind in
        every file was most of the merge."""
        self._forget_answers()
        mergers = self._mergers()
        argument_types = self.argument_types
        for facts in every:
            if not facts:
                continue
            for key, value in facts.items():
                merge = mergers.get(key)
                if merge is not None:
                    merge(value)
        argument_types.forget_types()
        self.attribute_values.forget_rewritten()
        self.dispatch.forget_targets()

    def _mergers(self) -> dict[str, Callable[[Any], None]]:
        """Fact key -> how it is merged into this index's tables (``overlay`` replaces the
        tables of a copy before it merges anything: the mergers are made on first use)."""
        if self._merge_by_key is not None:
            return self._merge_by_key
        classes, functions = self.classes, self.functions
        callees, witnesses = self._callees, self._own_witness
        statements, hot, users = self.statements, self.hot, self.serializer_users
        hot_same = self.hot_same
        stars = self.star_imports  # the mergers hold no reference to ``self``: no cycle
        every_call, fixed = self.every_call, self._fixed_calls
        argument_types = self.argument_types

        def add_classes(value: dict[str, Any]) -> None:
            for name, record in value.items():
                classes[name] = ClassFacts.from_json(record)

        def add_functions(value: dict[str, Any]) -> None:
            for name, (effect, called, witness) in value.items():
                functions[name], callees[name], witnesses[name] = effect, called, witness

        def add_statements(value: dict[str, Any]) -> None:
            for name, (verb, text) in value.items():
                statements[name] = (verb, text)

        def add_hot(value: dict[str, str]) -> None:
            for name, where in value.items():
                known = hot.get(name)
                if known is None or where < known:  # one answer whichever file comes first
                    hot[name] = where

        def add_hot_same(value: dict[str, int]) -> None:
            for name, same in value.items():  # on one object only if every file says so
                hot_same[name] = int(same == 1 and hot_same.get(name, 1) == 1)

        def add_stars(value: dict[str, list[str]]) -> None:
            for module, bases in value.items():
                stars[module] = (*stars.get(module, ()), *bases)

        def add_users(value: dict[str, Any]) -> None:
            for serializer, uses in value.items():
                # copied on write: an overlay shares the inner tables with its index
                users[serializer] = {**users.get(serializer, {}), **uses}

        def add_costs(value: dict[str, Any]) -> None:
            for name, (_, called) in value.items():
                if called:
                    every_call[name] = called

        def add_fixed(value: dict[str, Any]) -> None:
            for name, called in value.items():
                known = fixed.get(name)  # a new set: an overlay shares the base's
                fixed[name] = set(called) if known is None else known | set(called)

        self._merge_by_key = {
            "c": add_classes,
            "f": add_functions,
            "s": add_statements,
            "re": self.imports.update,
            "st": add_stars,
            "an": self.asynchronous.update,
            "ph": add_hot,
            "po": add_hot_same,
            "run_passed": self.passes.update,
            "n": self.made.update,
            "ld": self.loads.update,
            "hd": self.handles.update,
            "cpu": self.cpu.update,
            "dbv": self.database_values.update,
            "argument_types": argument_types.add_sites,
            "passed_functions": argument_types.add_passed,
            "tabled_functions": argument_types.add_tabled,
            "typed_effects": argument_types.add_effects,
            "attribute_values": self.attribute_values.add_values,
            "dispatch_calls": self.dispatch.calls.update,
            "m": self.cached.update,
            "instance_hooks": self.instance_hooks.update,
            "statement_hooks": self.statement_hooks.update,
            "t": self._atomic.update,
            "g": self._paths.update,
            "self_calls": self.self_calls.update,
            "sr": self.self_reads.update,
            "sz": self.serializers.update,
            "am": self.admin_models.update,
            "ints": self.module_ints.update,
            "pr": self.param_reads.update,
            "lk": self.locked.update,
            "su": add_users,
            "pass_costs": add_costs,
            "x": add_fixed,
        }
        return self._merge_by_key

    def overlay(self) -> ProjectIndex:
        """A copy of this index (facts added, not finished) to add a few more files to and
        finish, leaving this one as it is: a long-lived project keeps the index of the
        files that did not change and adds the edited buffer to a copy on each re-lint.
        The tables are copied; the lists in them are shared and copied on write."""
        copy = ProjectIndex()
        for name in _FACT_TABLES:
            setattr(copy, name, getattr(self, name).copy())
        copy.argument_types = self.argument_types.overlay()
        copy.attribute_values = self.attribute_values.overlay()
        copy.dispatch = self.dispatch.overlay()
        return copy

    def finish(self, reuse: Reuse | None = None) -> ProjectIndex:
        """Work out what the merged facts imply (relations, typed effects, subclasses);
        with ``reuse``, take what the facts that changed cannot have changed from the last
        merge of the same files."""
        self._forget_answers()
        previous = reuse.previous if reuse is not None else None
        if previous is not None and reuse.classes:  # type: ignore[union-attr]
            self._relations, self._kinds = previous._relations, previous._kinds
            self._subclasses, self._many_accessors = previous._subclasses, previous._many_accessors
        else:
            self._build_relations()
            self._build_subclasses()
            previous = None
        if previous is not None and reuse.typing:  # type: ignore[union-attr]
            self._typed = previous._typed
        else:
            self._typed = self._typed_effects()
        self._add_typed_effects(self._typed)
        if previous is not None and self.functions.keys() == previous.functions.keys():
            self._model_methods = previous._model_methods
            if self._model_methods is None:  # not asked there yet: the first such index
                self._model_methods_from = previous._model_methods_from or previous
        self.summaries = Summaries(self)  # worked out on demand, for the queries asked
        return self

    def _forget_answers(self) -> None:
        self._class_keys.clear()
        self._keys_known.clear()
        self._remote_clients.clear()
        self._effects_known.clear()
        self._overridden_known.clear()
        self._overrides_known.clear()

    def class_key(self, name: str) -> str:
        """The name the facts keep the class ``name`` under, through the modules that
        re-export it: ``app.models.User``, with ``from .user import User`` in
        ``app/models/__init__.py``, is ``app.models.user.User``; ``name`` itself when it
        is a class of the facts or no re-export leads to one."""
        if name in self.classes or not self.imports:
            return name
        found = self._class_keys.get(name)
        if found is None:
            found = self._class_keys[name] = self._reexported_class(name)
        return found

    def _reexported_class(self, name: str) -> str:
        current = name
        for _ in range(6):
            prefix, rest = current, ""
            while prefix:
                target = self.imports.get(prefix)
                if target is not None and target != prefix:
                    break
                prefix, _, last = prefix.rpartition(".")
                rest = f".{last}{rest}"
            if not prefix:
                return self._star_class(name)
            current = f"{self.imports[prefix]}{rest}"
            if current in self.classes:
                return current
        return name

    def _star_bases(self, module: str, rest: str, depth: int = 0) -> list[str]:
        """The modules ``module`` imports with ``*`` that define the first name of
        ``rest`` (``.User.save``): a class, a function, a name they import, or a module
        that again imports with ``*``; none for a private name."""
        bases = self.star_imports.get(module)
        if not bases:
            return []
        first = rest[1:].partition(".")[0]
        if not first or first.startswith("_") or depth > 3:
            return []
        return [
            base
            for base in bases
            if (name := f"{base}.{first}") in self.classes
            or name in self.functions
            or name in self.imports
            or (base in self.star_imports and self._star_bases(base, rest, depth + 1))
        ]

    def _star_class(self, name: str, depth: int = 0) -> str:
        """``app.models.User`` where ``app.models`` does ``from .user import *``: the
        class of a starred module that defines it (``app.models.user.User``), the first
        in their order; ``name`` itself when none does."""
        module, _, last = name.rpartition(".")
        if last.startswith("_") or depth > 3:
            return name
        for base in self.star_imports.get(module, ()):
            candidate = f"{base}.{last}"
            if candidate in self.classes:
                return candidate
            found = self._star_class(candidate, depth + 1)
            if found != candidate:
                return found
        return name

    def model_kind(self, name: str, depth: int = 0) -> str | None:
        """``django`` / ``sqlalchemy`` for a model class of the project, else None."""
        name = self.class_key(name)
        if name in self._kinds:
            return self._kinds[name]
        self._kinds[name] = None  # cycles
        record = self.classes.get(name)
        kind = None
        if record is not None and depth < 20:
            for base in record.bases:
                if base in DJANGO_MODEL_BASES:
                    kind = "django"
                elif base in SQLALCHEMY_BASES or self._bound_base(base) in SQLALCHEMY_BASES:
                    kind = "sqlalchemy"
                else:
                    kind = self.model_kind(base, depth + 1)
                if kind is not None:
                    break
        self._kinds[name] = kind
        return kind

    def _bound_base(self, base: str) -> str | None:
        """A base spelt through a project value, as the library value it is: ``Base`` with
        ``Base = declarative_base()``, or ``db.Model`` with ``db = SQLAlchemy()``, in
        another module (``app.db.Base``, ``app.db.db.Model``)."""
        if base in self.classes or "." not in base:
            return None
        found = self.database_values.get(base)  # ``Base = declarative_base()``
        if found:
            return found
        owner, _, attribute = base.rpartition(".")
        found = self.database_values.get(owner)
        return f"{found}.{attribute}" if found else None

    def concrete_parent(self, name: str, depth: int = 0) -> str | None:
        """The concrete Django model whose table the model ``name`` extends (multi-table
        inheritance: Django refuses ``bulk_create`` there), found through abstract bases
        and proxies; "" when it extends none; None when that cannot be told (``name`` or
        one of its bases is not a class of the project)."""
        name = self.class_key(name)
        record = self.classes.get(name)
        if record is None or depth > 20 or self.model_kind(name) != "django":
            return None
        for base in map(self.class_key, record.bases):
            if base in DJANGO_MODEL_BASES or base == "builtins.object":
                continue
            base_record = self.classes.get(base)
            if base_record is None:
                return None  # a mixin or a model of a library: its table is unknown
            if self.model_kind(base) != "django":
                continue
            if base_record.abstract or record.proxy:  # an abstract model: no table of its own
                parent = self.concrete_parent(base, depth + 1)
            else:
                parent = base
            if parent != "":
                return parent
        return ""

    def _build_relations(self) -> None:
        by_name: dict[str, list[str]] = {}
        for name in self.classes:
            if self.model_kind(name) is not None:
                by_name.setdefault(name.rsplit(".", 1)[-1], []).append(name)
        for owner, record in self.classes.items():
            framework = self.model_kind(owner)
            if framework is None:
                continue
            for attribute, field in record.fields.items():
                kind, related, backref = field.kind, field.related, field.backref
                resolved = self._target(owner, field.target, by_name)
                if framework == "django":
                    self._add(
                        owner,
                        attribute,
                        Relation(
                            "django",
                            kind,
                            resolved,
                            kind == "m2m",
                            field.lazy,
                            ordered=kind == "m2m"
                            and resolved is not None
                            and self.ordered(resolved),
                        ),
                    )
                    if resolved is None or kind == "gfk" or (related or "").endswith("+"):
                        continue
                    if related and "%" in related:
                        continue
                    short = owner.rsplit(".", 1)[-1].lower()
                    if kind == "o2o":
                        self._add(
                            resolved,
                            related or short,
                            Relation("django", "o2o-reverse", owner, False),
                        )
                    else:
                        accessor = related or f"{short}_set"
                        reverse = Relation(
                            "django", f"{kind}-reverse", owner, True, ordered=self.ordered(owner)
                        )
                        self._add(resolved, accessor, reverse)
                else:
                    self._add(
                        owner,
                        attribute,
                        Relation("sqlalchemy", "rel", resolved, False, field.lazy, field.secondary),
                    )
                    if backref and resolved is not None:
                        self._add(
                            resolved,
                            backref,
                            Relation(
                                "sqlalchemy",
                                "rel",
                                owner,
                                False,
                                field.backref_lazy,
                                field.secondary,
                                from_backref=True,
                            ),
                        )

    def _add(self, owner: str | None, attribute: str, relation: Relation) -> None:
        if owner is not None:
            self._relations.setdefault(owner, {}).setdefault(attribute, relation)

    def _target(self, owner: str, target: str | None, by_name: dict[str, list[str]]) -> str | None:
        if target is None:
            return None
        if target.startswith("="):
            name = target[1:]
            if name in self.classes:
                return name
            candidates = by_name.get(name.rsplit(".", 1)[-1], [])
            return candidates[0] if len(candidates) == 1 else None
        if target == "self":
            return owner
        label, _, class_name = target.rpartition(".")
        candidates = by_name.get(class_name, [])
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        module = owner.rsplit(".", 1)[0]
        if label:  # ``other.Component``: the app label decides before the owner's module
            for candidate in candidates:
                if f".{label}." in f".{candidate}":
                    return candidate
        for candidate in candidates:
            if candidate.startswith(module + "."):
                return candidate
        return candidates[0]

    def relation(self, model: str, attribute: str, depth: int = 0) -> Relation | None:
        """The relation ``attribute`` of ``model`` (inherited ones included), or None."""
        model = self.class_key(model)
        found = self._relations.get(model, {}).get(attribute)
        if found is not None or depth > 10:
            return found
        record = self.classes.get(model)
        if record is None:
            return None
        for base in record.bases:
            found = self.relation(base, attribute, depth + 1)
            if found is not None:
                return found
        return None

    def relations_read(self, model: str, member: str) -> list[RelationRead]:
        """The relations of ``model`` that its method or property ``member`` reads on
        ``self`` (``self.customer``, ``self.orders.count()``), also through the other
        members it reads (``self.customer_name``, a property reading ``self.customer``),
        three deep: what calling it on each row of a query runs per row."""
        found: list[RelationRead] = []
        seen: set[str] = set()
        todo = [(member, 0)]
        while todo:
            name, depth = todo.pop()
            key = self.member_key(model, name)
            if key is None or key in seen:
                continue
            seen.add(key)
            for attribute, method, line in self.self_reads.get(key, ()):
                relation = self.relation(model, attribute)
                if relation is not None:
                    found.append(RelationRead(attribute, method or None, line, key, relation))
                elif depth < 2 and not method:
                    todo.append((attribute, depth + 1))
        return found

    def parameter_relations(
        self, function: str, argument: int, model: str
    ) -> list[tuple[str, RelationRead]]:
        """The relations of ``model`` that ``function`` reads on the parameter its
        positional ``argument`` fills (a row passed in; a method's ``self`` comes first):
        (the parameter's name, the read)."""
        key = self._function_key(function, self.param_reads)
        position = argument + (key is not None and key.rpartition(".")[0] in self.classes)
        found: list[tuple[str, RelationRead]] = []
        for at, name, attribute, method, line in self.param_reads.get(key, ()) if key else ():
            if at != position:
                continue
            relation = self.relation(model, attribute)
            if relation is not None:
                found.append((name, RelationRead(attribute, method or None, line, key, relation)))  # type: ignore[arg-type]
        return found

    def member_key(self, model: str, member: str, depth: int = 0) -> str | None:
        """The method ``member`` of ``model``, or of a base of it, as the facts name it."""
        model = self.class_key(model)
        key = f"{model}.{member}"
        if key in self.self_reads:
            return key
        record = self.classes.get(model)
        if record is None or depth > 10:
            return None
        for base in record.bases:
            found = self.member_key(base, member, depth + 1)
            if found is not None:
                return found
        return None

    # --- summaries ---------------------------------------------------------------------

    def _build_subclasses(self) -> None:
        subclasses: dict[str, list[str]] = {}
        self._subclasses = subclasses
        for name, record in self.classes.items():
            for base in record.bases:
                subclasses.setdefault(self.class_key(base), []).append(name)

    def _bindings(self, key: str, spec: dict[str, list], known: dict[str, Any]) -> dict:
        """The values of ``key``'s parameters for a call passing ``spec``: literals,
        the caller's own known values passed on, and the defaults it keeps."""
        found: dict[str, Any] = {}
        params = self._paths[key].get("p", [])
        offset = 1 if params and params[0][0] in ("self", "cls") else 0
        unpacked = "*" in spec  # ``f(x, *args)``: a parameter not named may be filled
        for position, (name, default) in enumerate(params[offset:]):
            item = spec.get(str(position)) or spec.get(name) or (None if unpacked else default)
            if not item:
                continue
            if item[0] == "=":
                found[name] = item[1]
            elif item[0] == "@" and item[1] in known:
                found[name] = known[item[1]]
            elif item[0] == SOME_OBJECT:
                found[name] = NOT_NONE
        if spec.get(RECEIVER_STATE) == ["new"] and self._unsaved_row(key):
            found[RECEIVER_STATE] = None  # a model constructed just before: no key yet
        if spec.get(RECEIVER_MEMO) == ["=", True]:
            found[RECEIVER_MEMO] = True  # called on ``self`` again: its memos are filled
        return found

    def _unsaved_row(self, key: str) -> bool:
        """``key`` is a method of a Django model: called on an object just constructed
        without a key, its ``pk`` is None (a user's own class may set one in __init__)."""
        owner = key.rpartition(".")[0]
        return owner in self.classes and self.model_kind(owner) == "django"

    def _effects_under(self, key: str, bindings: dict, rounds: int) -> int:
        """What ``key`` does when its parameters hold ``bindings``, with its callees
        ``rounds`` calls deep (``Summaries.under``, which remembers the answers): the
        effects and calls whose guard is false are left out (``if save: obj.save()`` with
        ``save=False``); a callee the bindings pass values to is followed with those, one
        round fewer, so a chain is never deeper than the plain summary's."""
        summaries = self.summaries
        paths = self._paths.get(key)
        if not paths or not bindings:
            return summaries.value(key, rounds)
        value = self.functions.get(key, 0)
        for bit, guard in paths.get("b", {}).items():
            if rules_out(guard, bindings):
                value &= ~int(bit)
        if rounds == 0:
            return value
        fixed = self._fixed_calls.get(key, ())
        edges = paths.get("e", {})
        for callee in self._callees.get(key, ()):
            callee_key = summaries.key(callee)
            if callee_key is None or (callee_key in self.cached and callee in fixed):
                continue
            guard, spec = edges.get(callee) or (0, 0)
            if guard and rules_out(guard, bindings):
                continue
            if spec and callee_key in self._paths:
                inner = self._bindings(callee_key, spec, bindings)
                found = summaries.under(callee_key, inner, rounds - 1)
            else:
                found = summaries.callee_value(key, callee, callee_key, rounds - 1)
            if callee_key in self.asynchronous:  # calling it makes a coroutine: it waits for none
                found &= ~Effect.BLOCKING.value
            value |= found
        return value

    def call_effects(self, name: str, spec: dict[str, list] | None) -> Effect:
        """What a call of ``name`` passing ``spec`` (literal arguments, ``guards``) does:
        ``summary_effects`` less what only other argument values reach."""
        key = self._function_key(name)
        if key is None or not spec or key not in self._paths:
            return self.summary_effects(name)
        bindings = self._bindings(key, spec, {})
        receiver = self.inherited_receiver(name)
        if not receiver:
            value = self.summaries.under(key, bindings)
        else:
            value = self.summaries.under_as(key, bindings, receiver)  # an inherited method
        # bindings only rule paths out: never more than the summary (``under`` follows the
        # callees one call deeper than the summary's bound)
        return Effect(value & self.summary_effects(name).value)

    def commits_in_transaction(self, name: str) -> bool:
        """``name`` commits even when called inside an outer ``transaction.atomic()``."""
        key = self._function_key(name)
        hard = self.summaries.is_hard_commit
        if key is not None:
            return hard(key)
        return any(hard(o) for o in self._overrides(name, self._subclasses))

    def _function_key(self, name: str, known: Mapping[str, Any] | None = None) -> str | None:
        """The summarised function a resolved callee name stands for: ``mod.Class().m``
        and ``mod.Class.m`` are the method; a method a class inherits is found in a base.
        ``known``: the functions to look in (the summarised ones by default, whose answers
        are remembered per name: every pending call of a long loop asks about its callee)."""
        if known is not None:
            return self._find_key(name, 0, known)
        remembered = self._keys_known
        if name in remembered:
            return remembered[name]
        found = remembered[name] = self._find_key(name, 0, self.functions)
        return found

    def _find_key(self, name: str, depth: int, known: Mapping[str, Any]) -> str | None:
        if name in known:
            return name
        hop = self.related_hop(name) if depth < 6 else None
        if hop is not None:
            return self._find_key(hop, depth + 1, known)
        plain = name.replace("().", ".").removesuffix("()")
        if plain in known:
            return plain
        owner, _, method = plain.rpartition(".")
        if owner.endswith(NEXT_IN_ORDER):  # ``super().method``: the bases in their order
            record = self.classes.get(owner.removesuffix(NEXT_IN_ORDER))
            for base in record.bases if record is not None and depth < 6 else ():
                if base in MODELLED_BASES:
                    continue
                found = self._find_key(f"{base}.{method}", depth + 1, known)
                if found is not None:
                    return found
            return None
        record = self.classes.get(owner)
        if record is not None and depth < 6:
            for base in record.bases:
                if base in MODELLED_BASES:
                    continue  # the API tables say what ``save()`` does, not its source
                found = self._find_key(f"{base}.{method}", depth + 1, known)
                if found is not None:
                    return found
        if plain in self.classes and depth < 6:  # a class called: its __init__
            return self._find_key(f"{plain}.__init__", depth + 1, known)
        if depth < 6 and owner.rpartition(".")[0] in self.classes:
            # ``Profile.objects.touch``: a class attribute holding a project instance
            rewritten = self.attribute_values.rewrite(name)
            if rewritten is not None and rewritten != name:
                return self._find_key(rewritten, depth + 1, known)
        if depth < 6 and "@" in name:
            # ``app.Reader.__init__@0:client.get``: the project class every caller passes
            passed = self.argument_types.value(self, name)
            if passed is not None and "@" not in passed and passed != name:
                return self._find_key(passed, depth + 1, known)
        if depth < 6 and "()." in name:  # ``db.table(name).lookup``: what ``table`` builds
            built = self._built_instance(name)
            found = None if built is None else self._find_key(built, depth + 1, known)
            if found is not None:
                return found
        if (self.imports or self.star_imports) and depth < 6:
            # ``app.get`` re-exported from ``app.http``, by name or by ``import *``
            prefix, rest = plain, ""
            while prefix:
                target = self.imports.get(prefix)
                if target is not None and target != prefix:
                    return self._find_key(target + rest, depth + 1, known)
                for base in self._star_bases(prefix, rest):
                    found = self._find_key(base + rest, depth + 1, known)
                    if found is not None:
                        return found
                prefix, _, last = prefix.rpartition(".")
                rest = f".{last}{rest}"
        return None

    def _built_instance(self, name: str) -> str | None:
        """``app.Database().table().lookup`` -> ``app.Table().lookup``, when
        ``Database.table`` builds and returns an instance of the project class ``Table``
        on each call (facts ``n``), a plain one (a library client's subclass stays the
        library's); the last such call in the chain decides."""
        end = name.rfind("().")
        while end > 0:
            made = self.made.get(name[:end].replace("().", "."))
            if made is not None and self._plain_project_class(made):
                return f"{made}(){name[end + 2 :]}"
            end = name.rfind("().", 0, end)
        return None

    def _plain_project_class(self, name: str) -> bool:
        """``name`` is a class of the project whose bases are all the project's own (or
        ``object``): not a subclass of a library client, which stays the library's."""
        todo, seen = [name], set()
        while todo:
            current = todo.pop()
            if current in seen or current in ("builtins.object", "object"):
                continue
            seen.add(current)
            record = self.classes.get(current)
            if record is None or len(seen) > 20:
                return False
            todo.extend(record.bases)
        return True

    def function_facts(self, name: str) -> tuple[str, int, int, Sequence[str]] | None:
        """The project function ``name`` stands for (TL205): its key, own effects (bits),
        ``cpu`` bits and the names it calls; None for a name the project does not define."""
        key = self._function_key(name) or self._function_key(name, known=self.cpu)
        if key is None:
            return None
        return key, self.functions.get(key, 0), self.cpu.get(key, 0), self._callees.get(key, ())

    def locked_function(self, name: str) -> list | None:
        """``name`` (``app.stats.Counter().add``, ``app.stats.record``) is a project
        function whose whole body holds one lock: [the lock as written, its kind, the
        weight of the locked statements, whether they call another package]; else None."""
        key = self._function_key(name, known=self.locked)
        return self.locked.get(key) if key is not None else None

    def is_async(self, name: str) -> bool:
        """``name`` is an ``async def`` of the project: a call makes a coroutine."""
        key = self._function_key(name)
        return key is not None and key in self.asynchronous

    def summary_effects(self, name: str) -> Effect:
        """Everything a project function does, transitively (bounded depth); NONE for
        names the project does not define."""
        known = self._effects_known.get(name)
        if known is not None:
            return known
        key = self._function_key(name)
        if key is not None:
            effect = Effect(self.summaries.value(key, receiver=self.inherited_receiver(name)))
        else:  # a base method with no facts: what most of its subclasses' methods do
            effect = Effect(self.summaries.stand_in_value(name))
        self._effects_known[name] = effect
        return effect

    def runs_once(self, name: str) -> bool:
        """``name`` is a cached function (``functools.cache``): called with the same
        arguments, its work is done once."""
        key = self._function_key(name)
        return key is not None and key in self.cached

    def overridden(self, name: str) -> bool:
        """``name`` is a method called on an instance whose class has subclasses that
        override it: what runs depends on the subclass (``override_effects``)."""
        known = self._overridden_known.get(name)
        if known is None:
            known = "()." in name and bool(self._overrides(name, self._subclasses))
            self._overridden_known[name] = known
        return known

    def override_effects(
        self, name: str, caller: str = "", mask: Effect = Effect.REMOTE | Effect.POOL
    ) -> tuple[Effect, str]:
        """What the project's subclasses do in their overrides of a method called on an
        instance (``self.get(k)`` in a base class whose subclasses talk to redis):
        (effects, witness). Only round trips and pools: the call runs one of them. A
        subclass that overrides ``caller`` too (its own ``get_many``) never runs the call."""
        if "()." not in name:
            return Effect.NONE, ""
        key = (name, caller, mask)
        known = self._overrides_known.get(key)
        if known is None:
            known = self._overrides_known[key] = self._override_effects(name, caller, mask)
        return known

    def _override_effects(self, name: str, caller: str, mask: Effect) -> tuple[Effect, str]:
        owner, _, method = name.replace("().", ".").removesuffix("()").rpartition(".")
        found, witness, seen = Effect.NONE, "", {owner}
        todo = list(self._subclasses.get(owner, ()))
        while todo and len(seen) < 200:
            subclass = todo.pop()
            if subclass in seen:
                continue
            seen.add(subclass)
            record = self.classes.get(subclass)
            if caller and record is not None and caller in record.methods:
                continue
            todo.extend(self._subclasses.get(subclass, ()))
            key = f"{subclass}.{method}"
            effect = Effect(self.summaries.value(key)) & mask
            if effect & ~found:
                found |= effect
                bit = next(flag for flag in Effect if flag and flag in effect)
                text = self.summaries.witness(key, bit.value)
                witness = witness or f"`{subclass.rsplit('.', 1)[-1]}.{method}()` -> {text}"
        return found, witness

    def _typed_effects(self) -> dict[str, tuple[int, dict[str, str]]]:
        """The effects of calls whose receivers only the index can type (a parameter, a
        value of another module), by function, when it types them: (bits, witnesses)."""
        added: dict[str, tuple[int, dict[str, str]]] = {}
        for function, items in self.argument_types.effects.items():
            bits, witness = 0, {}
            for effect, origin, framework, text in items:
                value = self.typed_database_value(origin, framework)
                if value is not None and effect & ~bits:
                    for flag in Effect:
                        if flag.value and effect & flag.value & ~bits:
                            witness[str(flag.value)] = text
                    bits |= effect
            if bits:
                added[function] = (bits, witness)
        return added

    def typed_database_value(self, origin: str, framework: str) -> str | None:
        """``database_value`` of ``origin`` when it is a database API of ``framework``;
        else the first such value along what properties return and functions are
        annotated to return (``self.placeholder_ref.get_plugins()[]``, the property
        returning ``get_slot()``, annotated ``-> Placeholder``, whose body's value is a
        row of a model the index cannot name); None when none is."""
        value = self.database_value(origin)
        if value is not None and typed_value(framework, value):
            return value
        if ORIGIN_ALTERNATIVES in origin or "@" in origin:
            return None

        def typed(rewritten: str) -> str | None:
            found = self._rewritten_value(rewritten)
            return found if found is not None and typed_value(framework, found) else None

        return self.attribute_values.follow(origin, typed)

    def _add_typed_effects(self, added: dict[str, tuple[int, dict[str, str]]]) -> None:
        """The typed effects join their functions' own."""
        for function, (bits, witness) in added.items():
            self.functions[function] = self.functions.get(function, 0) | bits
            self._callees.setdefault(function, ())
            self._own_witness[function] = {**witness, **self._own_witness.get(function, {})}

    def database_value(self, origin: str) -> str | None:
        """What a receiver resolved to a project value is, as a library value: the
        longest prefix of ``origin`` that a module binds or a function returns
        (``app.db.SessionLocal()`` -> ``sqlalchemy.orm.sessionmaker()()``), or an instance
        of a Django model of the project (``app.models.Book()``); a receiver from a
        parameter (``app.f@0:rows[]``) is typed by what every caller passes (the result
        may then be a library value itself); else None. ``origin`` may hold alternatives
        (``effects.database.either``): the first the index knows answers (what every
        caller passes decides, a database API or not)."""
        if ORIGIN_ALTERNATIVES in origin:
            for alternative in origin.split(ORIGIN_ALTERNATIVES):
                found = self.database_value(alternative)
                if found is not None:
                    return found
            return None
        if "@" in origin:
            expanded = self.argument_types.value(self, origin)
            if expanded is None:
                return None
            return self.library_value(expanded) or expanded
        return self.library_value(origin)

    def library_value(self, origin: str) -> str | None:
        """``database_value`` of a receiver resolved to a project value, also through
        what properties return and attributes hold (``attribute_values``):
        ``app.m.Manager().session`` -> ``flask.current_app.appbuilder.session`` -> ... ->
        ``sqlalchemy.orm.Session()``."""
        found = self._library_value(origin)
        if found is None:
            found = self.attribute_values.follow(origin, self._rewritten_value)
        return found

    def _rewritten_value(self, origin: str) -> str | None:
        if "@" in origin:  # ``self.conn = conn``: what every caller passes as ``conn``
            passed = self.argument_types.value(self, origin)
            return None if passed is None else database_value(passed) or self._library_value(passed)
        return database_value(origin) or self._library_value(origin)

    def _library_value(self, origin: str, hops: int = 0) -> str | None:
        owner, dot_query, rest = origin.partition(".query")
        if dot_query and rest[:1] in ("", ".") and self.model_kind(owner) == "sqlalchemy":
            # Flask-SQLAlchemy's ``User.query``: a session's query over the model
            return f"{MODEL_QUERY}{rest}"
        values = self.database_values
        for end in range(len(origin), 0, -1):
            if end < len(origin) and origin[end] not in ".([":
                continue
            found = values.get(origin[:end])
            if found is None and "()." in origin[:end] and origin.endswith("()", 0, end):
                # ``OrderList().get_queryset()``: what the method returns, kept by its
                # class's name (or a base's)
                key = self._returned_value(origin[:end])
                found = values.get(key) if key is not None else None
            if found == "":
                return None  # bound to several values: unknown
            if found is not None and app_global(found) and hops < 2:
                # ``get_db()`` returns ``g.db``: what the app bound there
                return self._library_value(found + origin[end:], hops + 1)
            target = self._returned_value(found) if found is not None and hops < 3 else None
            if target is not None:
                # ``g.db = connect_db()``, ``return self.setup_db()``: what that project
                # function returns, as the index keeps it
                return self._library_value(target + origin[end:], hops + 1)
            if found is not None:
                if hops < 3 and self._model_row(found):
                    # ``return self.cmsplugin_set.filter(...)`` in a method of a model:
                    # a related manager of that model's row, as the library spells it
                    return self._library_value(found + origin[end:], hops + 1)
                return found + origin[end:]
            if origin.endswith("()", 0, end) and self.model_kind(origin[: end - 2]) == "django":
                return MODEL_INSTANCE + origin[end:]  # ``Notification(...)``: a new row
        return None

    def _model_row(self, value: str) -> bool:
        """``value`` reads an attribute of a row of a Django model of the project
        (``app.models.Placeholder().cmsplugin_set.filter()``)."""
        head, separator, _ = value.partition("().")
        return bool(separator) and "(" not in head and self.model_kind(head) == "django"

    def _returned_value(self, call: str) -> str | None:
        """``call``, a call of a project function or method (``mod.Db().connect()``), as
        the key under which the index keeps what it returns (``mod.Db.connect()``); None
        for another value, or when nothing is kept for it."""
        if not call.endswith("()") or call.split(".", 1)[0] not in self._project_roots():
            return None
        plain = call.removesuffix("()").replace("().", ".")
        if f"{plain}()" in self.database_values:
            return f"{plain}()"
        key = self._function_key(call.removesuffix("()"))  # a method a base defines
        found = f"{key}()" if key is not None else None
        return found if found in self.database_values else None

    def hooks_row_objects(self, model: str) -> bool:
        """A hook of the project runs when the ORM builds a ``model`` object from a row
        (a ``post_init`` receiver, a ``load`` listener), for it, a base of it or any
        sender."""
        hooks = self.instance_hooks
        if not hooks:
            return False
        if ANY_SENDER in hooks:
            return True
        senders = {self.class_key(name) for name in hooks}
        return any(name in senders for name, _ in self._in_base_order(model))

    def statement_interceptor(self) -> StatementInterceptor | None:
        """Project code that sees each statement a connection runs: a class with its own
        ``execute`` or ``executemany`` whose bases reach a library connection or cursor
        class, else a wrapper registered on a connection (the first, in a stable order);
        None for none."""
        for method in sorted(STATEMENT_METHODS):
            for owner in self.classes_defining(method):
                for current, record in self._in_base_order(owner):
                    if record is None and connection_or_cursor_base(current):
                        return StatementInterceptor(owner)
        for module in sorted(self.statement_hooks):
            for registration, line in self.statement_hooks[module][:1]:
                return StatementInterceptor(registration, module, line)
        return None

    def ordered(self, model: str, depth: int = 0) -> bool:
        """The Django model has a default ordering: its ``Meta.ordering``, or without a
        ``class Meta`` of its own, a project base's (``QuerySet.first()`` on its prefetched
        rows then reads them; without one it orders by the key, a new query)."""
        record = self.classes.get(self.class_key(model))
        if record is None or depth > 20:
            return False
        if record.ordering is not None:
            return record.ordering
        return any(self.ordered(base, depth + 1) for base in record.bases)

    def unmanaged(self, model: str) -> bool:
        """The Django model's table is not Django's to make: ``Meta.managed = False``, its
        own or a project base's (an abstract base's ``Meta`` is inherited)."""
        for _, record in self._in_base_order(model):
            if record is not None and record.unmanaged:
                return True
        return False

    def names_base_manager(self, model: str, depth: int = 0) -> bool:
        """The Django model (or a project base it inherits ``Meta`` from) declares
        ``Meta.base_manager_name``: a lazy relation access to it goes through that manager,
        which may hide rows that a join (``select_related``) returns."""
        record = self.classes.get(self.class_key(model))
        if record is None or depth > 20:
            return False
        return record.base_manager or any(
            self.names_base_manager(base, depth + 1) for base in record.bases
        )

    def builds_own_rows(self, model: str, manager: str) -> bool:
        """``model.<manager>`` is a manager of the project with its own ``get_queryset()``
        (``objects = SlimManager()``), or the model or a base binds it to a manager that is
        not Django's own (``BookQuerySet.as_manager()``, a manager inherited from an
        abstract or proxied model): its rows may defer fields or be narrowed, which no fact
        here spells out."""
        if self._function_key(f"{model}.{manager}.get_queryset") is not None:
            return True
        for _, record in self._in_base_order(model):
            if record is None:
                continue
            for attribute, builder in record.custom_managers:
                if attribute == manager:
                    return self._shapes_rows(builder)
        return False

    def manager_defines(self, model: str, manager: str, method: str) -> bool:
        """``model.<manager>`` is a custom manager of the project whose class, or the
        queryset class it is made from, or a project base of either, defines ``method``
        (``create``: a ``SlugManager.create`` that fills a field)."""
        for _, record in self._in_base_order(model):
            if record is None:
                continue
            for attribute, builder in record.custom_managers:
                if attribute == manager:
                    return any(
                        found is not None and method in found.methods
                        for _, found in self._in_base_order(builder)
                    )
        return False

    def _shapes_rows(self, builder: str) -> bool:
        """A manager or queryset class may shape its rows (defer fields, narrow them): a
        library's, one that cannot be named, or a project class that, or a project base
        of which, defines a method Django's managers and querysets use to build rows."""
        for name, record in self._in_base_order(builder):
            if record is None:
                if name == builder or not name.startswith(_DJANGO_QUERY_BASES):
                    return True  # the builder itself unknown, or a library base of it
            elif _ROW_SHAPING.intersection(record.methods):
                return True
        return False

    def loaded_by(self, source: str, relation: str) -> bool:
        """``source`` (a project function's, or property's, resolved name) returns rows that
        come with ``relation`` loaded on every call (``semantic/eager_loads.py``)."""
        name = source.removesuffix("()")
        # also through what project attributes hold (``self.review_request.get_diffsets``)
        key = self._loads_key(name) or self.attribute_values.follow(name, self._loads_key)
        return key is not None and relation in self.loads[key]

    def _loads_key(self, name: str) -> str | None:
        return self._function_key(name, self.loads) or self._function_key(
            _row_method(name), self.loads
        )

    def new_object(self, name: str, kinds: frozenset[str], depth: int = 0) -> str | None:
        """What calling ``name`` constructs, when it is one of ``kinds`` (library names,
        ``boto3.client``): a project class that subclasses one of them, or a project
        function that returns a new one (directly or from another such function)."""
        if depth > SUMMARY_DEPTH:
            return None
        plain = name.replace("().", ".").removesuffix("()")
        chained = name.removesuffix("()")  # ``boto3.Session().client``: made by a made object
        if plain in kinds or chained in kinds:
            made = plain if plain in kinds else chained
            return made if depth else None  # called directly: the rule's own check says so
        if plain in self.classes:
            return self._client_base(plain, kinds, depth)
        key = self._function_key(name)
        made = self.made.get(key) if key is not None else None
        return self.new_object(made, kinds, depth + 1) if made is not None else None

    def client_call(self, name: str) -> tuple[str, str] | None:
        """``name`` is a call on a sync client that a project function returns new (or a
        project class that subclasses one), such as ``app.Store()._client().put_object``,
        and it waits on the network or a database: (the client's kind, the factory's
        short name), for messages."""
        factory, found, method = name.rpartition("().")
        if not found or not factory or self._function_key(name) is not None:
            return None
        made = self.new_object(factory, SYNC_CLIENT_KINDS)
        kind = client_method_blocks(made, method) if made is not None else None
        return (kind, factory.rsplit(".", 1)[-1]) if kind is not None else None

    def remote_client_call(self, name: str) -> tuple[RemoteCall, str] | None:
        """``name`` is a call on a redis, memcache, boto3 or Elasticsearch client that a
        project function returns new (or a project class that subclasses one), such as
        ``app.util.search_client().index``, or a shared one it hands out, or one that
        every caller passes (a parameter, ``app.f@0:client.get``, or an attribute bound to
        one, ``self.client = client``): (the round trip, where the client comes from:
        "from `search_client()`"). Also through what project attributes hold and return
        annotations say (``get_broker().cache.get`` -> ``Broker().get_cache().get``)."""
        if name in self._remote_clients:
            return self._remote_clients[name]
        self._remote_clients[name] = None  # a passed value that leads back here: untyped
        found = self._remote_client_call(name)
        if found is None:
            found = self.attribute_values.follow(name, self._rewritten_client_call)
            if found is not None and not found[1]:  # a library client a module binds
                found = (found[0], f"from `{name.rpartition('.')[0]}`")
        self._remote_clients[name] = found
        return found

    def _rewritten_client_call(self, name: str) -> tuple[RemoteCall, str] | None:
        """``remote_client_call`` of a rewritten name, which may now be a library client's
        own (``app.clients.r.get`` -> ``redis.Redis().get``; no source: the caller names
        the original)."""
        remote = self._library_client_call(name)
        if remote is not None:
            return remote, ""
        return self._remote_client_call(name)

    def _library_client_call(self, name: str) -> RemoteCall | None:
        """``named_client_call`` of a library-rooted name, unless the project has a module
        of that name (its own ``redis.py``)."""
        if name.split(".", 1)[0] in self._project_roots():
            return None
        return named_client_call(name)

    def _remote_client_call(self, name: str) -> tuple[RemoteCall, str] | None:
        if "@" in name:
            return self._passed_client_call(name)
        factory, found, method = name.rpartition("().")
        if not found or not factory or self._function_key(name) is not None:
            return None
        made = self.new_object(factory, remote_client_kinds())
        remote = client_method_call(made, method) if made is not None else None
        if made is None:
            key = self._function_key(factory, self.handles)
            handle = self.handles.get(key) if key is not None else None
            remote = shared_client_call(handle, method) if handle is not None else None
        return (remote, f"from `{factory.rsplit('.', 1)[-1]}()`") if remote is not None else None

    def _passed_client_call(self, origin: str) -> tuple[RemoteCall, str] | None:
        """A call on a parameter's value (``app.f@0:client.get``): typed by what every
        caller of the function passes (``redis.Redis()``), a library client or a value
        that ``remote_client_call`` types in turn."""
        parts = split_origin(origin)
        if parts is None:
            return None
        function, _, parameter, _ = parts
        passed = self.argument_types.value(self, origin)
        if passed is None or "@" in passed:
            return None
        remote = self._library_client_call(passed)
        if remote is None:
            typed = self.remote_client_call(passed)
            remote = typed[0] if typed is not None else None
        if remote is None:
            return None
        owner = function.removesuffix(".__init__").rsplit(".", 1)[-1]
        return remote, f"that every caller of `{owner}()` passes as `{parameter}`"

    def _client_base(self, name: str, kinds: frozenset[str], depth: int) -> str | None:
        record = self.classes.get(name)
        for base in record.bases if record is not None else ():
            if base in kinds:
                return base
            if base in self.classes and depth < SUMMARY_DEPTH:
                found = self._client_base(base, kinds, depth + 1)
                if found is not None:
                    return found
        return None

    def per_item_caller(self, function: str) -> str | None:
        """How ``function`` comes to run once per item or per request: the chain of calls
        from a project loop over items, or from a request handler, that reaches it
        (``"`fetch_many()` is called on every pass of the loop over `sites` in
        `app.views.pages` (line 5)"``), or None when nothing such calls it, directly or
        through up to ``SUMMARY_DEPTH`` project functions. Worked out once for the
        project: a breadth-first walk down the call graph from the callees of such loops,
        each function entered once."""
        if self._per_item is None:
            self._per_item = self._build_per_item()
        return self._per_item.get(function)

    def _build_per_item(self) -> dict[str, str]:
        seeds = sorted(self.hot.items())
        # a method called on the same object on every pass of its loops, and reached no
        # other way: what it runs under a memo on that object (``if not self._iter:
        # self._iter = self._make_iter()``) runs once, not once per item
        one_object = {
            key
            for callee, _ in seeds
            if self.hot_same.get(callee) == 1
            for key in self._reach_keys(callee)
        }
        if one_object:
            varying = [seed for seed in seeds if self.hot_same.get(seed[0]) != 1]
            one_object -= self._per_item_walk(varying, set()).keys()
        return self._per_item_walk(seeds, one_object)

    def _per_item_walk(self, seeds: list[tuple[str, str]], one_object: set[str]) -> dict[str, str]:
        """The functions the ``hot`` callees in ``seeds`` reach, each with the chain that
        reaches it; a function of ``one_object`` is not followed into its object memo."""
        reached: dict[str, str] = {}
        frontier: list[str] = []
        for callee, why in seeds:
            for key in self._reach_keys(callee):
                if key not in reached:
                    reached[key] = why
                    frontier.append(key)
        for _ in range(SUMMARY_DEPTH):
            following: list[str] = []
            for name in frontier:
                edges = self._paths.get(name, {}).get("e", {}) if name in one_object else {}
                for callee in self._callees.get(name, ()):
                    guard = (edges.get(callee) or (0, 0))[0]
                    if guard and rules_out(guard, {RECEIVER_MEMO: True}):
                        continue  # filled once into the object's memo, not per call
                    short = callee.replace("()", "").rsplit(".", 1)[-1]
                    for key in self._reach_keys(callee):
                        if key not in reached:
                            reached[key] = f"{reached[name]}, and calls `{short}()`"
                            following.append(key)
                for handed in self.passes.get(name, ()):  # run by whoever takes it
                    short = handed.rsplit(".", 1)[-1]
                    for key in self._reach_keys(handed):
                        if key not in reached:
                            reached[key] = f"{reached[name]}, and hands on `{short}()`"
                            following.append(key)
                for key in self.dispatch.targets(name, self.classes):  # ``alert.alert()``
                    if key not in reached:
                        owner, _, short = key.rpartition(".")
                        where = owner.rsplit(".", 1)[-1]
                        reached[key] = f"{reached[name]}, and calls `{short}()` (`{where}`)"
                        following.append(key)
            frontier = following
        return reached

    def _reach_keys(self, callee: str) -> list[str]:
        """``_keys``, or a function known only by its calls on receivers of unknown type
        (it has no effect or project callee of its own)."""
        keys = self._keys(callee)
        if not keys:
            plain = callee.replace("().", ".").removesuffix("()")
            if plain in self.dispatch.calls:
                return [plain]
        return keys

    def _keys(self, callee: str) -> list[str]:
        key = self._function_key(callee)
        return [key] if key is not None else self._overrides(callee, self._subclasses)

    def summary_witness(self, name: str, effect: Effect) -> str:
        """The call that gives ``name`` that effect, for messages."""
        key = self._function_key(name)
        keys = [key] if key is not None else self._overrides(name, self._subclasses)
        receiver = self.inherited_receiver(name) if key is not None else ""
        for found in keys:
            text = self.summaries.witness(found, effect.value, receiver)
            if text:
                return text
        return ""

    def call_witness(self, name: str, effect: Effect, spec: dict[str, list] | None) -> str:
        """``summary_witness`` for a call passing ``spec``: when the witnessed chain starts
        with a callee that these arguments rule out (``if roles is None: roles =
        self.fetch()`` with roles passed), the first callee they leave in that has the
        effect."""
        witness = self.summary_witness(name, effect)
        key = self._function_key(name)
        if not spec or key is None or key not in self._paths or not witness.startswith("`"):
            return witness
        bindings = self._bindings(key, spec, {})
        edges = self._paths[key].get("e", {})
        first = witness[1:].partition("()`")[0]
        open_callees = []
        for callee in self._callees.get(key, ()):
            guard = (edges.get(callee) or (0, 0))[0]
            ruled_out = bool(guard) and rules_out(guard, bindings)
            if callee.rsplit(".", 1)[-1] == first and not ruled_out:
                return witness  # the witnessed callee runs
            if not ruled_out:
                open_callees.append(callee)
        for callee in open_callees:
            callee_key = self.summaries.key(callee)
            if callee_key is not None and self.summaries.value(callee_key) & effect.value:
                inner = self.summaries.witness(callee_key, effect.value)
                if inner:
                    return f"`{callee.rsplit('.', 1)[-1]}()` -> {inner}"
        return witness

    def inherited_receiver(self, name: str) -> str:
        """The class of the instance ``name`` is called on (``mod.Entra().to_user``) when
        it inherits the method from a project base: that method's calls on ``self`` run
        this class's overrides (``Summaries.value``); "" otherwise."""
        owner, separator, method = name.rpartition("().")
        if not separator or not method.isidentifier() or owner not in self.classes:
            return ""
        key = self._function_key(name)
        if key is None or key.rpartition(".")[0] == owner:
            return ""
        return owner

    def stand_in_overrides(self, name: str) -> list[str]:
        """The overrides that stand in for ``name``, a method the index keeps no facts of:
        for a call on an instance (``mod.Base().render``), what its subclasses define;
        none for a call that names the class (``super().render`` resolved to
        ``mod.Base.render``, ``Base.render(self)``) when that class defines the method or
        inherits it from a project base: exactly that method runs, never a sibling
        subclass's override."""
        if "()." not in name:
            owner, _, method = name.rpartition(".")
            if self.defining_class(owner, method) is not None:
                return []
        return self._overrides(name, self._subclasses)

    def related_hop(self, name: str) -> str | None:
        """``mod.Translation().component.store_log`` (``semantic/callee_names.py``) with
        ``component`` a to-one relation of ``Translation``: ``mod.Component().store_log``,
        the method called on the related row; None for another name."""
        parts = split_related_method(name)
        if parts is None or parts[0] not in self.classes:
            return None
        relation = self.relation(parts[0], parts[1])
        if relation is None or relation.many or relation.target is None:
            return None
        return f"{relation.target}().{parts[2]}"

    def module_int(self, name: str) -> int | None:
        """The int literal a module binds ``name`` to once (``app.settings.WORKERS``),
        also through a re-export (``from .defaults import WORKERS``); None when unknown."""
        key = self._find_key(name, 0, self.module_ints)
        return self.module_ints.get(key) if key is not None else None

    def library_base_method(self, name: str) -> str | None:
        """``mod.Class.<super>.save`` (``semantic/callee_names.py``) that no project class
        along the bases defines: the method of the first library base in their order
        (``django.db.models.Model.save``), None when every base is the project's."""
        owner, _, method = name.rpartition(".")
        for position, (current, record) in enumerate(
            self._in_base_order(owner.removesuffix(NEXT_IN_ORDER))
        ):
            if record is None:
                return None if position == 0 else f"{current}.{method}"
        return None

    def defining_class(self, owner: str, method: str) -> str | None:
        """The class of the project whose ``method`` runs for ``owner``: ``owner`` itself
        or the project base it inherits the method from (the first in the order of the
        bases, depth first); None when a library base comes first, which may define it."""
        for current, record in self._in_base_order(owner):
            if record is None:
                return None
            if method in record.methods:
                return current
        return None

    def inherited_constructor(self, name: str, library: Collection[str]) -> str | None:
        """The class of ``library`` whose constructor ``name``, a project class, runs:
        one of its bases (through project classes, in the order of the bases), when no
        project class on the way defines an ``__init__`` other than one handing its first
        argument, ``maxsize=0``, to its base's; None otherwise."""
        for current, record in self._in_base_order(name):
            if record is None:
                return current if current in library else None
            if "__init__" in record.methods and not record.forwards_size:
                return None
        return None

    def _in_base_order(self, owner: str) -> Iterator[tuple[str, ClassFacts | None]]:
        """``owner`` and its bases, each once, depth first in the order of the bases
        (``_CLASS_DEPTH_LIMIT`` classes at most), each with its facts; a class the project
        does not define (a library's) ends its branch, as its bases are not known."""
        todo, seen = [owner], set()
        while todo and len(seen) < _CLASS_DEPTH_LIMIT:
            current = self.class_key(todo.pop())
            if current in seen:
                continue
            seen.add(current)
            record = self.classes.get(current)
            yield current, record
            if record is not None:
                todo.extend(reversed(record.bases))

    def _overrides(self, name: str, subclasses: dict[str, list[str]]) -> list[str]:
        """Methods of subclasses (up to three levels down) that override ``name``, a
        method the class itself defines without any call or effect, or only inherits."""
        plain = name.replace("().", ".").removesuffix("()")
        owner, _, method = plain.rpartition(".")
        if owner not in subclasses or not method or method.startswith("__"):
            return []
        found: list[str] = []
        todo, seen = [(owner, 0)], {owner}
        while todo:
            current, depth = todo.pop()
            for sub in subclasses.get(current, ()):
                if sub in seen or depth >= 3:
                    continue
                seen.add(sub)
                if f"{sub}.{method}" in self.functions:
                    found.append(f"{sub}.{method}")
                else:
                    todo.append((sub, depth + 1))
        return found

    def subclasses_within(self, owner: str) -> frozenset[str]:
        """``owner`` and its subclasses up to three levels down, as ``_overrides`` looks."""
        found = {owner}
        todo = [(owner, 0)]
        while todo:
            current, depth = todo.pop()
            for sub in self._subclasses.get(current, ()):
                if sub not in found and depth < 3:
                    found.add(sub)
                    todo.append((sub, depth + 1))
        return frozenset(found)

    def classes_defining(self, method: str) -> list[str]:
        """The classes of the project that define ``method`` (``db_for_read``: a router)."""
        if self._model_methods is None and self._model_methods_from is not None:
            self._model_methods = self._model_methods_from._model_methods_by_name()
        if self._model_methods is None:
            self._model_methods = self._model_methods_by_name()
        return self._model_methods.get(method, [])

    def model_methods(self, method: str) -> list[str]:
        """The model classes that define ``method``, when no other class of the project
        does (a heuristic for a receiver of unknown type); else []."""
        owners = self.classes_defining(method)
        models = [owner for owner in owners if self.model_kind(owner) is not None]
        if any(owner in self.classes and owner not in models for owner in owners):
            return []
        return models

    def _model_methods_by_name(self) -> dict[str, list[str]]:
        if self._model_methods is None:
            by_name: dict[str, list[str]] = {}
            for key in self.functions:
                owner, _, name = key.rpartition(".")
                by_name.setdefault(name, []).append(owner)
            for owner, record in self.classes.items():  # methods without effects too
                for name in record.methods:
                    owners = by_name.setdefault(name, [])
                    if owner not in owners:
                        owners.append(owner)
            self._model_methods = by_name
        return self._model_methods

    def method_owners(
        self, method: str, model: str | None = None, origin: str | None = None
    ) -> tuple[list[str], str]:
        """The model classes whose ``method`` a call ``x.method()`` may run, ``x`` of
        unknown type, and the confidence: ``typed`` when ``x`` is known to be a row of
        ``model`` or an instance from ``origin`` (a qualified name) that fits, nothing when
        ``origin`` is something else (what another package returned, another class),
        ``heuristic`` when only the method's name ties them."""
        owners = self.model_methods(method)
        if not owners:
            return [], ""
        if model is None and origin is not None:
            if origin.split(".", 1)[0] not in self._project_roots():
                return [], ""  # an object of another package
            model = self._origin_class(origin)
            if model is None:
                return owners, "heuristic"
        if model is None:
            return owners, "heuristic"
        model = self.class_key(model)  # ``app.models.Book``, re-exported from ``.books``
        return [o for o in owners if self._kin(model, o)], "typed"

    def _project_roots(self) -> frozenset[str]:
        roots = self._roots
        if roots is None:
            roots = self._roots = frozenset(
                name.split(".", 1)[0] for table in (self.classes, self.functions) for name in table
            )
        return roots

    def _origin_class(self, origin: str) -> str | None:
        """The project class an ``origin`` name holds an instance of: ``app.m.Job()``,
        ``app.m.Job.objects.get()``, a row of ``app.m.Job.objects.filter()``."""
        parts = origin.split(".")
        for end in range(len(parts), 0, -1):
            head = ".".join(parts[:end])
            rest = parts[end:]
            if head.endswith("()") and head[:-2] in self.classes and not rest:
                return head[:-2]
            if head in self.classes and rest and rest[0] in ("objects", "_default_manager"):
                if any(not part.endswith(("()", "[]")) for part in rest[1:]):
                    return None  # ``.get().pricing_set``: a relation hop to another model
                return head
        return None

    def _kin(self, one: str, other: str) -> bool:
        """``one`` is ``other``, or one of them derives from the other (a method inherited
        or overridden)."""
        return one == other or self._derives(one, other) or self._derives(other, one)

    def _derives(self, name: str, base: str, depth: int = 0) -> bool:
        record = self.classes.get(name)
        if record is None or depth > 10:
            return False
        return any(b == base or self._derives(b, base, depth + 1) for b in record.bases)

    def many_accessors(self) -> frozenset[str]:
        """Names of Django related managers (m2m fields, reverse foreign keys) on any model
        of the project, also where the relation's target cannot be resolved."""
        known = self._many_accessors
        if known is None:
            names = {
                attribute
                for relations in self._relations.values()
                for attribute, relation in relations.items()
                if relation.framework == "django" and relation.many
            }
            for owner, record in self.classes.items():
                if self.model_kind(owner) != "django":
                    continue
                for attribute, field in record.fields.items():
                    kind, related = field.kind, field.related
                    if kind == "m2m":
                        names.add(attribute)
                    if (
                        kind in ("fk", "m2m")
                        and related
                        and not related.endswith("+")
                        and "%" not in related
                    ):
                        names.add(related)
            known = self._many_accessors = frozenset(names)
        return known

    # --- statements -------------------------------------------------------------------

    def statement(self, name: str) -> tuple[str | None, str | None]:
        """``(verb, SQL)`` of a module-level SQL string of the project, or of the SQL a
        project function returns (``app.sql.build_upsert()``), else (None, None)."""
        found = self.statements.get(name)
        if found is None and name.endswith("()"):
            key = self._function_key(name[:-2])
            found = self.statements.get(f"{key}()") if key is not None else None
        return (found[0] or None, found[1] or None) if found else (None, None)


_SINGLE_ROW = frozenset({"get", "first", "last", "earliest", "latest", "get_object_or_404"})


def _row_method(name: str) -> str:
    """``app.m.Book.objects.get().title_case`` -> ``app.m.Book().title_case``: a method
    called on the row a single-row lookup returns; else ``name``."""
    receiver, _, method = name.rpartition(".")
    chain = django_manager_chain(receiver + ".x")
    if chain is None or not receiver.endswith("()") or chain[1][-2] not in _SINGLE_ROW:
        return name
    return f"{chain[0]}().{method}"
