"""Faults around the linter: a worker process dying, a broken or shared cache folder,
special files in the tree. The run reports every file or fails clearly; it never hangs
and never prints a traceback. All through the real CLI."""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

PROJECTS = Path(__file__).resolve().parents[2] / "fixtures" / "projects"
UNBOUNDED = "import queue\n\nq = queue.Queue()\n"

# SIGKILLs the worker process that lints a file mentioning KILL_WORKER; in the main
# process (no parent) it does nothing, so a fallback that lints in-process succeeds.
KILLER_RULE = '''
"""Kills its own worker process, like the OOM killer would."""
import ast
import multiprocessing
import os
import signal
from throughlint.rules.base import Rule

RULE = Rule(code="TL991", name="kills-its-worker", summary="dies", triggers=("KILL_WORKER",))


@RULE.on(ast.Name)
def die(checker, node):
    if multiprocessing.parent_process() is not None:
        os.kill(os.getpid(), signal.SIGKILL)
'''

# Makes every file slow to lint in a worker, so a test can kill a worker from outside.
SLOW_RULE = '''
"""Sleeps in worker processes."""
import ast
import multiprocessing
import time
from throughlint.rules.base import Rule

RULE = Rule(code="TL992", name="slow-on-purpose", summary="sleeps", triggers=("queue",))


@RULE.on(ast.Import)
def sleep(checker, node):
    if multiprocessing.parent_process() is not None:
        time.sleep(0.05)
'''


def _tree(root, count: int, text: str = UNBOUNDED) -> list[str]:
    names = []
    for index in range(count):
        package = root / f"pkg{index % 7}"
        package.mkdir(exist_ok=True)
        path = package / f"module_{index:04}.py"
        path.write_text(text)
        names.append(str(path.relative_to(root)))
    return names


def _diagnostics(completed) -> list[tuple[str, int, str]]:
    assert completed.stdout, completed.stderr
    document = json.loads(completed.stdout)
    return sorted((d["path"], d["line"], d["code"]) for d in document["diagnostics"])


