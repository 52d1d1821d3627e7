"""When the TL501 fix (hoist an append-mode ``open()`` out of its loop) is offered: the
shape, then the facts, on the stdlib ``ast`` while linting (no libcst here).

The shape (else no fix): the open is a statement of the innermost loop's body, either
``with open(path, "a") as f:`` (one item, a plain name) or ``f = open(path, "a")`` with a
later ``f.close()`` statement in the same body; the loop has no ``else:``. Such an open
nested in a block of the body (``if``, ``try``) is declined: hoisted, it would run even
when no item needs the file.

Declined, with the reason, when the rewrite would change more than when lines reach the
disk:

- the loop is a ``while`` or ``async for`` loop, or awaits, or the function is a
  generator (the file would stay open, its lines buffered, for as long as the loop waits);
- the mode is not plain append (``a``, ``ab``, ``at``): ``a+`` also reads;
- the path or another argument of ``open()`` is not loop-invariant: it reads a name the
  loop binds, something the loop assigns into or calls a method of, or calls a function
  (``open(next_name(), "a")``, ``f"{date.today()}.log"``) that would run once, not per item;
- the file object is used other than to write to it (``f.write``, ``f.writelines``,
  ``f.flush``, ``os.fsync(f.fileno())``, ``print(..., file=f)``, ``json.dump(x, f)``, a
  ``csv.writer(f)`` that only writes rows in the loop),
  or is read outside the loop;
- the loop (or its input) opens another file, calls ``os`` / ``shutil`` /
  ``subprocess`` / ``pathlib`` file operations, or passes the path to a function: they
  may reach the same file.

What stays unsafe (documented on the rule page): the lines reach the file when the loop
ends (or a buffer fills), so a crash mid-loop loses the buffered ones and another reader,
or code the loop calls that opens the same file by another name, sees them later; the
file is opened before the input is iterated, so it is created (empty) even when there
are no items, and an ``open()`` error is raised even then.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

from throughlint.diagnostics import Applicability, Fix
from throughlint.fixes import HOIST_OPEN
from throughlint.semantic.expressions import (
    call_argument,
    dotted_name,
    names_read,
    source_text,
    walk_same_function,
)
from throughlint.semantic.loops import Loop
from throughlint.semantic.pass_exits import exit_word

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

_T = TypeVar("_T")

UNSAFE = (
    "lines reach the file when the loop ends or the buffer fills, not after each item: "
    "a crash mid-loop loses them and other readers see them later; the file is created "
    "even when there are no items"
)

_OPENS = frozenset({"builtins.open", "io.open", "codecs.open"})
# Calls a path may make and still be the same value on every pass.
_PURE_PATH_CALLS = frozenset(
    {
        "builtins.str", "os.fspath", "os.path.join", "os.path.basename", "os.path.dirname",
        "os.path.splitext", "os.path.expanduser", "pathlib.Path", "pathlib.PurePath",
        "pathlib.PosixPath", "pathlib.PurePosixPath",
    }
)  # fmt: skip
# Ways to write to the file object that neither keep it nor read it.
_WRITE_METHODS = frozenset({"write", "writelines", "flush", "fileno"})
_DUMPS = frozenset({"json.dump", "pickle.dump", "marshal.dump"})
_CSV_WRITERS = frozenset({"csv.writer", "csv.DictWriter"})
_ROW_WRITES = frozenset({"writerow", "writerows", "writeheader"})
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
# Modules whose calls may reach the file behind the loop's back (rename, remove, truncate,
# another open, a child process that writes it); pure path arithmetic is allowed.
_FILE_MODULES = (
    "os.", "shutil.", "subprocess.", "pathlib.", "io.", "codecs.", "tempfile.", "fcntl.",
    "glob.", "fileinput.", "gzip.", "bz2.", "lzma.", "zipfile.", "tarfile.",
)  # fmt: skip
_HARMLESS = _PURE_PATH_CALLS | {
    "os.fsync", "os.fdatasync", "os.getpid", "os.getenv", "os.cpu_count", "os.urandom", "os._exit"
}  # fmt: skip
# Methods of dicts and strings that do not change their receiver.
_READING_METHODS = frozenset(
    {"get", "keys", "items", "values", "copy", "format", "join", "startswith", "endswith",
     "lower", "upper", "strip", "encode", "decode", "split", "count", "index"}
)  # fmt: skip
# Path-object methods that touch the file system, for receivers we cannot resolve.
_PATH_METHODS = frozenset(
    {"unlink", "rename", "write_text", "write_bytes", "read_text", "read_bytes", "touch",
     "truncate", "rmdir", "symlink_to", "hardlink_to", "chmod", "mkfifo"}
)  # fmt: skip


def hoist_open(model: SemanticModel, call: ast.Call, loop: Loop, mode: str) -> Fix | None:
    """The fix for ``call``, an append-mode open on each pass of ``loop``; None when the
    code does not have the shape (module docstring), declined when a fact rules it out."""
    node = loop.node
    if not isinstance(node, (ast.For, ast.AsyncFor, ast.While)) or node.orelse:
        return None
    if not model.loops or model.loops[-1] is not loop:
        return None
    found = _shape(model, node, call)
    if found is None:
        if id(call) in _per_loop(model, "deeper", node, lambda: _opened_deeper(node.body)):
            return Fix(
                Applicability.UNSAFE,
                "open the file once, around the loop",
                declined="the open is inside a block of the loop body (`if`, `try`, ...): "
                "opened before the loop, the file would be opened and created even when no "
                "item needs it",
            )
        return None
    name, close = found
    description = f"open the file once, around the loop (`with ... as {name}:`)"
    reason = _declined(model, node, call, name, close, mode)
    if reason:
        return Fix(Applicability.UNSAFE, description, kind="", declined=reason)
    return Fix(Applicability.UNSAFE, f"{description} (unsafe: {UNSAFE})", kind=HOIST_OPEN)


def _per_loop(model: SemanticModel, what: str, loop: ast.AST, make: Callable[[], _T]) -> _T:
    """``make()``, once per loop: a loop with many opens asks each of them the same."""
    memo = model.memo(f"hoist_open.{what}")
    if loop not in memo:
        memo[loop] = make()
    return memo[loop]


def _shape(
    model: SemanticModel, loop: ast.For | ast.AsyncFor | ast.While, call: ast.Call
) -> tuple[str, ast.stmt | None] | None:
    """The file's name and (for ``f = open(...)``) the ``f.close()`` statement after it,
    when ``call`` (the node being visited) opens the file in one of the body's own
    statements, each on lines of its own (the rewrite moves whole lines)."""
    body = loop.body
    header = (loop.test if isinstance(loop, ast.While) else loop.iter).end_lineno or 0
    places = _per_loop(model, "places", loop, lambda: {id(s): at for at, s in enumerate(body)})
    statement = model.node_stack[-1] if model.node_stack else None
    index = places.get(id(statement))
    if index is None:
        return None
    if isinstance(statement, ast.With):
        if len(statement.items) != 1 or statement.items[0].context_expr is not call:
            return None
        target = statement.items[0].optional_vars
        if not isinstance(target, ast.Name) or not _alone(body, index, header):
            return None
        return target.id, None
    if isinstance(statement, ast.Assign) and statement.value is call:
        if len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
            return None
        name = statement.targets[0].id
        every = _per_loop(model, "closes", loop, lambda: _closes(body))
        closes = [at for at in every.get(name, ()) if at > index]
        if len(closes) != 1 or not all(_alone(body, at, header) for at in (index, *closes)):
            return None
        if len(body) == 2:
            return None  # the loop only opens and closes the file: nothing to keep in it
        last_read = _per_loop(model, "last_read", loop, lambda: _last_reads(body))
        if last_read.get(name, -1) > closes[0]:
            return None  # used once closed (``f.closed``, a write that raises): kept open
        return name, body[closes[0]]
    return None


def _last_reads(body: list[ast.stmt]) -> dict[str, int]:
    """Per name, the last statement of ``body`` that reads it (one walk of the body)."""
    found: dict[str, int] = {}
    for at, statement in enumerate(body):
        for name in names_read(statement):
            found[name] = at
    return found


def _closes(body: list[ast.stmt]) -> dict[str, list[int]]:
    """Per name, where in ``body`` a ``name.close()`` statement is, in order."""
    found: dict[str, list[int]] = {}
    for at, statement in enumerate(body):
        if (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Attribute)
            and isinstance(statement.value.func.value, ast.Name)
            and _is_close(statement, statement.value.func.value.id)
        ):
            found.setdefault(statement.value.func.value.id, []).append(at)
    return found


def _alone(body: list[ast.stmt], index: int, header: int) -> bool:
    """``body[index]`` shares no line with the statement before it (or the loop's header)
    or after it."""
    statement = body[index]
    before = (body[index - 1].end_lineno or 0) if index else header
    after = body[index + 1].lineno if index + 1 < len(body) else None
    return statement.lineno > before and (after is None or after > (statement.end_lineno or 0))


def _opened_deeper(body: list[ast.stmt]) -> set[int]:
    """The calls that open a file for a ``with`` or an assignment nested in the body's
    blocks (not one of the body's own statements: those have the shape or no fix)."""
    top = {id(statement) for statement in body} | {
        id(item)
        for statement in body
        if isinstance(statement, ast.With)
        for item in statement.items
    }
    found: set[int] = set()
    for statement in body:
        for child in walk_same_function(statement):
            if id(child) in top:
                continue
            if isinstance(child, ast.withitem):
                found.add(id(child.context_expr))
            if isinstance(child, ast.Assign):
                found.add(id(child.value))
    return found


def _is_close(statement: ast.stmt, name: str) -> bool:
    value = statement.value if isinstance(statement, ast.Expr) else None
    return (
        isinstance(value, ast.Call)
        and not value.args
        and not value.keywords
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "close"
        and isinstance(value.func.value, ast.Name)
        and value.func.value.id == name
    )


def _declined(
    model: SemanticModel,
    loop: ast.For | ast.AsyncFor | ast.While,
    call: ast.Call,
    name: str,
    close: ast.stmt | None,
    mode: str,
) -> str:
    """Why the fix is declined; "" when it is offered."""
    if isinstance(loop, ast.While):
        return (
            "a `while` loop may run as long as the process: its lines would reach the file "
            "only when the buffer fills"
        )
    if isinstance(loop, ast.AsyncFor):
        return "an `async for` waits between items: the file would stay open, unflushed, meanwhile"
    if _per_loop(
        model, "awaits", loop, lambda: any(isinstance(c, ast.Await) for c in _walk_body(loop))
    ):
        return "the loop awaits: other tasks would run while the file is open with unflushed lines"
    function = model.function
    if function is not None and _is_generator(model, function):
        return (
            "the loop is in a generator: the file would stay open, its lines unflushed, "
            "while the caller holds the generator suspended"
        )
    if "+" in mode or set(mode) - {"a", "b", "t"} or len(set(mode)) != len(mode):
        return f'mode "{mode}" is not plain append: the file could be read or positioned'
    if name in {target.id for target in ast.walk(loop.target) if isinstance(target, ast.Name)}:
        return f"`{name}` is also the loop's target"
    if close is not None and (word := _leaves_before_close(model, loop.body, close)):
        return (
            f"a pass can end before `{name}.close()` (`{word}`): the file it leaves open is "
            "flushed when it is collected, not in the order the loop wrote"
        )
    if reason := _varies(model, loop, call):
        return reason
    if reason := _escapes(model, loop, name, close):
        return reason
    return _touches_files(model, loop, call, name)


def _leaves_before_close(model: SemanticModel, body: list[ast.stmt], close: ast.stmt) -> str:
    """How a pass may end between the statement being visited (the ``open``) and
    ``close`` ("break", "return", "raise", ...); "" when every pass reaches the close."""
    opened = model.node_stack[-1] if model.node_stack else None
    inside = False
    for statement in body:
        if statement is close:
            break
        if inside and (word := exit_word(statement, skips=True)):
            return word
        inside = inside or statement is opened
    return ""


def _walk_body(loop: ast.For | ast.AsyncFor | ast.While) -> Iterator[ast.AST]:
    for statement in loop.body:
        yield from walk_same_function(statement)


def _varies(model: SemanticModel, loop: ast.For | ast.AsyncFor, call: ast.Call) -> str:
    """Why the open's path or arguments may differ between passes; "" when they cannot."""
    arguments: list[ast.AST] = [*call.args, *(keyword.value for keyword in call.keywords)]
    if isinstance(call.func, ast.Attribute):  # ``Path(x).open("a")``
        arguments.append(call.func.value)
    bound = _per_loop(model, "bound", loop, lambda: set(_names_bound(loop)))
    for argument in arguments:
        if read := names_read(argument) & bound:
            return (
                f"the path reads `{sorted(read)[0]}`, which the loop binds: it may differ per item"
            )
        for child in ast.walk(argument):
            if isinstance(child, ast.Call):
                called = model.resolve(child.func)
                if called not in _PURE_PATH_CALLS:
                    shown = called or dotted_name(child.func) or "a function"
                    return (
                        f"the path calls `{shown}()`: once before the loop is not the same "
                        "as once per item"
                    )
            elif isinstance(child, (ast.Await, ast.NamedExpr, ast.Lambda)):
                return "the path expression does more than read names"
    declared = _declared(model)
    for argument in arguments:
        if read := names_read(argument) & declared:
            return (
                f"the path reads `{sorted(read)[0]}`, which a function declares `global` or "
                "`nonlocal`: a call in the loop may re-point it"
            )
    reads = {dotted for argument in arguments for dotted in _dotted_reads(argument)}
    for changed, assigned in _per_loop(
        model, "changed", loop, lambda: list(_changed_in_loop(loop))
    ):
        for read in reads:
            if _overlaps(changed, read, assigned):
                verb = "assigns" if assigned else "calls a method of"
                return f"the loop {verb} `{changed}`, which the path reads"
    return ""


def _is_generator(model: SemanticModel, function: ast.AST) -> bool:
    """``function`` yields (kept per function: asked once per open in a loop)."""
    memo = model.memo("hoist_open.generator")
    if function not in memo:
        memo[function] = any(
            isinstance(child, (ast.Yield, ast.YieldFrom)) for child in walk_same_function(function)
        )
    return memo[function]


def _declared(model: SemanticModel) -> set[str]:
    """The names some function of the module declares ``global`` or ``nonlocal``."""
    memo = model.memo("hoist_open.declared")
    if model.tree not in memo:
        memo[model.tree] = {
            name
            for child in ast.walk(model.tree)
            if isinstance(child, (ast.Global, ast.Nonlocal))
            for name in child.names
        }
    return memo[model.tree]


def _names_bound(loop: ast.For | ast.AsyncFor) -> Iterator[str]:
    for child in ast.walk(loop.target):
        if isinstance(child, ast.Name):
            yield child.id
    for child in _walk_body(loop):
        if isinstance(child, ast.Name) and not isinstance(child.ctx, ast.Load):
            yield child.id
        elif isinstance(child, (ast.Global, ast.Nonlocal)):
            yield from child.names
        elif isinstance(child, ast.alias):
            yield (child.asname or child.name).split(".")[0]
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or (
            isinstance(child, ast.ExceptHandler) and child.name
        ):
            yield child.name


def _dotted_reads(node: ast.AST) -> Iterator[str]:
    """``self.path``, ``config``: the longest dotted chains read in ``node``."""
    inner: set[int] = set()  # parts of a longer chain, and functions called
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute):
            inner.add(id(child.value))
        elif isinstance(child, ast.Call):
            inner.add(id(child.func))
    for child in ast.walk(node):
        if isinstance(child, (ast.Attribute, ast.Name)) and id(child) not in inner:
            dotted = dotted_name(child)
            if dotted:
                yield dotted


def _changed_in_loop(loop: ast.For | ast.AsyncFor) -> Iterator[tuple[str, bool]]:
    """Dotted chains the loop body assigns into (``self.path = ...``; ``d[k] = ...``:
    ``d``), with True, or calls a method of (``names.pop()``: ``names``), with False."""
    for child in _walk_body(loop):
        if isinstance(child, (ast.Attribute, ast.Subscript)) and not isinstance(
            child.ctx, ast.Load
        ):
            base = child if isinstance(child, ast.Attribute) else child.value
            while isinstance(base, ast.Subscript):
                base = base.value
            dotted = dotted_name(base)
            if dotted:
                yield dotted, True
        elif (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Attribute)
            and child.func.attr not in _READING_METHODS
        ):
            dotted = dotted_name(child.func.value)
            if dotted:
                yield dotted, False


