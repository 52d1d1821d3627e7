"""A call of a function imported from a module outside the project (``requests.get``,
``Row(...)`` from a package that is not linted) is not a project callee: its file records
no edge, argument sizes or pending check for it (the 2,000-call ``add`` loop paid for
4,000 of them). Facts recorded so are collected again once such a module becomes part of
the project, whether the file is linted or only read for the index."""

from __future__ import annotations

import json
import textwrap

from throughlint.project import Project
from throughlint.settings import Settings

REPORT = """\
from shop.models import load_author


def names(ids):
    return [load_author(i).name for i in ids]
"""

SHOP = {
    "shop/__init__.py": "",
    "shop/models.py": """\
        from django.db import models


        class Author(models.Model):
            name = models.CharField(max_length=50)


        def load_author(author_id):
            return Author.objects.get(pk=author_id)
        """,
}

JOBS = """\
from tools.pools import fan_out


def run(orders):
    for order in orders:
        fan_out(order)
"""

POOLS = """\
from concurrent.futures import ThreadPoolExecutor


def fan_out(order):
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(str, order))
"""


def _write(root, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def _found(run_cli, root, *args):
    completed = run_cli("--format", "json", "--show-all", *args, cwd=root)
    assert completed.returncode in (0, 1), completed.stderr
    return {(d["path"], d["line"], d["code"]) for d in json.loads(completed.stdout)["diagnostics"]}


def test_a_library_function_gets_no_project_facts_but_stays_in_the_call_graph(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    _write(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/sync.py": """\
                import tracing
                from sqlalchemy.orm import Session

                from app.store import save
                from models import Row


                def run(session: Session, items):
                    for item in items:
                        tracing.mark(item)
                        session.add(Row(item=item))
                        save(item)
                """,
            "app/store.py": "def save(item):\n    return item\n",
        },
    )
    settings = Settings(project_root=str(tmp_path))
    project = Project(settings, str(tmp_path), use_cache=False, jobs=1)
    facts = project.lint_paths([str(tmp_path / "app" / "sync.py")]).facts
    own = facts[str(tmp_path / "app" / "sync.py")]
    pending = {item["callee"] for item in own["p"] if item["k"] == "call"}
    arguments = {callee for _, callee, *_ in own["a"]}
    # a method of another package's class may be overridden by a project subclass
    assert pending == {"app.store.save", "sqlalchemy.orm.Session().add"}
    assert arguments == {"app.store.save", "sqlalchemy.orm.Session().add"}
    assert own["external_modules"] == ["models", "tracing"]
    assert {"tracing.mark", "models.Row"} <= set(own["f"]["app.sync.run"][1])  # callees


def test_a_linted_file_is_linted_again_when_the_module_it_calls_joins_the_project(
    run_cli, tmp_path
):
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    (tmp_path / "report.py").write_text(REPORT)
    assert ("report.py", 5, "TL101") not in _found(run_cli, tmp_path, "report.py")
    _write(tmp_path, SHOP)
    warm = _found(run_cli, tmp_path, "report.py")
    assert ("report.py", 5, "TL101") in warm
    assert warm == _found(run_cli, tmp_path, "--no-cache", "report.py")


def test_an_index_file_is_read_again_when_the_module_it_calls_joins_the_project(run_cli, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    (tmp_path / "jobs.py").write_text(JOBS)
    (tmp_path / "other.py").write_text("X = 1\n")
    _found(run_cli, tmp_path, "other.py")  # jobs.py's facts cached while ``tools`` is absent
    _write(tmp_path, {"tools/__init__.py": "", "tools/pools.py": POOLS})
    warm = _found(run_cli, tmp_path, "tools/pools.py")
    assert ("tools/pools.py", 5, "TL203") in warm
    assert warm == _found(run_cli, tmp_path, "--no-cache", "tools/pools.py")
