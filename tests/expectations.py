"""Inline expectations: ``# expect: TL101`` (or ``# expect: TL101, TL102``) on a line
says which codes must be reported there; every other line must stay clean.
``# expect-preview: TL102`` marks a finding of the name tier: reported only with
``--preview`` (a receiver known to be a database API by its name alone)."""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable
from pathlib import Path

from throughlint.diagnostics import Diagnostic

_EXPECT = re.compile(
    r"#\s*expect(?P<preview>-preview)?:\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)"
)


def expected(
    text: str, codes: Iterable[str] | None = None, preview: bool = False
) -> list[tuple[int, str]]:
    """The (line, code) pairs the comments of ``text`` expect; ``preview``: with the name
    tier on, so ``# expect-preview:`` lines count too."""
    wanted = set(codes) if codes is not None else None
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match and (preview or not match.group("preview")):
            for code in re.split(r"\s*,\s*", match.group("codes")):
                if wanted is None or code in wanted:
                    found.append((number, code))
    return sorted(found)


def actual(
    diagnostics: Iterable[Diagnostic], codes: Iterable[str] | None = None
) -> list[tuple[int, str]]:
    wanted = set(codes) if codes is not None else None
    return sorted((d.span.line, d.code) for d in diagnostics if wanted is None or d.code in wanted)


def calls(diagnostics: Iterable[dict]) -> list[dict]:
    """JSON diagnostics with each finding grouped at its loop replaced by its calls (each
    with the group's path): for tests about which calls a rule reports."""
    found = []
    for diagnostic in diagnostics:
        if not diagnostic.get("related"):
            found.append(diagnostic)
            continue
        for related in diagnostic["related"]:
            found.append({**diagnostic, **related, "related": []})
    return found


def check_project(
    run_cli,
    tmp_path,
    files: dict[str, str],
    codes: Iterable[str],
    *extra: str,
    preview: bool = False,
):
    """Write ``files`` (dedented) as packages under ``tmp_path/proj``, lint it through the
    real command (run from ``tmp_path``) with ``codes`` selected, and compare the reported
    (file, line, code) with the files' ``# expect:`` comments (``# expect-preview:`` too
    when ``preview``: pass ``--preview`` in ``extra``); returns the JSON diagnostics, a
    loop's group replaced by its calls."""
    import json
    import textwrap

    codes = tuple(codes)
    root = tmp_path / "proj"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        (path.parent / "__init__.py").touch()
    completed = run_cli(
        str(root),
        "--format",
        "json",
        "--isolated",
        "--no-cache",
        "--select",
        ",".join(codes),
        *extra,
    )
    assert completed.returncode in (0, 1), completed.stderr
    found = calls(json.loads(completed.stdout)["diagnostics"])
    resolved = root.resolve()
    got = sorted(
        ((tmp_path / d["path"]).resolve().relative_to(resolved).as_posix(), d["line"], d["code"])
        for d in found
    )
    want = sorted(
        (name, line, code)
        for name, text in files.items()
        for line, code in expected(textwrap.dedent(text), codes, preview)
    )
    assert got == want
    return found


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (dedented) under ``root``, making their folders."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def findings_here(run_cli, *args: str) -> list[tuple[str, int, str]]:
    """(path, line, message) of each finding of the real command's JSON run over the
    current folder (``run_cli``'s), without the cache."""
    result = run_cli("--format", "json", "--no-cache", ".", *args)
    assert result.returncode in (0, 1), result.stderr
    return [
        (item["path"].replace("\\", "/"), item["line"], item["message"])
        for item in json.loads(result.stdout)["diagnostics"]
    ]


def lines_in(found: list[tuple[str, int, str]], path: str) -> list[int]:
    """The lines of ``found`` in the file whose path ends with ``path``."""
    return sorted(line for where, line, _ in found if where.endswith(path))
