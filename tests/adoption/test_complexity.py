"""The complexity the walk records is radon's, counted without radon's visitor objects:
the same number for every function of throughlint, its tests and fixtures."""

from __future__ import annotations

import ast

from radon.visitors import ComplexityVisitor

from throughlint.finding_context import function_complexity

from conftest import ROOT

EDGES = """
def f(xs):
    assert xs and xs[0] or xs[1]
    for x in xs:
        pass
    else:
        pass
    while xs:
        break
    try:
        pass
    except ValueError:
        pass
    except TypeError:
        pass
    else:
        pass
    match xs:
        case [1]:
            pass
        case _:
            pass
    def inner(y):
        return y if y else [z for z in y if z if not z]
    class Inner:
        def m(self):
            return 1 if self else 2
    return lambda a: a if a else b or c and d
"""


def _radon(function: ast.AST) -> int:
    found = ComplexityVisitor.from_ast(function).functions
    return found[0].complexity if found else 1


def test_edge_cases_match_radon():
    function = ast.parse(EDGES).body[0]
    assert function_complexity(function) == _radon(function) == 12


def test_every_function_of_the_repository_matches_radon():
    checked = 0
    for path in sorted(ROOT.glob("[sft]*/**/*.py")):
        try:
            tree = ast.parse(path.read_bytes())
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                assert function_complexity(node) == _radon(node), f"{path}:{node.lineno}"
                checked += 1
    assert checked > 1000
