"""The result cache's recent entries (``cache.py``): a run that changes a few entries
writes them beside the cache instead of rewriting it whole; they are read only beside the
cache file they complete, and folded into it when they grow."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import FIXTURES

BAD = "import queue\nq = queue.Queue()\n"


@pytest.fixture
def many(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    for index in range(80):
        body = BAD if index % 3 == 0 else "x = 1\n"
        (tmp_path / f"mod_{index:02}.py").write_text(body)
    return tmp_path


def _diagnostics(run_cli, *args, cwd):
    completed = run_cli("--format", "json", *args, cwd=cwd)
    assert completed.returncode in (0, 1), completed.stderr
    assert "Traceback" not in completed.stderr
    return json.loads(completed.stdout)["diagnostics"]


def _files(root):
    folder = root / ".throughlint_cache"
    [whole] = folder.glob("*.json")
    return whole, whole.with_suffix(".recent")


def _edit(root, name, text=BAD):
    path = root / name
    path.write_text(path.read_text() + "\n" + text)


def _poison(recent, name):
    """The recent entry of ``name`` says something no run would."""
    data = json.loads(recent.read_text())
    key = next(k for k in data["files"] if k.endswith(name))
    data["files"][key][1][0][6] = "from the recent entries"
    recent.write_text(json.dumps(data))


def test_an_edit_writes_the_recent_entries_only(run_cli, many):
    _diagnostics(run_cli, ".", cwd=many)
    whole, recent = _files(many)
    before = (whole.read_bytes(), whole.stat().st_mtime_ns)
    _edit(many, "mod_00.py")
    found = _diagnostics(run_cli, "mod_00.py", cwd=many)
    assert (whole.read_bytes(), whole.stat().st_mtime_ns) == before  # not rewritten
    assert recent.exists()
    assert found == _diagnostics(run_cli, "--no-cache", "mod_00.py", cwd=many)
    assert _diagnostics(run_cli, ".", cwd=many) == _diagnostics(
        run_cli, "--no-cache", ".", cwd=many
    )


def test_the_recent_entries_are_read(run_cli, many):
    _diagnostics(run_cli, ".", cwd=many)
    _edit(many, "mod_00.py")
    _diagnostics(run_cli, "mod_00.py", cwd=many)
    _, recent = _files(many)
    _poison(recent, "mod_00.py")
    warm = _diagnostics(run_cli, ".", cwd=many)
    assert next(d["message"] for d in warm if d["path"] == "mod_00.py") == "from the recent entries"


def test_recent_entries_beside_another_cache_file_are_not_read(run_cli, many):
    """Written beside the cache as it was: once that file is rewritten (by another run,
    or by hand) or removed, they are stale."""
    _diagnostics(run_cli, ".", cwd=many)
    _edit(many, "mod_00.py")
    _diagnostics(run_cli, "mod_00.py", cwd=many)
    whole, recent = _files(many)
    _poison(recent, "mod_00.py")
    data = json.loads(whole.read_text())
    whole.write_text(json.dumps(data, indent=1))  # the same entries, another file
    found = _diagnostics(run_cli, ".", cwd=many)
    assert "from the recent entries" not in {d["message"] for d in found}
    assert found == _diagnostics(run_cli, "--no-cache", ".", cwd=many)
    # and a cache removed with its recent entries left behind
    _edit(many, "mod_03.py")
    _diagnostics(run_cli, "mod_03.py", cwd=many)
    whole, recent = _files(many)
    _poison(recent, "mod_03.py")
    whole.unlink()
    found = _diagnostics(run_cli, ".", cwd=many)
    assert "from the recent entries" not in {d["message"] for d in found}


def test_many_changes_rewrite_the_cache_whole(run_cli, many):
    _diagnostics(run_cli, ".", cwd=many)
    _edit(many, "mod_00.py")
    _diagnostics(run_cli, "mod_00.py", cwd=many)
    whole, recent = _files(many)
    assert recent.exists()
    for index in range(80):  # more than the recent entries hold (64)
        _edit(many, f"mod_{index:02}.py", "y = 2\n")
    found = _diagnostics(run_cli, ".", cwd=many)
    assert not recent.exists()
    entries = json.loads(whole.read_text())["files"]
    assert len(entries) == 80
    assert found == _diagnostics(run_cli, "--no-cache", ".", cwd=many)


def test_a_full_run_records_the_stat_of_every_file(run_cli, many):
    """A later run of one file finds every other file's content hash by its stat: it reads
    none of them again."""
    _diagnostics(run_cli, ".", cwd=many)
    whole, _ = _files(many)
    stats = json.loads(whole.read_text())["stat"]
    assert len(stats) == 80
    assert all(key.endswith(".py") for key in stats)


@pytest.fixture
def shop(tmp_path):
    shutil.copytree(FIXTURES / "projects" / "django_shop", tmp_path / "django_shop")
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    return tmp_path


@pytest.mark.parametrize("change", ["rename the helper", "make it query", "add a module"])
def test_another_files_facts_from_the_recent_entries(run_cli, shop, change):
    """Pre-commit lints the edited helper first, then its caller: the caller's run reads
    the helper's new facts from the recent entries, and agrees with a run without cache."""
    _diagnostics(run_cli, "django_shop", cwd=shop)
    target = "django_shop/services.py"
    before = _diagnostics(run_cli, target, cwd=shop)
    helpers = shop / "django_shop" / "helpers.py"
    text = helpers.read_text()
    if change == "rename the helper":
        helpers.write_text(text.replace("def load_author(", "def fetch_author("))
        linted = "django_shop/helpers.py"
    elif change == "make it query":
        helpers.write_text(
            text.replace(
                'return f"{book.title}: {book.pk}"',
                'return f"{book.title}: {Book.objects.filter(pk=book.pk).count()}"',
            )
        )
        linted = "django_shop/helpers.py"
    else:
        (shop / "django_shop" / "extra.py").write_text(
            "from django_shop.models import Author\n\n\ndef one(pk):\n"
            "    return Author.objects.get(pk=pk)\n"
        )
        linted = "django_shop/extra.py"
    _diagnostics(run_cli, linted, cwd=shop)
    _, recent = _files(shop)
    assert recent.exists()
    found = _diagnostics(run_cli, target, cwd=shop)
    assert found == _diagnostics(run_cli, "--no-cache", target, cwd=shop)
    assert (found != before) == (change != "add a module")  # the helper's edit is seen
    everything = _diagnostics(run_cli, "django_shop", cwd=shop)
    assert everything == _diagnostics(run_cli, "--no-cache", "django_shop", cwd=shop)


