"""GitLab Code Quality and JUnit outputs against their documented shapes; the priority
field in JSON, SARIF and the text summary."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import jsonschema

from adoption.helpers import write_project

# GitLab's Code Quality report format (docs: "Code Quality report format"): an array of
# objects; description, check_name, fingerprint, severity and location.path with
# location.lines.begin (or location.positions.begin.line) are required.
GITLAB_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "type": {"const": "issue"},
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "categories": {"type": "array", "items": {"type": "string"}},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "pattern": "^[^/.]"},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {
                            "begin": {"type": "integer", "minimum": 1},
                            "end": {"type": "integer", "minimum": 1},
                        },
                    },
                },
            },
        },
    },
}
SARIF_SCHEMA = Path(__file__).resolve().parent.parent / "data" / "sarif-schema-2.1.0.json"


def _run(tl, tmp_path, *args):
    write_project(tmp_path)
    return tl("--no-cache", *args, "./app", cwd=tmp_path)


def test_gitlab_code_quality(tl, tmp_path):
    completed = _run(tl, tmp_path, "--format", "gitlab")
    assert completed.returncode == 1, completed.stderr
    issues = json.loads(completed.stdout)
    jsonschema.validate(issues, GITLAB_SCHEMA)
    assert len(issues) == 4
    assert len({issue["fingerprint"] for issue in issues}) == 4
    first = issues[0]
    assert first["check_name"] == "TL201"
    assert first["location"] == {"path": "app/orders.py", "lines": {"begin": 6, "end": 6}}
    assert first["severity"] == "major"
    assert first["description"].startswith("TL201 [unbounded-queue] unbounded")
    # The same fingerprints as SARIF's partialFingerprints: one identity everywhere.
    sarif = json.loads(tl("--no-cache", "--format", "sarif", "app", cwd=tmp_path).stdout)
    partial = [r["partialFingerprints"]["throughlint/v1"] for r in sarif["runs"][0]["results"]]
    assert partial == [issue["fingerprint"] for issue in issues]


def test_gitlab_clean_run_is_an_empty_array(tl, tmp_path):
    (tmp_path / "ok.py").write_text("x = 1\n")
    completed = tl("--no-cache", "--format", "gitlab", "ok.py", cwd=tmp_path)
    assert completed.returncode == 0 and json.loads(completed.stdout) == []


def test_junit_xml(run_cli, tmp_path):
    completed = _run(run_cli, tmp_path, "--format", "junit", "--output-file", "report.xml")
    assert completed.returncode == 1, completed.stderr
    root = ElementTree.parse(tmp_path / "report.xml").getroot()
    assert root.tag == "testsuites"
    assert (root.get("name"), root.get("tests"), root.get("failures")) == ("throughlint", "4", "4")
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == ["app/orders.py", "app/reports.py"]
    for suite in suites:
        cases = suite.findall("testcase")
        assert suite.get("tests") == suite.get("failures") == str(len(cases))
        for case in cases:
            assert case.get("name") and case.get("classname") and case.get("file")
            failure = case.find("failure")
            assert failure is not None and failure.get("type", "").startswith("TL")
            assert failure.get("message") and f"{case.get('file')}:" in failure.text
    first = suites[0].find("testcase")
    assert first.get("name") == "TL201 unbounded-queue at 6:11"
    assert first.get("classname") == "app.orders" and first.get("line") == "6"


def test_junit_clean_run_has_one_passing_case(tl, tmp_path):
    (tmp_path / "ok.py").write_text("x = 1\n")
    completed = tl("--no-cache", "--format", "junit", "ok.py", cwd=tmp_path)
    assert completed.returncode == 0
    root = ElementTree.fromstring(completed.stdout)
    assert (root.get("tests"), root.get("failures")) == ("1", "0")
    (case,) = root.iter("testcase")
    assert case.find("failure") is None


def test_json_adds_priority_and_keeps_every_stable_field(tl, tmp_path):
    document = json.loads(_run(tl, tmp_path, "--format", "json").stdout)
    stable = {
        "code", "name", "path", "line", "column", "end_line", "end_column",
        "severity", "message", "fix",
    }  # fmt: skip
    for item in document["diagnostics"]:
        additions = {
            "priority",
            "fingerprint",
            "confidence",
            "input_size",
            "path_kind",
            "held_back",
            "related",
        }
        assert set(item) == stable | additions  # compatible additions
        assert isinstance(item["priority"], int) and 0 <= item["priority"] <= 100
    assert set(document) == {"version", "diagnostics", "summary"}
    assert set(document["summary"]) == {"files", "diagnostics", "fixable", "errors", "held_back"}


def test_sarif_carries_priority_and_stays_valid(tl, tmp_path):
    document = json.loads(_run(tl, tmp_path, "--format", "sarif").stdout)
    jsonschema.validate(document, json.loads(SARIF_SCHEMA.read_text()))
    results = document["runs"][0]["results"]
    assert len(results) == 4
    assert all(isinstance(r["properties"]["priority"], int) for r in results)


def test_text_summary_names_the_worst_finding(tl, tmp_path):
    completed = _run(tl, tmp_path)
    assert "Highest priority: TL203 at app/orders.py:11 in `export`" in completed.stdout


# an ESC and a NUL-free C0 character inside a string literal the message quotes
CONTROL_CHARACTERS = """\
import sqlite3

conn = sqlite3.connect("x")


def load(rows):
    cur = conn.cursor()
    for r in rows:
        cur.execute("INSERT INTO t VALUES ('\x1b[2J\x07', ?)", (r,))
"""


def test_control_characters_of_the_code_never_reach_the_output_raw(tl, tmp_path):
    (tmp_path / "a.py").write_text(CONTROL_CHARACTERS, encoding="utf-8")
    junit = tl("--no-cache", "--isolated", "--format", "junit", "a.py", cwd=tmp_path)
    root = ElementTree.fromstring(junit.stdout)  # XML 1.0 refuses these even escaped
    failure = next(root.iter("failure"))
    assert "\\x1b[2J\\x07" in failure.get("message", "")
    for output in ("text", "concise"):
        completed = tl("--no-cache", "--isolated", "--format", output, "a.py", cwd=tmp_path)
        assert completed.returncode == 1, completed.stderr
        assert "\x1b" not in completed.stdout and "\x07" not in completed.stdout
        assert "\\x1b[2J\\x07" in completed.stdout
