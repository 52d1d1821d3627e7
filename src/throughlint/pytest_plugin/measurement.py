"""What one measured block saw, and the probe that feeds it.

The probe is the only thing the drivers talk to. It is installed when the first measured
block opens and uninstalled when the last one closes, so nothing is patched while an
ordinary test runs.
"""

from __future__ import annotations

import os
import sysconfig
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from throughlint.pytest_plugin.n_plus_one import is_select, normalise
from throughlint.pytest_plugin.repetition import Tracker


@dataclass
class StatementStats:
    shape: str
    sample: str
    count: int = 0
    repetition: Tracker = field(default_factory=Tracker)


@dataclass
class Measurement:
    """One measured block. ``seconds`` is wall time of the block (for ``run()``: the best
    round, per call); counts are exact."""

    items: int = 1
    unit: str = "items"
    label: str = ""
    size: int | None = None
    seconds: float = 0.0
    queries: int = 0
    requests: int = 0
    commands: int = 0  # redis commands and pipelines
    counters: Counter = field(default_factory=Counter)
    statements: dict[str, StatementStats] = field(default_factory=dict)
    rounds: int = 1
    iterations: int = 1

    @property
    def round_trips(self) -> int:
        return self.queries + self.requests + self.commands

    @property
    def rate(self) -> float | None:
        return self.items / self.seconds if self.seconds > 0 else None

    def add_statement(self, sql: str, repetition: bool = True) -> None:
        self.queries += 1
        shape = normalise(sql)
        stats = self.statements.get(shape)
        if stats is None:
            stats = self.statements[shape] = StatementStats(shape, " ".join(sql.split()))
        stats.count += 1
        if repetition and is_select(shape):
            stats.repetition.observe()

    def close(self) -> None:
        """Let go of the frames kept to compare stacks."""
        for stats in self.statements.values():
            stats.repetition.close()


class Probe:
    """Routes counts from the instrumented drivers to every open measured block."""

    def __init__(self) -> None:
        self.active: list[Measurement] = []
        self._undo: list[tuple[str, Callable[[], None]]] = []
        self._lock = threading.Lock()
        # statements an upper layer (SQLAlchemy, Django) counted and is sending through
        # a lower one (sqlite3 under aiosqlite, pysqlite or Django's backend)
        self._claimed: Counter[str] = Counter()
        self._depth = threading.local()
        self._api_call = threading.local()  # inside a botocore API call: urllib3 is under it
        self.allowing = 0  # inside throughput.allow_n_plus_one(): no N+1 tracking
        # --throughput-detect measures every test: the drivers stay installed between
        # tests instead of being patched and restored around each one
        self.persistent = False

    # -- lifecycle -------------------------------------------------------------------
    def open(self, measurement: Measurement) -> None:
        with self._lock:
            if not self.active:
                self._install()
            self.active.append(measurement)

    def close(self, measurement: Measurement) -> None:
        with self._lock:
            if measurement in self.active:
                self.active.remove(measurement)
            measurement.close()
            if not self.active and not self.persistent:
                self._uninstall()

    def _install(self) -> None:
        """Install the drivers not installed yet (with ``persistent``, a library imported
        since the last test is picked up here)."""
        from throughlint.pytest_plugin.drivers import install_all

        try:
            self._undo.extend(install_all(self, frozenset(name for name, _ in self._undo)))
        except BaseException:
            self._uninstall()
            raise

    def _uninstall(self) -> None:
        undo, self._undo = self._undo, []
        for _, restore in reversed(undo):
            restore()

    def shutdown(self) -> None:
        with self._lock:
            self.persistent = False
            if not self.active:
                self._uninstall()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Nothing counts inside: ``run()``'s timed rounds, which an enclosing block
        (the marker's) must neither count nor slow down."""
        with self._lock:
            active, self.active = self.active, []
        try:
            yield
        finally:
            with self._lock:
                self.active = active + self.active

    @property
    def installed(self) -> bool:
        return bool(self._undo)

    # -- events from the drivers -----------------------------------------------------
    def statement(self, sql: str) -> None:
        """One SQL statement sent to a database (``executemany`` is one)."""
        track = not self.allowing
        for measurement in self.active:
            measurement.add_statement(sql, track)

    def driver_statement(self, sql: str) -> None:
        """A statement seen by a database driver: counted unless an upper layer has
        already counted it."""
        if getattr(self._depth, "value", 0) or self._claimed.get(sql):
            return
        self.statement(sql)

    def claim(self, sql: str) -> None:
        """An upper layer counted ``sql`` and sends it now, maybe from another thread
        (aiosqlite runs sqlite3 in its own); :meth:`release` when it is done."""
        self._claimed[sql] += 1

    def release(self, sql: str) -> None:
        if self._claimed.get(sql, 0) > 1:
            self._claimed[sql] -= 1
        else:
            self._claimed.pop(sql, None)

    def claim_thread(self) -> threading.local:
        """Every statement this thread sends until the caller decrements the returned
        ``.value`` is already counted (a plain call: this runs once per statement)."""
        depth = self._depth
        depth.value = getattr(depth, "value", 0) + 1
        return depth

    def command(self, name: str) -> None:
        """One redis round trip: a command, or a whole pipeline."""
        for measurement in self.active:
            measurement.commands += 1

    def request(self) -> None:
        """One HTTP request sent."""
        for measurement in self.active:
            measurement.requests += 1

    def driver_request(self) -> None:
        """An HTTP request seen by an HTTP library: counted unless it belongs to an API
        call an upper layer (botocore) has counted."""
        if not getattr(self._api_call, "value", False):
            self.request()

    def api_call(self, inside: bool) -> None:
        """Entering (counted as one request) or leaving an API call of this thread."""
        if inside:
            self.request()
        self._api_call.value = inside

    def count(self, name: str, amount: int = 1) -> None:
        for measurement in self.active:
            measurement.counters[name] += amount


def library_prefixes() -> tuple[str, ...]:
    """Folders that are not the project's code: the stdlib, site-packages, throughlint."""
    paths = sysconfig.get_paths()
    prefixes = {
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),  # throughlint itself
        *(paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths),
    }
    return tuple(sorted(os.path.join(os.path.abspath(p), "") for p in prefixes))


def clock() -> float:
    return time.perf_counter()
