"""Loops as the rules see them: which ones repeat work per item, and over what."""

from __future__ import annotations

import ast
import enum
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from throughlint.semantic.expressions import (
    identifier_words,
    literal_int,
    target_names,
    tree_key,
    unparse_short,
)


class LoopKind(enum.Enum):
    FOR = "for"
    ASYNC_FOR = "async for"
    WHILE = "while"
    COMPREHENSION = "comprehension"


@dataclass(frozen=True, slots=True)
class Loop:
    node: ast.AST
    kind: LoopKind
    iter: ast.expr | None
    target: ast.expr | None
    small: bool
    target_names: frozenset[str]

    @property
    def is_while(self) -> bool:
        return self.kind is LoopKind.WHILE


def for_loop(node: ast.For | ast.AsyncFor, small_loop_max: int) -> Loop:
    kind = LoopKind.ASYNC_FOR if isinstance(node, ast.AsyncFor) else LoopKind.FOR
    return Loop(
        node=node,
        kind=kind,
        iter=node.iter,
        target=node.target,
        small=is_small_iterable(node.iter, small_loop_max),
        target_names=frozenset(target_names(node.target)),
    )


def comprehension_loop(owner: ast.AST, generator: ast.comprehension, small_loop_max: int) -> Loop:
    return Loop(
        node=owner,
        kind=LoopKind.COMPREHENSION,
        iter=generator.iter,
        target=generator.target,
        small=is_small_iterable(generator.iter, small_loop_max),
        target_names=frozenset(target_names(generator.target)),
    )


def attempt_loop(loop: Loop) -> bool:
    """``for attempt in Retrying(...): with attempt: ...``: each item is an attempt at one
    operation, entered as a context manager (tenacity style), not an item of work."""
    if loop.kind is LoopKind.COMPREHENSION or not isinstance(loop.target, ast.Name):
        return False
    name = loop.target.id
    todo = list(getattr(loop.node, "body", ()))
    while todo:
        statement = todo.pop()
        if isinstance(statement, (ast.With, ast.AsyncWith)) and any(
            isinstance(item.context_expr, ast.Name) and item.context_expr.id == name
            for item in statement.items
        ):
            return True
        if isinstance(statement, (ast.If, ast.Try)):
            todo.extend(statement.body)
    return False


def counter_used(loop: Loop) -> bool:
    """The body reads the loop's target other than to log it: ``for i in range(3):
    print("retry", i)`` or ``log.warning("attempt %d", i)`` still repeats one operation,
    where ``items[i]`` or ``send(i)`` works on item ``i``. One walk of the body."""
    names = loop.target_names
    todo: list[ast.AST] = list(getattr(loop.node, "body", ()))
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Name) and node.id in names and isinstance(node.ctx, ast.Load):
            return True
        if isinstance(node, ast.Call) and _logs(node.func):
            continue  # what a log line reads is only shown
        todo.extend(ast.iter_child_nodes(node))
    return False


# Calls that only show what they are given: ``print`` and a logger's methods
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical"})


def _logs(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id == "print"
    return isinstance(func, ast.Attribute) and func.attr in _LOG_METHODS


def while_loop(node: ast.While) -> Loop:
    """A ``while`` loop; one that drains a collection an item per pass (``while
    self._dirty: name = self._dirty.pop()``) goes over that collection's items, as a
    ``for`` loop would: its ``iter`` is the collection and its ``target`` the item."""
    drained = drained_item(node)
    if drained is None:
        return Loop(node, LoopKind.WHILE, None, None, False, frozenset())
    collection, target = drained
    return Loop(node, LoopKind.WHILE, collection, target, False, frozenset(target_names(target)))


# what takes one item off a collection: ``stack.pop()``, ``todo.popleft()``
_TAKE_ONE = frozenset({"pop", "popleft", "popitem"})


def drained_item(node: ast.While) -> tuple[ast.expr, ast.expr] | None:
    """``while todo: item = todo.pop()`` (also ``len(todo)``, ``heapq.heappop(todo)`` or
    ``heappop(todo)``, an annotated target, the take first in the body or first in its
    ``try``; and ``while True:`` opening with ``if not todo: break``): the collection and
    the item's target; None for any other ``while`` loop."""
    body = node.body
    test = node.test
    if isinstance(test, ast.Constant) and test.value is True and len(body) > 1:
        test, body = _empty_break(body[0]), body[1:]  # ``while True: if not todo: break``
        if test is None:
            return None
    if isinstance(test, ast.Compare):
        if not _not_empty(test):
            return None  # ``while len(cache) > limit:``: evicts down to a bound, not all
        test = test.left  # ``len(todo) > 0``
    test = _measured(test)
    if not isinstance(test, (ast.Name, ast.Attribute)):
        return None
    first = body[0] if body else None
    if isinstance(first, ast.Try) and first.body:
        first = first.body[0]
    if isinstance(first, ast.Assign) and len(first.targets) == 1:
        target, taken = first.targets[0], first.value
    elif isinstance(first, ast.AnnAssign) and first.value is not None:
        target, taken = first.target, first.value
    else:
        return None
    if not isinstance(taken, ast.Call):
        return None
    func = taken.func
    if isinstance(func, ast.Attribute) and func.attr in _TAKE_ONE:
        source = func.value
    elif (
        dotted_call(func) == "heapq.heappop"
        or (isinstance(func, ast.Name) and func.id == "heappop")
    ) and taken.args:
        source = taken.args[0]
    else:
        return None
    if tree_key(source) != tree_key(test):
        return None
    return test, target


def _measured(test: ast.expr) -> ast.expr:
    """``len(todo)`` -> ``todo``; anything else as it is."""
    if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "len":
        return test.args[0] if len(test.args) == 1 else test
    return test


def _empty_break(statement: ast.stmt) -> ast.expr | None:
    """``if not todo: break`` / ``if len(todo) == 0: break``: ``todo``; else None."""
    if not (
        isinstance(statement, ast.If)
        and not statement.orelse
        and len(statement.body) == 1
        and isinstance(statement.body[0], ast.Break)
    ):
        return None
    test = statement.test
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _measured(test.operand)
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and literal_int(test.comparators[0]) == 0
    ):
        return _measured(test.left)
    return None


