"""## What it does
Finds thread and process pools sized against the machine: process pools
(`ProcessPoolExecutor`, `multiprocessing.Pool`) with more workers than cores (a literal
above `max-processes`, or `cpu_count() * k` with `k > 1`), process pools whose size is
a hard-coded number above 2 (a literal, a module constant bound to one, or a parameter's
literal default, also through `int(...)`: `Pool(15)`, `WORKERS = 12`,
`def run(jobs, workers=10)`) whatever the cores of the machine that runs them, thread
pools (`ThreadPoolExecutor`, `multiprocessing.pool.ThreadPool`) above `max-threads`, and
pools of 0 or fewer workers.

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
from throughlint.semantic.scope import BindingKind

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
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool


def crunch(chunks, workers=10):
    with ProcessPoolExecutor(max_workers=workers) as pool:  # expect: TL202
        return list(pool.map(sum, chunks))


def render(pages):
    with Pool(15) as pool:  # expect: TL202
        return pool.map(str, pages)
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
        """\
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import Pool


def crunch(chunks, workers=None):
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(sum, chunks))


def side(jobs, helpers=2):
    with Pool(helpers) as pool, ThreadPoolExecutor(10) as threads:
        return pool.map(str, jobs), threads.map(str, jobs)
""",
        """\
class Pool:
    def __init__(self, size):
        self.size = size


pool = Pool(15)
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
    size = _unwrap_int(checker.semantic, size)
    value = literal_int(size)
    default = constant = False
    if value is None and kind.processes:
        value = _parameter_default(checker.semantic, size)
        default = value is not None
    if value is None:
        value = _module_constant(checker.semantic, size)
        constant = value is not None
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
        elif kind.processes and value > _HARD_CODED_MAX:
            where = "a literal"
            if default and isinstance(size, ast.Name):
                where = f"the default of `{size.id}`"
            elif constant and isinstance(size, ast.Name):
                where = f"the module constant `{size.id}`"

            checker.report(
                RULE,
                node,
                f"`{kind.label}` with {shown} processes hard-coded ({where}): the same count "
                f"on a 2-core container and a 64-core host, so CPU-bound work either "
                f"oversubscribes the cores or leaves most idle; {_CONTAINER_ADVICE}",
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


_HARD_CODED_MAX = 2
"""A process pool of one or two is a helper, not a pool sized for CPU-bound work."""


def _unwrap_int(model, size: ast.expr) -> ast.expr:
    """``int(workers)`` sizes the pool with ``workers``."""
    if (
        isinstance(size, ast.Call)
        and len(size.args) == 1
        and not size.keywords
        and model.resolve(size.func) == "builtins.int"
    ):
        return size.args[0]
    return size


def _module_constant(model, size: ast.expr) -> int | None:
    """The literal a module-level name is bound to once (``WORKERS = 12``), if any."""
    if not isinstance(size, ast.Name):
        return None
    binding = model.lookup(size.id)
    if (
        binding is None
        or binding.kind is not BindingKind.ASSIGNMENT
        or binding.value is None
        or model.module_scope.bindings.get(size.id) is not binding
    ):
        return None
    return literal_int(binding.value)


def _parameter_default(model, size: ast.expr) -> int | None:
    """The literal default of the parameter ``size`` names (``workers=10``), if any."""
    if not isinstance(size, ast.Name):
        return None
    binding = model.lookup(size.id)
    function = model.function
    if binding is None or binding.kind is not BindingKind.PARAMETER:
        return None
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    pairs = list(
        zip(
            positional[len(positional) - len(arguments.defaults) :], arguments.defaults, strict=True
        )
    )
    pairs += [
        (a, d)
        for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
        if d is not None
    ]
    for argument, default in pairs:
        if argument is binding.node:
            return literal_int(default)
    return None


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
