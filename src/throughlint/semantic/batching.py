"""Whether a call inside a loop runs only every N passes (``if i % n == 0:``,
``if len(pending) >= n:``): then it is the batched form, not a per-item one."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.semantic.expressions import identifier_words, literal_int
from throughlint.semantic.loops import Loop
from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel


def batch_guarded(model: SemanticModel, loop: Loop) -> bool:
    """The node being visited is in the body of an ``if`` in ``loop`` whose test counts
    items (``i % n``, ``len(x) >= n``). Folded along the walk's path (``fold_path``), so
    many calls in one loop do not each walk the whole loop."""
    return model.fold_path(loop.node, "batching.batch_guarded", False, _guard_step)


def _guard_step(guarded: bool, parent: ast.AST, child: ast.AST) -> bool:
    return guarded or (
        isinstance(parent, ast.If) and _in_body(parent, child) and is_batch_test(parent.test)
    )


_LOOP_NODES = (ast.For, ast.AsyncFor, ast.While, ast.comprehension)
_OUTLASTING = frozenset(
    {BindingKind.PARAMETER, BindingKind.SELF, BindingKind.IMPORT, BindingKind.CLASS}
    | {BindingKind.FUNCTION}
)


def batched_per_call(model: SemanticModel, function: ast.AST) -> bool:
    """The node being visited runs under a batch test of ``function``, outside the
    function's own loops, on state that outlasts the call (``if self._count %
    self._size == 0: session.commit()``, ``if len(self.pending) >= self.batch_size:
    self.flush()``): a helper called once per item acts once per batch of calls, so
    its effect is not one per call. A test on a local the call binds afresh is not
    (``n = 0; if n % 100 == 0:`` holds on every call)."""

    def step(state: str | None, parent: ast.AST, child: ast.AST) -> str | None:
        if state == "loop" or isinstance(parent, _LOOP_NODES):
            return "loop"  # the function's own loop: per item of it, its rules' business
        if (
            state is None
            and isinstance(parent, ast.If)
            and _in_body(parent, child)
            and is_batch_test(parent.test)
            and _outlasts_call(model, parent.test)
        ):
            return "batch"
        return state

    return model.fold_path(function, "batching.per_call", None, step) == "batch"


def _outlasts_call(model: SemanticModel, test: ast.expr) -> bool:
    """Every name the test reads (but a called builtin such as ``len``) is the object,
    a parameter, an import, a definition or a module-level name: none is a local the
    call binds afresh."""
    called = {id(node.func) for node in ast.walk(test) if isinstance(node, ast.Call)}
    for node in ast.walk(test):
        if not isinstance(node, ast.Name) or id(node) in called:
            continue
        binding = model.lookup(node.id)
        if binding is None or binding.kind in _OUTLASTING:
            continue
        if model.module_scope.bindings.get(node.id) is binding:
            continue  # a module-level counter or buffer
        return False
    return True


def _in_body(statement: ast.If, child: ast.AST) -> bool:
    """``child`` (a statement under ``statement``) is in its body, not in ``else``."""
    orelse = statement.orelse
    return not orelse or (child.lineno, child.col_offset) < (orelse[0].lineno, orelse[0].col_offset)


_BATCH_WORDS = frozenset(("batch", "pending", "buffer", "chunk", "size", "count", "queue", "rows"))
_SMALLEST_BATCH = 10  # ``i % 2 == 0`` alternates; a batch is every tenth item or fewer


def is_batch_test(test: ast.expr) -> bool:
    """A test that holds once per batch, not for most items: a count reaching a multiple
    (``i % 500 == 0``, ``not n % size``), a buffer reaching a size (``len(buf) >= n``,
    ``count > batch_size``). ``if i % 2:``, ``i % 2 == 0`` and ``len(ids) > 1`` are not:
    they hold for many items, or for any second one."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _multiple_of_batch(test.operand)
    if isinstance(test, ast.BoolOp):
        return any(is_batch_test(value) for value in test.values)
    if not isinstance(test, ast.Compare):
        return False
    sides = (test.left, *test.comparators)
    if all(isinstance(op, (ast.Eq, ast.Is)) for op in test.ops) and any(
        _multiple_of_batch(side) for side in sides
    ):
        return True
    if not any(isinstance(op, (ast.GtE, ast.Gt, ast.Eq)) for op in test.ops):
        return False
    if any(_below_two(side) for side in sides):
        return False  # ``len(ids) > 1``: more than one, not a full batch
    return any(_length(side) or _batch_named(side) for side in sides)


def _multiple_of_batch(node: ast.expr) -> bool:
    """``i % n`` with ``n`` not a literal below ten."""
    if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod)):
        return False
    divisor = literal_int(node.right)
    return divisor is None or divisor >= _SMALLEST_BATCH


def _length(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len"


def _batch_named(node: ast.expr) -> bool:
    """A name whose words (``batch_size``, ``pendingCount``) include a batch word."""
    if not isinstance(node, ast.Name):
        return False
    return any(word.lower() in _BATCH_WORDS for word in identifier_words(node.id))


def _below_two(node: ast.expr) -> bool:
    value = literal_int(node)
    return value is not None and value < 2
