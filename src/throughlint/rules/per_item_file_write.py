"""## What it does
Finds a file opened in append mode on every loop pass (`open(path, "a")`,
`Path(...).open("a")`), and a file `flush()` or an `os.fsync()` / `os.fdatasync()` on
every loop pass.

`open`, `os.fsync` and `pathlib.Path` are matched by qualified name (resolved through
imports); `flush()` counts only on a file object this file opened (`f = open(...)`,
`with open(...) as f`), so a Kafka producer's or an ORM session's `flush()` is never
taken for one.

A mode chosen at run time with an append branch (`"w" if overwrite else "a"`) counts as
append. Outside a loop, a file opened for append at the top of a writer's `write(self,
...)` or a logging handler's `emit(self, record)` method is reported too: that method is
called once per line or record written (a lazy open, `if self._file is None:`, is not;
nor a method that iterates its argument, `def write(self, batch): for row in batch:`).

A loop over batches (`for chunk in chunks(rows, 500)`) is already the batched form and is
not reported, except a flush or sync after writing each piece of a stream whole
(`for chunk in response.iter_content(1024): f.write(chunk); f.flush()`).

## Why it hurts throughput
Opening a file is a few system calls (path lookup, permission check, a new descriptor)
and closing it flushes its buffer: per record, that is several syscalls where buffered
writes cost none. `flush()` per record turns buffered I/O into one `write()` syscall per
record, and `fsync()` per record waits for the disk each time, capping the loop at the
device's sync rate (hundreds per second on many disks).

An `fsync()` per record is sometimes the durability contract (a write-ahead log); then
suppress the finding, or sync every N records.

## Example
```python
def export(events, path):
    for event in events:
        with open(path, "a") as out:
            out.write(event.to_json() + "\\n")
```

## Use instead
```python
def export(events, path):
    with open(path, "a") as out:
        for event in events:
            out.write(event.to_json() + "\\n")
```

## Fix safety
Unsafe fix (`--unsafe-fixes`), for an open that is a statement of the innermost `for`
loop's body: `with open(path, "a") as f:` moves around the loop, and so does
`f = open(path, "a")` with its `f.close()` (it becomes the same `with`). The other
statements of the body stay in the loop, in order. What changes:

- lines reach the file when the loop ends (or a buffer fills), not after each item: a
  crash or kill mid-loop loses the buffered lines, and another process (or code the loop
  calls that opens the same file by another name) sees them later. A Python exception
  closes the `with` and flushes them, as before;
- the file is opened before the loop's input is iterated: it is created, empty, even
  when there are no items, and an `open()` error is raised even then. A guard such as
  `if rows:` cannot be added in general (an iterator has no length), so the fix does not
  try.

It is declined, with the reason, when the rewrite would change more: an open inside an
`if` or `try` of the loop body (it would run even when no item needs the file); a pass
that can end between `f = open(...)` and `f.close()` (`break`, `continue`, `return`,
`raise`: the file left open is flushed when it is collected, after later writes); a `while` or
`async for` loop, an `await` in the loop or a generator function (the file would stay
open, unflushed, while the loop waits); a mode other than plain append (`a`, `ab`,
`at`); a path or argument that reads a name the loop binds, something it assigns into,
or a function call other than path arithmetic (`os.path.join`, `Path`, `str`); a file
object used other than to write to it (`write`, `writelines`, `flush`,
`os.fsync(f.fileno())`, `print(..., file=f)`, `json.dump(x, f)`, a `csv.writer(f)` /
`csv.DictWriter(f, ...)` that only writes rows in the loop), read outside the loop or
used in a function defined in the loop; another `open()` in the loop or its input, an
`os` / `shutil` / `subprocess` / `pathlib` file operation in the loop, or a call the path
is passed to (`upload(path)`); a path name that a function declares `global` or
`nonlocal` (a call in the loop may re-point it). Other code the loop calls is taken not
to change the path: a method of the object it is read from (`self.flush_all()` with
`open(self.path, "a")`), a helper that changes a dict the path reads; and an attribute
that is a property computed on each read is taken as a value.

Measured (`bench/append_open.py`): 20,000 JSON lines to a file on ext4, about 20,000-30,000
rows/s with an open per row and 85,000-130,000 with one open: 4.0x-6.1x (2 shared CPUs).

## Options
None.

## References
- https://docs.python.org/3/library/functions.html#open
- https://docs.python.org/3/library/os.html#os.fsync
"""

