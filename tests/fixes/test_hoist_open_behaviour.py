"""The TL501 fix (an append-mode ``open()`` hoisted out of its loop), proven on real
files: hypothesis writes programs inside the fix's preconditions (both forms, the mode,
``encoding`` / ``newline``, statements before and after, ``break`` / ``continue`` /
``return`` / ``raise`` at either place, an existing file or none), fixes them, runs the
original and the fixed program on the same items in ``tmp`` folders and compares the
files' final bytes, the returned value and the exception.

The one difference allowed is the documented one: when the original never opened the
file (no items, or the loop left before its first open), the fixed program has created
it empty. What makes the fix unsafe is measured, not assumed: a process killed mid-loop
keeps every line in the original and loses the buffered ones in the fixed program.

Programs just outside the preconditions (the path depends on the item, the file is
reopened in ``w`` mode, read, removed or handed to a helper in the loop) are declined,
with the reason; the same rewrite forced on them changes the file's bytes, which is why
they are declined."""

from __future__ import annotations

import ast
import dataclasses
import gc
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from fix_support import fix_source
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from throughlint.engine import lint_text
from throughlint.fixes import HOIST_OPEN
from throughlint.fixes.base import apply_fixes
from throughlint.settings import Settings

PREVIEW = Settings(preview=True)
SLOW = bool(os.environ.get("THROUGHLINT_SLOW"))

WITH_FORM = """\
import json


def export(events, path):
    # one line per event
    for event in events:  # each event
        line = json.dumps(event)
        # the rejects file
        with open(path, "a", encoding="utf-8") as out:  # append
            out.write(line + "\\n")  # the line
            # nothing else
        print("exported", event)
    return len(events)
"""

WITH_FORM_FIXED = """\
import json


def export(events, path):
    # one line per event
    # the rejects file
    with open(path, "a", encoding="utf-8") as out:  # append
        for event in events:  # each event
            line = json.dumps(event)
            out.write(line + "\\n")  # the line
            # nothing else
            print("exported", event)
    return len(events)
"""

ASSIGNED = """\
def export(events, path):
    for event in events:
        # opened per event
        out = open(path, "ab")  # binary
        out.write(event)
        out.close()  # closed per event
"""

ASSIGNED_FIXED = """\
def export(events, path):
    # opened per event
    with open(path, "ab") as out:  # binary
        for event in events:
            out.write(event)
            # closed per event
"""


ONE_LINE = """\
def export(lignes, chemin):
    for ligne in lignes:
        journal_é = open(chemin, "a", encoding="utf-8")  # « journal »
        journal_é.write(ligne)
        journal_é.close()
    for ligne in lignes:
        with open(chemin + ".bak", "a") as copie: copie.write(ligne)
"""

ONE_LINE_FIXED = """\
def export(lignes, chemin):
    with open(chemin, "a", encoding="utf-8") as journal_é:  # « journal »
        for ligne in lignes:
            journal_é.write(ligne)
    with open(chemin + ".bak", "a") as copie:
        for ligne in lignes:
            copie.write(ligne)
"""


def _tl501(source: str, settings: Settings = PREVIEW):
    return [d for d in lint_text(source, "example.py", settings) if d.code == "TL501"]


@pytest.mark.parametrize(
    ("before", "after"),
    [(WITH_FORM, WITH_FORM_FIXED), (ASSIGNED, ASSIGNED_FIXED), (ONE_LINE, ONE_LINE_FIXED)],
    ids=["with", "assigned", "non-ascii-and-one-line"],
)
def test_the_open_moves_around_the_loop_keeping_comments(before, after):
    item = fix_source(before, unsafe=True, settings=PREVIEW)
    assert item.error is None
    assert item.fixed == after
    assert len(item.applied) == before.count("open(")
    ast.parse(item.fixed)
    assert not _tl501(item.fixed)  # the open is no longer per item
    again = fix_source(item.fixed, unsafe=True, settings=PREVIEW)
    assert again.fixed == item.fixed and not again.applied


