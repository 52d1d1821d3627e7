"""Per-statement cost of the psycopg2 / psycopg 3 counting connections against a real
PostgreSQL (started like the tests do, ``tests/support/servers.py``): ``SELECT 1`` over a
Unix socket on a plain connection, on a counting one with no measured block open (what
every statement of a session pays once the connect function is wrapped), and on a
counting one inside a measured block (counting and the N+1 detector's stack walk).

    python bench/plugin_postgres_overhead.py [--statements 2000] [--rounds 9]

Rounds alternate between the three connections; the best round of each is reported."""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))

import psycopg
import psycopg2
from support.servers import postgres_server

from throughlint.pytest_plugin.drivers import track_imported
from throughlint.pytest_plugin.drivers.psycopg import SINK as PSYCOPG_SINK
from throughlint.pytest_plugin.drivers.psycopg2 import SINK as PSYCOPG2_SINK
from throughlint.pytest_plugin.measurement import Measurement, Probe


def one_round(cursor, statements: int) -> float:
    start = time.perf_counter()
    for _ in range(statements):
        cursor.execute("SELECT 1")
    return (time.perf_counter() - start) / statements


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--statements", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    with postgres_server() as dsn:
        plain = {"psycopg2": psycopg2.connect(dsn), "psycopg 3": psycopg.connect(dsn)}
        undo = track_imported()
        counting = {"psycopg2": psycopg2.connect(dsn), "psycopg 3": psycopg.connect(dsn)}
        sinks = {"psycopg2": PSYCOPG2_SINK, "psycopg 3": PSYCOPG_SINK}
        probe = Probe()
        for name in plain:
            best = {"alone": float("inf"), "no block": float("inf"), "in a block": float("inf")}
            for _ in range(args.rounds):
                best["alone"] = min(best["alone"], one_round(plain[name].cursor(), args.statements))
                sinks[name].probe = None
                cursor = counting[name].cursor()
                best["no block"] = min(best["no block"], one_round(cursor, args.statements))
                measurement = Measurement()
                probe.open(measurement)
                sinks[name].probe = probe
                try:
                    best["in a block"] = min(best["in a block"], one_round(cursor, args.statements))
                finally:
                    sinks[name].probe = None
                    probe.close(measurement)
                assert measurement.queries == args.statements
            alone = best["alone"]
            print(
                f"{name}: statement alone {alone * 1e6:.1f} us; counting adds"
                f" {(best['no block'] - alone) * 1e6:.1f} us with no block open,"
                f" {(best['in a block'] - alone) * 1e6:.1f} us inside a measured block"
            )
        probe.shutdown()
        for restore in undo:
            restore()


if __name__ == "__main__":
    main()
