"""SQL that a project function returns (round 21, probe p47): ``sql =
build_upsert("customers", cols)`` then ``cur.execute(sql, row)`` per row runs the
INSERT the helper builds (TL102), a SELECT helper per item is a query (TL101). Near
misses: the helper's SQL sent once with ``execute_values``-style batching, a helper
whose returns disagree (an INSERT or a SELECT), and a helper of the user's own that
returns no SQL. Run through the real CLI."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

SQL = """\
def build_upsert(table, columns):
    cols = ", ".join(columns)
    marks = ", ".join(["%s"] * len(columns))
    return f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING"


def lookup_sql():
    return "SELECT id FROM customers WHERE email = %s"


def either(upsert):
    if upsert:
        return "INSERT INTO customers (email) VALUES (%s)"
    return "SELECT id FROM customers WHERE email = %s"


def label(table):
    return f"customers of {table}"
"""

LOAD = """\
import psycopg2

from app.sql import build_upsert, either, label, lookup_sql


def load(dsn, rows):
    conn = psycopg2.connect(dsn)
    cur = conn.cursor()
    sql = build_upsert("customers", ["id", "name", "email"])
    for row in rows:
        cur.execute(sql, (row["id"], row["name"], row["email"]))
    conn.commit()


def find_ids(dsn, emails):
    conn = psycopg2.connect(dsn)
    cur = conn.cursor()
    found = []
    for email in emails:
        cur.execute(lookup_sql(), (email,))
        found.append(cur.fetchone())
    return found


def load_once(dsn, rows):
    conn = psycopg2.connect(dsn)
    cur = conn.cursor()
    cur.executemany(build_upsert("customers", ["id"]), [(row["id"],) for row in rows])
    conn.commit()


def unsure(dsn, emails):
    conn = psycopg2.connect(dsn)
    cur = conn.cursor()
    sql = either(True)
    for email in emails:
        cur.execute(sql, (email,))


def labelled(dsn, tables):
    conn = psycopg2.connect(dsn)
    cur = conn.cursor()
    for table in tables:
        cur.execute(label(table))
"""

FLAGGED = {"load": ("TL102", "`build_upsert()` (an INSERT)"), "find_ids": ("TL101", "")}


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("sql"),
        {"app/__init__.py": "", "app/sql.py": SQL, "app/load.py": LOAD},
    )
    report = lint_json(run_module_cli, root, "--select", "TL101,TL102", "--show-all")
    return findings_by_function(report, LOAD, "load.py")


@pytest.mark.parametrize("function", sorted(FLAGGED))
def test_statement_a_helper_returns(found, function):
    diagnostic = found.get(function)
    assert diagnostic is not None, f"{function}: nothing reported"
    code, text = FLAGGED[function]
    assert diagnostic["code"] == code
    assert text in diagnostic["message"]


@pytest.mark.parametrize("function", ["load_once", "unsure", "labelled"])
def test_near_miss_stays_clean(found, function):
    assert function not in found, found.get(function)
