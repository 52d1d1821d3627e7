"""Hot and cold through the project index, and a parameter's size from what its callers
pass (issue 17, items 2 and 3; ``index/reach.py``), through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

from support.cli_projects import lint_json, write_project

HELPER = """\
import sqlite3


def touch_all(ids):
    conn = sqlite3.connect("app.db")
    for i in ids:
        conn.execute("UPDATE users SET seen = 1 WHERE id = ?", (i,))
"""

VIEW = """\
from app.helpers import touch_all


def index(request):
    touch_all(request.POST.getlist("ids"))
"""

COMMAND = """\
from django.core.management.base import BaseCommand

from app.helpers import touch_all


class Command(BaseCommand):
    def handle(self, *args, **options):
        touch_all(options["ids"])
"""

TEST = """\
from app.helpers import touch_all


def test_touch_all():
    touch_all([1, 2, 3])
"""


def project(root: Path, files: dict[str, str]) -> Path:
    return write_project(root, {"app/__init__.py": "", **files})


def lint(run_cli, root: Path, *args: str) -> dict:
    return lint_json(run_cli, root, *args)


def helper_finding(document: dict) -> dict | None:
    found = [d for d in document["diagnostics"] if d["path"] == "app/helpers.py"]
    assert len(found) <= 1
    return found[0] if found else None


# --- hot and cold through the index ----------------------------------------------------


def test_a_helper_called_from_a_view_is_hot(run_cli, tmp_path):
    project(tmp_path, {"app/helpers.py": HELPER, "app/views.py": VIEW})
    finding = helper_finding(lint(run_cli, tmp_path))
    assert finding["code"] == "TL102" and finding["path_kind"] == "hot"


def test_a_helper_called_only_from_a_command_and_tests_is_cold(run_cli, tmp_path):
    files = {
        "app/helpers.py": HELPER,
        "app/management/__init__.py": "",
        "app/management/commands/__init__.py": "",
        "app/management/commands/touch.py": COMMAND,
        "tests/test_helpers.py": TEST,
    }
    project(tmp_path, files)
    document = lint(run_cli, tmp_path)
    assert helper_finding(document) is None
    assert document["summary"]["held_back"] == {"cold path": 1}
    shown = helper_finding(lint(run_cli, tmp_path, "--show-all"))
    assert shown["path_kind"] in (
        "cold: called from management command",
        "cold: called from test",
    )
    assert shown["held_back"].startswith("cold path")
    # one file named alone sees the same callers (the project index)
    alone = run_cli("--no-cache", "--format", "json", "app/helpers.py", cwd=tmp_path)
    assert json.loads(alone.stdout)["summary"]["held_back"] == {"cold path": 1}


def test_a_helper_in_a_command_s_table_of_handlers_stays_cold(run_cli, tmp_path):
    """A function put in a dict (``{"touch": touch_all}``) has callers the index does not
    see, so its parameters stay untyped; where it runs is still what its direct calls
    say (roam-code's ingesters: a command's table, and the command calls them)."""
    tabled = COMMAND.replace(
        '        touch_all(options["ids"])',
        '        handlers = {"touch": touch_all}\n        touch_all(options["ids"])',
    )
    files = {
        "app/helpers.py": HELPER,
        "app/management/__init__.py": "",
        "app/management/commands/__init__.py": "",
        "app/management/commands/touch.py": tabled,
    }
    project(tmp_path, files)
    assert "handlers = {" in tabled
    document = lint(run_cli, tmp_path)
    assert helper_finding(document) is None
    assert document["summary"]["held_back"] == {"cold path": 1}


MIXED_BASES = """\
import sqlite3


class AuditMixin:
    def _log(self, message):
        print(message)


class Toucher:
    def _touch_all(self, ids):
        conn = sqlite3.connect("app.db")
        for i in ids:
            conn.execute("UPDATE users SET seen = 1 WHERE id = ?", (i,))
"""

MIXED_COMMAND = """\
from django.core.management.base import BaseCommand

from app.helpers import AuditMixin, Toucher