def _overlaps(changed: str, read: str, assigned: bool) -> bool:
    """An assignment to ``self`` or ``self.path`` changes what ``self.path`` reads, and
    so does a method call on ``self.path`` or on something inside it; a method call on
    ``self`` is taken not to re-point ``self.path`` (the rule page says so)."""
    if changed == read or changed.startswith(read + "."):
        return True
    return assigned and read.startswith(changed + ".")


def _escapes(
    model: SemanticModel, loop: ast.For | ast.AsyncFor, name: str, close: ast.stmt | None
) -> str:
    """Why the file object may be used other than to write to it; "" when it is not."""
    uses = _per_loop(model, "uses", loop, lambda: _Uses(model, loop))
    allowed_close = close.value.func.value if close is not None else None  # type: ignore[attr-defined]
    return uses.write_only(name, allowed_close, writer=False)


def _name_uses(model: SemanticModel, scope: ast.AST) -> dict[str, list[ast.AST]]:
    """Per name, the ``global``/``nonlocal`` statements naming it and the loads of it in
    ``scope``, in walk order: one walk per scope, not one per open in a loop."""
    memo = model.memo("hoist_open.name_uses")
    found = memo.get(scope)
    if found is None:
        found = memo[scope] = {}
        for child in ast.walk(scope):
            if isinstance(child, (ast.Global, ast.Nonlocal)):
                for name in child.names:
                    found.setdefault(name, []).append(child)
            elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load):
                found.setdefault(child.id, []).append(child)
    return found


