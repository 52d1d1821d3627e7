"""Time a command over generated projects of growing size and print seconds and
milliseconds per file (linear time: the last column stays flat). Shared by
``fix_project.py`` and ``pytest_items.py``."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.generated_projects import loaders


def time_on_project(n: int, command: Sequence[str]) -> float:
    """Wall seconds of ``command`` in a fresh generated project of ``n`` modules
    (``support.generated_projects.loaders``: each loops over the next module's helper)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        loaders(root, n)
        start = time.perf_counter()
        subprocess.run(command, cwd=root, check=False, capture_output=True, env=os.environ)
        return time.perf_counter() - start


def print_growth(sizes: str, command: Sequence[str]) -> None:
    """One row per size of ``sizes`` (comma-separated file counts)."""
    print(f"{'files':>6} {'seconds':>8} {'ms/file':>8}")
    for n in (int(size) for size in sizes.split(",")):
        seconds = time_on_project(n, command)
        print(f"{n:>6} {seconds:>8.2f} {1000 * seconds / n:>8.1f}")
