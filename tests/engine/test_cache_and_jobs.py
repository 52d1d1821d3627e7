"""The content-hash cache and process parallelism give the same answers as a cold run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import throughlint
from throughlint.cache import build_digest, cache_name

BAD = "import queue\nq = queue.Queue()\n"


@pytest.fixture
def many(tmp_path):
    for index in range(60):
        body = BAD if index % 3 == 0 else "x = 1\n"
        (tmp_path / f"mod_{index:02}.py").write_text(body)
    return tmp_path


def diagnostics(run_cli, *args, cwd, env=None):
    completed = run_cli("--format", "json", *args, cwd=cwd, env=env)
    assert completed.returncode in (0, 1), completed.stderr
    return json.loads(completed.stdout)["diagnostics"]


def test_parallel_and_serial_runs_agree(run_cli, many):
    serial = diagnostics(run_cli, "--no-cache", "--jobs", "1", cwd=many)
    parallel = diagnostics(run_cli, "--no-cache", "--jobs", "2", cwd=many)
    assert serial == parallel
    assert len(serial) == 20


def test_cache_is_written_reused_and_invalidated_by_content(run_cli, many):
    cold = diagnostics(run_cli, cwd=many)
    cache_dir = many / ".throughlint_cache"
    [cache_file] = cache_dir.glob("*.json")
    assert (cache_dir / "CACHEDIR.TAG").exists() and (cache_dir / ".gitignore").read_text() == "*\n"
    assert diagnostics(run_cli, cwd=many) == cold
    # poison one cached entry: a warm run must use the cache (and so report the poison) ...
    data = json.loads(cache_file.read_text())
    key = next(k for k in data["files"] if k.endswith("mod_00.py"))
    data["files"][key][1][0][6] = "from the cache"
    cache_file.write_text(json.dumps(data))
    warm = diagnostics(run_cli, cwd=many)
    assert [d["message"] for d in warm if d["path"] == "mod_00.py"] == ["from the cache"]
    # ... until the file's content changes
    (many / "mod_00.py").write_text(BAD + "\n")
    fresh = diagnostics(run_cli, cwd=many)
    assert [d["message"] for d in fresh if d["path"] == "mod_00.py"] != ["from the cache"]
    assert diagnostics(run_cli, "--no-cache", cwd=many) == fresh


def test_settings_change_uses_a_different_cache(run_cli, many):
    assert diagnostics(run_cli, cwd=many)
    (many / "pyproject.toml").write_text("[tool.throughlint]\nignore = ['TL201']\n")
    assert diagnostics(run_cli, cwd=many) == []


def test_corrupt_or_unwritable_cache_is_ignored(run_cli, many):
    cold = diagnostics(run_cli, cwd=many)
    for cache_file in (many / ".throughlint_cache").glob("*.json"):
        cache_file.write_text("{not json")
    assert diagnostics(run_cli, cwd=many) == cold
    blocker = many / "blocked"
    blocker.write_text("a file where the cache folder should be")
    (many / "pyproject.toml").write_text("[tool.throughlint]\ncache-dir = 'blocked/cache'\n")
    assert diagnostics(run_cli, cwd=many) == cold


def test_no_cache_writes_nothing(run_cli, many):
    diagnostics(run_cli, "--no-cache", cwd=many)
    assert not (many / ".throughlint_cache").exists()


def test_a_cache_written_by_another_build_of_the_same_version_is_not_read(
    run_cli, many, tmp_path_factory
):
    """A development checkout edited between two runs (same version number: new facts,
    new messages) must not be answered from what the build before the edit cached."""
    build = tmp_path_factory.mktemp("build")
    shutil.copytree(
        Path(throughlint.__file__).parent,
        build / "throughlint",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    env = {"PYTHONPATH": str(build)}
    before = diagnostics(run_cli, cwd=many, env=env)
    assert before and "producers never wait" in before[0]["message"]
    rule = build / "throughlint" / "rules" / "unbounded_queue.py"
    rule.write_text(rule.read_text().replace("producers never wait", "producers NEVER wait"))
    after = diagnostics(run_cli, cwd=many, env=env)
    assert len(after) == len(before)
    assert all("producers NEVER wait" in d["message"] for d in after)
    assert len(list((many / ".throughlint_cache").glob("*.json"))) == 2


def test_the_build_digest_follows_the_package_files(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n")
    first = build_digest(str(package))
    (package / "a.py").write_text("x = 22\n")
    build_digest.cache_clear()
    assert build_digest(str(package)) != first
    assert build_digest() in cache_name("f") and cache_name("f").endswith("-f.json")


def test_a_saved_cache_is_written_again_only_after_a_change(tmp_path):
    """A long-lived project (the language server) saves after every re-lint: with nothing
    new it must not rewrite the whole file each time (it did, 9 MB per keystroke in a
    5,000-file project)."""
    from throughlint.cache import ResultCache

    cache = ResultCache(str(tmp_path / "cache"), "f")
    cache.put("a.py", "digest", [], {"f": {}})
    cache.save()
    written = Path(cache.path)
    assert written.exists()
    written.unlink()
    cache.save()  # nothing changed since the last save
    assert not written.exists()
    cache.put("b.py", "digest", [], None)
    cache.save()
    assert written.exists()
