"""## What it does
Finds thread and process pools sized against the machine: process pools
(`ProcessPoolExecutor`, `multiprocessing.Pool`) with more workers than cores (a literal
above `max-processes`, or `cpu_count() * k` with `k > 1`), process pools whose size is
a hard-coded number above 2 (a literal, a module constant bound to one, also one
imported from another module of the project such as `settings.WORKERS`, a parameter's
literal default, an attribute bound only to one (`self.workers` set from
`def __init__(self, workers=8)`, a class constant), or a fallback
(`options.get("workers", 8)`, `workers or 8`), also through `int(...)`: `Pool(15)`,
`WORKERS = 12`, `def run(jobs, workers=10)`) whatever the cores of the machine that runs
them, thread
pools (`ThreadPoolExecutor`, `multiprocessing.pool.ThreadPool`) above `max-threads`,
process pools sized by the length of their input (`Pool(len(paths))`: one process per
item), and pools of 0 or fewer workers. Reported on a cold path too (a command, a
script, a function its `__main__` guard calls): a pool's size decides the pace of the
work it runs wherever it is made; not in tests, fixtures or example data.

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
from throughlint.index.facts import add_pending, project_callee
from throughlint.rules.base import Rule
from throughlint.semantic.expressions import (
    call_argument,
    has_unknown_arguments,
    int_text,
    literal_int,
    unparse_short,
    walk_same_function,
)
from throughlint.semantic.literal_values import module_constant
from throughlint.semantic.scope import BindingKind
from throughlint.semantic.types import self_assignments

RULE = Rule(
    code="TL202",
    name="mis-sized-pool",
    summary="Thread or process pool sized beyond the machine, or to zero",
    triggers=("Pool",),
    options=("max-threads", "max-processes"),
    doc=__doc__ or "",
    uses_index=True,
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
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import Pool


class Renderer:
    JOBS = 6

    def __init__(self, workers=8):
        self.workers = workers

    def render(self, pages):
        with ProcessPoolExecutor(max_workers=self.workers) as pool:  # expect: TL202
            return list(pool.map(str, pages))

    def thumbnails(self, pages):
        with Pool(self.JOBS) as pool:  # expect: TL202
            return pool.map(str, pages)


def convert(files, options, workers=None):
    jobs = options.get("jobs", 12)
    with Pool(jobs) as pool:  # expect: TL202
        sizes = pool.map(len, files)
    with Pool(workers or 10) as pool:  # expect: TL202
        return pool.map(str, files), sizes
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
import os
from multiprocessing import Pool


class Renderer:
    def __init__(self, workers):
        self.workers = workers
        self.helpers = 2

    def render(self, pages, options, workers=None):
        jobs = options.get("jobs", 8)
        jobs = min(jobs, len(os.sched_getaffinity(0)))
        with Pool(self.workers) as pool, Pool(self.helpers) as small:
            with Pool(jobs) as bounded, Pool(workers or os.cpu_count()) as cores:
                return pool.map(str, pages), small, bounded, cores
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
    where = "a literal"
    if value is None and kind.processes:
        value = _parameter_default(checker.semantic, size)
        if value is not None and isinstance(size, ast.Name):
            where = f"the default of `{size.id}`"
    if value is None:
        value = _module_constant(checker.semantic, size)
        if value is not None and isinstance(size, ast.Name):
            where = f"the module constant `{size.id}`"
    if value is None and kind.processes:
        found = _fallback(checker.semantic, size) or _attribute_default(checker.semantic, size)
        if found is not None:
            value, where = found
    if value is not None:
        message = size_message(kind.label, kind.processes, value, where, *_limits(settings))
        if message is not None:
            checker.report(RULE, node, message)
        return
    imported = _imported_constant(checker.semantic, size)
    if imported is not None:  # ``settings.WORKERS``: the index knows what the module binds
        add_pending(
            checker,
            node,
            "pool-size",
            constant=imported,
            text=unparse_short(size, 40),
            label=kind.label,
            processes=kind.processes,
            limits=list(_limits(settings)),
        )
        return
    if kind.processes and _input_length(checker.semantic, size):
        checker.report(
            RULE,
            node,
            f"`{kind.label}` sized by its input (`{unparse_short(size, 30)}`): one process per"
            f" item, so a large input starts more processes than there are cores (each a copy"
            f" of the interpreter); bound it, `min(len(...), cores)`; {_CONTAINER_ADVICE}",
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


@RULE.on_project("pool-size")
def check_imported_size(index, pending: dict) -> list:
    """A pool sized by a constant of another module of the project."""
    value = index.module_int(pending["constant"])
    if value is None:
        return []
    module = pending["constant"].rpartition(".")[0]
    where = f"the constant `{pending['text']}` of `{module}`"
    max_processes, max_threads = pending["limits"]
    message = size_message(
        pending["label"], pending["processes"], value, where, max_processes, max_threads
    )
    return [(message, None, None)] if message is not None else []


def _limits(settings) -> tuple[int, int]:
    return settings.max_processes, settings.max_threads


def size_message(
    label: str, processes: bool, value: int, where: str, max_processes: int, max_threads: int
) -> str | None:
    """What is wrong with a pool of ``value`` workers (``where``: how the size is written:
    "a literal", "the default of `workers`"), or None when the size is fine."""
    shown = int_text(value)
    if value <= 0:
        return (
            f"`{label}` with {shown} workers: a pool needs at least one "
            f"(this raises `ValueError`); use `None` for the default size"
        )
    if processes and value > max_processes:
        return (
            f"`{label}` with {shown} processes: more than the cores of most machines "
            f"(max-processes = {max_processes}); CPU-bound processes beyond the "
            f"core count only add context switches and memory; {_CONTAINER_ADVICE}"
        )
    if processes and value > _HARD_CODED_MAX:
        return (
            f"`{label}` with {shown} processes hard-coded ({where}): the same count "
            f"on a 2-core container and a 64-core host, so CPU-bound work either "
            f"oversubscribes the cores or leaves most idle; {_CONTAINER_ADVICE}"
        )
    if not processes and value > max_threads:
        return (
            f"`{label}` with {shown} threads (max-threads = {max_threads}): "
            f"each thread costs a stack and contends for the GIL and shared resources; "
            f"size I/O pools as cores * (1 + wait/service) and measure"
        )
    return None


def _input_length(model, size: ast.expr) -> bool:
    """``len(paths)``: the number of items, not of cores (``len(os.sched_getaffinity(0))``
    counts cores)."""
    if not (
        isinstance(size, ast.Call)
        and len(size.args) == 1
        and model.resolve(size.func) == "builtins.len"
    ):
        return False
    counted = model.resolve(size.args[0])
    return counted is None or "sched_getaffinity" not in counted


def _imported_constant(model, size: ast.expr) -> str | None:
    """``WORKERS`` imported from a project module, or ``settings.WORKERS`` on an imported
    project module: the constant's qualified name, for the index to look up."""
    if isinstance(size, ast.Name):
        binding = model.lookup(size.id)
        if binding is None or binding.kind is not BindingKind.IMPORT:
            return None
    elif isinstance(size, ast.Attribute) and isinstance(size.value, ast.Name):
        binding = model.lookup(size.value.id)
        if binding is None or binding.kind is not BindingKind.IMPORT:
            return None
    else:
        return None
    name = model.resolve(size)
    return name if project_callee(name) and not name.endswith(("()", "[]")) else None


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
    value = module_constant(model, size)
    return None if value is None else literal_int(value)


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
    return _default_of(function, size.id)


