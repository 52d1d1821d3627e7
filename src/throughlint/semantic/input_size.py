"""How big a loop's input can be, one answer for every rule.

- ``constant``: literals, module or class constants bound to literals, enum members,
  ``range(k)`` with a small literal ``k``, ``.items()``/``.keys()``/``.values()`` of a
  constant dict, a set narrowed from a constant one (``set(FIXED) - done``,
  ``.difference(...)``): the loop runs a fixed, small number of times whatever the data;
- ``configured``: settings and configuration values (``settings.X``, ``app.config[...]``,
  ``os.environ``, a member of a configuration object reached through attributes:
  ``self.app.conf.beat_schedule``, a hook a setting names, called:
  ``settings.X(request)`` or ``import_string(settings.X)(request)``): sized by an
  operator, not by the data;
- ``small``: a request's own small collection, bounded by construction: the fields of a
  form (``for field in form``, ``form.cleaned_data.items()``, a formset's ``forms``), the
  files of one upload (``request.FILES``: Django accepts at most
  ``DATA_UPLOAD_MAX_NUMBER_FILES``, 100), a page already sliced with a literal bound
  (``qs[:20]``; a bound from settings is ``configured``);
- ``per-request``: request, form or upload data: one user's payload;
- ``unbounded``: query results, files, streams, consumers, ``while`` loops: grows with the
  data (``priority.py`` already tells these apart as "query" and "unbounded");
- ``unknown``: anything else, parameters included.

A local name takes the join of the values the function binds it to, when nothing else can
change its length: ``params = [a, b]`` (or ``[c]`` on another branch), ``overrides =
settings.X``, ``months = []`` filled by ``months.append(...)`` only in loops over constant
input (``for _ in range(12)``). A name the function grows otherwise, rebinds by a loop,
``with`` or augmented assignment, or hands to a call that may fill it keeps ``unknown``.
What a list grown only by adding items in loops, or by extending it, is as big as (the
loops' iterables, the extending arguments: ``grown_local``) sizes what a helper returns
(``index/output_size.py``).

Constant and small input never cost more than a handful of round trips: such findings are
held back from the default output (``relevance.py``).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from throughlint.semantic.expressions import child_nodes, literal_int, walk_nodes
from throughlint.semantic.loops import range_length
from throughlint.semantic.querysets import QUERYSET_CLASS, admin_queryset
from throughlint.semantic.scope import BindingKind, class_def_of
from throughlint.semantic.types import self_assignments

if TYPE_CHECKING:
    from throughlint.semantic.loops import Loop
    from throughlint.semantic.model import SemanticModel

CONSTANT, SMALL, CONFIGURED, PER_REQUEST = "constant", "small", "configured", "per-request"
# what a call of a function hands out, for the index to size: "call:<resolved name>"
CALL_OUTPUT = "call:"
UNBOUNDED, UNKNOWN = "unbounded", "unknown"
SIZES = (CONSTANT, SMALL, CONFIGURED, PER_REQUEST, UNBOUNDED, UNKNOWN)
# smallest first; ``unknown`` below ``unbounded``: a join with a query result is unbounded
ORDER = {CONSTANT: 0, SMALL: 1, CONFIGURED: 2, PER_REQUEST: 3, UNKNOWN: 4, UNBOUNDED: 5}

# ``range(k)`` with a literal ``k`` up to this runs a fixed handful of times
_SMALL_RANGE = 64
# a page sliced with a literal bound up to this (``qs[:100]``) is small by construction
_SMALL_PAGE = 100
# a form (or formset) read as its fields: the form itself, its fields or cleaned data
_FORM_FIELDS = frozenset({"fields", "cleaned_data", "changed_data", "forms", "errors"})
_UPLOADS = frozenset({"FILES"})
_DICT_VIEWS = frozenset({"items", "keys", "values"})
_NARROWERS = frozenset({"difference", "intersection"})  # a set method: at most the set
_WRAPPERS = frozenset(
    {"enumerate", "sorted", "reversed", "list", "tuple", "set", "frozenset", "dict", "zip"}
)
_CONFIG_ROOTS = frozenset({"settings", "config", "conf", "app_config", "configuration"})
_IMPORT_BY_PATH = frozenset(
    {"django.utils.module_loading.import_string", "werkzeug.utils.import_string"}
)
_CONFIG_NAMES = ("django.conf.settings", "os.environ", "flask.current_app.config")
_REQUEST_ROOTS = frozenset({"request", "req", "form", "serializer", "upload", "uploads"})
_REQUEST_ATTRIBUTES = frozenset(
    {"POST", "GET", "FILES", "data", "json", "form", "files", "args", "query_params"}
    | {"cleaned_data", "validated_data", "initial_data"}
)
_QUERY_ATTRIBUTES = frozenset({"objects", "iterator", "all", "yield_per", "scalars"})
_ENUM_BASES = frozenset({"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "TextChoices"})
_ENUM_BASES |= {"IntegerChoices", "Choices"}
# the fields of a model or form, an enum's members or choices: fixed by the source
_SCHEMA_ATTRIBUTES = frozenset({"_meta", "__members__", "__subclasses__"})
_SCHEMA_ATTRIBUTES |= {"base_fields", "declared_fields", "visible_fields", "hidden_fields"}
# what is installed or registered (plugins, backends, add-ons): sized by an operator
_REGISTRY_WORDS = ("registry", "registered", "plugins", "backends", "extensions")
_REGISTRY_WORDS += ("drivers", "providers", "addons", "_classes")
# methods that add one item to a list, set, deque or dict; and those that add many
_ADD_ONE = frozenset({"append", "add", "insert", "appendleft", "setdefault", "__setitem__"})
_ADD_MANY = frozenset({"extend", "update", "extendleft", "__ior__", "union_update"})
# calls that read a collection handed to them and never fill it
_READERS = frozenset({"len", "list", "tuple", "set", "frozenset", "sorted", "reversed", "iter"})
_READERS |= {"enumerate", "zip", "any", "all", "sum", "min", "max", "bool", "str", "repr"}
_READERS |= {"isinstance", "print", "dict", "cast"}
# local names followed through their bindings this deep (``a = [..]; b = a``)
_LOCAL_DEPTH = 3


def join(sizes: Iterable[str]) -> str:
    """The largest of ``sizes`` (``unknown`` below ``unbounded``); "" for none."""
    return max(sizes, key=lambda size: ORDER.get(size, ORDER[UNKNOWN]), default="")


def input_size(model: SemanticModel, loop: Loop | None, loop_input: str) -> str:
    """The size class of ``loop``'s input; ``loop_input`` is ``priority.py``'s answer
    ("query", "unbounded" or "")."""
    if loop is None:
        return ""
    node = loop.iter
    if node is None:
        return UNBOUNDED  # a ``while`` loop
    page = _page_size(model, node) or _local_page_size(model, node)
    if page:
        return page
    if _admin_selection(model, node):
        return PER_REQUEST
    if loop_input and isinstance(node, ast.Call) and _constant(model, node, 0):
        return CONSTANT  # ``zip(rows, range(3))``
    if loop_input:
        return UNBOUNDED
    return expression_size(model, node)


def _admin_selection(model: SemanticModel, node: ast.expr) -> bool:
    """The ``queryset`` of Django's ``(request, queryset)`` convention: the rows a user
    ticked in the admin's list (``semantic/querysets.py``)."""
    if not isinstance(node, ast.Name):
        return False
    binding = model.lookup(node.id)
    if binding is None or binding.kind is not BindingKind.PARAMETER:
        return False
    if binding.qualified == QUERYSET_CLASS:
        return True
    # annotated (``queryset: QuerySet[Alliance]``): the annotation types its rows, and the
    # convention still says whose selection it is
    function = model.function
    return (
        isinstance(binding.node, ast.arg)
        and isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
        and admin_queryset(model, function, binding.node)
    )


