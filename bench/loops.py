"""Time throughlint on one loop with many calls in its body (generated code, long migrations).

    python bench/loops.py                          # 500 / 1,000 / 2,000 calls, every shape
    python bench/loops.py --sizes 2000 --shapes await,add --timeout 600

Each shape is one function with one ``for`` loop whose body is N statements of the same
kind; every statement is a finding, so the rules do their whole per-call work N times:

- ``await``: ``await client.get(...)`` on an ``httpx.AsyncClient`` (TL402);
- ``add``: ``session.add(Row(...))`` on a SQLAlchemy ``Session``, flushed once at the end
  of the pass (TL102);
- ``execute``: ``cursor.execute("INSERT ...", ...)`` on a sqlite3 cursor (TL102);
- ``plain``: ``total += item * k``, no finding (the walk alone, for reference).

Every run is a child process, ``python -m throughlint FILE --isolated --no-cache --format
json``, timed from the outside: wall time from a monotonic clock, CPU (user + system) from
``os.wait4``. Start-up is included (about 0.1 s). The table shows the best of
``--rounds`` runs. The target (issue 14): 2,000 calls in under 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

SHAPES: dict[str, tuple[str, str, str]] = {
    # shape: (head, one statement per call with %d, tail)
    "await": (
        "import httpx\n\n\nasync def run(client: httpx.AsyncClient, items):\n"
        "    for item in items:\n",
        "        await client.get(f'/items/{item}/%d')\n",
        "",
    ),
    "add": (
        "from sqlalchemy.orm import Session\n\nfrom app.models import Row\n\n\n"
        "def run(session: Session, items):\n    for item in items:\n",
        "        session.add(Row(item=item, k=%d))\n",
        "        session.flush()\n",
    ),
    "execute": (
        "import sqlite3\n\n\ndef run(conn: sqlite3.Connection, items):\n"
        "    cursor = conn.cursor()\n    for item in items:\n",
        "        cursor.execute('INSERT INTO t (a, k) VALUES (?, ?)', (item, %d))\n",
        "",
    ),
    "plain": (
        "def run(items):\n    total = 0\n    for item in items:\n",
        "        total += item * %d\n",
        "    return total\n",
    ),
}


def source(shape: str, calls: int) -> str:
    head, line, tail = SHAPES[shape]
    return head + "".join(line % k for k in range(calls)) + tail


def measure(path: str, timeout: float) -> tuple[float, float, int] | None:
    """Wall seconds, CPU seconds and the number of findings of one child run; None when it
    ran longer than ``timeout``."""
    argv = [sys.executable, "-m", "throughlint", path, "--isolated", "--no-cache"]
    with tempfile.TemporaryFile() as output:
        before = os.times()
        start = time.perf_counter()
        child = subprocess.Popen(
            [*argv, "--format", "json"],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.DEVNULL,
        )
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            return None
        finally:
            if child.returncode is None:
                child.kill()
        wall = time.perf_counter() - start
        after = os.times()  # wait() reaped the child: its usage is in the children's totals
        output.seek(0)
        findings = len(json.loads(output.read() or b"{}").get("diagnostics", []))
    cpu = after.children_user + after.children_system
    return wall, cpu - before.children_user - before.children_system, findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="500,1000,2000", help="calls per loop body")
    parser.add_argument("--shapes", default=",".join(SHAPES), help=f"of {', '.join(SHAPES)}")
    parser.add_argument("--rounds", type=int, default=1, help="runs per cell; best is shown")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    shapes = [shape.strip() for shape in options.shapes.split(",")]
    print("| shape | calls | lines | wall s | CPU s | findings |")
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as work:
        for shape in shapes:
            for calls in sizes:
                text = source(shape, calls)
                # a folder per file: a run's project index covers its folder, and the
                # files of earlier cells must not be collected with it
                folder = os.path.join(work, f"{shape}_{calls}")
                os.makedirs(folder)
                path = os.path.join(folder, f"{shape}_{calls}.py")
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(text)
                best: tuple[float, float, int] | None = None
                for _ in range(options.rounds):
                    result = measure(path, options.timeout)
                    if result is None:
                        break
                    if best is None or result[0] < best[0]:
                        best = result
                lines = text.count("\n")
                if best is None:
                    print(f"| {shape} | {calls:,} | {lines:,} | > {options.timeout:g} | - | - |")
                else:
                    print(f"| {shape} | {calls:,} | {lines:,} | {best[0]:.2f} | "
                          f"{best[1]:.2f} | {best[2]:,} |")  # fmt: skip
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
