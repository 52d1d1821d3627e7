"""Fuzzing: the engine and every rule survive any valid program (hypothesmith, and a
generator of loop-heavy programs full of the APIs the rules know); ``--fix
--unsafe-fixes`` yields code that parses and is stable; byte-level mutations of real files
give a clean TL000 or success, never an exception.

Bounded to a few seconds by default; ``THROUGHLINT_FUZZ_EXAMPLES=500`` runs longer.
"""

from __future__ import annotations

import ast
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from support.fuzzing import ALL_TRIGGERS, EXAMPLES, RULES, fuzz_settings

from throughlint.checker import INTERNAL_ERROR_CODE
from throughlint.engine import PARSE_ERROR_CODE, lint_text
from throughlint.project import lint_paths
from throughlint.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _assert_contained(diagnostics, text):
    internal = [d for d in diagnostics if d.code == INTERNAL_ERROR_CODE]
    assert not internal, f"{internal[0].message}\n--- program ---\n{text}"


# --- hypothesmith: any valid Python ---------------------------------------------------


@fuzz_settings(default=6)
@given(source=hypothesmith.from_grammar())
def test_rules_survive_any_program_from_the_grammar(source):
    text = ALL_TRIGGERS + source
    _assert_contained(lint_text(text, "fuzz.py", rules=RULES), text)


@fuzz_settings(default=3)
@given(source=hypothesmith.from_node())
def test_rules_survive_any_program_from_libcst_nodes(source):
    text = ALL_TRIGGERS + source
    _assert_contained(lint_text(text, "fuzz.py", rules=RULES), text)


# --- loop-heavy programs made of the APIs the rules know ------------------------------

IMPORTS = (
    "import queue",
    "from queue import Queue as Q, SimpleQueue",
    "import asyncio",
    "import threading",
    "from threading import Lock, RLock, Semaphore",
    "import multiprocessing as mp",
    "from multiprocessing import Pool",
    "from concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor",
    "import concurrent.futures as cf",
    "import os",
    "import sqlite3",
    "import requests",
    "import httpx",
    "import redis",
    "import boto3",
    "from django.db import models, transaction",
    "from django.core.cache import cache",
    "from sqlalchemy.orm import Session, relationship",
    "from myapp.models import Book, Author",
)
CALLEES = (
    "queue.Queue",
    "Q",
    "SimpleQueue",
    "queue.LifoQueue",
    "asyncio.Queue",
    "mp.Queue",
    "ThreadPoolExecutor",
    "ProcessPoolExecutor",
    "cf.ThreadPoolExecutor",
    "Pool",
    "mp.Pool",
    "os.cpu_count",
    "threading.Lock",
    "Lock",
    "asyncio.Lock",
    "Semaphore",
    "lock.acquire",
    "lock.release",
    "sqlite3.connect",
    "conn.cursor",
    "cursor.execute",
    "cursor.executemany",
    "conn.commit",
    "session.query",
    "session.get",
    "session.add",
    "session.commit",
    "session.flush",
    "session.execute",
    "Book.objects.get",
    "Book.objects.filter",
    "Book.objects.create",
    "Book.objects.all",
    "book.save",
    "book.author",
    "transaction.atomic",
    "requests.get",
    "requests.post",
    "requests.Session",
    "httpx.get",
    "redis.Redis",
    "r.get",
    "r.set",
    "cache.get",
    "cache.set",
    "boto3.client",
    "client.put_item",
    "client.send_message",
    "producer.send",
    "producer.flush",
    "es.index",
    "collection.find_one",
    "collection.insert_one",
    "asyncio.sleep",
    "asyncio.gather",
    "fetch",
    "self.client.get",
    "self._lock.acquire",
    "items.append",
    "print",
    "len",
    "range",
    "relationship",
    "models.ForeignKey",
    "executor.submit",
)
NAMES = (
    "item",
    "items",
    "books",
    "rows",
    "book",
    "i",
    "x",
    "conn",
    "cursor",
    "session",
    "q",
    "lock",
    "r",
    "self",
    "n",
    "_",
    "model",
    "model._attrs",
)
SQL = (
    "'SELECT * FROM t WHERE id = ?'",
    "'INSERT INTO t VALUES (?)'",
    "'UPDATE t SET a = 1'",
    "'DELETE FROM t'",
    "f'SELECT {x}'",
    "'select 1'",
    "sql",
)
LITERALS = (
    "0",
    "1",
    "-1",
    "4",
    "5",
    "100",
    "10 ** 6",
    "None",
    "True",
    "'x'",
    "[]",
    "()",
    "{}",
    "[1, 2]",
    "(1, 2, 3)",
    "range(3)",
    "range(n)",
    "os.cpu_count() * 4",
)


