"""``pytest --throughlint`` over a whole project, timed at growing sizes: ``n`` modules,
each with a loop that calls the next module's helper (so every lint item has findings
the project index resolves). Linear time means the milliseconds per file stay flat.

    python bench/pytest_items.py                 # 500, 1,000, 2,000 files; --sizes 100,4000
"""

from __future__ import annotations

import argparse
import sys

from growth import print_growth

COMMAND = [
    sys.executable,
    "-m",
    "pytest",
    "-q",
    "--throughlint",
    "-m",
    "throughlint",
    "-p",
    "no:cacheprovider",
    "pkg",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,1000,2000")
    print_growth(parser.parse_args().sizes, COMMAND)


if __name__ == "__main__":
    main()
