"""Does a call inside a loop run once per item? The loop's structure says when it does not:
a retry loop (one operation until it works), an exit path (``except: handle(); return``),
a batch guard (``if len(buf) >= size:``), or a loop over a constant collection bound
outside the function (a module tuple, an enum, ``.items()`` of a module dict literal)."""

from __future__ import annotations

import ast
import functools
import itertools
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from throughlint.semantic.batching import is_batch_test
from throughlint.semantic.cache_aside import after_cache_hit, lasting_container
from throughlint.semantic.expressions import (
    child_statements,
    literal_int,
    source_text,
)
from throughlint.semantic.lookup_fills import lookup_fills
from throughlint.semantic.loops import (
    Loop,
    LoopKind,
    attempt_loop,
    counter_used,
    is_small_iterable,
    range_length,
)
from throughlint.semantic.scope import BindingKind
from throughlint.semantic.unset_tests import unset_subject

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

_RETRY_TARGET = re.compile(r"^_*(?:attempt|retry|retries|tries|try_number|n_try|_)s?$")
_EXITS = (ast.Return, ast.Raise, ast.Break)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_ENUM_BASES = ("Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "TextChoices", "IntegerChoices")
_CONSTANT_MAX = 16  # members of an enum / a module constant: a fixed, small cost per call


def runs_once(model: SemanticModel, loop: Loop) -> bool:
    """The node being visited (inside ``loop``) does not run once per item: a retry loop,
    or a statement path from the loop through an exit block, a batch guard or a memo.
    Folded along the walk's statement path (``SemanticModel.fold_path``), so a loop with
    many calls costs one pass, not one per call. Also a loop that is not per item at all
    (a service's main loop, a bulk path's fallback): ``once_per_run`` and those."""
    other = model.memo("per_pass.not_per_item")
    if loop.node not in other:
        other[loop.node] = endless_counter(model, loop) or bulk_fallback(model, loop)
    return other[loop.node] or once_per_run(model, loop)


def per_item_loop(model: SemanticModel, include_while: bool = False) -> Loop | None:
    """The innermost loop the node being visited runs in once per item: as
    ``SemanticModel.hot_loop``, but a loop the node runs in at most once per run (a block
    that ends in ``break``, a retry) stands aside for the loop around it, whose passes
    still multiply the node (``for ref in refs: for tag in ref.tags: if ...: save();
    break`` saves once per ref). None when no loop multiplies it (a ``return``, a memo or
    a batch guard holds for the outer loops too)."""
    loops = model.frame.loops
    if not loops:
        return None
    # the same for every node of a statement in the same loops: asked for each call
    stack = model.node_stack
    key = (stack[-1] if stack else None, loops[-1].node, len(loops), include_while)
    memo = model.memo("per_pass.per_item_loop")
    if key in memo:
        return memo[key]
    found = None
    for loop in reversed(loops):
        if loop.small or (loop.is_while and loop.iter is None and not include_while):
            continue
        if once_per_run(model, loop):
            continue
        found = loop
        break
    memo[key] = found
    return found


def once_per_run(model: SemanticModel, loop: Loop) -> bool:
    """The node being visited runs at most once per run of ``loop``, whatever its items:
    a retry loop, or a path through an exit block, a batch guard or a memo. Narrower than
    ``runs_once``, which also counts loops that are not per item for other reasons (a
    bulk path's fallback, a service's main loop): this one says which loop multiplies a
    call (a grouped finding's loop, ``Checker.placement``)."""
    retry = model.memo("per_pass.retry_loop")
    if loop.node not in retry:
        retry[loop.node] = is_retry_loop(loop)  # a walk of the body: once per loop
    return retry[loop.node] or _once_on_this_path(model, loop)


def _once_on_this_path(model: SemanticModel, loop: Loop) -> bool:
    if loop.kind is LoopKind.COMPREHENSION:
        return False
    top = loop.node
    _, found = model.fold_path(top, "per_pass.once", (False, False), _once_step(top, model))
    return found


def bulk_fallback(model: SemanticModel, loop: Loop) -> bool:
    """``loop`` is one arm of an ``if`` whose other arm does the same collection in one
    statement (``if can_bulk: X.objects.bulk_create(rows) else: for row in rows:
    row.save()``, ``if fast: query.delete() else: for m in query.all(): delete(m)``): the
    per-item path is the deliberate fallback where the batched one cannot run."""
    if loop.iter is None or loop.kind is LoopKind.COMPREHENSION:
        return False
    collection = _root_name(loop.iter)
    stack = model.node_stack
    if collection is None or loop.node not in stack:
        return False
    at = stack.index(loop.node)
    while at > 0:
        parent, child = stack[at - 1], stack[at]
        if isinstance(parent, _DEFINITIONS):
            return False
        if isinstance(parent, ast.If):
            other = parent.orelse if any(child is s for s in parent.body) else parent.body
            if any(
                _bulk_over(part, collection) for statement in other for part in ast.walk(statement)
            ):
                return True
        at -= 1
    return False


_BULK_METHODS = frozenset(
    {"update", "delete", "executemany", "insert", "add_all", "mset", "unlink"}
)


def _bulk_over(node: ast.AST, collection: str) -> bool:
    """A call of a set-wise method on ``collection`` or taking it as an argument."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    method = node.func.attr
    if not (method in _BULK_METHODS or method.startswith("bulk_") or method.endswith("_many")):
        return False
    return _root_name(node.func.value) == collection or any(
        _root_name(argument) == collection for argument in node.args
    )


def _root_name(node: ast.expr) -> str | None:
    """The name an attribute or call chain starts from (``query`` of ``query.all()``)."""
    for _ in range(12):
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            break
    return node.id if isinstance(node, ast.Name) else None


def memoised_here(
    model: SemanticModel, function: ast.AST, per_key: bool = False, lasting: bool = False
) -> bool:
    """The node being visited sits in a memo assignment (``if _x is None: _x = ...``) of
    ``function``; with ``per_key``, also in the fill of a lasting per-key cache
    (``if key not in _CACHE: _CACHE[key] = ...``). With ``lasting``, only memos that
    outlive the object (a global, a class attribute, a key the row saves): a guard on
    ``self`` (``if self._done: return``, ``if self._x is None``) runs once per object,
    which a loop over objects still runs once per item."""
    fills = lookup_fills(model, function) if per_key else frozenset()
    declared = functools.partial(_declared, model, function)  # asked only at an unset test
    step = _once_step(None, model if per_key else None, declared, lasting, fills)
    name = f"per_pass.memo{'_per_key' if per_key else ''}{'_lasting' if lasting else ''}"
    _, found = model.fold_path(function, name, (False, False), step)
    return found


def memoised_on_object(model: SemanticModel, function: ast.AST) -> bool:
    """The node being visited fills a memo on the object's own state (``if self._lookup
    is None: self._lookup = {}; ...``) in ``function``: it runs once per object, not per
    call. Not a local's get-or-create, nor a per-key fill (once per key)."""

    def step(found: bool, parent: ast.AST, child: ast.AST) -> bool:
        if found or not isinstance(parent, ast.If) or child not in parent.body:
            return found
        tested = unset_subject(parent.test)
        return (
            tested is not None
            and tested.startswith("self.")
            and any(tested in _assigned(part) for part in parent.body)
        )

    return model.fold_path(function, "per_pass.object_memo", False, step)


