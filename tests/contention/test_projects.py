"""The fixture projects through the real command: exactly the marked TL3xx/TL4xx lines,
and messages that name the batch API or the concurrent alternative."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from conftest import FIXTURES  # tests/conftest.py (on the pythonpath)
from expectations import calls, expected

PROJECTS = FIXTURES / "projects"
CODES = ("TL301", "TL401", "TL402")


def _lint(run_cli) -> list[dict]:
    completed = run_cli(
        str(PROJECTS), "--format", "json", "--no-cache", "--isolated",
        "--select", ",".join(CODES),
    )  # fmt: skip
    assert completed.returncode == 1, completed.stderr
    return calls(json.loads(completed.stdout)["diagnostics"])


def test_projects_report_exactly_the_marked_lines(run_cli):
    diagnostics = _lint(run_cli)
    got = sorted(
        (str(Path(d["path"]).resolve().relative_to(PROJECTS)), d["line"], d["code"])
        for d in diagnostics
    )
    want = sorted(
        (str(path.relative_to(PROJECTS)), line, code)
        for path in PROJECTS.rglob("*.py")
        for line, code in expected(path.read_text(encoding="utf-8"), CODES)
    )
    assert got == want
    assert Counter(code for _, _, code in want) == {"TL301": 4, "TL401": 17, "TL402": 4}


def test_messages_name_the_batch_api(run_cli):
    by_line = {(Path(d["path"]).name, d["line"]): d["message"] for d in _lint(run_cli)}
    assert "`mget`" in by_line[("jobs.py", 65)]
    assert "`pipeline()`" in by_line[("jobs.py", 53)]
    assert "`send_message_batch`" in by_line[("publish.py", 18)]
    assert "batch_writer()" in by_line[("publish.py", 29)]
    assert "`delete_objects`" in by_line[("publish.py", 40)]
    assert "`helpers.bulk`" in by_line[("publish.py", 62)]
    assert "flush()" in by_line[("publish.py", 51)]
    assert "`cache.get_many()`" in by_line[("views.py", 10)]
    assert "`cache.delete_many()`" in by_line[("views.py", 22)]
    assert "requests.Session()" in by_line[("views.py", 27)]
    assert "set_status_now" in by_line[("jobs.py", 104)]  # through the project index
    assert "asyncio.gather" in by_line[("fetch.py", 25)]
    assert "`fetch_text`" in by_line[("fetch.py", 25)]
    assert "most of it" in by_line[("metrics.py", 21)]