def _not_empty(test: ast.Compare) -> bool:
    """``len(todo) > 0``, ``len(todo) != 0`` or ``len(todo) >= 1``: until it is empty."""
    if len(test.ops) != 1:
        return False
    bound = literal_int(test.comparators[0])
    operator = test.ops[0]
    return (isinstance(operator, (ast.Gt, ast.NotEq)) and bound == 0) or (
        isinstance(operator, ast.GtE) and bound == 1
    )


# what puts an item back on a collection (``todo.append(url)``, ``heapq.heappush(...)``)
_PUT_ONE = frozenset({"append", "appendleft", "extend", "extendleft", "add", "insert"})


def refilled(loop: Loop) -> bool:
    """A drain loop whose passes put items back on the collection they drain (a work
    list that finds its next item in the pass: a crawl, pages of an API): each pass may
    depend on the one before."""
    if not loop.is_while or loop.iter is None:
        return False
    drained = tree_key(loop.iter)
    for node in ast.walk(loop.node):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _PUT_ONE:
            target = func.value
        elif dotted_call(func) == "heapq.heappush" and node.args:
            target = node.args[0]
        else:
            continue
        if tree_key(target) == drained:
            return True
    return False


def dotted_call(func: ast.expr) -> str:
    """``heapq.heappop`` for that spelling of a call's function, else ""."""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return ""


def is_small_iterable(iterable: ast.expr, small_loop_max: int) -> bool:
    """A literal of at most ``small_loop_max`` items, or ``range`` of a literal that small."""
    if isinstance(iterable, (ast.List, ast.Tuple, ast.Set)):
        elements = iterable.elts
        return len(elements) <= small_loop_max and not any(
            isinstance(element, ast.Starred) for element in elements
        )
    if isinstance(iterable, ast.Dict):
        return len(iterable.keys) <= small_loop_max and None not in iterable.keys
    if isinstance(iterable, ast.Constant) and isinstance(iterable.value, (str, bytes)):
        return len(iterable.value) <= small_loop_max
    if (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Name)
        and iterable.func.id == "range"
        and not iterable.keywords
        and 1 <= len(iterable.args) <= 3
    ):
        bounds = [literal_int(arg) for arg in iterable.args]
        if any(bound is None for bound in bounds):
            return False
        count = range_length(*bounds)  # type: ignore[arg-type]
        return count is not None and count <= small_loop_max
    if (  # enumerate(<small literal>), zip(<small literal>, ...), sorted/reversed(...)
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Name)
        and iterable.func.id in {"enumerate", "reversed", "sorted", "zip"}
        and iterable.args
    ):
        return any(is_small_iterable(arg, small_loop_max) for arg in iterable.args)
    return False


def range_length(*bounds: int) -> int | None:
    """How many items ``range(*bounds)`` yields, by arithmetic (``len(range(...))`` raises
    on a zero step and on lengths past ``sys.maxsize``); None when ``range`` would raise."""
    start, stop, step = 0, bounds[0], 1
    if len(bounds) > 1:
        start, stop = bounds[0], bounds[1]
    if len(bounds) > 2:
        step = bounds[2]
    if step == 0:
        return None
    if step < 0:
        start, stop, step = -start, -stop, -step
    if stop <= start:
        return 0
    return (stop - start + step - 1) // step


