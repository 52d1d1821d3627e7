"""Cold code the first placement did not see (issue 17, round 4): Alembic-style migration
folders, command-line packages, admin packages, one-off maintenance and start-up
registration by the function's name, and a hot caller overriding a name-only guess.
Each through the real command line, with near misses that stay shown."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from support.cli_projects import lint_json, write_project

PER_ITEM = """\
import sqlite3


def {name}(ids):
    conn = sqlite3.connect("app.db")
    for i in ids:
        conn.execute("UPDATE users SET seen = 1 WHERE id = ?", (i,))
"""


def project(root: Path, files: dict[str, str]) -> Path:
    return write_project(root, files)


def lint(run_cli, root: Path, *args: str) -> dict:
    return lint_json(run_cli, root, *args)


COLD_FILES = {
    "pkg/server/_migrations/versions/2022_04_25_replace.py": "cold: migration",
    "pkg/db_migrations/0003.py": "cold: migration",
    "pkg/storage/migration.py": "cold: migration",
    "pkg/core/old_data_migration.py": "cold: migration",
    "pkg/core/migrations.py": "cold: migration",  # a module of schema steps (m001_...)
    "pkg/cli/commands/db_command.py": "cold: command line",
    "pkg/_cli/run.py": "cold: command line",
    "pkg/_scripts/review.py": "cold: command line",
    "pkg/__main__.py": "cold: command line",
    "pkg/cli.py": "cold: command line",
    "pkg/users/admin/views.py": "cold: admin action",
}


@pytest.mark.parametrize("name", sorted(COLD_FILES))
def test_cold_files_are_held_back(run_cli, tmp_path, name):
    project(tmp_path, {name: PER_ITEM.format(name="run")})
    document = lint(run_cli, tmp_path)
    assert document["diagnostics"] == []
    assert document["summary"]["held_back"] == {"cold path": 1}
    (shown,) = lint(run_cli, tmp_path, "--show-all")["diagnostics"]
    assert shown["path_kind"] == COLD_FILES[name]


NEAR_MISS_FILES = [
    "pkg/migration_status.py",  # a module about migrations, not one
    "pkg/versions/api.py",  # a versions folder outside any migrations folder
    "pkg/client.py",
    "pkg/administration/service.py",
    "pkg/commands/dispatch.py",  # a bot's commands, not a command line
]


@pytest.mark.parametrize("name", NEAR_MISS_FILES)
def test_near_miss_files_are_shown(run_cli, tmp_path, name):
    project(tmp_path, {name: PER_ITEM.format(name="run")})
    (finding,) = lint(run_cli, tmp_path)["diagnostics"]
    assert finding["held_back"] is None


COLD_NAMES = {
    "migrate": "cold: maintenance",
    "upgrade": "cold: maintenance",
    "_upgrade_existing_database": "cold: maintenance",
    "reindex_events": "cold: maintenance",
    "_execute_data_migrations": "cold: maintenance",
    "setup": "cold: start-up registration",
    "_install_protected_blocks": "cold: start-up registration",
    "run_block_auto_registration": "cold: start-up registration",
    "create_app": "cold: start-up registration",
    "lifespan": "cold: start-up registration",
    "on_shutdown": "cold: start-up registration",
    "init_users": "cold: start-up registration",  # an application's start-up step
    "initialize": "cold: start-up registration",
}


@pytest.mark.parametrize("name", sorted(COLD_NAMES))
def test_functions_cold_by_name_are_held_back(run_cli, tmp_path, name):
    project(tmp_path, {"storage.py": PER_ITEM.format(name=name)})
    document = lint(run_cli, tmp_path)
    assert document["diagnostics"] == []
    assert document["summary"]["held_back"] == {"cold path": 1}
    (shown,) = lint(run_cli, tmp_path, "--show-all")["diagnostics"]
    assert shown["path_kind"] == COLD_NAMES[name]


@pytest.mark.parametrize(
    "name",
    # register_*: registration also happens at run time (tests/contention)
    [
        *("registered_users", "register_blocks", "migrated_count", "setups_for_user"),
        *("sync_installs", "shutdown_instances", "lifespan_of_token"),
        *("initial_orders", "reinit_users", "initials"),
    ],
)
def test_near_miss_names_are_shown(run_cli, tmp_path, name):
    project(tmp_path, {"storage.py": PER_ITEM.format(name=name)})
    (finding,) = lint(run_cli, tmp_path)["diagnostics"]
    assert finding["held_back"] is None and finding["path_kind"] is None


def test_a_route_named_like_maintenance_is_hot(run_cli, tmp_path):
    """Near miss: a hot decorator wins over the name."""
    source = PER_ITEM.format(name="upgrade_plan").replace(
        "\n\n\ndef", "\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.post('/up')\ndef"
    )
    project(tmp_path, {"billing.py": source})
    (finding,) = lint(run_cli, tmp_path)["diagnostics"]
    assert finding["path_kind"] == "hot"


VIEW = """\
from app.accounts import install_users


