"""The accuracy benchmark's label reader, fetcher and scorer, on a tiny package made here
(real files, a real throughlint run, no network)."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ACCURACY = Path(__file__).resolve().parents[2] / "bench" / "accuracy"
sys.path.insert(0, str(ACCURACY))

import fetch  # noqa: E402
import labels  # noqa: E402
import score  # noqa: E402

SOURCE = """\
import queue
import sqlite3

jobs = queue.Queue()
small = queue.Queue(maxsize=10)
startup = queue.Queue()
spare = queue.Queue()


def save(conn: sqlite3.Connection, rows):
    for row in rows:
        conn.execute("INSERT INTO t VALUES (?)", (row,))
        conn.commit()
    for row in rows:
        print(row)
"""

LABELS = """\
[package]
name = "demo-pkg"
version = "1.0"
filename = "demo_pkg-1.0-py3-none-any.whl"
sha256 = "{sha}"
split = "{split}"
kind = "library"

[[label]]
path = "demo/jobs.py"
line = 4
text = "jobs = queue.Queue()"
expect = "flag"
rule = "TL201"
reason = "hit: reported on this line"
evidence = ""

[[label]]
path = "demo/jobs.py"
line = 5
text = "small = queue.Queue(maxsize=10)"
expect = "clean"
rule = "TL201"
reason = "clean: bounded, not reported"

[[label]]
path = "demo/jobs.py"
line = 6
text = "startup = queue.Queue()"
expect = "clean"
rule = "TL201"
reason = "false alarm: a clean label on a reported line"

[[label]]
path = "demo/jobs.py"
line = 12
text = 'conn.execute("INSERT INTO t VALUES (?)", (row,))'
expect = "flag"
rule = "TL103"
reason = "hit by family: TL102 reports here and is in the write family"

[[label]]
path = "demo/jobs.py"
line = 12
text = 'conn.execute("INSERT INTO t VALUES (?)", (row,))'
expect = "clean"
rule = "TL101"
reason = "clean: a finding of another family does not count against n+1"

[[label]]
path = "demo/jobs.py"
line = 15
text = "print(row)"
expect = "flag"
rule = "TL101"
reason = "miss: nothing reported here"

