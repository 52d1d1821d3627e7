"""What a call does to the outside world: reads or writes a database, commits, or makes a
remote round trip. Rules and function summaries classify calls here and nowhere else.

``database.py`` knows the database drivers and ORMs, ``remote.py`` the network clients;
``call_effects`` combines them.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.effects.database import database_effects
from throughlint.effects.kinds import Effect
from throughlint.effects.remote import remote_effects

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel
    from throughlint.settings import Settings

__all__ = ["Effect", "call_effects"]


def call_effects(model: SemanticModel, call: ast.Call, settings: Settings) -> Effect:
    database = database_effects(model, call, settings)
    remote = remote_effects(model, call, settings)
    # most calls have neither: ``Flag.__or__`` is Python code, asked for every call
    if remote is Effect.NONE:
        return database
    return remote if database is Effect.NONE else database | remote
