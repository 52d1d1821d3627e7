"""Default output against everything found (issue 17): per tree, the findings throughlint
shows by default, what ``--show-all`` adds, and why those were held back.

    PYTHONPATH=src python bench/relevance.py TREE [TREE ...]

Runs the ``throughlint`` on the path (``--isolated --no-cache --format json``). On a
revision without ``--show-all`` only the default column is filled, which gives the
"before" numbers of the same trees.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter


def run(tree: str, *extra: str) -> dict | None:
    command = [sys.executable, "-m", "throughlint", "--isolated", "--no-cache", "--exit-zero"]
    command += ["--format", "json", *extra, tree]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0 or not completed.stdout.strip():
        return None
    return json.loads(completed.stdout)


def held_back_reasons(document: dict) -> Counter[str]:
    return Counter(
        (d.get("held_back") or "").split(":")[0]
        for d in document["diagnostics"]
        if d.get("held_back")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+")
    options = parser.parse_args(argv)
    print("| tree | default | with --show-all | held back: cold path | held back: constant input |")
    print("|---|---|---|---|---|")
    totals: Counter[str] = Counter()
    for tree in options.trees:
        default = run(tree)
        if default is None:
            print(f"| {os.path.basename(tree)} | error | | | |")
            continue
        everything = run(tree, "--show-all")
        shown = len(default["diagnostics"])
        reasons = held_back_reasons(everything) if everything is not None else Counter()
        every = len(everything["diagnostics"]) if everything is not None else ""
        totals.update({"default": shown, "all": every or 0, **reasons})
        print(
            f"| {os.path.basename(tree.rstrip('/'))} | {shown} | {every} | "
            f"{reasons['cold path']} | {reasons['constant input']} |"
        )
    print(
        f"| total | {totals['default']} | {totals['all']} | {totals['cold path']} | "
        f"{totals['constant input']} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
