"""Safety over the wild: apply ``--fix --unsafe-fixes`` to a copy of a large real tree
(this machine's standard library by default), then check that every changed file still
compiles and that a second run changes nothing. Prints the numbers; exits 1 on failure.

    python tests/support/fix_corpus.py [--source DIR] [--keep DIR] [--jobs N]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import warnings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temp dir)")
    parser.add_argument("--jobs", default=str(os.cpu_count() or 1))
    options = parser.parse_args(argv)
    work = options.keep or tempfile.mkdtemp(prefix="throughlint-corpus-")
    tree = os.path.join(work, "tree")
    try:
        return _run(options.source, tree, options.jobs)
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)


def _copy_python_files(source: str, tree: str) -> dict[str, str]:
    """Copy every ``.py`` file (not site-packages); returns path -> sha256 of the copy."""
    digests = {}
    for folder, folders, files in os.walk(source):
        folders[:] = sorted(f for f in folders if f not in ("site-packages", "__pycache__"))
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            origin = os.path.join(folder, name)
            if os.path.islink(origin) or not os.path.isfile(origin):
                continue
            target = os.path.join(tree, os.path.relpath(origin, source))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(origin, target)
            with open(target, "rb") as handle:
                digests[target] = hashlib.sha256(handle.read()).hexdigest()
    return digests


def _compiles(path: str) -> str | None:
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the corpus's own SyntaxWarnings
            compile(data, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _throughlint(tree: str, jobs: str, *flags: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "throughlint", "--no-cache", "--isolated", "--jobs", jobs]
    return subprocess.run(
        [*command, *flags, "."], cwd=tree, capture_output=True, text=True, check=False
    )


def _run(source: str, tree: str, jobs: str) -> int:
    before = _copy_python_files(source, tree)
    print(f"corpus: {len(before)} files copied from {source}")
    broken_before = {path for path in before if _compiles(path) is not None}

    start = time.perf_counter()
    lint = _throughlint(tree, jobs, "--format", "json", "--exit-zero")
    lint_time = time.perf_counter() - start
    diagnostics = json.loads(lint.stdout)["diagnostics"]
    offered = collections.Counter(
        (d["code"], d["fix"]["applicability"]) for d in diagnostics if d["fix"] is not None
    )
    print(f"lint: {len(diagnostics)} diagnostics in {lint_time:.1f} s")
    for (code, applicability), count in sorted(offered.items()):
        print(f"  offered {code} {applicability}: {count}")

    start = time.perf_counter()
    fixed = _throughlint(tree, jobs, "--fix", "--unsafe-fixes", "--format", "json", "--exit-zero")
    fix_time = time.perf_counter() - start
    summary = [line for line in fixed.stderr.splitlines() if line.startswith("Fixed")]
    warnings = [line for line in fixed.stderr.splitlines() if "warning" in line]
    print(f"fix: {summary[0] if summary else fixed.stderr.strip()} ({fix_time:.1f} s)")
    for line in warnings:
        print(f"  {line}")

    changed, failures = [], []
    for path, digest in before.items():
        with open(path, "rb") as handle:
            if hashlib.sha256(handle.read()).hexdigest() == digest:
                continue
        changed.append(path)
        if path in broken_before:
            failures.append(f"{path}: did not compile before, yet was changed")
            continue
        error = _compiles(path)
        if error is not None:
            failures.append(f"{path}: no longer compiles: {error}")
    print(f"changed files: {len(changed)}; not compiling after the fix: {len(failures)}")

    second = _throughlint(tree, jobs, "--diff", "--unsafe-fixes")
    if second.stdout:
        failures.append("a second run would change:\n" + second.stdout[:4000])
    print(f"second run: {'no changes' if not second.stdout else 'CHANGES (see below)'}")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures or fixed.returncode == 2 else 0


if __name__ == "__main__":
    sys.exit(main())