def _local_page_size(model: SemanticModel, node: ast.expr) -> str:
    """``top = qs[0:2]`` then ``for row in top``: the page's size when every value the
    local is bound to is a page (``_page_size``); "" otherwise."""
    inner = unwrapped(node)
    if not isinstance(inner, ast.Name):
        return ""
    values = local_values(model, inner.id)
    if not values:
        return ""
    sizes = [_page_size(model, value) for value in values]
    return join(sizes) if all(sizes) else ""


def argument_size(model: SemanticModel, node: ast.expr) -> str:
    """What a call passes, for the project index (``index/reach.py``): "p:<name>" for the
    caller's own parameter, else the size of the expression (through one local
    assignment: ``rows = X.objects.all(); f(rows)``)."""
    if isinstance(node, ast.Starred):
        return UNKNOWN
    if isinstance(node, ast.Name):
        binding = model.lookup(node.id)
        if binding is not None and binding.kind is BindingKind.PARAMETER:
            return f"p:{node.id}"
        if (
            binding is not None
            and binding.kind is BindingKind.ASSIGNMENT
            and binding.value is not None
            and not _bound_outside_functions(model, node.id)
        ):
            size = _direct_size(model, binding.value)
            if size in (CONSTANT, SMALL) and node.id in _filled_in_loops(model):
                # ``reactions = {}``, then filled in a loop over the input: the literal
                # it starts from does not size it
                return UNKNOWN
            if size != UNKNOWN:
                return size
            return call_output(model, binding.value) or UNKNOWN
    # not through a local's other bindings: every call site passes arguments, and walking
    # the function for each name costs more than the few sizes it would find
    return _direct_size(model, node)


def _filled_in_loops(model: SemanticModel) -> frozenset[str]:
    """The names the enclosing function adds items to (``x.append(...)``,
    ``x.setdefault(...)``, ``x[k] = v``) in a loop over input that is not constant: one
    walk per function, asked for each argument it passes."""
    function = model.function
    if function is None:
        return frozenset()
    memo = model.memo("filled_in_loops")
    found = memo.get(function)
    if found is None:
        names: set[str] = set()
        todo: list[tuple[ast.AST, bool]] = [(c, False) for c in ast.iter_child_nodes(function)]
        while todo:
            node, looped = todo.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                continue  # its own scope
            if looped and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                receiver = node.func.value
                if isinstance(receiver, ast.Name) and (
                    node.func.attr in _ADD_ONE or node.func.attr in _ADD_MANY
                ):
                    names.add(receiver.id)
            elif looped and isinstance(node, ast.Assign | ast.AugAssign):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                        names.add(target.value.id)
            inner = looped
            if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
                inner = looped or not _constant_loop(model, node)
                todo += [(child, looped) for child in _loop_header_nodes(node)]
                todo += [(child, inner) for child in (*node.body, *node.orelse)]
                continue
            if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
                inner = looped or not _constant_loop(model, node)
            todo += [(child, inner) for child in child_nodes(node)]
        found = memo[function] = frozenset(names)
    return found