@st.composite
def expressions(draw, depth=0):
    kind = draw(st.integers(0, 9 if depth < 2 else 2))
    if kind == 0:
        return draw(st.sampled_from(NAMES))
    if kind == 1:
        return draw(st.sampled_from(LITERALS))
    if kind == 2:
        return draw(st.sampled_from(SQL))
    if kind <= 6:
        callee = draw(st.sampled_from(CALLEES))
        args = draw(st.lists(expressions(depth + 1), max_size=2))
        keywords = draw(
            st.lists(
                st.tuples(
                    st.sampled_from(("maxsize", "max_workers", "processes", "timeout", "id")),
                    expressions(depth + 1),
                ),
                max_size=2,
                unique_by=lambda pair: pair[0],
            )
        )
        extra = draw(st.sampled_from(("", "", "*args", "**kwargs")))
        parts = [*args, *(f"{key}={value}" for key, value in keywords)]
        if extra:
            parts.append(extra)
        return f"{callee}({', '.join(parts)})"
    if kind == 7:
        inner = draw(expressions(depth + 1))
        name = draw(st.sampled_from(NAMES[:8]))
        iterable = draw(expressions(depth + 1))
        shape = draw(
            st.sampled_from(
                (
                    "[{e} for {n} in {it}]",
                    "({e} for {n} in {it})",
                    "{{{n}: {e} for {n} in {it}}}",
                    "lambda {n}: {e}",
                )
            )
        )
        return shape.format(e=inner, n=name, it=iterable)
    if kind == 8:
        return f"await {draw(expressions(depth + 1))}"
    left, right = draw(expressions(depth + 1)), draw(expressions(depth + 1))
    shape = draw(
        st.sampled_from(
            (
                "({a}).attr",
                "{a}[{b}]",
                "{a} + {b}",
                "{a} if {b} else {a}",
                "({a}, {b})",
                "{a} % 100 == 0",
            )
        )
    )
    return shape.format(a=left, b=right)


@st.composite
def blocks(draw, indent=0, depth=0):
    pad = "    " * indent
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.integers(0, 11 if depth < 3 else 2))
        if kind == 0:
            target = draw(
                st.sampled_from(
                    (
                        "q",
                        "x",
                        "conn",
                        "cursor",
                        "session",
                        "pool",
                        "self._lock",
                        "lock",
                        "r",
                        "book",
                    )
                )
            )
            lines.append(f"{pad}{target} = {draw(expressions())}")
        elif kind <= 2:
            lines.append(f"{pad}{draw(expressions())}")
        elif kind <= 4:
            head = draw(st.sampled_from(("for", "for", "async for")))
            target = draw(st.sampled_from(("item", "book", "i", "(a, b)", "row")))
            iterable = draw(st.one_of(st.sampled_from(NAMES), expressions()))
            lines.append(f"{pad}{head} {target} in {iterable}:")
            lines.append(draw(blocks(indent + 1, depth + 1)))
            if draw(st.booleans()):
                lines.append(f"{pad}else:")
                lines.append(draw(blocks(indent + 1, depth + 1)))
        elif kind == 5:
            lines.append(f"{pad}while {draw(expressions())}:")
            lines.append(draw(blocks(indent + 1, depth + 1)))
        elif kind == 6:
            head = draw(st.sampled_from(("with", "with", "async with")))
            ctx = draw(expressions())
            alias = draw(st.sampled_from(("", " as conn", " as session", " as pool")))
            lines.append(f"{pad}{head} {ctx}{alias}:")
            lines.append(draw(blocks(indent + 1, depth + 1)))
        elif kind == 7:
            head = draw(st.sampled_from(("def", "async def")))
            params = draw(
                st.sampled_from(
                    (
                        "",
                        "self",
                        "self, items",
                        "books: list[Book]",
                        "model, rows",
                        "session: Session, *args, **kwargs",
                    )
                )
            )
            decorator = draw(st.sampled_from(("", "@staticmethod", "@classmethod")))
            if decorator:
                lines.append(f"{pad}{decorator}")
            name = draw(st.sampled_from(("handle", "fetch", "run", "__init__", "save_all")))
            lines.append(f"{pad}{head} {name}({params}):")
            lines.append(draw(blocks(indent + 1, depth + 1)))
        elif kind == 8:
            base = draw(st.sampled_from(("", "(models.Model)", "(Base)")))
            lines.append(f"{pad}class {draw(st.sampled_from(('Book', 'Worker', 'C')))}{base}:")
            lines.append(draw(blocks(indent + 1, depth + 1)))
        elif kind == 9:
            lines.append(f"{pad}if {draw(expressions())}:")
            lines.append(draw(blocks(indent + 1, depth + 1)))
            lines.append(f"{pad}else:")
            lines.append(draw(blocks(indent + 1, depth + 1)))
        elif kind == 10:
            lines.append(f"{pad}try:")
            lines.append(draw(blocks(indent + 1, depth + 1)))
            lines.append(f"{pad}except Exception as error:")
            lines.append(draw(blocks(indent + 1, depth + 1)))
        else:
            lines.append(
                pad
                + draw(
                    st.sampled_from(
                        (
                            "pass",
                            "break",
                            "continue",
                            "return",
                            "return x",
                            "yield item",
                            "global q",
                            "del x",
                            "raise",
                            "x += 1",
                            "items.append(x)",
                            "assert x",
                        )
                    )
                )
            )
    return "\n".join(lines)


