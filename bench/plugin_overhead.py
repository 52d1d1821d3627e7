"""Per-statement cost of the pytest plugin's query counting (sqlite3 and SQLAlchemy).

    python bench/plugin_overhead.py [--queries 50000] [--rounds 5]

Each case runs the same loop of tiny statements plain and inside a measured block (the
probe the ``throughput`` fixture opens), best of ``--rounds``; the difference divided by
the number of statements is the counting overhead per statement. Tiny in-memory
statements make it the worst case: a real query costs far more than the counting.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Callable

from throughlint.pytest_plugin.measurement import Measurement, Probe


def best_pair(
    plain: Callable[[], None], counted: Callable[[], None], rounds: int
) -> tuple[float, float]:
    """Best time of each, the two run in turn (A B A B ...) so that a machine whose speed
    drifts during the run slows both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for fn, into in ((plain, times[0]), (counted, times[1])):
            started = time.perf_counter()
            fn()
            into.append(time.perf_counter() - started)
    return min(times[0]), min(times[1])


def measured(probe: Probe, fn: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        block = Measurement()
        probe.open(block)
        try:
            fn()
        finally:
            probe.close(block)

    return run


def sqlite_loop(n: int, watch: Probe | None = None) -> Callable[[], None]:
    def run() -> None:
        conn = sqlite3.connect(":memory:")  # opened inside the block: counted via factory
        if watch is not None:
            from throughlint.pytest_plugin.drivers.sqlite import watch as watch_connection

            watch_connection(conn, watch)
        cursor = conn.cursor()
        for i in range(n):
            cursor.execute("SELECT ?", (i,))
        conn.close()

    return run


def sqlalchemy_loop(n: int) -> Callable[[], None]:
    from sqlalchemy import create_engine, text

    statement = text("SELECT :x")

    def run() -> None:
        engine = create_engine("sqlite://")
        with engine.connect() as connection:
            for i in range(n):
                connection.execute(statement, {"x": i})
        engine.dispose()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    n, rounds = options.queries, options.rounds
    from throughlint.pytest_plugin.drivers.sqlite import track

    track()  # as the plugin does for the session: every sqlite3 connection can count
    probe = Probe()
    cases = [
        ("sqlite3 (connect inside block)", sqlite_loop(n), measured(probe, sqlite_loop(n))),
        (
            "sqlite3 (watch(conn), trace callback)",
            sqlite_loop(n),
            measured(probe, sqlite_loop(n, watch=probe)),
        ),
        ("SQLAlchemy 2 Core (sqlite://)", sqlalchemy_loop(n // 5), None),
    ]
    print(f"{'case':40} {'plain us/stmt':>14} {'counted us/stmt':>16} {'overhead us':>12}")
    for name, plain, counted in cases:
        count = n if counted is not None else n // 5
        if counted is None:
            counted = measured(probe, plain)
        plain_time, counted_time = (t / count * 1e6 for t in best_pair(plain, counted, rounds))
        print(
            f"{name:40} {plain_time:14.2f} {counted_time:16.2f} {counted_time - plain_time:12.2f}"
        )
    assert not probe.installed, "the probe must uninstall when the last block closes"


if __name__ == "__main__":
    main()
