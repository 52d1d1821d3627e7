"""The output-quality audit's scripts (bench/accuracy/audit/), run as a user runs them:
real subprocesses on a tiny wheel made here, a real throughlint run, no network."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

AUDIT = Path(__file__).resolve().parents[2] / "bench" / "accuracy" / "audit"
LABELS = AUDIT.parent / "labels"
HIDDEN = ("nautobot", "netbox", "superset", "feast", "homeassistant", "home-assistant")
HIDDEN += ("pulpcore", "pretalx")

VIEWS = """\
import sqlite3


def archive(conn: sqlite3.Connection) -> None:
    for (order_id,) in conn.execute("SELECT id FROM orders"):
        conn.execute("UPDATE orders SET archived = 1 WHERE id = ?", (order_id,))
        conn.commit()
"""

APPS = """\
[[app]]
name = "tinyapp"
version = "1.0"
filename = "tinyapp-1.0-py3-none-any.whl"
sha256 = "{sha}"
root = "tinyapp"
stack = "sqlite3"
"""


def load_apps_module():
    spec = importlib.util.spec_from_file_location("audit_apps", AUDIT / "apps.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def wheel_bytes(extra: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tinyapp/__init__.py", "")
        archive.writestr("tinyapp/views.py", VIEWS)
        archive.writestr("tinyapp/tests/__init__.py", "")
        archive.writestr("tinyapp/tests/test_views.py", VIEWS)
        for name, text in (extra or {}).items():
            archive.writestr(name, text)
    return buffer.getvalue()


def script(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(AUDIT / name), *args], capture_output=True, text=True, check=False
    )


def prepared(
    tmp_path: Path, sha: str | None = None, extra: dict[str, str] | None = None
) -> tuple[Path, Path]:
    """A cache that already holds the wheel (so pip downloads nothing) and its apps.toml."""
    data = wheel_bytes(extra)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "tinyapp-1.0-py3-none-any.whl").write_bytes(data)
    apps = tmp_path / "apps.toml"
    apps.write_text(APPS.format(sha=sha or hashlib.sha256(data).hexdigest()))
    return cache, apps


def test_the_audit_applications_are_pinned_and_not_tuned_on():
    apps = load_apps_module().load_apps()
    assert len(apps) >= 9
    assert len({app.name for app in apps}) == len(apps)
    labelled = {path.stem.lower() for path in LABELS.glob("*.toml")}
    for app in apps:
        assert len(app.sha256) == 64 and int(app.sha256, 16) >= 0, app.name
        assert app.filename.endswith((".whl", ".tar.gz")), app.name
        assert app.name.lower() not in labelled, f"{app.name} is in the tuned labels"
        assert not any(hidden in app.name.lower() for hidden in HIDDEN), app.name


def test_fetch_then_run_writes_the_default_report_and_counts(tmp_path):
    cache, apps = prepared(tmp_path)
    fetched = script("fetch.py", "--cache", str(cache), "--apps", str(apps))
    assert fetched.returncode == 0, fetched.stderr
    assert "1 of 1 applications ready" in fetched.stdout
    assert (cache / "src" / "tinyapp-1.0" / "tinyapp" / "views.py").read_text() == VIEWS

    out, counts = tmp_path / "reports", tmp_path / "counts.md"
    ran = script(
        "run.py", "--cache", str(cache), "--apps", str(apps), "--out", str(out),
        "--counts", str(counts),
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    document = json.loads((out / "tinyapp.json").read_text())
    diagnostics = document["diagnostics"]
    inside = [d for d in diagnostics if d["path"].startswith("tinyapp/tests/")]
    outside = [d for d in diagnostics if d not in inside]
    assert any(d["path"] == "tinyapp/views.py" for d in outside), diagnostics
    row = f"| tinyapp | 1.0 | {len(diagnostics)} | {len(inside)} | {len(outside)} |"
    table = counts.read_text().splitlines()
    held = document["summary"].get("held_back")  # only where findings can be held back
    if held is None:
        assert row in table and "held back" not in table[0]
    else:
        assert table[0].endswith(" held back |")
        assert any(line.startswith(f"{row} {sum(held.values())}") for line in table), table
    line = next(line for line in ran.stdout.splitlines() if line.startswith("tinyapp"))
    words = line.split()
    assert [words[1], words[3], words[6]] == [str(len(d)) for d in (diagnostics, inside, outside)]

    # Every finding outside tests sits in the one loop of views.py.
    grouped = script("loops.py", "--cache", str(cache), "--apps", str(apps), "--reports", str(out))
    assert grouped.returncode == 0, grouped.stderr
    n = len(outside)
    shared = (1, n) if n > 1 else (0, 0)
    assert f"| tinyapp | {n} | 1 | {shared[0]} | {shared[1]} | {n} | 0 |" in grouped.stdout

    # A classified sample: the reported line is kept, a line with no finding is not.
    first = outside[0]
    sample = tmp_path / "sample.tsv"
    sample.write_text(
        "n\trule\tapp\tpath\tline\tmessage\tclass\treason\tinput_size\tpath_kind\n"
        f"1\t{first['code']}\ttinyapp\ttinyapp/views.py\t{first['line']}\tm\treal\tr\tunbounded\thot\n"
        "2\tTL101\ttinyapp\ttinyapp/views.py\t1\tm\tharmless\tr\tconstant\tcold\n"
    )
    compared = script("compare.py", "--reports", str(out), str(sample))
    assert compared.returncode == 0, compared.stderr
    assert "| real | 1 | 1 (100%) |" in compared.stdout
    assert "| harmless | 1 | 0 (0%) |" in compared.stdout
    assert "real finding no longer shown" not in compared.stdout


def test_fetch_refuses_a_file_with_another_digest(tmp_path):
    cache, apps = prepared(tmp_path, sha="0" * 64)
    fetched = script("fetch.py", "--cache", str(cache), "--apps", str(apps))
    assert fetched.returncode == 1
    assert "SHA256 MISMATCH" in fetched.stderr
    assert not (cache / "src" / "tinyapp-1.0").exists()


def test_compare_finds_calls_among_a_grouped_findings_related_locations(tmp_path):
    """A grouped report (one finding per loop, the calls as `related`, as issue 17 asks)
    keeps a classified call line; the tool's input size and path are compared."""
    reports = tmp_path / "reports"
    reports.mkdir()
    loop = {
        "code": "TL101",
        "path": "app/views.py",
        "line": 10,
        "input_size": "unbounded",
        "path_kind": "hot: view",
        "related": [
            {"path": "app/views.py", "line": 11, "code": "TL101"},
            {"path": "app/views.py", "line": 12, "code": "TL102"},
        ],
    }
    command = {
        "code": "TL102",
        "path": "app/management/commands/load.py",
        "line": 20,
        "input_size": "constant",
        "path_kind": "cold: management command",
    }
    (reports / "app.json").write_text(json.dumps({"diagnostics": [loop, command]}))
    header = "n\trule\tapp\tpath\tline\tmessage\tclass\treason\tinput_size\tpath_kind\n"
    rows = [
        "1\tTL101\tapp\tapp/views.py\t11\tm\treal\tr\tunbounded\thot\n",
        "2\tTL103\tapp\tapp/views.py\t12\tm\treal\tr\tper-request\thot\n",
        "3\tTL201\tapp\tapp/views.py\t12\tm\tmisread\tr\tunknown\tcold\n",
        "4\tTL101\tapp\tapp/admin.py\t5\tm\tharmless\tr\tconstant\tcold\n",
        "5\tTL102\tapp\tapp/management/commands/load.py\t20\tm\tharmless\tr\tunbounded\thot\n",
    ]
    sample = tmp_path / "sample.tsv"
    sample.write_text(header + "".join(rows))
    compared = script("compare.py", "--reports", str(reports), str(sample))
    assert compared.returncode == 0, compared.stderr
    out = compared.stdout
    # line 12 is kept for the write family (TL102 shows the TL103 call), not for TL201
    assert "| real | 2 | 2 (100%) |" in out
    assert "| misread | 1 | 0 (0%) |" in out
    assert "| harmless | 2 | 1 (50%) |" in out
    # columns: "-" (no finding), constant, unbounded
    assert "| unbounded | 0 | 1 | 1 | 1/2 |" in out
    assert "| per-request | 0 | 0 | 1 | 0/1 |" in out
    assert "agreement: 1/3 (2 rows without a value)" in out  # input size
    # path: "hot: view" is hot, "cold: management command" is cold
    assert "| hot | 0 | 1 | 2 | 2/3 |" in out
    assert "agreement: 2/3 (2 rows without a value)" in out


