"""Time throughlint beside its peers on the pinned corpus, in one alternating run.

    python3 bench/run.py                 # corpus, peer venv, 3 rounds, table on stdout
    python3 bench/run.py --rounds 5 --slow-sample 1
    python bench/run.py --only floor,tl_cold_1,tl_warm   # no peers: this interpreter, src/
    python bench/run.py --only floor,tl_cold,tl_warm,one --every 8   # a corpus slice

Every command runs as a child process, one after another in rounds (A B C ... A B C ...),
so a drift in the machine's speed hits every tool alike. Each run is measured from the
outside: wall time from a monotonic clock around the child, CPU (user + system) and peak
RSS from ``os.wait4`` (the peak of the largest single process the child waited for, not a
sum over its workers). A warm-up run of the quick commands is not counted (it writes
``.pyc`` files and fills throughlint's cache for the warm row). The table shows medians.

pylint + perflint and fixit are 20x-100x slower per line than flake8, so by default they
lint every 20th file of the corpus (``--slow-sample``) and are compared per line.

``--only`` runs some rows (keys: ``ROWS``); without a peer among them no venv is built and
throughlint runs as ``python -m throughlint`` with this interpreter and ``src/`` first on
its path (the working tree), the floor with this interpreter too. ``--every N`` runs the
rows on every Nth corpus file, copied to a project of its own (``bench/.slice``). The
one-file row lints a copy of its file alone in ``bench/.one-file``: in the corpus folder
it would belong to the corpus's project, whose other files' facts ``--no-cache`` collects.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

import corpus

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
VENV = os.path.join(HERE, ".venv")
PEERS = (
    "flake8==7.5.0",
    "ruff==0.17.6",
    "pylint==3.3.9",
    "perflint==0.8.1",
    "fixit==2.2.1",
)
FLOOR = """\
import ast, sys
with open(sys.argv[1], encoding="utf-8") as handle:
    paths = handle.read().split("\\n")
for path in paths:
    with open(path, "rb") as source:
        data = source.read()
    try:
        ast.parse(data, filename=path)
    except SyntaxError:
        pass
"""


@dataclass
class Command:
    name: str
    argv: list[str]
    lines: int
    files: int
    key: str = ""
    runs: list[tuple[float, float, float, int]] = field(default_factory=list)  # wall, cpu, MB, rc

    def median(self, index: int) -> float:
        return statistics.median(run[index] for run in self.runs)


# --- set-up -------------------------------------------------------------------------------


def venv_python() -> str:
    return os.path.join(VENV, "bin", "python")


def ensure_venv() -> None:
    """The peers (pinned) and this checkout of throughlint (editable), in bench/.venv."""
    wanted = "\n".join(PEERS) + f"\n-e {ROOT}\n"
    marker = os.path.join(VENV, ".bench-requirements")
    if os.path.exists(marker):
        with open(marker, encoding="utf-8") as handle:
            if handle.read() == wanted:
                return
    if not os.path.exists(venv_python()):
        print("creating bench/.venv ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    print("installing the peers and throughlint into bench/.venv ...", file=sys.stderr)
    subprocess.run(
        [venv_python(), "-m", "pip", "install", "-q", *PEERS, "-e", ROOT],
        check=True,
    )
    with open(marker, "w", encoding="utf-8") as handle:
        handle.write(wanted)


def tool(name: str) -> str:
    return os.path.join(VENV, "bin", name)


ROWS = ("floor", "tl_cold_1", "tl_cold", "tl_warm", "flake8", "ruff", "pylint", "fixit")
ROWS += ("version", "one")
PEER_ROWS = frozenset({"flake8", "ruff", "pylint", "fixit"})


def version_of(argv: list[str]) -> str:
    try:
        completed = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return "?"
    return (completed.stdout or completed.stderr).strip().splitlines()[0]


def machine() -> str:
    model = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        pass
    return f"{model}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}"


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no", "src"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return f"{head}{' + uncommitted changes in src/' if dirty else ''}"


# --- measuring ----------------------------------------------------------------------------


def measure(argv: list[str], cwd: str, env: dict[str, str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS in MB and exit code of one child run."""
    start = time.perf_counter()
    child = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _, status, usage = os.wait4(child.pid, 0)
    except BaseException:  # Ctrl-C: stop the child too, then report the finished rounds
        child.kill()
        child.wait()
        raise
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, child.returncode