_BATCH_WORDS = frozenset(
    {"batch", "batches", "batched", "chunk", "chunks", "chunked", "paginate", "paginated",
     "paginator", "islice", "bulk", "connections", "databases"}
)  # fmt: skip
_PAGE_WORDS = frozenset({"page", "pages"})  # a page of rows, or a CMS page: ask the body
_COLLECTION_METHODS = frozenset(
    {"in_", "executemany", "bulk_create", "bulk_update", "insert_many", "add_all", "extend"}
)
# the source of each loop's iterable, and whether it is a batch loop, worked out once:
# every call in the loop asks
_BATCH: WeakKeyDictionary[ast.expr, bool] = WeakKeyDictionary()
_ITER_TEXT: WeakKeyDictionary[ast.expr, str] = WeakKeyDictionary()


def _iter_text(iterable: ast.expr, limit: int) -> str:
    text = _ITER_TEXT.get(iterable)
    if text is None:
        text = _ITER_TEXT[iterable] = unparse_short(iterable, limit=sys.maxsize)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_batch_loop(loop: Loop) -> bool:
    """A loop whose items are batches (``for chunk in chunks(rows, 500)``, ``range(0, n,
    size)``) or databases (``for alias in connections``): one statement per pass is already
    the batched form. Words count only as whole words of an identifier the loop iterates
    or binds (``chunk_size=`` in a call's keywords, ``slices``, ``homepage`` or a model
    class ``Page`` do not); ``page`` counts only when the body uses the item as a
    collection (iterates it, ``len()``, ``pk__in=``, ``executemany``)."""
    if loop.iter is None:
        return False
    known = _BATCH.get(loop.iter)
    if known is None:
        known = _BATCH[loop.iter] = _is_batch_loop(loop)
    return known


def _is_batch_loop(loop: Loop) -> bool:
    assert loop.iter is not None
    if _steps_by_size(loop.iter):
        return True
    words = _item_words(loop.iter, loop.target_names)
    if words & _BATCH_WORDS:
        return True
    if not words & _PAGE_WORDS:
        return False
    return _counts_pages(loop.iter) or _items_are_collections(loop)


def names_batches(iterable: ast.expr) -> bool:
    """An iterable of batches by its words or its steps (``chunks(rows, 500)``,
    ``range(0, n, size)``), as ``is_batch_loop`` reads a loop's: for the items a
    ``map()`` hands a function one at a time."""
    return _steps_by_size(iterable) or bool(_item_words(iterable, ()) & _BATCH_WORDS)


def _item_words(iterable: ast.expr, targets: Iterable[str]) -> set[str]:
    """The lower-case words of the names an iterable reads and its loop binds; a class
    (``Page``, ``Chunk``) is no batch of items."""
    names = set(targets)
    for node in ast.walk(iterable):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return {
        word.lower() for name in names if not name[:1].isupper() for word in identifier_words(name)
    }


def _counts_pages(iterable: ast.expr) -> bool:
    """``range(1, pages + 1)``, ``range(num_pages)``: one pass per page number."""
    return (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Name)
        and iterable.func.id == "range"
        and any(
            word.lower() in _PAGE_WORDS
            for argument in iterable.args
            for node in ast.walk(argument)
            if isinstance(node, (ast.Name, ast.Attribute))
            for word in identifier_words(node.id if isinstance(node, ast.Name) else node.attr)
        )
    )


def _items_are_collections(loop: Loop) -> bool:
    targets = loop.target_names

    def is_item(node: ast.AST) -> bool:
        return isinstance(node, ast.Name) and node.id in targets

    for statement in getattr(loop.node, "body", ()):
        for node in ast.walk(statement):
            if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)) and is_item(node.iter):
                return True
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == "len" and any(map(is_item, node.args)):
                return True
            if any(k.arg and k.arg.endswith("__in") and is_item(k.value) for k in node.keywords):
                return True
            if isinstance(func, ast.Attribute) and (
                (func.attr in _COLLECTION_METHODS and any(map(is_item, node.args)))
                or (func.attr == "execute" and len(node.args) > 1 and is_item(node.args[1]))
            ):
                return True
    return False


def _steps_by_size(iterable: ast.expr) -> bool:
    """``range(0, len(rows), size)``: each pass handles a slice of ``size`` items."""
    if not (
        isinstance(iterable, ast.Call)
        and isinstance(iterable.func, ast.Name)
        and iterable.func.id == "range"
        and len(iterable.args) == 3
    ):
        return False
    step = literal_int(iterable.args[2])
    return step is None or step > 1


def describe_loop(loop: Loop) -> str:
    """``the loop over `books` `` — for messages."""
    if loop.iter is None:
        return "each pass of the `while` loop"
    noun = "the comprehension" if loop.kind is LoopKind.COMPREHENSION else "the loop"
    return f"{noun} over `{_iter_text(loop.iter, 40)}`"


def describe_subject(loop: Loop) -> str:
    """What a loop goes through, for "per item of `interfaces`"; "" for ``while``."""
    return "" if loop.iter is None else _iter_text(loop.iter, 40)
