"""Lint results depend only on the files, the settings and the flags: nothing a lint leaves
behind in a long-lived process (the language server, pytest, a library user) changes what
the next lint reports. Each case lints twice in this process, with the file system or the
rules changed in between, and compares with a fresh process (the real CLI)."""

from __future__ import annotations

import ast
import json
import shutil

from throughlint.config import load_settings
from throughlint.engine import lint_text
from throughlint.project import Project
from throughlint.rules import known_codes
from throughlint.rules.base import Rule

from conftest import FIXTURES

ETL = FIXTURES / "projects" / "dbapi_etl"
LOAD = "dbapi_etl/load.py"


def _in_process(root) -> list[tuple[int, str]]:
    """A new Project each time, as a new LSP workspace or pytest session would make."""
    path = root / LOAD
    settings = load_settings(None, str(path), known_codes())
    project = Project(settings, str(root), use_cache=False)
    return sorted((d.span.line, d.code) for d in project.lint_buffer(str(path), path.read_text()))


def _fresh_process(run_cli, root) -> list[tuple[int, str]]:
    completed = run_cli("--format", "json", "--no-cache", "dbapi_etl", cwd=root)
    assert completed.returncode in (0, 1), completed.stderr
    found = json.loads(completed.stdout)["diagnostics"]
    return sorted((d["line"], d["code"]) for d in found if d["path"] == LOAD)


def _etl(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    shutil.copytree(ETL, tmp_path / "dbapi_etl")
    return tmp_path


def test_a_package_made_after_a_lint_is_seen_by_the_next_lint(run_cli, tmp_path):
    # `from dbapi_etl.queries import fetch_user` resolves only once dbapi_etl is a package;
    # the folder's package was remembered for the whole process
    root = _etl(tmp_path)
    init = root / "dbapi_etl" / "__init__.py"
    init.unlink()
    before = _in_process(root)
    assert before == _fresh_process(run_cli, root)
    init.write_text("")
    after = _in_process(root)
    assert (25, "TL101") in after and (25, "TL101") not in before  # through fetch_user
    assert after == _fresh_process(run_cli, root)


def test_a_package_unmade_after_a_lint_is_not_seen_by_the_next_lint(run_cli, tmp_path):
    root = _etl(tmp_path)
    before = _in_process(root)
    (root / "dbapi_etl" / "__init__.py").unlink()
    after = _in_process(root)
    assert (25, "TL101") in before and (25, "TL101") not in after
    assert after == _fresh_process(run_cli, root)


def test_a_long_lived_project_sees_a_new_package_after_forget_files(run_cli, tmp_path):
    # the language server keeps one Project and calls forget_files() on every save
    root = _etl(tmp_path)
    init = root / "dbapi_etl" / "__init__.py"
    init.unlink()
    path = root / LOAD
    settings = load_settings(None, str(path), known_codes())
    project = Project(settings, str(root), use_cache=False)
    project.lint_buffer(str(path), path.read_text())
    init.write_text("")
    project.forget_files()
    found = sorted((d.span.line, d.code) for d in project.lint_buffer(str(path), path.read_text()))
    assert found == _fresh_process(run_cli, root)


def _probe(summary: str, seen: list[str], tag: str) -> Rule:
    rule = Rule(code="TL989", name="probe", summary=summary)

    @rule.on(ast.Call)
    def check(checker, node: ast.Call) -> None:
        seen.append(tag)

    return rule


def test_rules_equal_by_metadata_run_their_own_checks():
    # Rule values compare by metadata only; the walk's dispatch table was cached by that
    # equality, so a second rule object ran the first one's checks
    seen: list[str] = []
    for tag in ("first", "second", "third"):
        lint_text("f()\n", "probe_module.py", rules=[_probe("same metadata", seen, tag)])
    assert seen == ["first", "second", "third"]


def test_the_result_cache_is_keyed_by_module_name_as_well_as_content(run_cli, tmp_path):
    # facts name their module: an unchanged file under a folder that stops being a
    # package must not be served the facts cached while it was one
    root = _etl(tmp_path)
    run_cli("--format", "json", "dbapi_etl", cwd=root)  # warm the cache
    (root / "dbapi_etl" / "__init__.py").unlink()
    completed = run_cli("--format", "json", "dbapi_etl", cwd=root)
    found = json.loads(completed.stdout)["diagnostics"]
    warm = sorted((d["line"], d["code"]) for d in found if d["path"] == LOAD)
    assert (25, "TL101") not in warm
    assert warm == _fresh_process(run_cli, root)


def test_one_tree_walked_with_two_settings_answers_for_each():
    # a library user (or a front-end) walking one parsed tree under two settings: the
    # database classification of the last call was kept process-wide, by node alone
    from throughlint.checker import Checker, build_dispatch
    from throughlint.rules import rule_by_code
    from throughlint.settings import Settings
    from throughlint.source import decode_source, parse_source

    text = b"from db import fetch\n\n\ndef load(ids):\n    for i in ids:\n        fetch(i)\n"
    source = decode_source(text, "m.py")
    tree = parse_source(source)
    dispatch = build_dispatch([rule_by_code("TL101")])

    def codes(settings: Settings) -> list[str]:
        checker = Checker(source, tree, settings, dispatch, module="m")
        checker.run()
        return [d.code for d in checker.diagnostics]

    assert codes(Settings(query_functions=("db.fetch",))) == ["TL101"]
    assert codes(Settings()) == []
