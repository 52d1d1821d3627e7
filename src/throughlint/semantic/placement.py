"""Where code runs: on a hot path (request handlers, tasks, consumers, scheduled jobs) or a
cold one (management commands, command-line packages, scripts, migrations, admin actions
and handlers only administrators reach: named so, gated on an administrators' group or
role, on the superuser or staff flag, or DRF's ``IsAdminUser``; start-up, tests,
factories, fixtures, example data).

Most of it is read from the file's path and the enclosing class and decorators. A
function's name alone can say one-off maintenance (``migrate``, ``upgrade_schema``,
``reindex_events``) or start-up registration (``setup``, ``install_defaults``); those
guesses are ``WEAK_COLD``: a hot caller found through the index overrides them.

The answer is "hot", "cold: <why>" or "" when nothing says either way. Findings on cold
paths are kept but left out of the default output (``relevance.py``): they run once per
deployment or per developer, not once per request.
"""

from __future__ import annotations

import ast
import os
from functools import lru_cache
from weakref import WeakKeyDictionary

from throughlint.semantic.expressions import call_tail, walk_nodes

HOT = "hot"
COLD = "cold"

# Decorators (the last name of the decorator, called or not) that make a function a
# request handler, task, consumer or scheduled job.
_HOT_DECORATORS = frozenset(
    {"route", "get", "post", "put", "patch", "delete", "api_route", "websocket", "api_view"}
    | {"action", "view_config", "task", "shared_task", "periodic_task", "actor", "job"}
    | {"scheduled_job", "cron", "subscriber", "consumer", "listener", "receiver", "handler"}
    | {"message_handler", "on_message", "agent", "stream_handler"}
)
_HOT_BASE_SUFFIXES = ("View", "ViewSet", "APIView", "Consumer", "Task", "Handler", "Endpoint")
_HOT_BASE_SUFFIXES += ("Resource", "Worker", "Servicer")
_HOT_FILES = frozenset({"views", "tasks", "consumers", "api", "routes", "handlers", "jobs"})
_HOT_FILES |= {"endpoints", "workers", "resources", "viewsets", "listeners"}

_COLD_DECORATORS = {
    "fixture": "cold: fixture",
    "command": "cold: command",
    "group": "cold: command",
    "register": "cold: admin action",
    "on_event": "cold: start-up registration",  # ``@app.on_event("startup")``
}
_COLD_BASES = {
    "BaseCommand": "cold: management command",
    "Migration": "cold: migration",
    "AppConfig": "cold: start-up",
    "ModelAdmin": "cold: admin action",
    "TabularInline": "cold: admin action",
    "StackedInline": "cold: admin action",
    "Factory": "cold: factory",
    "DjangoModelFactory": "cold: factory",
    "SQLAlchemyModelFactory": "cold: factory",
    "ModelFactory": "cold: factory",
    "TestCase": "cold: test",
    "TransactionTestCase": "cold: test",
    "SimpleTestCase": "cold: test",
    "APITestCase": "cold: test",
    "IsolatedAsyncioTestCase": "cold: test",
}
_DATA_WORDS = ("example", "sample_data", "demo_data", "seed", "fixtures", "populate")
_DATA_WORDS += ("loaddata", "bootstrap_data", "fake")
_DATA_FOLDERS = frozenset({"examples", "example", "demo_data", "sample_data", "faker"})
EXAMPLE_DATA = "cold: example data"
_CLI_FOLDERS = frozenset({"cli", "_cli", "_scripts", "bin"})
_CLI_STEMS = frozenset({"cli", "__main__"})

# Cold by the function's own name (leading underscores dropped), unless a hot caller
# reaches it through the index (``WEAK_COLD``: ``index/reach.py`` overrides them).
MAINTENANCE = "cold: maintenance"
REGISTRATION = "cold: start-up registration"
START_UP = "cold: start-up"
# a function a ``__main__`` guard calls: weak too (a hot caller elsewhere may import it)
SCRIPT = "cold: script"
WEAK_COLD = frozenset({MAINTENANCE, REGISTRATION, SCRIPT})
_MAINTENANCE_WORDS = ("migrate", "upgrade", "downgrade", "reindex", "backfill")
_REGISTRATION_NAMES = frozenset({"setup", "register", "autodiscover", "create_app", "init_app"})
# an ASGI lifespan and start-up / shut-down hooks (``@app.on_event("shutdown")``)
_REGISTRATION_NAMES |= {"lifespan", "startup", "shutdown", "on_startup", "on_shutdown"}
# not ``register_*``: registration also happens at run time (TL301's locked registries)
_REGISTRATION_WORDS = ("install", "setup", "autodiscover", "bootstrap")
# an application's start-up steps (``init_users``, ``init_db``, ``initialize``)
_REGISTRATION_WORDS += ("init", "initialize", "initialise")


