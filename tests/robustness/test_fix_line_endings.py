"""``--fix`` keeps line endings byte for byte: LF, CRLF, CR-only and mixed files come back
with every untouched line ending as it was, the file's last one included (libcst drops a
final lone ``\\r``; issue 15, item 11). New lines a fix adds take the file's first line
ending. Through the real CLI, over every golden fix case."""

from __future__ import annotations

from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "fixes" / "golden"
CASES = sorted(path.name.removesuffix(".before") for path in GOLDEN.glob("*.before"))
NEWLINES = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}


def _golden(case: str, suffix: str) -> str:
    return (GOLDEN / f"{case}.{suffix}").read_text(encoding="utf-8")


@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe"])
def test_every_golden_fix_keeps_the_line_endings(run_cli, tmp_path, unsafe):
    cases = [c for c in CASES if _golden(c, "before").startswith("# fix: unsafe") is unsafe]
    for case in cases:
        for style, newline in NEWLINES.items():
            data = _golden(case, "before").replace("\n", newline).encode()
            (tmp_path / f"{case}_{style}.py").write_bytes(data)
    flags = ["--unsafe-fixes"] if unsafe else []
    completed = run_cli("--no-cache", "--fix", *flags, ".")
    assert "Traceback" not in completed.stderr, completed.stderr
    for case in cases:
        for style, newline in NEWLINES.items():
            expected = _golden(case, "after").replace("\n", newline).encode()
            assert (tmp_path / f"{case}_{style}.py").read_bytes() == expected, (case, style)


MIXED = b"import queue\r\n\rq = queue.Queue()\njobs = queue.Queue()\r\nx = 1\ry = 2\r"
TAILS = (b"\r", b"\r\r", b"\n\r", b"\r\n\r")


def test_mixed_line_endings_and_every_last_line_ending_survive(run_cli, tmp_path):
    (tmp_path / "mixed.py").write_bytes(MIXED)
    for index, tail in enumerate(TAILS):
        (tmp_path / f"last_{index}.py").write_bytes(b"import queue\rq = queue.Queue()" + tail)
    completed = run_cli("--no-cache", "--fix", "--unsafe-fixes", ".")
    assert "Traceback" not in completed.stderr, completed.stderr
    expected = MIXED.replace(b"queue.Queue()", b"queue.Queue(maxsize=1000)")
    assert (tmp_path / "mixed.py").read_bytes() == expected
    for index, tail in enumerate(TAILS):
        expected = b"import queue\rq = queue.Queue(maxsize=1000)" + tail
        assert (tmp_path / f"last_{index}.py").read_bytes() == expected, tail
