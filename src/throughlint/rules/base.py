"""What a rule is: metadata, reference docs, examples, and check functions by node type."""

from __future__ import annotations

import ast
import enum
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from throughlint.diagnostics import Severity

DOC_SECTIONS: tuple[str, ...] = (
    "What it does",
    "Why it hurts throughput",
    "Example",
    "Use instead",
    "Fix safety",
    "Options",
    "References",
)
REQUIRED_SECTIONS: tuple[str, ...] = DOC_SECTIONS[:5]


class FixAvailability(str, enum.Enum):
    NONE = "none"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's metadata. Examples carry ``# expect: CODE`` on every line that must fire."""

    code: str
    name: str
    summary: str
    severity: Severity = Severity.WARNING
    fix: FixAvailability = FixAvailability.NONE
    triggers: tuple[str, ...] = ()
    # a finer test of the text than substrings (``socket`` is not a lock); when given,
    # it decides alone and ``triggers`` name the words it looks for
    mentions: Callable[[str], bool] | None = field(default=None, compare=False, repr=False)
    options: tuple[str, ...] = ()
    bad: tuple[str, ...] = ()
    good: tuple[str, ...] = ()
    near_miss: tuple[str, ...] = ()
    uses_index: bool = False  # needs the project index (throughlint.index)
    preview: bool = False  # runs only with --preview (or ``preview = true``)
    checks: dict[type[ast.AST], list[Callable[..., None]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    # project-level checks by pending-finding kind: (index, pending) -> [(message, group,
    # fix)]; run after every file's facts are merged (``engine.resolve_index``)
    project_checks: dict[str, list[Callable[..., list]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    doc: str = field(default="", compare=False, repr=False)

    def on(self, *node_types: type[ast.AST]) -> Callable[[Callable], Callable]:
        """Register the decorated function as this rule's check for ``node_types``."""

        def register(function: Callable) -> Callable:
            for node_type in node_types:
                self.checks.setdefault(node_type, []).append(function)
            return function

        return register

    def on_project(self, *kinds: str) -> Callable[[Callable], Callable]:
        """Register the decorated function as this rule's check of the pending findings of
        ``kinds`` (``index/facts.py``), given the merged project index."""

        def register(function: Callable) -> Callable:
            for kind in kinds:
                self.project_checks.setdefault(kind, []).append(function)
            return function

        return register

    @property
    def reference(self) -> str:
        """The reference page: the rule module's docstring, passed as ``doc=__doc__``."""
        return inspect.cleandoc(self.doc)

    def relevant(self, text: str) -> bool:
        """Cheap pre-filter: a file that mentions none of the triggers cannot match."""
        if self.mentions is not None:
            return self.mentions(text)
        return not self.triggers or any(trigger in text for trigger in self.triggers)


_SECTION = re.compile(r"^## (.+)$", re.MULTILINE)


def doc_sections(reference: str) -> list[str]:
    return _SECTION.findall(reference)
