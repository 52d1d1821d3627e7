"""Applying fixes to one module: locate each diagnostic's node by position, let its fix
rewrite the chosen target, then add or drop imports. Imports libcst; fixing path only.

A fix kind is a :class:`FixSpec`: the node type found at the diagnostic's span (the
anchor), the node it rewrites (the anchor itself or an enclosing statement), and the
rewrite. A rewrite that cannot show the result is equivalent returns None and the node
is left alone. Two fixes whose targets overlap are not applied in the same round: the
outer one waits for the next round, when positions are fresh (unless the kind
``merges``: several relations loaded by one loop's query are added in one round).
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor
from libcst.metadata import PositionProvider

from throughlint.diagnostics import Diagnostic, Span
from throughlint.settings import Settings

Rewrite = cst.CSTNode | cst.FlattenSentinel | cst.RemovalSentinel


class FixSpec:
    """One kind of fix. Subclasses set ``anchor`` and override ``rewrite``."""

    anchor: type[cst.CSTNode] = cst.Call
    # Several fixes of this kind on one target apply in the same round, one after the
    # other (e.g. two relations loaded with the same query).
    merges: bool = False

    def target(self, stack: Sequence[cst.CSTNode]) -> cst.CSTNode | None:
        """The node to rewrite, given the path from the module down to the anchor."""
        return stack[-1]

    def rewrite(
        self, target: cst.CSTNode, anchor: cst.CSTNode, context: FixContext
    ) -> Rewrite | None:
        raise NotImplementedError


@dataclass
class FixContext:
    """What a rewrite may consult or request: settings, the whole module, imports."""

    module: cst.Module
    settings: Settings
    codemod: CodemodContext = field(default_factory=CodemodContext)
    diagnostic: Diagnostic | None = None  # the one being fixed (its ``fix.kind``)

    _tree: ast.Module | None = field(default=None, init=False, repr=False)

    def tree(self) -> ast.Module:
        """The ``ast`` tree of the module this round rewrites: generated and parsed once per
        round, however many fixes consult it (each did, and a file with N fixes cost N
        parses of the whole file)."""
        if self._tree is None:
            self._tree = ast.parse(self.module.code)
        return self._tree

    def add_import(self, module: str, obj: str | None = None) -> None:
        AddImportsVisitor.add_needed_import(self.codemod, module, obj)


@dataclass
class Outcome:
    applied: list[Diagnostic] = field(default_factory=list)
    declined: list[Diagnostic] = field(default_factory=list)
    deferred: list[Diagnostic] = field(default_factory=list)


@dataclass
class _Pending:
    diagnostic: Diagnostic
    spec: FixSpec
    anchor: cst.CSTNode | None = None
    state: str = "unseen"


def _key(span: Span) -> tuple[int, int, int, int]:
    return (span.line, span.column, span.end_line, span.end_column)


class _Applier(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, pending: list[_Pending], context: FixContext) -> None:
        super().__init__()
        self.context = context
        self.by_span: dict[tuple[int, int, int, int], list[_Pending]] = {}
        for item in pending:
            self.by_span.setdefault(_key(item.diagnostic.span), []).append(item)
        self.stack: list[cst.CSTNode] = []
        self.claims: dict[int, list[_Pending]] = {}
        self.dirty: set[int] = set()

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.stack.append(node)
        if self.by_span:
            position = self.get_metadata(PositionProvider, node, None)
            if position is not None:
                key = (
                    position.start.line,
                    position.start.column + 1,
                    position.end.line,
                    position.end.column + 1,
                )
                for item in self.by_span.get(key, ()):
                    if item.state == "unseen" and isinstance(node, item.spec.anchor):
                        self._claim(item, node)
        return True

    def _claim(self, item: _Pending, node: cst.CSTNode) -> None:
        target = item.spec.target(self.stack)
        if target is None:
            item.state = "declined"
            return
        claimed = self.claims.get(id(target))
        if claimed and not (item.spec.merges and type(claimed[0].spec) is type(item.spec)):
            item.state = "deferred"
            return
        item.anchor = node
        item.state = "claimed"
        self.claims.setdefault(id(target), []).append(item)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[override]
        self.stack.pop()
        items = self.claims.get(id(original_node))
        if not items:
            return updated_node
        if id(original_node) in self.dirty:
            for item in items:
                item.state = "deferred"
            return updated_node
        result: Rewrite = updated_node
        for item in items:
            assert item.anchor is not None
            if not isinstance(result, cst.CSTNode):
                item.state = "deferred"  # the target was replaced by a sequence
                continue
            self.context.diagnostic = item.diagnostic
            rewritten = item.spec.rewrite(result, item.anchor, self.context)
            if rewritten is None:
                item.state = "declined"
                continue
            item.state = "applied"
            result = rewritten
        if result is not updated_node:
            self.dirty.update(id(node) for node in self.stack)
        return result


def apply_fixes(
    code: str, diagnostics: Iterable[Diagnostic], settings: Settings
) -> tuple[str, Outcome]:
    """One round: apply every fix that does not overlap another; returns the new code."""
    from throughlint.fixes import load

    pending = []
    for diagnostic in diagnostics:
        spec = load(diagnostic.fix.kind) if diagnostic.fix is not None else None
        if spec is not None:
            pending.append(_Pending(diagnostic, spec))
    outcome = Outcome()
    if not pending:
        return code, outcome
    module = parse(code)
    lost = _lost_tail(code, module)
    wrapper = cst.MetadataWrapper(module, unsafe_skip_copy=True)
    context = FixContext(module=module, settings=settings)
    context.codemod = CodemodContext(wrapper=wrapper)
    applier = _Applier(pending, context)
    new_module = wrapper.visit(applier)
    for item in pending:
        if item.state == "applied":
            outcome.applied.append(item.diagnostic)
        elif item.state in ("deferred", "claimed"):
            outcome.deferred.append(item.diagnostic)
        else:
            outcome.declined.append(item.diagnostic)
    if not outcome.applied:
        return code, outcome
    scratch = context.codemod.scratch
    if scratch.get(AddImportsVisitor.CONTEXT_KEY):
        new_module = AddImportsVisitor(context.codemod).transform_module(new_module)
    if scratch.get(RemoveImportsVisitor.CONTEXT_KEY):
        new_module = RemoveImportsVisitor(context.codemod).transform_module(new_module)
    return new_module.code + lost, outcome


def _lost_tail(code: str, module: cst.Module) -> str:
    """What libcst's round trip drops at the end of the file, to put back: a final lone
    ``\r`` (CR-only or mixed line endings) is not reproduced by ``Module.code``."""
    kept = module.code
    return code[len(kept) :] if len(kept) < len(code) and code.startswith(kept) else ""


@functools.lru_cache(maxsize=8)
def parse(code: str) -> cst.Module:
    """One libcst parse per file text: SARIF and the LSP ask for each diagnostic's edits
    separately, on the same text (libcst trees are immutable, so sharing is safe)."""
    return cst.parse_module(code)


# --- small shared helpers for the fix modules -------------------------------------------


def enclosing(stack: Sequence[cst.CSTNode], kind: type[cst.CSTNode]) -> cst.CSTNode | None:
    for node in reversed(stack):
        if isinstance(node, kind):
            return node
    return None