def signup(request):
    install_users(request.POST.getlist("ids"))
"""


def test_a_hot_caller_overrides_a_name_only_guess(run_cli, tmp_path):
    """``install_users`` looks like start-up registration, but a view calls it."""
    files = {"app/__init__.py": "", "app/accounts.py": PER_ITEM.format(name="install_users")}
    project(tmp_path, files)
    assert lint(run_cli, tmp_path)["diagnostics"] == []  # no caller: held back
    project(tmp_path, {"app/views.py": VIEW})
    (finding,) = lint(run_cli, tmp_path)["diagnostics"]
    assert (finding["path"], finding["path_kind"]) == ("app/accounts.py", "hot")


CLI_COMMAND = """\
from app.cleanup import run_cleanup


def cleanup(args):
    run_cleanup(args.tables)
"""


def test_a_helper_only_a_command_line_calls_is_cold(run_cli, tmp_path):
    files = {
        "app/__init__.py": "",
        "app/cleanup.py": PER_ITEM.format(name="run_cleanup"),
        "app/cli/__init__.py": "",
        "app/cli/db_command.py": CLI_COMMAND,
    }
    project(tmp_path, files)
    document = lint(run_cli, tmp_path)
    assert document["diagnostics"] == []
    (shown,) = lint(run_cli, tmp_path, "--show-all")["diagnostics"]
    assert shown["path_kind"] == "cold: called from command line"


# --- input sizes: classes the first inference called unknown -------------------------

SIZES = """\
import sqlite3
from enum import Enum

from app.data import DATA_MIGRATIONS


def work(request, ids, user, Status, plugin_registry, form, poll, backends):
    conn = sqlite3.connect("app.db")
    for name, migrate in DATA_MIGRATIONS.items():
        conn.execute("INSERT INTO m (v) VALUES (?)", (name,))
    for table in [user.table, request.table, ids[0]]:
        conn.execute("DELETE FROM stale WHERE name = ?", (table,))
    for field in user._meta.get_fields():
        conn.execute("INSERT INTO f (v) VALUES (?)", (field.name,))
    for value, label in Status.choices:
        conn.execute("INSERT INTO s (v) VALUES (?)", (value,))
    for name, field in form.base_fields.items():
        conn.execute("INSERT INTO b (v) VALUES (?)", (name,))
    for plugin in plugin_registry.values():
        conn.execute("INSERT INTO p (v) VALUES (?)", (plugin,))
    for backend in user.backends:
        conn.execute("INSERT INTO k (v) VALUES (?)", (backend,))
    for choice in poll.choices:
        conn.execute("INSERT INTO c (v) VALUES (?)", (choice,))
    for row in [*ids, 1]:
        conn.execute("INSERT INTO r (v) VALUES (?)", (row,))
    for name in registered_users(ids):
        conn.execute("INSERT INTO u (v) VALUES (?)", (name,))
    for plugin in poll.get_plugins():
        conn.execute("INSERT INTO g (v) VALUES (?)", (plugin,))
    for backend in backends:
        conn.execute("INSERT INTO h (v) VALUES (?)", (backend,))