def same_receiver_each_pass(model: SemanticModel, call: ast.Call, loop: Loop) -> bool:
    """The receiver of ``call`` is the same object on every pass of ``loop``: ``self`` or
    ``cls`` (``self.extract()``), an attribute of them (``self.extractor.extract()``) or a
    name (``merger.merge_into(row)``) that the loop neither binds nor assigns, nor any
    attribute on the way. A memo the method fills on its object (``if not self._iter:
    self._iter = self._make_iter()``) is then filled on the first pass and read on the
    others (``RECEIVER_MEMO``). Not a loop over objects (``for e in extractors:``), one
    that makes or rebinds the object on each pass, or a receiver that is a call's value
    or an item (``make().m()``, ``rows[i].m()``)."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    receiver = root = func.value
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name):
        return False
    if receiver is root and root.id in ("self", "cls"):
        return True
    names, attributes = _stored_in(model, loop)
    if root.id in names or root.id in loop.target_names:
        return False
    text = source_text(receiver)
    return not any(text == stored or text.startswith(stored + ".") for stored in attributes)


def _stored_in(model: SemanticModel, loop: Loop) -> tuple[frozenset[str], frozenset[str]]:
    """The names and the attribute texts (``self.extractor``) stored anywhere under the
    loop: its targets, assignments, ``with ... as``, ``:=``. Once per loop."""
    return _stored_under(model.memo("per_pass.stored_in"), loop.node)


def _stored_under(known: dict, top: ast.AST) -> tuple[frozenset[str], frozenset[str]]:
    """``_stored_in`` of the node ``top``; a loop nested in it is worked out once and its
    answer reused, so loops nested deep cost their size, not its square."""
    found = known.get(top)
    if found is not None:
        return found
    names: set[str] = set()
    attributes: set[str] = set()
    todo = list(ast.iter_child_nodes(top))
    while todo:
        node = todo.pop()
        if isinstance(node, _NESTED_LOOPS):
            inner_names, inner_attributes = _stored_under(known, node)
            names |= inner_names
            attributes |= inner_attributes
            continue
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load):
            attributes.add(source_text(node))
        todo.extend(ast.iter_child_nodes(node))
    found = known[top] = (frozenset(names), frozenset(attributes))
    return found


_NESTED_LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp)
_NESTED_LOOPS += (ast.GeneratorExp,)


def _declared(model: SemanticModel, function: ast.AST) -> frozenset[str]:
    """The names ``function`` declares ``global`` or ``nonlocal``: bound there, they
    outlive the call. Worked out once per function."""
    known = model.memo("per_pass.declared")
    found = known.get(function)
    if found is None:
        names: set[str] = set()
        body = getattr(function, "body", ())  # a lambda's is an expression: no statements
        todo = list(body) if isinstance(body, list) else []
        while todo:
            node = todo.pop()
            if isinstance(node, (ast.Global, ast.Nonlocal)):
                names.update(node.names)
            elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                todo.extend(child_statements(node))
        found = known[function] = frozenset(names)
    return found


def _once_step(
    top: ast.AST | None,
    model: SemanticModel | None = None,
    declared: Callable[[], frozenset[str]] | None = None,
    beyond_the_object: bool = False,
    lookup_fill_ids: frozenset[int] = frozenset(),
):
    """The path step of ``once_per_run`` (``top``: the loop) and of ``memoised_here``
    (``top`` None; ``declared``: the function's ``global`` / ``nonlocal`` names, worked
    out when a test asks). A memo of a function must outlive the call: an attribute
    (``self._theme``) or a name it declares ``global``; ``if not queue: queue =
    create_queue()`` on a local is a get-or-create, run on every call. Of a loop, a local
    bound before it is enough."""

    def outlives(tested: str) -> bool:
        if declared is None or tested in declared():
            return True
        if beyond_the_object:  # ``cls._x``, ``Config._x``: not ``self._x``
            return "." in tested and not tested.startswith("self.")
        return "." in tested

    def step(value: tuple[bool, bool], parent: ast.AST, child: ast.AST) -> tuple[bool, bool]:
        inner_loop, found = value
        if found:
            return value
        if (
            top is not None
            and parent is not top
            and isinstance(parent, _LOOPS)
            and not any(child is part for part in parent.orelse)
        ):
            inner_loop = True  # a ``break`` below here leaves only the inner loop (one in
            # its ``else:`` block leaves the loop around it)
        if top is not None:
            blocks = _blocks(parent)
            if isinstance(parent, _TRIES) and (handler := _handler_of(parent, child)):
                blocks.append(handler.body)  # not on the stack; only the child's own
            for block in blocks:
                last = block[-1]
                # the exit first: ``child in block`` scans the block, and asked for every
                # statement of a long loop body it would cost the square of its length
                if (
                    _returns(last) or (isinstance(last, ast.Break) and not inner_loop)
                ) and child in block:  # AST nodes compare by identity
                    return inner_loop, True
            if isinstance(parent, ast.If) and child in parent.body and is_batch_test(parent.test):
                return inner_loop, True
            if (
                isinstance(parent, ast.If)
                and not inner_loop
                and child in parent.body
                and _key_dispatch(top, parent.test)
            ):
                return inner_loop, True  # ``for key, value in d.items(): if key == "roles":``
            if (
                model is not None
                and isinstance(parent, ast.If)
                and not inner_loop
                and child in parent.body
                and _selects_one(model, top, parent.test)
            ):
                return inner_loop, True  # ``for t in translations: if t == self:``
        if isinstance(parent, ast.If) and child in parent.body:
            tested = unset_subject(parent.test)
            if (
                tested is not None
                and outlives(tested)
                and any(tested in _assigned(part) for part in parent.body)
            ):
                return inner_loop, True  # ``if not self._loaded: ...; self._loaded = True``
            if model is not None and _lasting_key_fill(model, parent):
                return inner_loop, True  # ``if key not in _CACHE: _CACHE[key] = ...``
            if _saved_key_fill(parent):
                return inner_loop, True  # ``if key not in self.data: ...; self.save()``
        if id(child) in lookup_fill_ids:
            return inner_loop, True  # ``if row is None: row = Model.create(...)``
        if model is not None and after_cache_hit(model, parent, child):
            return inner_loop, True  # after ``if cached is not None: return cached``
        if beyond_the_object:
            return inner_loop, False  # the guards below are on the object's own state
        if isinstance(parent, _TRIES) and _missing_attribute_memo(parent, child, model):
            return inner_loop, True
        if _after_flag_guard(parent, child):
            return inner_loop, True
        return inner_loop, False

    return step


def _selects_one(model: SemanticModel, loop: ast.AST, test: ast.expr) -> bool:
    """``test`` holds for one item of the loop: the item itself compared with an object
    the loop does not rebind (``if translation == self:``, ``if user is owner:``), alone
    or under ``and``. The items of a loop over objects are distinct, so the branch runs
    at most once per run of the loop. Not a literal (a list of strings may repeat one:
    ``if state == "failed":``), nor an attribute of the item (``if row.owner == user:``
    filters)."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_selects_one(model, loop, value) for value in test.values)
    if not (isinstance(loop, (ast.For, ast.AsyncFor)) and isinstance(loop.target, ast.Name)):
        return False
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], (ast.Eq, ast.Is))
    ):
        return False
    item = loop.target.id
    left, right = test.left, test.comparators[0]
    if isinstance(left, ast.Name) and left.id == item:
        other = right
    elif isinstance(right, ast.Name) and right.id == item:
        other = left
    else:
        return False
    root = other
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name) or root.id == item:
        return False
    names, _ = _stored_under(model.memo("per_pass.stored_in"), loop)
    return root.id not in names