from __future__ import annotations

import ast

from throughlint.fixes.hoist_open_offer import hoist_open
from throughlint.rules.base import FixAvailability, Rule
from throughlint.semantic.batching import batch_guarded
from throughlint.semantic.expressions import call_argument, source_text
from throughlint.semantic.loops import Loop, describe_loop, is_batch_loop

RULE = Rule(
    code="TL501",
    name="per-item-file-write",
    summary="A file opened for append, flushed or fsynced on every loop pass",
    triggers=("open", "flush", "fsync", "fdatasync"),
    preview=True,
    fix=FixAvailability.SOMETIMES,
    doc=__doc__ or "",
    bad=(
        """\
def export(events, path):
    for event in events:
        with open(path, "a") as out:  # expect: TL501
            out.write(event.to_json() + "\\n")
""",
        """\
import os

def log_all(records, path):
    with open(path, "ab") as journal:
        for record in records:
            journal.write(record)
            journal.flush()  # expect: TL501
            os.fsync(journal.fileno())  # expect: TL501
""",
        """\
from pathlib import Path

def append_lines(lines, target: str):
    for line in lines:
        with Path(target).open(mode="a") as handle:  # expect: TL501
            handle.write(line)
""",
    ),
    good=(
        """\
import os

def log_all(records, path):
    with open(path, "ab") as journal:
        for record in records:
            journal.write(record)
        journal.flush()
        os.fsync(journal.fileno())
""",
        """\
def export(events, path):
    with open(path, "a") as out:
        out.writelines(event.to_json() + "\\n" for event in events)
""",
    ),
    near_miss=(
        """\
def split(rows, folder):
    for name, row in rows.items():
        with open(f"{folder}/{name}.csv", "w") as out:
            out.write(row)
""",
        """\
def produce(producer, messages):
    for message in messages:
        producer.send("topic", message)
        producer.flush()
""",
        """\
def open(path, mode):
    return None

def export(events, path):
    for event in events:
        open(path, "a")
""",
        """\
def export(events, path):
    with open(path, "a") as out:
        for i, event in enumerate(events):
            out.write(event)
            if i % 1000 == 0:
                out.flush()
""",
        """\
def touch_all(path):
    for name in ("a", "b", "c"):
        open(path + name, "a").close()
""",
    ),
)

_OPENS = frozenset({"builtins.open", "io.open", "codecs.open"})
_PATH_OPENS = frozenset({"pathlib.Path().open", "pathlib.PurePath().open"})
_SYNCS = frozenset({"os.fsync", "os.fdatasync"})
_FILES = frozenset({"builtins.open()", "io.open()", "codecs.open()", "pathlib.Path().open()"})


@RULE.on(ast.Call)
def check(checker, node: ast.Call) -> None:
    loop = checker.semantic.hot_loop(include_while=True)
    name = checker.semantic.resolve(node.func)
    if name in _OPENS or name in _PATH_OPENS:
        position = 0 if name in _PATH_OPENS else 1
        mode = call_argument(node, position, "mode")
        if not _appends(mode):
            return
        if loop is None:
            method = _stream_method(checker, node)
            if method is not None:
                checker.report(
                    RULE,
                    node,
                    f"a file opened for append on every call of `{method}()`, a stream's "
                    "write method (called once per line or record written): an open, a "
                    "close and a buffer flush per item; open the file once and keep it",
                )
        elif not is_batch_loop(loop):
            checker.report(
                RULE,
                node,
                f"a file opened for append on every pass of {_loop(loop)}: an open, "
                "a close and a buffer flush per item; open it once before the loop",
                hoist_open(checker.semantic, node, loop, _mode_text(mode)),
            )
        return
    if loop is None:
        return
    batch = is_batch_loop(loop)
    if batch_guarded(checker.semantic, loop) or (batch and not _streams_items(checker, loop)):
        return
    if name in _SYNCS:
        checker.report(
            RULE,
            node,
            f"`{name}()` on every pass of {_loop(loop)} waits for the disk once "
            "per item; sync once after the loop, or every N items",
        )
        return
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr == "flush"
        and checker.semantic.resolve(func.value) in _FILES
    ):
        checker.report(
            RULE,
            node,
            f"`flush()` on every pass of {_loop(loop)}: one write syscall per "
            "item instead of buffered writes; flush once after the loop",
        )


