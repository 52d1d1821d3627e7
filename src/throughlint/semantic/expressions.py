"""Small questions about expressions that every rule asks the same way."""

from __future__ import annotations

import ast
import copy
import re
from collections import deque
from collections.abc import Callable, Iterator

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
# fields that never hold a node, whatever the node type (names, flags, strings)
_SCALAR_FIELDS = frozenset(
    {"id", "attr", "asname", "arg", "module", "level", "kind", "type_comment", "tag"}
    | {"conversion", "is_async", "lineno", "simple"}
)  # not "name": a node in 3.12's ``type X = ...`` (a string elsewhere)
# fields that hold only a context or an operator (``Load``, ``Add``, ``Eq``): leaves that
# the parser shares between nodes, read through their parent (``node.ctx``), never walked to
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """``list(ast.iter_child_nodes(node))`` without the context and operator leaves, the
    other nodes in the same order, and faster: the fields that can hold a node are looked
    up once per node type, and there are no generators. The walks over whole loop bodies
    and functions use it; a third of a tree's nodes are such leaves."""
    fields = _CHILD_FIELDS.get(node.__class__)
    if fields is None:
        fields = _CHILD_FIELDS[node.__class__] = _node_fields(node.__class__)
    found: list[ast.AST] = []
    for name in fields:
        value = getattr(node, name, None)
        if value.__class__ is list:
            for item in value:
                if isinstance(item, ast.AST):
                    found.append(item)
        elif isinstance(value, ast.AST):
            found.append(value)
    return found


def child_statements(node: ast.AST) -> list[ast.stmt]:
    """The statements directly under ``node`` (its ``body``, ``orelse`` and ``finalbody``
    blocks), in order: the statements among ``ast.iter_child_nodes(node)``, without
    visiting its expressions. Not a ``try``'s handlers, which are no statements."""
    found: list[ast.stmt] = []
    for name in ("body", "orelse", "finalbody"):
        block = getattr(node, name, None)
        if block.__class__ is list:  # a lambda's or a ternary's body is an expression
            found.extend(block)
    return found


def _node_fields(kind: type) -> tuple[str, ...]:
    skipped = set(_SCALAR_FIELDS | _LEAF_FIELDS)
    if kind is ast.Constant:
        skipped.add("value")
    elif kind is ast.Global or kind is ast.Nonlocal:
        skipped.add("names")
    return tuple(name for name in getattr(kind, "_fields", ()) if name not in skipped)


def walk_nodes(node: ast.AST) -> list[ast.AST]:
    """Every node under ``node`` but the context and operator leaves (``child_nodes``),
    ``node`` first, in ``ast.walk``'s order."""
    found = [node]
    at = 0
    while at < len(found):
        found.extend(child_nodes(found[at]))
        at += 1
    return found


# the nodes that hold statements: statements, ``except`` handlers and ``match`` cases
BLOCK_NODES = (ast.stmt, ast.excepthandler, ast.match_case)