def _key_dispatch(loop: ast.AST, test: ast.expr) -> bool:
    """``test`` compares the key of a loop over a mapping with a literal (``for key, value
    in payload.items(): if key == "roles": ...``): a mapping's keys are distinct, so the
    branch runs at most once per run of the loop (at most a literal tuple's length of
    times for ``key in ("a", "b")``), whatever the number of keys."""
    if not isinstance(loop, (ast.For, ast.AsyncFor)):
        return False
    items = loop.iter
    if not (
        isinstance(items, ast.Call)
        and isinstance(items.func, ast.Attribute)
        and items.func.attr in ("items", "keys")
        and not items.args
    ):
        return False
    key = loop.target
    if items.func.attr == "items":
        key = key.elts[0] if isinstance(key, ast.Tuple) and len(key.elts) == 2 else None
    if not isinstance(key, ast.Name) or not isinstance(test, ast.Compare):
        return False
    if len(test.ops) != 1:
        return False
    left, operator, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(operator, ast.Eq):
        sides = {type(left), type(right)}
        named = left if isinstance(left, ast.Name) else right
        return sides == {ast.Name, ast.Constant} and named.id == key.id  # type: ignore[attr-defined]
    return (
        isinstance(operator, ast.In)
        and isinstance(left, ast.Name)
        and left.id == key.id
        and isinstance(right, (ast.Tuple, ast.List, ast.Set))
        and all(isinstance(element, ast.Constant) for element in right.elts)
    )


