"""The merged project index: models and relations, transitive function summaries, and the
resolution of pending findings into diagnostics (in the main process, after all files)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from throughlint.diagnostics import Diagnostic, Fix, Severity, Span
from throughlint.effects import Effect
from throughlint.suppression import is_suppressed

SUMMARY_DEPTH = 4
"""How many calls deep a summary sees: ``view -> service -> repo -> query`` is 3."""

HELPER_CODES: tuple[tuple[Effect, str], ...] = (
    (Effect.READ, "TL101"),
    (Effect.WRITE, "TL102"),
    (Effect.COMMIT, "TL103"),
    (Effect.REMOTE, "TL401"),
)
"""Which code a call in a hot loop gets for each effect of the function it calls."""
SHAPE_EXEMPT = frozenset({"TL401"})
"""Codes not reported for a call in a retry or polling loop (the pending record's
``shape``, from ``semantic.concurrency.not_per_item``), as their direct checks do."""

_HELPER_WORDS = {
    "TL101": ("runs a query", "1 + N queries"),
    "TL102": ("writes a row", "N writes"),
    "TL103": ("commits a transaction", "N commits"),
    "TL401": ("makes a remote call", "N round trips"),
}

DJANGO_MODEL_BASES = frozenset({"django.db.models.Model", "django.db.models.base.Model"})
SQLALCHEMY_BASES = frozenset(
    {
        "sqlalchemy.orm.DeclarativeBase",
        "sqlalchemy.orm.DeclarativeBaseNoMeta",
        "sqlalchemy.orm.decl_api.DeclarativeBase",
        "sqlalchemy.orm.declarative_base()",
        "sqlalchemy.ext.declarative.declarative_base()",
        "sqlalchemy.orm.decl_api.declarative_base()",
        "sqlalchemy.orm.registry().generate_base()",
        "flask_sqlalchemy.SQLAlchemy().Model",
    }
)
QUERYING_LAZY = frozenset({"select", "dynamic", "True"})
"""SQLAlchemy loader strategies that emit a SELECT when the attribute is touched."""


@dataclass(frozen=True, slots=True)
class Relation:
    """``many``: a related manager / collection (``author.books``), else one object."""

    framework: str
    kind: str
    target: str | None
    many: bool
    lazy: str | None = None


class ProjectIndex:
    def __init__(self) -> None:
        self.classes: dict[str, dict[str, Any]] = {}
        self.functions: dict[str, list[Any]] = {}
        self.statements: dict[str, list[str]] = {}
        self._kinds: dict[str, str | None] = {}
        self._relations: dict[str, dict[str, Relation]] = {}
        self._effects: dict[str, int] = {}
        self._witness: dict[str, dict[str, str]] = {}
        self._finished = False

    # --- building ----------------------------------------------------------------------

    def add(self, facts: dict[str, Any] | None) -> None:
        if not facts:
            return
        self.classes.update(facts.get("c", {}))
        self.functions.update(facts.get("f", {}))
        self.statements.update(facts.get("s", {}))

    def finish(self) -> ProjectIndex:
        self._build_relations()
        self._build_summaries()
        self._finished = True
        return self

    def model_kind(self, name: str, depth: int = 0) -> str | None:
        """``django`` / ``sqlalchemy`` for a model class of the project, else None."""
        if name in self._kinds:
            return self._kinds[name]
        self._kinds[name] = None  # cycles
        record = self.classes.get(name)
        kind = None
        if record is not None and depth < 20:
            for base in record["b"]:
                if base in DJANGO_MODEL_BASES:
                    kind = "django"
                elif base in SQLALCHEMY_BASES:
                    kind = "sqlalchemy"
                else:
                    kind = self.model_kind(base, depth + 1)
                if kind is not None:
                    break
        self._kinds[name] = kind
        return kind

    def _build_relations(self) -> None:
        by_name: dict[str, list[str]] = {}
        for name in self.classes:
            if self.model_kind(name) is not None:
                by_name.setdefault(name.rsplit(".", 1)[-1], []).append(name)
        for owner, record in self.classes.items():
            framework = self.model_kind(owner)
            if framework is None:
                continue
            for attribute, (kind, target, related, lazy, backref, backref_lazy) in record[
                "r"
            ].items():
                resolved = self._target(owner, target, by_name)
                if framework == "django":
                    self._add(owner, attribute, Relation("django", kind, resolved, kind == "m2m"))
                    if resolved is None or kind == "gfk" or (related or "").endswith("+"):
                        continue
                    if related and "%" in related:
                        continue
                    short = owner.rsplit(".", 1)[-1].lower()
                    if kind == "o2o":
                        self._add(
                            resolved,
                            related or short,
                            Relation("django", "o2o-reverse", owner, False),
                        )
                    else:
                        accessor = related or f"{short}_set"
                        self._add(
                            resolved, accessor, Relation("django", f"{kind}-reverse", owner, True)
                        )
                else:
                    self._add(
                        owner, attribute, Relation("sqlalchemy", "rel", resolved, False, lazy)
                    )
                    if backref and resolved is not None:
                        self._add(
                            resolved,
                            backref,
                            Relation("sqlalchemy", "rel", owner, False, backref_lazy),
                        )

    def _add(self, owner: str | None, attribute: str, relation: Relation) -> None:
        if owner is not None:
            self._relations.setdefault(owner, {}).setdefault(attribute, relation)

    def _target(self, owner: str, target: str | None, by_name: dict[str, list[str]]) -> str | None:
        if target is None:
            return None
        if target.startswith("="):
            name = target[1:]
            if name in self.classes:
                return name
            candidates = by_name.get(name.rsplit(".", 1)[-1], [])
            return candidates[0] if len(candidates) == 1 else None
        if target == "self":
            return owner
        label, _, class_name = target.rpartition(".")
        candidates = by_name.get(class_name, [])
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        module = owner.rsplit(".", 1)[0]
        for candidate in candidates:
            if (label and f".{label}." in f".{candidate}") or candidate.startswith(module + "."):
                return candidate
        return candidates[0]

    def relation(self, model: str, attribute: str, depth: int = 0) -> Relation | None:
        """The relation ``attribute`` of ``model`` (inherited ones included), or None."""
        found = self._relations.get(model, {}).get(attribute)
        if found is not None or depth > 10:
            return found
        record = self.classes.get(model)
        if record is None:
            return None
        for base in record["b"]:
            found = self.relation(base, attribute, depth + 1)
            if found is not None:
                return found
        return None

    # --- summaries ---------------------------------------------------------------------

    def _build_summaries(self) -> None:
        effects = {name: record[0] for name, record in self.functions.items()}
        witness = {name: dict(record[2]) for name, record in self.functions.items()}
        callers = [(name, record[1]) for name, record in self.functions.items() if record[1]]
        # each callee name is looked up once, not once per caller per round
        keys = {callee: self._function_key(callee) for _, names in callers for callee in names}
        for _ in range(SUMMARY_DEPTH):
            changed = False
            updated = dict(effects)
            for name, callees in callers:
                value = updated[name]
                for callee in callees:
                    key = keys[callee]
                    if key is None:
                        continue
                    new = effects.get(key, 0) & ~value
                    if new:
                        value |= new
                        short = callee.rsplit(".", 1)[-1]
                        for bit, text in witness.get(key, {}).items():
                            if int(bit) & new:
                                witness[name].setdefault(bit, f"`{short}()` -> {text}")
                if value != updated[name]:
                    updated[name] = value
                    changed = True
            effects = updated
            if not changed:
                break
        self._effects = effects
        self._witness = witness

    def _function_key(self, name: str, depth: int = 0) -> str | None:
        """The summarised function a resolved callee name stands for: ``mod.Class().m``
        and ``mod.Class.m`` are the method; a method a class inherits is found in a base."""
        if name in self.functions:
            return name
        plain = name.replace("().", ".").removesuffix("()")
        if plain in self.functions:
            return plain
        owner, _, method = plain.rpartition(".")
        record = self.classes.get(owner)
        if record is not None and depth < 6:
            for base in record["b"]:
                found = self._function_key(f"{base}.{method}", depth + 1)
                if found is not None:
                    return found
        if plain in self.classes and depth < 6:  # a class called: its __init__
            return self._function_key(f"{plain}.__init__", depth + 1)
        return None

    def summary_effects(self, name: str) -> Effect:
        """Everything a project function does, transitively (bounded depth); NONE for
        names the project does not define."""
        key = self._function_key(name)
        return Effect(self._effects.get(key, 0)) if key is not None else Effect.NONE

    def summary_witness(self, name: str, effect: Effect) -> str:
        """The call that gives ``name`` that effect, for messages."""
        key = self._function_key(name)
        return self._witness.get(key or "", {}).get(str(effect.value), "")

    # --- pending findings --------------------------------------------------------------

    def resolve(
        self, path: str, facts: dict[str, Any] | None, codes: Iterable[str] | None = None
    ) -> list[Diagnostic]:
        """Diagnostics for a file's pending findings, for the ``codes`` active in it."""
        if not facts or not facts.get("p"):
            return []
        active = set(facts.get("codes", ())) if codes is None else set(codes)
        found: list[Diagnostic] = []
        groups: set[str] = set()
        for pending in facts["p"]:
            kind = pending["k"]
            if kind == "call":
                items = self._resolve_call(pending, active)
            elif kind == "relation":
                items = self._resolve_relation(pending, active)
            elif kind == "sql":
                items = self._resolve_statement(pending, active)
            else:
                items = []
            for code, message, group, *fix in items:
                if group is not None:
                    if group in groups:
                        continue
                    groups.add(group)
                if is_suppressed(code, frozenset(pending["sup"])):
                    continue
                found.append(_diagnostic(path, pending, code, message, *fix))
        return found

    def _resolve_call(self, pending: dict[str, Any], active: set[str]):
        callee = pending["callee"]
        effect = self.summary_effects(callee)
        if not effect:
            return []
        items = []
        for flag, code in HELPER_CODES:
            if code not in active or not effect & flag:
                continue
            if code in SHAPE_EXEMPT and pending.get("shape"):
                continue  # a retry or a polling loop: not one call per item
            verb, growth = _HELPER_WORDS.get(code, ("does I/O", "N calls"))
            witness = self.summary_witness(callee, flag)
            via = f" (via {witness})" if witness else ""
            items.append(
                (
                    code,
                    f"`{pending['text']}()` {verb}{via} on every pass of {pending['loop']}: "
                    f"{growth}; batch the work outside the loop",
                    None,
                )
            )
        return items

    def _resolve_statement(self, pending: dict[str, Any], active: set[str]):
        """``execute(NAME, ...)`` with ``NAME`` a SQL string of another module."""
        from throughlint.effects import Effect as _Effect
        from throughlint.effects.database import READ_VERBS, WRITE_VERBS, DbCall, article
        from throughlint.rules.per_item_write import advice

        verb, sql = self.statements.get(pending["statement"], (None, None))
        short = pending["statement"].rsplit(".", 1)[-1]
        api, loop = pending["api"], pending["loop"]
        if verb in READ_VERBS and "TL101" in active:
            return [
                (
                    "TL101",
                    f"`{api}` runs `{short}` (a SELECT) on every pass of {loop}: 1 + N queries; "
                    f"use one query for all items (`WHERE id IN (...)` / `= ANY(%s)`)",
                    None,
                )
            ]
        if verb in WRITE_VERBS and "TL102" in active:
            found = DbCall(
                _Effect.WRITE, pending["framework"], "execute", pending["driver"], verb, sql
            )
            return [
                (
                    "TL102",
                    f"`{api}` runs `{short}` ({article(verb)} {verb}) on every pass of {loop}: "
                    f"N round trips; {advice(found)}",
                    None,
                )
            ]
        return []

    def _resolve_relation(self, pending: dict[str, Any], active: set[str]):
        from throughlint.rules.n_plus_one_query import relation_message

        if "TL101" not in active:
            return []
        relation = self.relation(pending["model"], pending["attr"])
        if relation is None or relation.framework != pending["framework"]:
            return []
        message = relation_message(relation, pending)
        if message is None:
            return []
        from throughlint.fixes.offers import eager_load

        fix = eager_load(pending, relation.many, relation.kind, relation.lazy)
        return [("TL101", message, pending.get("group"), fix)]


def _diagnostic(
    path: str, pending: dict[str, Any], code: str, message: str, fix: Fix | None = None
) -> Diagnostic:
    from throughlint.rules import rule_by_code

    rule = rule_by_code(code)
    line, column, end_line, end_column = pending["span"]
    return Diagnostic(
        code=code,
        name=rule.name if rule is not None else code,
        path=path,
        span=Span(line, column, end_line, end_column),
        message=message,
        severity=rule.severity if rule is not None else Severity.WARNING,
        source_line=pending["src"],
        fix=fix,
        enclosing=pending.get("fn", ""),
        loop_depth=pending.get("depth", 0),
        **_placement(pending.get("place")),
    )


def _placement(place: Any) -> dict[str, Any]:
    """The pending record's loop, input size and path kind (``facts._placement``)."""
    if not isinstance(place, list) or len(place) != 6:
        return {}
    loop_span, subject, source_line, size, kind, loop_input = place
    return {
        "loop_span": tuple(loop_span),
        "loop_subject": subject,
        "loop_source": source_line,
        "input_size": size,
        "path_kind": kind,
        "loop_input": loop_input,
    }
