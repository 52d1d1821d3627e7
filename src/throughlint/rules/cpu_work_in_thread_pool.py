"""## What it does
Finds a function submitted to a thread pool (`ThreadPoolExecutor.submit` / `.map`,
`multiprocessing.pool.ThreadPool.map` / `apply_async` / `imap`...) that does pure-Python
CPU work and no I/O.

Two ways to decide. In the file: a function of the same file whose body loops and whose
every call is a pure builtin (`len`, `sum`, `sorted`...), a `math` function, a container
or string method (`append`, `split`, `join`...), or another such function. Through the
project index, for any other target (a bound method such as `self._process_node`, a
function of another module, a nested function calling helpers elsewhere): the rule
follows the calls from the submitted function (six calls deep) and reports when
something on the way loops in Python and nothing reached

- waits: a database or network call, a child process, a sleep, a lock or future wait, a
  file *write* (the shared effect summaries, plus `throughlint.effects.cpu`), a method
  whose name says it waits (`read`, `send`, `upload_file`, `download`...) or an HTTP verb
  given a URL (`client.get(url)`) on a receiver whose type is not known, or any call
  given a `timeout=` or `headers=`;
- runs C code that releases the GIL: `hashlib`, `zlib`, `gzip`, `numpy`, `lxml`,
  `tiktoken`...

Reading a local file to parse it does not count as waiting: the parse dominates, and a
read mostly comes from the page cache. Calls the index cannot follow (a method of an
object of unknown type, a third-party function not known to wait or release the GIL)
count as Python work; a method overridden in subclasses is judged by the definition the
call resolves to.

Pools are matched by their constructor's qualified name (resolved through imports and
assignments); a pool whose type is chosen at run time (`self.settings["pool"]`) is not
known and stays quiet. A function that never loops is not reported (a task too small to
matter either way), nor one that waits for part of its time (a subprocess, then a parse).

## Why it hurts throughput
On a standard (GIL) build of CPython only one thread runs Python bytecode at a time. A
thread pool running pure-Python CPU work gets no parallelism: the work runs at the speed
of one core, plus the cost of switching threads and contending for the GIL, often slower
than a plain loop. A process pool spreads the same work over every core.

On a free-threaded build (`python3.13t` and later) threads do run in parallel; suppress
the finding there.

## Example
```python
from concurrent.futures import ThreadPoolExecutor

def checksum(rows):
    total = 0
    for row in rows:
        total = (total * 31 + sum(row)) % 1_000_003
    return total

def checksums(batches):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(checksum, batches))
```

## Use instead
```python
from concurrent.futures import ProcessPoolExecutor

def checksums(batches):
    with ProcessPoolExecutor() as pool:
        return list(pool.map(checksum, batches))
```

## Fix safety
No fix: a process pool needs picklable arguments and results.

## Options
None.

## References
- https://docs.python.org/3/glossary.html#term-global-interpreter-lock
- https://docs.python.org/3/library/concurrent.futures.html#processpoolexecutor
"""

from __future__ import annotations

import ast
from collections import deque
from typing import TYPE_CHECKING, Any

from throughlint.effects.cpu import IO, LOOPS, NATIVE, name_cpu_bits
from throughlint.effects.kinds import Effect
from throughlint.index.facts import add_pending, project_callee
from throughlint.rules.base import Rule
from throughlint.semantic.expressions import unparse_short
from throughlint.semantic.scope import BindingKind

if TYPE_CHECKING:
    from throughlint.index.project import ProjectIndex

