"""``pytest --throughlint``: a lint item per Python file, the CLI's config and text format,
cached by content in pytest's cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

BAD = """
import queue

jobs = queue.Queue()
"""


def cache_hits(result) -> dict[str, bool]:
    reports = result.getreports("pytest_runtest_logreport")
    return {
        r.nodeid: dict(r.user_properties)["throughlint_cache"]
        for r in reports
        if r.when == "call" and "throughlint_cache" in dict(r.user_properties)
    }


def test_lint_items_fail_with_cli_text_and_are_cached(pytester: pytest.Pytester):
    pytester.makepyfile(work=BAD, test_clean="def test_ok():\n    assert True\n")
    result = pytester.inline_run("--throughlint")
    result.assertoutcome(passed=2, failed=1)
    (failed,) = result.getfailures()
    assert failed.nodeid == "work.py::throughlint"
    text = failed.longreprtext
    assert "work.py:3:8: TL201 [unbounded-queue]" in text
    assert "3 | jobs = queue.Queue()" in text
    assert cache_hits(result) == {
        "work.py::throughlint": False,
        "test_clean.py::throughlint": False,
    }
    # unchanged files come from the cache, failures included
    again = pytester.inline_run("--throughlint")
    again.assertoutcome(passed=2, failed=1)
    assert set(cache_hits(again).values()) == {True}
    assert "TL201" in again.getfailures()[0].longreprtext
    # an edit is re-linted; --cache-clear forgets everything
    pytester.makepyfile(work="import queue\n\njobs = queue.Queue(maxsize=10)\n")
    edited = pytester.inline_run("--throughlint")
    edited.assertoutcome(passed=3)
    assert cache_hits(edited)["work.py::throughlint"] is False
    cleared = pytester.inline_run("--throughlint", "--cache-clear")
    assert set(cache_hits(cleared).values()) == {False}


def test_lint_items_use_the_project_config(pytester: pytest.Pytester):
    pytester.makepyfile(work=BAD)
    pytester.makefile(
        ".toml",
        pyproject='[tool.throughlint]\nignore = ["TL201"]\nextend-exclude = ["skipped"]\n',
    )
    (pytester.path / "skipped").mkdir()
    (pytester.path / "skipped" / "more.py").write_text(BAD)
    result = pytester.runpytest("--throughlint", "-p", "no:cacheprovider", "skipped", "work.py")
    result.assert_outcomes(passed=1)


def test_ini_enables_lint_items_and_extra_paths(pytester: pytest.Pytester):
    (pytester.path / "src").mkdir()
    (pytester.path / "src" / "app.py").write_text(BAD)
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_a.py").write_text("def test_a():\n    pass\n")
    pytester.makeini("[pytest]\nthroughlint = true\nthroughlint_paths = src\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "tests", "-m", "throughlint", "-v")
    # lint-only: test modules are not imported, so nothing is collected to deselect
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines_random(
        ["*src/app.py::throughlint FAILED*", "*tests/test_a.py::throughlint PASSED*"]
    )


def test_without_the_option_there_are_no_lint_items(pytester: pytest.Pytester):
    pytester.makepyfile(work=BAD, test_clean="def test_ok():\n    pass\n")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_lint_only_runs_import_no_test_module_and_count_honestly(pytester: pytest.Pytester):
    """Defect 8 (counts): `-m throughlint` collects the lint items alone, extra paths
    included, and never imports a test module (this one cannot import)."""
    pytester.makepyfile(
        test_needs_settings="import os\nos.environ['DJANGO_SETTINGS_MODULE']\n\n"
        "def test_x():\n    pass\n",
        test_clean="def test_ok():\n    assert True\n",
    )
    (pytester.path / "src").mkdir()
    (pytester.path / "src" / "work.py").write_text(BAD.lstrip())
    (pytester.path / "src" / "more.py").write_text("x = 1\n")
    pytester.makeini("[pytest]\nthroughlint_paths = src\n")
    listed = pytester.runpytest("--throughlint", "-m", "throughlint", "--co", "-q")
    listed.stdout.fnmatch_lines(["4 tests collected*"])
    assert "deselected" not in listed.stdout.str()
    result = pytester.runpytest("--throughlint", "-m", "throughlint", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1)
    assert "KeyError" not in result.stdout.str()


LOOP = """\
import sqlite3