_TRIES = (ast.Try, getattr(ast, "TryStar", ast.Try))
_GUARD_WINDOW = 6  # a memo's guard opens its block: look no further for it


def _assigned(statement: ast.stmt) -> set[str]:
    """The texts of the names and attributes a statement assigns at its top."""
    if isinstance(statement, ast.Assign):
        return {source_text(target) for target in statement.targets}
    if isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        return {source_text(statement.target)}
    return set()


_HANDLERS: dict[int, tuple[ast.AST, dict[int, ast.ExceptHandler], dict[int, bool]]] = {}


def _handler_of(node: ast.Try, child: ast.AST) -> ast.ExceptHandler | None:
    """The handler of ``node`` whose body has ``child``; kept per ``try``, as asked for
    every statement on a path through it (a scan per statement costs the square)."""
    known = _HANDLERS.get(id(node))
    if known is None or known[0] is not node:
        if len(_HANDLERS) > 4096:
            _HANDLERS.clear()
        owners = {id(s): handler for handler in node.handlers for s in handler.body}
        known = _HANDLERS[id(node)] = (node, owners, {})
    return known[1].get(id(child))


def _missing_attribute_memo(
    node: ast.Try, child: ast.AST, model: SemanticModel | None = None
) -> bool:
    """``try: return self._x`` / ``except AttributeError: self._x = compute()``: the
    handler fills what the ``try`` reads, so it runs once per object (per handler). With
    ``KeyError``, a lasting per-key cache (``cache_aside.lasting_container``) filled by the handler
    (``try: return cls._cache[key]`` / ``except KeyError: cls._cache[key] = ...``)."""
    handler = _handler_of(node, child)
    if handler is None:
        return False
    answers = _HANDLERS[id(node)][2]
    if id(handler) not in answers:
        answers[id(handler)] = _fills_what_try_reads(node, handler, model)
    return answers[id(handler)]


