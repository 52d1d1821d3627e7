"""The language server's re-lint of one buffer in a large project, timed in process: one
long-lived ``Project`` over the pinned corpus (``bench/corpus.py``), the first lint loads
every other file's facts, then each buffer of about 1,000 lines is re-linted after an edit
outside its code (the index is reused), after an edit that changes what the index reads
but not the buffer's classes, function names or typing facts (the buffer is merged into a
copy of the other files' index, which keeps what those imply), and after an edit that adds
a function with a per-item write (the typed effects are worked out again). Issue 14's
target: a re-lint of a 1,000-line buffer <= 100 ms.

    python bench/lsp_relint.py [--corpus bench/.corpus] [--files 4]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from throughlint.config import find_config, load_settings
from throughlint.project import Project
from throughlint.rules import known_codes

ROOT = Path(__file__).resolve().parent


def buffers(corpus: Path, count: int) -> list[Path]:
    """The first ``count`` files of Django's package with 900 to 1,100 lines."""
    found = []
    for folder, _, names in sorted(os.walk(corpus / "Django-5.2.19" / "django")):
        for name in sorted(names):
            path = Path(folder) / name
            if name.endswith(".py") and 900 <= path.read_text().count("\n") <= 1100:
                found.append(path)
    return found[:count]


def timed(run) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(ROOT / ".corpus"))
    parser.add_argument("--files", type=int, default=4)
    options = parser.parse_args()
    corpus = Path(options.corpus).resolve()
    settings = load_settings(find_config(str(corpus)), str(corpus), known_codes())
    project = Project(settings, str(corpus))
    paths = buffers(corpus, options.files)
    first = timed(lambda: project.lint_buffer(str(paths[0]), paths[0].read_text()))
    print(f"first lint (every other file's facts loaded): {first / 1000:.1f} s")
    print(
        f"{'buffer':<48} {'lines':>6} {'edit outside code ms':>21} {'index merged ms':>16}"
        f" {'function added ms':>18}"
    )
    for path in paths:
        outside, merged, added = relint_times(project, path)
        shown = str(path.relative_to(corpus))
        lines = path.read_text().count("\n")
        print(f"{shown:<48} {lines:>6} {outside:>21.0f} {merged:>16.0f} {added:>18.0f}")


ADDED = """

def _bench_edit(rows):
    for row in rows:
        row.save()
"""


def relint_times(project: Project, path: Path) -> tuple[float, float, float]:
    """Median ms of three re-lints after an edit outside the code; median ms of three
    after the merged index is dropped (as an edit that changes what it reads drops it);
    median ms of three after a function is added (a new one each time)."""
    text = path.read_text()
    project.lint_buffer(str(path), text)
    outside = [
        timed(lambda i=i: project.lint_buffer(str(path), text + "\n" * i)) for i in (1, 2, 3)
    ]
    merged = []
    for i in (1, 2, 3):
        project._memo.key = ()
        merged.append(timed(lambda i=i: project.lint_buffer(str(path), text + "\n" * i)))
    added = [
        timed(lambda i=i: project.lint_buffer(str(path), text + ADDED.replace("edit", f"e{i}")))
        for i in (1, 2, 3)
    ]
    project.lint_buffer(str(path), text)
    return statistics.median(outside), statistics.median(merged), statistics.median(added)


if __name__ == "__main__":
    main()
