"""The rule registry: every module in this package that defines ``RULE`` is a rule.

Selecting rules, checking codes and asking which rules use the project index read the
generated table ``_codes.py`` instead of importing every rule (``scripts/update_rule_docs.py``
writes it and checks it is current): a run that lints nothing (served from the project
snapshot) imports no rule."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import TYPE_CHECKING

from throughlint.rules._codes import MODULES, RULES

if TYPE_CHECKING:
    from throughlint.rules.base import Rule


@cache
def all_rules() -> tuple[Rule, ...]:
    rules = sorted(rule_modules().values(), key=lambda rule: rule.code)
    codes = [rule.code for rule in rules]
    if len(codes) != len(set(codes)):
        raise RuntimeError(f"duplicate rule codes: {codes}")
    return tuple(rules)


def rule_modules() -> dict[str, Rule]:
    """Every rule by the name of its module (all of them imported)."""
    from throughlint.rules.base import Rule

    found = {}
    for name in module_names():
        module = importlib.import_module(f"{__name__}.{name}")
        rule = getattr(module, "RULE", None)
        if isinstance(rule, Rule):
            found[name] = rule
    return found


def module_names() -> list[str]:
    return [
        info.name
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_") and info.name != "base"
    ]


@cache
def _catalogue() -> tuple[tuple[str, str, bool, bool], ...]:
    """(code, name, preview, uses the project index) of every rule, by code: from the
    generated table while the package holds the modules it was generated from (a listing
    of the folder, no import), else from the rules themselves (a rule module added and
    the table not generated again, or one placed on the package's path at run time)."""
    if frozenset(module_names()) == MODULES:
        return tuple(row[1:] for row in RULES)
    return tuple((rule.code, rule.name, rule.preview, rule.uses_index) for rule in all_rules())


def rule_by_code(code: str) -> Rule | None:
    wanted = code.upper()
    for rule in all_rules():
        if rule.code == wanted or rule.name == code:
            return rule
    return None


def known_codes() -> tuple[str, ...]:
    """Codes of all rules, plus the codes the engine itself reports."""
    return ("TL000", *(code for code, *_ in _catalogue()))


def selected_codes(
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    preview: bool = False,
) -> tuple[str, ...]:
    """Codes of the rules chosen by code prefixes; the longest matching prefix wins, as in
    ruff. Preview rules are chosen only with ``preview``, even when selected by exact code."""
    return tuple(
        code
        for code, _, in_preview, _ in _catalogue()
        if (preview or not in_preview) and is_selected(code, select + extend_select, ignore)
    )


def select_rules(
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    preview: bool = False,
) -> tuple[Rule, ...]:
    """The rules of ``selected_codes``."""
    chosen = frozenset(selected_codes(select, extend_select, ignore, preview))
    return tuple(rule for rule in all_rules() if rule.code in chosen)


def any_uses_index(codes: tuple[str, ...]) -> bool:
    """Whether one of the rules ``codes`` needs the project index."""
    wanted = frozenset(codes)
    return any(uses for code, _, _, uses in _catalogue() if code in wanted)


def preview_only_selectors(selectors: tuple[str, ...]) -> list[str]:
    """Selectors that match rules, all of them preview rules (``TL303``, ``TL5``): without
    preview they select nothing, which deserves a warning, as in ruff."""
    found = []
    for selector in selectors:
        if selector == "ALL":
            continue
        matched = [preview for code, _, preview, _ in _catalogue() if code.startswith(selector)]
        if matched and all(matched):
            found.append(selector)
    return found


def is_selected(code: str, select: tuple[str, ...], ignore: tuple[str, ...]) -> bool:
    best_select = max((_specificity(code, s) for s in select), default=-1)
    best_ignore = max((_specificity(code, s) for s in ignore), default=-1)
    return best_select >= 0 and best_select > best_ignore


def _specificity(code: str, selector: str) -> int:
    if selector == "ALL":
        return 0
    return len(selector) if code.startswith(selector) else -1