def _fills_what_try_reads(
    node: ast.Try, handler: ast.ExceptHandler, model: SemanticModel | None
) -> bool:
    caught = handler.type
    names = {
        name.id
        for name in (caught.elts if isinstance(caught, ast.Tuple) else [caught])
        if isinstance(name, ast.Name)
    }
    if "AttributeError" in names:
        read = {
            source_text(part)
            for statement in node.body
            for part in ast.walk(statement)
            if isinstance(part, ast.Attribute)
        }
        filled = set().union(*(_assigned(statement) for statement in handler.body))
        return bool(read & filled)
    if model is None or names.isdisjoint(("KeyError", "LookupError")):
        return False
    read = {
        source_text(part)
        for statement in node.body
        for part in ast.walk(statement)
        if isinstance(part, ast.Subscript) and lasting_container(model, part.value)
    }
    return not read.isdisjoint(_filled_keys(handler.body))


def _filled_keys(block: list[ast.stmt]) -> set[str]:
    """The subscripts ``block`` assigns at its top or in the body of a ``try`` there
    (``try: cache[key] = X.objects.get(...)`` / ``except X.DoesNotExist: return None``)."""
    filled: set[str] = set()
    for statement in block:
        if isinstance(statement, _TRIES):
            filled |= _filled_keys(statement.body)
        elif isinstance(statement, ast.Assign):
            filled |= {source_text(t) for t in statement.targets if isinstance(t, ast.Subscript)}
    return filled