class _Uses:
    """The uses of names in a loop body, to tell whether a file (or a csv writer on it)
    is only written to, inside the loop."""

    def __init__(self, model: SemanticModel, loop: ast.For | ast.AsyncFor) -> None:
        self.model = model
        self.loop = loop
        self.scope = model.function if model.function is not None else model.tree
        self.parents: dict[int, ast.AST] = {}
        self.inside: set[int] = set()
        self.nested: set[int] = set()
        self.names: dict[str, list[ast.Name]] = {}  # per name, its nodes in walk order
        for statement in loop.body:
            for child in ast.walk(statement):
                self.inside.add(id(child))
                if isinstance(child, ast.Name):
                    self.names.setdefault(child.id, []).append(child)
                for grandchild in ast.iter_child_nodes(child):
                    self.parents[id(grandchild)] = child
                if isinstance(child, _DEFINITIONS):
                    self.nested.update(id(inner) for inner in ast.walk(child))

    def write_only(self, name: str, allowed: ast.AST | None, writer: bool) -> str:
        """Why ``name`` (the file, or with ``writer`` a csv writer on it) may be used
        other than to write, or outside the loop; "" when it is not. ``allowed``: the
        one use to skip (the ``f`` of the ``f.close()`` the fix removes)."""
        for child in _name_uses(self.model, self.scope).get(name, ()):
            if isinstance(child, (ast.Global, ast.Nonlocal)):
                return f"`{name}` is declared `{type(child).__name__.lower()}`"
            if id(child) not in self.inside:
                return f"`{name}` is read outside the loop, where the fix changes what it is"
        stores = 0
        for child in self.names.get(name, ()):  # the body's walk, kept per name
            if id(child) in self.nested:
                return f"`{name}` is used in a function defined in the loop: it may escape"
            if not isinstance(child.ctx, ast.Load):
                stores += 1
                continue
            if child is allowed:
                continue
            if writer:
                if self._writes_rows(child):
                    continue
                reason: str | None = ""
            else:
                reason = self._writer_of(child)
                if reason is None or (not reason and self._writes_through(child)):
                    continue
            shown = source_text(self.parents.get(id(child), child))
            return reason or (
                f"`{name}` is used other than to write to it (`{shown}`): it may escape the loop"
            )
        if stores != 1:
            return f"`{name}` is bound more than once in the loop"
        return ""

    def _writes_through(self, use: ast.Name) -> bool:
        parent = self.parents.get(id(use))
        resolve = self.model.resolve
        if isinstance(parent, ast.Attribute) and parent.value is use:
            if parent.attr not in _WRITE_METHODS:
                return False
            called = self.parents.get(id(parent))
            if not (isinstance(called, ast.Call) and called.func is parent):
                return False
            if parent.attr != "fileno":
                return True
            sync = self.parents.get(id(called))  # ``os.fsync(f.fileno())``
            return (
                isinstance(sync, ast.Call)
                and sync.args == [called]
                and resolve(sync.func) in ("os.fsync", "os.fdatasync")
            )
        if isinstance(parent, ast.keyword) and parent.arg == "file":
            called = self.parents.get(id(parent))
            return isinstance(called, ast.Call) and resolve(called.func) == "builtins.print"
        if isinstance(parent, ast.Call) and use in parent.args:
            return resolve(parent.func) in _DUMPS and parent.args.index(use) == 1
        return False

    def _writer_of(self, use: ast.Name) -> str | None:
        """None when ``use`` makes a csv writer that only writes rows in the loop
        (``csv.writer(f).writerow(row)``, or ``w = csv.writer(f)`` and ``w.writerow``);
        else why not ("" when ``use`` is no csv writer's file)."""
        call = self.parents.get(id(use))
        if not (
            isinstance(call, ast.Call)
            and call.args
            and call.args[0] is use
            and self.model.resolve(call.func) in _CSV_WRITERS
        ):
            return ""
        if self._writes_rows(call):
            return None
        assign = self.parents.get(id(call))
        if (
            isinstance(assign, ast.Assign)
            and assign.value is call
            and len(assign.targets) == 1
            and isinstance(assign.targets[0], ast.Name)
        ):
            return self.write_only(assign.targets[0].id, None, writer=True) or None
        return ""

    def _writes_rows(self, node: ast.AST) -> bool:
        attribute = self.parents.get(id(node))
        called = self.parents.get(id(attribute))
        return (
            isinstance(attribute, ast.Attribute)
            and attribute.value is node
            and attribute.attr in _ROW_WRITES
            and isinstance(called, ast.Call)
            and called.func is attribute
        )