RULE = Rule(
    code="TL205",
    name="cpu-work-in-thread-pool",
    summary="Pure-Python CPU work submitted to a thread pool: the GIL serialises it",
    # no triggers: any module may hold the function a pool in another module runs
    uses_index=True,
    preview=True,
    doc=__doc__ or "",
    bad=(
        """\
from concurrent.futures import ThreadPoolExecutor

def checksum(rows):
    total = 0
    for row in rows:
        total = (total * 31 + sum(row)) % 1_000_003
    return total

def checksums(batches):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(checksum, batches))  # expect: TL205
""",
        """\
import math
from multiprocessing.pool import ThreadPool

def primes_below(limit):
    found = []
    for n in range(2, limit):
        if all(n % d for d in range(2, math.isqrt(n) + 1)):
            found.append(n)
    return found

pool = ThreadPool(8)
results = pool.map(primes_below, [10_000, 20_000])  # expect: TL205
""",
    ),
    good=(
        """\
from concurrent.futures import ProcessPoolExecutor

def checksum(rows):
    total = 0
    for row in rows:
        total = (total * 31 + sum(row)) % 1_000_003
    return total

def checksums(batches):
    with ProcessPoolExecutor() as pool:
        return list(pool.map(checksum, batches))
""",
        """\
from concurrent.futures import ThreadPoolExecutor

import requests

def fetch(urls):
    bodies = []
    for url in urls:
        bodies.append(requests.get(url).text)
    return bodies

def fetch_all(groups):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(fetch, groups))
""",
    ),
    near_miss=(
        """\
import hashlib
from concurrent.futures import ThreadPoolExecutor

def digest(chunks):
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(chunk)
    return h.hexdigest()

def digests(files):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(digest, files))
""",
        """\
class ThreadPoolExecutor:
    def map(self, fn, items):
        return [fn(item) for item in items]

def square_all(rows):
    return [sum(x * x for x in row) for row in rows]

pool = ThreadPoolExecutor()
pool.map(square_all, [[1, 2], [3]])
""",
        """\
from concurrent.futures import ThreadPoolExecutor

def save(rows, path):
    with open(path, "w") as out:
        for row in rows:
            out.write(",".join(row))

def save_all(jobs):
    with ThreadPoolExecutor() as pool:
        for rows, path in jobs:
            pool.submit(save, rows, path)
""",
    ),
)

_POOLS = (
    "concurrent.futures.ThreadPoolExecutor()",
    "concurrent.futures.thread.ThreadPoolExecutor()",
    "multiprocessing.pool.ThreadPool()",
    "multiprocessing.dummy.Pool()",
)
_SUBMITS = frozenset(
    {"submit", "map", "imap", "imap_unordered", "apply", "apply_async", "map_async",
     "starmap", "starmap_async"}
)  # fmt: skip
_PURE_BUILTINS = frozenset(
    {"abs", "all", "any", "bool", "divmod", "enumerate", "filter", "float", "int", "len",
     "list", "map", "max", "min", "pow", "range", "reversed", "round", "set", "sorted",
     "str", "sum", "tuple", "zip", "dict", "frozenset", "isinstance", "ord", "chr", "hash"}
)  # fmt: skip
_PURE_METHODS = frozenset(
    {"append", "extend", "add", "get", "items", "keys", "values", "update", "split",
     "join", "strip", "lower", "upper", "replace", "startswith", "endswith", "pop",
     "setdefault", "copy", "sort", "count", "index", "insert", "remove", "discard"}
)  # fmt: skip
_LOOPS = (ast.For, ast.While, ast.comprehension)
_IMPURE = (ast.With, ast.AsyncWith, ast.Await, ast.Yield, ast.YieldFrom)


@RULE.on(ast.Call)
def check(checker, node: ast.Call) -> None:
    func = node.func
    if not isinstance(func, ast.Attribute) or func.attr not in _SUBMITS or not node.args:
        return
    model = checker.semantic
    pool = model.resolve(func.value)
    if pool is None or not pool.startswith(_POOLS):
        return
    target = _local_def(model, node.args[0])
    if target is not None and _pure_cpu(model, target, set()):
        checker.report(
            RULE,
            node,
            f"`{target.name}` does pure-Python CPU work and no I/O, but runs on a thread "
            "pool: the GIL lets one thread run at a time, so it gets no parallelism; use a "
            "`ProcessPoolExecutor`",
        )
        return
    name = model.resolve(node.args[0])
    if isinstance(node.args[0], (ast.Name, ast.Attribute)) and project_callee(name):
        # a method, a function of another module, or one whose calls the file cannot
        # judge: what it reaches is the project index's to say
        add_pending(checker, node, "cpu_pool", callee=name, text=unparse_short(node.args[0], 40))