def _lasting_key_fill(model: SemanticModel, test_if: ast.If) -> bool:
    """``if key not in _CACHE: _CACHE[key] = compute(key)`` on a lasting container: the
    compute runs once per key for the life of the process, not once per call."""
    test = test_if.test
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.NotIn)
        and lasting_container(model, test.comparators[0])
    ):
        return False
    filled = f"{source_text(test.comparators[0])}[{source_text(test.left)}]"
    return filled in _filled_keys(test_if.body)


def _saved_key_fill(test_if: ast.If) -> bool:
    """``if "ancestors" not in self.extra_data: self.extra_data["ancestors"] = ...;
    self.save(...)``: a memo kept on the row itself. The object saves the key it filled,
    so the row is written once in its life; loaded again, it has the key and the block
    does not run."""
    test = test_if.test
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.NotIn)
        and isinstance(test.comparators[0], ast.Attribute)
        and _is_self(test.comparators[0].value)
    ):
        return False
    filled = f"{source_text(test.comparators[0])}[{source_text(test.left)}]"
    return filled in _filled_keys(test_if.body) and any(
        _saves_self(statement) for statement in test_if.body
    )


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _saves_self(statement: ast.stmt) -> bool:
    """``self.save(...)`` as a statement of its own."""
    call = statement.value if isinstance(statement, ast.Expr) else None
    return (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "save"
        and _is_self(call.func.value)
    )


def _after_flag_guard(parent: ast.AST, child: ast.AST) -> bool:
    """``if self._done: return`` opening a block that sets ``self._done``: what follows
    the guard runs once per object (or once per run of the module). Only the block's
    first statements are looked at for the guard, so a long block costs no more."""
    for block in _blocks(parent):
        for guard in block[:_GUARD_WINDOW]:
            if guard is child:
                break
            if (
                isinstance(guard, ast.If)
                and not guard.orelse
                and len(guard.body) == 1
                and isinstance(guard.body[0], ast.Return)
                and isinstance(guard.test, (ast.Name, ast.Attribute))
                and _sets_flag(block, source_text(guard.test))
                and child in block  # AST nodes compare by identity
            ):
                return True
    return False


_FLAG_SETS: dict[tuple[int, str], tuple[list, bool]] = {}


def _sets_flag(block: list[ast.stmt], flag: str) -> bool:
    """Some statement of ``block`` assigns ``flag`` (kept per block: asked per statement)."""
    key = (id(block), flag)
    known = _FLAG_SETS.get(key)
    if known is None or known[0] is not block:
        if len(_FLAG_SETS) > 4096:
            _FLAG_SETS.clear()
        known = _FLAG_SETS[key] = (block, any(flag in _assigned(item) for item in block))
    return known[1]


def not_per_item(loop: Loop, target: ast.AST) -> bool:
    """``target`` (a node inside ``loop``, not the one being visited) does not run once per
    item; by a walk of the loop, for the odd question off the walk's path."""
    return (
        is_retry_loop(loop)
        or on_exit_path(loop, target)
        or batch_guarded(loop, target)
        or memoised(loop.node, target)
    )


def memoised(root: ast.AST, target: ast.AST) -> bool:
    """``target`` computes a value kept for later calls: under ``if _cache is None:`` (or
    ``if not self._x:``) whose body assigns that same name, the call runs once."""
    path = _path_to(root, target)
    for node in path:
        if not isinstance(node, ast.If):
            continue
        tested = unset_subject(node.test)
        if tested is None:
            continue
        for statement in node.body:
            if (
                isinstance(statement, (ast.Assign, ast.AnnAssign))
                and any(target is part for part in ast.walk(statement))
                and any(
                    source_text(assigned) == tested
                    for assigned in (
                        statement.targets
                        if isinstance(statement, ast.Assign)
                        else [statement.target]
                    )
                )
            ):
                return True
    return False


