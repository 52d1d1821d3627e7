"""A loop over an annotated container hands out instances of the annotated class
(``_processors: dict[str, Processor]``, ``jobs: list[Job]``): ``processor.kill()`` over
``self._processors.items()`` is ``Processor``'s ``kill`` (a library's), not the one model
of the project that defines ``kill`` and commits (airflow's DAG processor, audit
third.tsv, ``manager.py:1657``). Keys, values, ``items()`` and plain iteration; class-body
and ``self.x: T`` annotations and parameters. A container of the model's rows is still
reported, now typed; an unannotated one by the method's name, as before; a project class
named ``Job`` that is no model stays clean."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

MODELS = """\
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class Job(Base):
    __tablename__ = "job"
    id = Column(Integer, primary_key=True)

    def kill(self, session: Session):
        job = session.get(Job, self.id)
        session.merge(job)
        session.commit()
"""

MANAGER = """\
import subprocess

import psutil

from app.models import Job


class Processor(subprocess.Popen):
    pass


class Manager:
    _processors: dict[str, Processor]

    def __init__(self):
        self._processors = {}
        self._children: list[psutil.Process] = []

    def stop(self):
        for path, processor in self._processors.items():
            processor.kill()

    def stop_values(self):
        for processor in self._processors.values():
            processor.kill()

    def stop_children(self):
        for child in self._children:
            child.kill()


def kill_each(pairs: dict[int, Processor]):
    for key, process in pairs.items():
        process.kill()


def kill_jobs(jobs: list[Job], session):
    for job in jobs:
        job.kill(session)


def kill_untyped(processors, session):
    for processor in processors:
        processor.kill(session)
"""

SHADOW = """\
import subprocess


class Job(subprocess.Popen):
    pass


def stop(jobs: list[Job]):
    for job in jobs:
        job.kill()
"""


def test_an_annotated_containers_items_are_the_annotated_class(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/models.py": MODELS,
            "app/manager.py": MANAGER,
            "app/shadow.py": SHADOW,
        },
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL103")
    found = findings_by_function(report, MANAGER, "manager.py")
    assert sorted(found) == ["kill_jobs", "kill_untyped"]
    assert found["kill_jobs"]["confidence"] == "typed"
    assert found["kill_untyped"]["confidence"] == "heuristic"
    assert not findings_by_function(report, SHADOW, "shadow.py")


SHARDS = """\
import sqlite3


class Shard:
    def __init__(self, name):
        self.rows = []

    def execute(self, sql, params=()):
        self.rows.append((sql, params))


def copy_own(shards: list[Shard], rows):
    for shard in shards:
        for row in rows:
            shard.execute("INSERT INTO t VALUES (?)", (row,))


def copy_own_values(shards: dict[str, Shard], rows):
    for shard in shards.values():
        for row in rows:
            shard.execute("INSERT INTO t VALUES (?)", (row,))


def copy_real(shards: list[sqlite3.Connection], rows):
    for shard in shards:
        for row in rows:
            shard.execute("INSERT INTO t VALUES (?)", (row,))


def copy_one(shard: Shard, rows):
    for row in rows:
        shard.execute("INSERT INTO t VALUES (?)", (row,))
"""


def test_an_own_class_in_an_annotated_container_is_no_database_connection(run_cli, tmp_path):
    """A user's own ``Shard.execute`` reached through ``list[Shard]`` is that class's method,
    as it is through a parameter annotated ``Shard``: no TL102 and no executemany fix that
    would fail with AttributeError; a list of sqlite3 connections is still reported."""
    root = write_project(tmp_path, {"app/__init__.py": "", "app/shards.py": SHARDS})
    report = lint_json(run_cli, root, "--show-all", "--select", "TL102")
    found = findings_by_function(report, SHARDS, "shards.py")
    assert sorted(found) == ["copy_real"]