_WAITS = Effect.READ | Effect.WRITE | Effect.COMMIT | Effect.REMOTE | Effect.POOL | Effect.BLOCKING
_DEPTH = 6  # calls followed from the submitted function
_MAX_FUNCTIONS = 400


@RULE.on_project("cpu_pool")
def check_reach(index: ProjectIndex, pending: dict[str, Any]) -> list:
    """The submitted function, and every project function it reaches, neither waits nor
    calls C code that releases the GIL, and one of them loops in Python."""
    looping = cpu_bound(index, pending["callee"])
    if looping is None:
        return []
    text = pending["text"]
    where = "" if looping == "" else f" (the loop in `{looping.rsplit('.', 1)[-1]}`)"
    return [
        (
            f"`{text}` runs pure-Python work{where} and reaches no I/O and no C code that "
            "releases the GIL, but runs on a thread pool: the GIL lets one thread run at a "
            "time, so it gets no parallelism; use a `ProcessPoolExecutor`",
            None,
            None,
        )
    ]


def cpu_bound(index: ProjectIndex, name: str) -> str | None:
    """The function that loops (its key) when ``name`` and what it reaches do CPU work
    only; None when something waits, releases the GIL, or nothing loops. Calls the index
    cannot follow (a receiver of unknown type, a third-party package not known to wait or
    release the GIL) are taken as CPU work: the pool is the evidence of intent."""
    start = index.function_facts(name)
    if start is None:
        return None
    seen = {start[0]}
    queue = deque([(start, 0)])
    looping = None
    while queue:
        (key, effects, bits, callees), depth = queue.popleft()
        if effects & _WAITS.value or bits & (IO | NATIVE):
            return None
        if bits & LOOPS and looping is None:
            looping = key
        for callee in callees:
            if name_cpu_bits(callee) or index.summary_effects(callee) & _WAITS:
                return None
            found = index.function_facts(callee)
            if found is not None and found[0] not in seen and depth < _DEPTH:
                if len(seen) >= _MAX_FUNCTIONS:
                    return None  # too much to tell
                seen.add(found[0])
                queue.append((found, depth + 1))
    return looping


def _local_def(model, node: ast.expr) -> ast.FunctionDef | None:
    if not isinstance(node, ast.Name):
        return None
    binding = model.lookup(node.id)
    if binding is None or binding.kind is not BindingKind.FUNCTION:
        return None
    return binding.node if isinstance(binding.node, ast.FunctionDef) else None


def _pure_cpu(model, function: ast.FunctionDef, seen: set[str]) -> bool:
    """The body loops, and every call in it is known to be pure Python."""
    seen.add(function.name)
    loops = False
    for node in ast.walk(function):
        if isinstance(node, _LOOPS):
            loops = True
        elif isinstance(node, _IMPURE) or (
            isinstance(node, ast.Call) and not _pure_call(model, node, seen)
        ):
            return False
    return loops


def _pure_call(model, call: ast.Call, seen: set[str]) -> bool:
    func = call.func
    name = model.resolve(func)
    if name is not None:
        if name.startswith("builtins."):
            return name[len("builtins.") :] in _PURE_BUILTINS
        if name.startswith("math."):
            return True
    if isinstance(func, ast.Attribute):
        return name is None and func.attr in _PURE_METHODS
    if isinstance(func, ast.Name):
        if func.id in seen:
            return True
        helper = _local_def(model, func)
        return helper is not None and _pure_cpu_or_simple(model, helper, seen)
    return False


def _pure_cpu_or_simple(model, function: ast.FunctionDef, seen: set[str]) -> bool:
    seen.add(function.name)
    return all(
        _pure_call(model, node, seen) for node in ast.walk(function) if isinstance(node, ast.Call)
    ) and not any(isinstance(node, (ast.With, ast.Await)) for node in ast.walk(function))