def test_the_whole_cache_is_read_only_for_an_entry_outside_the_recent_ones(tmp_path):
    from throughlint.cache import ResultCache

    folder = str(tmp_path / "cache")
    first = ResultCache(folder, "f").load()
    first.put("/p/a.py", "a1", [], {"f": {}})
    first.save()  # no cache file yet: written whole
    second = ResultCache(folder, "f").load()
    assert not second.whole_read
    second.put("/p/b.py", "b1", [])
    second.remember_stat("/p/b.py", (1, 2), "b-content")
    second.save()  # beside the whole file, which stays unread
    assert not second.whole_read
    third = ResultCache(folder, "f").load()
    assert third.get("/p/b.py", "b1") == [] and third.digest_by_stat("/p/b.py", (1, 2))
    assert third.get("/p/a.py", "a1", read=False) is None and not third.whole_read
    assert third.get("/p/a.py", "a1") == [] and third.whole_read
    assert third.get("/p/b.py", "b1") == []  # the recent entries still over the whole


def test_a_cache_written_whole_by_another_run_meanwhile_keeps_both_runs_entries(tmp_path):
    """An unread cache whose file another run rewrote before this one saves: this run's
    entries are added to that file's, never written over them from the few it read."""
    from throughlint.cache import ResultCache

    folder = str(tmp_path / "cache")
    first = ResultCache(folder, "f").load()
    first.put("/p/a.py", "a1", [])
    first.save()
    mine = ResultCache(folder, "f").load()
    other = ResultCache(folder, "f").load()
    for index in range(100):  # more than the recent entries hold: written whole
        other.put(f"/p/x{index}.py", "x", [])
    other.save()
    mine.put("/p/b.py", "b1", [])
    mine.save()
    final = ResultCache(folder, "f").load()
    assert final.get("/p/b.py", "b1") == []
    assert final.get("/p/x7.py", "x") == [] and final.get("/p/a.py", "a1") == []
