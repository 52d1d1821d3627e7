"""The ``throughput`` fixture and the per-test tracker behind it."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from throughlint.pytest_plugin.budgets import DEFAULT_SIZES
from throughlint.pytest_plugin.measurement import Measurement, Probe, clock

_MIN_ROUND_SECONDS = 0.002
_MAX_ITERATIONS = 100_000
_TARGET_SECONDS = 0.2
_MAX_ROUNDS = 20


@dataclass
class Scaling:
    """Round trips at each size; ``grows`` when the largest size made more than the
    smallest (an O(n) pattern where O(1) was expected)."""

    sizes: tuple[int, ...]
    queries: tuple[int, ...]
    round_trips: tuple[int, ...]
    label: str = ""

    @property
    def grows(self) -> bool:
        return self.round_trips[-1] > self.round_trips[0]

    @property
    def per_item(self) -> float:
        return (self.round_trips[-1] - self.round_trips[0]) / (self.sizes[-1] - self.sizes[0])

    def describe(self) -> str:
        at = ", ".join(f"{c} at n={n}" for n, c in zip(self.sizes, self.round_trips, strict=True))
        if not self.grows:
            return f"round trips constant: {at}"
        return (
            f"round trips grow with the number of items: {at} "
            f"(+{self.per_item:.2g} per item): O(n), expected O(1)"
        )

    def to_json(self) -> dict:
        return {
            "label": self.label,
            "sizes": list(self.sizes),
            "queries": list(self.queries),
            "round_trips": list(self.round_trips),
            "grows": self.grows,
        }


@dataclass
class Tracker:
    """Everything one test measured."""

    probe: Probe
    explicit: list[Measurement] = field(default_factory=list)
    implicit: list[Measurement] = field(default_factory=list)
    scaled: list[Measurement] = field(default_factory=list)
    size: int | None = None
    scalings: list[Scaling] = field(default_factory=list)
    undo_watch: list[Callable[[], None]] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)
    detect_only: bool = False  # measured only because of --throughput-detect

    @property
    def measurements(self) -> list[Measurement]:
        return self.explicit or self.implicit

    @contextmanager
    def block(self, measurement: Measurement, into: list[Measurement]) -> Iterator[Measurement]:
        self.probe.open(measurement)
        started = clock()
        try:
            yield measurement
        finally:
            measurement.seconds = clock() - started
            self.probe.close(measurement)
            into.append(measurement)

    def teardown(self) -> None:
        undo, self.undo_watch = self.undo_watch, []
        for restore in reversed(undo):
            restore()


class Throughput:
    """Measure throughput, count queries and requests, catch N+1s.

    ``with throughput.measure(items=n): ...`` times a block and counts what it sends;
    ``throughput.run(fn, items=n)`` counts one call then times the best of calibrated
    rounds; ``throughput.scaling(fn, sizes=(10, 20))`` calls ``fn(size)`` at each size and
    reports whether round trips grow with it.
    """

    def __init__(self, tracker: Tracker, unit: str = "items") -> None:
        self._tracker = tracker
        self._unit = unit

    @contextmanager
    def measure(self, items: int = 1, *, label: str = "") -> Iterator[Measurement]:
        _check_items(items)
        measurement = Measurement(
            items=items, unit=self._unit, label=label, size=self._tracker.size
        )
        with self._tracker.block(measurement, self._tracker.explicit):
            yield measurement

    def run(
        self,
        fn: Callable[[], Any],
        *,
        items: int = 1,
        rounds: int | None = None,
        warmup: int = 1,
        label: str = "",
    ) -> Measurement:
        """Counts come from one call; the rate from the best of ``rounds`` rounds, each
        repeating ``fn`` enough times to be well above the clock's resolution (calibrated
        like pytest-benchmark). The timed rounds run uninstrumented."""
        _check_items(items)
        if rounds is not None and rounds < 1:
            raise ValueError(f"rounds must be at least 1, got {rounds!r}")
        with self._tracker.probe.paused():
            for _ in range(warmup):
                fn()
        measurement = Measurement(
            items=items, unit=self._unit, label=label, size=self._tracker.size
        )
        with self._tracker.block(measurement, []):
            fn()
        with self._tracker.probe.paused():  # a marker's block neither counts nor slows these
            started = clock()
            fn()
            once = max(clock() - started, 1e-9)
            iterations = min(_MAX_ITERATIONS, max(1, math.ceil(_MIN_ROUND_SECONDS / once)))
            if rounds is None:
                rounds = max(3, min(_MAX_ROUNDS, int(_TARGET_SECONDS / (once * iterations))))
            best = math.inf
            for _ in range(rounds):
                started = clock()
                for _ in range(iterations):
                    fn()
                best = min(best, (clock() - started) / iterations)
        measurement.seconds = best
        measurement.rounds = rounds
        measurement.iterations = iterations
        self._tracker.explicit.append(measurement)
        return measurement

    def scaling(
        self,
        fn: Callable[[int], Any],
        sizes: Sequence[int] = DEFAULT_SIZES,
        *,
        label: str = "",
    ) -> Scaling:
        """Call ``fn(size)`` in a counted block at each size. Counting starts inside the
        block, so setup done before (fixtures, data for the size) is not counted."""
        sizes = tuple(sizes)
        if len(sizes) < 2 or list(sizes) != sorted(set(sizes)) or sizes[0] < 1:
            raise ValueError(f"sizes must be two or more increasing positive ints: {sizes!r}")
        measured = []
        for size in sizes:
            measurement = Measurement(items=size, unit=self._unit, label=label, size=size)
            with self._tracker.block(measurement, self._tracker.scaled):
                fn(size)
            measured.append(measurement)
        result = Scaling(
            sizes,
            tuple(m.queries for m in measured),
            tuple(m.round_trips for m in measured),
            label,
        )
        self._tracker.scalings.append(result)
        return result

    def watch(self, connection: Any) -> Any:
        """Count a sqlite3 connection opened before the plugin loaded, or a psycopg2 /
        psycopg one opened before collection ended (any connection opened since counts
        already)."""
        import sqlite3

        from throughlint.pytest_plugin.drivers import psycopg, psycopg2
        from throughlint.pytest_plugin.drivers.sqlite import watch

        if isinstance(connection, sqlite3.Connection):
            self._tracker.undo_watch.append(watch(connection, self._tracker.probe))
            return connection
        for driver in (psycopg2, psycopg):
            undo = driver.watch(connection)
            if undo is not None:
                self._tracker.undo_watch.append(undo)
                return connection
        raise TypeError(
            "throughput.watch() takes a sqlite3.Connection or a psycopg2 / psycopg"
            f" connection, got {connection!r}"
        )

    @contextmanager
    def allow_n_plus_one(self, reason: str) -> Iterator[None]:
        """Statements inside still count, but repeat without being an N+1: for a test
        that shows one on purpose. The reason goes in the report."""
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError("throughput.allow_n_plus_one() needs the reason, a non-empty string")
        self._tracker.allowed.append(reason)
        probe = self._tracker.probe
        probe.allowing += 1
        try:
            yield
        finally:
            probe.allowing -= 1

    def count(self, name: str, amount: int = 1) -> None:
        """Add to a named counter of every open measured block."""
        if not self._tracker.probe.active:
            raise RuntimeError(
                f"throughput.count({name!r}) outside a measured block: use "
                "`with throughput.measure(): ...` or mark the test @pytest.mark.throughput"
            )
        self._tracker.probe.count(name, amount)

    @property
    def measurements(self) -> list[Measurement]:
        return list(self._tracker.measurements)


def _check_items(items: int) -> None:
    if isinstance(items, bool) or not isinstance(items, int) or items < 1:
        raise ValueError(f"items must be a positive integer, got {items!r}")
