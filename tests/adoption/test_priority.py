"""Hot-path ranking: priority from loop depth, loop input, radon complexity and call sites
(from the project index's call graph); --sort priority, --top N and `throughlint report`."""

from __future__ import annotations

import json
import textwrap

from adoption.helpers import findings
from throughlint.diagnostics import Diagnostic, Span
from throughlint.priority import score

SERVICE = textwrap.dedent(
    """\
    import sqlite3
    from concurrent.futures import ThreadPoolExecutor

    import requests


    def notify(urls):
        for url in urls:
            requests.post(url)


    def nightly(urls):
        notify(urls)  # unknown input: a constant list would hold the finding back


    def hourly(urls):
        notify(urls)  # unknown input: a constant list would hold the finding back


    def on_signup(urls):
        notify(urls)  # unknown input: a constant list would hold the finding back


    def once(groups):
        for group in groups:
            ThreadPoolExecutor()


    def nested(groups):
        for group in groups:
            for item in group:
                ThreadPoolExecutor()


    def from_table(path):
        cursor = sqlite3.connect(path).cursor()
        for row in cursor.execute("SELECT id FROM users"):
            ThreadPoolExecutor()


    def branchy(groups, a, b, c):
        for group in groups:
            if a:
                ThreadPoolExecutor()
            elif b:
                pass
            elif c:
                pass
            while a and b:
                a -= 1
    """
)


def _project(tmp_path):
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "__init__.py").write_text("")
    (tmp_path / "svc" / "jobs.py").write_text(SERVICE)


def _diagnostic(**context) -> Diagnostic:
    return Diagnostic("TL203", "pool-per-iteration", "a.py", Span(1, 1, 1, 2), "m", **context)


def test_score_components():
    assert score(_diagnostic()) == 10
    assert score(_diagnostic(enclosing="f", loop_depth=1, complexity=1)) == 20
    assert score(_diagnostic(enclosing="f", loop_depth=2, complexity=1)) == 40
    assert score(_diagnostic(enclosing="f", loop_depth=5, complexity=1)) == 60
    assert score(_diagnostic(enclosing="f", loop_depth=1, loop_input="query")) == 40
    assert score(_diagnostic(enclosing="f", loop_depth=1, loop_input="unbounded")) == 35
    assert score(_diagnostic(enclosing="f", loop_depth=1, complexity=11)) == 25
    assert score(_diagnostic(enclosing="f", loop_depth=1, complexity=99)) == 30
    assert score(_diagnostic(enclosing="f", loop_depth=1), call_sites=3) == 32
    assert score(_diagnostic(enclosing="f", loop_depth=1), call_sites=1000) == 40
    worst = _diagnostic(enclosing="f", loop_depth=9, loop_input="query", complexity=99)
    assert score(worst, call_sites=1000) == 100


def test_priority_in_json_from_the_project_call_graph(tl, tmp_path):
    _project(tmp_path)
    found = findings(tl("--no-cache", "--format", "json", "svc", cwd=tmp_path))
    by_line = {d["line"]: d["priority"] for d in found}
    assert by_line == {
        9: 20 + 12,  # one loop, three callers (nightly, hourly, on_signup)
        26: 20,  # one loop, no callers
        32: 40 + 1,  # two loops; radon complexity 3
        38: 20 + 20,  # a loop over a query result
        44: 20 + 3,  # radon complexity 7 (for, if, elif, elif, while, and)
    }


def test_sort_priority_and_top(tl, tmp_path):
    _project(tmp_path)
    ranked = findings(
        tl("--no-cache", "--format", "json", "--sort", "priority", "svc", cwd=tmp_path)
    )
    assert [d["line"] for d in ranked] == [32, 38, 9, 44, 26]
    top = tl("--no-cache", "--format", "json", "--top", "2", "svc", cwd=tmp_path)
    assert top.returncode == 1
    assert [d["line"] for d in findings(top)] == [32, 38]
    assert "showing the top 2 of 5 finding(s) by priority" in top.stderr
    bad = tl("--no-cache", "--top", "0", "svc", cwd=tmp_path)
    assert bad.returncode == 2 and "--top must be at least 1" in bad.stderr


POOLS = """\
from concurrent.futures import ThreadPoolExecutor


def spawn(groups):
    for group in groups:
        ThreadPoolExecutor(0).submit(print, group)


def mark(groups):
    for group in groups:
        with open("seen.log", "a") as log:
            log.write(group)


def morning(groups):
    spawn(groups)  # a constant list here would make the input constant (held back)
    mark(groups)


def evening(groups):
    spawn(groups)  # a constant list here would make the input constant (held back)
    mark(groups)
"""


def test_callers_count_only_when_an_index_rule_ran(tl, tmp_path):
    _project(tmp_path)
    (tmp_path / "svc" / "pools.py").write_text(POOLS)

    def priority_of_spawn(*selection):
        completed = tl("--no-cache", "--format", "json", *selection, "svc/pools.py")
        return [d["priority"] for d in findings(completed)]

    # two callers, from the index (TL1xx, TL202, TL203, TL401, TL402)
    assert priority_of_spawn("--select", "TL203") == [20 + 10]
    assert priority_of_spawn("--select", "TL202") == [20 + 10]
    # TL501 (a preview rule) uses no index: callers not counted
    assert priority_of_spawn("--preview", "--select", "TL501") == [20]
    report = tl("report", "--no-cache", "--format", "json", "--preview", "--select", "TL501", "svc")
    document = json.loads(report.stdout)
    assert document["call_sites_from"] == "none"
    assert all(spot["call_sites"] == 0 for spot in document["hot_spots"])
    table = tl("report", "--no-cache", "--preview", "--select", "TL501", "svc")
    assert "callers not counted: no rule that builds the project index" in table.stdout


def test_report_ranks_functions(tl, tmp_path):
    _project(tmp_path)
    completed = tl("report", "--no-cache", "--format", "json", "svc", cwd=tmp_path)
    assert completed.returncode == 1, completed.stderr
    document = json.loads(completed.stdout)
    assert document["call_sites_from"] == "project index"
    rows = [(s["name"], s["priority_total"], s["call_sites"]) for s in document["hot_spots"]]
    assert rows == [
        ("svc.jobs.nested", 41, 0),
        ("svc.jobs.from_table", 40, 0),
        ("svc.jobs.notify", 32, 3),
        ("svc.jobs.branchy", 23, 0),
        ("svc.jobs.once", 20, 0),
    ]
    assert document["hot_spots"][3]["complexity"] == 7


def test_report_table_by_module(run_cli, tmp_path):
    _project(tmp_path)
    (tmp_path / "svc" / "queues.py").write_text("import queue\n\nQ = queue.Queue()\n")
    completed = run_cli("report", "--no-cache", "--by", "module", "svc", cwd=tmp_path)
    assert completed.returncode == 1, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0].startswith("Throughput hot spots by module (2 with findings, 6 findings)")
    rows = [line for line in lines if line.startswith("│")]
    assert "svc.jobs" in rows[0] and "156" in rows[0]
    assert "svc.queues" in rows[1] and "TL201" in rows[1]


def test_report_with_a_baseline_ranks_only_new_findings(tl, tmp_path):
    _project(tmp_path)
    tl("--no-cache", "--write-baseline", "b.json", "svc", cwd=tmp_path)
    clean = tl("report", "--no-cache", "--baseline", "b.json", "svc", cwd=tmp_path)
    assert clean.returncode == 0, clean.stderr
    assert "No findings: no hot spots." in clean.stdout