def sync(request, ids):
    conn = sqlite3.connect("app.db")
    for i in ids:
        conn.execute("SELECT name FROM users WHERE id = ?", (i,)).fetchone()
        conn.execute("UPDATE users SET seen = 1 WHERE id = ?", (i,))
"""


def test_lint_items_group_and_hold_back_as_the_cli_does(pytester: pytest.Pytester):
    """A loop is one finding; the same loop in a test file is cold: that item passes and
    the summary says what was held back (from the cache too)."""
    pytester.makepyfile(views=LOOP, test_sync=LOOP)
    pytester.makefile(".toml", pyproject="[tool.throughlint]\n")
    for _ in range(2):  # linted, then from the cache
        result = pytester.runpytest_subprocess("--throughlint")
        result.assert_outcomes(passed=1, failed=1)
        result.stdout.fnmatch_lines(
            [
                "views.py:6:5: TL102 ?per-item-write? 1 write and 1 query per item of `ids`*",
                "*throughlint: 1 held back: 1 cold path; show-all = true shows them.",
            ]
        )
        assert "views.py:7:" not in result.stdout.str()  # the calls are related lines only


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "xdist"])
def test_a_failed_lint_item_has_a_one_line_summary_on_ci(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, workers: list[str]
):
    # with $CI set pytest does not cut summary messages to one line: the whole report would
    # be printed twice, and JUnit's message attribute would hold all of it
    monkeypatch.setenv("CI", "true")
    pytester.makepyfile(work=BAD + "\nmore = queue.Queue()\n")
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest_subprocess(
        "--throughlint", "-p", "no:cacheprovider", "-rf", f"--junitxml={junit}", *workers
    )
    result.assert_outcomes(failed=1)
    summary = result.outlines[
        result.outlines.index(
            next(line for line in result.outlines if "short test summary info" in line)
        )
        + 1 :
    ]
    assert summary[0] == "FAILED work.py::throughlint - 2 throughlint findings (TL201 x2)"
    assert not any("TL201 [unbounded-queue]" in line for line in summary)
    assert sum("work.py:3:8: TL201 [unbounded-queue]" in line for line in result.outlines) == 1
    assert 'message="2 throughlint findings (TL201 x2)"' in junit.read_text()
    assert "work.py:5:8: TL201" in junit.read_text()  # the full report is the element's text


HELPER = """
import sqlite3


def load(connection: sqlite3.Connection, key):
    return connection.execute("SELECT v FROM t WHERE k = ?", (key,)).fetchone()
"""
CALLER = """
import sqlite3

from helper import load


def run_{n}(keys):
    connection = sqlite3.connect("x.db")
    return [load(connection, key) for key in keys]
