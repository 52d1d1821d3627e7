"""A one-file run sees the project's other files as they are now: their facts come from
the cache only while their content (by stat, then hash) is unchanged."""

from __future__ import annotations

import json
import shutil

from conftest import FIXTURES

SHOP = FIXTURES / "projects" / "django_shop"


def _lines(run_cli, root, *args, path="django_shop/services.py"):
    completed = run_cli("--format", "json", "-v", *args, cwd=root)
    assert completed.returncode in (0, 1), completed.stderr
    diagnostics = json.loads(completed.stdout)["diagnostics"]
    found = {(d["line"], d["code"]) for d in diagnostics if d["path"] == path}
    return found, completed.stderr


def test_an_edited_helper_reaches_a_one_file_run_through_the_warm_index(run_cli, tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    shutil.copytree(SHOP, tmp_path / "django_shop")
    services = "django_shop/services.py"
    cold, stderr = _lines(run_cli, tmp_path, services)
    assert "the project index was cold" in stderr
    warm, stderr = _lines(run_cli, tmp_path, services)
    assert warm == cold and "from the cache, 0 collected" in stderr
    assert (7, "TL101") in warm

    helpers = tmp_path / "django_shop" / "helpers.py"
    helpers.write_text(
        helpers.read_text().replace("return Author.objects.get(pk=author_id)", "return author_id")
    )
    edited, stderr = _lines(run_cli, tmp_path, services)
    assert (7, "TL101") not in edited
    assert "1 collected" in stderr  # only the edited file was read again
    assert edited == _lines(run_cli, tmp_path, "--no-cache", "django_shop")[0]


def test_a_deleted_helper_leaves_a_one_file_run_through_the_warm_index(run_cli, tmp_path):
    """The cache still holds the deleted file's facts: a run reads only the facts of files
    that exist, so the caller's cross-file finding goes, and comes back with the file."""
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    shutil.copytree(SHOP, tmp_path / "django_shop")
    services = "django_shop/services.py"
    _lines(run_cli, tmp_path, "django_shop")  # the whole project cached
    warm, _ = _lines(run_cli, tmp_path, services)
    assert (7, "TL101") in warm

    helpers = tmp_path / "django_shop" / "helpers.py"
    text = helpers.read_text()
    helpers.unlink()
    deleted, _ = _lines(run_cli, tmp_path, services)
    assert (7, "TL101") not in deleted
    assert deleted == _lines(run_cli, tmp_path, "--no-cache", "django_shop")[0]

    helpers.write_text(text)
    assert _lines(run_cli, tmp_path, services)[0] == warm


def test_a_long_lived_project_forgets_a_deleted_helper(tmp_path):
    """The language server's project keeps the other files' facts between re-lints: a
    helper deleted on disk is dropped from the next one's index (as a fresh project's)."""
    from throughlint.config import load_settings
    from throughlint.project import Project
    from throughlint.rules import known_codes

    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    shutil.copytree(SHOP, tmp_path / "django_shop")
    services = tmp_path / "django_shop" / "services.py"
    settings = load_settings(None, str(services), known_codes())
    project = Project(settings, str(tmp_path))

    def found(project: Project) -> list[tuple[int, str]]:
        text = services.read_text()
        return sorted((d.span.line, d.code) for d in project.lint_buffer(str(services), text))

    first = found(project)
    assert (7, "TL101") in first
    (tmp_path / "django_shop" / "helpers.py").unlink()
    after = found(project)
    assert (7, "TL101") not in after
    assert after == found(Project(settings, str(tmp_path), use_cache=False))
