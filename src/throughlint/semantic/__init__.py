"""The semantic model: the one place that answers questions about names, scopes and loops."""

from throughlint.semantic.loop_facts import LoopFacts
from throughlint.semantic.loops import Loop, LoopKind
from throughlint.semantic.model import Frame, SemanticModel
from throughlint.semantic.scope import Binding, BindingKind, Scope, ScopeKind

__all__ = [
    "Binding",
    "BindingKind",
    "Frame",
    "Loop",
    "LoopFacts",
    "LoopKind",
    "Scope",
    "ScopeKind",
    "SemanticModel",
]
