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


NOT_READ = "other project file(s) not read"
LOOP = (
    "\n\nfrom django_shop.helpers import load_author\n\n\n"
    "def authors(ids):\n    return [load_author(i) for i in ids]\n"
)


def _findings(run_cli, root, *args):
    completed = run_cli("--format", "json", "--show-all", "-v", *args, cwd=root)
    assert completed.returncode in (0, 1), completed.stderr
    assert "Traceback" not in completed.stderr
    return json.loads(completed.stdout)["diagnostics"], completed.stderr


def test_an_edited_file_no_finding_of_which_needs_the_index_reads_no_other_facts(run_cli, tmp_path):
    """Pre-commit's usual edit: a file with no finding that another file decides. Its run
    reads neither the other files' facts nor the whole cache, and says so; once the edit
    gives it a finding through a helper, the index is read again; a warm full run after
    both agrees with a run without the cache."""
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    shutil.copytree(SHOP, tmp_path / "django_shop")
    _findings(run_cli, tmp_path, "django_shop")  # the whole project cached
    base = "django_shop/base.py"
    path = tmp_path / base
    path.write_text(path.read_text() + "# edited\n")
    found, stderr = _findings(run_cli, tmp_path, base)
    assert "facts of the 5 " + NOT_READ in stderr
    assert found == _findings(run_cli, tmp_path, "--no-cache", base)[0]

    path.write_text(path.read_text() + LOOP)  # now a loop over a helper of helpers.py
    found, stderr = _findings(run_cli, tmp_path, base)
    assert NOT_READ not in stderr and "5 from the cache" in stderr
    assert [d["code"] for d in found] == ["TL101"]
    assert found == _findings(run_cli, tmp_path, "--no-cache", base)[0]

    path.write_text(path.read_text() + "# again\n")
    warm, _ = _findings(run_cli, tmp_path, "django_shop")
    assert warm == _findings(run_cli, tmp_path, "--no-cache", "django_shop")[0]


def test_an_unchanged_file_after_its_edit_is_read_from_the_recent_entries(run_cli, tmp_path):
    """A run after the edit's finds the file's results among the recent entries, though
    the project snapshot's key for it is the old one (it looks there, not in the whole
    cache, and does not lint the file again)."""
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    shutil.copytree(SHOP, tmp_path / "django_shop")
    _findings(run_cli, tmp_path, "django_shop")
    base = "django_shop/base.py"
    path = tmp_path / base
    path.write_text(path.read_text() + "# edited\n")
    first, _ = _findings(run_cli, tmp_path, base)
    [whole] = (tmp_path / ".throughlint_cache").glob("*.json")
    entries = json.loads(whole.read_text())["files"]
    item = next(v[1][0] for k, v in entries.items() if k.endswith("views.py"))
    item[6] = "from the recent entries"  # a finding no run of base.py makes
    recent = whole.with_suffix(".recent")
    data = json.loads(recent.read_text())
    key = next(k for k in data["files"] if k.endswith("base.py"))
    data["files"][key][1] = [item]
    recent.write_text(json.dumps(data))
    assert first == []
    again, _ = _findings(run_cli, tmp_path, base)
    assert [d["message"] for d in again] == ["from the recent entries"]
