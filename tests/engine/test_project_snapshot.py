"""The project snapshot (``snapshot.py``): a run over files of an unchanged project reads
their final findings instead of building the index again; any change to the project is a
miss, and the findings are those of a run without the cache."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from conftest import FIXTURES

SHOP = FIXTURES / "projects" / "django_shop"
SERVED = "findings read from the project snapshot"


def _run(run_cli, root, *args):
    completed = run_cli(
        "--format", "json", "--preview", "--show-all", "-v", *args, cwd=root
    )  # fmt: skip
    assert completed.returncode in (0, 1), completed.stderr
    assert "Traceback" not in completed.stderr
    return json.loads(completed.stdout)["diagnostics"], completed.stderr


def _findings(run_cli, root, *args):
    return _run(run_cli, root, *args)[0]


@pytest.fixture
def shop(tmp_path):
    shutil.copytree(SHOP, tmp_path / "django_shop")
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    return tmp_path


def test_a_file_of_an_unchanged_project_is_served_from_the_snapshot(run_cli, shop):
    target = "django_shop/services.py"
    expected = _findings(run_cli, shop, "--no-cache", target)
    assert any(d["code"] == "TL101" and d["line"] == 7 for d in expected)  # through helpers
    _run(run_cli, shop, "django_shop")  # a run of the project writes the snapshot
    served, stderr = _run(run_cli, shop, target)
    assert SERVED in stderr
    assert served == expected  # priorities, placements and messages included
    # the project again, and two files: each file's findings as a run without the cache
    again, stderr = _run(run_cli, shop, "django_shop")
    assert SERVED in stderr
    assert again == _findings(run_cli, shop, "--no-cache", "django_shop")
    pair = [target, "django_shop/views.py"]
    assert _run(run_cli, shop, *pair)[0] == _findings(run_cli, shop, "--no-cache", *pair)


def test_a_one_file_run_writes_the_snapshot_of_that_file(run_cli, shop):
    target = "django_shop/services.py"
    first, stderr = _run(run_cli, shop, target)
    assert SERVED not in stderr
    second, stderr = _run(run_cli, shop, target)
    assert SERVED in stderr and second == first
    assert SERVED not in _run(run_cli, shop, "django_shop/views.py")[1]  # not stored yet


def test_a_helper_edited_in_another_file_is_seen(run_cli, shop):
    target = "django_shop/services.py"
    _run(run_cli, shop, "django_shop")
    assert any(d["line"] == 7 and d["code"] == "TL101" for d in _findings(run_cli, shop, target))
    helpers = shop / "django_shop" / "helpers.py"
    helpers.write_text(
        helpers.read_text().replace("return Author.objects.get(pk=author_id)", "return author_id")
    )
    edited, stderr = _run(run_cli, shop, target)
    assert SERVED not in stderr
    assert not any(d["line"] == 7 and d["code"] == "TL101" for d in edited)
    assert edited == _findings(run_cli, shop, "--no-cache", target)


def _with_an_excluded_file(shop):
    """A file the walk skips (``build/`` is excluded by default) that a user can name."""
    build = shop / "build"
    build.mkdir()
    (build / "conf.py").write_text(
        "from django_shop.models import Book\n\n\n"
        "def totals():\n"
        "    for book in Book.objects.all():\n"
        "        book.author.name\n"
    )
    return "build/conf.py"


def test_a_named_file_outside_the_walk_is_served_from_the_snapshot(run_cli, shop):
    """A run that names a file the walk excludes (bench's corpus names SQLAlchemy's
    doc/build/conf.py) is part of the snapshot's state, so the same run again is served."""
    outside = _with_an_excluded_file(shop)
    named = ["django_shop", outside]
    expected = _findings(run_cli, shop, "--no-cache", *named)
    assert any(d["path"].endswith("conf.py") and d["code"] == "TL101" for d in expected)
    first, stderr = _run(run_cli, shop, *named)
    assert SERVED not in stderr and first == expected
    second, stderr = _run(run_cli, shop, *named)
    assert SERVED in stderr and second == expected
    # the state with the outside file is not the walk's: a run without it is a miss
    assert SERVED not in _run(run_cli, shop, "django_shop/services.py")[1]
    # and an edit of the outside file is a miss too
    conf = shop / outside
    conf.write_text(conf.read_text() + "\n")
    third, stderr = _run(run_cli, shop, *named)
    assert SERVED not in stderr
    assert third == _findings(run_cli, shop, "--no-cache", *named)


