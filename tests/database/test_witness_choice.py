"""The call a message names when several calls of a helper bring the same effect: one
the helper makes on every call, before one on a branch (zou's ``create_comment``: its
commit is ``Comment.create()``'s, on every call; the messages named a commit three calls
down a rarely taken branch, so a reader would dismiss them: the new5 output audit)."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

SERVICE = """\
import sqlite3

conn = sqlite3.connect("app.db")


def archive_preview(comment_id):
    conn.execute("INSERT INTO archive VALUES (?)", (comment_id,))
    conn.commit()


def save_comment(text):
    conn.execute("INSERT INTO comments VALUES (?)", (text,))
    conn.commit()


def create_comment(text, with_preview=False):
    if with_preview:
        archive_preview(text)
    save_comment(text)
"""

JOBS = """\
from app.service import create_comment


def import_comments(texts):
    for text in texts:
        create_comment(text)
"""


def test_the_message_names_the_call_made_on_every_call(run_cli, tmp_path):
    root = write_project(
        tmp_path, {"app/__init__.py": "", "app/service.py": SERVICE, "app/jobs.py": JOBS}
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL103")
    found = findings_by_function(report, JOBS, "jobs.py")
    assert "`save_comment()`" in found["import_comments"]["message"]
