"""A one-file run served from the project snapshot imports only what it needs: no rule,
no checker, no engine, no project index (they are most of the start-up time). Seen with
the interpreter's own import log (``PYTHONPROFILEIMPORTTIME``) of the real command."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import FIXTURES

SHOP = FIXTURES / "projects" / "django_shop"
SERVED = "findings read from the project snapshot"
# what only linting a file or merging the index needs
HEAVY = re.compile(
    r"^throughlint\.(engine|checker|index(\..*)?|semantic(\..*)?|effects(\..*)?"
    r"|rules\.(?!_codes$).*)$"
)


def _imported(stderr: str) -> set[str]:
    return set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", stderr, re.M))


@pytest.fixture
def shop(tmp_path):
    shutil.copytree(SHOP, tmp_path / "django_shop")
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    return tmp_path


def _run(run_cli, root, *args):
    completed = run_cli(
        "--format", "json", "--preview", "--show-all", "-v", *args,
        cwd=root, env={"PYTHONPROFILEIMPORTTIME": "1"},
    )  # fmt: skip
    assert completed.returncode in (0, 1), completed.stderr
    assert "Traceback" not in completed.stderr
    return json.loads(completed.stdout)["diagnostics"], completed.stderr


def test_a_run_served_from_the_snapshot_imports_no_rule_and_no_engine(run_cli, shop):
    target = "django_shop/services.py"
    _run(run_cli, shop, "django_shop")  # writes the snapshot
    served, stderr = _run(run_cli, shop, target)
    assert SERVED in stderr
    imported = _imported(stderr)
    assert "throughlint.project" in imported  # the log is read
    assert sorted(name for name in imported if HEAVY.match(name)) == []
    expected, _ = _run(run_cli, shop, "--no-cache", target)
    assert served == expected and any(d["code"] == "TL101" for d in served)


def test_a_run_that_lints_imports_the_rules(run_cli, shop):
    """The same command on an edited file lints it: the rules and the engine are
    imported where they are used (the check above would see them)."""
    target = shop / "django_shop" / "services.py"
    _run(run_cli, shop, "django_shop")
    target.write_text(target.read_text() + "\n# edited\n")
    found, stderr = _run(run_cli, shop, "django_shop/services.py")
    assert SERVED not in stderr
    imported = _imported(stderr)
    assert {"throughlint.engine", "throughlint.rules.n_plus_one_query"} <= imported
    assert any(d["code"] == "TL101" for d in found)
