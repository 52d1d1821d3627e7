"""The command line next to ruff (issue 15, items 17 and 18): every subcommand has its
own ``--help``, the usage line names them, ``rule --all`` and ``--format json`` exist,
and a mistyped option or subcommand gets the nearest real one suggested."""

from __future__ import annotations

import json

import pytest

from throughlint.rules import all_rules

CODES = [rule.code for rule in all_rules()]


@pytest.mark.parametrize("command", ["rules", "rule", "report", "lsp"])
def test_every_subcommand_has_its_own_help(run_cli, command):
    completed = run_cli(command, "--help")
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith(f"usage: throughlint {command}")
    assert "--help" in completed.stdout and completed.stderr == ""


def test_the_usage_line_names_the_subcommands(run_cli):
    completed = run_cli("--help")
    assert completed.returncode == 0
    usage = completed.stdout.split("\n\n")[0]
    for line in ("throughlint rules", "throughlint rule (CODE | --all)", "throughlint report"):
        assert line in usage
    assert "`throughlint COMMAND --help`" in completed.stdout


def test_rules_as_json(run_cli):
    completed = run_cli("rules", "--format", "json")
    assert completed.returncode == 0, completed.stderr
    rules = json.loads(completed.stdout)
    assert [rule["code"] for rule in rules] == CODES
    assert set(rules[0]) == {"code", "name", "summary", "severity", "fix", "tier"}


def test_rule_as_json_carries_the_reference_page(run_cli):
    completed = run_cli("rule", "TL201", "--format", "json")
    assert completed.returncode == 0, completed.stderr
    rule = json.loads(completed.stdout)
    assert rule["code"] == "TL201" and rule["name"] == "unbounded-queue"
    assert rule["explanation"] == run_cli("rule", "TL201").stdout


def test_rule_all_prints_every_page(run_cli):
    completed = run_cli("rule", "--all")
    assert completed.returncode == 0, completed.stderr
    titles = [line.split()[1] for line in completed.stdout.splitlines() if line.startswith("# ")]
    assert titles == CODES
    document = json.loads(run_cli("rule", "--all", "--format", "json").stdout)
    assert [rule["code"] for rule in document] == CODES
    assert all(rule["explanation"].startswith(f"# {rule['code']} ") for rule in document)


@pytest.mark.parametrize("arguments", [("rule",), ("rule", "TL201", "--all"), ("rules", "x")])
def test_subcommand_usage_errors_are_one_line(run_cli, arguments):
    completed = run_cli(*arguments)
    assert completed.returncode == 2
    assert completed.stderr.count("\n") == 1 and completed.stderr.startswith("throughlint: error:")


@pytest.mark.parametrize(
    ("arguments", "suggestion"),
    [
        (("--selct", "TL1"), "a similar argument exists: '--select'"),
        (("--selct=TL1",), "a similar argument exists: '--select'"),
        (("--exit-zeor",), "a similar argument exists: '--exit-zero'"),
        (("--diff-form", "main"), "a similar argument exists: '--diff-from'"),
        (("report", "--tpo", "3"), "a similar argument exists: '--top'"),
        (("rules", "--fromat", "json"), "a similar argument exists: '--format'"),
        (("rule", "TL201", "--formt", "json"), "a similar argument exists: '--format'"),
        (("rulez",), "a similar subcommand exists: 'rules'"),
        (("reprot",), "a similar subcommand exists: 'report'"),
        (("rule", "TL2O1"), "a similar rule exists: 'TL201'"),
    ],
)
def test_a_typo_gets_the_nearest_suggestion(run_cli, arguments, suggestion):
    completed = run_cli(*arguments)
    assert completed.returncode == 2, completed.stdout
    assert suggestion in completed.stderr
    assert completed.stderr.count("\n") == 1


def test_a_missing_file_that_looks_like_a_subcommand_is_still_a_path(run_cli, tmp_path):
    (tmp_path / "ok.py").write_text("x = 1\n")
    completed = run_cli("--no-cache", "rules.py", "ok.py")
    assert completed.returncode == 2
    assert "rules.py" in completed.stderr and "subcommand" not in completed.stderr
    assert "1 file linted" in completed.stdout


def test_an_unknown_option_far_from_all_gets_no_suggestion(run_cli):
    completed = run_cli("--zzzzzz")
    assert completed.returncode == 2
    assert "similar" not in completed.stderr
