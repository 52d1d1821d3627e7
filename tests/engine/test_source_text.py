"""``source_text`` prints the calls of a message without ``ast.unparse`` when they are made
of names, plain constants and simple f-strings (a 2,000-await loop spent a tenth of its
time unparsing its calls for TL402's messages): the text must be ``ast.unparse``'s."""

from __future__ import annotations

import ast
import glob
import os
import sysconfig

import pytest

from throughlint.semantic.expressions import source_text

from conftest import FIXTURES

TRICKY = [
    "f'a{b}c'",
    'f"x\'{y}"',
    "f'{x!r}'",
    "f'{x:>10}'",
    "f'{{x}}'",
    "f'\\n{x}'",
    "f'\\u00e9{x}'",
    "f''",
    "u'x'",
    "g(b'x')",
    "g(1.5, 1e999)",
    "g(x, *y)",
    "g(**k)",
    "g('a\"b', \"it's\", 'tab\\there')",
    "g(True, None, -1, 0x10)",
    "g(f'{a.b}/{c}', key=h(1))",
    "a.b(c)(d)",
    "g(10 ** 5000)",
    "client.get(f'/items/{item}/0')",
    "session.add(Row(item=item, k=0))",
]


def _expressions():
    paths = sorted(glob.glob(os.path.join(sysconfig.get_paths()["stdlib"], "json", "*.py")))
    paths += sorted(glob.glob(str(FIXTURES / "**" / "*.py"), recursive=True))
    trees = [ast.parse(text) for text in TRICKY]
    for path in paths:
        with open(path, "rb") as handle:
            try:
                trees.append(ast.parse(handle.read()))
            except SyntaxError:
                continue
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.Call, ast.JoinedStr, ast.Constant)):
                yield node


def test_every_call_prints_as_ast_unparse_prints_it():
    checked = 0
    for node in _expressions():
        try:
            expected = ast.unparse(node)
        except ValueError:  # an int too long to print: ``source_text`` names it instead
            continue
        assert source_text(node) == expected, ast.dump(node)
        checked += 1
    assert checked > 1_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("client.get(f'/items/{item}/0')", "client.get(f'/items/{item}/0')"),
        ('client.get(f"/items/{item.pk}")', "client.get(f'/items/{item.pk}')"),
        ('session.add(Row(item=item, k="x"))', "session.add(Row(item=item, k='x'))"),
    ],
)
def test_the_loop_shapes_calls(text, expected):
    assert source_text(ast.parse(text, mode="eval").body) == expected
