"""An exception inside one rule on one file is contained: a TL999 diagnostic naming the
rule and the file, every other rule and file still runs, exit status 2. Unreadable and
unparsable files are a TL000 that never stops the run. All through the real CLI."""

from __future__ import annotations

import json
import os

import pytest

# Raises on every call in a file that mentions BOOM; silent everywhere else.
BROKEN_RULE = '''
"""A rule that breaks on purpose."""
import ast
from throughlint.rules.base import Rule

RULE = Rule(code="TL990", name="broken-on-purpose", summary="raises", triggers=("BOOM",))


@RULE.on(ast.Call)
def explode(checker, node):
    raise ZeroDivisionError("planted failure in " + checker.source.path)
'''

UNBOUNDED = "import queue\n\nq = queue.Queue()  # BOOM\n"
CLEAN_WITH_QUEUE = "import queue\n\nq = queue.Queue()\n"


def _json(completed):
    assert completed.stdout, completed.stderr
    return json.loads(completed.stdout)


def _codes_by_path(document):
    found: dict[str, list[str]] = {}
    for item in document["diagnostics"]:
        found.setdefault(os.path.basename(item["path"]), []).append(item["code"])
    return found


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_exception_in_one_rule_is_contained(tmp_path, run_with_rules, jobs):
    (tmp_path / "broken.py").write_text(UNBOUNDED)
    # Enough files for the process pool to be used with --jobs 2.
    for index in range(30):
        (tmp_path / f"other_{index:02}.py").write_text(CLEAN_WITH_QUEUE)
    completed = run_with_rules(
        "--no-cache", "--format", "json", "--jobs", jobs, ".", rules={"zz_broken": BROKEN_RULE}
    )
    assert completed.returncode == 2, completed.stderr
    assert "Traceback" not in completed.stderr
    document = _json(completed)
    codes = _codes_by_path(document)
    # The broken rule's failure is reported once, on the file where it broke...
    assert sorted(codes["broken.py"]) == ["TL201", "TL999"]
    internal = [d for d in document["diagnostics"] if d["code"] == "TL999"]
    assert len(internal) == 1
    assert "TL990" in internal[0]["message"] and "broken-on-purpose" in internal[0]["message"]
    assert "ZeroDivisionError" in internal[0]["message"]
    assert internal[0]["line"] == 3
    # ...and every other rule and file still ran.
    assert all(codes[f"other_{index:02}.py"] == ["TL201"] for index in range(30))
    assert document["summary"]["files"] == 31


def test_text_output_names_rule_and_file(tmp_path, run_with_rules):
    (tmp_path / "broken.py").write_text(UNBOUNDED)
    completed = run_with_rules("--no-cache", "broken.py", rules={"zz_broken": BROKEN_RULE})
    assert completed.returncode == 2
    assert "broken.py:3:" in completed.stdout
    assert "TL999" in completed.stdout and "TL990" in completed.stdout
    assert "Traceback" not in completed.stdout + completed.stderr


def test_show_traceback_adds_the_traceback(tmp_path, run_with_rules):
    (tmp_path / "broken.py").write_text(UNBOUNDED)
    completed = run_with_rules(
        "--no-cache", "--show-traceback", "broken.py", rules={"zz_broken": BROKEN_RULE}
    )
    assert completed.returncode == 2
    assert "Traceback (most recent call last)" in completed.stdout
    assert "planted failure in" in completed.stdout
    assert "in explode" in completed.stdout


def test_internal_error_is_not_served_from_the_cache(tmp_path, run_with_rules):
    """The message of a TL999 says to rerun with --show-traceback; that rerun must lint
    again rather than replay the cached failure without its traceback."""
    (tmp_path / "broken.py").write_text(UNBOUNDED)
    first = run_with_rules("broken.py", rules={"zz_broken": BROKEN_RULE})
    assert first.returncode == 2 and "TL999" in first.stdout
    second = run_with_rules("--show-traceback", "broken.py", rules={"zz_broken": BROKEN_RULE})
    assert second.returncode == 2
    assert "Traceback (most recent call last)" in second.stdout


