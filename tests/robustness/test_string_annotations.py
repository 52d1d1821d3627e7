"""A string annotation is parsed only when throughlint reads a type from it; Python never
parses it. One too deeply nested for the parser (``RecursionError``), a long run of unary
operators (``MemoryError``) or one with a NUL byte cost the whole file: TL000 "code nested
too deeply" or TL999, and its other findings were lost. Now the annotation is no type and
the rest of the file is analysed. Through the real CLI."""

from __future__ import annotations

import json

import pytest

QUEUE = "import queue\n\nq = queue.Queue()\n\n\n"

ANNOTATIONS = {
    "deep_binop": '"' + "+".join(["a"] * 60000) + '"',
    "unary_run": '"' + "-" * 200000 + 'a"',
    "nul_byte": '"a\\x00b"',
    "queryset_row": "QuerySet[" + '"' + "+".join(["a"] * 60000) + '"' + "]",
}


@pytest.mark.parametrize("name", ANNOTATIONS)
def test_a_string_annotation_the_parser_refuses_costs_no_finding(run_cli, tmp_path, name):
    source = (
        "from django.db.models import QuerySet\n"
        + QUEUE
        + f"def f(x: {ANNOTATIONS[name]}):\n    return x\n"
    )
    (tmp_path / "app.py").write_text(source)
    completed = run_cli("--no-cache", "--isolated", "--format", "json", "app.py", cwd=tmp_path)
    assert "Traceback" not in completed.stderr, completed.stderr[-2000:]
    codes = [d["code"] for d in json.loads(completed.stdout)["diagnostics"]]
    assert codes == ["TL201"]
