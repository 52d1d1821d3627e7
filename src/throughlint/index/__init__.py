"""The project index: what one file's walk learns that other files need.

Each file's walk records compact, JSON-able *facts* (classes and their relation fields,
per-function summaries of direct effects and the functions they call) and *pending
findings* (a call in a hot loop to a function defined elsewhere, an attribute of a loop
item that may follow a relation). Facts are cached with the file's diagnostics; after all
files are done, ``ProjectIndex`` merges them, computes transitive summaries and turns
pending findings into diagnostics. No file is parsed twice.

API for rules: ``ProjectIndex.summary_effects(qualified_name) -> Effect``.
"""

from __future__ import annotations

from throughlint.index.facts import COLLECTOR, FileFacts, add_pending
from throughlint.index.project import ProjectIndex

__all__ = ["COLLECTOR", "FileFacts", "ProjectIndex", "add_pending"]
