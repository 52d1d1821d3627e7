"""Guards joined by ``or`` / ``and`` and membership tests decide, as single tests do,
what a helper does for a caller's literal arguments (``semantic/guards.py``).

A logging helper that writes to the cache only ``if level in ("WARNING", "ERROR") or
force`` makes no cache call for a loop of ``record("DEBUG", m)``; it does for
``record("ERROR", m)``, for ``force=True``, and for a ``force`` the caller does not
know. A join with a part that is no guard (a call) decides nothing."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

AUDIT = """\
from django.core.cache import cache


def verbose():
    return True


def record(level, message, force=False):
    if level in ("WARNING", "ERROR") or force:
        cache.set("last", message)


def note(level, message):
    if level not in {"DEBUG", "TRACE"}:
        cache.set("last", message)


def gated(level, message, enabled=True):
    if enabled and level != "DEBUG":
        cache.set("last", message)


def quiet(level, message, force=False):
    if level == "DEBUG" and not force:
        return
    cache.set("last", message)


def opaque(level, message):
    if level != "DEBUG" or verbose():
        cache.set("last", message)
"""

CALLERS = """\
from app.audit import gated, note, opaque, quiet, record


def debug_records(lines):
    for line in lines:
        record("DEBUG", line)


def error_records(lines):
    for line in lines:
        record("ERROR", line)


def forced_records(lines):
    for line in lines:
        record("DEBUG", line, force=True)


def unknown_force(lines, flag):
    for line in lines:
        record("DEBUG", line, force=flag)


def debug_notes(lines):
    for line in lines:
        note("DEBUG", line)


def info_notes(lines):
    for line in lines:
        note("INFO", line)


def disabled(lines):
    for line in lines:
        gated("INFO", line, enabled=False)


def gated_debug(lines):
    for line in lines:
        gated("DEBUG", line)


def gated_info(lines):
    for line in lines:
        gated("INFO", line)


def quiet_debug(lines):
    for line in lines:
        quiet("DEBUG", line)


def quiet_forced(lines):
    for line in lines:
        quiet("DEBUG", line, force=True)


def quiet_info(lines):
    for line in lines:
        quiet("INFO", line)


def opaque_debug(lines):
    for line in lines:
        opaque("DEBUG", line)
"""

FLAGGED = [
    "error_records",
    "forced_records",
    "gated_info",
    "info_notes",
    "opaque_debug",
    "quiet_forced",
    "quiet_info",
    "unknown_force",
]


def test_joined_and_membership_guards_decide_for_literal_arguments(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {"app/__init__.py": "", "app/audit.py": AUDIT, "app/callers.py": CALLERS},
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL401")
    found = findings_by_function(report, CALLERS, "callers.py")
    assert sorted(found) == FLAGGED
