"""Fuzzing with extreme literals: the shapes every rule looks at (its own bad, good and
near-miss examples, plus loops over ``range`` and sized pools and queues) with their
numbers, strings and names swapped for values that Python accepts but that break naive
evaluation: huge and negative ints, zero steps, ints too long to print, infinite floats,
nested f-strings, huge strings, deeply nested expressions, identifiers that NFKC
normalises (a fraktur ``q`` is ``q``). Whatever the program, linting it never raises and never
yields an internal error (TL999).

The default run takes a few seconds; ``-m slow`` runs longer, and
``THROUGHLINT_FUZZ_EXAMPLES=2000`` longer still.
"""

from __future__ import annotations

import ast
import io
import json
import keyword
import random
import tokenize

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.fuzzing import ALL_TRIGGERS, EXAMPLES, RULES, fuzz_settings

from throughlint.checker import INTERNAL_ERROR_CODE
from throughlint.engine import lint_text
from throughlint.fixing import FileFix, fix_text
from throughlint.settings import Settings

# --- the extreme values -------------------------------------------------------------

HUGE_HEX = "0x" + "f" * 5000  # str() of it raises: past sys.get_int_max_str_digits()
INTS = (
    "0",
    "1",
    "-1",
    "-0",
    "4",
    "5",
    "9223372036854775807",  # sys.maxsize
    "9223372036854775808",
    "-9223372036854775809",
    "100000000000000000000",
    "-100000000000000000000",
    "1_000_000_000_000_000_000_000_000",
    "9" * 4300,  # the longest decimal Python accepts
    HUGE_HEX,
    "-" + HUGE_HEX,
    "0o" + "7" * 3000,
    "0b" + "1" * 20000,
    "1e400",  # inf
    "-1e400",
    "1e-400",
    "0.0",
    "1e400j",
    "True",
    "None",
)
HUGE_STRINGS = (
    "'" + "a" * 100_000 + "'",
    '"' + "SELECT * FROM t WHERE id IN (" + "?, " * 20_000 + "?)" + '"',
    "'\\x00\\ud800\\U0010ffff\\N{SNAKE}'",
    "b'" + "\\xff" * 10_000 + "'",
    "'''" + "\\n" * 10_000 + "'''",
    "r'\\'",  # a raw string ending in a backslash-quote
    "''",
    "'%s' % x",
    "'SELECT * FROM t WHERE id = ' + str(" + HUGE_HEX + ")",
)


def _f_strings() -> tuple[str, ...]:
    """Nested f-strings as deep as this Python allows (3.12 lifts the quote limit)."""
    found = [
        "f'{x!r:>{100000000000000000000}}'",
        "f'{x:{y}.{z}}'",
        "f'{' + '}'",
        "f'{x=}'",
        "f'{{}}{x}{{}}' * 1000",
        "f'SELECT * FROM t WHERE id = {x}' f'{y}' 'z'",
        "f'{" + HUGE_HEX + "}'",
        "f'" + "{x}" * 1000 + "'",
        "f'{(lambda: 1)()}'",
    ]
    for quotes in (("'''", '"""', '"', "'"), ("'", '"', "'", '"', "'", '"') * 3):
        inner = "x"
        for quote in reversed(quotes):
            candidate = f"f{quote}{{{inner}}}{quote}"
            try:
                ast.parse(candidate)
            except SyntaxError:
                break
            inner = candidate
            found.append(candidate)
    return tuple(found)


