"""SARIF carries each fix as a ``fix`` object whose replacements rebuild the fixed file,
and the document still passes the SARIF 2.1.0 schema."""

from __future__ import annotations

import json

import jsonschema

from conftest import ROOT

SOURCE = (
    "import queue\nfrom queue import SimpleQueue\n\njobs = queue.Queue()\nbox = SimpleQueue()\n"
)


def _apply(text: str, replacements: list[dict]) -> str:
    lines = text.splitlines(keepends=True)

    def offset(line: int, column: int) -> int:
        return sum(len(item) for item in lines[: line - 1]) + column - 1

    for item in sorted(
        replacements,
        key=lambda r: (r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]),
        reverse=True,
    ):
        region = item["deletedRegion"]
        start = offset(region["startLine"], region["startColumn"])
        end = offset(region["endLine"], region["endColumn"])
        text = text[:start] + item["insertedContent"]["text"] + text[end:]
    return text


def test_sarif_fix_objects(run_cli, tmp_path):
    (tmp_path / "jobs.py").write_text(SOURCE)
    completed = run_cli("--format", "sarif", "--no-cache", ".")
    document = json.loads(completed.stdout)
    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(document, schema)
    results = document["runs"][0]["results"]
    fixed = {}
    for result in results:
        (fix,) = result["fixes"]
        (change,) = fix["artifactChanges"]
        assert change["artifactLocation"]["uri"] == "jobs.py"
        line = result["locations"][0]["physicalLocation"]["region"]["startLine"]
        fixed[line] = _apply(SOURCE, change["replacements"])
    assert fixed[4] == SOURCE.replace("queue.Queue()", "queue.Queue(maxsize=1000)")
    assert fixed[5] == (
        "import queue\nfrom queue import SimpleQueue\n\njobs = queue.Queue()\n"
        "box = queue.Queue(maxsize=1000)\n"
    )
    assert (tmp_path / "jobs.py").read_text() == SOURCE
