"""Realistic legacy code with findings, and a real git repository around it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

ORDERS = """\
import queue
from concurrent.futures import ThreadPoolExecutor

import requests

BACKLOG = queue.Queue()


def export(batches):
    for batch in batches:
        pool = ThreadPoolExecutor(max_workers=4)
        pool.map(print, batch)


class Importer:
    def load(self, urls):
        for url in urls:
            session = requests.Session()
            session.get(url)
"""

REPORTS = """\
from concurrent.futures import ThreadPoolExecutor


def render(pages):
    for page in pages:
        with ThreadPoolExecutor() as pool:
            pool.map(str, page)
"""

NEW_FINDING = """

def rebuild(groups):
    for group in groups:
        ThreadPoolExecutor().submit(print, group)
"""


def write_project(root: Path) -> None:
    (root / "app").mkdir(parents=True, exist_ok=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "orders.py").write_text(ORDERS)
    (root / "app" / "reports.py").write_text(REPORTS)


def git(root: Path, *args: str) -> str:
    environment = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_SYSTEM": os.devnull,
    }
    completed = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, env=environment, check=True
    )
    return completed.stdout


def init_repo(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "legacy code")


def findings(completed) -> list[dict]:
    assert completed.stdout, completed.stderr
    return json.loads(completed.stdout)["diagnostics"]