class Command(AuditMixin, Toucher, BaseCommand):
    def _touch_all(self, ids):
        self._log("touching")
        super()._touch_all(ids)

    def handle(self, *args, **options):
        self._touch_all(options["ids"])
"""


def test_super_reaches_the_base_that_defines_the_method_not_the_first(run_cli, tmp_path):
    """``super()._touch_all`` in ``Command(AuditMixin, Toucher, BaseCommand)`` runs
    ``Toucher._touch_all``: the call graph looks along the bases, so the helper's only
    caller is the command's and it is cold."""
    files = {
        "app/helpers.py": MIXED_BASES,
        "app/management/__init__.py": "",
        "app/management/commands/__init__.py": "",
        "app/management/commands/touch.py": MIXED_COMMAND,
    }
    project(tmp_path, files)
    assert helper_finding(lint(run_cli, tmp_path)) is None
    shown = helper_finding(lint(run_cli, tmp_path, "--show-all"))
    assert shown["path_kind"] == "cold: called from management command"


def test_a_helper_called_from_a_command_and_a_view_is_shown(run_cli, tmp_path):
    """Near miss: one hot caller is enough."""
    files = {
        "app/helpers.py": HELPER,
        "app/views.py": VIEW,
        "app/management/__init__.py": "",
        "app/management/commands/__init__.py": "",
        "app/management/commands/touch.py": COMMAND,
    }
    project(tmp_path, files)
    assert helper_finding(lint(run_cli, tmp_path))["path_kind"] == "hot"


def test_a_helper_also_called_from_code_of_unknown_kind_is_shown(run_cli, tmp_path):
    """Near miss: a caller nobody in the project calls (an entry point of unknown kind,
    such as a signal handler wired by name) may run per request."""
    service = "from app.helpers import touch_all\n\n\ndef sync(ids):\n    touch_all(ids)\n"
    files = {
        "app/helpers.py": HELPER,
        "app/service.py": service,
        "tests/test_helpers.py": TEST,
    }
    project(tmp_path, files)
    finding = helper_finding(lint(run_cli, tmp_path))
    assert finding is not None and finding["path_kind"] is None


def test_a_method_called_only_from_a_command_is_not_made_cold(run_cli, tmp_path):
    """Near miss: calls through receivers the index cannot resolve may reach a method
    from hot code, so only module-level helpers are made cold by their callers."""
    helper = HELPER.replace("def touch_all(ids):", "class Toucher:\n    def touch_all(self, ids):")
    helper = helper.replace("\n    conn", "\n        conn").replace("\n    for", "\n        for")
    helper = helper.replace("\n        conn.execute", "\n            conn.execute")
    command = COMMAND.replace(
        "from app.helpers import touch_all", "from app.helpers import Toucher"
    )
    command = command.replace("touch_all(options", "Toucher().touch_all(options")
    files = {
        "app/helpers.py": helper,
        "app/management/__init__.py": "",
        "app/management/commands/__init__.py": "",
        "app/management/commands/touch.py": command,
    }
    project(tmp_path, files)
    finding = helper_finding(lint(run_cli, tmp_path))
    assert finding is not None and finding["path_kind"] is None


# --- a parameter's size is the join of what its callers pass ---------------------------

CALLERS = """\
from app.helpers import touch_all

TABLES = ("users", "groups", "roles", "tags", "teams", "sites")


def index(request):
    touch_all(TABLES)


def other(request):
    touch_all(("a", "b", "c", "d", "e", "f"))
{extra}
"""


def test_every_caller_passing_a_constant_makes_the_loop_constant(run_cli, tmp_path):
    project(tmp_path, {"app/helpers.py": HELPER, "app/views.py": CALLERS.format(extra="")})
    document = lint(run_cli, tmp_path)
    assert helper_finding(document) is None
    assert document["summary"]["held_back"] == {"constant input": 1}
    shown = helper_finding(lint(run_cli, tmp_path, "--show-all"))
    assert shown["input_size"] == "constant" and "(constant input)" in shown["message"]


