"""Project code that runs when the ORM builds an object from a row: a receiver of
Django's ``pre_init`` / ``post_init`` signals, or a SQLAlchemy ``load`` / ``refresh``
event listener. An eager load builds the related objects before the loop body runs, a
lazy access in it: where such a hook is connected for the related model (or for any
sender), the eager-load fix moves the hook's side effects and is not safe.

Walk side (``instance_hook_sender``): the sender a call connects a hook for, recorded as
the file's ``instance_hooks`` fact (``*``: any sender, or one the walk cannot name)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from throughlint.semantic.expressions import call_argument, call_tail

if TYPE_CHECKING:
    from throughlint.semantic.model import SemanticModel

ANY_SENDER = "*"
_DJANGO_SIGNALS = frozenset(
    f"django.db.models.signals.{name}" for name in ("pre_init", "post_init")
)
_SQLALCHEMY_EVENTS = frozenset({"load", "refresh"})
_SQLALCHEMY_LISTENERS = frozenset({"sqlalchemy.event.listen", "sqlalchemy.event.listens_for"})
_CONNECTING = frozenset({"connect", "receiver", "listen", "listens_for"})


def instance_hook_sender(model: SemanticModel, call: ast.Call) -> str | None:
    """The class whose row-built objects ``call`` hooks (a qualified name, or
    ``ANY_SENDER``): ``post_init.connect(f, sender=Author)``, ``@receiver(post_init,
    sender=Author)``, ``event.listen(Author, "load", f)``, ``@event.listens_for(Author,
    "load")``. None for any other call."""
    tail = call_tail(call.func)
    if tail not in _CONNECTING:
        return None
    if tail == "connect":
        signal = call.func.value if isinstance(call.func, ast.Attribute) else None
        if model.resolve(signal) not in _DJANGO_SIGNALS:
            return None
        return _sender(model, call_argument(call, 1, "sender"))
    called = model.resolve(call.func)
    if tail == "receiver":
        if not call.args or called != "django.dispatch.receiver":
            return None
        signals = (
            call.args[0].elts if isinstance(call.args[0], (ast.List, ast.Tuple)) else [call.args[0]]
        )
        if not any(model.resolve(signal) in _DJANGO_SIGNALS for signal in signals):
            return None
        return _sender(model, call_argument(call, None, "sender"))
    if called not in _SQLALCHEMY_LISTENERS or len(call.args) < 2:
        return None
    event = call.args[1]
    if isinstance(event, ast.Constant) and event.value not in _SQLALCHEMY_EVENTS:
        return None
    return _sender(model, call.args[0])


def _sender(model: SemanticModel, value: ast.expr | None) -> str:
    if value is None:
        return ANY_SENDER
    return model.resolve(value) or ANY_SENDER
