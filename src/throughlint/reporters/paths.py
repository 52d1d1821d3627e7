"""Paths in machine-read reports (JSON, SARIF, GitLab, JUnit): relative to the project
root, whatever the current folder or the spelling of the arguments, as ruff does."""

from __future__ import annotations

import os

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