def call_output(model: SemanticModel, node: ast.expr) -> str:
    """``call:<name>`` for a call of a function of this file's own top-level package,
    which the index may size (``rows = load_rows()``, then ``f(rows)``); "" for anything
    else (a library's function hands out what the index cannot size)."""
    inner = unwrapped(node)
    if isinstance(inner, ast.Await):
        inner = inner.value
    if not isinstance(inner, ast.Call):
        return ""
    name = model.resolve(inner.func)
    package = model.module.split(".", 1)[0]
    if name is None or not name.startswith(f"{package}."):
        return ""
    return f"{CALL_OUTPUT}{name}"


def loop_parameter(model: SemanticModel, loop: Loop | None) -> bool:
    """The loop iterates one of the enclosing function's parameters, as a bare name or
    through a wrapper or dict view that keeps its length (``mapping.items()``,
    ``enumerate(rows)``)."""
    if loop is None or loop.iter is None:
        return False
    iterated = unwrapped(loop.iter)
    if not isinstance(iterated, ast.Name):
        return False
    binding = model.lookup(iterated.id)
    return binding is not None and binding.kind is BindingKind.PARAMETER


def expression_size(model: SemanticModel, node: ast.expr, depth: int = 0) -> str:
    """The size class of an iterable expression (see the module docstring)."""
    size = _direct_size(model, node)
    if size != UNKNOWN or depth >= _LOCAL_DEPTH:
        return size
    inner = unwrapped(node)
    if inner is not node:  # ``dict(settings.LANGUAGES)``: as many items as what it wraps
        size = _direct_size(model, inner)
        if size != UNKNOWN:
            return size
    if isinstance(inner, ast.Name):
        return local_size(model, inner.id, depth + 1) or UNKNOWN
    return UNKNOWN


def _direct_size(model: SemanticModel, node: ast.expr) -> str:
    """The size class of ``node`` from its own text and the names it reads."""
    if _constant(model, node, 0):
        return CONSTANT
    # one walk for the three questions about the attributes the expression reads
    attributes = [part for part in walk_nodes(node) if isinstance(part, ast.Attribute)]
    if _query_text(attributes):
        return UNBOUNDED
    if _schema(attributes):
        return CONSTANT
    root = _root(node)
    name = model.resolve(node) or ""
    if name.startswith(_CONFIG_NAMES) or (root is not None and root.lower() in _CONFIG_ROOTS):
        return CONFIGURED
    if _configuration_member(node) or _configured_hook_call(model, node):
        return CONFIGURED
    if _registry(node) and not _is_parameter(model, node):
        return CONFIGURED
    if _small_by_construction(node):
        return SMALL
    if _per_request(root, attributes):
        return PER_REQUEST
    return UNKNOWN


direct_size = _direct_size  # for the index's output sizes (``index/output_size.py``)


def local_size(model: SemanticModel, name: str, depth: int = 1) -> str:
    """The join of the values the enclosing function binds the local ``name`` to, when
    nothing else changes its length (see the module docstring); "" when that is not so."""
    function = model.function
    memo = model.memo("local_size")
    key = (function, name, depth)
    if key not in memo:
        memo[key] = ""  # a name bound from itself: not followed round
        values = local_values(model, name)
        memo[key] = (
            join(expression_size(model, _uncast(model, v), depth) for v in values) if values else ""
        )
    return memo[key]


def local_values(model: SemanticModel, name: str) -> list[ast.expr] | None:
    """The values the enclosing function binds its local ``name`` to; None when ``name``
    is not such a local, or the function may change its length in another way."""
    found = _locals_of(model, name)
    if found is None:
        return None
    values, changed, _ = found
    return None if name in changed else values.get(name, [])


def grown_local(model: SemanticModel, name: str) -> tuple[list[ast.expr], list[ast.expr]] | None:
    """A local list or set that the function binds and then only grows by adding items in
    loops (``keys = []``, ``for p in params: keys.append(...)``) or by extending it
    (``keys.extend(more)``): (the values bound, what its growth is as big as: each loop's
    iterable, each extending argument; ``None`` stands for a ``while`` loop). None for a
    name changed in any other way, or not grown."""
    found = _locals_of(model, name)
    if found is None:
        return None
    values, changed, grown = found
    if name not in grown or name not in changed or grown[name] is None:
        return None
    return values.get(name, []), grown[name]


def _locals_of(
    model: SemanticModel, name: str
) -> tuple[dict[str, list[ast.expr]], set[str], dict[str, list | None]] | None:
    """``_local_values`` of the enclosing function, when ``name`` is one of its locals
    bound by assignment; None otherwise."""
    function = model.function
    binding = model.lookup(name)
    if (
        function is None
        or binding is None
        or binding.kind is not BindingKind.ASSIGNMENT
        or model.module_scope.bindings.get(name) is binding
    ):
        return None
    memo = model.memo("local_values")  # one walk of the function, for all its names
    if function not in memo:
        memo[function] = _local_values(model, function)
    return memo[function]