def test_policy_counts_what_each_hold_back_policy_keeps_and_holds(tmp_path):
    """policy.py on a --show-all report: the shipped hold-back is the report's own
    ``held_back``; the what-ifs read ``input_size`` and ``path_kind``."""
    reports = tmp_path / "all"
    reports.mkdir()

    def finding(line, size, kind, held=None, code="TL101"):
        return {"code": code, "path": "app/x.py", "line": line, "input_size": size} | {
            "path_kind": kind,
            "held_back": held,
            "priority": 30,
            "related": [],
        }

    diagnostics = [
        finding(1, "unbounded", "hot"),  # real, shown by every policy but "off hot" ones
        finding(2, "unknown", None),  # real
        finding(3, "configured", "hot"),  # harmless
        finding(4, "constant", "hot", held="constant input"),  # harmless, held back
        finding(5, "unknown", "cold: command line", held="cold path: command line"),
        finding(6, "unknown", None),  # misread
    ]
    (reports / "app.json").write_text(json.dumps({"diagnostics": diagnostics}))
    header = "n\trule\tapp\tpath\tline\tmessage\tclass\treason\tinput_size\tpath_kind\n"
    classes = ["real", "real", "harmless", "harmless", "harmless", "misread", "misread"]
    rows = [
        f"{n}\tTL101\tapp\tapp/x.py\t{n}\tm\t{name}\tr\tunknown\thot\n"
        for n, name in enumerate(classes, start=1)
    ]  # row 7 has no finding: gone under every policy
    sample = tmp_path / "sample.tsv"
    sample.write_text(header + "".join(rows))
    result = script("policy.py", "--all", str(reports), str(sample))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "7 classified rows; 1 have no finding in the reports at all" in out
    assert "| shipped (the build's held_back) | 2/2 | 2/3 | 1/2 | 2/4 (50%) |" in out
    assert "| + configured input | 2/2 | 3/3 | 1/2 | 2/3 (67%) |" in out
    # row 2 (unknown, unplaced) and row 6 held; row 3 (configured, hot) stays
    assert "| + unknown input off hot paths | 1/2 | 2/3 | 2/2 | 1/2 (50%) |" in out


