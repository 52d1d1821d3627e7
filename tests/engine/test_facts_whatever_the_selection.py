"""Every file's facts join the project index while a selected rule uses it, whatever
words the file mentions: the rules' text triggers gate their own walks, never the facts.
Before, a file that matched no selected rule's triggers gave no facts at all, so with
``--select TL103`` (a team that selects its database rules) a loop in it, or a helper
between two other files, was invisible; with the default selection TL401 and TL203,
which have no triggers, hid the hole."""

from __future__ import annotations

import pytest
from support.cli_projects import lint_json, write_project

SERVICE = """\
import sqlite3

conn = sqlite3.connect("app.db")


def save_comment(text):
    conn.execute("INSERT INTO comments VALUES (?)", (text,))
    conn.commit()
"""

MIDDLE = """\
from app.service import save_comment


def create_comment(text):
    return save_comment(text.strip())
"""

JOBS = """\
from app.middle import create_comment


def import_comments(texts):
    for text in texts:
        create_comment(text)
"""


@pytest.mark.parametrize("selection", [(), ("--select", "TL103"), ("--select", "TL1")])
def test_a_chain_through_files_without_database_words(run_cli, tmp_path, selection):
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/service.py": SERVICE,
            "app/middle.py": MIDDLE,
            "app/jobs.py": JOBS,
        },
    )
    report = lint_json(run_cli, root, "--show-all", *selection)
    codes = {
        related["code"]
        for diagnostic in report["diagnostics"]
        if diagnostic["path"] == "app/jobs.py"
        for related in diagnostic.get("related") or [diagnostic]
    }
    assert "TL103" in codes


HELPERS = """\
import sqlite3


def lookup(i):
    conn = sqlite3.connect("app.db")
    return conn.execute("SELECT name FROM users WHERE id = ?", (i,)).fetchone()
"""

VIEWS = """\
from app.helpers import lookup


def names(request):
    return [lookup(i) for i in request.GET.getlist("id")]
"""


@pytest.mark.parametrize("selection", [(), ("--select", "TL101")])
def test_a_file_whose_rule_is_ignored_still_gives_its_facts(run_cli, tmp_path, selection):
    """``per-file-ignores`` drops the findings of ``helpers.py``, not its functions: the
    N+1 through ``lookup()`` in ``views.py`` stays (adversarial case bug9, round 18)."""
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/helpers.py": HELPERS, "app/views.py": VIEWS}
    )
    (root / "pyproject.toml").write_text(
        '[tool.throughlint]\nper-file-ignores = {"app/helpers.py" = ["TL101"]}\n'
    )
    report = lint_json(run_cli, root, "--show-all", *selection)
    assert [(d["path"], d["code"]) for d in report["diagnostics"]] == [("app/views.py", "TL101")]