def subject_parameter(subject: str) -> str:
    """The name a loop's subject text iterates, through the wrappers and dict views that
    keep its length (``mapping.items()``: ``mapping``); "" for anything else (a subject
    cut short for display does not parse)."""
    if subject.isidentifier():
        return subject
    try:
        node = ast.parse(subject, mode="eval").body
    except SyntaxError:
        return ""
    inner = unwrapped(node)
    return inner.id if isinstance(inner, ast.Name) and inner is not node else ""


def loop_callee(model: SemanticModel, loop: Loop | None) -> str | None:
    """The resolved name of the call ``loop`` iterates (through wrappers and dict views,
    through a local bound only to that call, or one bound empty and filled from that call
    alone); None when it iterates something else."""
    if loop is None or loop.iter is None:
        return None
    node = unwrapped(loop.iter)
    if isinstance(node, ast.Name):
        values = local_values(model, node.id)
        if values is None:
            values = _filled_from_one_source(model, node.id)
        if not values or len(values) != 1:
            return None
        node = unwrapped(values[0])
    if isinstance(node, ast.Await):
        node = node.value
    if not isinstance(node, ast.Call):
        return None
    return model.resolve(node.func)


def _filled_from_one_source(model: SemanticModel, name: str) -> list[ast.expr] | None:
    """``[source]`` for a local bound only to empty literals and then grown from the one
    ``source`` (``keys: list = []``, then ``keys.extend(make_keys())`` or a loop over
    ``make_keys()`` that appends): as big as that source; None otherwise."""
    grown = grown_local(model, name)
    if grown is None:
        return None
    bound, sources = grown
    if len(sources) != 1 or sources[0] is None:
        return None
    return [sources[0]] if bound and all(map(_empty_literal, bound)) else None


def _empty_literal(node: ast.expr) -> bool:
    """``[]``, ``()``, ``list()`` or ``set()``."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return not node.elts
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("list", "set")
        and not node.args
        and not node.keywords
    )


def _uncast(model: SemanticModel, node: ast.expr) -> ast.expr:
    """``cast(list[Block], [A, B])`` is ``[A, B]``."""
    if (
        isinstance(node, ast.Call)
        and len(node.args) == 2
        and (model.resolve(node.func) or "") in ("typing.cast", "typing_extensions.cast")
    ):
        return node.args[1]
    return node


uncast = _uncast


def _local_values(
    model: SemanticModel, function: ast.AST
) -> tuple[dict[str, list[ast.expr]], set[str], dict[str, list | None]]:
    """The values ``function`` binds each of its names to, the names it may change the
    length of in another way (a loop or ``with`` target, ``+=``, a store by subscript, an
    item added in a loop over input that is not constant, a call that is handed the name),
    and for those changed only by adding items, what the growth is as big as (``None``
    once the name is changed otherwise). One walk for every name: a walk per name was
    quadratic in a function of many loops."""
    values: dict[str, list[ast.expr]] = {}
    changed: set[str] = set()
    grown: dict[str, list | None] = {}
    todo: list[tuple[ast.AST, tuple[ast.AST, ...]]] = [
        (child, ()) for child in ast.iter_child_nodes(function)
    ]
    while todo:
        node, loops = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue  # its own scope
        for name in _names_used(node):
            if grown.get(name, ()) is None:
                continue  # changed otherwise: nothing more to learn
            bound = values.setdefault(name, [])
            use = _binding_use(model, node, name, loops, bound)
            if use is False:
                changed.add(name)
                grown[name] = None
            elif isinstance(use, list):
                changed.add(name)
                grown.setdefault(name, []).extend(use)  # type: ignore[union-attr]
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            inner = (*loops, node)
            todo += [(child, inner) for child in (*node.body, *node.orelse)]
            todo += [(child, loops) for child in _loop_header_nodes(node)]
            continue
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            inner = (*loops, node)
            todo += [(child, inner) for child in child_nodes(node)]
            continue
        todo += [(child, loops) for child in child_nodes(node)]
    return values, changed, grown


def _names_used(node: ast.AST) -> set[str] | frozenset[str]:
    """The names ``_binding_use`` may answer something other than "nothing" for at
    ``node``: those its targets bind or store into, a call's receiver and arguments.
    Dispatched on the node's type: asked for every node of a function."""
    names = _NAME_USES.get(node.__class__)
    return _NO_NAMES if names is None else names(node)


_NO_NAMES: frozenset[str] = frozenset()


def _call_names(node: ast.Call) -> set[str]:
    used = set()
    func = node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        used.add(func.value.id)
    for argument in (*node.args, *(k.value for k in node.keywords)):
        inner = argument.value if isinstance(argument, ast.Starred) else argument
        if isinstance(inner, ast.Name):
            used.add(inner.id)
    return used


def _targets_names(node: ast.Assign | ast.Delete) -> set[str]:
    return {n for target in node.targets for n in _target_roots(target)}


def _target_names(node: ast.AnnAssign | ast.NamedExpr | ast.AugAssign | ast.For) -> set[str]:
    return _target_roots(node.target)


def _with_names(node: ast.withitem) -> set[str]:
    return set() if node.optional_vars is None else _target_roots(node.optional_vars)