def test_recursion_error_inside_a_rule_is_too_deep_not_internal(run_cli, tmp_path):
    """Nesting that leaves a rule no stack is a property of the file (TL000), not a bug
    in the rule (TL999). Probe depths around where the walk itself runs out."""
    for depth in range(4975, 5000):
        (tmp_path / f"deep_{depth}.py").write_text(
            "import queue\nx = queue.Queue()" + " + 1" * depth + "\n"
        )
    completed = run_cli("--no-cache", "--jobs", "1", "--format", "json", ".")
    document = _json(completed)
    codes = {d["code"] for d in document["diagnostics"]}
    assert "TL999" not in codes, [d["message"] for d in document["diagnostics"]][:3]
    assert codes <= {"TL000", "TL201"}
    assert completed.returncode == 1


BROKEN_FILES: dict[str, bytes] = {
    "syntax.py": b"def f(:\n    pass\n",
    "nul.py": b"x = 1\x00\n",
    "latin.py": b"x = '\xe9\xff'\n",
    "cookie.py": b"# -*- coding: no-such-codec -*-\nx = 1\n",
    "bad_cookie.py": b"# coding: utf-8\nx = '\xff'\n",
    "bom_conflict.py": b"\xef\xbb\xbf# coding: latin-1\nx = 1\n",
    "tabs.py": b"if x:\n\tif y:\n        pass\n",
    "deep_parens.py": b"x = " + b"(" * 300 + b"1" + b")" * 300 + b"\n",
    "deep_unary.py": b"x = " + b"-" * 100_000 + b"1\n",
    "deep_lambda.py": b"x = " + b"lambda: " * 100_000 + b"1\n",
    "deep_attribute.py": b"x = a" + b".b" * 100_000 + b"\n",
    "null_escape.py": b"x = '\\N{NO SUCH NAME}'\n",
    "huge_int.py": b"x = 1" + b"0" * 5000 + b"\n",  # Python itself refuses > 4300 digits
}


def test_every_broken_file_is_one_tl000_and_the_run_goes_on(run_cli, tmp_path):
    for name, data in BROKEN_FILES.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "fine.py").write_text(CLEAN_WITH_QUEUE)
    os.symlink(tmp_path / "missing-target.py", tmp_path / "dangling.py")
    completed = run_cli("--no-cache", "--format", "json", ".")
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    document = _json(completed)
    codes = _codes_by_path(document)
    assert codes.pop("fine.py") == ["TL201"]
    expected = {name: ["TL000"] for name in BROKEN_FILES}
    expected["dangling.py"] = ["TL000"]
    assert codes == expected
    for item in document["diagnostics"]:
        if item["code"] == "TL000":
            message = item["message"]
            assert message.strip() and "\n" not in message, item
            assert not message.endswith(": "), item
    messages = {os.path.basename(d["path"]): d["message"] for d in document["diagnostics"]}
    assert "nested too deeply" in messages["deep_unary.py"]
    assert "nested too deeply" in messages["deep_lambda.py"]
    assert "cannot read" in messages["dangling.py"]


def test_missing_paths_are_one_line_errors_and_the_rest_is_linted(run_cli, tmp_path):
    (tmp_path / "fine.py").write_text(CLEAN_WITH_QUEUE)
    completed = run_cli("--no-cache", "fine.py", "nope.py", "no_dir/")
    assert completed.returncode == 2
    errors = [line for line in completed.stderr.splitlines() if line]
    assert len(errors) == 2, completed.stderr
    assert all(line.startswith("throughlint: error: ") for line in errors)
    assert "nope.py" in errors[0] and "no_dir" in errors[1]
    assert "fine.py:3:" in completed.stdout
