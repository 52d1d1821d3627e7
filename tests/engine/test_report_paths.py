"""Paths in JSON, GitLab, JUnit and SARIF count from the project root whatever the
arguments' spelling or the current folder (issue 15, item 13); JSON carries the same
``fingerprint`` SARIF and GitLab use (item 15)."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest

SARIF_SCHEMA = json.loads(
    (Path(__file__).resolve().parent.parent / "data" / "sarif-schema-2.1.0.json").read_text()
)
UNBOUNDED = "import queue\n\njobs = queue.Queue()\n"


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "jobs.py").write_text(UNBOUNDED)
    (root / "pyproject.toml").write_text("[tool.throughlint]\n")
    return root


def _report(run_cli, project, format_name, *paths, cwd=None):
    completed = run_cli("--no-cache", "--format", format_name, *paths, cwd=cwd or project)
    assert completed.returncode == 1, completed.stderr
    return completed.stdout


def _invocations(project):
    """The same file named absolutely, relatively, and from a subfolder."""
    absolute = str(project / "pkg" / "jobs.py")
    return [((absolute,), project), (("pkg/jobs.py",), project), ((".",), project / "pkg")]


def test_json_paths_are_relative_to_the_project_root(run_cli, project):
    for paths, cwd in _invocations(project):
        document = json.loads(_report(run_cli, project, "json", *paths, cwd=cwd))
        assert [d["path"] for d in document["diagnostics"]] == ["pkg/jobs.py"], paths


def test_gitlab_paths_are_relative_to_the_project_root(run_cli, project):
    for paths, cwd in _invocations(project):
        issues = json.loads(_report(run_cli, project, "gitlab", *paths, cwd=cwd))
        assert [issue["location"]["path"] for issue in issues] == ["pkg/jobs.py"], paths


def test_junit_paths_are_relative_to_the_project_root(run_cli, project):
    for paths, cwd in _invocations(project):
        root = ElementTree.fromstring(_report(run_cli, project, "junit", *paths, cwd=cwd))
        (case,) = root.iter("testcase")
        assert case.get("file") == "pkg/jobs.py" and case.get("classname") == "pkg.jobs"


def test_sarif_has_one_form_of_uri_and_stays_valid(run_cli, project):
    for paths, cwd in _invocations(project):
        document = json.loads(_report(run_cli, project, "sarif", *paths, cwd=cwd))
        jsonschema.validate(document, SARIF_SCHEMA)
        (run,) = document["runs"]
        (result,) = run["results"]
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": "pkg/jobs.py", "uriBaseId": "%SRCROOT%"}, paths
        assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == project.as_uri() + "/"


def test_sarif_fix_locations_use_the_same_form(run_cli, project):
    document = json.loads(_report(run_cli, project, "sarif", str(project / "pkg" / "jobs.py")))
    jsonschema.validate(document, SARIF_SCHEMA)
    (result,) = document["runs"][0]["results"]
    (fix,) = result["fixes"]
    location = fix["artifactChanges"][0]["artifactLocation"]
    assert location == {"uri": "pkg/jobs.py", "uriBaseId": "%SRCROOT%"}


def test_a_file_outside_the_project_is_an_absolute_uri_without_a_base(run_cli, tmp_path):
    outside = tmp_path / "elsewhere" / "my jobs.py"
    outside.parent.mkdir()
    outside.write_text(UNBOUNDED)
    (tmp_path / "here").mkdir()
    completed = run_cli("--no-cache", "--format", "sarif", str(outside), cwd=tmp_path / "here")
    document = json.loads(completed.stdout)
    jsonschema.validate(document, SARIF_SCHEMA)
    (result,) = document["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": outside.as_uri()}
    completed = run_cli("--no-cache", "--format", "json", str(outside), cwd=tmp_path / "here")
    assert json.loads(completed.stdout)["diagnostics"][0]["path"] == outside.as_posix()


def test_json_fingerprint_is_the_one_sarif_and_gitlab_use(run_cli, project):
    (project / "pkg" / "more.py").write_text(UNBOUNDED + "\nother = queue.Queue()\n" * 2)
    for cwd in (project, project / "pkg"):
        json_doc = json.loads(_report(run_cli, project, "json", ".", cwd=cwd))
        sarif = json.loads(_report(run_cli, project, "sarif", ".", cwd=cwd))
        gitlab = json.loads(_report(run_cli, project, "gitlab", ".", cwd=cwd))
        from_json = [(d["path"], d["line"], d["fingerprint"]) for d in json_doc["diagnostics"]]
        from_sarif = [
            (
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
                r["partialFingerprints"]["throughlint/v1"],
            )
            for r in sarif["runs"][0]["results"]
        ]
        from_gitlab = [
            (i["location"]["path"], i["location"]["lines"]["begin"], i["fingerprint"])
            for i in gitlab
        ]
        assert len(from_json) == 4
        assert from_json == from_sarif == from_gitlab
        assert len({item[2] for item in from_json}) == 4  # occurrence index tells them apart
    # the same finding keeps its fingerprint whatever the current folder
    at_root = json.loads(_report(run_cli, project, "json", "pkg/jobs.py"))
    below = json.loads(_report(run_cli, project, "json", "jobs.py", cwd=project / "pkg"))
    assert at_root["diagnostics"][0]["fingerprint"] == below["diagnostics"][0]["fingerprint"]


def test_json_fingerprint_matches_the_baseline(run_cli, project):
    run_cli("--no-cache", "--write-baseline", "bl.json", ".", cwd=project)
    recorded = json.loads((project / "bl.json").read_text())["findings"]
    document = json.loads(_report(run_cli, project, "json", "."))
    assert [d["fingerprint"] for d in document["diagnostics"]] == [
        entry["fingerprint"] for entry in recorded
    ]


TWICE = "import queue\n\n\ndef make():\n    a = queue.Queue()\n    return a\n"


def test_a_new_finding_never_takes_a_baselined_findings_fingerprint(run_cli, tmp_path):
    """Fingerprints count occurrences over the whole run: the second identical line in a
    function is new, and its fingerprint is not the baselined first one's."""
    (tmp_path / "pyproject.toml").write_text("[tool.throughlint]\n")
    (tmp_path / "jobs.py").write_text(TWICE)
    run_cli("--no-cache", "--write-baseline", "bl.json", ".")
    baselined = {
        e["fingerprint"] for e in json.loads((tmp_path / "bl.json").read_text())["findings"]
    }
    (tmp_path / "jobs.py").write_text(
        TWICE.replace("    return a", "    a = queue.Queue()\n    return a")
    )
    completed = run_cli("--no-cache", "--format", "json", "--baseline", "bl.json", ".")
    (new,) = json.loads(completed.stdout)["diagnostics"]
    assert new["line"] == 6 and new["fingerprint"] not in baselined
    full = json.loads(run_cli("--no-cache", "--format", "json", ".").stdout)["diagnostics"]
    assert [d["fingerprint"] for d in full if d["line"] == 6] == [new["fingerprint"]]
    sarif = json.loads(
        run_cli("--no-cache", "--format", "sarif", "--baseline", "bl.json", ".").stdout
    )
    (result,) = sarif["runs"][0]["results"]
    assert result["partialFingerprints"]["throughlint/v1"] == new["fingerprint"]


def test_top_and_sort_do_not_change_a_fingerprint(run_cli, project):
    (project / "pkg" / "more.py").write_text(UNBOUNDED + "\nother = queue.Queue()\n" * 2)
    full = json.loads(_report(run_cli, project, "json", "."))["diagnostics"]
    by_place = {(d["path"], d["line"]): d["fingerprint"] for d in full}
    for extra in (("--top", "1"), ("--sort", "priority")):
        shown = json.loads(_report(run_cli, project, "json", *extra, "."))["diagnostics"]
        assert shown and all(by_place[(d["path"], d["line"])] == d["fingerprint"] for d in shown)