def _declared_names(node: ast.Global | ast.Nonlocal) -> set[str]:
    return set(node.names)


_NAME_USES: dict[type, Callable[[Any], set[str]]] = {
    ast.Assign: _targets_names,
    ast.Delete: _targets_names,
    ast.AnnAssign: _target_names,
    ast.NamedExpr: _target_names,
    ast.AugAssign: _target_names,
    ast.For: _target_names,
    ast.AsyncFor: _target_names,
    ast.comprehension: _target_names,
    ast.withitem: _with_names,
    ast.Global: _declared_names,
    ast.Nonlocal: _declared_names,
    ast.Call: _call_names,
}


def _target_roots(target: ast.expr) -> set[str]:
    """Every ``name`` for which ``_names(target, name)`` holds."""
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return {n for item in target.elts for n in _target_roots(item)}
    if isinstance(target, ast.Starred):
        return _target_roots(target.value)
    if isinstance(target, ast.Subscript):
        root = _root(target.value)
        return {root} if root else set()
    return set()


def _loop_header_nodes(node: ast.For | ast.AsyncFor | ast.While) -> list[ast.AST]:
    return [node.test] if isinstance(node, ast.While) else [node.target, node.iter]


def _binding_use(
    model: SemanticModel,
    node: ast.AST,
    name: str,
    loops: tuple[ast.AST, ...],
    values: list[ast.expr],
) -> bool | list | None:
    """What ``node`` does to ``name``: False when it may change its length other than by
    binding it to a value (kept in ``values``) or adding items in constant loops; a list
    of what the growth is as big as when it adds items otherwise (``_call_use``)."""
    if isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == name:
                values.append(node.value)
            elif _names(target, name):
                return False  # unpacked into it, or stored by subscript
        return None
    if isinstance(node, (ast.AnnAssign, ast.NamedExpr)):
        if isinstance(node.target, ast.Name) and node.target.id == name:
            if node.value is None:
                return None
            values.append(node.value)
        elif _names(node.target, name):
            return False
        return None
    if isinstance(node, (ast.AugAssign, ast.Delete)):
        return False if any(_names(t, name) for t in _targets(node)) else None
    if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
        return False if _names(node.target, name) else None
    if isinstance(node, (ast.withitem,)):
        return (
            False if node.optional_vars is not None and _names(node.optional_vars, name) else None
        )
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return False if name in node.names else None
    if isinstance(node, ast.Call):
        return _call_use(model, node, name, loops)
    return None


def _call_use(
    model: SemanticModel, node: ast.Call, name: str, loops: tuple[ast.AST, ...]
) -> bool | list | None:
    """``name.append(x)`` in constant loops only: nothing; in other loops, or
    ``name.extend(more)``: the loops' iterables and the arguments that the growth is as
    big as; ``fill(name)`` may add anything: False."""
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == name
    ):
        if func.attr in _ADD_ONE or func.attr in _ADD_MANY:
            sources: list = []
            if func.attr in _ADD_MANY:
                if any(isinstance(a, ast.Starred) for a in node.args) or node.keywords:
                    return False
                sources += [a for a in node.args if not _constant(model, a, 0)]
            for loop in loops:
                if not _constant_loop(model, loop):
                    sources += _loop_sources(loop)
            return sources or None
        return None
    for argument in (*node.args, *(k.value for k in node.keywords)):
        inner = argument.value if isinstance(argument, ast.Starred) else argument
        if isinstance(inner, ast.Name) and inner.id == name:
            called = func.id if isinstance(func, ast.Name) else ""
            if called not in _READERS:
                return False
    return None


def _loop_sources(loop: ast.AST) -> list:
    """What a loop's number of passes is as big as: its iterables (None: a ``while``)."""
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        return [loop.iter]
    if isinstance(loop, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        return [generator.iter for generator in loop.generators]
    return [None]


def _constant_loop(model: SemanticModel, loop: ast.AST) -> bool:
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        return _constant(model, loop.iter, 0)
    if isinstance(loop, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        return all(_constant(model, g.iter, 0) for g in loop.generators)
    return False  # a ``while`` loop


def _targets(node: ast.AugAssign | ast.Delete) -> list[ast.expr]:
    return node.targets if isinstance(node, ast.Delete) else [node.target]


def _names(target: ast.expr, name: str) -> bool:
    """``target`` binds or stores into ``name``: ``a, name = ...``, ``name[k] = v``,
    ``*name``; not ``name.x = v`` or ``other[name] = v``."""
    if isinstance(target, ast.Name):
        return target.id == name
    if isinstance(target, (ast.Tuple, ast.List)):
        return any(_names(item, name) for item in target.elts)
    if isinstance(target, ast.Starred):
        return _names(target.value, name)
    if isinstance(target, ast.Subscript):
        return _root(target.value) == name
    return False


def unwrapped(node: ast.expr) -> ast.expr:
    """``enumerate(x)``, ``sorted(x)``, ``list(x)``, ``x.items()``: ``x``."""
    for _ in range(4):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _WRAPPERS
            and len(node.args) == 1
        ):
            node = node.args[0]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _DICT_VIEWS
            and not node.args
        ):
            node = node.func.value
        else:
            break
    return node


