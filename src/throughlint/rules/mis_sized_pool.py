"""## What it does
Finds thread and process pools sized against the machine: process pools
(`ProcessPoolExecutor`, `multiprocessing.Pool`) with more workers than cores (a literal
above `max-processes`, or `cpu_count() * k` with `k > 1`), thread pools
(`ThreadPoolExecutor`, `multiprocessing.pool.ThreadPool`) above `max-threads`, and pools
of 0 or fewer workers.

## Why it hurts throughput
A CPU-bound process cannot run faster than one core: processes beyond the core count only
add context switches, cache misses and a copy of the interpreter's memory each. Threads
are cheaper but not free: each has a stack, and hundreds of threads contend for the GIL
and for whatever they share (a connection pool, a rate-limited API), so throughput falls
while memory rises. A size of 0 or less raises `ValueError` when the pool starts.

`os.cpu_count()` counts the host's cores, not the ones this process may use: in a
container or under CPU affinity it over-counts. Prefer `os.process_cpu_count()` (Python
3.13+) or `len(os.sched_getaffinity(0))`. For I/O-bound work, size threads as
`cores * (1 + wait time / service time)` and measure.

## Example
```python
from concurrent.futures import ProcessPoolExecutor
import os

pool = ProcessPoolExecutor(max_workers=os.cpu_count() * 4)
```

## Use instead
```python
from concurrent.futures import ProcessPoolExecutor
import os

pool = ProcessPoolExecutor(max_workers=len(os.sched_getaffinity(0)))
```

## Fix safety
No fix is offered: the right size depends on the workload.

## Options
- `max-threads` (default 256): the largest thread pool that is not reported.
- `max-processes` (default 32): the largest literal process-pool size that is not reported.

## References
- https://docs.python.org/3/library/concurrent.futures.html
- https://docs.python.org/3/library/os.html#os.process_cpu_count
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from throughlint.apis import CPU_COUNT_CALLS
from throughlint.rules.base import Rule
from throughlint.semantic.expressions import (
    call_argument,
    has_unknown_arguments,
    int_text,
    literal_int,
)

RULE = Rule(
    code="TL202",
    name="mis-sized-pool",
    summary="Thread or process pool sized beyond the machine, or to zero",
    triggers=("Pool",),
    options=("max-threads", "max-processes"),
    doc=__doc__ or "",
    bad=(
        """\
import os
from concurrent.futures import ProcessPoolExecutor

pool = ProcessPoolExecutor(max_workers=os.cpu_count() * 4)  # expect: TL202
""",
        """\
import multiprocessing

pool = multiprocessing.Pool(processes=multiprocessing.cpu_count() * 2)  # expect: TL202
big = multiprocessing.Pool(128)  # expect: TL202
""",
        """\
from concurrent.futures import ThreadPoolExecutor

downloads = ThreadPoolExecutor(max_workers=2000)  # expect: TL202
nothing = ThreadPoolExecutor(0)  # expect: TL202
""",
        """\
import concurrent.futures as cf
import os

def run(jobs):
    with cf.ProcessPoolExecutor((os.cpu_count() or 1) * 3) as pool:  # expect: TL202
        return list(pool.map(str, jobs))
""",
    ),
    good=(
        """\
import os
from concurrent.futures import ProcessPoolExecutor

pool = ProcessPoolExecutor(max_workers=len(os.sched_getaffinity(0)))
""",
        """\
from concurrent.futures import ThreadPoolExecutor

downloads = ThreadPoolExecutor(max_workers=32)
""",
    ),
    near_miss=(
        """\
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

a = ProcessPoolExecutor(os.cpu_count())
b = ProcessPoolExecutor(max_workers=None)
c = ProcessPoolExecutor()
d = ThreadPoolExecutor(max_workers=os.cpu_count() * 5)
e = ProcessPoolExecutor(os.process_cpu_count())
""",
        """\
from concurrent.futures import ProcessPoolExecutor

def start(workers):
    return ProcessPoolExecutor(max_workers=workers)
""",
        """\
from multiprocessing.pool import ThreadPool

pool = ThreadPool(64)
""",
    ),
)


@dataclass(frozen=True, slots=True)
class _PoolKind:
    label: str
    processes: bool
    keyword: str


_POOLS: dict[str, _PoolKind] = {
    "concurrent.futures.ThreadPoolExecutor": _PoolKind("ThreadPoolExecutor", False, "max_workers"),
    "concurrent.futures.ProcessPoolExecutor": _PoolKind("ProcessPoolExecutor", True, "max_workers"),
    "multiprocessing.Pool": _PoolKind("multiprocessing.Pool", True, "processes"),
    "multiprocessing.pool.ThreadPool": _PoolKind("ThreadPool", False, "processes"),
    "multiprocessing.Manager().Pool": _PoolKind("Manager().Pool", True, "processes"),
}

_CONTAINER_ADVICE = (
    "size it from `os.process_cpu_count()` (3.13+) or `len(os.sched_getaffinity(0))`, "
    "which count the cores this process may use (`os.cpu_count()` counts the host's)"
)


@RULE.on(ast.Call)
def check(checker, node: ast.Call) -> None:
    name = checker.semantic.resolve(node.func)
    kind = _POOLS.get(name) if name is not None else None
    if kind is None or has_unknown_arguments(node):
        return
    size = call_argument(node, 0, kind.keyword)
    if size is None:
        return
    settings = checker.settings
    value = literal_int(size)
    if value is not None:
        shown = int_text(value)
        if value <= 0:
            checker.report(
                RULE,
                node,
                f"`{kind.label}` with {shown} workers: a pool needs at least one "
                f"(this raises `ValueError`); use `None` for the default size",
            )
        elif kind.processes and value > settings.max_processes:
            checker.report(
                RULE,
                node,
                f"`{kind.label}` with {shown} processes: more than the cores of most machines "
                f"(max-processes = {settings.max_processes}); CPU-bound processes beyond the "
                f"core count only add context switches and memory; {_CONTAINER_ADVICE}",
            )
        elif not kind.processes and value > settings.max_threads:
            checker.report(
                RULE,
                node,
                f"`{kind.label}` with {shown} threads (max-threads = {settings.max_threads}): "
                f"each thread costs a stack and contends for the GIL and shared resources; "
                f"size I/O pools as cores * (1 + wait/service) and measure",
            )
        return
    if kind.processes:
        factor = _cpu_multiple(checker, size)
        if factor is not None and factor > 1:
            checker.report(
                RULE,
                node,
                f"`{kind.label}` with {int_text(factor)}x the cores: CPU-bound processes beyond "
                f"the core count only add context switches and memory; {_CONTAINER_ADVICE}",
            )


def _cpu_multiple(checker, size: ast.expr) -> int | None:
    """``k`` for ``cpu_count() * k`` or ``k * cpu_count()``; None for anything else."""
    if not (isinstance(size, ast.BinOp) and isinstance(size.op, ast.Mult)):
        return None
    for count, factor in ((size.left, size.right), (size.right, size.left)):
        multiple = literal_int(factor)
        if multiple is not None and _is_cpu_count(checker, count):
            return multiple
    return None


def _is_cpu_count(checker, node: ast.expr) -> bool:
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and node.values:
        node = node.values[0]
    if isinstance(node, ast.Call):
        if checker.semantic.resolve(node) in CPU_COUNT_CALLS:
            return True
        # len(os.sched_getaffinity(0))
        if checker.semantic.resolve(node.func) == "builtins.len" and node.args:
            return checker.semantic.resolve(node.args[0]) == "os.sched_getaffinity()"
    return False
