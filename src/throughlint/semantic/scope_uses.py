"""One index of a file's names and attributes, built once per file and shared by every
queue the file creates (``producers``, ``put_sites``, ``queue_evidence``): each node's
parent, and the uses of each holder key (``n:name`` for a name, ``a:attr`` for an
attribute). A question about one queue then costs its own uses, not a walk of its scope:
a class of ``n`` queues stays linear."""

from __future__ import annotations

import ast

from throughlint.semantic.expressions import child_nodes, walk_nodes
from throughlint.semantic.model import SemanticModel

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


class UseIndex:
    def __init__(self, tree: ast.Module) -> None:
        self.parents: dict[ast.AST, ast.AST] = {}
        self.uses: dict[str, list[ast.AST]] = {}
        for node in walk_nodes(tree):
            for child in child_nodes(node):
                self.parents[child] = node
            key = holder_key(node)
            if key is not None:
                self.uses.setdefault(key, []).append(node)
        self.classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}

    def function_of(self, node: ast.AST) -> ast.AST | None:
        """The innermost ``def`` or lambda around ``node``."""
        at = self.parents.get(node)
        while at is not None and not isinstance(at, FUNCTIONS):
            at = self.parents.get(at)
        return at

    def ancestors(self, node: ast.AST, stop: ast.AST | None) -> list[ast.AST]:
        """From the parent of ``node`` outwards, up to ``stop`` (not included)."""
        found = []
        at = self.parents.get(node)
        while at is not None and at is not stop:
            found.append(at)
            at = self.parents.get(at)
        return found

    def inside(self, node: ast.AST, outer: ast.AST) -> bool:
        at = self.parents.get(node)
        while at is not None:
            if at is outer:
                return True
            at = self.parents.get(at)
        return False

    def uses_of(self, target: ast.expr, scope: ast.AST | None = None) -> list[ast.AST]:
        """The nodes that are ``target`` (``same_holder``) inside ``scope``, in source
        order of the walk, ``target`` itself included."""
        key = holder_key(target)
        found = self.uses.get(key, []) if key is not None else []
        return [
            node
            for node in found
            if same_holder(node, target) and (scope is None or self.inside(node, scope))
        ]


def use_index(model: SemanticModel) -> UseIndex:
    memo = model.memo("scope_uses")
    found = memo.get(model.tree)
    if found is None:
        found = memo[model.tree] = UseIndex(model.tree)
    return found


def holder_key(node: ast.AST) -> str | None:
    if node.__class__ is ast.Name:
        return "n:" + node.id  # type: ignore[attr-defined]
    if node.__class__ is ast.Attribute:
        return "a:" + node.attr  # type: ignore[attr-defined]
    return None


def same_holder(node: ast.AST, target: ast.expr) -> bool:
    """``node`` names the queue ``target`` holds: the same name, or for ``self.attr`` the
    same attribute of ``self`` or ``cls``. ``cls.attr`` counts explicitly: a classmethod
    reaching an attribute of that name is one more user of the queue, so a put through it
    is one more producer (never one fewer)."""
    if isinstance(target, ast.Name):
        return isinstance(node, ast.Name) and node.id == target.id
    assert isinstance(target, ast.Attribute)
    return (
        isinstance(node, ast.Attribute)
        and node.attr == target.attr
        and isinstance(node.value, ast.Name)
        and node.value.id in ("self", "cls")
    )