def _page_size(model: SemanticModel, node: ast.expr) -> str:
    """A page already cut from its source: ``qs[:20]``, ``rows[offset:offset + 20]`` is not
    (its length is the difference); ``small`` for a literal bound up to ``_SMALL_PAGE``,
    ``configured`` for a bound read from settings, "" otherwise."""
    node = unwrapped(node)
    if not isinstance(node, ast.Subscript) or not isinstance(node.slice, ast.Slice):
        return ""
    lower, upper = node.slice.lower, node.slice.upper
    if upper is None or node.slice.step is not None:
        return ""
    start = 0 if lower is None else _literal_int(model, lower)
    stop = _literal_int(model, upper)
    if start is not None and stop is not None:
        return SMALL if 0 <= stop - start <= _SMALL_PAGE else ""
    if lower is None:
        name = model.resolve(upper) or ""
        root = _root(upper)
        if name.startswith(_CONFIG_NAMES) or (root is not None and root.lower() in _CONFIG_ROOTS):
            return CONFIGURED
    return ""


def _small_by_construction(node: ast.expr) -> bool:
    """The fields of one form or formset (``for field in form``, ``form.cleaned_data``,
    ``formset.forms``; not one field's value, ``form.cleaned_data["users"]``), or the files
    of one upload (``request.FILES``)."""
    node = unwrapped(node)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "getlist"  # ``request.FILES.getlist("files")``
    ):
        node = node.func.value
    if isinstance(node, ast.Attribute):
        if node.attr in _UPLOADS:
            root = _root(node.value)
            return root is not None and root.lower() in ("request", "req", "self")
        if node.attr in _FORM_FIELDS:
            return _form_name(node.value)
        return False
    return _form_name(node)