def test_the_fix_is_unsafe_and_preview_only():
    (diagnostic,) = _tl501(WITH_FORM)
    assert diagnostic.fix is not None and diagnostic.fix.offered and not diagnostic.fix.safe
    assert "unsafe: lines reach the file when the loop ends" in diagnostic.fix.description
    assert fix_source(WITH_FORM, unsafe=False, settings=PREVIEW).fixed == WITH_FORM
    assert fix_source(WITH_FORM, unsafe=True).fixed == WITH_FORM  # no --preview: no TL501


def test_nested_loops_converge_on_one_open_around_both():
    source = textwrap.dedent(
        """\
        def export(groups, path):
            for group in groups:
                for event in group:
                    with open(path, "a") as out:
                        out.write(event)
        """
    )
    item = fix_source(source, unsafe=True, settings=PREVIEW)
    assert item.fixed == textwrap.dedent(
        """\
        def export(groups, path):
            with open(path, "a") as out:
                for group in groups:
                    for event in group:
                        out.write(event)
        """
    )
    assert fix_source(item.fixed, unsafe=True, settings=PREVIEW).fixed == item.fixed


@pytest.mark.parametrize(
    "body",
    [
        "with open(path, 'a') as out, open(other) as more:\n            out.write(more.read())",
        "out = log = open(path, 'a')\n        out.write(item)\n        out.close()",
        "out = open(path, 'a')\n        out.write(item)",  # no close: left to the collector
        "out = open(path, 'a'); out.write(item); out.close()",  # one line: not moved whole
    ],
)
def test_other_shapes_get_no_fix(body):
    source = f"def f(items, path, other):\n    for item in items:\n        {body}\n"
    (diagnostic,) = _tl501(source)
    assert diagnostic.fix is None, diagnostic.fix


def test_the_while_loop_message_reads_once():
    source = "def tail(q, path):\n    while True:\n        with open(path, 'a') as f:\n"
    source += "            f.write(q.get())\n"
    (diagnostic,) = _tl501(source)
    assert "on every pass of the `while` loop" in diagnostic.message
    assert "each pass of" not in diagnostic.message


