"""``--fix`` over a whole project, timed at growing sizes: ``n`` modules, each with one
executemany fix whose loop calls the next module's helper (so every file has findings
the project index resolves). Linear time means the seconds per file stay flat.

    python bench/fix_project.py                 # 250, 500, 1,000 files; --sizes 100,2000
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


def time_fix(n: int) -> float:
    """Seconds for ``throughlint pkg --fix --unsafe-fixes --no-cache`` over ``n`` modules."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        loaders(root, n)
        command = [sys.executable, "-m", "throughlint", "pkg", "--fix", "--unsafe-fixes"]
        start = time.perf_counter()
        subprocess.run(
            [*command, "--no-cache"], cwd=root, check=False, capture_output=True, env=os.environ
        )
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250,500,1000")
    options = parser.parse_args()
    print(f"{'files':>6} {'seconds':>8} {'ms/file':>8}")
    for n in (int(size) for size in options.sizes.split(",")):
        seconds = time_fix(n)
        print(f"{n:>6} {seconds:>8.2f} {1000 * seconds / n:>8.1f}")


if __name__ == "__main__":
    main()