def build_commands(
    files: list[str],
    lines: int,
    sample: list[str],
    sample_lines: int,
    work: str,
    jobs: int,
    venv: bool = True,
) -> list[Command]:
    list_file = os.path.join(work, "files.txt")
    with open(list_file, "w", encoding="utf-8") as handle:
        handle.write("\n".join(files))
    small = min(files, key=os.path.getsize)
    one = one_file_project(
        max((f for f in files if os.path.getsize(f) < 4000), key=os.path.getsize, default=small)
    )
    python = venv_python() if venv else sys.executable
    program = [tool("throughlint")] if venv else [sys.executable, "-m", "throughlint"]
    throughlint = [*program, "--isolated", "--exit-zero", "--quiet"]
    n, s = len(files), len(sample)
    return [
        Command(
            "ast.parse loop (floor, 1 process)",
            [python, "-c", FLOOR, list_file],
            lines,
            n,
            "floor",
        ),
        Command(
            "throughlint cold, --jobs 1",
            [*throughlint, "--no-cache", "--jobs", "1", *files],
            lines,
            n,
            "tl_cold_1",
        ),
        Command(
            f"throughlint cold, --jobs {jobs} (all cores)",
            [*throughlint, "--no-cache", "--jobs", str(jobs), *files],
            lines,
            n,
            "tl_cold",
        ),
        Command(
            "throughlint warm (cache, unchanged tree)",
            [*throughlint, "--jobs", str(jobs), *files],
            lines,
            n,
            "tl_warm",
        ),
        Command(
            "flake8 (default)",
            [tool("flake8"), "--isolated", "--exit-zero", *files],
            lines,
            n,
            "flake8",
        ),
        Command(
            "ruff --select ALL --no-cache",
            [
                tool("ruff"),
                "check",
                "--isolated",
                "--select",
                "ALL",
                "--no-cache",
                "--exit-zero",
                *files,
            ],
            lines,
            n,
            "ruff",
        ),
        Command(
            "pylint + perflint",
            [tool("pylint"), "--load-plugins=perflint", "--exit-zero", *sample],
            sample_lines,
            s,
            "pylint",
        ),
        Command("fixit lint", [tool("fixit"), "lint", *sample], sample_lines, s, "fixit"),
        Command("throughlint --version", [*program, "--version"], 0, 0, "version"),
        Command("throughlint, one file", [*throughlint, "--no-cache", one], 0, 1, "one"),
    ]


ONE_FILE = os.path.join(HERE, ".one-file")


def one_file_project(path: str) -> str:
    """A copy of ``path`` alone in a project folder of its own (``bench/.one-file``, with a
    ``pyproject.toml``), for the one-file row: linted where it is, the file belongs to the
    corpus folder's project, and ``--no-cache`` would collect the facts of every other
    corpus file first."""
    shutil.rmtree(ONE_FILE, ignore_errors=True)
    os.makedirs(ONE_FILE)
    corpus.write_project_file(
        os.path.join(ONE_FILE, "pyproject.toml"), '[project]\nname = "one-file"\nversion = "0"\n\n'
    )
    copy = os.path.join(ONE_FILE, os.path.basename(path))
    shutil.copyfile(path, copy)
    return copy


SLICE = os.path.join(HERE, ".slice")


def slice_project(files: list[str], every: int) -> tuple[str, list[str]]:
    """Every ``every``-th corpus file, copied with its folders under ``bench/.slice`` (with
    a ``pyproject.toml``): a project of its own, so a run over it collects no facts of
    the corpus files left out. The folder and the copied files."""
    shutil.rmtree(SLICE, ignore_errors=True)
    os.makedirs(SLICE)
    corpus.write_project_file(
        os.path.join(SLICE, "pyproject.toml"), '[project]\nname = "corpus-slice"\nversion = "0"\n\n'
    )
    copies = []
    for path in files[::every]:
        copy = os.path.join(SLICE, os.path.relpath(path, corpus.CORPUS))
        os.makedirs(os.path.dirname(copy), exist_ok=True)
        shutil.copyfile(path, copy)
        copies.append(copy)
    return SLICE, copies