_ENDLESS = frozenset({"itertools.count()", "itertools.repeat()"})


def endless_counter(model: SemanticModel, loop: Loop) -> bool:
    """``for tick in itertools.count():``: a service's main loop (a ``while True`` with a
    counter), not a loop over items; ``repeat(x)`` without a count is one too."""
    iterable = loop.iter
    if loop.kind is LoopKind.COMPREHENSION or not isinstance(iterable, ast.Call):
        return False
    if model.resolve(iterable) not in _ENDLESS:
        return False
    func = model.resolve(iterable.func)
    return func != "itertools.repeat" or (len(iterable.args) < 2 and not iterable.keywords)


def is_retry_loop(loop: Loop) -> bool:
    """``for attempt in range(max_retries): ... break``: a counter, not items, and a way
    out once the operation worked; ``for attempt in Retrying(): with attempt:``."""
    if loop.kind is LoopKind.COMPREHENSION or not isinstance(loop.node, (ast.For, ast.AsyncFor)):
        return False
    if attempt_loop(loop):
        return True
    iterable = loop.iter
    counts = (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Name)
        and iterable.func.id in ("range", "repeat")
    )
    named = any(_RETRY_TARGET.match(name) for name in loop.target_names)
    if not named and not (counts and not counter_used(loop)):
        return False
    return any(
        isinstance(node, (ast.Break, ast.Return))
        for statement in loop.node.body
        for node in walk_same_loop(statement)
    )


def walk_same_loop(node: ast.AST) -> Iterator[ast.AST]:
    """The statements under ``node`` (itself included), entering neither nested loops nor
    functions (``break`` and ``return`` are statements)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            for child in getattr(current, field, None) or ():
                if not isinstance(child, (*_LOOPS, *_DEFINITIONS)):
                    stack.append(child)


def on_exit_path(loop: Loop, target: ast.AST) -> bool:
    """``target`` sits in a block of the loop that ends by leaving it (``return``,
    ``raise``, ``break``): it runs at most once per run of the loop."""
    if loop.kind is LoopKind.COMPREHENSION:
        return False
    path = _path_to(loop.node, target)
    if not path:
        return False
    path = [*path, target]
    leaves_loop = True  # a ``break`` past a nested loop leaves only that loop
    for parent, child in itertools.pairwise(path):
        if parent is not loop.node and isinstance(parent, _LOOPS):
            leaves_loop = False
        for block in _blocks(parent):
            if child not in block:  # AST nodes compare by identity
                continue
            last = block[-1]
            if _returns(last) or (isinstance(last, ast.Break) and leaves_loop):
                return True
    return False


def _returns(statement: ast.stmt, depth: int = 0) -> bool:
    """``statement`` leaves the function on every path: a ``return`` or ``raise``, or an
    ``if`` / ``else`` chain each of whose arms ends in one (``if ok: return redirect(...)
    else: return self.get(...)``)."""
    if isinstance(statement, (ast.Return, ast.Raise)):
        return True
    if isinstance(statement, ast.If) and statement.orelse and depth < 8:
        return _returns(statement.body[-1], depth + 1) and _returns(statement.orelse[-1], depth + 1)
    return False


def _blocks(node: ast.AST) -> list[list[ast.stmt]]:
    blocks = []
    for name in ("body", "orelse", "finalbody"):
        value = getattr(node, name, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            blocks.append(value)
    return blocks


def batch_guarded(loop: Loop, target: ast.AST) -> bool:
    """Inside an ``if`` of the loop whose test is a batch condition (``i % 500 == 0``,
    ``len(buffer) >= size``): once per batch, not per item."""
    for node in _path_to(loop.node, target):
        if (
            isinstance(node, ast.If)
            and any(target is part for child in node.body for part in ast.walk(child))
            and is_batch_test(node.test)
        ):
            return True
    return False


def _path_to(root: ast.AST, target: ast.AST) -> list[ast.AST]:
    """The nodes from ``root`` down to ``target``'s parent; empty when not inside."""
    stack: list[tuple[ast.AST, list[ast.AST]]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        for child in ast.iter_child_nodes(node):
            stack.append((child, [*path, node]))
    return []


# --- constant collections ----------------------------------------------------------------


def is_constant_iterable(model: SemanticModel, iterable: ast.expr | None) -> bool:
    """A collection of fixed, small size bound outside the function: a module-level
    literal (``TABLES = ("a", "b")``), the members of an enum defined in this file,
    ``range(K)`` of a module integer, ``.items()`` / ``.keys()`` / ``.values()`` of a
    module dict literal."""
    if iterable is None:
        return False
    if (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Attribute)
        and iterable.func.attr in ("items", "keys", "values")
        and not iterable.args
    ):
        return is_constant_iterable(model, iterable.func.value)
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name):
        if iterable.func.id in ("enumerate", "reversed", "sorted", "list", "tuple") and (
            iterable.args
        ):
            return is_constant_iterable(model, iterable.args[0])
        if iterable.func.id == "range" and model.lookup("range") is None and iterable.args:
            bounds = [_module_int(model, argument) for argument in iterable.args[:3]]
            if any(bound is None for bound in bounds):
                return False
            count = range_length(*bounds)  # type: ignore[arg-type]
            return count is not None and count <= model.small_loop_max
        return False
    if not isinstance(iterable, ast.Name):
        return False
    binding = model.lookup(iterable.id)
    if binding is None:
        return False
    if binding.kind is BindingKind.CLASS and isinstance(binding.node, ast.ClassDef):
        return _small_enum(binding.node)
    if binding.kind is BindingKind.IMPORT and _class_name(iterable.id):
        return True  # iterating a class imported from elsewhere: an enum's members
    if binding.kind is not BindingKind.ASSIGNMENT or binding.value is None:
        return False
    if model.module_scope.bindings.get(iterable.id) is not binding:
        return False  # a local: its size is the function's business
    value = binding.value
    mutable = isinstance(value, (ast.List, ast.Set, ast.Dict))
    if mutable and not iterable.id.isupper():
        return False
    return _all_constants(value) and is_small_iterable(value, _CONSTANT_MAX)