def _fallback(model, size: ast.expr) -> tuple[int, str] | None:
    """A literal used when nothing else is given: ``options.get("workers", 8)``,
    ``kwargs.pop("jobs", 8)``, ``getattr(conf, "workers", 8)``, ``workers or 8``; also a
    local bound once to one of those. (value, how it is written) or None."""
    text = unparse_short(size, 40)
    if isinstance(size, ast.Name):
        binding = model.lookup(size.id)
        if (
            binding is None
            or binding.kind is not BindingKind.ASSIGNMENT
            or binding.value is None
            or model.function is None
            or len(_bindings_of(model.function, size.id)) != 1
        ):
            return None
        text, size = size.id, binding.value
    if isinstance(size, ast.BoolOp) and isinstance(size.op, ast.Or):
        value = literal_int(size.values[-1])
        return (value, f"the fallback of `{text}`") if value is not None else None
    if not isinstance(size, ast.Call) or size.keywords or len(size.args) < 2:
        return None
    func = size.func
    getter = (len(size.args) == 3 and model.resolve(func) == "builtins.getattr") or (
        len(size.args) == 2 and isinstance(func, ast.Attribute) and func.attr in _GETTERS
    )
    value = literal_int(size.args[-1]) if getter else None
    return (value, f"the default of `{text}`") if value is not None else None


_GETTERS = frozenset({"get", "pop", "setdefault", "getint"})


def _bindings_of(function: ast.AST, name: str) -> list[ast.AST]:
    """The statements of ``function`` (not of nested functions) that bind ``name``."""
    return [
        node
        for node in walk_same_function(function)
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
    ]


def _attribute_default(model, size: ast.expr) -> tuple[int, str] | None:
    """``self.workers`` that its class binds only to a literal, or to a parameter of
    ``__init__`` with a literal default (``def __init__(self, workers=8)``), or that is a
    class constant (``WORKERS = 8`` in the class body, never set on ``self``)."""
    if not (isinstance(size, ast.Attribute) and isinstance(size.value, ast.Name)):
        return None
    binding = model.lookup(size.value.id)
    owner = binding.owner if binding is not None else None
    if binding is None or binding.kind is not BindingKind.SELF:
        return None
    if not isinstance(owner, ast.ClassDef):
        return None
    values = self_assignments(owner).get(size.attr)
    if not values:
        constant = _class_constant(owner, size.attr)
        return (constant, f"the class constant `{size.attr}`") if constant is not None else None
    found = set()
    for value in values:
        literal = literal_int(value)
        if literal is None:
            literal = _init_default(owner, value)
        if literal is None:
            return None
        found.add(literal)
    if len(found) != 1:
        return None
    return found.pop(), f"the default of `self.{size.attr}`"


def _class_constant(owner: ast.ClassDef, name: str) -> int | None:
    values = [
        statement.value
        for statement in owner.body
        if isinstance(statement, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == name for t in statement.targets)
    ]
    return literal_int(values[0]) if len(values) == 1 else None


def _init_default(owner: ast.ClassDef, value: ast.expr) -> int | None:
    """The literal default of the ``__init__`` parameter ``value`` names."""
    if not isinstance(value, ast.Name):
        return None
    for statement in owner.body:
        if isinstance(statement, ast.FunctionDef) and statement.name == "__init__":
            return _default_of(statement, value.id)
    return None


def _default_of(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> int | None:
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaulted = positional[len(positional) - len(arguments.defaults) :]
    pairs = list(zip(defaulted, arguments.defaults, strict=True))
    pairs += [(a, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if d]
    for argument, default in pairs:
        if argument.arg == name:
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