@pytest.mark.parametrize("change", ["add a module", "remove a module", "touch a module"])
def test_any_change_to_the_project_is_a_miss(run_cli, shop, change):
    target = "django_shop/services.py"
    _run(run_cli, shop, "django_shop")
    package = shop / "django_shop"
    if change == "add a module":
        (package / "extra.py").write_text("def f():\n    return 1\n")
    elif change == "remove a module":
        (package / "base.py").unlink()
    else:
        views = package / "views.py"
        views.write_text(views.read_text() + "\n")
    found, stderr = _run(run_cli, shop, target)
    assert SERVED not in stderr
    assert found == _findings(run_cli, shop, "--no-cache", target)


def test_a_cleared_cache_clears_the_snapshot(run_cli, shop):
    target = "django_shop/services.py"
    _run(run_cli, shop, "django_shop")
    [cache] = (shop / ".throughlint_cache").glob("*.json")
    cache.write_text("{}")
    found, stderr = _run(run_cli, shop, target)
    assert SERVED not in stderr
    assert found == _findings(run_cli, shop, "--no-cache", target)


@pytest.mark.parametrize("damage", ["garbage state", "odd state", "no results", "odd results"])
def test_a_damaged_snapshot_is_a_miss(run_cli, shop, damage):
    target = "django_shop/services.py"
    _run(run_cli, shop, "django_shop")
    folder = shop / ".throughlint_cache"
    [state] = folder.glob("*.project")
    [results] = folder.glob("*.results")
    if damage == "garbage state":
        state.write_bytes(b"\x00\xff{not json")
    elif damage == "odd state":
        data = json.loads(state.read_text())
        data["files"] = {path: [1, "x"] for path in data["files"]}
        state.write_text(json.dumps(data))
    elif damage == "no results":
        results.unlink()
    else:
        results.write_bytes(b"[" * results.stat().st_size)
    found, stderr = _run(run_cli, shop, target)
    assert SERVED not in stderr
    assert found == _findings(run_cli, shop, "--no-cache", target)
    assert SERVED in _run(run_cli, shop, target)[1]  # written again


def test_one_results_file_is_kept(run_cli, shop):
    for target in ("django_shop", "django_shop/services.py", "django_shop/views.py"):
        _run(run_cli, shop, target)
    views = shop / "django_shop" / "views.py"
    views.write_text(views.read_text() + "\n")
    _run(run_cli, shop, "django_shop/views.py")
    assert len(list((shop / ".throughlint_cache").glob("*.results"))) == 1


def test_a_cache_nested_too_deeply_is_ignored(run_cli, shop):
    """A tampered result cache of a deeply nested JSON array crashed the run (the decoder's
    RecursionError was not caught): it is treated as empty, like any corrupt cache."""
    target = "django_shop/services.py"
    expected = _findings(run_cli, shop, "--no-cache", target)
    _run(run_cli, shop, target)
    [cache] = (shop / ".throughlint_cache").glob("*.json")
    cache.write_text("[" * 100_000)
    assert _findings(run_cli, shop, target) == expected


# --- a long-lived project (the language server): the other files' facts kept in memory --


def _buffer_findings(project, path) -> list[tuple[int, str]]:
    return sorted((d.span.line, d.code) for d in project.lint_buffer(str(path), path.read_text()))


@pytest.mark.parametrize("use_cache", [True, False])
def test_a_long_lived_project_sees_a_helper_edited_on_disk(shop, use_cache):
    """Re-lints reuse the other files' facts while no file's stat changed: a helper edited
    on disk (another size, or the same size and another mtime) is seen by the next one."""
    from throughlint.config import load_settings
    from throughlint.project import Project
    from throughlint.rules import known_codes

    services = shop / "django_shop" / "services.py"
    helpers = shop / "django_shop" / "helpers.py"
    settings = load_settings(None, str(services), known_codes())
    project = Project(settings, str(shop), use_cache=use_cache)

    def fresh() -> list[tuple[int, str]]:
        return _buffer_findings(Project(settings, str(shop), use_cache=False), services)

    first = _buffer_findings(project, services)
    assert (7, "TL101") in first
    assert _buffer_findings(project, services) == first
    original = helpers.read_text()
    query = "return Author.objects.get(pk=author_id)"
    plain = "return author_id".ljust(len(query))  # the same size: only the mtime differs

    def write(text: str, later: int) -> None:
        before = helpers.stat()
        helpers.write_text(text)
        assert helpers.stat().st_size == before.st_size
        os.utime(helpers, ns=(before.st_atime_ns, before.st_mtime_ns + later * 10**9))

    write(original.replace(query, plain), 1)
    edited = _buffer_findings(project, services)
    assert (7, "TL101") not in edited and edited == fresh()
    write(original, 2)
    again = _buffer_findings(project, services)
    assert again == first == fresh()
    helpers.write_text(original.replace(query, "return 0"))  # another size
    assert _buffer_findings(project, services) == edited