"""


def test_more_input_sizes(run_cli, tmp_path):
    project(tmp_path, {"app/__init__.py": "", "app/data.py": "DATA_MIGRATIONS = {}\n"})
    project(tmp_path, {"app/views.py": SIZES})
    document = lint(run_cli, tmp_path, "--show-all")
    # findings at the call lines, one below each loop; the display of line 11 is a
    # fixed handful the loop model already leaves alone (per_pass.py): no finding
    sizes = {d["line"]: d["input_size"] for d in document["diagnostics"]}
    assert sizes == {
        10: "constant",  # an imported upper-case module constant
        14: "constant",  # a model's fields
        16: "constant",  # an enum's choices
        18: "constant",  # a form's declared fields
        20: "configured",  # what is registered
        22: "configured",  # installed backends
        24: "unknown",  # near miss: a relationship called ``choices``
        26: "unknown",  # near miss: a display with a starred parameter
        28: "unknown",  # near miss: ``registered_users(...)`` is not a registry
        30: "unknown",  # near miss: a call that may fetch rows (django-cms content plugins)
        32: "unknown",  # near miss: a parameter, whatever its name: its callers decide
    }


STORE = """\
import sqlite3


class Store:
    def __init__(self, tables):
        self._load(tables)

    def refresh(self, tables):
        self._sync(tables)

    def _load(self, tables):
        conn = sqlite3.connect("app.db")
        for table in tables:
            conn.execute("SELECT max(id) FROM ids WHERE t = ?", (table,)).fetchone()

    def _sync(self, tables):
        conn = sqlite3.connect("app.db")
        for table in tables:
            conn.execute("SELECT max(id) FROM ids WHERE t = ?", (table,)).fetchone()

    def public_load(self, tables):
        conn = sqlite3.connect("app.db")
        for table in tables:
            conn.execute("SELECT max(id) FROM ids WHERE t = ?", (table,)).fetchone()
"""


def test_a_private_method_only_start_up_calls_is_cold(run_cli, tmp_path):
    """``_load`` runs from ``__init__`` only; near misses: ``_sync`` is called from a
    public method of unknown kind, ``public_load`` is public (callers may be unseen)."""
    project(tmp_path, {"app/__init__.py": "", "app/store.py": STORE})
    document = lint(run_cli, tmp_path)
    assert [d["line"] for d in document["diagnostics"]] == [19, 24]
    assert document["summary"]["held_back"] == {"cold path": 1}
    shown = lint(run_cli, tmp_path, "--show-all")["diagnostics"]
    assert [(d["line"], d["path_kind"]) for d in shown] == [
        (14, "cold: called from start-up"),
        (19, None),
        (24, None),
    ]


SHUTDOWN_HOOK = """\
import sqlite3

from fastapi import FastAPI

app = FastAPI()


@app.on_event("shutdown")
def flush(ids=()):
    conn = sqlite3.connect("app.db")
    for i in ids:
        conn.execute("UPDATE users SET seen = 1 WHERE id = ?", (i,))
"""


def test_a_start_up_or_shut_down_hook_is_cold(run_cli, tmp_path):
    project(tmp_path, {"app/__init__.py": "", "app/main.py": SHUTDOWN_HOOK})
    assert lint(run_cli, tmp_path)["summary"]["held_back"] == {"cold path": 1}
    routed = SHUTDOWN_HOOK.replace('@app.on_event("shutdown")', '@app.post("/flush")')
    (tmp_path / "app" / "main.py").write_text(routed)  # near miss: a route
    (finding,) = lint(run_cli, tmp_path)["diagnostics"]
    assert finding["path_kind"] == "hot"


ADMIN_ROUTES = {
    "depends": "@router.post('/sync')\ndef sync(ids, user=Depends(get_admin_user)):",
    "annotated": (
        "@router.post('/sync')\ndef sync(ids, user: Annotated[User, Depends(check_admin)]):"
    ),
    "route dependencies": (
        "@router.post('/sync', dependencies=[Depends(require_admin_key)])\ndef sync(ids):"
    ),
    "decorator": "@superuser_required\ndef sync(request, ids):",
}

ADMIN_MODULE = """\
import sqlite3
from typing import Annotated

from fastapi import APIRouter, Depends