def test_worker_killed_mid_run_still_reports_every_file(tmp_path, run_with_rules):
    names = _tree(tmp_path, 80)
    (tmp_path / names[37]).write_text(UNBOUNDED + "KILL_WORKER = 1\n")
    completed = run_with_rules(
        "--no-cache",
        "--jobs",
        "2",
        "--format",
        "json",
        ".",
        rules={"zz_killer": KILLER_RULE},
        timeout=60,
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    assert completed.returncode == 1, completed.stderr
    assert _diagnostics(completed) == sorted((name, 3, "TL201") for name in names)
    warnings = [line for line in completed.stderr.splitlines() if line]
    assert len(warnings) == 1 and "worker" in warnings[0], completed.stderr


def test_worker_killed_from_outside_never_hangs(tmp_path, run_with_rules):
    """SIGKILL a real worker while it works (what the OOM killer does): every file is
    still reported, or the run fails clearly; it finishes either way."""
    names = _tree(tmp_path, 120)
    result: dict[str, subprocess.CompletedProcess] = {}

    def lint():
        result["run"] = run_with_rules(
            "--no-cache",
            "--jobs",
            "2",
            "--format",
            "json",
            ".",
            rules={"zz_slow": SLOW_RULE},
            timeout=90,
        )

    before = set(_python_children())
    thread = threading.Thread(target=lint)
    thread.start()
    victim = None
    deadline = time.monotonic() + 30
    while victim is None and time.monotonic() < deadline:
        workers = [pid for pid in _python_children() if pid not in before and _is_worker(pid)]
        victim = workers[0] if workers else None
        time.sleep(0.05)
    assert victim is not None, "no worker process appeared"
    time.sleep(0.3)
    os.kill(victim, signal.SIGKILL)
    thread.join(120)
    assert not thread.is_alive(), "throughlint hung after a worker was killed"
    completed = result["run"]
    assert "Traceback" not in completed.stderr, completed.stderr
    if completed.returncode == 2:  # failing clearly is allowed; silently dropping files is not
        assert completed.stderr.strip()
    else:
        assert completed.returncode == 1
        assert _diagnostics(completed) == sorted((name, 3, "TL201") for name in names)


def _python_children() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    command = handle.read()
            except OSError:
                continue
            if b"boot.py" in command:
                pids.append(int(entry))
    return pids


def _is_worker(pid: int) -> bool:
    """A forked worker: its parent also runs boot.py."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        with open(f"/proc/{parent}/cmdline", "rb") as handle:
            return b"boot.py" in handle.read()
    except (OSError, ValueError, IndexError):
        return False


def test_fifo_in_the_tree_does_not_hang_the_run(tmp_path):
    (tmp_path / "fine.py").write_text(UNBOUNDED)
    os.mkfifo(tmp_path / "pipe.py")
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "throughlint", "--no-cache", "--format", "json", "."],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=20,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("throughlint blocked reading a FIFO named pipe.py")
    assert completed.returncode == 1, completed.stderr
    assert _diagnostics(completed) == [("fine.py", 3, "TL201")]


# --- the cache folder ----------------------------------------------------------------


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    names = _tree(tmp_path, 30)
    for index, name in enumerate(names):
        if index % 3 == 0:
            (tmp_path / name).write_text("import queue\n\nq = queue.Queue(maxsize=5)\n")
    return tmp_path


def _reference(run_cli, root):
    completed = run_cli("--no-cache", "--jobs", "1", "--format", "json", ".", cwd=root)
    return _diagnostics(completed)


def _cache_files(root):
    folder = root / ".throughlint_cache"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def test_cache_is_used_and_agrees_with_a_cold_run(run_cli, project):
    expected = _reference(run_cli, project)
    assert len(expected) == 20
    for _ in range(2):
        completed = run_cli("--format", "json", ".", cwd=project)
        assert completed.returncode == 1
        assert _diagnostics(completed) == expected
    assert _cache_files(project)


CORRUPT_CACHES = {
    "empty": b"",
    "binary": b"\x00\xff garbage \x80",
    "truncated": b'{"files": ',
    "odd-entry": b'{"files": {"x": 1}}',
}


def test_corrupt_cache_file_is_ignored(run_cli, project):
    expected = _reference(run_cli, project)
    run_cli("--format", "json", ".", cwd=project)
    [cache_file] = _cache_files(project)
    for name, garbage in CORRUPT_CACHES.items():
        cache_file.write_bytes(garbage)
        completed = run_cli("--format", "json", ".", cwd=project)
        assert "Traceback" not in completed.stderr, (name, completed.stderr)
        assert _diagnostics(completed) == expected, name
        json.loads(cache_file.read_text())  # rewritten whole


def test_cache_entries_with_the_right_hash_but_bad_results_are_ignored(run_cli, project):
    """A cache folder may come from an untrusted or older checkout: entries whose hash
    matches but whose results are malformed are a miss, not a crash."""
    expected = _reference(run_cli, project)
    run_cli("--format", "json", ".", cwd=project)
    [cache_file] = _cache_files(project)
    document = json.loads(cache_file.read_text())
    bad_results = ["garbage", [["TL201"]], [[None] * 10], [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], 7]
    for index, (key, entry) in enumerate(sorted(document["files"].items())):
        document["files"][key] = [entry[0], bad_results[index % len(bad_results)]]
    cache_file.write_text(json.dumps(document))
    completed = run_cli("--format", "json", ".", cwd=project)
    assert "Traceback" not in completed.stderr, completed.stderr
    assert completed.returncode == 1
    assert _diagnostics(completed) == expected


def test_unwritable_cache_folder_is_skipped(run_cli, project):
    # A plain file where the folder should be: cannot be created or written, even by root.
    (project / ".throughlint_cache").write_text("not a folder\n")
    expected = _reference(run_cli, project)
    for _ in range(2):
        completed = run_cli("--format", "json", ".", cwd=project)
        assert "Traceback" not in completed.stderr, completed.stderr
        assert completed.returncode == 1
        assert _diagnostics(completed) == expected
    assert (project / ".throughlint_cache").read_text() == "not a folder\n"


def test_cache_folder_inside_a_read_only_parent(run_cli, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root ignores permission bits; covered by the plain-file case")
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro" / "a.py").write_text(UNBOUNDED)
    os.chmod(tmp_path / "ro", 0o555)
    try:
        completed = run_cli("--format", "json", ".", cwd=tmp_path / "ro")
    finally:
        os.chmod(tmp_path / "ro", 0o755)
    assert completed.returncode == 1 and "Traceback" not in completed.stderr
    assert _diagnostics(completed) == [("a.py", 3, "TL201")]


def test_two_concurrent_runs_share_a_cache_and_stay_correct(project):
    """Two runs start together on one tree and one cache, while files change between
    rounds; every run's result equals a cold run's, and the cache stays valid JSON."""
    names = sorted(str(p.relative_to(project)) for p in project.rglob("*.py"))
    command = [sys.executable, "-m", "throughlint", "--format", "json", "--jobs", "1", "."]
    environment = {**os.environ, "NO_COLOR": "1"}
    for round_ in range(3):
        for index, name in enumerate(names):
            if (index + round_) % 4 == 0:
                bounded = (index + round_) % 8 == 0
                text = (
                    "import queue\n\n"
                    + ("\n" * round_)
                    + ("q = queue.Queue(maxsize=5)\n" if bounded else "q = queue.Queue()\n")
                )
                (project / name).write_text(text)
        cold = subprocess.run(
            [*command, "--no-cache"],
            cwd=project,
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
        )
        runs = [
            subprocess.Popen(
                command,
                cwd=project,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=environment,
            )
            for _ in range(2)
        ]
        for run in runs:
            stdout, stderr = run.communicate(timeout=120)
            assert "Traceback" not in stderr, stderr
            assert json.loads(stdout)["diagnostics"] == json.loads(cold.stdout)["diagnostics"]
        for cache_file in _cache_files(project):
            json.loads(cache_file.read_text())
    # The shared cache, once settled, serves a warm run with the same answer.
    warm = subprocess.run(
        command, cwd=project, capture_output=True, text=True, env=environment, timeout=120
    )
    assert json.loads(warm.stdout)["diagnostics"] == json.loads(cold.stdout)["diagnostics"]


def test_read_only_files_are_linted(run_cli, tmp_path):
    path = tmp_path / "frozen.py"
    path.write_text(UNBOUNDED)
    os.chmod(path, 0o444)
    completed = run_cli("--no-cache", "--format", "json", "frozen.py")
    assert completed.returncode == 1
    assert _diagnostics(completed) == [("frozen.py", 3, "TL201")]
    assert path.read_text() == UNBOUNDED


def test_tampered_index_facts_in_the_cache_never_crash_the_run(run_cli, tmp_path):
    """The cache also stores per-file project-index facts; a tampered entry (hash intact)
    must not crash the cross-file pass: a one-line error, every per-file finding still
    reported, and the next run heals."""
    shutil.copytree(PROJECTS / "django_shop", tmp_path / "django_shop")
    expected = _reference(run_cli, tmp_path)
    assert any(code == "TL101" for _, _, code in expected)
    run_cli("--format", "json", ".", cwd=tmp_path)
    [cache_file] = _cache_files(tmp_path)
    document = json.loads(cache_file.read_text())
    tampered = 0
    for entry in document["files"].values():
        if len(entry) >= 3:  # [digest, results, shared facts, own pending findings]
            entry[2] = {"c": "garbage", "f": {"x": "y"}}
            own = json.dumps({"p": [{"k": "call"}, 5, None]}).encode()
            entry[3:] = [base64.b64encode(own).decode()]  # stored as JSON in base64
            tampered += 1
    assert tampered
    cache_file.write_text(json.dumps(document))
    completed = run_cli("--format", "json", ".", cwd=tmp_path)
    assert "Traceback" not in completed.stderr, completed.stderr
    errors = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and "index" in errors[0], completed.stderr
    assert completed.returncode == 2
    assert completed.stdout  # the report is still printed
    healed = run_cli("--format", "json", ".", cwd=tmp_path)
    assert healed.returncode == 1, healed.stderr
    assert _diagnostics(healed) == expected


def test_ctrl_c_with_workers_exits_promptly_and_quietly(tmp_path):
    """Ctrl-C reaches the whole process group (the command and its workers): one line,
    exit 130, no worker tracebacks, no hang."""
    _tree(tmp_path, 1500, UNBOUNDED + "x = [i for i in range(10)]\n" * 40)
    process = subprocess.Popen(
        [sys.executable, "-m", "throughlint", "--no-cache", "--jobs", "2", "."],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(
        _is_worker_of(process.pid, pid) for pid in _all_pids()
    ):
        time.sleep(0.05)
    time.sleep(0.3)
    os.killpg(process.pid, signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("throughlint hung after Ctrl-C")
    assert process.returncode == 130, stderr
    assert stderr.strip() == "throughlint: interrupted", stderr


def _all_pids() -> list[int]:
    return [int(entry) for entry in os.listdir("/proc") if entry.isdigit()]


def _is_worker_of(parent: int, pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[1]) == parent
    except (OSError, ValueError, IndexError):
        return False
