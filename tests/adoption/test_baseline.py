"""``--write-baseline`` / ``--baseline`` and the ``baseline`` config key, through the real
command line."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from adoption.helpers import NEW_FINDING, findings, write_project

from conftest import FIXTURES


def _lint(tl, *args, cwd):
    return tl("--no-cache", "--format", "json", *args, cwd=cwd)


def test_write_then_apply_reports_nothing_old(run_cli, tmp_path):
    write_project(tmp_path)
    before = findings(_lint(run_cli, "app", cwd=tmp_path))
    assert len(before) == 4
    written = run_cli(
        "--no-cache", "--write-baseline", "run_cli-baseline.json", "app", cwd=tmp_path
    )
    assert written.returncode == 0, written.stderr
    assert "wrote 4 finding(s)" in written.stderr
    assert written.stdout == ""
    document = json.loads((tmp_path / "run_cli-baseline.json").read_text())
    assert document["version"] == 1
    assert {entry["path"] for entry in document["findings"]} == {"app/orders.py", "app/reports.py"}
    assert {entry["function"] for entry in document["findings"]} == {
        "",
        "export",
        "Importer.load",
        "render",
    }
    assert all(re.fullmatch(r"[0-9a-f]{32}", e["fingerprint"]) for e in document["findings"])

    applied = _lint(run_cli, "--baseline", "run_cli-baseline.json", "app", cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    assert findings(applied) == []
    assert "4 baselined finding(s) hidden" in applied.stderr


def test_only_new_findings_are_reported_and_gone_ones_counted(tl, tmp_path):
    write_project(tmp_path)
    tl("--no-cache", "--write-baseline", "b.json", "app", cwd=tmp_path)
    orders = tmp_path / "app" / "orders.py"
    text = orders.read_text()
    # Fix one old finding, add a new one, and shift everything else down.
    text = text.replace("BACKLOG = queue.Queue()", "BACKLOG = queue.Queue(maxsize=100)")
    orders.write_text("# reformatted header\n\n\n" + text + NEW_FINDING)
    completed = _lint(tl, "--baseline", "b.json", "app", cwd=tmp_path)
    assert completed.returncode == 1
    new = findings(completed)
    assert [(d["path"], d["code"], d["message"].split()[0]) for d in new] == [
        ("app/orders.py", "TL203", "`ThreadPoolExecutor()`")
    ]
    assert (
        new[0]["line"]
        == orders.read_text()
        .splitlines()
        .index("        ThreadPoolExecutor().submit(print, group)")
        + 1
    )
    assert "1 baselined finding(s) are gone" in completed.stderr
    assert "--write-baseline b.json" in completed.stderr
    # Shrinking the baseline records the new state; the gone finding is no longer listed.
    tl("--no-cache", "--write-baseline", "b.json", "app", cwd=tmp_path)
    assert len(json.loads((tmp_path / "b.json").read_text())["findings"]) == 4
    again = _lint(tl, "--baseline", "b.json", "app", cwd=tmp_path)
    assert again.returncode == 0 and "gone" not in again.stderr


def test_a_second_identical_finding_in_the_same_function_is_new(tl, tmp_path):
    write_project(tmp_path)
    tl("--no-cache", "--write-baseline", "b.json", "app", cwd=tmp_path)
    reports = tmp_path / "app" / "reports.py"
    reports.write_text(
        reports.read_text()
        + "        with ThreadPoolExecutor() as pool:\n            pool.map(str, page)\n"
    )
    new = findings(_lint(tl, "--baseline", "b.json", "app", cwd=tmp_path))
    # two pools made in one loop are one finding at the loop (issue 17), not the baselined
    # single one: new, and it lists both calls
    assert [(d["path"], d["line"]) for d in new] == [("app/reports.py", 5)]
    assert [r["line"] for r in new[0]["related"]] == [6, 8]


def test_moving_a_finding_to_another_function_makes_it_new(tl, tmp_path):
    write_project(tmp_path)
    tl("--no-cache", "--write-baseline", "b.json", "app", cwd=tmp_path)
    reports = tmp_path / "app" / "reports.py"
    reports.write_text(reports.read_text().replace("def render(", "def render_all("))
    new = findings(_lint(tl, "--baseline", "b.json", "app", cwd=tmp_path))
    assert [(d["path"], d["code"]) for d in new] == [("app/reports.py", "TL203")]


def test_linting_some_files_does_not_call_the_others_gone(tl, tmp_path):
    write_project(tmp_path)
    tl("--no-cache", "--write-baseline", "b.json", "app", cwd=tmp_path)
    completed = _lint(tl, "--baseline", "b.json", "app/reports.py", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert "gone" not in completed.stderr


def test_baseline_from_config_is_relative_to_pyproject(tl, tmp_path):
    write_project(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.throughlint]\nbaseline = "lint/baseline.json"\n'
    )
    written = tl("--no-cache", "--write-baseline", "lint/baseline.json", "app", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    # Run from inside the package: the config key still finds the file, paths still match.
    completed = _lint(tl, ".", cwd=tmp_path / "app")
    assert completed.returncode == 0, completed.stderr
    assert findings(completed) == []


def test_bad_baseline_files_are_usage_errors(tl, tmp_path):
    write_project(tmp_path)
    missing = tl("--no-cache", "--baseline", "nope.json", "app", cwd=tmp_path)
    assert missing.returncode == 2
    assert "baseline file not found: nope.json" in missing.stderr
    (tmp_path / "broken.json").write_text("{not json")
    broken = tl("--no-cache", "--baseline", "broken.json", "app", cwd=tmp_path)
    assert broken.returncode == 2 and "not valid JSON" in broken.stderr
    (tmp_path / "other.json").write_text('{"results": []}')
    other = tl("--no-cache", "--baseline", "other.json", "app", cwd=tmp_path)
    assert other.returncode == 2 and "is not a throughlint baseline" in other.stderr
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\nbaseline = 3\n")
    config = tl("--no-cache", "app", cwd=tmp_path)
    assert config.returncode == 2 and "`baseline` must be a non-empty string" in config.stderr


def _insert_ten_lines_above_every_finding(root, diagnostics) -> int:
    lines_by_path: dict[str, set[int]] = {}
    for d in diagnostics:
        lines_by_path.setdefault(d["path"], set()).add(d["line"])
    inserted = 0
    for path, lines in lines_by_path.items():
        source = (root / path).read_text().splitlines(keepends=True)
        for line in sorted(lines, reverse=True):
            indent = re.match(r"\s*", source[line - 1]).group(0)
            block = [f"{indent}# unrelated edit {n}\n" for n in range(10)]
            source[line - 1 : line - 1] = block
            inserted += 1
        (root / path).write_text("".join(source))
    return inserted


PROJECTS = ["demo", *sorted(f"projects/{p.name}" for p in (FIXTURES / "projects").glob("*/"))]


@pytest.mark.parametrize("project", PROJECTS)
def test_baseline_survives_ten_lines_inserted_above_every_finding(tl, tmp_path, project):
    demo = tmp_path / "copy"
    shutil.copytree(FIXTURES / project, demo)
    before = findings(_lint(tl, ".", cwd=demo))
    # >= 2: django_shop linted as its own root has two loops with findings (issue 17
    # groups the three queries of one loop into one finding)
    assert len(before) >= 2, f"{project} should have findings"
    written = tl("--no-cache", "--write-baseline", "baseline.json", ".", cwd=demo)
    assert written.returncode == 0, written.stderr
    inserted = _insert_ten_lines_above_every_finding(demo, before)
    assert inserted == len({(d["path"], d["line"]) for d in before})
    moved = findings(_lint(tl, ".", cwd=demo))
    assert len(moved) == len(before)
    assert all(a["line"] != b["line"] for a, b in zip(before, moved, strict=True))
    completed = _lint(tl, "--baseline", "baseline.json", ".", cwd=demo)
    assert findings(completed) == []
    assert completed.returncode == 0, completed.stderr
    assert f"{len(before)} baselined finding(s) hidden" in completed.stderr
    assert "gone" not in completed.stderr
