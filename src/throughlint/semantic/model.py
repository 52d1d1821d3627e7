"""The semantic model of one file: scopes, bindings, loops, ``with`` blocks, and name
resolution. Rules ask it questions; the checker keeps it current as the walk goes."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from throughlint.semantic.expressions import BLOCK_NODES, target_names, walk_statements
from throughlint.semantic.global_rebinds import placeholder
from throughlint.semantic.loop_facts import LoopFacts
from throughlint.semantic.loops import Loop
from throughlint.semantic.members import members
from throughlint.semantic.model_forms import model_form_row
from throughlint.semantic.properties import parameter_attribute
from throughlint.semantic.qualnames import MATERIALIZERS, canonical
from throughlint.semantic.scope import Binding, BindingKind, Scope, ScopeKind

_BUILTINS = frozenset(dir(builtins))
# each step of a resolution (an attribute, a call, a name to its binding) counts one: a
# chain of refinements (``qs = qs.filter(...)`` under an ``if``, then a related manager of
# its rows) takes about 16 steps; the bound stops cycles (``a = b; b = a``)
_MAX_DEPTH = 32
_ITEMS_DEPTH = 12
# rebindings that read the name (``qs = qs.filter(...)``) followed back at most this far
_MAX_REFINEMENTS = 64
# calls whose result is whatever their arguments make it: not the module's own value
# (``reduce(operator.or_, querysets)`` is a queryset, not something ``functools`` made)
_ANY_RESULT = frozenset({"functools.reduce", "copy.copy", "copy.deepcopy"})


@dataclass(frozen=True, slots=True)
class Frame:
    """Where the walk is inside the innermost function: loops and ``with`` items that
    enclose the current node. Function and lambda bodies start a new frame."""

    function: ast.AST | None
    loops: tuple[Loop, ...] = ()
    withs: tuple[ast.withitem, ...] = ()


class SemanticModel:
    def __init__(self, module: str, tree: ast.Module, small_loop_max: int = 4) -> None:
        self.module = module
        self.tree = tree
        self.small_loop_max = small_loop_max
        self.scope = Scope(ScopeKind.MODULE, tree, None)
        self.module_scope = self.scope
        self.frame = Frame(function=None)
        # qualified name of the innermost ``def`` being walked (lambdas belong to it)
        self.function_name: str | None = None
        self.is_package = False  # the file is a package's ``__init__.py``
        # the file's text says ``global`` somewhere (``global_rebinds``: else no walk)
        self.mentions_global = True
        self.classes: list[ast.ClassDef] = []
        self.imported_modules: set[str] = set()  # grown by ``bind_import`` only
        self._imports_django = False  # one of them is Django's, asked per function
        self._class_attributes: dict[ast.ClassDef, dict[str, ast.expr]] = {}
        # a value a method binds to ``self.x`` -> that method's own imports over the
        # module's names (``import pylibmc as mc`` then ``self._client = mc.Client()``)
        self._value_scopes: dict[ast.expr, Scope] = {}
        self._method_imports: dict[ast.AST, Scope | None] = {}
        self._local_classes: dict[str, ast.ClassDef] = {}
        # resolve() answers by node, valid in the scope it was asked in until the next
        # binding: rules and the index ask about the same call several times
        self._resolved: dict[ast.expr | None, tuple[Scope, str | None]] = {}
        # the statements from the module down to the innermost one around the node being
        # visited (a statement being visited is last); the checker pushes and pops them
        # as it walks, so rules never rebuild parent chains. Statements only: pushing
        # every node would cost a quarter of the walk.
        self.node_stack: list[ast.stmt] = []
        self._loop_facts: dict[ast.AST, LoopFacts] = {}
        self._memos: dict[str, dict] = {}
        # bumped by every binding: answers that look names up hold until it changes
        self.generation = 0
        # nodes the loop facts visited: the work they did, for tests of its growth
        self.facts_visits = [0]

    def release(self) -> None:
        """Drop everything the model holds (``Checker.release``): unusable afterwards."""
        vars(self).clear()

    # --- the walk position -------------------------------------------------------------

    @property
    def loops(self) -> tuple[Loop, ...]:
        return self.frame.loops

    @property
    def function(self) -> ast.AST | None:
        return self.frame.function

    @property
    def class_name(self) -> str:
        """The qualified name of the class the walk is in (``app.m.Outer.Inner``), or the
        module's name outside classes."""
        return ".".join([self.module, *(c.name for c in self.classes)])

    def hot_loop(self, include_while: bool = False) -> Loop | None:
        """The innermost enclosing loop that repeats per item (small literal loops and,
        unless asked, ``while`` loops do not count, but for one that drains a collection
        an item per pass); None outside such loops."""
        for loop in reversed(self.frame.loops):
            if loop.small or (loop.is_while and loop.iter is None and not include_while):
                continue
            return loop
        return None

    def fold_path(
        self, top: ast.AST, name: str, start: object, step: Callable[[Any, ast.AST, ast.AST], Any]
    ) -> Any:
        """A value folded along the statements from ``top`` down to the innermost one
        around the node being visited (``node_stack``): ``step(value, parent, child)``
        for each step, from ``start`` at ``top``; ``start`` when ``top`` is not on the
        stack. Remembered per (``top``, statement) under ``name``, so a path shared by
        many nodes is folded once, not once per node."""
        memo = self.memo(name)
        stack = self.node_stack
        at = len(stack) - 1
        while at >= 0 and stack[at] is not top and (top, stack[at]) not in memo:
            at -= 1
        if at < 0:
            return start
        value = start if stack[at] is top else memo[top, stack[at]]
        for index in range(at + 1, len(stack)):
            value = step(value, stack[index - 1], stack[index])
            memo[top, stack[index]] = value
        return value

    def loop_facts(self, loop: Loop) -> LoopFacts:
        """What the body of ``loop`` does (``semantic.loop_facts``), worked out on the first
        question and kept for the rest of the file."""
        return self._facts_of(loop.node)

    def _facts_of(self, node: ast.AST) -> LoopFacts:
        facts = self._loop_facts.get(node)
        if facts is None:
            facts = self._loop_facts[node] = LoopFacts(node, self._facts_of, self.facts_visits)
        return facts

    def memo(self, name: str) -> dict:
        """A dictionary kept for this file, for answers worth remembering by node."""
        found = self._memos.get(name)
        if found is None:
            found = self._memos[name] = {}
        return found

    def within_with(self, qualified_names: frozenset[str] | set[str]) -> ast.withitem | None:
        """The innermost enclosing ``with`` item whose context resolves to one of the names
        (matched on the call, e.g. ``redis.Redis().pipeline()``), in the current function.
        Once per ``with`` stack and state of the bindings, not once per call in its body."""
        withs = self.frame.withs
        if not withs:
            return None
        if not isinstance(qualified_names, frozenset):
            return self._within_with(qualified_names)
        memo = self.memo("within_with")
        key = (qualified_names, withs[-1], len(withs), self.generation, id(self.scope))
        if key not in memo:
            memo[key] = self._within_with(qualified_names)
        return memo[key]

    def _within_with(self, qualified_names: frozenset[str] | set[str]) -> ast.withitem | None:
        for item in reversed(self.frame.withs):
            name = self.resolve(item.context_expr)
            if name is not None and (
                name in qualified_names or _strip_call(name) in qualified_names
            ):
                return item
        return None

    # --- bindings ----------------------------------------------------------------------

    def bind(self, binding: Binding) -> None:
        previous = self.scope.bindings.get(binding.name)
        if _placeholder_for_import(previous, binding):
            return  # ``except ImportError: redis = None``: calls only ever see the import
        if (
            previous is not None
            and binding.kind is BindingKind.ASSIGNMENT
            and _reads(binding.value, binding.name)
        ):
            binding.previous = previous  # ``qs = qs.prefetch_related(...)``
        self.scope.bind(binding)
        self.generation += 1
        if self._resolved:
            self._resolved.clear()
        if binding.kind is BindingKind.CLASS and self.scope is self.module_scope:
            self._local_classes[binding.name] = binding.node  # type: ignore[assignment]

    def bind_target(self, target: ast.expr, kind: BindingKind, value: ast.expr | None) -> None:
        """Bind every name in an assignment or loop target; ``value`` only for a plain name,
        and for the names a loop unpacks from ``enumerate(x)`` or ``zip(x, y)``: each takes
        its items from its own iterable."""
        if isinstance(target, ast.Name):
            self.bind(Binding(target.id, kind, target, value))
            return
        if kind is BindingKind.LOOP_VARIABLE and isinstance(target, ast.Tuple):
            unpacked = self._unpacked_iterables(target, value)
            if unpacked is not None:
                for element, iterable in zip(target.elts, unpacked, strict=True):
                    self.bind_target(element, kind, iterable)
                return
        for name in target_names(target):
            self.bind(Binding(name, kind, target, None))

    def _unpacked_iterables(
        self, target: ast.Tuple, iterable: ast.expr | None
    ) -> list[ast.expr | None] | None:
        """For each element of ``target``, the iterable it takes its items from when the
        loop runs over the builtin ``enumerate(x)`` (the count, then ``x``'s items) or
        ``zip(x, y, ...)``; None for another iterable."""
        if not isinstance(iterable, ast.Call) or not _only_start(iterable):
            return None
        if any(isinstance(argument, ast.Starred) for argument in iterable.args):
            return None
        function = self.resolve(iterable.func)
        if function == "builtins.enumerate" and len(iterable.args) in (1, 2):
            if len(target.elts) == 2:
                return [None, iterable.args[0]]
        elif function == "builtins.zip" and len(iterable.args) == len(target.elts):
            return list(iterable.args)
        return None

    def bind_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self._add_imported(alias.name)
        else:
            self._add_imported(self.absolute_module(node))
        for binding in self._import_bindings(node):
            self.bind(binding)

    def absolute_module(self, node: ast.ImportFrom) -> str:
        module = node.module or ""
        if not node.level:
            return module
        package = self.module.split(".")
        # ``from .http import get`` in ``app/__init__.py`` (module ``app``) is ``app.http``
        level = node.level - 1 if self.is_package else node.level
        package = package[: max(len(package) - level, 0)]
        return ".".join([*package, module] if module else package)

    def _add_imported(self, module: str) -> None:
        self.imported_modules.add(module)
        if module.startswith("django"):
            self._imports_django = True

    @property
    def imports_django(self) -> bool:
        """The module has imported from Django so far in the walk."""
        return self._imports_django

    def lookup(self, name: str) -> Binding | None:
        return self.scope.lookup(name)

    # --- resolution --------------------------------------------------------------------

    def resolve(self, node: ast.expr | None) -> str | None:
        """The qualified name an expression stands for, following imports and simple
        assignments: ``q.Queue`` -> ``queue.Queue``; the result of a call ends in ``()``
        (``sqlite3.connect()``, ``sqlite3.connect().cursor()``); an item of an iterable
        ends in ``[]``. None when not known."""
        known = self._resolved.get(node)
        if known is not None and known[0] is self.scope:
            return known[1]
        name = self._resolve(node, 0)
        self._resolved[node] = (self.scope, name)
        return name

    def _resolve(
        self, node: ast.expr | None, depth: int, previous: tuple[str, str] | None = None
    ) -> str | None:
        """``previous``: a name and what it stood for before a rebinding that reads it
        (``qs = qs.filter(...)``): the name inside the chain is that earlier value."""
        if node is None or depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Name):
            if previous is not None and node.id == previous[0]:
                return previous[1]
            return self._resolve_name(node.id, depth)
        if isinstance(node, ast.Attribute):
            base = self._resolve(node.value, depth + 1, previous)
            if base is None:
                return None
            if base.endswith("()"):
                value = self._instance_attribute(base, node.attr)
                alias = self._method_alias(base, node.attr, value)
                if alias is not None:
                    return canonical(f"{base}.{alias}")
                if value is not None:
                    return self._resolve_in_module(value, depth + 1)
            return canonical(f"{base}.{node.attr}")
        if isinstance(node, ast.Call):
            func = self._resolve(node.func, depth + 1, previous)
            if func is None or func in _ANY_RESULT:
                return None
            if func == "builtins.super().save":
                row = self._form_row(self._enclosing_class())
                if row is not None:  # ``super().save()`` in a ModelForm: the row it saved
                    return self._resolve_in_module(row, depth + 1)
            return canonical(f"{func}()")
        if isinstance(node, ast.Subscript):
            base = self._resolve(node.value, depth + 1, previous)
            return f"{base}[]" if base is not None else None
        if isinstance(node, ast.Await):
            return self._resolve(node.value, depth + 1, previous)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            # ``lock or threading.Lock()``: a default made when nothing is passed in; the
            # one operand whose value is known, when only one is
            names = {self._resolve(value, depth + 1, previous) for value in node.values}
            names.discard(None)
            return names.pop() if len(names) == 1 else None
        return None

    def _resolve_name(self, name: str, depth: int) -> str | None:
        binding = self.scope.lookup(name)
        if binding is None:
            return f"builtins.{name}" if name in _BUILTINS else None
        return self._resolve_binding(binding, depth)

    def _resolve_binding(self, binding: Binding, depth: int) -> str | None:
        kind = binding.kind
        if kind is BindingKind.IMPORT:  # ``from multiprocessing.pool import Pool``
            return canonical(binding.qualified) if binding.qualified is not None else None
        if kind is BindingKind.FUNCTION or kind is BindingKind.CLASS:
            return binding.qualified
        if kind is BindingKind.SELF:
            owner = binding.owner
            return f"{self.module}.{owner.name}()" if owner is not None else None
        if kind is BindingKind.ASSIGNMENT and placeholder(self, binding):
            return f"{self.module}.{binding.name}"  # what a function sets under ``global``
        if binding.value is None:
            if kind is BindingKind.PARAMETER and binding.qualified is not None:
                return canonical(f"{binding.qualified}()")  # a class the framework passes
            return None
        if kind is BindingKind.LOOP_VARIABLE:
            items = self._items_of(binding.value, depth)
            built = _built_items(items, self.scope.lookup)
            if built is not None:  # ``[Reading(**r) for r in payload]``: each a Reading
                return self._resolve(built, depth + 1)
            value = self._resolve(items, depth + 1)
            return f"{value}[]" if value is not None else None
        value = (
            self._resolve_refined(binding, depth)
            if binding.previous is not None
            else self._resolve(binding.value, depth + 1)
        )
        if value is None:
            return None
        if kind is BindingKind.PARAMETER:
            return canonical(f"{value}()")
        return value

    def _resolve_refined(self, binding: Binding, depth: int) -> str | None:
        """A chain of rebindings that each read the name (``qs = qs.filter(...)`` under
        a dozen ``if``s), resolved from the first binding forward, one step each: the
        chain's length does not count against the resolution bound, only against
        ``_MAX_REFINEMENTS`` (past it, nothing)."""
        chain = [binding]
        while chain[-1].previous is not None:
            if len(chain) > _MAX_REFINEMENTS:
                return None
            chain.append(chain[-1].previous)  # type: ignore[arg-type]
        value = self._resolve_binding(chain.pop(), depth + 1)
        while chain and value is not None:
            step = chain.pop()
            value = self._resolve(step.value, depth + 1, (step.name, value))
        return value

    def _items_of(self, iterable: ast.expr, depth: int) -> ast.expr:
        """What a loop over ``iterable`` takes its items from: ``list(x)``, ``tuple(x)``,
        ``sorted(x, key=...)`` and ``reversed(x)`` hold ``x``'s items (the builtins, not a
        user's own ``list``). Not a slice: ``qs[1:]`` (the duplicates after the first) and
        ``qs[:n]`` are a few rows far more often than a table (the accuracy benchmark's
        tune split and the fresh audit applications: four such loops, none worth fixing)."""
        node = iterable
        for _ in range(_ITEMS_DEPTH):
            inner = self._materialized(node, depth, slices=False)
            if inner is None and isinstance(node, ast.Name):
                # ``rows = list(qs)`` then ``for row in rows``: the name stays a list
                binding = self.scope.lookup(node.id)
                if binding is not None and binding.kind is BindingKind.ASSIGNMENT:
                    bound = binding.value
                    if bound is not None and self._materialized(bound, depth, slices=False):
                        inner = bound
            if inner is None:
                return node
            node = inner
        return node

    def materialized(self, node: ast.expr) -> ast.expr | None:
        """What ``list(x)``, ``sorted(x, key=...)`` or ``x[a:b]`` holds the items of;
        None for another node."""
        return self._materialized(node, 0)

    def _materialized(self, node: ast.expr, depth: int, slices: bool = True) -> ast.expr | None:
        """What ``list(x)``, ``sorted(x, key=...)`` or ``x[a:b]`` holds the items of."""
        if slices and isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            return node.value
        if (
            isinstance(node, ast.Call)
            and len(node.args) == 1
            and not isinstance(node.args[0], ast.Starred)
            and self._resolve(node.func, depth + 1) in MATERIALIZERS
        ):
            return node.args[0]
        return None

    def _resolve_in_module(self, node: ast.expr, depth: int) -> str | None:
        """``node`` resolved where it was written: at module level, or for a value a method
        binds to an attribute, with that method's own imports (an optional dependency
        imported where it is used) over the module's names."""
        saved, self.scope = self.scope, self._value_scopes.get(node, self.module_scope)
        try:
            return self._resolve(node, depth)
        finally:
            self.scope = saved

    # --- classes defined in this file --------------------------------------------------

    def _instance_attribute(self, instance: str, attribute: str) -> ast.expr | None:
        prefix = f"{self.module}."
        if not instance.startswith(prefix):
            return None
        class_def = self._local_classes.get(instance[len(prefix) : -2])
        if class_def is None:
            return None
        class_def = self._attribute_owner(class_def, attribute)
        value = self.class_attributes(class_def).get(attribute)
        if isinstance(value, ast.Name):  # ``self.conn = conn``, ``conn: Connection``
            return parameter_attribute(class_def, attribute) or value
        if value is None and attribute == "instance":
            return self._form_row(class_def)  # a ModelForm's row
        return value

    def _method_alias(self, instance: str, attribute: str, value: ast.expr | None) -> str | None:
        """``_append = append`` in the class body of ``instance``, after ``def append``:
        ``self._append`` is that method, so its name is ``append``; None otherwise (a
        name of the module, a method's ``self._append = ...`` binding)."""
        if not isinstance(value, ast.Name):
            return None
        class_def = self._local_classes.get(instance[len(self.module) + 1 : -2])
        if class_def is None:
            return None
        owner = self._attribute_owner(class_def, attribute)
        definitions = members(owner).functions.get(value.id)
        if not definitions or value.id == attribute:
            return None
        for statement in owner.body:
            if (
                isinstance(statement, ast.Assign)
                and statement.value is value
                and statement.lineno > definitions[0].lineno
            ):
                return value.id
        return None

    def _attribute_owner(self, class_def: ast.ClassDef, attribute: str) -> ast.ClassDef:
        """The class whose body or methods bind ``attribute`` for instances of
        ``class_def``: itself, or the nearest base of this file along the bases' order
        (``self.job_class`` in a subclass of the registry that sets it) when the class
        neither binds it nor defines a method or property of that name."""
        seen = {class_def.name}
        pending = [class_def]
        while pending:
            current = pending.pop(0)
            if attribute in self.class_attributes(current):
                return current
            if attribute in members(current).functions:
                return class_def  # a method or property of that name hides the bases'
            for base in current.bases:
                if isinstance(base, ast.Name) and base.id not in seen:
                    seen.add(base.id)
                    found = self._local_classes.get(base.id)
                    if found is not None:
                        pending.append(found)
        return class_def

    def _form_row(self, class_def: ast.ClassDef | None) -> ast.expr | None:
        """The row a ``ModelForm`` of this file edits, spelt ``Model.objects.get()``."""
        if class_def is None:
            return None
        rows = self.memo("model_form_rows")
        if class_def not in rows:
            rows[class_def] = model_form_row(
                class_def,
                lambda base: self._resolve_in_module(base, 0),
                self._local_classes.get,
            )
        return rows[class_def]

    def _enclosing_class(self) -> ast.ClassDef | None:
        """The class whose method the walk is in (the nearest class scope)."""
        scope: Scope | None = self.scope
        while scope is not None:
            if scope.kind is ScopeKind.CLASS:
                return scope.node  # type: ignore[return-value]
            scope = scope.parent
        return None

    def instance_class(self, instance: str | None) -> ast.ClassDef | None:
        """The class of this file an instance (``module.Channel()``) is made from."""
        prefix = f"{self.module}."
        if instance is None or not instance.startswith(prefix) or not instance.endswith("()"):
            return None
        return self._local_classes.get(instance[len(prefix) : -2])

    def own_class(self, instance: str | None) -> ast.ClassDef | None:
        """The class of this file an instance (``module.Session()``) is made from, when
        nothing of it comes from another package: its bases are classes of this file
        (or ``object``), all the way up. A user's own ``Session`` or ``Cursor``."""
        class_def = self.instance_class(instance)
        if class_def is None:
            return None
        seen: set[str] = set()
        pending = [class_def]
        while pending:
            current = pending.pop()
            if current is None:
                return None
            for base in current.bases:
                if isinstance(base, ast.Name) and base.id == "object":
                    continue
                if not isinstance(base, ast.Name) or base.id in seen:
                    return None
                seen.add(base.id)
                pending.append(self._local_classes.get(base.id))
        return class_def

    def class_attributes(self, class_def: ast.ClassDef) -> dict[str, ast.expr]:
        """Attributes a class gives its instances: class-level assignments and
        ``self.name = value`` in its methods (a constructed value beats a placeholder
        such as ``None``; otherwise the first in source order wins)."""
        known = self._class_attributes.get(class_def)
        if known is None:
            origins: dict[ast.expr, ast.AST] = {}
            known = self._class_attributes[class_def] = _collect_class_attributes(
                class_def, origins
            )
            for value, method in origins.items():
                scope = self._imports_of(method)
                if scope is not None:
                    self._value_scopes[value] = scope
        return known

    def _imports_of(self, function: ast.AST) -> Scope | None:
        """The names ``function`` binds by its own ``import`` statements (not those of a
        nested ``def``), in a scope over the module's; None when it imports nothing. An
        import stays the name's value through ``except ImportError: x = None`` (``None``
        has no attributes: every use that resolves is the import's); any other binding of
        the name in the function leaves it unknown."""
        if function in self._method_imports:
            return self._method_imports[function]
        scope: Scope | None = None
        dropped: set[str] = set()
        for node in _own_statements(function):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for binding in self._import_bindings(node):
                    if scope is None:
                        scope = Scope(ScopeKind.FUNCTION, function, self.module_scope)
                    scope.bind(binding)
            elif isinstance(node, ast.Assign):
                if not _is_none(node.value):  # ``None``: the ``except ImportError`` arm's
                    for target in node.targets:
                        dropped.update(target_names(target))
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
                dropped.update(target_names(node.target))
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if item.optional_vars is not None:
                        dropped.update(target_names(item.optional_vars))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                dropped.add(node.name)
            elif isinstance(node, ast.Global):
                dropped.update(node.names)
        if scope is not None:
            for name in dropped:
                scope.bindings.pop(name, None)
        self._method_imports[function] = scope
        return scope

    def _import_bindings(self, node: ast.Import | ast.ImportFrom) -> list[Binding]:
        """The bindings an import statement makes (``bind_import``'s, not bound here)."""
        if isinstance(node, ast.Import):
            return [
                Binding(
                    alias.asname or alias.name.split(".")[0],
                    BindingKind.IMPORT,
                    node,
                    qualified=alias.name if alias.asname else alias.name.split(".")[0],
                )
                for alias in node.names
            ]
        base = self.absolute_module(node)
        return [
            Binding(
                alias.asname or alias.name,
                BindingKind.IMPORT,
                node,
                qualified=f"{base}.{alias.name}" if base else alias.name,
            )
            for alias in node.names
            if alias.name != "*"
        ]


