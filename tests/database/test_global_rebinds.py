"""Module globals that a function binds under ``global`` (``semantic/global_rebinds.py``):
Calibre-Web's ``ub.session = None``, set by ``init_db()`` to a scoped SQLAlchemy session
and committed on every pass of its loops (the new6 audit: every TL103 of that app cited
an optional Google Drive helper instead), and the lazy client getter
(``global _client; if _client is None: _client = redis.Redis(); return _client``), read
in this module and from others. Near misses: a user's own ``Session`` and ``Redis``
classes, a global bound to two kinds of values, a placeholder no function binds, and a
dict kept under ``global``. Through the real command line."""

from __future__ import annotations

import pytest
from support.cli_projects import findings_by_function, lint_json, write_project

CLIENTS = """\
import redis
from sqlalchemy import create_engine
from sqlalchemy.orm import scoped_session, sessionmaker

_client = None
session = None
unset = None
_seen = None


def get_client():
    global _client
    if _client is None:
        _client = redis.Redis()
    return _client


def init_db(path):
    global session
    engine = create_engine(path)
    Session = scoped_session(sessionmaker())
    Session.configure(bind=engine)
    session = Session()


def remember():
    global _seen
    _seen = {}


def close():
    global _client
    _client = None  # the placeholder again: not another value


def warm(keys):
    for key in keys:
        get_client().get(key)


def warm_held(keys):
    client = get_client()
    for key in keys:
        client.get(key)


def save_all(rows):
    for row in rows:
        session.add(row)
        session.commit()


def touch_all(rows):
    for row in rows:
        _client.set(row, 1)


def never_bound(rows):
    for row in rows:
        unset.commit()


def seen_all(rows):
    for row in rows:
        _seen.get(row)
"""

JOBS = """\
from app import clients
from app.clients import get_client


def save(rows):
    for row in rows:
        clients.session.merge(row)
        clients.session.commit()


def fetch(keys):
    return [get_client().get(k) for k in keys]
"""

BAD = {
    "clients.py": ["warm", "warm_held", "save_all", "touch_all"],
    "jobs.py": ["save", "fetch"],
}

# the user's own classes named like the libraries': no round trips
OWN_CLASSES = CLIENTS.replace(
    "import redis\nfrom sqlalchemy import create_engine\n"
    "from sqlalchemy.orm import scoped_session, sessionmaker\n",
    """class Redis:
    def get(self, key):
        return key

    def set(self, key, value):
        return value


class Session:
    def add(self, row):
        return row

    def merge(self, row):
        return row

    def commit(self):
        return None


def create_engine(path):
    return path


def scoped_session(factory):
    return factory


def sessionmaker():
    return Session
""",
).replace("redis.Redis()", "Redis()")

# bound to a client here and to something else there: what the module holds is unknown
TWO_VALUES = CLIENTS.replace(
    """def remember():
    global _seen
    _seen = {}
""",
    """def remember():
    global _seen, _client, session
    _seen = {}
    _client = object()
    session = object()
""",
)


def _found(run_cli, tmp_path, clients: str) -> dict[str, list[str]]:
    root = write_project(
        tmp_path,
        {"app/__init__.py": "", "app/clients.py": clients, "app/jobs.py": JOBS},
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL102,TL103,TL401")
    return {
        "clients.py": sorted(findings_by_function(report, clients, "clients.py")),
        "jobs.py": sorted(findings_by_function(report, JOBS, "jobs.py")),
    }


def test_globals_bound_by_functions_are_typed_here_and_in_importers(run_cli, tmp_path):
    assert _found(run_cli, tmp_path, CLIENTS) == {k: sorted(v) for k, v in BAD.items()}


@pytest.mark.parametrize(
    ("clients", "expected"),
    [
        pytest.param(
            OWN_CLASSES, {"clients.py": [], "jobs.py": []}, id="own-redis-and-session-shadowing"
        ),
        # ``get_client()`` still returns what it fills; only the globals' own uses are unknown
        pytest.param(
            TWO_VALUES,
            {"clients.py": ["warm", "warm_held"], "jobs.py": ["fetch"]},
            id="near-miss-bound-to-two-values",
        ),
    ],
)
def test_globals_of_other_values_stay_clean(run_cli, tmp_path, clients, expected):
    assert _found(run_cli, tmp_path, clients) == expected


def test_message_names_the_global(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {"app/__init__.py": "", "app/clients.py": CLIENTS, "app/jobs.py": JOBS},
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL401")
    found = findings_by_function(report, CLIENTS, "clients.py")
    assert "(a client from `app.clients._client`)" in found["touch_all"]["message"]
    assert "(a client from `app.clients.get_client()`)" in found["warm"]["message"]