F_STRINGS = _f_strings()
STRINGS = HUGE_STRINGS + F_STRINGS
NESTINGS = (
    "({})",
    "(" * 150 + "{}" + ")" * 150,
    "-" * 1000 + "({})",
    "not " * 500 + "{}",
    "({})" + ".real" * 2000,
    "({})" + "[0]" * 1000,
    "f(" * 100 + "{}" + ")" * 100,
    "[" * 100 + "{}" + "]" * 100,
    "({})" + " + 1" * 3000,
    "(lambda: " * 100 + "{}" + ")" * 100,
    "({} if {} else {})",
    "(yield {})",
)
_IDENTIFIERS = (
    "\U0001d52e",  # fraktur q; NFKC: q
    "\U0001d42c\U0001d41e\U0001d425\U0001d41f",  # bold self; NFKC: self
    "\U0001d52e\U0001d532\U0001d522\U0001d532\U0001d522",  # fraktur queue; NFKC: queue
    "\u210c",  # black-letter H; NFKC: H
    "\ufb01le",  # fi ligature; NFKC: file
    "\u01c5",  # Dz with caron, a title-case letter
    "\u1d62",  # subscript i
    "\u03c0",  # pi
    "\u5909\u6570",  # CJK
    "\uff83\uff7d\uff84",  # half-width katakana
    "\u216b",  # roman numeral twelve, a letter number
    "\u212b",  # angstrom sign; NFKC: A with ring
    "\u00b5",  # micro sign; NFKC: mu
    "_\u0663",  # Arabic-Indic digit three
    "x" * 10_000,
    "_" * 300,
    "__class__",
    "__import__",
    "locals",
)
IDENTIFIERS = tuple(name for name in _IDENTIFIERS if name.isidentifier())

# --- the shapes ---------------------------------------------------------------------

TEMPLATES = (
    "import requests\n\ndef f(url):\n    for i in range({n}, {n}, {n}):\n"
    "        requests.get(url)\n",
    "import requests\n\ndef f(url):\n    return [requests.get(url) for i in range({n})]\n",
    "import asyncio\n\nasync def f(client):\n    for i in range({n}):\n"
    "        await client.get({s}, timeout={n})\n",
    "import queue\nq = queue.Queue({n})\nr = queue.Queue(maxsize={n})\n",
    "import asyncio, multiprocessing\nq = asyncio.Queue(maxsize={n})\n"
    "m = multiprocessing.Queue({n})\n",
    "import os\nfrom concurrent.futures import ThreadPoolExecutor, ProcessPoolExecutor\n"
    "a = ThreadPoolExecutor({n})\nb = ProcessPoolExecutor(max_workers=os.cpu_count() * {n})\n"
    "c = ProcessPoolExecutor({n} * (os.cpu_count() or {n}))\n",
    "import multiprocessing\np = multiprocessing.Pool(processes={n})\n",
    "import sqlite3\n\ndef f(rows):\n    conn = sqlite3.connect({s})\n"
    "    for row in rows[{n}:{n}:{n}]:\n        conn.execute({s}, row)\n        conn.commit()\n",
    "import threading\nlock = threading.Lock()\n\ndef f(items):\n"
    "    for item in items * {n}:\n        with lock:\n            pass\n"
    "        lock.acquire(timeout={n})\n",
    "import queue\n\ndef f(q: queue.Queue):\n    while True:\n        item = q.get(timeout={n})\n",
    "from sqlalchemy import update, delete, insert\n\ndef f(session, ids):\n"
    "    for i in ids:\n        session.execute(update(T).where(T.id == {n}).values(x={s}))\n",
    "from myapp.models import Book\n\ndef f():\n    for book in Book.objects.all()[{n}:{n}]:\n"
    "        print(book.author.name, {s})\n        Book.objects.filter(id={n}).update(x={s})\n",
)


def seed_programs() -> list[str]:
    programs = [text for rule in RULES for text in (*rule.bad, *rule.good, *rule.near_miss)]
    return [*programs, *(template.format(n="1", s="'x'") for template in TEMPLATES)]


SEEDS = seed_programs()


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    return list(tokenize.generate_tokens(io.StringIO(text).readline))