def _form_name(node: ast.expr) -> bool:
    """``form``, ``self.form``, ``formset``, ``edit_form``: a name that says it is a form
    (not ``transform`` or ``platform``)."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name in ("form", "formset") or name.endswith(("_form", "_formset"))


def _constant(model: SemanticModel, node: ast.expr | None, depth: int) -> bool:
    if node is None or depth > 6:
        return False
    if isinstance(node, ast.Constant):
        return True
    # a display written out in the source has a fixed length, whatever its items are
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return not any(isinstance(item, ast.Starred) for item in node.elts)
    if isinstance(node, ast.Dict):
        return None not in node.keys
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id == "range" and not node.keywords and 1 <= len(node.args) <= 3:
            bounds = [_literal_int(model, arg) for arg in node.args]
            if any(bound is None for bound in bounds):
                return False
            count = range_length(*bounds)  # type: ignore[arg-type]
            return count is not None and count <= _SMALL_RANGE
        if node.func.id == "zip" and node.args and model.lookup("zip") is None:
            # the builtin ``zip`` is as long as its shortest argument
            return any(_constant(model, arg, depth + 1) for arg in node.args)
        if node.func.id in _WRAPPERS and node.args and not node.keywords:
            return all(_constant(model, arg, depth + 1) for arg in node.args)
        return False
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in _NARROWERS:  # ``set(FIXED).difference(done)``: no longer
            if _constant(model, node.func.value, depth + 1):
                return True
            # ``seen.intersection(FIXED)``: no longer than any of the sets it meets
            return node.func.attr == "intersection" and any(
                _constant(model, arg, depth + 1) for arg in node.args
            )
        return (
            node.func.attr in _DICT_VIEWS
            and not node.args
            and _constant(model, node.func.value, depth + 1)
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Sub, ast.BitAnd)):
        # ``set(FIXED) - done`` is no longer than ``set(FIXED)``; ``a & b`` than either
        return _constant(model, node.left, depth + 1) or (
            isinstance(node.op, ast.BitAnd) and _constant(model, node.right, depth + 1)
        )
    if isinstance(node, ast.Name):
        return _constant_name(model, node.id, depth)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return _class_constant(model, node.value.id, node.attr, depth) or _imported_constant(
            model, node.value.id, node.attr
        )
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        # ``self.aliases["image"]``, ``FIELDS["user"]``: one entry of a constant table
        table = _table(model, node.value)
        return table is not None and _constant(model, _entry(table, node.slice.value), depth + 1)
    return False


def _table(model: SemanticModel, node: ast.expr) -> ast.Dict | None:
    """The dict literal a constant name or class attribute is bound to."""
    value: ast.expr | None = None
    if isinstance(node, ast.Name):
        binding = model.lookup(node.id)
        if (
            binding is not None
            and binding.kind is BindingKind.ASSIGNMENT
            and (node.id.isupper() or _bound_outside_functions(model, node.id))
        ):
            value = binding.value
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        value = _unshadowed_class_value(model, node.value.id, node.attr)
    return value if isinstance(value, ast.Dict) else None


def _entry(table: ast.Dict, key: object) -> ast.expr | None:
    """The value a dict literal gives ``key`` (a literal key), if it is written there."""
    for candidate, value in zip(table.keys, table.values, strict=True):
        if isinstance(candidate, ast.Constant) and candidate.value == key:
            return value
    return None


def _constant_name(model: SemanticModel, name: str, depth: int) -> bool:
    """A module or class constant bound once to a literal, or an enum class."""
    binding = model.lookup(name)
    if binding is None:
        return False
    if binding.kind is BindingKind.CLASS:
        return _is_enum(class_def_of(binding))
    if binding.kind is BindingKind.IMPORT:
        # ``from .migration import DATA_MIGRATIONS``: an upper-case module constant
        return name.isupper() and len(name) > 1
    if binding.kind is not BindingKind.ASSIGNMENT or binding.value is None:
        return False
    if not (name.isupper() or _bound_outside_functions(model, name)):
        return False
    return _constant(model, binding.value, depth + 1)


def _imported_constant(model: SemanticModel, owner: str, attribute: str) -> bool:
    """``files_service.MOVIE_PREFIXES``: an upper-case constant of an imported module (or
    class), as ``from .files_service import MOVIE_PREFIXES`` is; not a setting."""
    if not (attribute.isupper() and len(attribute) > 1) or owner in _CONFIG_ROOTS:
        return False
    binding = model.lookup(owner)
    if binding is None or binding.kind is not BindingKind.IMPORT:
        return False
    resolved = model.resolve(ast.Name(id=owner, ctx=ast.Load()))
    return resolved is None or not resolved.startswith(_CONFIG_NAMES)


def _bound_outside_functions(model: SemanticModel, name: str) -> bool:
    return (
        name in model.module_scope.bindings
        and model.scope.lookup(name) is (model.module_scope.bindings[name])
    )


def _class_constant(model: SemanticModel, owner: str, attribute: str, depth: int) -> bool:
    """``self.TABLES`` / ``cls.TABLES`` / ``Config.TABLES`` bound to a literal in the class
    body, or ``Colour.RED``-style members of an enum class."""
    class_def = _class_of(model, owner)
    if class_def is None:
        return False
    if _is_enum(class_def):
        return True
    value = _class_value(model, class_def, attribute)
    if value is None and owner == "self":
        value = _instance_literal(model, class_def, attribute)
    return value is not None and _constant(model, value, depth + 1)


def _instance_literal(
    model: SemanticModel, class_def: ast.ClassDef, attribute: str
) -> ast.expr | None:
    """``self.defaults = [a, b, c]``, the one binding of the attribute in the class's
    methods, a display that is not empty, and nothing grows it (``append``, ``+=``,
    ``self.defaults[k] = ...``): as long as it is written."""
    values = self_assignments(class_def).get(attribute)
    if not values or len(values) != 1:
        return None
    value = values[0]
    if not isinstance(value, (ast.List, ast.Tuple, ast.Set, ast.Dict)):
        return None
    items = value.keys if isinstance(value, ast.Dict) else value.elts
    if not items or attribute in _grown_attributes(model, class_def):
        return None
    return value


_GROWERS = frozenset({"append", "extend", "insert", "add", "update", "setdefault"})


def _grown_attributes(model: SemanticModel, class_def: ast.ClassDef) -> frozenset[str]:
    """The ``self`` attributes the class adds to: ``self.x.append(...)``, ``self.x +=``,
    ``self.x[k] = ...``. One walk per class."""
    memo = model.memo("input_size.grown")
    found = memo.get(class_def)
    if found is None:
        grown: set[str] = set()
        for node in walk_nodes(class_def):
            target: ast.expr | None = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in _GROWERS:
                    target = node.func.value
            elif isinstance(node, ast.AugAssign):
                target = node.target
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
                target = node.value
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            ):
                grown.add(target.attr)
        found = memo[class_def] = frozenset(grown)
    return found


def _class_of(model: SemanticModel, owner: str) -> ast.ClassDef | None:
    """The class ``self`` / ``cls`` stands for in this method, or the class ``owner`` names."""
    if owner in ("self", "cls"):
        return model.classes[-1] if model.classes else None
    binding = model.lookup(owner)
    if binding is not None and binding.kind is BindingKind.CLASS:
        return class_def_of(binding)
    return None


def _unshadowed_class_value(model: SemanticModel, owner: str, attribute: str) -> ast.expr | None:
    """What the class body of ``owner`` (``self``, ``cls``, a class) binds ``attribute``
    to, when no method binds it again on ``self`` or ``cls`` (``self.MAX = limit``: each
    instance has its own)."""
    class_def = _class_of(model, owner)
    if class_def is None or attribute in self_assignments(class_def):
        return None
    return _class_value(model, class_def, attribute)


def _class_value(model: SemanticModel, class_def: ast.ClassDef, attribute: str) -> ast.expr | None:
    memo = model.memo("class_values")  # one scan of a class body, not one per attribute read
    if class_def not in memo:
        memo[class_def] = _class_values(class_def)
    return memo[class_def].get(attribute)


def _class_values(class_def: ast.ClassDef) -> dict[str, ast.expr]:
    """Each name's value at its first plain (or annotated, valued) binding in the body."""
    values: dict[str, ast.expr] = {}
    for statement in class_def.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    values.setdefault(target.id, statement.value)
        elif (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and statement.value is not None
        ):
            values.setdefault(statement.target.id, statement.value)
    return values


def _is_enum(node: ast.AST) -> bool:
    if not isinstance(node, ast.ClassDef):
        return False
    for base in node.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        if name in _ENUM_BASES:
            return True
    return False


