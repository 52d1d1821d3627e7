"""Bad input never crashes the run: each is a TL000 or a one-line error, and every other
file is still linted (real CLI, real files)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

BAD_QUEUE = "import queue\nq = queue.Queue()\n"


def lint_json(run_cli, *args):
    completed = run_cli(*args, "--format", "json", "--no-cache")
    assert "Traceback" not in completed.stderr, completed.stderr
    return completed, json.loads(completed.stdout)


def tl000(data, name):
    return [d for d in data["diagnostics"] if d["code"] == "TL000" and d["path"].endswith(name)]


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "good.py").write_text(BAD_QUEUE)
    return tmp_path


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("syntax.py", b"def broken(:\n    pass\n", "syntax error"),
        ("latin.py", b"x = '\xe9t\xe9'\n", "cannot decode as utf-8"),
        ("nul.py", b"x = 1\x00\n", "binary file"),
        ("cookie.py", b"# -*- coding: klingon -*-\nx = 1\n", "encoding"),
        ("indent.py", b"if True:\npass\n", "syntax error"),
    ],
)
def test_unparseable_files_are_tl000_and_others_still_linted(run_cli, tree, name, content, message):
    (tree / name).write_bytes(content)
    completed, data = lint_json(run_cli)
    [error] = tl000(data, name)
    assert message in error["message"] and "\n" not in error["message"]
    assert error["severity"] == "error"
    assert any(d["code"] == "TL201" and d["path"] == "good.py" for d in data["diagnostics"])
    assert completed.returncode == 1


def test_declared_encoding_and_bom_are_honoured(run_cli, tree):
    (tree / "latin.py").write_bytes(
        b"# -*- coding: latin-1 -*-\nimport queue\ns = '\xe9'; q = queue.Queue()\n"
    )
    (tree / "bom.py").write_bytes(b"\xef\xbb\xbfimport queue\nq = queue.Queue()\n")
    _, data = lint_json(run_cli)
    found = {(d["path"], d["line"], d["column"]) for d in data["diagnostics"]}
    assert ("latin.py", 3, 14) in found  # columns count characters, not bytes
    assert ("bom.py", 2, 5) in found


def test_unreadable_file(run_cli, tree):
    if os.geteuid() == 0:  # root reads anything: run as `nobody` in a world-visible folder
        import shutil
        import tempfile

        tree = Path(tempfile.mkdtemp(prefix="throughlint-unreadable-"))
        try:
            tree.chmod(0o777)
            (tree / "good.py").write_text(BAD_QUEUE)
            (tree / "secret.py").write_text(BAD_QUEUE)
            (tree / "secret.py").chmod(0)
            data = _lint_as_unprivileged_user(tree)
        finally:
            shutil.rmtree(tree)
    else:
        (tree / "secret.py").write_text(BAD_QUEUE)
        (tree / "secret.py").chmod(0)
        data = json.loads(run_cli("--format", "json", "--no-cache").stdout)
    [error] = tl000(data, "secret.py")
    assert "cannot read file: Permission denied" in error["message"]
    assert any(d["path"] == "good.py" for d in data["diagnostics"])


def _lint_as_unprivileged_user(tree):
    """Fork, drop to ``nobody`` and run the real CLI entry point in the child."""
    import contextlib

    from throughlint.cli import main

    report = tree / "report.json"
    warm = ["--format", "json", "--no-cache", "--isolated", "-o", str(tree / "warm.json")]
    main(warm)  # import everything while the interpreter's files are still readable
    pid = os.fork()
    if pid == 0:  # child
        code = 3
        with contextlib.suppress(BaseException):
            os.chdir(tree)
            os.setgid(65534)
            os.setuid(65534)
            code = main(["--format", "json", "--no-cache", "--isolated", "-o", str(report)])
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1
    return json.loads(report.read_text())


def test_broken_symlink_is_reported(run_cli, tree):
    (tree / "dangling.py").symlink_to(tree / "nowhere.py")
    _, data = lint_json(run_cli)
    [error] = tl000(data, "dangling.py")
    assert "cannot read file" in error["message"]


def test_missing_path_is_a_one_line_error_and_the_rest_is_linted(run_cli, tree):
    completed, data = lint_json(run_cli, "good.py", "missing.py")
    assert completed.returncode == 2
    assert completed.stderr == "throughlint: error: missing.py: No such file or directory\n"
    assert data["summary"]["errors"] == ["missing.py: No such file or directory"]
    assert [d["path"] for d in data["diagnostics"]] == ["good.py"]


def test_directory_symlink_loop_terminates(run_cli, tree):
    (tree / "pkg").mkdir()
    (tree / "pkg" / "mod.py").write_text(BAD_QUEUE)
    (tree / "pkg" / "again").symlink_to(tree)  # a cycle back to the root
    (tree / "self_loop").symlink_to(tree / "self_loop")  # ELOOP
    completed, data = lint_json(run_cli)
    assert sorted(d["path"] for d in data["diagnostics"]) == ["good.py", "pkg/mod.py"]
    completed, data = lint_json(run_cli, "self_loop", "good.py")
    assert completed.returncode == 2
    assert "self_loop: Too many levels of symbolic links" in completed.stderr


def test_binary_file_with_py_suffix(run_cli, tree):
    (tree / "image.py").write_bytes(bytes(range(256)) * 4)
    _, data = lint_json(run_cli)
    [error] = tl000(data, "image.py")
    assert "binary file" in error["message"]


def test_empty_file_and_only_comments(run_cli, tree):
    (tree / "empty.py").write_bytes(b"")
    (tree / "comments.py").write_text("# nothing here\n")
    _, data = lint_json(run_cli)
    assert not tl000(data, "empty.py") and not tl000(data, "comments.py")


def test_a_missing_path_collects_no_project_facts(run_cli, tmp_path):
    """Only a missing file named: it is reported at once, without collecting the facts of
    every other file of the project for an index nothing will use."""
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    for number in range(3):
        (tmp_path / f"helper{number}.py").write_text("def load(i):\n    return i\n")
    completed = run_cli("missing.py", cwd=tmp_path)
    assert completed.returncode == 2
    assert "missing.py: No such file or directory" in completed.stderr
    assert "collected the facts" not in completed.stderr