def test_the_command_line_fixes_the_file_and_says_why_it_declines_one(tmp_path):
    target = tmp_path / "export.py"
    declined = "\n\ndef per_item(events, folder):\n    for event in events:\n"
    declined += '        with open(folder + event, "a") as out:\n            out.write(event)\n'
    target.write_text(WITH_FORM + declined)
    completed = subprocess.run(
        [sys.executable, "-m", "throughlint", "--preview", "--fix", "--unsafe-fixes",
         "--no-cache", "--verbose", str(target)],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    output = completed.stdout + completed.stderr
    assert target.read_text() == WITH_FORM_FIXED + declined, output
    assert "fix declined: the path reads `event`, which the loop binds" in output


# --- declined, with the reason ----------------------------------------------------------

DECLINED = {
    "conditional": (
        "def f(items, path):\n    for item in items:\n        if not item:\n"
        "            with open(path, 'a') as out:\n                out.write(repr(item))\n",
        "the open is inside a block of the loop body",
    ),
    "csv_writer_kept": (
        "import csv\n\n\ndef f(items, path, kept):\n    for item in items:\n"
        "        with open(path, 'a') as out:\n            writer = csv.writer(out)\n"
        "            kept.append(writer)\n",
        "`writer` is used other than to write to it",
    ),
    "file_is_target": (
        "def f(items, path):\n    for out in items:\n"
        "        with open(path, 'a') as out:\n            out.write('x')\n",
        "`out` is also the loop's target",
    ),
    "while": (
        "def f(q, path):\n    while True:\n        item = q.get()\n"
        "        with open(path, 'a') as out:\n            out.write(item)\n",
        "a `while` loop may run as long as the process",
    ),
    "await": (
        "async def f(items, path):\n    for item in items:\n        await other(item)\n"
        "        with open(path, 'a') as out:\n            out.write(item)\n",
        "the loop awaits",
    ),
    "generator": (
        "def f(items, path):\n    for item in items:\n"
        "        with open(path, 'a') as out:\n            out.write(item)\n        yield item\n",
        "the loop is in a generator",
    ),
    "plus_mode": (
        "def f(items, path):\n    for item in items:\n"
        "        with open(path, 'a+') as out:\n            out.write(item)\n",
        'mode "a+" is not plain append',
    ),
    "path_per_item": (
        "def f(items, folder):\n    for item in items:\n"
        "        with open(folder + item, 'a') as out:\n            out.write(item)\n",
        "the path reads `item`, which the loop binds",
    ),
    "path_calls": (
        "def f(items):\n    for item in items:\n"
        "        with open(log_name(), 'a') as out:\n            out.write(item)\n",
        "the path calls `log_name()`",
    ),
    "path_assigned": (
        "def f(self, items):\n    for item in items:\n"
        "        with open(self.path, 'a') as out:\n            out.write(item)\n"
        "        self.path = item\n",
        "the loop assigns `self.path`, which the path reads",
    ),
    "path_mutated": (
        "def f(items, paths):\n    for item in items:\n"
        "        with open(paths[0], 'a') as out:\n            out.write(item)\n"
        "        paths.pop()\n",
        "the loop calls a method of `paths`, which the path reads",
    ),
    "path_nonlocal": (
        "def f(items, path):\n    def rotate():\n        nonlocal path\n"
        "        path = path + '.1'\n\n    for item in items:\n"
        "        with open(path, 'a') as out:\n            out.write(item)\n        rotate()\n",
        "the path reads `path`, which a function declares `global` or `nonlocal`",
    ),
    "escapes": (
        "def f(items, path, kept):\n    for item in items:\n"
        "        with open(path, 'a') as out:\n            kept.append(out)\n",
        "`out` is used other than to write to it",
    ),
    "read_after": (
        "def f(items, path):\n    for item in items:\n"
        "        with open(path, 'a') as out:\n            out.write(item)\n    return out.name\n",
        "`out` is read outside the loop",
    ),
    "closure": (
        "def f(items, path):\n    for item in items:\n"
        "        with open(path, 'a') as out:\n            write = lambda: out.write(item)\n"
        "            write()\n",
        "`out` is used in a function defined in the loop",
    ),
    "reopened_w": (
        "def f(items, path):\n    for item in items:\n"
        "        with open(path, 'a') as out:\n            out.write(item)\n"
        "        if item == 'reset':\n            with open(path, 'w') as again:\n"
        "                again.write('')\n",
        "the loop also opens a file (`open(path, 'w')`)",
    ),
    "read_in_loop": (
        "from pathlib import Path\n\n\ndef f(items, path):\n    for item in items:\n"
        "        with open(path, 'a') as out:\n            out.write(item)\n"
        "        print(Path(path).read_text())\n",
        "the loop calls `Path(path).read_text()`",
    ),
    "removed": (
        "import os\n\n\ndef f(items, path):\n    for item in items:\n"
        "        with open(path, 'a') as out:\n            out.write(item)\n"
        "        os.remove(path)\n",
        "the loop calls `os.remove(path)`",
    ),
    "mode_chosen_at_run_time": (
        "def f(items, path, overwrite):\n    for item in items:\n"
        "        with open(path, 'w' if overwrite else 'a') as out:\n            out.write(item)\n",
        "is not plain append",
    ),
    "helper_gets_path": (
        "def f(items, path):\n    for item in items:\n"
        "        with open(path, 'a') as out:\n            out.write(item)\n"
        "        upload(path)\n",
        "the loop passes the path to `upload(path)`",
    ),
}


@pytest.mark.parametrize("case", sorted(DECLINED))
def test_declined_with_the_reason(case):
    source, reason = DECLINED[case]
    (diagnostic,) = _tl501(source)
    assert diagnostic.fix is not None and not diagnostic.fix.offered
    assert reason in diagnostic.fix.declined, diagnostic.fix.declined
    assert fix_source(source, unsafe=True, settings=PREVIEW).fixed == source


# --- differential: original and fixed programs on real files ----------------------------

CONTROLS = {
    "none": "",
    "break": "if item == 'stop':\n    break",
    "continue": "if item == 'skip':\n    continue",
    "return": "if item == 'stop':\n    return 'early'",
    "raise": "if item == 'boom':\n    raise ValueError(item)",
}
OPENS = {
    # mode and arguments, how an item is written
    "text": ("'a'", "{f}.write(item + '\\n')"),
    "utf8": ("'a', encoding='utf-8'", "{f}.write(item + '\\n')"),
    "newline": ("mode='at', newline='\\r\\n', encoding='utf-8'", "print(item, file={f})"),
    "lines": ("'a', encoding='utf-8'", "{f}.writelines([item, '\\n'])"),
    "binary": ("'ab'", "{f}.write(item.encode('utf-8') + b'\\n')"),
    "csv": ("'a', newline='', encoding='utf-8'", "csv.writer({f}).writerow([item, len(item)])"),
    "csv_writer": (
        "'a', newline=''",
        "writer = csv.DictWriter({f}, ['item'])\nwriter.writerow({{'item': item}})",
    ),
}


@dataclasses.dataclass(frozen=True)
class Program:
    text: str
    # False: a pass can end between ``out = open(...)`` and ``out.close()``, which leaves
    # the file to be flushed when collected, out of order with later writes: declined
    hoisted: bool = True


@st.composite
def programs(draw) -> Program:
    form = draw(st.sampled_from(["with", "assign"]))
    mode, write = OPENS[draw(st.sampled_from(sorted(OPENS)))]
    before = CONTROLS[draw(st.sampled_from(sorted(CONTROLS)))]
    inside = CONTROLS[draw(st.sampled_from(sorted(CONTROLS)))]
    after = draw(st.sampled_from(["", "seen.append(item)"]))
    body = [line for line in before.splitlines()]
    body.append("label = item.upper()")
    writes = write.format(f="out").splitlines()
    if form == "with":
        body.append(f"with open(path, {mode}) as out:")
        body += [f"    {line}" for line in [*writes, *inside.splitlines()]]
    else:
        body += [f"out = open(path, {mode})", *writes, *inside.splitlines()]
        body.append("out.close()")
    if after:
        body.append(after)
    text = "import csv\n\nseen = []\n\n\ndef export(items, path):\n    for item in items:\n"
    text += "".join(f"        {line}\n" for line in body)
    text += "    return len(seen)\n"
    return Program(text, hoisted=form == "with" or not inside)


items = st.lists(st.sampled_from(["a", "bb", "é", "", "stop", "skip", "boom"]), max_size=6)


def _run(text: str, data: list[str], existing: bytes | None) -> tuple[object, bytes | None]:
    space: dict = {}
    exec(compile(text, "program.py", "exec"), space)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.log"
        if existing is not None:
            path.write_bytes(existing)
        try:
            outcome: object = space["export"](list(data), str(path))
        except Exception as exc:  # the program's own failure is part of its behaviour
            outcome = type(exc).__name__
        gc.collect()  # a file the original left open on an exception is closed, as CPython would
        return outcome, (path.read_bytes() if path.exists() else None)


@settings(
    max_examples=150 if SLOW else 40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(programs(), st.lists(items, min_size=1, max_size=3), st.sampled_from([None, b"old\n"]))
def test_fixed_programs_leave_the_same_bytes(program, datasets, existing):
    fixed = fix_source(program.text, unsafe=True, settings=PREVIEW).fixed
    if not program.hoisted:
        assert fixed == program.text, fixed
        return
    assert fixed != program.text and fixed.index("with open(") < fixed.index("for item"), (
        program.text,
        fixed,
    )
    for data in datasets:
        before = _run(program.text, data, existing)
        after = _run(fixed, data, existing)
        if before[1] is None:  # the original never opened it: the documented difference
            assert after == (before[0], b""), (program.text, fixed, data)
        else:
            assert after == before, (program.text, fixed, data)


RAISING = {
    "with": (
        "def export(items, path):\n    for item in items:\n"
        "        with open(path, 'a') as out:\n            out.write(item)\n"
        "            if item == 'boom':\n                raise ValueError(item)\n"
        "            out.write('\\n')\n"
    ),
    "assigned": (
        "def export(items, path):\n    for item in items:\n"
        "        out = open(path, 'a')\n        out.write(item)\n"
        "        if item == 'boom':\n            raise ValueError(item)\n"
        "        out.write('\\n')\n        out.close()\n"
    ),
}


def test_an_exception_mid_loop_leaves_the_same_bytes():
    """A Python exception out of a ``with`` is not the unsafe case: the ``with`` closes
    (and flushes) the file as the exception leaves it, in the original and in the fix.
    Both keep the lines before it and the half-written one."""
    text = RAISING["with"]
    fixed = fix_source(text, unsafe=True, settings=PREVIEW).fixed
    assert fixed.index("with open(") < fixed.index("for item"), fixed
    data = ["a", "b", "boom", "c"]
    assert _run(text, data, None) == _run(fixed, data, None) == ("ValueError", b"a\nb\nboom")


def test_an_exception_before_the_close_declines_the_fix():
    """``out = open(...)`` ... ``raise`` ... ``out.close()``: the original's file, left open
    by the raise, is flushed when it is collected, after anything the caller writes to it
    meanwhile; the fix would flush it first. Declined."""
    text = RAISING["assigned"]
    assert fix_source(text, unsafe=True, settings=PREVIEW).fixed == text


def test_an_empty_input_creates_the_file_only_after_the_fix():
    fixed = fix_source(WITH_FORM, unsafe=True, settings=PREVIEW).fixed
    assert _run(WITH_FORM, [], None) == (0, None)
    assert _run(fixed, [], None) == (0, b"")
    assert _run(WITH_FORM, [], b"x\n") == _run(fixed, [], b"x\n") == (0, b"x\n")


CRASHING = """\
import os
import sys


def export(items, path):
    for item in items:
        if item == "crash":
            os._exit(3)
        with open(path, "a") as out:
            out.write(item + "\\n")


export(sys.argv[2].split(","), sys.argv[1])
"""


@pytest.mark.parametrize("count", [3, 2000])
def test_a_process_killed_mid_loop_loses_the_buffered_lines(tmp_path, count):
    """The unsafe part, measured: killed after ``count`` items, the original has written
    every line and the fixed program only what its buffer had flushed (none for 3 short
    lines; for 2,000 a prefix, cut at a buffer boundary)."""
    fixed = fix_source(CRASHING, unsafe=True, settings=PREVIEW).fixed
    assert "with open(path" in fixed.split("for item")[0]
    data = ",".join([*(f"line{n}" for n in range(count)), "crash", "after"])
    results = []
    for name, text in (("original", CRASHING), ("fixed", fixed)):
        script = tmp_path / f"{name}.py"
        script.write_text(text)
        target = tmp_path / f"{name}.log"
        code = subprocess.run([sys.executable, str(script), str(target), data], check=False)
        assert code.returncode == 3
        results.append(target.read_bytes() if target.exists() else None)
    original, fixed_bytes = results
    assert original == "".join(f"line{n}\n" for n in range(count)).encode()
    assert fixed_bytes is not None and original.startswith(fixed_bytes)
    assert len(fixed_bytes) < len(original)
    if count == 3:
        assert fixed_bytes == b""


# --- just outside: the forced rewrite would change the bytes -----------------------------

OUTSIDE = {
    # (program, part of the reason it is declined, items whose final bytes the forced
    # hoist changes); each program writes under ``folder``
    "path_per_item": (
        "def export(items, folder):\n    for item in items:\n"
        "        with open(folder + '/' + item, 'a') as out:\n            out.write(item)\n",
        "the path reads `item`, which the loop binds",
        ["a", "b"],
    ),
    "reopened_w": (
        "def export(items, folder):\n    path = folder + '/out.log'\n    for item in items:\n"
        "        with open(path, 'a') as out:\n            out.write(item)\n"
        "        if item == 'reset':\n            with open(path, 'w') as again:\n"
        "                again.write('')\n",
        "the loop also opens a file (`open(path, 'w')`)",
        ["a", "reset", "b"],
    ),
    "read_in_loop": (
        "from pathlib import Path\n\n\ndef export(items, folder):\n"
        "    path = folder + '/out.log'\n    for item in items:\n"
        "        with open(path, 'a') as out:\n            out.write(item)\n"
        "        if Path(path).read_text() == 'ab':\n            return 'saw both'\n",
        "the loop calls `Path(path).read_text()`",
        ["a", "b"],
    ),
    "removed": (
        "import os\n\n\ndef export(items, folder):\n    path = folder + '/out.log'\n"
        "    for item in items:\n"
        "        with open(path, 'a') as out:\n            out.write(item)\n"
        "        if item == 'rotate':\n            os.remove(path)\n",
        "the loop calls `os.remove(path)`",
        ["a", "rotate", "b"],
    ),
    "path_nonlocal": (
        "def export(items, folder):\n    path = folder + '/out.log'\n\n"
        "    def rotate():\n        nonlocal path\n        path = path + '.1'\n\n"
        "    for item in items:\n"
        "        with open(path, 'a') as out:\n            out.write(item)\n        rotate()\n",
        "which a function declares `global` or `nonlocal`",
        ["a", "b"],
    ),
    "helper_gets_path": (
        "def size(path):\n    with open(path, 'rb') as handle:\n        return len(handle.read())\n"
        "\n\ndef export(items, folder):\n    path = folder + '/out.log'\n    sizes = []\n"
        "    for item in items:\n"
        "        with open(path, 'a') as out:\n            out.write(item)\n"
        "        sizes.append(size(path))\n    return sizes\n",
        "the loop passes the path to",
        ["a", "b"],
    ),
}


def _forced(text: str) -> str:
    """The hoist applied as if it had been offered."""
    (diagnostic,) = _tl501(text)
    assert diagnostic.fix is not None and diagnostic.fix.declined
    forced = dataclasses.replace(
        diagnostic, fix=dataclasses.replace(diagnostic.fix, kind=HOIST_OPEN, declined="")
    )
    fixed, outcome = apply_fixes(text, [forced], PREVIEW)
    assert outcome.applied
    return fixed


def _run_in_folder(text: str, data: list[str]) -> tuple[object, dict[str, bytes]]:
    space: dict = {}
    exec(compile(text, "program.py", "exec"), space)
    with tempfile.TemporaryDirectory() as folder:
        try:
            outcome = space["export"](data, folder)
        except Exception as exc:  # the program's own failure is part of its behaviour
            outcome = type(exc).__name__
        gc.collect()
        files = {name: Path(folder, name).read_bytes() for name in sorted(os.listdir(folder))}
        return outcome, files


@pytest.mark.parametrize("case", sorted(OUTSIDE))
def test_outside_the_preconditions_the_hoist_would_change_the_bytes(case):
    text, reason, data = OUTSIDE[case]
    (diagnostic,) = _tl501(text)
    assert reason in diagnostic.fix.declined, diagnostic.fix.declined
    assert fix_source(text, unsafe=True, settings=PREVIEW).fixed == text
    forced = _forced(text)
    assert forced != text
    assert _run_in_folder(text, data) != _run_in_folder(forced, data), forced
