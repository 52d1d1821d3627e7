"""Per-callback cost of ``max_loop_block_ms`` (the timed ``Handle._run``).

    python bench/loop_block_overhead.py [--steps 100000] [--rounds 5]

The same coroutine, ``--steps`` times ``await asyncio.sleep(0)`` (one loop callback
each, the cheapest there is), runs plain and with the loop watch installed, alternating;
the medians' difference divided by the steps is the cost per callback.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from throughlint.pytest_plugin.loop_block import LoopWatch


async def _spin(steps: int) -> None:
    for _ in range(steps):
        await asyncio.sleep(0)


def _timed(steps: int) -> float:
    start = time.perf_counter()
    asyncio.run(_spin(steps))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    plain, watched = [], []
    for _ in range(args.rounds):
        plain.append(_timed(args.steps))
        watch = LoopWatch(0.05)
        watch.install()
        try:
            watched.append(_timed(args.steps))
        finally:
            watch.uninstall()
    without, with_watch = statistics.median(plain), statistics.median(watched)
    per_step = (with_watch - without) / args.steps * 1e9
    print(
        f"{args.steps:,} loop callbacks: plain {without:.3f} s, watched {with_watch:.3f} s "
        f"(median of {args.rounds}): {per_step:+,.0f} ns per callback, "
        f"{with_watch / without:.2f}x"
    )


if __name__ == "__main__":
    main()