def _built_items(iterable: ast.expr, lookup: Callable[[str], Binding | None]) -> ast.expr | None:
    """The constructor call each item of a comprehension list is (``[Reading(**r) for r in
    payload]``, or a name bound to one): what a loop over it gets; None for another
    iterable. Only a call of a capitalised name (a class), not a function's result."""
    if isinstance(iterable, ast.Name):
        binding = lookup(iterable.id)
        if binding is None or binding.kind is not BindingKind.ASSIGNMENT:
            return None
        iterable = binding.value  # type: ignore[assignment]
    if not isinstance(iterable, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
        return None
    element = iterable.elt
    if not isinstance(element, ast.Call):
        return None
    func = element.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return element if name[:1].isupper() else None


def _placeholder_for_import(previous: Binding | None, binding: Binding) -> bool:
    """Both arms of ``try: import x`` / ``except ImportError: x = None`` are possible
    values; ``None`` has no attributes, so every use that resolves goes to the import."""
    return (
        previous is not None
        and previous.kind is BindingKind.IMPORT
        and binding.kind is BindingKind.ASSIGNMENT
        and isinstance(binding.value, ast.Constant)
        and binding.value.value is None
    )


def _only_start(call: ast.Call) -> bool:
    """``enumerate(x, start=1)``; ``zip(x, y, strict=True)``: keywords that keep the items."""
    return all(keyword.arg in ("start", "strict") for keyword in call.keywords)


def _reads(value: ast.expr | None, name: str) -> bool:
    """``value`` is a method chain on ``name`` (``name.filter(...).only(...)``)."""
    while isinstance(value, (ast.Call, ast.Attribute, ast.Subscript)):
        value = value.func if isinstance(value, ast.Call) else value.value
    return isinstance(value, ast.Name) and value.id == name


def _strip_call(name: str) -> str:
    return name[:-2] if name.endswith("()") else name


def _collect_class_attributes(
    class_def: ast.ClassDef, origins: dict[ast.expr, ast.AST]
) -> dict[str, ast.expr]:
    """The attributes (``class_attributes``); ``origins`` gets the method that binds each
    value bound in a method."""
    found: dict[str, ast.expr] = {}
    for statement in class_def.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                found[target.id] = field_default(statement.value)
        elif (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and statement.value is not None
        ):
            found[statement.target.id] = field_default(statement.value)
    for statement in class_def.body:
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        arguments = statement.args.posonlyargs + statement.args.args
        if not arguments or _is_static(statement):
            continue
        self_name = arguments[0].arg
        for node in walk_statements(statement):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == self_name
            ):
                previous = found.get(target.attr)
                if previous is None or (
                    isinstance(value, ast.Call) and not isinstance(previous, ast.Call)
                ):
                    found[target.attr] = value
                    origins[value] = statement
    return found


