"""Database effects of a call (DB-API, Django ORM, SQLAlchemy, pymongo)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.effects import Effect

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel
    from throughlint.settings import Settings


def database_effects(model: SemanticModel, call: ast.Call, settings: Settings) -> Effect:
    return Effect.NONE
