"""Questions asked for every statement of a loop body do not scan the whole body.

A scan of a Python list (``child in block``) runs in C, so the call counts of
``test_loop_growth.py`` do not see it; here the loop body is a list that counts its own
scans. Asked for each of ``n`` statements, a scan per statement costs ``n`` squared."""

from __future__ import annotations

import ast

from throughlint.checker import Checker
from throughlint.rules.base import Rule
from throughlint.semantic import per_pass
from throughlint.settings import Settings
from throughlint.source import SourceFile

PROBE = Rule(code="TL998", name="probe", summary="asks the per-pass question at each call")


class _CountingBody(list):
    scans = 0

    def __contains__(self, item: object) -> bool:
        type(self).scans += 1
        return super().__contains__(item)


def _scans(n: int) -> tuple[int, list[bool]]:
    text = "def run(conn, items):\n    for item in items:\n"
    text += "".join(
        f"        conn.execute('INSERT INTO t VALUES (?)', (item, {k}))\n" for k in range(n)
    )
    tree = ast.parse(text)
    loop = tree.body[0].body[0]  # type: ignore[attr-defined]
    loop.body = _CountingBody(loop.body)
    answers: list[bool] = []

    def ask(checker, node):
        model = checker.semantic
        found = model.hot_loop()
        if found is not None:
            answers.append(per_pass.runs_once(model, found))

    _CountingBody.scans = 0
    Checker(SourceFile("x.py", text), tree, Settings(), {ast.Call: ((PROBE, ask),)}, "m").run()
    return _CountingBody.scans, answers


def test_runs_once_does_not_scan_the_loop_body_per_statement():
    scans, answers = _scans(200)
    assert answers == [False] * 200  # each call runs once per item
    assert scans < 10  # was one scan of the 200-statement body per statement