def test_policy_reasons_counts_the_rows_each_reason_holds_back(tmp_path):
    """``--reasons``: per kind of held-back reason (a "pass dominated by ..." reason names
    its call; a cold path its kind), the classified rows it holds back, by class."""
    reports = tmp_path / "all"
    reports.mkdir()
    held = [
        "pass dominated by an e-mail (`django.core.mail.send_mail()`)",
        "pass dominated by a subprocess (`subprocess.run()`) in `vcs.commit()`",
        "cold path: management command",
        "small input",
        None,
    ]
    diagnostics = [
        {"code": "TL102", "path": "app/x.py", "line": n, "held_back": reason, "related": []}
        for n, reason in enumerate(held, start=1)
    ]
    (reports / "app.json").write_text(json.dumps({"diagnostics": diagnostics}))
    header = "n\trule\tapp\tpath\tline\tmessage\tclass\treason\tinput_size\tpath_kind\n"
    classes = ["harmless", "misread", "harmless", "harmless", "real"]
    rows = [
        f"{n}\tTL102\tapp\tapp/x.py\t{n}\tm\t{name}\tr\tunknown\thot\n"
        for n, name in enumerate(classes, start=1)
    ]
    sample = tmp_path / "sample.tsv"
    sample.write_text(header + "".join(rows))
    result = script("policy.py", "--all", str(reports), str(sample), "--reasons")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[2:] == [
        "| cold path | 0 | 1 | 0 |",
        "| pass dominated | 0 | 1 | 1 |",
        "| small input | 0 | 1 | 0 |",
    ]


def test_loops_counts_a_file_this_python_cannot_parse_as_in_no_loop(tmp_path):
    # a file newer Python accepts (or a broken one) is a TL000 finding, in no loop
    cache, apps = prepared(tmp_path, extra={"tinyapp/newer.py": "def f(:\n    pass\n"})
    assert script("fetch.py", "--cache", str(cache), "--apps", str(apps)).returncode == 0
    out = tmp_path / "reports"
    ran = script("run.py", "--cache", str(cache), "--apps", str(apps), "--out", str(out))
    assert ran.returncode == 0, ran.stderr
    diagnostics = json.loads((out / "tinyapp.json").read_text())["diagnostics"]
    assert any(d["path"] == "tinyapp/newer.py" for d in diagnostics), diagnostics
    grouped = script("loops.py", "--cache", str(cache), "--apps", str(apps), "--reports", str(out))
    assert grouped.returncode == 0, grouped.stderr
    assert "| tinyapp |" in grouped.stdout


JOBS = """\
import sqlite3


def sweep(conn: sqlite3.Connection, ids: list[int]) -> None:
    for i in ids:
        if i > 10:
            conn.execute("UPDATE orders SET archived = 1 WHERE id = ?", (i,))
"""