def _own_statements(function: ast.AST) -> Iterator[ast.AST]:
    """The statements of ``function`` in source order, not those of a nested ``def`` or
    class (their names are theirs)."""
    todo = list(reversed(getattr(function, "body", [])))
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        children: list[ast.AST] = []
        for name in node._fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                children.extend(item for item in value if isinstance(item, BLOCK_NODES))
        todo.extend(reversed(children))


def _is_none(value: ast.expr) -> bool:
    return isinstance(value, ast.Constant) and value.value is None


_CONTAINERS = frozenset({"dict", "list", "set", "tuple", "deque", "defaultdict", "OrderedDict"})
# dataclasses.field / attrs.field, attr.ib / attr.attrib: the keyword naming a factory
_FIELD_FACTORIES = {
    "field": ("default_factory", "factory"),
    "ib": ("factory",),
    "attrib": ("factory",),
}


def field_default(value: ast.expr) -> ast.expr:
    """What a dataclass or attrs field gives each instance: ``field(default_factory=
    threading.Lock)`` (also ``attr.ib(factory=...)``, ``attrs.field(factory=...)``) is a
    ``threading.Lock()`` of its own, spelt as that call; any other value is itself."""
    if not isinstance(value, ast.Call):
        return value
    func = value.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    keywords = _FIELD_FACTORIES.get(name or "", ())
    for keyword in value.keywords:
        if keyword.arg is not None and keyword.arg in keywords:
            factory = keyword.value
            if isinstance(factory, ast.Name) and factory.id in _CONTAINERS:
                return value  # a container: what it holds is the annotation's to say
            if isinstance(factory, ast.Lambda) and not factory.args.args:
                return factory.body
            return ast.copy_location(ast.Call(func=factory, args=[], keywords=[]), value)
    return value


def _is_static(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(decorator, ast.Name) and decorator.id in {"staticmethod", "classmethod"}
        for decorator in function.decorator_list
    )
