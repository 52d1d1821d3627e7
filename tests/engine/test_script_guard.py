"""A module with an ``if __name__ == "__main__":`` guard is not a script as a whole: only
the functions the guard calls (and the functions only they call) are script code, held
back as cold; the rest of the module serves whoever imports it (issue 17: a daemon's
module whose classes run in the service)."""

from __future__ import annotations

from support.cli_projects import lint_json, write_project

WRITE = 'conn.execute("UPDATE users SET seen = 1 WHERE id = ?", (i,))'

DAEMON = f"""\
import sqlite3
import sys


def touch(conn, ids):
    for i in ids:
        {WRITE}


class Worker:
    def process(self, conn, ids):
        for i in ids:
            {WRITE}


def serve(conn, ids):
    for i in ids:
        {WRITE}


def sync(conn, ids):
    for i in ids:
        {WRITE}


def main(argv):
    conn = sqlite3.connect("app.db")
    for i in argv:
        {WRITE}
    touch(conn, argv)
    sync(conn, argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
"""

VIEWS = """\
import sqlite3

from app.daemon import sync


def refresh(request):
    sync(sqlite3.connect("app.db"), request.GET.getlist("id"))
"""


def by_function(document: dict) -> dict[int, tuple]:
    return {d["line"]: (d["path_kind"], d["held_back"]) for d in document["diagnostics"]}


def test_only_what_the_main_guard_runs_is_script_code(run_cli, tmp_path):
    write_project(tmp_path, {"app/__init__.py": "", "app/daemon.py": DAEMON, "app/views.py": VIEWS})
    found = by_function(lint_json(run_cli, tmp_path, "--show-all"))
    assert found == {
        7: ("cold: called from script", "cold path: called from script"),  # touch: main's helper
        13: (None, None),  # Worker.process: the daemon's class, not script code
        18: (None, None),  # serve: nobody in the project calls it
        23: ("hot", None),  # sync: the guard's main calls it, and so does a view
        29: ("cold: script", "cold path: script"),  # main: the guard calls it
    }
    shown = lint_json(run_cli, tmp_path)
    assert sorted(d["line"] for d in shown["diagnostics"]) == [13, 18, 23]
    assert shown["summary"]["held_back"] == {"cold path": 2}


def test_a_module_without_a_guard_is_not_a_script(run_cli, tmp_path):
    source = DAEMON.split("\n\nif __name__")[0] + "\n"
    write_project(tmp_path, {"app/__init__.py": "", "app/daemon.py": source})
    found = by_function(lint_json(run_cli, tmp_path, "--show-all"))
    assert found[29] == (None, None)  # main: an entry point of unknown kind
    assert found[13] == (None, None)


def test_the_guards_that_run_as_a_script(run_cli, tmp_path):
    """Every ``== "__main__"`` guard, not the first; ``!= "__main__"`` runs its body on
    import (not script code) and its ``else`` as a script."""
    source = DAEMON.split("\n\nif __name__")[0] + (
        "\n\n\nif __name__ != '__main__':\n    serve(None, [])\nelse:\n    touch(None, [])\n"
        "\n\nif __name__ == '__main__':\n    sys.exit(main(sys.argv[1:]))\n"
    )
    write_project(tmp_path, {"app/__init__.py": "", "app/daemon.py": source})
    found = by_function(lint_json(run_cli, tmp_path, "--show-all"))
    assert found[7] == ("cold: script", "cold path: script")  # touch: the != guard's else
    assert found[18] == (None, None)  # serve: runs on import
    assert found[29] == ("cold: script", "cold path: script")  # main: the second guard