from app.auth import User, check_admin, get_admin_user, get_verified_user, require_admin_key
from app.auth import superuser_required

router = APIRouter()


{signature}
    conn = sqlite3.connect("app.db")
    for i in ids:
        conn.execute("UPDATE users SET seen = 1 WHERE id = ?", (i,))
"""


@pytest.mark.parametrize("shape", sorted(ADMIN_ROUTES))
def test_a_handler_only_administrators_reach_is_cold(run_cli, tmp_path, shape):
    source = ADMIN_MODULE.format(signature=ADMIN_ROUTES[shape])
    project(tmp_path, {"app/__init__.py": "", "app/routes.py": source})
    document = lint(run_cli, tmp_path)
    assert document["diagnostics"] == []
    assert document["summary"]["held_back"] == {"cold path": 1}
    (held,) = lint(run_cli, tmp_path, "--show-all")["diagnostics"]
    assert held["path_kind"] == "cold: admin action"


def test_a_handler_any_user_reaches_is_hot(run_cli, tmp_path):
    """Near miss: the same route behind a dependency that admits every signed-in user."""
    for guard in ("get_verified_user", "admin_or_owner"):
        signature = f"@router.post('/sync')\ndef sync(ids, user=Depends({guard})):"
        source = ADMIN_MODULE.format(signature=signature)
        project(tmp_path, {"app/__init__.py": "", "app/routes.py": source})
        (finding,) = lint(run_cli, tmp_path)["diagnostics"]
        assert finding["path_kind"] == "hot", guard


DRF_VIEWS = """\
import sqlite3

from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.views import APIView


class SyncView(APIView):
    permission_classes = [{permissions}]

    def post(self, request):
        conn = sqlite3.connect("app.db")
        for i in request.data["ids"]:
            conn.execute("UPDATE users SET seen = 1 WHERE id = ?", (i,))
"""


def test_a_drf_view_for_administrators_is_cold(run_cli, tmp_path):
    source = DRF_VIEWS.format(permissions="IsAuthenticated, IsAdminUser")
    project(tmp_path, {"app/__init__.py": "", "app/sync.py": source})
    assert lint(run_cli, tmp_path)["summary"]["held_back"] == {"cold path": 1}
    (tmp_path / "app" / "sync.py").write_text(DRF_VIEWS.format(permissions="IsAuthenticated"))
    (finding,) = lint(run_cli, tmp_path)["diagnostics"]  # near miss: any signed-in user
    assert finding["path_kind"] == "hot"


DJANGO_GATES = """\
import sqlite3

from django.contrib.auth.decorators import permission_required, user_passes_test
from django.utils.decorators import method_decorator
from django.views import View

from app.auth import group_required


{decorated}
{body}"""
GATED_BODY = """\
    conn = sqlite3.connect("app.db")
    for i in request.POST.getlist("ids"):
        conn.execute("UPDATE users SET seen = 1 WHERE id = ?", (i,))