[[label]]
path = "demo/jobs.py"
line = 13
text = "conn.rollback()"
expect = "flag"
rule = "TL103"
reason = "drift: the text does not match the source line"
"""


def wheel_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("demo/__init__.py", "")
        archive.writestr("demo/jobs.py", SOURCE)
    return buffer.getvalue()


def write_labels(folder: Path, sha: str, split: str = "tune") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "demo-pkg.toml").write_text(LABELS.format(sha=sha, split=split))
    return folder


@pytest.fixture
def fetched(tmp_path):
    """A label folder and a cache where the wheel is already downloaded and unpacked."""
    data = wheel_bytes()
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "demo_pkg-1.0-py3-none-any.whl").write_bytes(data)
    folder = write_labels(tmp_path / "labels", hashlib.sha256(data).hexdigest())
    (package,) = labels.load_all(str(folder))
    tree = fetch.fetch(package, str(cache))
    return folder, cache, tree


def test_fetch_unpacks_the_verified_wheel_once(fetched):
    folder, cache, tree = fetched
    assert Path(tree, "demo", "jobs.py").read_text() == SOURCE
    marker = Path(tree, "demo", "marker.txt")
    marker.write_text("kept")
    (package,) = labels.load_all(str(folder))
    assert fetch.fetch(package, str(cache)) == tree
    assert marker.exists(), "a second fetch of the same digest must not unpack again"


def test_fetch_refuses_a_file_with_another_digest(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "demo_pkg-1.0-py3-none-any.whl").write_bytes(wheel_bytes())
    folder = write_labels(tmp_path / "labels", "0" * 64)
    (package,) = labels.load_all(str(folder))
    with pytest.raises(fetch.FetchError, match="SHA256 MISMATCH"):
        fetch.fetch(package, str(cache))
    assert not Path(package.tree(str(cache))).exists()


def test_fetch_strips_the_top_folder_of_an_sdist(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        data = SOURCE.encode()
        info = tarfile.TarInfo("demo_pkg-1.0/demo/jobs.py")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "demo_pkg-1.0.tar.gz").write_bytes(buffer.getvalue())
    folder = write_labels(tmp_path / "labels", hashlib.sha256(buffer.getvalue()).hexdigest())
    toml = folder / "demo-pkg.toml"
    toml.write_text(
        toml.read_text().replace("demo_pkg-1.0-py3-none-any.whl", "demo_pkg-1.0.tar.gz")
    )
    (package,) = labels.load_all(str(folder))
    tree = fetch.fetch(package, str(cache))
    assert Path(tree, "demo", "jobs.py").read_text() == SOURCE


def test_score_matches_findings_to_labels_by_family(fetched):
    folder, cache, _ = fetched
    (package,) = labels.load_all(str(folder))
    result = score.run([package], str(cache))
    by_line = {(o.label.line, o.label.rule): o.result for o in result.outcomes}
    assert by_line == {
        (4, "TL201"): "hit",
        (5, "TL201"): "clean",
        (6, "TL201"): "false-alarm",
        (12, "TL103"): "hit",
        (12, "TL101"): "clean",
        (15, "TL101"): "miss",
        (13, "TL103"): "drift",
    }
    queue_tally, write, n_plus_one = (result.families[f] for f in ("queue", "write", "n+1"))
    assert (queue_tally.flags, queue_tally.hits, queue_tally.cleans) == (1, 1, 2)
    assert queue_tally.false_alarm_rate == 0.5
    assert (write.flags, write.hits, write.cleans) == (1, 1, 0)
    assert (n_plus_one.flags, n_plus_one.hits, n_plus_one.recall) == (1, 0, 0.0)
    total = result.total
    assert (total.flags, total.hits, total.false_alarms) == (3, 2, 1)
    assert total.precision == pytest.approx(2 / 3)
    # line 7 (queue) and line 13 (the commit: its only label drifted) are unlabelled
    # findings; the drifted label keeps its line "labelled".
    assert result.unlabelled == {"queue": 1}


def test_score_records_the_confidence_tier_of_each_hit_and_false_alarm(fetched):
    folder, _, tree = fetched
    (package,) = labels.load_all(str(folder))
    findings = [
        score.Finding("TL201", "demo/jobs.py", 4, "heuristic"),
        score.Finding("TL201", "demo/jobs.py", 6, "heuristic"),
        score.Finding("TL201", "demo/jobs.py", 6, "typed"),  # typed wins on a shared line
        score.Finding("TL201", "demo/jobs.py", 7, "heuristic"),
    ]
    result = score.Score()
    score.score_package(package, str(tree), findings, result)
    tiers = {o.label.line: o.confidence for o in result.outcomes if o.label.rule == "TL201"}
    assert tiers == {4: "heuristic", 5: "", 6: "typed"}
    assert result.unlabelled_by_confidence == {"heuristic": 1}
    assert score.tiers(result).splitlines() == [
        "confidence typed: 0 hits, 1 false alarms, 0 findings on unlabelled lines",
        "confidence heuristic: 1 hits, 0 false alarms, 1 findings on unlabelled lines",
    ]


def test_score_cli_split_json_and_markdown(fetched, tmp_path):
    folder, cache, _ = fetched
    out = tmp_path / "score.json"
    command = [sys.executable, str(ACCURACY / "score.py"), "--labels", str(folder)]
    command += ["--cache", str(cache), "--markdown", "--list", "--json", str(out)]
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "| all | 3 | 2 | 0.67 | 3 | 1 | 0.33 | 0.67 | 1 |" in completed.stdout
    assert "miss: demo-pkg demo/jobs.py:15 TL101" in completed.stdout
    assert "drift: demo-pkg demo/jobs.py:13 TL103" in completed.stdout
    report = json.loads(out.read_text())
    assert report["all"]["hits"] == 2 and report["families"]["queue"]["false_alarms"] == 1
    assert {o["confidence"] for o in report["outcomes"] if o["result"] == "hit"} == {"typed"}
    assert "confidence typed: 2 hits, 1 false alarms, 1 findings" in completed.stdout
    holdout = subprocess.run(
        [*command[:-2], "--split", "holdout"], capture_output=True, text=True, check=True
    )
    assert "split holdout: 0 packages, 0 labels" in holdout.stdout


def test_check_labels_reports_drift_without_running_throughlint(fetched):
    folder, cache, _ = fetched
    command = [sys.executable, str(ACCURACY / "score.py"), "--labels", str(folder)]
    command += ["--cache", str(cache), "--check-labels"]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    assert completed.returncode == 1
    assert "drift: demo-pkg demo/jobs.py:13 line now reads 'conn.commit()'" in completed.stdout
    assert "1 packages, 7 labels, 1 drifted" in completed.stdout


def test_label_file_errors_name_the_problem(tmp_path):
    folder = write_labels(tmp_path / "labels", "a" * 64, split="later")
    with pytest.raises(labels.LabelError, match="split"):
        labels.load_all(str(folder))
    write_labels(folder, "a" * 64)
    toml = folder / "demo-pkg.toml"
    toml.write_text(
        toml.read_text() + '\n[[label]]\npath = "demo/jobs.py"\nline = 4\n'
        'text = "x"\nexpect = "flag"\nrule = "TL201"\nreason = "twice"\n'
    )
    with pytest.raises(labels.LabelError, match="labelled twice"):
        labels.load_all(str(folder))


def test_unlisted_codes_form_their_own_family():
    assert score.family("TL102") == score.family("TL103") == "write"
    assert score.family("TL204") == "TL204"