"""


def test_lint_items_of_a_session_share_one_merge_of_the_project_index(
    pytester: pytest.Pytester, monkeypatch
):
    """Every lint item needs the project index for its cross-file findings: the stale
    files are linted together when the first item runs, with one merge of the index, not
    one merge per item (which made a session quadratic in the project's size)."""
    from throughlint.index.project import ProjectIndex

    pytester.makepyfile(helper=HELPER, **{f"caller{n}": CALLER.format(n=n) for n in range(6)})
    merges: list[int] = []
    finish = ProjectIndex.finish
    monkeypatch.setattr(
        ProjectIndex, "finish", lambda index, *reuse: merges.append(1) or finish(index, *reuse)
    )
    result = pytester.inline_run("--throughlint", "-p", "no:randomly")
    result.assertoutcome(passed=1, failed=6)
    for failure in result.getfailures():
        assert "TL101" in failure.longreprtext  # through `load()` in helper.py
    assert merges == [1]
    # an edit between two runs: every entry is stale (a cross-file finding may change with
    # any file of the project), and the items are linted again together
    no_loop = CALLER.format(n=0).replace("[load(connection, key) for key in keys]", "keys")
    pytester.makepyfile(caller0=no_loop)
    merges.clear()
    again = pytester.inline_run("--throughlint", "-p", "no:randomly")
    again.assertoutcome(passed=2, failed=5)
    assert not any(cache_hits(again).values())
    assert merges == [1]


def test_a_selection_of_lint_items_lints_only_their_files(pytester: pytest.Pytester, monkeypatch):
    """``-k`` picks one lint item: the batch holds the selected items' files only."""
    from throughlint.project import Project

    pytester.makepyfile(helper=HELPER, **{f"caller{n}": CALLER.format(n=n) for n in range(6)})
    batches: list[list[str]] = []
    results = Project.lint_buffer_results

    def spy(project, buffers, **options):
        batches.append(sorted(os.path.basename(path) for path in buffers))
        return results(project, buffers, **options)

    monkeypatch.setattr(Project, "lint_buffer_results", spy)
    result = pytester.inline_run("--throughlint", "-p", "no:cacheprovider", "-k", "caller3")
    result.assertoutcome(failed=1)
    assert batches == [["caller3.py"]]


def test_lint_items_skip_the_files_git_ignores_as_the_cli_does(pytester: pytest.Pytester):
    """A run over the project skips what git ignores (generated code, a vendored copy):
    ``pytest --throughlint`` collected a lint item for it anyway, which failed the session
    where ``throughlint .`` passed. A file git tracks is linted however the patterns match
    it, and so is an ignored one once the project turns ``respect-gitignore`` off."""
    subprocess.run(["git", "init", "-q", str(pytester.path)], check=True)
    pytester.makefile(".toml", pyproject="[tool.throughlint]\n")
    (pytester.path / ".gitignore").write_text("generated/\n*_pb2.py\n")
    (pytester.path / "generated").mkdir()
    (pytester.path / "generated" / "jobs.py").write_text(BAD)
    (pytester.path / "work.py").write_text(BAD)
    (pytester.path / "tracked_pb2.py").write_text(BAD)
    (pytester.path / "untracked_pb2.py").write_text(BAD)
    subprocess.run(["git", "-C", str(pytester.path), "add", "-f", "tracked_pb2.py"], check=True)
    cli = subprocess.run(
        [sys.executable, "-m", "throughlint", "--no-cache", "--format", "json", "."],
        cwd=pytester.path,
        capture_output=True,
        text=True,
    )
    linted = {d["path"] for d in json.loads(cli.stdout)["diagnostics"]}
    assert linted == {"work.py", "tracked_pb2.py"}, cli.stderr

    result = pytester.runpytest("--throughlint", "-m", "throughlint", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines_random(
        ["FAILED work.py::throughlint*", "FAILED tracked_pb2.py::throughlint*"]
    )

    pytester.makefile(".toml", pyproject="[tool.throughlint]\nrespect-gitignore = false\n")
    everything = pytester.runpytest("--throughlint", "-m", "throughlint", "-p", "no:cacheprovider")
    everything.assert_outcomes(failed=4)


def test_lint_items_outside_a_git_work_tree_are_every_python_file(pytester: pytest.Pytester):
    """Near miss: without git, a `.gitignore` decides nothing (as for the CLI)."""
    pytester.makefile(".toml", pyproject="[tool.throughlint]\n")
    (pytester.path / ".gitignore").write_text("generated/\n")
    (pytester.path / "generated").mkdir()
    (pytester.path / "generated" / "jobs.py").write_text(BAD)
    (pytester.path / "work.py").write_text(BAD)
    result = pytester.runpytest("--throughlint", "-m", "throughlint", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=2)


def test_lint_items_read_the_configuration_the_cli_reads_for_the_same_paths(
    pytester: pytest.Pytester,
):
    """pytest's rootdir is the folder of its ini file, which may sit above the project's
    ``pyproject.toml`` (a monorepo's ``pytest.ini``): the lint items read the settings
    from the first path pytest collects, as ``throughlint svc`` does, not from the
    rootdir, where there are none (the subproject's `ignore` was lost)."""
    pytester.makeini("[pytest]\n")
    (pytester.path / "svc").mkdir()
    (pytester.path / "svc" / "pyproject.toml").write_text(
        '[tool.throughlint]\nignore = ["TL201"]\n'
    )
    (pytester.path / "svc" / "work.py").write_text(BAD)
    (pytester.path / "other").mkdir()
    (pytester.path / "other" / "jobs.py").write_text(BAD)
    cli = [sys.executable, "-m", "throughlint", "--no-cache", "--format", "json"]
    for paths, shown in ((["svc"], set()), (["other"], {"other/jobs.py"})):
        completed = subprocess.run(
            [*cli, *paths], cwd=pytester.path, capture_output=True, text=True
        )
        assert {d["path"] for d in json.loads(completed.stdout)["diagnostics"]} == shown

    pytester.runpytest("--throughlint", "-p", "no:cacheprovider", "svc").assert_outcomes(passed=1)
    # near miss: the other folder has no configuration of its own, nor a parent with one
    pytester.runpytest("--throughlint", "-p", "no:cacheprovider", "other").assert_outcomes(failed=1)
    # a node id names its file: the settings are those of the file's project
    pytester.runpytest(
        "--throughlint", "-p", "no:cacheprovider", "svc/work.py::throughlint"
    ).assert_outcomes(passed=1)


STUB_WITH_A_BODY = """
import sqlite3

def record(conn: sqlite3.Connection, ids: list[int]) -> None:
    for i in ids:
        conn.execute("INSERT INTO t VALUES (?)", (i,))
        conn.commit()
"""


def test_stub_files_are_lint_items_as_the_cli_lints_them(pytester: pytest.Pytester):
    """``throughlint .`` lints ``.pyi`` files too, so ``pytest --throughlint`` does."""
    pytester.makefile(".toml", pyproject="[tool.throughlint]\n")
    pytester.makefile(".pyi", record=STUB_WITH_A_BODY)
    pytester.makefile(".pyi", clean="def f() -> None: ...\n")
    pytester.makefile(".txt", notes=STUB_WITH_A_BODY)  # near miss: not Python
    result = pytester.runpytest("--throughlint", "-m", "throughlint", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*record.pyi:4:5: TL103*"])


def test_the_order_of_the_arguments_does_not_choose_the_config(pytester: pytest.Pytester):
    """As ``throughlint``: the configuration is looked for from the folder the arguments
    share. ``tools/`` selects only TL2; named first, its configuration hid ``shop/``'s
    TL102."""
    pytester.makefile(".toml", pyproject="[tool.throughlint]\n")
    (pytester.path / "tools").mkdir()
    (pytester.path / "tools" / "pyproject.toml").write_text(
        '[tool.throughlint]\nselect = ["TL2"]\n'
    )
    (pytester.path / "tools" / "backfill.py").write_text(BAD)
    (pytester.path / "shop").mkdir()
    (pytester.path / "shop" / "report.py").write_text(
        "import sqlite3\n\n\ndef save(conn: sqlite3.Connection, rows):\n"
        "    for row in rows:\n"
        '        conn.execute("INSERT INTO t VALUES (?)", (row,))\n'
    )
    for order in (("tools", "shop"), ("shop", "tools")):
        result = pytester.runpytest_subprocess("--throughlint", "-p", "no:cacheprovider", *order)
        result.assert_outcomes(failed=2)
        assert "TL102" in result.stdout.str()
