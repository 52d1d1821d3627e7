"""Generated projects for the growth tests and the benchmarks."""

from __future__ import annotations

from pathlib import Path

LOADER = """import sqlite3

from pkg.m{after} import helper_{after}


def load_{k}(path, rows):
    conn = sqlite3.connect(path)
    cur = conn.cursor()
    for row in rows:
        cur.execute("INSERT INTO t VALUES (?, ?)", helper_{after}(row))
    conn.commit()


def helper_{k}(row):
    return row
"""


def loaders(root: Path, n: int) -> Path:
    """``n`` modules, each with one executemany fix whose loop calls the next module's
    helper (so each file has findings the project index resolves)."""
    root.mkdir(exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'loaders'\n")
    package = root / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for k in range(n):
        (package / f"m{k}.py").write_text(LOADER.format(k=k, after=(k + 1) % n))
    return package
