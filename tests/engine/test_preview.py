"""The preview tier (ruff's model): rules marked ``preview`` run only with ``--preview``
or ``preview = true``; selecting one by code without it selects nothing and warns."""

from __future__ import annotations

import json

from throughlint.rules import all_rules

SPIN = """\
def wait(state):
    while not state.flag:
        pass
"""
PREVIEW = [rule.code for rule in all_rules() if rule.preview]


def _codes(completed) -> list[str]:
    return [d["code"] for d in json.loads(completed.stdout)["diagnostics"]]


def _lint(run_cli, tmp_path, *extra: str, config: str | None = None):
    (tmp_path / "spin.py").write_text(SPIN)
    if config is not None:
        (tmp_path / "pyproject.toml").write_text(f"[tool.throughlint]\n{config}")
    return run_cli("spin.py", "--no-cache", "--format", "json", *extra)


def test_a_preview_rule_is_off_by_default(run_cli, tmp_path):
    completed = _lint(run_cli, tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert _codes(completed) == [] and completed.stderr == ""


def test_preview_flag_runs_it(run_cli, tmp_path):
    completed = _lint(run_cli, tmp_path, "--preview")
    assert completed.returncode == 1, completed.stderr
    assert _codes(completed) == ["TL303"]


def test_preview_setting_runs_it(run_cli, tmp_path):
    completed = _lint(run_cli, tmp_path, config="preview = true\n")
    assert _codes(completed) == ["TL303"]


def test_a_non_boolean_preview_setting_is_an_error(run_cli, tmp_path):
    completed = _lint(run_cli, tmp_path, config='preview = "yes"\n')
    assert completed.returncode == 2
    assert "`preview` must be true or false" in completed.stderr


def test_selecting_a_preview_rule_without_preview_runs_nothing_and_warns(run_cli, tmp_path):
    completed = _lint(run_cli, tmp_path, "--select", "TL303")
    assert completed.returncode == 0
    assert _codes(completed) == []
    warnings = completed.stderr.splitlines()
    assert warnings == [
        "throughlint: warning: selection `TL303` has no effect because preview is not "
        "enabled (use --preview or `preview = true`)"
    ]


def test_selecting_a_preview_rule_with_preview_runs_only_it(run_cli, tmp_path):
    completed = _lint(run_cli, tmp_path, "--select", "TL303", "--preview")
    assert _codes(completed) == ["TL303"] and completed.stderr == ""


def test_a_prefix_with_stable_rules_does_not_warn(run_cli, tmp_path):
    completed = _lint(run_cli, tmp_path, "--select", "TL3")
    assert _codes(completed) == [] and completed.stderr == ""


def test_rules_lists_the_tier(run_cli):
    completed = run_cli("rules")
    lines = completed.stdout.splitlines()
    assert lines[0].split()[:4] == ["code", "name", "tier", "fixable"]
    tiers = {line.split()[0]: line.split()[2] for line in lines[1:]}
    assert tiers["TL101"] == "stable"
    assert PREVIEW and all(tiers[code] == "preview" for code in PREVIEW)
    listed = json.loads(run_cli("rules", "--format", "json").stdout)
    assert {item["code"] for item in listed if item["tier"] == "preview"} == set(PREVIEW)


def test_rule_page_says_how_to_enable_a_preview_rule(run_cli):
    note = "Preview: this rule is off by default; enable with --preview (or preview = true)"
    assert note in run_cli("rule", "TL303").stdout
    assert note not in run_cli("rule", "TL101").stdout


def test_report_takes_preview_too(run_cli, tmp_path):
    (tmp_path / "spin.py").write_text(SPIN)
    with_preview = run_cli("report", "spin.py", "--no-cache", "--format", "json", "--preview")
    without = run_cli("report", "spin.py", "--no-cache", "--format", "json")
    assert (with_preview.returncode, without.returncode) == (1, 0), with_preview.stderr
    assert "TL303" in with_preview.stdout and "TL303" not in without.stdout
