"""``bulk_create`` on a model whose bases are in another module of the project: every
front-end (a one-file run with a cold and a warm cache, ``Project.lint_buffer``, the
language server's code actions) declines it for a multi-table-inheritance child and
offers it once the parent becomes abstract, from the project index."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from lsprotocol import types

from throughlint.config import load_settings
from throughlint.project import Project
from throughlint.rules import known_codes

MODELS = """\
from django.db import models


class Place(models.Model):
    name = models.CharField(max_length=20)
{meta}

class Restaurant(Place):
    serves = models.BooleanField(default=False)
"""
ABSTRACT = "\n    class Meta:\n        abstract = True\n"

APP = """\
from shop.models import Restaurant


def save(names):
    for name in names:
        Restaurant.objects.create(name=name, serves=True)
"""
DECLINED = (
    "`Restaurant` inherits the concrete model `Place` (multi-table inheritance): "
    "Django refuses `bulk_create` there"
)


def _project(root: Path, abstract: bool = False) -> Path:
    (root / "pyproject.toml").write_text("[tool.throughlint]\n")
    (root / "shop").mkdir(exist_ok=True)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "models.py").write_text(MODELS.format(meta=ABSTRACT if abstract else ""))
    (root / "app.py").write_text(APP)
    return root / "app.py"


def _fix(run_cli, root: Path) -> dict:
    completed = run_cli("--format", "json", "--unsafe-fixes", "app.py", cwd=root)
    assert completed.returncode == 1, completed.stderr
    (found,) = json.loads(completed.stdout)["diagnostics"]
    assert found["code"] == "TL102"
    return found["fix"]


def test_one_file_run_follows_the_bases_cold_warm_and_after_the_models_change(run_cli, tmp_path):
    _project(tmp_path)
    for _ in ("cold", "warm"):
        assert _fix(run_cli, tmp_path).get("declined") == DECLINED
    _project(tmp_path, abstract=True)  # app.py unchanged: its own result is cached
    fix = _fix(run_cli, tmp_path)
    assert "declined" not in fix
    assert fix["applicability"] == "unsafe"
    fixed = run_cli("--fix", "--unsafe-fixes", "app.py", cwd=tmp_path)
    after = (tmp_path / "app.py").read_text()
    assert "Restaurant.objects.bulk_create(" in after, fixed.stdout
    assert "[Restaurant(name=name, serves=True) for name in names]" in after


def test_lint_buffer_declines_for_a_child_and_offers_for_an_abstract_parent(tmp_path):
    for abstract in (False, True):
        path = _project(tmp_path, abstract)
        settings = load_settings(None, str(path), known_codes())
        project = Project.for_paths(settings, [str(path)], use_cache=False)
        (found,) = project.lint_buffer(str(path), APP)
        assert found.fix is not None
        assert found.fix.declined == ("" if abstract else DECLINED)
        assert found.fix.offered is abstract


def test_language_server_offers_no_code_action_for_a_child(tmp_path):
    from adoption.test_lsp import _in_process_session, _open

    path = _project(tmp_path)
    titles: list[list[str]] = []

    async def scenario(session) -> None:
        _open(session, path.as_uri(), APP)
        (published,) = await session.next_diagnostics(path.as_uri())
        actions = await session.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
                range=published.range,
                context=types.CodeActionContext(diagnostics=[published]),
            )
        )
        titles.append([action.title for action in actions])

    asyncio.run(_in_process_session(scenario, str(tmp_path)))
    assert titles == [["Suppress TL102 on this line (# noqa)"]]