def _replace_tokens(text: str, replacements: dict[tuple[int, int], str]) -> str:
    """Swap whole tokens (keyed by their start) for new text, positions from the tokenizer."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    pieces, cursor = [], 0
    for token in _tokens(text):
        if token.start not in replacements or token.type == tokenize.ENDMARKER:
            continue
        begin = starts[token.start[0] - 1] + token.start[1]
        end = starts[token.end[0] - 1] + token.end[1]
        pieces += [text[cursor:begin], replacements[token.start]]
        cursor = end
    return "".join(pieces) + text[cursor:]


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def make_extreme(text: str, pick, coin) -> str:
    """``text`` with some of its numbers, strings and names made extreme; ``pick(values)``
    and ``coin()`` make the choices (hypothesis or a seeded RNG). A swap that makes the
    program invalid is dropped (the byte-level fuzz covers broken files)."""
    tokens = _tokens(text)
    names = sorted(
        {t.string for t in tokens if t.type == tokenize.NAME and not keyword.iskeyword(t.string)}
    )
    renames = {pick(names): pick(IDENTIFIERS) for _ in range(3) if names and coin()}
    swaps: dict[tuple[int, int], str] = {}
    for token in tokens:
        if token.type == tokenize.NAME and token.string in renames:
            swaps[token.start] = renames[token.string]
        elif token.type in (tokenize.NUMBER, tokenize.STRING) and coin():
            pool = INTS if token.type == tokenize.NUMBER else STRINGS
            value = pick(pool + INTS if coin() else pool)
            if coin() and coin():
                value = pick(NESTINGS).replace("{}", f"({value})")
            swaps[token.start] = value
    program = _replace_tokens(text, swaps)
    if _parses(program):
        return program
    for start in list(swaps):  # drop swaps one by one until it parses
        del swaps[start]
        program = _replace_tokens(text, swaps)
        if _parses(program):
            return program
    return text


@st.composite
def extreme_programs(draw) -> str:
    return make_extreme(
        draw(st.sampled_from(SEEDS)),
        lambda values: draw(st.sampled_from(values)),
        lambda: draw(st.booleans()),
    )


def _check(text: str) -> None:
    program = ALL_TRIGGERS + text
    diagnostics = lint_text(program, "extreme.py", rules=RULES)
    internal = [d for d in diagnostics if d.code == INTERNAL_ERROR_CODE]
    assert not internal, f"{internal[0].message}\n--- program ---\n{program[:3000]}"
    item = FileFix("extreme.py", program, program, remaining=diagnostics)
    fixed = fix_text(item, Settings(), unsafe=True)
    if fixed != program:
        assert _parses(fixed), f"--fix broke the program:\n{fixed[:3000]}"


def test_every_seed_and_template_parses():
    """A seed that does not parse would make the fuzz below test nothing."""
    assert all(_parses(text) for text in SEEDS)
    assert len(F_STRINGS) > 9 and len(IDENTIFIERS) > 10


@pytest.mark.parametrize("value", INTS, ids=lambda v: v if len(v) < 30 else f"{v[:12]}...")
def test_each_int_in_each_number_slot(value):
    """Deterministic: every extreme int in every number slot of the templates at once."""
    for template in TEMPLATES:
        text = template.format(n=value, s="'x'")
        if _parses(text):
            _check(text)


@pytest.mark.parametrize("value", STRINGS, ids=lambda v: v[:20])
def test_each_string_in_each_string_slot(value):
    for template in TEMPLATES:
        text = template.format(n="3", s=value)
        if _parses(text):
            _check(text)


@fuzz_settings(default=40)
@given(program=extreme_programs())
def test_rules_survive_extreme_literals(program):
    _check(program)


@pytest.mark.slow
def test_rules_survive_extreme_literals_longer_run():
    """``-m slow``: a longer, randomised run of the same fuzz target."""
    runner = settings(
        max_examples=EXAMPLES or 1500,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    runner(given(text=extreme_programs())(_check))()


def test_extreme_programs_through_the_real_cli(run_cli, tmp_path):
    """The same swaps, made by a seeded RNG, written to disk and linted by the real
    command with worker processes: no traceback, no TL999, JSON printed."""
    rng = random.Random(15)
    count = max(40, EXAMPLES // 10)
    for index in range(count):
        program = make_extreme(rng.choice(SEEDS), rng.choice, lambda: rng.random() < 0.5)
        (tmp_path / f"extreme_{index:03}.py").write_text(ALL_TRIGGERS + program, "utf-8")
    completed = run_cli("--no-cache", "-j", "2", "--format", "json", ".")
    assert "Traceback" not in completed.stderr, completed.stderr[-3000:]
    document = json.loads(completed.stdout)
    assert document["summary"]["files"] == count
    internal = [d["message"] for d in document["diagnostics"] if d["code"] == "TL999"]
    assert not internal, internal[:2]
