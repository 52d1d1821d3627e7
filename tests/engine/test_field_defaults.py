"""What a dataclass or attrs field gives each instance (``semantic/model.field_default``):
a lock factory is a lock of its own, spelt as the call; a container factory stays the
field (what the container holds is its annotation's to say: airflow's
``_processors: dict[DagFileInfo, DagFileProcessorProcess] = attrs.field(factory=dict)``
read as a plain ``dict()`` sent ``processor.kill()`` to an unrelated ``Job.kill``)."""

from __future__ import annotations

import ast

import pytest

from throughlint.semantic.model import field_default


def _value(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("field(default_factory=threading.Lock)", "threading.Lock()"),
        ("attrs.field(factory=threading.RLock)", "threading.RLock()"),
        ("attr.ib(factory=Lock)", "Lock()"),
        ("field(default_factory=lambda: redis.Redis())", "redis.Redis()"),
        ("field(default_factory=dict)", "field(default_factory=dict)"),
        ("attrs.field(factory=list, init=False)", "attrs.field(factory=list, init=False)"),
        ("field(default=0)", "field(default=0)"),
        ("threading.Lock()", "threading.Lock()"),
    ],
)
def test_field_default(text, expected):
    assert ast.unparse(field_default(_value(text))) == expected
