"""## What it does
Finds a file opened in append mode on every loop pass (`open(path, "a")`,
`Path(...).open("a")`), and a file `flush()` or an `os.fsync()` / `os.fdatasync()` on
every loop pass.

`open`, `os.fsync` and `pathlib.Path` are matched by qualified name (resolved through
imports); `flush()` counts only on a file object this file opened (`f = open(...)`,
`with open(...) as f`), so a Kafka producer's or an ORM session's `flush()` is never
taken for one.

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
`if` or `try` of the loop body (it would run even when no item needs the file); a `while` or
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
from throughlint.semantic.expressions import call_argument
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
    if loop is None or is_batch_loop(loop):
        return
    name = checker.semantic.resolve(node.func)
    if name in _OPENS or name in _PATH_OPENS:
        position = 0 if name in _PATH_OPENS else 1
        mode = call_argument(node, position, "mode")
        if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and "a" in mode.value:
            checker.report(
                RULE,
                node,
                f"a file opened for append on every pass of {_loop(loop)}: an open, "
                "a close and a buffer flush per item; open it once before the loop",
                hoist_open(checker.semantic, node, loop, mode.value),
            )
        return
    if batch_guarded(node, loop):
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


def _loop(loop: Loop) -> str:
    """``the loop over `rows` ``; ``the `while` loop`` (not "every pass of each pass")."""
    return describe_loop(loop).removeprefix("each pass of ")