@st.composite
def programs(draw):
    imports = draw(st.lists(st.sampled_from(IMPORTS), max_size=8, unique=True))
    return "\n".join(imports) + "\n\n" + draw(blocks()) + "\n"


SEEDED = (
    "import queue\nfor item in items:\n    q = queue.Queue()\n",
    "import sqlite3\nconn = sqlite3.connect('x')\ncursor = conn.cursor()\n"
    "for row in rows:\n    cursor.execute('INSERT INTO t VALUES (?)', row)\n",
    "from queue import SimpleQueue\nq = SimpleQueue()\n",
)


@fuzz_settings(default=12)
@example(source=SEEDED[0])
@example(source=SEEDED[1])
@example(source=SEEDED[2])
@given(source=programs())
def test_rules_survive_loop_heavy_programs(source):
    try:
        ast.parse(source)
    except SyntaxError:
        return  # a generator slip; the byte-level fuzz covers broken files
    _assert_contained(lint_text(source, "fuzz.py", rules=RULES), source)


def _fix_in_process(text: str) -> str:
    from throughlint.fixing import FileFix, fix_text

    diagnostics = lint_text(text, "fuzz.py", rules=RULES)
    _assert_contained(diagnostics, text)
    item = FileFix("fuzz.py", text, text, remaining=diagnostics)
    return fix_text(item, Settings(), unsafe=True)


@fuzz_settings(default=5)
@example(source=SEEDED[0])
@example(source=SEEDED[1])
@example(source=SEEDED[2])
@given(source=programs())
def test_unsafe_fixes_parse_and_are_stable(source):
    try:
        ast.parse(source)
    except SyntaxError:
        return
    fixed = _fix_in_process(source)
    ast.parse(fixed)  # never a syntax error
    assert _fix_in_process(fixed) == fixed, f"a second --fix changed it:\n{fixed}"


def test_seeded_programs_are_fixed_at_all():
    """The fix fuzz above proves nothing if no fix ever applies."""
    assert sum(_fix_in_process(text) != text for text in SEEDED) >= 2


# --- byte-level mutation of real files ------------------------------------------------


def _seed_files() -> list[bytes]:
    seeds = [path.read_bytes() for path in sorted((ROOT / "fixtures").rglob("*.py"))]
    for rule in RULES:
        seeds.extend(example.encode() for example in rule.bad[:1])
    return [seed for seed in seeds if seed.strip()]


SEEDS = _seed_files()
NASTY = (
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\r",
    b"\r\n",
    b"\x0c",
    b"\t",
    b"\\",
    b"'",
    b'"""',
    b"(",
    b")",
    b":",
    b"\n    ",
    b"# coding: latin-1\n",
    b"\xe2\x80\xa8",
    b"\xf0\x9f\x90\x8d",
    b"lambda: ",
    b"async ",
    b"await ",
    b"@",
)