def run(commands: list[Command], rounds: int, cwd: str, venv: bool = True) -> None:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # installed tools have .pyc files; so do we
    if not venv:  # the working tree, whatever this interpreter has installed
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, (os.path.join(ROOT, "src"), env.get("PYTHONPATH")))
        )
    for command in commands:
        if command.key in _WARM_UP:
            print(f"warm-up: {command.name} ...", file=sys.stderr, flush=True)
            measure(command.argv, cwd, env)
    try:
        for index in range(1, rounds + 1):
            for command in commands:
                print(f"round {index}/{rounds}: {command.name} ...", file=sys.stderr, flush=True)
                command.runs.append(measure(command.argv, cwd, env))
    except KeyboardInterrupt:
        finished = min(len(command.runs) for command in commands)
        if not finished:
            raise
        print(f"interrupted: reporting the {finished} finished rounds", file=sys.stderr)
        for command in commands:
            del command.runs[finished:]


# Not counted, run once first: throughlint writes its .pyc files (pip wrote the peers'
# at install) and fills its cache for the warm row. The slow peers are not warmed up:
# one of their runs is minutes, and a start-up is nothing beside it.
_WARM_UP = frozenset({"floor", "version", "one", "tl_warm"})


# --- the table ----------------------------------------------------------------------------


