"""SARIF against the official 2.1.0 schema; stable fingerprints; text columns on non-ASCII."""

from __future__ import annotations

import json

import jsonschema
import pytest

from throughlint.engine import lint_text

from conftest import FIXTURES, ROOT

SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())


def sarif(run_cli, *args, cwd=None):
    completed = run_cli(*args, "--format", "sarif", "--no-cache", cwd=cwd)
    return json.loads(completed.stdout)


def test_sarif_on_the_demo_is_valid_against_the_schema(run_cli):
    document = sarif(run_cli, str(FIXTURES / "demo"))
    jsonschema.validate(document, SCHEMA)
    run = document["runs"][0]
    assert run["results"], "the demo has findings"
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["region"]["startLine"] >= 1
        assert result["partialFingerprints"]["throughlint/v1"]
    catalogue = {rule["id"]: rule for rule in rules}
    assert catalogue["TL201"]["helpUri"].endswith("rules/TL201.md")
    assert "## Why it hurts throughput" in catalogue["TL201"]["help"]["markdown"]


def test_sarif_with_errors_and_no_results_is_valid(run_cli, tmp_path):
    (tmp_path / "ok.py").write_text("x = 1\n")
    document = sarif(run_cli, "ok.py", "missing.py", cwd=tmp_path)
    jsonschema.validate(document, SCHEMA)
    invocation = document["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "missing.py" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_sarif_uris_are_relative_and_escaped(run_cli, tmp_path):
    (tmp_path / "my app").mkdir()
    (tmp_path / "my app" / "jobs.py").write_text("import queue\nq = queue.Queue()\n")
    document = sarif(run_cli, cwd=tmp_path)
    jsonschema.validate(document, SCHEMA)
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "my%20app/jobs.py", "uriBaseId": "%SRCROOT%"}


def test_fingerprints_survive_unrelated_edits(run_cli, tmp_path):
    code = "import queue\n\ndef make():\n    return queue.Queue()\n"
    (tmp_path / "jobs.py").write_text(code)
    before = sarif(run_cli, cwd=tmp_path)["runs"][0]["results"]
    (tmp_path / "jobs.py").write_text("# a new header\n\n\n" + code.replace("return", "return  "))
    after = sarif(run_cli, cwd=tmp_path)["runs"][0]["results"]
    assert before[0]["locations"] != after[0]["locations"]
    assert before[0]["partialFingerprints"] == after[0]["partialFingerprints"]


@pytest.mark.parametrize("prefix", ["", "naïve = 'café'; ", "名前 = '東京'; ", "emoji = '🚀🚀'; "])
def test_columns_count_characters_not_bytes(prefix):
    code = f"import queue\n{prefix}q = queue.Queue()\n"
    [diagnostic] = lint_text(code)
    line = code.splitlines()[1]
    start = line.index("queue.Queue()")
    assert diagnostic.span.column == start + 1
    assert diagnostic.span.end_column == start + len("queue.Queue()") + 1


def test_text_caret_sits_under_the_call_on_non_ascii_lines(run_cli, tmp_path):
    (tmp_path / "u.py").write_text("import queue\nnom = 'été'; q = queue.Queue()\n")
    out = run_cli("u.py", "--no-cache", cwd=tmp_path).stdout
    code_line, caret_line = [line for line in out.splitlines() if line.startswith(("2 |", "  |"))]
    assert code_line.index("queue.Queue()") == caret_line.index("^")
    assert caret_line.count("^") == len("queue.Queue()")
