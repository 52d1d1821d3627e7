"""The project index's costs on a synthetic 5,051-file Django project (50 packages of 100
modules; helpers that query, callers that loop over them): a one-file run with a warm
index, and a language-server re-lint of a 1,000-line buffer.

    python bench/project_index.py [FOLDER]   # builds FOLDER (default: a temporary one)

Times are CPU seconds (user + system) of the child process, medians of 3 runs. The
child processes keep their bytecode in a folder of their own (``FOLDER-bytecode``, by
``PYTHONPYCACHEPREFIX``) even where ``PYTHONDONTWRITEBYTECODE`` is set: without it each
run compiles the modules it imports (0.24 s of an edited run's 0.67 s on 2026-12-06),
which an installed throughlint never does. The buffer re-lint is timed in-process after
a first lint that loads the index (an edit within a line, and an edit that moves every
line), beside the same buffer linted alone (the walk's own share).

The one-file run is timed three times: on an unchanged project after a full run (the
findings come from the project snapshot, ``snapshot.py``); with the file edited before
each run (pre-commit's shape: the snapshot misses, the index is merged and the call graph
built from the cached facts of the other files); and with a file that has no finding
edited (no other file's facts can change its findings: none are read).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def build(root: str) -> None:
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, "pyproject.toml"), "w") as handle:
        handle.write("[tool.throughlint]\n")
    for p in range(50):
        package = os.path.join(root, f"pkg{p:02}")
        os.makedirs(package, exist_ok=True)
        open(os.path.join(package, "__init__.py"), "w").close()
        for m in range(100):
            lines = ["from django.db import models"]
            if m == 0:
                lines += [
                    "",
                    "",
                    "class Author(models.Model):",
                    "    name = models.CharField(max_length=10)",
                    "",
                    "",
                    "class Book(models.Model):",
                    "    author = models.ForeignKey(Author, on_delete=models.CASCADE)",
                ]
            else:
                lines.append(f"from pkg{p:02}.mod000 import Author, Book")
                if m > 1:
                    lines.append(f"from pkg{p:02}.mod{m - 1:03} import load_{m - 1}")
                lines += [
                    "",
                    "",
                    f"def load_{m}(pk):",
                    "    return Author.objects.get(pk=pk)",
                    "",
                    "",
                    f"def titles_{m}():",
                    "    return [b.author.name for b in Book.objects.all()]",
                ]
                if m > 1:
                    lines += [
                        "",
                        "",
                        f"def run_{m}(ids):",
                        "    out = []",
                        "    for i in ids:",
                        f"        out.append(load_{m - 1}(i))",
                        "    return out",
                    ]
                for k in range(8):
                    lines += [
                        "",
                        "",
                        f"def plain_{k}(x):",
                        "    total = 0",
                        "    for y in range(x):",
                        "        total += y * 2",
                        "    return total",
                    ]
            with open(os.path.join(package, f"mod{m:03}.py"), "w") as handle:
                handle.write("\n".join(lines) + "\n")
    buffer = ["from pkg00.mod000 import Book", "from pkg00.mod001 import load_1"]
    n = 0
    while len(buffer) < 990:
        buffer += [
            "",
            "",
            f"def f_{n}(ids):",
            "    out = []",
            "    for i in ids:",
            "        out.append(load_1(i))",
            "    for b in Book.objects.all():",
            "        out.append(b.author.name)",
            "    return out",
        ]
        n += 1
    with open(os.path.join(root, "pkg00", "buffer.py"), "w") as handle:
        handle.write("\n".join(buffer) + "\n")  # fmt: skip


def child_environment(root: str) -> dict[str, str]:
    """The environment of the timed runs: bytecode cached (beside the project, not in
    it: the project's walk stays the same), as an installed package has it."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.abspath(root).rstrip(os.sep) + "-bytecode"
    return env


def cpu_of(argv: list[str], cwd: str) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, cwd=cwd, capture_output=True, check=False, env=child_environment(cwd))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def edited_runs(lint: list[str], root: str, relative: str, times: int = 3) -> list[float]:
    """CPU seconds of ``times`` one-file runs of ``relative``, a comment appended to it
    before each (so the cache misses it), the file restored afterwards."""
    path = os.path.join(root, relative)
    with open(path) as handle:
        original = handle.read()
    runs = []
    try:
        for edit in range(times):
            with open(path, "w") as handle:
                handle.write(f"{original}# edit {edit}\n")
            runs.append(cpu_of([*lint, relative], root))
    finally:
        with open(path, "w") as handle:
            handle.write(original)
    return runs


def main() -> int:
    root = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="tl-index-")
    if not os.path.exists(os.path.join(root, "pyproject.toml")):
        build(root)
    lint = [sys.executable, "-m", "throughlint", "-q", "--exit-zero"]
    print(f"project: {root}")
    print(f"full run, no cache: {cpu_of([*lint, '--no-cache', '.'], root):.2f} s CPU")
    cpu_of([*lint, "."], root)  # fills the cache: the index is warm from here on
    runs = [cpu_of([*lint, "pkg07/mod050.py"], root) for _ in range(3)]
    print(f"one file, warm index: {statistics.median(runs):.3f} s CPU (target 0.2)")
    runs = edited_runs(lint, root, "pkg07/mod051.py")
    print(f"one file, edited before each run, warm index: {statistics.median(runs):.3f} s CPU")
    runs = edited_runs(lint, root, "pkg07/mod000.py")  # the models: no finding of its own
    print(f"one file with no finding, edited before each run: {statistics.median(runs):.3f} s CPU")
    os.chdir(root)
    sys.path.insert(0, root)
    from throughlint.config import load_settings
    from throughlint.project import Project
    from throughlint.rules import known_codes

    path = "pkg00/buffer.py"
    with open(path) as handle:
        text = handle.read()
    settings = load_settings(None, path, known_codes())
    project = Project(settings, settings.project_root)
    project.lint_buffer(path, text)
    times = []
    for edit in range(3):
        edited = text.replace("out = []", "out = list()", edit + 1)
        start = time.process_time()
        project.lint_buffer(path, edited)
        times.append(time.process_time() - start)
    print(f"LSP re-lint, 1,000-line buffer: {statistics.median(times):.3f} s CPU (target 0.1)")
    times = []
    for edit in range(3):  # lines inserted at the top: every witness text's line moves
        start = time.process_time()
        project.lint_buffer(path, "\n" * (edit + 1) + text)
        times.append(time.process_time() - start)
    print(f"LSP re-lint after an edit that moves lines: {statistics.median(times):.3f} s CPU")
    from throughlint.engine import lint_text

    start = time.process_time()
    lint_text(text, path, settings)
    print(f"the same buffer alone, no index (lint_text): {time.process_time() - start:.3f} s CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
