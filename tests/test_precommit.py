"""The pre-commit hook, for real: ``pre-commit try-repo`` installs this repository into its
own environment and runs the hook on a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

BAD = "import queue\n\njobs = queue.Queue()\n"
GOOD = "import queue\n\njobs = queue.Queue(maxsize=100)\n"


def _pre_commit() -> list[str]:
    executable = Path(sys.executable).parent / "pre-commit"
    if executable.exists():
        return [str(executable)]
    found = shutil.which("pre-commit")
    assert found, "pre-commit is a test dependency: pip install -e '.[test]'"
    return [found]


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def user_repo(tmp_path):
    repo = tmp_path / "user-repo"
    repo.mkdir()
    for command in (
        ["git", "init", "-q"],
        ["git", "config", "user.email", "dev@example.invalid"],
        ["git", "config", "user.name", "dev"],
    ):
        subprocess.run(command, cwd=repo, check=True)
    return repo


def try_repo(
    repo: Path, home: Path, hook: str = "throughlint", files: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """``files``: what pre-commit passes for a commit that changes them (else all files)."""
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)
    which = ["--files", *files] if files else ["--all-files"]
    return subprocess.run(
        [*_pre_commit(), "try-repo", str(ROOT), hook, *which, "--color", "never"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )


def test_hook_fails_on_a_bad_file_and_passes_on_a_clean_one(user_repo, pre_commit_home):
    (user_repo / "jobs.py").write_text(BAD)
    failed = try_repo(user_repo, pre_commit_home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "TL201" in failed.stdout and "jobs.py:3:8" in failed.stdout
    (user_repo / "jobs.py").write_text(GOOD)
    passed = try_repo(user_repo, pre_commit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


def test_hook_honours_exclude_for_files_pre_commit_passes(user_repo, pre_commit_home):
    (user_repo / "pyproject.toml").write_text("[tool.throughlint]\nextend-exclude = ['vendor']\n")
    (user_repo / "vendor").mkdir()
    (user_repo / "vendor" / "lib.py").write_text(BAD)
    (user_repo / "app.py").write_text(GOOD)
    result = try_repo(user_repo, pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr


MODELS = """\
from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customer"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    customer: Mapped[Customer] = relationship()
"""
# The sessions are annotated: a parameter known only by its name `session` is the
# name tier, reported with --preview (issue 12); this test is about cross-file facts.
REPO = """\
from sqlalchemy import select
from sqlalchemy.orm import Session

from orderdesk.models import Customer, Order


def customer_by_id(session: Session, customer_id):
    return session.get(Customer, customer_id)


def latest_order(session: Session, customer_id):
    return session.scalars(select(Order).where(Order.customer_id == customer_id)).first()
"""
REPORTS = """\
from sqlalchemy import select
from sqlalchemy.orm import Session

from orderdesk.models import Order
from orderdesk.repo import customer_by_id, latest_order


def customer_names(session: Session):
    return [order.customer.name for order in session.scalars(select(Order))]


def customers(session: Session, ids):
    return [customer_by_id(session, customer_id) for customer_id in ids]


def latest_orders(session: Session, ids):
    found = []
    for customer_id in ids:
        found.append(latest_order(session, customer_id))
    return found
"""


def test_hook_on_a_new_file_sees_helpers_and_models_of_files_it_is_not_given(
    user_repo, pre_commit_home
):
    """Issue 14: pre-commit passes only the changed file; its three N+1s go through
    helpers in ``repo.py`` and a lazy relation whose model is in ``models.py``."""
    (user_repo / "pyproject.toml").write_text("[tool.throughlint]\n")
    package = user_repo / "src" / "orderdesk"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(MODELS)
    (package / "repo.py").write_text(REPO)
    subprocess.run(["git", "add", "-A"], cwd=user_repo, check=True)
    subprocess.run(["git", "commit", "-qm", "models and helpers"], cwd=user_repo, check=True)
    (package / "reports.py").write_text(REPORTS)
    result = try_repo(user_repo, pre_commit_home, files=("src/orderdesk/reports.py",))
    assert result.returncode == 1, result.stdout + result.stderr
    found = [
        line.split(" ", 2)[:2]
        for line in result.stdout.splitlines()
        if line.startswith("src/orderdesk/reports.py:")
    ]
    assert found == [
        ["src/orderdesk/reports.py:9:13:", "TL101"],
        ["src/orderdesk/reports.py:13:13:", "TL101"],
        ["src/orderdesk/reports.py:19:22:", "TL101"],
    ], result.stdout