"""


def gated_view(decorated: str) -> str:
    """The view module with ``decorated`` (a function's or a view class's first lines)."""
    body = textwrap.indent(GATED_BODY, "    ") if "class " in decorated else GATED_BODY
    return DJANGO_GATES.format(decorated=decorated, body=body)


ADMIN_GATES = {
    "group of administrators": '@group_required("RDM Administrator")\ndef sync(request):',
    "roles, all administrators": (
        '@group_required(["Application Administrator", "admin"])\ndef sync(request):'
    ),
    "superuser test": "@user_passes_test(lambda u: u.is_superuser)\ndef sync(request):",
    "active staff test": (
        "@user_passes_test(lambda u: u.is_active and u.is_staff)\ndef sync(request):"
    ),
    "on the view class": (
        '@method_decorator(group_required("RDM Administrator"), name="dispatch")\n'
        "class SyncView(View):\n    def post(self, request):"
    ),
}
OPEN_GATES = {
    "an editors' group": '@group_required("Resource Editor")\ndef sync(request):',
    "administrators or editors": (
        '@group_required("RDM Administrator", "Resource Editor")\ndef sync(request):'
    ),
    "a model permission": '@permission_required("app.change_user")\ndef sync(request):',
    "superuser or owner": (
        "@user_passes_test(lambda u: u.is_superuser or u.is_owner)\ndef sync(request):"
    ),
    "the class gates another method": (
        '@method_decorator(group_required("RDM Administrator"), name="delete")\n'
        "class SyncView(View):\n    def post(self, request):"
    ),
}


@pytest.mark.parametrize("shape", sorted(ADMIN_GATES))
def test_a_view_gated_to_administrators_is_cold(run_cli, tmp_path, shape):
    """A Django view whose decorator admits only an administrators' group or role, or
    users with the superuser or staff flag (``method_decorator`` on the view too)."""
    source = gated_view(ADMIN_GATES[shape])
    project(tmp_path, {"app/__init__.py": "", "app/auth.py": "", "app/views.py": source})
    document = lint(run_cli, tmp_path)
    assert document["diagnostics"] == []
    assert document["summary"]["held_back"] == {"cold path": 1}
    (held,) = lint(run_cli, tmp_path, "--show-all")["diagnostics"]
    assert held["path_kind"] == "cold: admin action"


@pytest.mark.parametrize("shape", sorted(OPEN_GATES))
def test_a_view_gated_to_other_users_is_hot(run_cli, tmp_path, shape):
    """Near misses: a gate that admits others too, or one on another method."""
    source = gated_view(OPEN_GATES[shape])
    project(tmp_path, {"app/__init__.py": "", "app/auth.py": "", "app/views.py": source})
    (finding,) = lint(run_cli, tmp_path)["diagnostics"]
    assert finding["path_kind"] == "hot"


DRF_ACTION = """\
import sqlite3

from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAdminUser
from rest_framework.viewsets import ViewSet


class SyncViewSet(ViewSet):
    permission_classes = [{view_permissions}]

    @action(detail=False, methods=["post"]{action_permissions})
    def sync(self, request):
        conn = sqlite3.connect("app.db")
        for i in request.data["ids"]:
            conn.execute("UPDATE users SET seen = 1 WHERE id = ?", (i,))
"""


@pytest.mark.parametrize(
    ("view_permissions", "action_permissions", "kind"),
    [
        ("AllowAny", ", permission_classes=[IsAdminUser]", "cold: admin action"),
        ("IsAdminUser", "", "cold: admin action"),
        ("IsAdminUser", ", permission_classes=[AllowAny]", "hot"),  # the action's own
    ],
)
def test_a_drf_action_takes_its_own_permissions(
    run_cli, tmp_path, view_permissions, action_permissions, kind
):
    source = DRF_ACTION.format(
        view_permissions=view_permissions, action_permissions=action_permissions
    )
    project(tmp_path, {"app/__init__.py": "", "app/sync.py": source})
    (finding,) = lint(run_cli, tmp_path, "--show-all")["diagnostics"]
    assert finding["path_kind"] == kind


FORM = """\
import sqlite3


class TagForm:
    def __init__(self, data):
        conn = sqlite3.connect("app.db")
        for name in data.getlist("tags"):
            conn.execute("INSERT INTO tags (name) VALUES (?)", (name,))
"""


def test_a_constructor_a_view_calls_is_hot(run_cli, tmp_path):
    """``__init__`` is start-up by itself (a service built once at import), but a form
    built by a view runs per request; near miss: built only at module level, it stays
    held back as start-up."""
    view = "from app.forms import TagForm\n\n\ndef tags(request):\n    TagForm(request.POST)\n"
    project(tmp_path, {"app/__init__.py": "", "app/forms.py": FORM, "app/views.py": view})
    (finding,) = lint(run_cli, tmp_path)["diagnostics"]
    assert finding["path_kind"] == "hot" and finding["line"] == 8
    module = "from app.forms import TagForm\n\nDEFAULT = TagForm({})\n"
    (tmp_path / "app" / "views.py").write_text(module)
    document = lint(run_cli, tmp_path)
    assert document["diagnostics"] == []
    (held,) = lint(run_cli, tmp_path, "--show-all")["diagnostics"]
    assert held["path_kind"] == "cold: start-up"
