"""The TL501 fix on a real file: an export that opens its file in append mode for each
row against the same export after ``--fix --unsafe-fixes --preview`` (one open around
the loop), writing ``--rows`` JSON lines into a fresh file in a temporary folder (on the
file system of ``--folder``, default the system's temporary folder), median of
``--rounds``. Both runs must leave the same bytes.

    python bench/append_open.py [--rows 20000] [--rounds 5] [--folder DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fix_support import fix_source  # noqa: E402

from throughlint.settings import Settings  # noqa: E402

EXPORT = """\
import json


def export(rows, path):
    for row in rows:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(row) + "\\n")
"""


def _load(text: str):
    space: dict = {}
    exec(compile(text, "export.py", "exec"), space)
    return space["export"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--folder", default=None)
    args = parser.parse_args()
    fixed = fix_source(EXPORT, unsafe=True, settings=Settings(preview=True)).fixed
    assert fixed != EXPORT, "the fix was not applied"
    rows = [{"id": n, "name": f"row {n}", "score": n * 0.5} for n in range(args.rows)]
    exports = {"open per row": _load(EXPORT), "open once": _load(fixed)}
    seconds: dict[str, list[float]] = {name: [] for name in exports}
    written: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(dir=args.folder) as folder:
        for round_ in range(args.rounds):
            for name, export in exports.items():
                path = Path(folder) / f"{name.replace(' ', '_')}_{round_}.jsonl"
                start = time.perf_counter()
                export(rows, str(path))
                seconds[name].append(time.perf_counter() - start)
                written[name] = path.read_bytes()
    assert written["open per row"] == written["open once"], "the outputs differ"
    rates = {}
    for name, times in seconds.items():
        rates[name] = args.rows / statistics.median(times)
        print(f"{name:13} {rates[name]:12,.0f} rows/s  (median of {args.rounds})")
    print(f"after / before: {rates['open once'] / rates['open per row']:.1f}x")


if __name__ == "__main__":
    main()