def test_features_then_policy_tabulate_what_the_tool_knows_per_class(tmp_path):
    """features.py lints each app in-process (what run.py --show-all reports) and records,
    per finding, what the JSON leaves out; policy.py --features counts it per class."""
    cache, apps = prepared(tmp_path, extra={"tinyapp/jobs.py": JOBS})
    assert script("fetch.py", "--cache", str(cache), "--apps", str(apps)).returncode == 0
    out = tmp_path / "reports"
    common = ("--cache", str(cache), "--apps", str(apps), "--out", str(out))
    ran = script("run.py", *common, "--show-all")
    assert ran.returncode == 0, ran.stderr
    featured = script("features.py", *common)
    assert featured.returncode == 0, featured.stderr
    rows = json.loads((out / "tinyapp.features.json").read_text())
    by_path = {(r["path"], r["code"]): r for r in rows}
    views = by_path["tinyapp/views.py", "TL103"]  # the write and the commit, grouped
    assert (views["iterable"], views["effect"], views["grouped"]) == ("query", "direct", True)
    assert (views["path_kind"], views["guarded"]) == ("hot: by itself", "no")  # views.py
    jobs = by_path["tinyapp/jobs.py", "TL102"]
    assert (jobs["iterable"], jobs["guarded"], jobs["path_kind"]) == (
        "parameter",
        "yes",
        "hot: by itself",  # a module named jobs
    )
    header = "n\trule\tapp\tpath\tline\tmessage\tclass\treason\tinput_size\tpath_kind\n"
    sample = tmp_path / "sample.tsv"
    sample.write_text(
        header
        + "1\tTL102\ttinyapp\ttinyapp/views.py\t6\tm\treal\tr\tunbounded\thot\n"
        + "2\tTL102\ttinyapp\ttinyapp/jobs.py\t7\tm\tharmless\tr\tconstant\thot\n"
    )
    result = script("policy.py", "--all", str(out), str(sample), "--features", str(out))
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert "| query | 1 (1) | 0 (0) | 0 (0) | 100% |" in text
    assert "| parameter | 0 (0) | 1 (1) | 0 (0) | 0% |" in text
    assert "| yes | 0 (0) | 1 (1) | 0 (0) | 0% |" in text  # guarded
    assert "| unbounded, hot | 1/1 | 1 | 100% |" in text  # the auditor's own columns


def test_crossval_chooses_on_the_other_audits_and_scores_the_one_left_out(tmp_path):
    """crossval.py: a fact that separates real from harmless on every audit is chosen on
    the others and holds the harmless row back on the one left out; features.py's rows
    carry what the JSON report says too (held_back, related calls)."""
    cache, apps = prepared(tmp_path, extra={"tinyapp/jobs.py": JOBS})
    assert script("fetch.py", "--cache", str(cache), "--apps", str(apps)).returncode == 0
    out = tmp_path / "features"
    featured = script("features.py", "--cache", str(cache), "--apps", str(apps), "--out", str(out))
    assert featured.returncode == 0, featured.stderr
    rows = json.loads((out / "tinyapp.features.json").read_text())
    views = {(r["path"], r["code"]): r for r in rows}["tinyapp/views.py", "TL103"]
    assert views["held_back"] == "" and [line for _, line, _ in views["related"]] == [6, 7]
    header = "n\trule\tapp\tpath\tline\tmessage\tclass\treason\tinput_size\tpath_kind\n"
    samples = []
    for audit in ("a1", "a2"):
        (tmp_path / audit).mkdir()
        (tmp_path / audit / "tinyapp.features.json").write_text(json.dumps(rows))
        sample = tmp_path / f"{audit}.tsv"
        sample.write_text(
            header
            + "1\tTL102\ttinyapp\ttinyapp/views.py\t6\tm\treal\tr\tunbounded\thot\n"
            + "2\tTL102\ttinyapp\ttinyapp/jobs.py\t7\tm\tharmless\tr\tconstant\thot\n"
            + "3\tTL101\ttinyapp\ttinyapp/gone.py\t1\tm\treal\tr\tunbounded\thot\n"
        )
        samples += ["--samples", f"{audit}={sample}"]
    result = script("crossval.py", "--features", str(tmp_path), *samples)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    # shipped: the real row with no finding counts as not shown
    assert "| a1 | 1 | 3 | 1 | 1/2 kept, 1/2 (50%) real, 0% misread |" in text
    assert "- a1 tinyapp `tinyapp/gone.py:1` TL101: no finding" in text
    # chosen on a2, scored on a1: the harmless, guarded loop is held back
    assert "| **pooled** | | | 2/4 kept, 2/4 (50%) real, 0% misread | 2/4 kept, 2/2 (100%)" in text