def _streams_items(checker, loop) -> bool:
    """``for chunk in response.iter_content(1024): f.write(chunk)``: the loop's item is
    written whole to a file this module opened, so it is a piece of a byte or text stream
    (a batch of records would be joined or iterated first), and a flush or sync after each
    one is per item. Worked out once per loop."""
    memo = checker.semantic.memo("tl501-streams")
    known = memo.get(loop.node)
    if known is None:
        known = memo[loop.node] = any(
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "write"
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in loop.target_names
            and checker.semantic.resolve(node.func.value) in _FILES
            for statement in getattr(loop.node, "body", ())
            for node in ast.walk(statement)
        )
    return known


def _mode_text(mode: ast.expr | None) -> str:
    """The mode as the fix's preconditions read it: a literal's value, else its source
    (``'w' if overwrite else 'a'`` is not plain append, so the hoist is declined)."""
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str):
        return mode.value
    return source_text(mode) if mode is not None else "r"


def _appends(mode: ast.expr | None) -> bool:
    """A literal append mode (``"a"``, ``"ab"``), or one chosen at run time with an append
    branch (``"w" if overwrite else "a"``: after the first pass, it appends)."""
    if isinstance(mode, ast.IfExp):
        return _appends(mode.body) or _appends(mode.orelse)
    return isinstance(mode, ast.Constant) and isinstance(mode.value, str) and "a" in mode.value


_STREAM_METHODS = frozenset({"write", "emit"})


def _stream_method(checker, node: ast.Call) -> str | None:
    """``def write(self, s): with open(self.path, "a") as f: ...``: the method a file-like
    writer (``write``) or a logging handler (``emit``) is called through once per piece of
    output, opening the file at its top level (not only on a first call). Its name, or
    None."""
    function = checker.semantic.function
    if (
        not isinstance(function, ast.FunctionDef)
        or function.name not in _STREAM_METHODS
        or not function.args.args
        or function.args.args[0].arg != "self"
        or _writes_a_batch(function)
    ):
        return None
    for statement in function.body:
        if isinstance(statement, ast.With):
            values = [item.context_expr for item in statement.items]
        elif isinstance(statement, (ast.Expr, ast.Assign)):
            values = [statement.value]
        else:
            continue
        if any(node is value or _receiver_is(value, node) for value in values):
            return function.name
    return None


def _writes_a_batch(function: ast.FunctionDef) -> bool:
    """``def write(self, batch): ... for item in batch:``: each call writes a collection
    (a sink's batch of rows), so the open is once per batch, not per item."""
    parameters = {arg.arg for arg in function.args.args[1:]}
    return any(
        isinstance(node, (ast.For, ast.comprehension))
        and isinstance(node.iter, ast.Name)
        and node.iter.id in parameters
        for node in ast.walk(function)
    )


def _receiver_is(value: ast.expr, node: ast.Call) -> bool:
    """``open(path, "a").write(s)``: the open is the receiver of the statement's call."""
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.value is node
    )


def _loop(loop: Loop) -> str:
    """``the loop over `rows` ``; ``the `while` loop`` (not "every pass of each pass")."""
    return describe_loop(loop).removeprefix("each pass of ")