def mutate(data: bytes, rng: random.Random) -> bytes:
    operation = rng.randrange(8)
    position = rng.randrange(len(data) + 1)
    if operation == 0:  # truncation
        return data[:position]
    if operation == 1:  # random bytes
        noise = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 16)))
        return data[:position] + noise + data[position + len(noise) :]
    if operation == 2:  # a nasty token
        return data[:position] + rng.choice(NASTY) + data[position:]
    if operation == 3:  # deep nesting around a line
        depth = rng.choice((50, 199, 201, 1000, 5000))
        return b"x = " + b"(" * depth + b"1" + b")" * depth + b"\n" + data
    if operation == 4:  # a very long line
        return data[:position] + b"a" * rng.choice((10_000, 1_000_000)) + data[position:]
    if operation == 5:  # deep left-nested expression inside a loop
        depth = rng.choice((500, 3000, 4990, 20_000))
        return data + b"\nfor i in items:\n    y = f()" + b" + f()" * depth + b"\n"
    if operation == 6:  # deep block nesting
        depth = rng.choice((20, 99, 101))
        body = b"".join(b" " * i + b"for i in x:\n" for i in range(depth))
        return data + b"\n" + body + b" " * depth + b"pass\n"
    start = rng.randrange(len(data) + 1)  # duplicate or drop a slice
    end = min(len(data), start + rng.randrange(200))
    if rng.random() < 0.5:
        return data[:start] + data[start:end] * 2 + data[end:]
    return data[:start] + data[end:]


@fuzz_settings(default=40)
@given(seed=st.sampled_from(SEEDS), salt=st.integers(0, 2**32 - 1), rounds=st.integers(1, 3))
def test_mutated_files_give_tl000_or_success(seed, salt, rounds):
    rng = random.Random(salt)
    data = seed
    for _ in range(rounds):
        data = mutate(data, rng)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "mutant.py")
        with open(path, "wb") as handle:
            handle.write(data)
        result = lint_paths([path], Settings(project_root=folder), jobs=1, use_cache=False)
    codes = {d.code for d in result.diagnostics}
    assert INTERNAL_ERROR_CODE not in codes, [d.message for d in result.diagnostics][:2]
    errors = [d for d in result.diagnostics if d.code == PARSE_ERROR_CODE]
    assert len(errors) <= 1
    assert all(d.message and "\n" not in d.message for d in errors)


def test_mutants_through_the_real_cli(tmp_path):
    """The same mutations on disk, linted by the real command with worker processes."""
    rng = random.Random(20261126)
    count = max(60, EXAMPLES)
    for index in range(count):
        data = rng.choice(SEEDS)
        for _ in range(rng.randrange(1, 4)):
            data = mutate(data, rng)
        (tmp_path / f"mutant_{index:04}.py").write_bytes(data)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "throughlint",
            "--no-cache",
            "--jobs",
            "2",
            "--format",
            "concise",
            ".",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert "Traceback" not in completed.stderr, completed.stderr[-3000:]
    assert completed.returncode in (0, 1), completed.stderr[-3000:]
    assert "TL999" not in completed.stdout
    assert f"{count} files linted" in completed.stdout + completed.stderr


@pytest.mark.slow
def test_hypothesmith_longer_run():
    """``-m slow``: a longer hypothesmith run over both generators."""
    runner = fuzz_settings(default=300)

    @runner
    @given(source=st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node()))
    def run(source):
        text = ALL_TRIGGERS + source
        _assert_contained(lint_text(text, "fuzz.py", rules=RULES), text)

    run()


def test_fix_through_the_cli_parses_and_converges(tmp_path):
    """Every fixture file and rule example, plus mutants of them, through the real
    ``--fix --unsafe-fixes``: each result parses, and a second run changes nothing."""
    sources = [*SEEDS, *(text.encode() for text in SEEDED)]
    for rule in RULES:
        sources.extend(text.encode() for text in rule.bad)
    rng = random.Random(8)
    sources.extend(mutate(rng.choice(SEEDS), rng) for _ in range(10))
    before = {f"case_{index:04}.py": data for index, data in enumerate(sources)}
    for name, data in before.items():
        (tmp_path / name).write_bytes(data)
    command = [
        sys.executable,
        "-m",
        "throughlint",
        "--no-cache",
        "--fix",
        "--unsafe-fixes",
        "--jobs",
        "2",
        ".",
    ]
    environment = {**os.environ, "NO_COLOR": "1"}
    first = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=environment
    )
    assert "Traceback" not in first.stderr, first.stderr[-3000:]
    after_first = {path.name: path.read_bytes() for path in tmp_path.glob("*.py")}
    changed = [name for name, data in after_first.items() if data != before[name]]
    assert changed, "no fix applied at all: the test proves nothing"
    for name in changed:
        compile(after_first[name], name, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    second = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=environment
    )
    assert "Traceback" not in second.stderr, second.stderr[-3000:]
    assert {path.name: path.read_bytes() for path in tmp_path.glob("*.py")} == after_first