def _touches_files(
    model: SemanticModel, loop: ast.For | ast.AsyncFor, call: ast.Call, name: str
) -> str:
    """Why the loop (or its input) may reach the same file another way; "" when not."""
    path = (
        call.func.value if isinstance(call.func, ast.Attribute) else call_argument(call, 0, "file")
    )
    reads = set(_dotted_reads(path)) if path is not None else set()
    passed_path = ""
    for part in (loop.iter, *loop.body):
        for child in walk_same_function(part):
            if not isinstance(child, ast.Call) or child is call:
                continue
            called = model.resolve(child.func) or ""
            method = child.func.attr if isinstance(child.func, ast.Attribute) else ""
            if called in _OPENS or method == "open":
                return f"the loop also opens a file (`{_short(child)}`), which may be the same one"
            if called.startswith(("pathlib.Path().", "pathlib.PurePath().")):
                touches = method in _PATH_METHODS or method == "replace"
            elif called.startswith(_FILE_MODULES):
                touches = called not in _HARMLESS
            else:
                touches = method in _PATH_METHODS
            if touches:
                return f"the loop calls `{_short(child)}`, which may reach the same file"
            if not passed_path and _passes(child, reads, name) and called not in _PURE_PATH_CALLS:
                passed_path = (
                    f"the loop passes the path to `{_short(child)}`, which may read or "
                    "write the file"
                )
    return passed_path


def _passes(call: ast.Call, reads: set[str], name: str) -> bool:
    """``call`` is given (part of) the path, and is not a write to the file itself."""
    func = call.func
    if (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id == name
    ):
        return False
    return any(
        _overlaps(passed, read, assigned=False)
        for argument in (*call.args, *(keyword.value for keyword in call.keywords))
        for passed in _dotted_reads(argument)
        for read in reads
    )


def _short(node: ast.AST) -> str:
    text = " ".join(source_text(node).split())
    return text if len(text) <= 50 else text[:47] + "..."
