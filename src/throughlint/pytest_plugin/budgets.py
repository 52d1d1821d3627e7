"""Budgets: from ``@pytest.mark.throughput(...)`` and from a TOML file keyed by test id;
checked against what a test measured, with messages that say measured vs budget."""

from __future__ import annotations

import inspect
import json
import math
import sys
from dataclasses import dataclass, field, replace
from typing import Any

SCALINGS = ("constant",)
DEFAULT_SIZES = (10, 20)
SAVE_RATE_HEADROOM = 0.25  # measured: see docs/pytest-plugin.md, "Budget files"
SAVE_MIN_ROUNDS = 3


def throughput_marker(
    *,
    min_rate: float | None = None,
    max_queries: int | None = None,
    max_queries_per_item: float | None = None,
    max_round_trips: int | None = None,
    max_requests: int | None = None,
    max_seconds_per_item: float | None = None,
    max_counts: dict[str, int] | None = None,
    items: int = 1,
    unit: str = "items",
    n_plus_one_threshold: int | None = None,
    scaling: str | None = None,
    sizes: tuple[int, ...] = DEFAULT_SIZES,
    allow_n_plus_one: str | None = None,
    max_loop_block_ms: float | None = None,
) -> dict[str, Any]:
    """The signature of ``@pytest.mark.throughput``: a misspelt keyword fails loudly."""
    return {name: value for name, value in locals().items()}


_SIGNATURE = inspect.signature(throughput_marker)
KEYWORDS: tuple[str, ...] = tuple(_SIGNATURE.parameters)


class BudgetError(Exception):
    """A budget that cannot be understood; the message names the keyword."""


@dataclass(frozen=True)
class Budget:
    min_rate: float | None = None
    max_queries: int | None = None
    max_queries_per_item: float | None = None
    max_round_trips: int | None = None
    max_requests: int | None = None
    max_seconds_per_item: float | None = None
    max_counts: dict[str, int] = field(default_factory=dict)
    items: int = 1
    unit: str = "items"
    n_plus_one_threshold: int | None = None
    scaling: str | None = None
    sizes: tuple[int, ...] = DEFAULT_SIZES
    allow_n_plus_one: str | None = None
    max_loop_block_ms: float | None = None

    @property
    def limits(self) -> dict[str, Any]:
        """The limits that are set, for reports."""
        names = (
            "min_rate",
            "max_queries",
            "max_queries_per_item",
            "max_round_trips",
            "max_requests",
            "max_seconds_per_item",
            "max_loop_block_ms",
            "scaling",
        )
        result = {name: getattr(self, name) for name in names if getattr(self, name) is not None}
        if self.max_counts:
            result["max_counts"] = dict(self.max_counts)
        return result

    def describe(self) -> str:
        parts = []
        for name, value in self.limits.items():
            if name == "max_counts":
                parts.extend(f"{key}<={limit}" for key, limit in value.items())
            elif name == "scaling":
                parts.append(f"scaling={value}")
            else:
                parts.append(f"{_SHORT[name]}{_number(value)}")
        return ", ".join(parts) or "-"


_SHORT = {
    "min_rate": "rate>=",
    "max_queries": "queries<=",
    "max_queries_per_item": "queries/item<=",
    "max_round_trips": "round trips<=",
    "max_requests": "requests<=",
    "max_seconds_per_item": "s/item<=",
    "max_loop_block_ms": "loop block ms<=",
}


def parse(arguments: dict[str, Any], where: str, base: Budget | None = None) -> Budget:
    """Validate marker or file keywords and lay them over ``base``."""
    _reject_unknown(arguments, where)
    changes: dict[str, Any] = {}
    for key, value in arguments.items():
        changes[key] = _check(key, value, where)
    return replace(base or Budget(), **changes)


def from_marker(mark: Any, where: str) -> Budget:
    _reject_unknown(mark.kwargs, where)
    try:
        bound = _SIGNATURE.bind(*mark.args, **mark.kwargs)
    except TypeError:
        raise BudgetError(
            f"{where}: @pytest.mark.throughput takes keywords only, got {mark.args!r}"
        ) from None
    return parse(dict(bound.arguments), where)


