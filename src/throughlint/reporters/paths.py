"""Paths and fingerprints in machine-read reports (JSON, SARIF, GitLab, JUnit): paths
relative to the project root, whatever the current folder or the spelling of the
arguments, as ruff does; one fingerprint per finding, the same in every format."""

from __future__ import annotations

import os

from throughlint.fingerprints import fingerprints
from throughlint.reporters import Report
from throughlint.settings import Settings


def report_root(report: Report) -> str:
    return display_root(report.settings)


def display_root(settings: Settings | None) -> str:
    """The project root as ruff sees it: the configuration file's folder, else (no
    configuration, ``--isolated``) the current folder."""
    if settings is not None and settings.config_file:
        return os.path.abspath(settings.project_root)
    return os.path.abspath(".")


def project_path(path: str, root: str) -> str:
    """``path`` relative to ``root`` with ``/`` separators; a file outside the root keeps
    its absolute path (a ``..`` path would read as inside another tree)."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive (Windows)
        relative = absolute
    if os.path.isabs(relative) or relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return absolute.replace(os.sep, "/")
    return relative.replace(os.sep, "/")


def report_fingerprints(report: Report) -> list[str]:
    """The fingerprint of each reported diagnostic: the one computed over the whole run
    (``adoption.py``; filtering and sorting do not change it), else computed here."""
    diagnostics = report.result.diagnostics
    known = report.fingerprints
    if all(d in known for d in diagnostics):
        return [known[d] for d in diagnostics]
    return fingerprints(diagnostics, report_root(report))