def _module_int(model: SemanticModel, node: ast.expr) -> int | None:
    value = literal_int(node)
    if value is not None or not isinstance(node, ast.Name):
        return value
    binding = model.module_scope.bindings.get(node.id)
    if binding is None or binding is not model.lookup(node.id) or binding.value is None:
        return None
    return literal_int(binding.value) if binding.kind is BindingKind.ASSIGNMENT else None


_CONSTANT_NODES = (
    ast.Constant, ast.Name, ast.Attribute, ast.Tuple, ast.List, ast.Set, ast.Dict,
    ast.expr_context, ast.UnaryOp, ast.unaryop,
)  # fmt: skip


def _all_constants(value: ast.expr) -> bool:
    return all(isinstance(node, _CONSTANT_NODES) for node in ast.walk(value))


def _small_enum(class_def: ast.ClassDef) -> bool:
    """A class deriving an enum base, with a fixed handful of members."""
    if not any(_base_name(base) in _ENUM_BASES for base in class_def.bases):
        return False
    members = sum(
        1
        for statement in class_def.body
        if isinstance(statement, (ast.Assign, ast.AnnAssign))
        and getattr(statement, "value", None) is not None
    )
    return members <= _CONSTANT_MAX


def _base_name(base: ast.expr) -> str | None:
    if isinstance(base, ast.Name):
        return base.id
    if isinstance(base, ast.Attribute):
        return base.attr
    return None


def _class_name(name: str) -> bool:
    """``Priority``, ``TicketStatus``: CamelCase, as classes are named (not ``QUEUES``)."""
    return name[:1].isupper() and not name.isupper() and "_" not in name
