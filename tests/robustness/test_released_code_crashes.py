"""Constructs met in released code that once raised inside the analysis: each is linted
through the real CLI with no TL999 and the findings the rules owe it."""

from __future__ import annotations

import json

# glance's ``wsme_utils.to_wsme_model``: a classmethod whose first parameter is not
# called ``cls``, and a loop over one of its attributes (the input-size reader took the
# parameter for a class statement)
CLASSMETHOD_FIRST_PARAMETER = """\
import requests


class Thing:
    @classmethod
    def to_model(model, data):
        out = []
        for attribute in model._attrs:
            out.append(requests.get(attribute))
        return out
"""

# the same parameter read as a class constant and as an enum class
CLASSMETHOD_CONSTANT = """\
import requests


class Thing:
    URLS = ("a", "b")

    @classmethod
    def fetch(model):
        for url in model.URLS:
            requests.get(url)
        for member in model:
            requests.get(member)
"""


def _codes(run_cli, tmp_path, source: str, *extra: str) -> list[str]:
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    (tmp_path / "mod.py").write_text(source)
    completed = run_cli("--no-cache", "--format", "json", *extra, "mod.py", cwd=tmp_path)
    assert completed.returncode in (0, 1), completed.stdout + completed.stderr
    return [item["code"] for item in json.loads(completed.stdout)["diagnostics"]]


def test_classmethod_first_parameter_of_any_name(run_cli, tmp_path):
    assert _codes(run_cli, tmp_path, CLASSMETHOD_FIRST_PARAMETER) == ["TL401"]


def test_classmethod_parameter_reads_its_class_constants(run_cli, tmp_path):
    # ``model.URLS`` is the class's constant tuple: held back as constant input; the
    # class itself is not an enum, so the loop over it stays shown
    assert _codes(run_cli, tmp_path, CLASSMETHOD_CONSTANT, "--show-all") == ["TL401", "TL401"]
    assert _codes(run_cli, tmp_path, CLASSMETHOD_CONSTANT) == ["TL401"]


# An int literal past Python's 4,300-digit decimal limit (legal in hex) where a rule
# compares two expressions: after a commit loop (is it the same commit?), a drained
# collection, a lock held in the loop. ``ast.dump`` refused to print it: a TL999.
HUGE = "0x" + "f" * 4000
HUGE_INT_LITERALS = f"""\
import heapq
import sqlite3
import threading

locks = {{}}


def load(conn: sqlite3.Connection, names):
    for name in names:
        conn.execute("INSERT INTO t (name) VALUES (?)", (name,))
        print(name)
        conn.commit()
    return {HUGE} > 0


def drain(heaps, conn: sqlite3.Connection):
    while heaps[{HUGE}]:
        item = heapq.heappop(heaps[{HUGE}])
        conn.execute("INSERT INTO t (name) VALUES (?)", (item,))
        heapq.heappush(heaps[{HUGE}], item)


def guarded(items, conn: sqlite3.Connection):
    for item in items:
        with locks[{HUGE}]:
            conn.execute("INSERT INTO t (name) VALUES (?)", (item,))
"""


def test_int_literals_too_long_to_print(run_cli, tmp_path):
    codes = _codes(run_cli, tmp_path, HUGE_INT_LITERALS, "--show-all", "--preview")
    assert "TL999" not in codes and "TL103" in codes, codes