def file_kind(path: str, root: str) -> str:
    """What a file's path alone says: tests, migrations, management commands, scripts,
    factories and example data are cold; "" otherwise."""
    return _file_kind(os.path.abspath(path), os.path.abspath(root))


@lru_cache(maxsize=4096)
def _file_kind(path: str, root: str) -> str:
    relative = os.path.relpath(path, root) if path.startswith(root + os.sep) else path
    parts = relative.replace(os.sep, "/").split("/")
    folders, name = parts[:-1], parts[-1]
    stem = name.rsplit(".", 1)[0]
    if (
        stem.startswith("test_")
        or stem.endswith("_test")
        or stem in ("conftest", "tests")
        or any(folder in ("tests", "test", "testing") for folder in folders)
    ):
        return "cold: test"
    if (
        any(folder.endswith("migrations") for folder in folders)  # _migrations, db_migrations
        or "alembic" in folders
        or stem in ("migration", "migrations")
        or stem.endswith(("_migration", "_migrations"))
    ):
        return "cold: migration"
    if "fake" in stem or "faker" in folders:
        return EXAMPLE_DATA  # before commands: a command that makes fake data is a loader
    if any(folder in _CLI_FOLDERS for folder in folders) or stem in _CLI_STEMS:
        return "cold: command line"
    if "admin" in folders:
        return "cold: admin action"
    if "management" in folders and "commands" in folders:
        return "cold: management command"
    if stem in ("factories", "factory") or "factories" in folders:
        return "cold: factory"
    if stem in ("manage", "setup", "conf", "noxfile", "fabfile") or "scripts" in folders:
        return "cold: script"
    if any(word in stem for word in _DATA_WORDS) or any(
        folder in _DATA_FOLDERS for folder in folders
    ):  # after commands: ``populate_owner`` is a backfill command, not demo data
        return EXAMPLE_DATA
    return ""


