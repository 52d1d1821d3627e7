"""The project index: what one file's walk learns that other files need.

Each file's walk records compact, JSON-able *facts* (classes and their relation fields,
per-function summaries of direct effects and the functions they call, module-level SQL)
and *pending findings* (a call in a hot loop to a function defined elsewhere, an
attribute of a loop item that may follow a relation). Facts are cached with the file's
diagnostics by content hash. ``ProjectIndex`` merges every file's facts (modules keyed by
root and dotted name: ``roots.py``) and answers queries; the rules' project-level checks
(``Rule.on_project``) turn pending findings into messages, and the engine builds the
diagnostics. The index imports no rule. No file is parsed twice.

Queries: ``relation(model, attr)``, ``summary_effects(name)``, ``summary_witness(name,
effect)``, ``statement(name)``, ``model_kind(name)``, ``concrete_parent(model)``.
"""

from __future__ import annotations

from throughlint.index.facts import COLLECTOR, FileFacts, add_pending
from throughlint.index.project import ProjectIndex

__all__ = ["COLLECTOR", "FileFacts", "ProjectIndex", "add_pending"]