def _literal_int(model: SemanticModel, node: ast.expr) -> int | None:
    """An integer literal, or a constant bound to one: an upper-case name of the module
    or function, or an upper-case class attribute (``MAX_FILES = 8`` in the class body,
    read as ``self.MAX_FILES``) that no method binds on ``self`` or ``cls``."""
    value = literal_int(node)
    if value is not None:
        return value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr.isupper():
        bound = _unshadowed_class_value(model, node.value.id, node.attr)
        return literal_int(bound) if bound is not None else None
    if not isinstance(node, ast.Name):
        return None
    binding = model.lookup(node.id)
    if (
        binding is not None
        and binding.kind is BindingKind.ASSIGNMENT
        and node.id.isupper()
        and binding.value is not None
    ):
        return literal_int(binding.value)
    return None


def _query_text(attributes: list[ast.Attribute]) -> bool:
    """``X.objects.all()``, ``qs.iterator()``, ``query.all()``: rows of a table, even when
    the model is not resolvable (``apps.get_model(...)`` in a migration). ``attributes``:
    the expression's attribute nodes."""
    return any(part.attr in _QUERY_ATTRIBUTES for part in attributes)


def _is_parameter(model: SemanticModel, node: ast.expr) -> bool:
    """A bare parameter (``plugins``): its callers decide its size (``index/reach.py``)."""
    if not isinstance(node, ast.Name):
        return False
    binding = model.lookup(node.id)
    return binding is not None and binding.kind is BindingKind.PARAMETER


def _schema(attributes: list[ast.Attribute]) -> bool:
    """``Model._meta.get_fields()``, ``form.base_fields``, ``Status.choices``,
    ``Colour.__members__``, ``Base.__subclasses__()``: fixed by the source."""
    for part in attributes:
        if part.attr in _SCHEMA_ATTRIBUTES:
            return True
        if part.attr in ("choices", "labels", "values") and _class_like(part.value):
            return True  # ``Status.choices``, not a relationship ``poll.choices``
    return False


def _class_like(node: ast.expr) -> bool:
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name[:1].isupper() and not name.isupper()


def _registry(node: ast.expr) -> bool:
    """The last name of the iterable says it holds what is installed or registered:
    ``plugin_registry.values()``, ``self.backends``, ``get_storage_classes("import")``;
    not a call that may fetch rows (``placeholder.get_plugins()``). Seen through
    ``list(...)``, ``sorted(...)``, ``.items()``..."""
    node = unwrapped(node)
    target = node.func if isinstance(node, ast.Call) else node
    last = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    last = last.lower()
    if isinstance(node, ast.Call):
        # a call may fetch rows named like this (``placeholder.get_plugins()``); classes
        # are code
        return last.endswith("_classes")
    return last.endswith(_REGISTRY_WORDS)


def _configuration_member(node: ast.expr) -> bool:
    """A value read from a configuration object reached through attributes:
    ``self.app.conf.beat_schedule``, ``app.config["BACKENDS"]``, ``self.settings.hosts``
    (through ``.items()`` and the like, and ``.get(key)``). The configuration attribute
    must be read as a value (a member or key of it), with no call between it and the name
    the chain starts from: ``user.settings.filter(...)`` is a related manager's query,
    and ``load().config`` is whatever ``load`` returns."""
    node = unwrapped(node)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and node.args
        and not node.keywords
    ):
        node = node.func  # ``app.config.get("BACKENDS", ())``: a key of it (not a query's
        # ``get(pk=...)``, which names its lookups)
    parent: ast.expr | None = None
    for _ in range(12):
        if isinstance(node, ast.Attribute):
            if node.attr.lower() in _CONFIG_ROOTS and isinstance(
                parent, ast.Attribute | ast.Subscript
            ):
                return _root(node.value) is not None and _no_call(node.value)
            parent, node = node, node.value
        elif isinstance(node, ast.Subscript):
            parent, node = node, node.value
        else:
            return False
    return False


def _configured_hook_call(model: SemanticModel, node: ast.expr) -> bool:
    """``import_string(settings.X)(request)``: the hook a setting names by its dotted
    path, called, as ``settings.X(request)`` is (the root of that chain is the
    configuration); Django's and werkzeug's loaders only, not a project function of the
    same name."""
    loader = node.func if isinstance(node, ast.Call) else None
    if not isinstance(loader, ast.Call) or not loader.args:
        return False
    if model.resolve(loader.func) not in _IMPORT_BY_PATH:
        return False
    return _direct_size(model, loader.args[0]) == CONFIGURED


def _no_call(node: ast.expr) -> bool:
    """An attribute and subscript chain from a name, with no call in it."""
    return not any(isinstance(part, ast.Call) for part in walk_nodes(node))


def _root(node: ast.expr) -> str | None:
    """The name an attribute, subscript or call chain starts from."""
    for _ in range(12):
        if isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            break
    return node.id if isinstance(node, ast.Name) else None


def _per_request(root: str | None, attributes: list[ast.Attribute]) -> bool:
    """Request data: the expression starts from ``request`` (``root``), or reads one of
    its data attributes on such a name or on ``self``."""
    if root is not None and root.lower() in _REQUEST_ROOTS:
        return True
    for part in attributes:
        if part.attr in _REQUEST_ATTRIBUTES:
            base = _root(part.value)
            if base is not None and base.lower() in _REQUEST_ROOTS | {"self"}:
                return True
    return False
