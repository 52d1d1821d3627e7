"""``--fix`` over a whole project, timed at growing sizes: ``n`` modules, each with one
executemany fix whose loop calls the next module's helper (so every file has findings
the project index resolves). Linear time means the seconds per file stay flat.

    python bench/fix_project.py                 # 250, 500, 1,000 files; --sizes 100,2000
"""

from __future__ import annotations

import argparse
import sys

from growth import print_growth

COMMAND = [sys.executable, "-m", "throughlint", "pkg", "--fix", "--unsafe-fixes", "--no-cache"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250,500,1000")
    print_growth(parser.parse_args().sizes, COMMAND)


if __name__ == "__main__":
    main()