def table(commands: list[Command]) -> str:
    by_key = {command.key: command for command in commands}
    cold = by_key.get("tl_cold") or by_key.get("tl_cold_1") or commands[0]
    cold_rate = cold.lines / cold.median(0)
    rows = [
        "| command | files | lines | wall median s | CPU median s | lines/s (wall) "
        "| peak RSS MB | wall / throughlint cold | lines/s vs throughlint cold |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for command in commands:
        wall, cpu, rss = command.median(0), command.median(1), max(r[2] for r in command.runs)
        rate = f"{command.lines / wall:,.0f}" if command.lines else "-"
        per_line = f"{cold_rate / (command.lines / wall):.2f}x slower" if command.lines else "-"
        if command.lines and command.lines / wall > cold_rate:
            per_line = f"{(command.lines / wall) / cold_rate:.2f}x faster"
        rows.append(
            f"| {command.name} | {command.files} | {command.lines:,} | {wall:.3f} | {cpu:.3f} "
            f"| {rate} | {rss:.0f} | {wall / cold.median(0):.2f} | {per_line} |"
        )
    return "\n".join(rows)


def targets(commands: list[Command]) -> str:
    c = {command.key: command for command in commands}

    def rate(key: str) -> float:
        return c[key].lines / c[key].median(0)

    thorough = ("tl_cold_1", "tl_cold", "tl_warm")
    checks = [
        (
            "--jobs 1 cold <= 3x ast.parse (wall)",
            ("tl_cold_1", "floor"),
            lambda: c["tl_cold_1"].median(0) / c["floor"].median(0),
            3.0,
            "x",
        ),
        (
            "--jobs 1 cold <= 3x ast.parse (CPU)",
            ("tl_cold_1", "floor"),
            lambda: c["tl_cold_1"].median(1) / c["floor"].median(1),
            3.0,
            "x",
        ),
        (
            "all cores cold <= 0.5x flake8 (wall)",
            ("tl_cold", "flake8"),
            lambda: c["tl_cold"].median(0) / c["flake8"].median(0),
            0.5,
            "x",
        ),
        (
            "warm < 10% of cold (wall)",
            ("tl_warm", "tl_cold"),
            lambda: c["tl_warm"].median(0) / c["tl_cold"].median(0),
            0.10,
            "x",
        ),
        (
            "peak RSS < 500 MB (any throughlint row)",
            (),
            lambda: max(r[2] for k in thorough if k in c for r in c[k].runs),
            500,
            " MB",
        ),
        (
            "fixit per line >= 30x slower",
            ("tl_cold", "fixit"),
            lambda: rate("tl_cold") / rate("fixit"),
            -30,
            "x",
        ),
        (
            "pylint+perflint per line >= 30x slower",
            ("tl_cold", "pylint"),
            lambda: rate("tl_cold") / rate("pylint"),
            -30,
            "x",
        ),
        (
            "--version < 150 ms (wall)",
            ("version",),
            lambda: c["version"].median(0) * 1000,
            150,
            " ms",
        ),
        ("one-file lint < 150 ms (wall)", ("one",), lambda: c["one"].median(0) * 1000, 150, " ms"),
    ]
    if not any(k in c for k in thorough):
        checks = [check for check in checks if check[1]]
    lines = []
    for name, keys, measured, bound, unit in checks:
        if not all(key in c for key in keys):
            continue
        value = measured()
        met = value >= -bound if bound < 0 else value < bound or (unit == "x" and value == bound)
        lines.append(f"- {'met' if met else 'NOT met'}: {name}: {value:.2f}{unit}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="counted rounds (default 3)")
    parser.add_argument(
        "--slow-sample",
        type=int,
        default=20,
        help="pylint and fixit lint every Nth file (default 20; 1 = the whole corpus)",
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", help="also write the raw runs to this file")
    parser.add_argument("--only", help=f"comma-separated rows to run, of: {','.join(ROWS)}")
    parser.add_argument(
        "--every",
        type=int,
        default=1,
        help="every row on every Nth corpus file only, copied to a project of its own "
        "(bench/.slice); default 1, the whole corpus",
    )
    options = parser.parse_args()
    only = options.only.split(",") if options.only else list(ROWS)
    unknown = set(only) - set(ROWS)
    if unknown:
        parser.error(f"--only: unknown rows {', '.join(sorted(unknown))}")
    venv = bool(PEER_ROWS & set(only))

    folders = corpus.build()
    files = corpus.python_files(folders)
    work = corpus.CORPUS
    if options.every > 1:
        work, files = slice_project(files, options.every)
    sample = files[:: options.slow_sample]
    if venv:
        ensure_venv()
    shutil.rmtree(os.path.join(work, ".throughlint_cache"), ignore_errors=True)
    commands = build_commands(
        files,
        corpus.count_lines(files),
        sample,
        corpus.count_lines(sample),
        work,
        options.jobs,
        venv,
    )
    commands = [command for command in commands if command.key in only]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    measured = commit()  # at the start: others may commit while the rounds run
    run(commands, options.rounds, work, venv)
    rounds = len(commands[0].runs)
    print(f"## Benchmark: {started}, medians of {rounds} alternating rounds\n")
    print(f"- machine: {machine()}")
    print(f"- throughlint commit at the start: {measured}; Python {platform.python_version()}")
    if venv:
        versions = ", ".join(
            version_of([tool(name), "--version"]) for name in ("throughlint", "ruff", "pylint")
        )
        flake8 = version_of([tool("flake8"), "--version"])
        fixit = version_of([tool("fixit"), "--version"])
        print(f"- peers: {versions}; flake8 {flake8}; {fixit}; perflint 0.8.1")
    if options.every > 1:
        print(f"- every {options.every}th corpus file, as a project of its own ({work})")
    print(
        f"- corpus: {len(files)} files, {corpus.count_lines(files):,} lines; pylint and fixit: "
        f"every {options.slow_sample}th file ({len(sample)} files, "
        f"{corpus.count_lines(sample):,} lines)"
    )
    print(f"- load average at the end: {os.getloadavg()[0]:.2f}\n")
    print(table(commands))
    print("\nTargets (ARCHITECTURE.md, speed targets):\n")
    print(targets(commands))
    if options.json:
        with open(options.json, "w", encoding="utf-8") as handle:
            json.dump({c.key: {"name": c.name, "runs": c.runs} for c in commands}, handle)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
