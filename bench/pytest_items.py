"""``pytest --throughlint`` over a whole project, timed at growing sizes: ``n`` modules,
each with a loop that calls the next module's helper (so every lint item has findings
the project index resolves). Linear time means the milliseconds per file stay flat.

    python bench/pytest_items.py                 # 500, 1,000, 2,000 files; --sizes 100,4000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.generated_projects import loaders


def time_items(n: int) -> float:
    """Seconds for ``pytest --throughlint -m throughlint`` over ``n`` modules, no cache."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        loaders(root, n)
        command = [sys.executable, "-m", "pytest", "-q", "--throughlint", "-m", "throughlint"]
        start = time.perf_counter()
        subprocess.run(
            [*command, "-p", "no:cacheprovider", "pkg"],
            cwd=root,
            check=False,
            capture_output=True,
            env=os.environ,
        )
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000")
    options = parser.parse_args()
    print(f"{'files':>6} {'seconds':>8} {'ms/file':>8}")
    for n in (int(size) for size in options.sizes.split(",")):
        seconds = time_items(n)
        print(f"{n:>6} {seconds:>8.2f} {1000 * seconds / n:>8.1f}")


if __name__ == "__main__":
    main()
