"""The per-file guard is total: an exception raised anywhere while one file is analysed
(the walk, the semantic model, the loop facts, index collection, rule relevance,
suppression) becomes that file's TL999, and every other file's findings are kept, in one
process and in worker processes.

A fault is planted in the real code by a boot script that wraps one function so that it
raises while a file named ``boom*.py`` is being analysed, then runs the real CLI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

_BOOT = """\
import importlib
import os
import sys

import throughlint.engine as engine

site = sys.argv.pop(1)
current = [""]
real_decode = engine.decode_source


def decode(data, path):
    current[0] = path
    return real_decode(data, path)


engine.decode_source = decode
module_name, _, attribute = site.partition(":")
owner = importlib.import_module(module_name)
*parents, name = attribute.split(".")
for parent in parents:
    owner = getattr(owner, parent)
real = getattr(owner, name)


def planted(*args, **kwargs):
    if os.path.basename(current[0]).startswith("boom"):
        raise KeyError("planted fault in " + site)
    return real(*args, **kwargs)


setattr(owner, name, planted)
from throughlint.cli import main

sys.exit(main(sys.argv[1:]))
"""

# Reaches every stage: a loop, a model, a query per item, an import of a project module.
BOOM = """\
import queue
import requests
from myapp.models import Book


def titles(url):
    q = queue.Queue()
    for book in Book.objects.all():
        print(book.author.name)
        requests.get(url)
    return q
"""
QUEUE = "import queue\n\nq = queue.Queue()\n"

SITES = {
    "walk": "throughlint.checker:Checker._visit_for",
    "loop-facts": "throughlint.checker:for_loop",
    "semantic-model": "throughlint.semantic.model:SemanticModel.bind_target",
    "index-collection": "throughlint.index.facts:FileFacts.to_json",
    "rule-relevance": "throughlint.rules.base:Rule.relevant",
    "suppression": "throughlint.engine:filter_suppressed",
}


def _run(tmp_path: Path, site: str, *args: str) -> subprocess.CompletedProcess:
    boot = tmp_path.parent / f"{tmp_path.name}_boot.py"  # outside the linted folder
    boot.write_text(_BOOT, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(boot), site, *args],
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
    )


def _project(tmp_path: Path) -> None:
    (tmp_path / "boom.py").write_text(BOOM)
    for index in range(30):  # enough files for the worker pool with --jobs 2
        (tmp_path / f"other_{index:02}.py").write_text(QUEUE)


@pytest.mark.parametrize(
    ("site", "jobs"),
    [(name, "1") for name in SITES] + [("walk", "2"), ("suppression", "2")],
)
def test_a_fault_anywhere_in_one_file_is_that_files_tl999(tmp_path, site, jobs):
    _project(tmp_path)
    completed = _run(tmp_path, SITES[site], "--no-cache", "--format", "json", "-j", jobs, ".")
    assert "Traceback" not in completed.stderr, completed.stderr[-3000:]
    assert completed.returncode == 2, completed.stderr[-3000:]  # an internal error
    document = json.loads(completed.stdout)
    found: dict[str, list[dict]] = {}
    for item in document["diagnostics"]:
        found.setdefault(os.path.basename(item["path"]), []).append(item)
    boom = found.pop("boom.py")
    assert [item["code"] for item in boom] == ["TL999"]
    assert "KeyError" in boom[0]["message"] and "planted fault" in boom[0]["message"]
    assert "\n" not in boom[0]["message"]
    assert {name: [item["code"] for item in items] for name, items in found.items()} == {
        f"other_{index:02}.py": ["TL201"] for index in range(30)
    }
    assert document["summary"]["files"] == 31


def test_the_fault_without_the_planted_file_is_a_clean_run(tmp_path):
    """The boot script itself changes nothing when no ``boom`` file is linted."""
    _project(tmp_path)
    (tmp_path / "boom.py").rename(tmp_path / "fine.py")
    completed = _run(tmp_path, SITES["walk"], "--no-cache", "--format", "json", ".")
    assert completed.returncode == 1, completed.stderr[-3000:]
    codes = [item["code"] for item in json.loads(completed.stdout)["diagnostics"]]
    assert "TL999" not in codes and "TL401" in codes and codes.count("TL201") == 31


def test_text_output_exit_zero_and_traceback(tmp_path):
    _project(tmp_path)
    text = _run(tmp_path, SITES["semantic-model"], "--no-cache", "--exit-zero", ".")
    assert "Traceback" not in text.stdout + text.stderr
    assert "boom.py:1:1: TL999" in text.stdout
    assert text.stdout.count("TL201") == 30
    assert text.returncode == 0  # --exit-zero: a TL999 is a finding like any other
    usage = _run(tmp_path, SITES["semantic-model"], "--no-cache", "--exit-zero", "nope.py", ".")
    assert usage.returncode == 2  # ...but a path that does not exist is a usage error
    shown = _run(tmp_path, SITES["semantic-model"], "--no-cache", "--show-traceback", "boom.py")
    assert shown.returncode == 2
    assert "Traceback (most recent call last)" in shown.stdout
    assert "in planted" in shown.stdout
