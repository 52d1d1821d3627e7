"""TL000's column counts characters of the text that was parsed, whatever the bytes on
disk: a UTF-8 BOM, a PEP 263 coding, or a file that changed since it was read (an
editor's unsaved buffer) no longer shift it (issue 15, item 14). Through the real CLI."""

from __future__ import annotations

import json

import pytest

from throughlint.engine import lint_text

BOM = b"\xef\xbb\xbf"
CASES = {
    # name: (source, expected line, expected column)
    "unclosed": ("x = (1\n", 1, 5),
    "def": ("def f(:\n    pass\n", 1, 7),
    "non_ascii": ('s = "\u00e9\u00e9" + (1\n', 1, 12),
    "second_line": ("import os\ny = [1 2]\n", 2, 6),
}


def _columns(run_cli, tmp_path) -> dict[str, tuple[int, int]]:
    completed = run_cli("--no-cache", "--format", "json", ".")
    assert "Traceback" not in completed.stderr, completed.stderr
    return {
        item["path"].rsplit("/", 1)[-1]: (item["line"], item["column"])
        for item in json.loads(completed.stdout)["diagnostics"]
        if item["code"] == "TL000"
    }


def test_bom_and_coding_do_not_shift_the_column(run_cli, tmp_path):
    for name, (text, _, _) in CASES.items():
        (tmp_path / f"{name}.py").write_bytes(text.encode())
        (tmp_path / f"{name}_bom.py").write_bytes(BOM + text.encode())
        latin = "# -*- coding: latin-1 -*-\n" + text
        (tmp_path / f"{name}_latin1.py").write_bytes(latin.encode("latin-1"))
    found = _columns(run_cli, tmp_path)
    expected = {}
    for name, (_, line, column) in CASES.items():
        expected[f"{name}.py"] = expected[f"{name}_bom.py"] = (line, column)
        expected[f"{name}_latin1.py"] = (line + 1, column)
    assert found == expected


@pytest.mark.parametrize(
    "on_disk",
    [b"", BOM + b"# a longer first line, unrelated\n"],
    ids=["same-length", "bom-and-more"],
)
def test_the_text_linted_not_the_file_on_disk(tmp_path, on_disk):
    """``lint_text`` with the path of a file whose content differs (the LSP's unsaved
    buffer, ``--fix`` re-linting its result): the column is the text's."""
    path = tmp_path / "edited.py"
    path.write_bytes(on_disk + b"x = (1\n")
    found = lint_text("y = [1, 2\n", str(path))
    assert [(d.code, d.span.line, d.span.column) for d in found] == [("TL000", 1, 5)]