def script_entries(tree: ast.Module) -> frozenset[str]:
    """The module's functions that its ``if __name__ == "__main__":`` block calls by name
    (``main()``, ``sys.exit(run(sys.argv))``): script code. The rest of the module is
    not: a daemon's module with a guard also serves whoever imports it; the functions only
    the script's functions call are cold through the index (``index/reach.py``)."""
    defined = {s.name for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    called = {
        node.func.id
        for statement in _script_blocks(tree)
        for node in ast.walk(statement)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    return frozenset(called & defined)


def _script_blocks(tree: ast.Module) -> list[ast.stmt]:
    """The statements that run only as a script: the body of every top-level
    ``if __name__ == "__main__":`` and the ``else`` of ``if __name__ != "__main__":``."""
    blocks: list[ast.stmt] = []
    for statement in tree.body:
        if not isinstance(statement, ast.If):
            continue
        test = statement.test
        if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
            continue
        sides = [test.left, *test.comparators]
        if not (
            any(isinstance(n, ast.Name) and n.id == "__name__" for n in sides)
            and any(isinstance(n, ast.Constant) and n.value == "__main__" for n in sides)
        ):
            continue
        if isinstance(test.ops[0], ast.Eq):
            blocks.extend(statement.body)
        elif isinstance(test.ops[0], ast.NotEq):
            blocks.extend(statement.orelse)
    return blocks


def code_kind(
    path: str,
    function: ast.AST | None,
    classes: list[ast.ClassDef],
    file_cold: str,
    script: frozenset[str] = frozenset(),
    django: bool = False,
) -> str:
    """Where the code at this point of the walk runs (see the module docstring);
    ``script``: the functions a ``__main__`` guard calls (``script_entries``); ``django``:
    the module imports Django (an admin action is Django's)."""
    if file_cold:
        return file_cold
    if function is None:
        return "cold: module level"
    decorators = _decorator_names(function)
    bases = [name for class_def in classes for name in _base_names(class_def)]
    stem = os.path.splitext(os.path.basename(path))[0]
    for base in bases:
        if base in _COLD_BASES:
            return _COLD_BASES[base]
    if django and _admin_action(function):
        return "cold: admin action"
    if _admin_gated(function, classes):
        return "cold: admin action"
    if _is_hot(function, decorators, bases):
        return HOT
    for decorator in decorators:
        if decorator in _COLD_DECORATORS:
            return _COLD_DECORATORS[decorator]
    name = getattr(function, "name", "")
    by_name = name_kind(name)
    if by_name:
        return by_name
    if stem in _HOT_FILES:
        return HOT
    if name == "__init__":
        return START_UP  # weak (``weak_cold``): a form or a model built per request is hot
    if name.startswith("test_"):
        return "cold: test"
    if stem == "admin":
        return "cold: admin action"
    if not classes and name in script:
        return SCRIPT
    return ""


def weak_cold(kind: str, function: str) -> bool:
    """A cold placement that a hot caller found through the index overrides: one read from
    the function's name (``WEAK_COLD``), or a constructor's (``__init__`` runs at start-up
    for a service built once, per request for a form or a model built by a view)."""
    return kind in WEAK_COLD or (kind == START_UP and function.rsplit(".", 1)[-1] == "__init__")


def name_kind(name: str) -> str:
    """What a function's name alone says: one-off maintenance (``migrate``,
    ``upgrade_schema``, ``reindex_events``, ``_execute_data_migrations``) or start-up
    registration (``setup``, ``install_defaults``, ``run_auto_registration``, an
    application's ``init_users``); "" otherwise."""
    if name.startswith("__") and name.endswith("__"):
        return ""  # ``__init__``: a constructor, placed by ``code_kind``
    bare = name.lstrip("_").lower()
    words = bare.split("_")
    if words[0] in _MAINTENANCE_WORDS or "migration" in bare:
        return MAINTENANCE
    if bare in _REGISTRATION_NAMES or words[0] in _REGISTRATION_WORDS or "registration" in bare:
        return REGISTRATION
    return ""


def _is_hot(function: ast.AST, decorators: list[str], bases: list[str]) -> bool:
    if any(decorator in _HOT_DECORATORS for decorator in decorators):
        return True
    if any(base.endswith(_HOT_BASE_SUFFIXES) for base in bases):
        return True
    arguments = getattr(function, "args", None)
    first = [a.arg for a in (arguments.posonlyargs + arguments.args)] if arguments else []
    if first[:1] == ["self"]:
        first = first[1:]
    if getattr(function, "name", "").startswith("_"):
        return False  # a private helper is hot only through a handler that calls it
    return first[:1] in (["request"], ["req"])


def _admin_action(function: ast.AST) -> bool:
    """``@admin.action(...)`` (not DRF's ``@action``), or an action's own signature
    ``(modeladmin, request, queryset)``."""
    for decorator in getattr(function, "decorator_list", ()):
        node = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "action"
            and isinstance(node.value, ast.Name)
            and node.value.id == "admin"
        ):
            return True
    arguments = getattr(function, "args", None)
    names = [a.arg for a in (arguments.posonlyargs + arguments.args)] if arguments else []
    return names == ["modeladmin", "request", "queryset"]


_ADMIN_WORDS = frozenset({"admin", "administrator", "administrators", "superuser", "staff"})
# the words of a decorator that gates a handler on the user's group, role or permission
_GATE_WORDS = frozenset({"group", "groups", "role", "roles", "permission", "permissions"})
_GATE_WORDS |= {"perm", "perms", "required", "require", "requires"}
# the user flags that only administrators have
_ADMIN_FLAGS = frozenset({"is_superuser", "is_staff", "is_admin"})
# DRF permission classes that admit administrators only
_ADMIN_PERMISSIONS = frozenset({"IsAdminUser", "IsSuperUser", "IsSuperuser"})


def _admin_gated(function: ast.AST, classes: list[ast.ClassDef]) -> bool:
    """A request handler only administrators reach: a dependency that checks for one
    (``user=Depends(get_admin_user)``, ``dependencies=[Depends(check_admin)]``, also in
    ``Annotated[...]``), a decorator that requires one (``@superuser_required``,
    ``@staff_member_required``), or a DRF view whose ``permission_classes`` admit only
    administrators (``[IsAdminUser]``). Admin actions run rarely, by a few people."""
    arguments = getattr(function, "args", None)
    guards: list[ast.expr] = []
    if isinstance(arguments, ast.arguments):
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        guards += [a.annotation for a in every if a.annotation is not None]
        guards += [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]
    for decorator in getattr(function, "decorator_list", ()):
        if isinstance(decorator, ast.Call):
            guards += [k.value for k in decorator.keywords if k.arg == "dependencies"]
        if _admin_decorator(decorator):
            return True
    if any(_admin_dependency(guard) for guard in guards):
        return True
    name = getattr(function, "name", "")
    # an ``@action(permission_classes=[...])`` of its own replaces the view's
    own_permissions = any(
        keyword.arg == "permission_classes"
        for decorator in getattr(function, "decorator_list", ())
        if isinstance(decorator, ast.Call)
        for keyword in decorator.keywords
    )
    return any(
        (not own_permissions and _admin_permissions(class_def))
        or _admin_class_decorator(class_def, name)
        for class_def in classes
    )


def _admin_decorator(decorator: ast.expr) -> bool:
    """A decorator that admits administrators only: named so (``@staff_member_required``),
    a role or group gate whose every literal names an administrator
    (``@group_required("RDM Administrator")``, ``@roles_required("admin")``), a test of the
    user's superuser or staff flag (``@user_passes_test(lambda u: u.is_superuser)``), or
    Django's ``method_decorator`` around one of these."""
    if not isinstance(decorator, ast.Call):
        return _admin_named(decorator)
    if _admin_named(decorator.func):
        return True
    for keyword in decorator.keywords:  # DRF ``@action(permission_classes=[IsAdminUser])``
        if keyword.arg == "permission_classes" and _admin_permission_list(keyword.value):
            return True
    tail = call_tail(decorator.func)
    if tail == "method_decorator":
        return bool(decorator.args) and _admin_decorator(decorator.args[0])
    if tail == "user_passes_test":
        return bool(decorator.args) and _admin_test(decorator.args[0])
    words = set((tail or "").lower().split("_"))
    if not words & _GATE_WORDS:
        return False
    roles = [
        item
        for argument in decorator.args
        for item in (argument.elts if isinstance(argument, (ast.List, ast.Tuple)) else [argument])
    ]
    return bool(roles) and all(
        isinstance(role, ast.Constant)
        and isinstance(role.value, str)
        and _ADMIN_WORDS & set(role.value.lower().replace("-", " ").replace("_", " ").split())
        for role in roles
    )


def _admin_test(test: ast.expr) -> bool:
    """``lambda u: u.is_superuser`` (or ``is_staff``, alone or with ``and``), or a test
    function named for administrators (``is_admin``)."""
    if not isinstance(test, ast.Lambda):
        return _admin_named(test)
    body = test.body
    parts = body.values if isinstance(body, ast.BoolOp) and isinstance(body.op, ast.And) else [body]
    return any(isinstance(part, ast.Attribute) and part.attr in _ADMIN_FLAGS for part in parts)


def _admin_class_decorator(class_def: ast.ClassDef, method: str) -> bool:
    """``@method_decorator(staff_member_required, name="dispatch")`` on the class: every
    handler of the view (``dispatch``), or ``method`` named, is for administrators."""
    for decorator in class_def.decorator_list:
        if not (
            isinstance(decorator, ast.Call) and call_tail(decorator.func) == "method_decorator"
        ):
            continue
        named = next((k.value for k in decorator.keywords if k.arg == "name"), None)
        if not (isinstance(named, ast.Constant) and named.value in ("dispatch", method)):
            continue
        if decorator.args and _admin_decorator(decorator.args[0]):
            return True
    return False


def _admin_dependency(node: ast.expr) -> bool:
    """``Depends(get_admin_user)`` or ``Security(check_admin)`` anywhere in ``node``."""
    return any(
        isinstance(child, ast.Call)
        and call_tail(child.func) in ("Depends", "Security")
        and bool(child.args)
        and _admin_named(child.args[0])
        for child in walk_nodes(node)
    )


def _admin_named(node: ast.expr) -> bool:
    """``get_admin_user``, ``superuser_required``; not ``superuser_or_apiauth`` nor
    ``staff_or_owner``, which admit others too."""
    words = (call_tail(node) or "").lower().replace("-", "_").split("_")
    return "or" not in words and any(word in _ADMIN_WORDS for word in words)


def _admin_permissions(class_def: ast.ClassDef) -> bool:
    """The view's ``permission_classes`` admit only administrators (once per class)."""
    known = _ADMIN_VIEWS.get(class_def)
    if known is None:
        known = _ADMIN_VIEWS[class_def] = _admin_permission_classes(class_def)
    return known


_ADMIN_VIEWS: WeakKeyDictionary[ast.ClassDef, bool] = WeakKeyDictionary()


def _admin_permission_classes(class_def: ast.ClassDef) -> bool:
    for statement in class_def.body:
        if isinstance(statement, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "permission_classes" for t in statement.targets
        ):
            return _admin_permission_list(statement.value)
    return False


def _admin_permission_list(value: ast.expr) -> bool:
    """``[IsAuthenticated, IsAdminUser]``: DRF admits a request only when every class
    does, so one that admits administrators only is enough."""
    return isinstance(value, (ast.List, ast.Tuple)) and any(
        call_tail(e) in _ADMIN_PERMISSIONS for e in value.elts
    )


def _decorator_names(function: ast.AST) -> list[str]:
    names = []
    for decorator in getattr(function, "decorator_list", ()):
        node = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
        elif isinstance(node, ast.Name):
            names.append(node.id)
    return names


def _base_names(class_def: ast.ClassDef) -> list[str]:
    names = []
    for base in class_def.bases:
        if isinstance(base, ast.Attribute):
            names.append(base.attr)
        elif isinstance(base, ast.Name):
            names.append(base.id)
    return names
