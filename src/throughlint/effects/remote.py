"""Remote round trips of a call (redis, HTTP clients, boto3, Kafka, Elasticsearch)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.effects import Effect

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel
    from throughlint.settings import Settings


def remote_effects(model: SemanticModel, call: ast.Call, settings: Settings) -> Effect:
    return Effect.NONE
