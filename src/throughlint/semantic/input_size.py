"""How big a loop's input can be, one answer for every rule.

- ``constant``: literals, module or class constants bound to literals, enum members,
  ``range(k)`` with a small literal ``k``, ``.items()``/``.keys()``/``.values()`` of a
  constant dict: the loop runs a fixed, small number of times whatever the data;
- ``configured``: settings and configuration values (``settings.X``, ``app.config[...]``,
  ``os.environ``): sized by an operator, not by the data;
- ``small``: a request's own small collection, bounded by construction: the fields of a
  form (``for field in form``, ``form.cleaned_data.items()``, a formset's ``forms``), the
  files of one upload (``request.FILES``: Django accepts at most
  ``DATA_UPLOAD_MAX_NUMBER_FILES``, 100), a page already sliced with a literal bound
  (``qs[:20]``; a bound from settings is ``configured``);
- ``per-request``: request, form or upload data: one user's payload;
- ``unbounded``: query results, files, streams, consumers, ``while`` loops: grows with the
  data (``priority.py`` already tells these apart as "query" and "unbounded");
- ``unknown``: anything else, parameters included.

Constant and small input never cost more than a handful of round trips: such findings are
held back from the default output (``relevance.py``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.semantic.expressions import literal_int, walk_nodes
from throughlint.semantic.loops import range_length
from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.semantic.loops import Loop
    from throughlint.semantic.model import SemanticModel

CONSTANT, SMALL, CONFIGURED, PER_REQUEST = "constant", "small", "configured", "per-request"
UNBOUNDED, UNKNOWN = "unbounded", "unknown"
SIZES = (CONSTANT, SMALL, CONFIGURED, PER_REQUEST, UNBOUNDED, UNKNOWN)

# ``range(k)`` with a literal ``k`` up to this runs a fixed handful of times
_SMALL_RANGE = 64
# a page sliced with a literal bound up to this (``qs[:100]``) is small by construction
_SMALL_PAGE = 100
# a form (or formset) read as its fields: the form itself, its fields or cleaned data
_FORM_FIELDS = frozenset({"fields", "cleaned_data", "changed_data", "forms", "errors"})
_UPLOADS = frozenset({"FILES"})
_DICT_VIEWS = frozenset({"items", "keys", "values"})
_WRAPPERS = frozenset({"enumerate", "sorted", "reversed", "list", "tuple", "set", "zip"})
_CONFIG_ROOTS = frozenset({"settings", "config", "conf", "app_config", "configuration"})
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


def input_size(model: SemanticModel, loop: Loop | None, loop_input: str) -> str:
    """The size class of ``loop``'s input; ``loop_input`` is ``priority.py``'s answer
    ("query", "unbounded" or "")."""
    if loop is None:
        return ""
    node = loop.iter
    if node is None:
        return UNBOUNDED  # a ``while`` loop
    page = _page_size(model, node)
    if page:
        return page
    if loop_input:
        return UNBOUNDED
    return expression_size(model, node)


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
            size = expression_size(model, binding.value)
            if size != UNKNOWN:
                return size
    return expression_size(model, node)


def loop_parameter(model: SemanticModel, loop: Loop | None) -> bool:
    """The loop iterates one of the enclosing function's parameters, as a bare name."""
    if loop is None or not isinstance(loop.iter, ast.Name):
        return False
    binding = model.lookup(loop.iter.id)
    return binding is not None and binding.kind is BindingKind.PARAMETER


def expression_size(model: SemanticModel, node: ast.expr) -> str:
    """The size class of an iterable expression (see the module docstring)."""
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
    if _registry(node) and not _is_parameter(model, node):
        return CONFIGURED
    if _small_by_construction(node):
        return SMALL
    if _per_request(root, attributes):
        return PER_REQUEST
    return UNKNOWN


def _unwrapped(node: ast.expr) -> ast.expr:
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
    node = _unwrapped(node)
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
    node = _unwrapped(node)
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
        if node.func.id in _WRAPPERS and node.args and not node.keywords:
            return all(_constant(model, arg, depth + 1) for arg in node.args)
        return False
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return (
            node.func.attr in _DICT_VIEWS
            and not node.args
            and _constant(model, node.func.value, depth + 1)
        )
    if isinstance(node, ast.Name):
        return _constant_name(model, node.id, depth)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return _class_constant(model, node.value.id, node.attr, depth)
    return False


def _constant_name(model: SemanticModel, name: str, depth: int) -> bool:
    """A module or class constant bound once to a literal, or an enum class."""
    binding = model.lookup(name)
    if binding is None:
        return False
    if binding.kind is BindingKind.CLASS:
        return _is_enum(binding.node)
    if binding.kind is BindingKind.IMPORT:
        # ``from .migration import DATA_MIGRATIONS``: an upper-case module constant
        return name.isupper() and len(name) > 1
    if binding.kind is not BindingKind.ASSIGNMENT or binding.value is None:
        return False
    if not (name.isupper() or _bound_outside_functions(model, name)):
        return False
    return _constant(model, binding.value, depth + 1)


def _bound_outside_functions(model: SemanticModel, name: str) -> bool:
    return (
        name in model.module_scope.bindings
        and model.scope.lookup(name) is (model.module_scope.bindings[name])
    )


def _class_constant(model: SemanticModel, owner: str, attribute: str, depth: int) -> bool:
    """``self.TABLES`` / ``cls.TABLES`` / ``Config.TABLES`` bound to a literal in the class
    body, or ``Colour.RED``-style members of an enum class."""
    class_def: ast.ClassDef | None = None
    if owner in ("self", "cls"):
        class_def = model.classes[-1] if model.classes else None
    else:
        binding = model.lookup(owner)
        if binding is not None and binding.kind is BindingKind.CLASS:
            class_def = binding.node  # type: ignore[assignment]
    if class_def is None:
        return False
    if _is_enum(class_def):
        return True
    for statement in class_def.body:
        if (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == attribute for t in statement.targets)
        ) or (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and statement.target.id == attribute
            and statement.value is not None
        ):
            return _constant(model, statement.value, depth + 1)
    return False


def _is_enum(node: ast.AST) -> bool:
    if not isinstance(node, ast.ClassDef):
        return False
    for base in node.bases:
        name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
        if name in _ENUM_BASES:
            return True
    return False


def _literal_int(model: SemanticModel, node: ast.expr) -> int | None:
    value = literal_int(node)
    if value is not None or not isinstance(node, ast.Name):
        return value
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
    not a call that may fetch rows (``placeholder.get_plugins()``)."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _DICT_VIEWS
    ):
        node = node.func.value
    target = node.func if isinstance(node, ast.Call) else node
    last = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    last = last.lower()
    if isinstance(node, ast.Call):
        # a call may fetch rows named like this (``placeholder.get_plugins()``); classes
        # are code
        return last.endswith("_classes")
    return last.endswith(_REGISTRY_WORDS)


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