def _reject_unknown(arguments: dict[str, Any], where: str) -> None:
    unknown = [key for key in arguments if key not in KEYWORDS]
    if unknown:
        import difflib

        key = unknown[0]
        close = difflib.get_close_matches(key, KEYWORDS, n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        raise BudgetError(f"{where}: unknown keyword `{key}`{hint}; known: {', '.join(KEYWORDS)}")


def _check(key: str, value: Any, where: str) -> Any:
    def fail(expected: str) -> BudgetError:
        return BudgetError(f"{where}: `{key}` must be {expected}, got {value!r}")

    if key in ("max_queries", "max_round_trips", "max_requests"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise fail("a non-negative integer")
        return value
    if key in ("items", "n_plus_one_threshold"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise fail("a positive integer")
        return value
    if key in ("min_rate", "max_queries_per_item", "max_seconds_per_item", "max_loop_block_ms"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise fail("a non-negative number")
        if math.isnan(value):
            raise fail("a number")
        return float(value)
    if key == "allow_n_plus_one":
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise fail("the reason the N+1 is allowed (a non-empty string)")
        return value
    if key == "unit":
        if not isinstance(value, str) or not value:
            raise fail("a non-empty string")
        return value
    if key == "scaling":
        if value is not None and value not in SCALINGS:
            raise fail(f"one of {', '.join(map(repr, SCALINGS))}")
        return value
    if key == "sizes":
        if (
            not isinstance(value, (list, tuple))
            or len(value) < 2
            or not all(isinstance(size, int) and not isinstance(size, bool) for size in value)
            or list(value) != sorted(set(value))
            or value[0] < 1
        ):
            raise fail("at least two increasing positive integers")
        return tuple(value)
    if key == "max_counts":
        if not isinstance(value, dict) or not all(
            isinstance(name, str) and isinstance(limit, int) and limit >= 0
            for name, limit in value.items()
        ):
            raise fail("a table of counter name = non-negative integer")
        return dict(value)
    raise fail("a known keyword")  # pragma: no cover - KEYWORDS and _check agree


def load_file(path: str) -> dict[str, Budget]:
    """``["tests/test_x.py::test_y"]`` tables of budget keywords."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10 only
        import tomli as tomllib

    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        raise BudgetError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise BudgetError(f"{path}: invalid TOML: {exc}") from None
    budgets = {}
    for nodeid, table in document.items():
        if not isinstance(table, dict):
            raise BudgetError(f'{path}: ["{nodeid}"] must be a table of budget keywords')
        budgets[nodeid] = parse(table, f'{path} ["{nodeid}"]')
    return budgets


def save_file(path: str, records: list[dict]) -> None:
    """Measured values as a starting budget that passes again on the machine that saved
    it: counts exactly; a rate only when it is the best of at least
    ``SAVE_MIN_ROUNDS`` calibrated rounds (``throughput.run()``), with
    ``SAVE_RATE_HEADROOM``; a rate timed once is left out with a note."""
    lines = [
        "# Starting budgets recorded by `pytest --throughput-save`: query and round-trip",
        "# counts are the measured ones. A rate is saved only for throughput.run()",
        f"# (best of {SAVE_MIN_ROUNDS}+ calibrated rounds), at {SAVE_RATE_HEADROOM:g}x the "
        "measured rate; a rate timed",
        "# once varies too much between runs to be a budget. Edit freely.",
        "",
    ]
    for record in sorted(records, key=lambda r: r["nodeid"]):
        lines.append(f"[{json.dumps(record['nodeid'])}]")
        lines.append(f"max_queries = {record['queries']}")
        lines.append(f"max_round_trips = {record['round_trips']}")
        if record.get("rate"):
            if record.get("rate_rounds", 1) >= SAVE_MIN_ROUNDS:
                rate = record["rate"] * SAVE_RATE_HEADROOM
                lines.append(f"min_rate = {_round(rate)}")
            else:
                lines.append("# min_rate left out: timed once; use throughput.run() to budget it")
        lines.append("")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))


def _round(value: float) -> float:
    if value <= 0:
        return 0.0
    digits = 2 - math.floor(math.log10(value))
    return round(value, max(digits, 0))


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if value < 1 else f"{value:,.1f}".removesuffix(".0")
    return str(value)


def check(budget: Budget, measured: dict[str, Any]) -> list[str]:
    """One line per missed limit: what, measured, budget, by how much."""
    misses = []
    unit = budget.unit
    for key, name, label in (
        ("max_queries", "queries", "queries"),
        ("max_round_trips", "round_trips", "round trips"),
        ("max_requests", "requests", "HTTP requests"),
    ):
        limit = getattr(budget, key)
        value = measured[name]
        if limit is not None and value > limit:
            misses.append(f"{label}: {value} measured, budget {limit} ({_over(value, limit)})")
    items = measured["items"] or 1
    if budget.max_queries_per_item is not None:
        per_item = measured["queries"] / items
        if per_item > budget.max_queries_per_item:
            misses.append(
                f"queries per {unit[:-1] if unit.endswith('s') else unit}: {per_item:.3g} "
                f"measured ({measured['queries']} for {items} {unit}), budget "
                f"{budget.max_queries_per_item:g} ({_over(per_item, budget.max_queries_per_item)})"
            )
    rate = measured["rate"]
    if budget.min_rate is not None and (rate is None or rate < budget.min_rate):
        shown = "no time measured" if rate is None else f"{rate:,.1f} {unit}/s measured"
        short = "" if rate is None else f" ({(1 - rate / budget.min_rate):.0%} short)"
        misses.append(f"rate: {shown}, budget at least {budget.min_rate:,.1f} {unit}/s{short}")
    if budget.max_seconds_per_item is not None and measured["seconds"] > 0:
        per_item = measured["seconds"] / items
        limit = budget.max_seconds_per_item
        if per_item > limit:
            misses.append(
                f"seconds per item: {per_item:.3g} s measured, budget {limit:g} s "
                f"({_over(per_item, limit)})"
            )
    for name, limit in budget.max_counts.items():
        value = measured["counters"].get(name, 0)
        if value > limit:
            misses.append(
                f"counter {name!r}: {value} measured, budget {limit} ({_over(value, limit)})"
            )
    return misses


def _over(value: float, limit: float) -> str:
    if limit == 0:
        return f"+{value:.3g} over"
    return f"+{value - limit:.3g}, {value / limit:.1f}x the budget"
