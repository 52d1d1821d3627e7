"""The database fixture projects through the real command: exactly the marked TL101 /
TL102 / TL103 lines (many of them only visible through the project index), and messages
that quantify and name the right API for the driver."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURES
from expectations import calls, expected

PROJECTS = FIXTURES / "projects"
NAMES = ("django_shop", "sqlalchemy_etl", "dbapi_etl")
CODES = ("TL101", "TL102", "TL103")


def _lint(run_cli, *paths: Path, extra: tuple[str, ...] = ()) -> list[dict]:
    completed = run_cli(
        *map(str, paths), "--format", "json", "--isolated", "--select", ",".join(CODES), *extra
    )
    assert completed.returncode == 1, completed.stderr
    return calls(json.loads(completed.stdout)["diagnostics"])


def _marked(root: Path) -> list[tuple[str, int, str]]:
    return sorted(
        (str(path.relative_to(PROJECTS)), line, code)
        for path in root.rglob("*.py")
        for line, code in expected(path.read_text(encoding="utf-8"), CODES)
    )


@pytest.mark.parametrize("name", NAMES)
def test_each_project_reports_exactly_the_marked_lines(run_cli, name):
    diagnostics = _lint(run_cli, PROJECTS / name, extra=("--no-cache",))
    got = sorted(
        (str(Path(d["path"]).resolve().relative_to(PROJECTS)), d["line"], d["code"])
        for d in diagnostics
    )
    assert got == _marked(PROJECTS / name)


def test_marked_lines_cover_every_rule_and_the_index():
    want = [item for name in NAMES for item in _marked(PROJECTS / name)]
    assert Counter(code for _, _, code in want) == {"TL101": 20, "TL102": 13, "TL103": 5}


@pytest.fixture(scope="module")
def messages(tmp_path_factory):
    import subprocess
    import sys

    completed = subprocess.run(
        [sys.executable, "-m", "throughlint", *(str(PROJECTS / n) for n in NAMES),
         "--format", "json", "--isolated", "--no-cache", "--select", ",".join(CODES)],
        capture_output=True, text=True, cwd=tmp_path_factory.mktemp("run"), timeout=120,
    )  # fmt: skip
    return {
        (Path(d["path"]).parent.name, Path(d["path"]).name, d["line"], d["code"]): d["message"]
        for d in calls(json.loads(completed.stdout)["diagnostics"])
    }


@pytest.mark.parametrize(
    ("where", "words"),
    [
        (("django_shop", "views.py", 13, "TL101"), ['select_related("author")', "1 + N"]),
        (("django_shop", "views.py", 16, "TL101"), ['prefetch_related("tags")', "book.tags.all()"]),
        (("django_shop", "views.py", 18, "TL101"), ['select_related("owner")']),  # abstract base
        (("django_shop", "views.py", 17, "TL101"), ["book.review_set.count()"]),  # reverse
        (("django_shop", "views.py", 44, "TL101"), ["Prefetch("]),
        (("django_shop", "views.py", 48, "TL101"), ["even though", "prefetched"]),
        (("django_shop", "services.py", 7, "TL101"), ["load_author()", "Author.objects.get()"]),
        (("django_shop", "services.py", 18, "TL103"), ["@transaction.atomic", "archive()"]),
        (("sqlalchemy_etl", "jobs.py", 13, "TL101"), ["selectinload(Customer.orders)"]),
        (("sqlalchemy_etl", "jobs.py", 14, "TL101"), ["dynamic"]),
        (("sqlalchemy_etl", "jobs.py", 37, "TL102"), ["SQLAlchemy 2.0 batches"]),
        (("sqlalchemy_etl", "jobs.py", 51, "TL102"), ["execute(insert(table), [dict, ...])"]),
        (("dbapi_etl", "load.py", 16, "TL102"), ["execute_values", "no faster than a loop"]),
        (("dbapi_etl", "load.py", 24, "TL102"), ["`EVENT_INSERT` (an INSERT)", "execute_values"]),
        (("dbapi_etl", "load.py", 60, "TL102"), ["psycopg 3 pipelines"]),
        (("dbapi_etl", "load.py", 73, "TL102"), ["executemany()"]),
        (("dbapi_etl", "load.py", 80, "TL101"), ["$in"]),
        (("dbapi_etl", "load.py", 81, "TL102"), ["insert_many()"]),
        (("dbapi_etl", "load.py", 25, "TL101"), ["fetch_user()", "dbapi_etl.queries"]),
    ],
)
def test_messages_quantify_and_name_the_api(messages, where, words):
    message = messages[where]
    for word in words:
        assert word in message, message
