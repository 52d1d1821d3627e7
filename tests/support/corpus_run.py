"""Lint large real corpora with the real command and record what happened.

    python tests/support/corpus_run.py                 # stdlib (with its test folder)
    python tests/support/corpus_run.py --download      # + five large sdists from PyPI
    python tests/support/corpus_run.py --json out.json PATH...

Corpora: the whole standard library of the running Python, including ``test/`` and its
deliberately broken files; with ``--download``, unpacked sdists fetched with ``pip
download --no-binary :all: --no-deps`` into ``--workdir`` (default
``/tmp/throughlint-corpus``; nothing is written inside the repository). Each corpus is
linted once by ``python -m throughlint --isolated --no-cache --format json``; the table
gives files, lines, seconds, diagnostics per rule, TL000s and internal errors (TL999),
and every TL000 is checked against CPython's own parser so none is spurious. Exit status
1 when any corpus has an internal error, a traceback, or a spurious TL000.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import warnings
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field

SDISTS = ("django", "sqlalchemy", "sympy", "twisted", "ansible-core")
DEFAULT_WORKDIR = os.path.join("/tmp", "throughlint-corpus")


@dataclass
class CorpusResult:
    name: str
    path: str
    files: int = 0
    lines: int = 0
    seconds: float = 0.0
    exit_code: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    tl000: int = 0
    internal_errors: int = 0
    spurious_tl000: list[str] = field(default_factory=list)
    stderr_tail: str = ""

    @property
    def ok(self) -> bool:
        return (
            self.internal_errors == 0  # -1: the run printed no report
            and not self.spurious_tl000
            and "Traceback" not in self.stderr_tail
            and self.exit_code in (0, 1, 2)
        )


def stdlib_corpus(workdir: str = DEFAULT_WORKDIR) -> tuple[str, str]:
    """A copy of the running Python's standard library (``test/`` included, site-packages
    not): the installed one may sit in a git work tree that ignores it (pyenv does)."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}"
    target = os.path.join(workdir, f"stdlib-{version}")
    if not os.path.isdir(target):
        shutil.copytree(
            sysconfig.get_paths()["stdlib"],
            target,
            symlinks=True,
            ignore=shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc"),
        )
    return f"stdlib {version}", target


def download_sdists(workdir: str, projects: tuple[str, ...] = SDISTS) -> list[tuple[str, str]]:
    """pip-download each project's sdist (once) and unpack it under ``workdir``."""
    archives = os.path.join(workdir, "sdists")
    unpacked = os.path.join(workdir, "unpacked")
    os.makedirs(archives, exist_ok=True)
    os.makedirs(unpacked, exist_ok=True)
    corpora = []
    for project in projects:
        existing = _archive_for(archives, project)
        if existing is None:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--no-binary",
                    ":all:",
                    "--no-deps",
                    "--dest",
                    archives,
                    project,
                ],
                check=True,
            )
            existing = _archive_for(archives, project)
        if existing is None:
            raise SystemExit(f"no sdist for {project} in {archives}")
        corpora.append(_unpack(existing, unpacked))
    return corpora


def _archive_for(folder: str, project: str) -> str | None:
    wanted = _normalise(project)
    for name in sorted(os.listdir(folder)):
        match = re.match(r"(.+?)-(\d[^-]*)\.(tar\.gz|zip)$", name)
        if match and _normalise(match.group(1)) == wanted:
            return os.path.join(folder, name)
    return None


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _unpack(archive: str, destination: str) -> tuple[str, str]:
    base = os.path.basename(archive).removesuffix(".tar.gz").removesuffix(".zip")
    target = os.path.join(destination, base)
    if not os.path.isdir(target):
        if archive.endswith(".zip"):
            with zipfile.ZipFile(archive) as handle:
                handle.extractall(destination)
        else:
            with tarfile.open(archive) as handle:
                handle.extractall(destination, filter="data")
    return base, target


def run_corpus(name: str, path: str, jobs: int | None = None) -> CorpusResult:
    result = CorpusResult(name, path)
    command = [
        sys.executable,
        "-m",
        "throughlint",
        "--isolated",
        "--no-cache",
        "--exit-zero",
        "--format",
        "json",
    ]
    if jobs:
        command += ["--jobs", str(jobs)]
    started = time.perf_counter()
    completed = subprocess.run(
        [*command, path], capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}
    )
    result.seconds = round(time.perf_counter() - started, 1)
    result.exit_code = completed.returncode
    result.stderr_tail = completed.stderr[-2000:]
    try:
        document = json.loads(completed.stdout)
    except ValueError:
        result.internal_errors = -1  # no report at all: the run itself failed
        return result
    result.files = document["summary"]["files"]
    codes = Counter(item["code"] for item in document["diagnostics"])
    result.by_rule = dict(sorted(codes.items()))
    result.tl000 = codes.get("TL000", 0)
    result.internal_errors = codes.get("TL999", 0)
    result.lines = _count_lines(path)
    broken = sorted({item["path"] for item in document["diagnostics"] if item["code"] == "TL000"})
    result.spurious_tl000 = [file for file in broken if _python_parses(file)]
    return result


def _count_lines(root: str) -> int:
    from throughlint.discovery import discover
    from throughlint.settings import Settings

    total = 0
    for file in discover([root], Settings(project_root=root, respect_gitignore=False)).files:
        try:
            with open(file, "rb") as handle:
                total += handle.read().count(b"\n")
        except OSError:
            pass
    return total


def _python_parses(path: str) -> bool:
    """CPython's own verdict, from the raw bytes (its own decoding, not ours)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError, RecursionError, OSError, UnicodeError):
        return False
    return True


def table(results: list[CorpusResult]) -> str:
    codes = sorted({code for r in results for code in r.by_rule if code not in ("TL000", "TL999")})
    header = ["corpus", "files", "lines", "time (s)", *codes, "TL000", "TL999", "spurious TL000"]
    rows = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    for r in results:
        cells = [
            r.name,
            f"{r.files:,}",
            f"{r.lines:,}",
            f"{r.seconds:.1f}",
            *(str(r.by_rule.get(code, 0)) for code in codes),
            str(r.tl000),
            str(r.internal_errors),
            str(len(r.spurious_tl000)),
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="extra corpora (folders) to lint")
    parser.add_argument("--download", action="store_true", help="also lint five PyPI sdists")
    parser.add_argument("--workdir", default=DEFAULT_WORKDIR, help="where sdists go")
    parser.add_argument("--no-stdlib", action="store_true", help="skip the standard library")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--json", help="write the results as JSON to this file")
    options = parser.parse_args(argv)
    corpora = [] if options.no_stdlib else [stdlib_corpus(options.workdir)]
    if options.download:
        corpora += download_sdists(options.workdir)
    corpora += [(os.path.basename(os.path.normpath(p)), p) for p in options.paths]
    results = []
    for name, path in corpora:
        print(f"linting {name} ({path}) ...", file=sys.stderr, flush=True)
        results.append(run_corpus(name, path, options.jobs))
    print(table(results))
    failed = [r for r in results if not r.ok]
    for r in failed:
        print(f"\n{r.name}: FAILED", file=sys.stderr)
        print(f"  spurious TL000: {r.spurious_tl000[:10]}", file=sys.stderr)
        print(f"  stderr: {r.stderr_tail}", file=sys.stderr)
    if options.json:
        with open(options.json, "w", encoding="utf-8") as handle:
            json.dump([asdict(r) for r in results], handle, indent=2)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