def test_one_caller_passing_a_whole_table_makes_it_unbounded(run_cli, tmp_path):
    extra = """

def everyone(request):
    touch_all(User.objects.all())
"""
    views = "from app.models import User\n" + CALLERS.format(extra=extra)
    project(tmp_path, {"app/helpers.py": HELPER, "app/views.py": views})
    finding = helper_finding(lint(run_cli, tmp_path))
    assert finding["input_size"] == "unbounded" and "(unbounded input)" in finding["message"]


def test_a_caller_passing_its_own_parameter_is_followed(run_cli, tmp_path):
    """Through one more call: ``relay(xs)`` passes its parameter on; relay's callers pass
    constants, so the loop is constant; a near miss passes request data instead."""
    relay = """\
from app.helpers import touch_all

NAMES = ("a", "b", "c", "d", "e", "f")


def relay(xs):
    touch_all(xs)


def index(request):
    relay(NAMES)
"""
    project(tmp_path, {"app/helpers.py": HELPER, "app/views.py": relay})
    assert lint(run_cli, tmp_path)["summary"]["held_back"] == {"constant input": 1}
    per_request = relay + '\n\ndef form(request):\n    relay(request.POST.getlist("x"))\n'
    (tmp_path / "app" / "views.py").write_text(per_request)
    finding = helper_finding(lint(run_cli, tmp_path))
    assert finding["input_size"] == "per-request"


def test_a_parameter_without_callers_stays_unknown(run_cli, tmp_path):
    project(tmp_path, {"app/helpers.py": HELPER})
    finding = helper_finding(lint(run_cli, tmp_path))
    assert finding["input_size"] == "unknown"


def test_a_long_lived_project_reuses_the_graph_only_while_the_buffer_s_calls_stay(tmp_path):
    """The language server's re-lint keeps the call graph between buffers (``GraphMemo``)
    while the buffer's graph facts are the same, and builds it again when they change: a
    request handler added to the buffer makes the helper hot, removing it makes it cold."""
    from throughlint.project import Project
    from throughlint.settings import Settings

    files = {
        "app/helpers.py": HELPER,
        "app/management/__init__.py": "",
        "app/management/commands/__init__.py": "",
        "app/management/commands/touch.py": COMMAND,
    }
    root = project(tmp_path, files)
    settings = Settings(project_root=str(root), show_all=True)
    lsp = Project(settings, str(root), use_cache=False)
    path = str(root / "app" / "helpers.py")
    handler = '\n\ndef index(request):\n    touch_all(request.POST.getlist("ids"))\n'

    def kind(text: str) -> str:
        [finding] = [d for d in lsp.lint_buffer(path, text) if d.code == "TL102"]
        return finding.path_kind

    cold = kind(HELPER)
    graph = lsp._graph.graph
    assert cold.startswith("cold")
    assert kind(HELPER.replace("seen = 1", "seen = 2")) == cold  # same calls: reused
    assert lsp._graph.graph is graph
    assert kind(HELPER + handler) == "hot"  # the buffer's own calls changed: rebuilt
    assert lsp._graph.graph is not graph
    assert kind(HELPER) == cold


def test_the_graph_is_kept_when_an_edit_only_moves_lines(tmp_path):
    """Lines moved in the buffer change its summaries' witness texts (``line 7``), not
    its calls: the graph is reused (it was rebuilt on every such re-lint, 0.13-0.19 s in a
    5,000-file project), and the findings are those of a fresh project."""
    from throughlint.project import Project
    from throughlint.settings import Settings

    files = {
        "app/helpers.py": HELPER,
        "app/management/__init__.py": "",
        "app/management/commands/__init__.py": "",
        "app/management/commands/touch.py": COMMAND,
    }
    root = project(tmp_path, files)
    settings = Settings(project_root=str(root), show_all=True)
    lsp = Project(settings, str(root), use_cache=False)
    path = str(root / "app" / "helpers.py")
    lsp.lint_buffer(path, HELPER)
    graph = lsp._graph.graph
    moved = "\n\n" + HELPER
    found = lsp.lint_buffer(path, moved)
    assert lsp._graph.graph is graph
    fresh = Project(settings, str(root), use_cache=False).lint_buffer(path, moved)
    assert found == fresh and any(d.code == "TL102" for d in found)