def walk_statements(root: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk`` order, but statements only (with the handlers and cases between
    them): assignments never sit inside an expression, and skipping expressions makes
    this a small fraction of a full walk."""
    todo = deque([root])
    while todo:
        node = todo.popleft()
        for name in node._fields:
            value = getattr(node, name, None)
            if value.__class__ is list:
                todo.extend(item for item in value if isinstance(item, BLOCK_NODES))
        yield node


_WORD = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def identifier_words(name: str) -> list[str]:
    """The words of a snake_case or camelCase identifier, as written
    (``pendingCount`` is ``pending``, ``Count``)."""
    return [word for part in name.split("_") for word in _WORD.findall(part)]


def literal_int(node: ast.expr | None) -> int | None:
    """The value of an integer literal (``3``, ``-1``), else None."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, (ast.USub, ast.UAdd))
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        return -node.operand.value if isinstance(node.op, ast.USub) else node.operand.value
    return None


def int_text(value: int) -> str:
    """``str(value)``, except for ints past ``sys.get_int_max_str_digits()`` (legal in
    source as hex or octal literals), which Python refuses to print in decimal."""
    try:
        return str(value)
    except ValueError:
        return f"{'-' if value < 0 else ''}<{value.bit_length()}-bit int>"


def tree_key(node: ast.AST) -> str:
    """``ast.dump(node)``: equal for the same expression written twice, surviving int
    literals too long to print in decimal (see :func:`int_text`), which it dumps in hex."""
    try:
        return ast.dump(node)
    except ValueError:
        printable = copy.deepcopy(node)
        for child in ast.walk(printable):
            if isinstance(child, ast.Constant) and type(child.value) is int:
                child.value = f"\0int:{child.value:#x}"  # as text, marked
        return ast.dump(printable)


def source_text(node: ast.AST) -> str:
    """``ast.unparse``, surviving int literals too long to print (see :func:`int_text`)."""
    if isinstance(node, (ast.Name, ast.Attribute)):
        dotted = dotted_name(node)  # as ``ast.unparse`` writes it, without an unparser
        if dotted is not None:
            return dotted
    elif node.__class__ is ast.Call:
        simple = _simple_text(node)  # a message per call of a long loop prints its call
        if simple is not None:
            return simple
    try:
        return ast.unparse(node)
    except ValueError:
        return ast.unparse(_HugeIntsNamed().visit(copy.deepcopy(node)))


_PLAIN_CONSTANTS = (str, int, bool, type(None))
# f-string text ``ast.unparse`` writes as it is, between single quotes
_PLAIN_CHARACTERS = frozenset(map(chr, range(0x20, 0x7F))) - set("'\"\\{}")


def _simple_text(node: ast.AST) -> str | None:
    """``ast.unparse(node)`` for the shapes most calls are made of, without the unparser
    (a tenth of a 2,000-await loop's time was spent in it): names, attribute chains, plain
    constants, calls of a dotted name with such arguments, and f-strings of plain text
    and ``{name}`` fields. None for anything else (the caller unparses)."""
    kind = node.__class__
    if kind is ast.Name:
        return node.id  # type: ignore[attr-defined]
    if kind is ast.Attribute:
        return dotted_name(node)  # type: ignore[arg-type]
    if kind is ast.Constant:
        value = node.value  # type: ignore[attr-defined]
        if node.kind is not None or value.__class__ not in _PLAIN_CONSTANTS:  # type: ignore[attr-defined]
            return None
        try:
            return repr(value)
        except ValueError:  # an int too long to print
            return None
    if kind is ast.Call:
        func = node.func  # type: ignore[attr-defined]
        if func.__class__ is not ast.Name and func.__class__ is not ast.Attribute:
            return None
        name = dotted_name(func)
        if name is None:
            return None
        parts = []
        for argument in node.args:  # type: ignore[attr-defined]
            text = _simple_text(argument)
            if text is None:
                return None
            parts.append(text)
        for keyword in node.keywords:  # type: ignore[attr-defined]
            text = _simple_text(keyword.value) if keyword.arg is not None else None
            if text is None:
                return None
            parts.append(f"{keyword.arg}={text}")
        return f"{name}({', '.join(parts)})"
    if kind is ast.JoinedStr:
        parts = []
        for value in node.values:  # type: ignore[attr-defined]
            if value.__class__ is ast.Constant:
                text = value.value
                if text.__class__ is not str or not _PLAIN_CHARACTERS.issuperset(text):
                    return None
                parts.append(text)
            elif (
                value.__class__ is ast.FormattedValue
                and value.conversion == -1
                and value.format_spec is None
                and value.value.__class__ in (ast.Name, ast.Attribute)
            ):
                text = dotted_name(value.value)
                if text is None:
                    return None
                parts.append(f"{{{text}}}")
            else:
                return None
        return f"f'{''.join(parts)}'"
    return None


class _HugeIntsNamed(ast.NodeTransformer):
    def visit_Constant(self, node: ast.Constant) -> ast.expr:
        if type(node.value) is int:
            text = int_text(node.value)
            if text.endswith("-bit int>"):
                return ast.copy_location(ast.Name(id=text, ctx=ast.Load()), node)
        return node


def target_names(target: ast.expr) -> Iterator[str]:
    """Names bound by an assignment or loop target."""
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from target_names(element)
    elif isinstance(target, ast.Starred):
        yield from target_names(target.value)


def names_read(node: ast.AST) -> set[str]:
    """Every plain name read anywhere inside ``node``."""
    names: set[str] = set()
    stack = [node]
    while stack:  # asked for every call in a loop
        current = stack.pop()
        if isinstance(current, ast.Name):
            if isinstance(current.ctx, ast.Load):
                names.add(current.id)
            continue
        stack.extend(child_nodes(current))
    return names


def call_argument(call: ast.Call, position: int | None, keyword: str | None) -> ast.expr | None:
    """The argument passed for a parameter, by position or keyword; None when absent."""
    if keyword is not None:
        for item in call.keywords:
            if item.arg == keyword:
                return item.value
    if position is not None and position < len(call.args):
        candidate = call.args[position]
        if not any(isinstance(arg, ast.Starred) for arg in call.args[: position + 1]):
            return candidate
    return None


def has_unknown_arguments(call: ast.Call) -> bool:
    """``*args`` or ``**kwargs``: any parameter may be passed without our seeing it."""
    return any(isinstance(arg, ast.Starred) for arg in call.args) or any(
        item.arg is None for item in call.keywords
    )


def root_name(node: ast.expr) -> str | None:
    """``cur`` in ``cur``, ``self.cur`` in ... ``self``: the name an object is reached by
    (through attributes, subscripts and calls)."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def dotted_name(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def unparse_short(node: ast.AST, limit: int = 60) -> str:
    text = source_text(node)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def walk_same_function(node: ast.AST) -> Iterator[ast.AST]:
    """``ast.walk`` that does not enter nested functions, lambdas or classes (nor yield the
    context and operator leaves: ``child_nodes``)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for child in child_nodes(current):
            if not isinstance(child, _FUNCTIONS):
                stack.append(child)


def keyword_value(call: ast.Call, name: str) -> ast.expr | None:
    """The value of ``call``'s keyword argument ``name``, if given."""
    return next((k.value for k in call.keywords if k.arg == name), None)


def call_tail(func: ast.expr) -> str | None:
    """The last name of a call's function: ``put`` for ``q.put``, ``Thread`` for
    ``Thread``; None for anything else."""
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def parameter_names(function: ast.AST) -> list[str]:
    """Every parameter name of a function or lambda, in order, ``*args`` and
    ``**kwargs`` last; empty for anything else."""
    arguments = getattr(function, "args", None)
    if not isinstance(arguments, ast.arguments):
        return []
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every.extend(extra for extra in (arguments.vararg, arguments.kwarg) if extra is not None)
    return [argument.arg for argument in every]


def names_bound_from(
    function: ast.AST, seeds: set[str], sources: Callable[[ast.AST], set[str]]
) -> set[str]:
    """``seeds`` and every name ``function`` binds (assignment, augmented or annotated
    assignment, loop or comprehension target) from a value whose ``sources`` include a
    name already in the set. One walk of the function and one ``sources`` call per
    binding, then a worklist: linear whatever order the bindings come in."""
    targets: list[ast.AST] = []
    readers: dict[str, list[int]] = {}

    def bind(target: ast.AST, value: ast.AST) -> None:
        for name in sources(value):
            readers.setdefault(name, []).append(len(targets))
        targets.append(target)

    for node in walk_nodes(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
            bind(node.target, node.value)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            bind(node.target, node.iter)
    found = set(seeds)
    pending = list(found)
    while pending:
        for at in readers.pop(pending.pop(), ()):
            for name in walk_nodes(targets[at]):
                if isinstance(name, ast.Name) and name.id not in found:
                    found.add(name.id)
                    pending.append(name.id)
    return found
