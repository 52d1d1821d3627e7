"""Rows built in a comprehension (round 21, probe p28): ``readings = [Reading(**r) for r
in payload]`` then ``reading.save()`` for each is an INSERT per row, typed by the
constructor the comprehension calls, for a model of another module too. Near misses:
``bulk_create`` of the same list, and a list of the user's own objects with a
``save()``. Run through the real CLI."""

from __future__ import annotations

import pytest

from tests.support.cli_projects import (
    findings_by_function,
    lint_json,
    run_module_cli,
    write_project,
)

MODELS = """\
from django.db import models


class Reading(models.Model):
    sensor_id = models.IntegerField()
    value = models.FloatField()
"""

STORE = """\
from .models import Reading


class Snapshot:
    def __init__(self, sensor, value):
        self.sensor, self.value = sensor, value

    def save(self):
        return (self.sensor, self.value)


def parse(row):
    return Reading(sensor_id=row["sensor"], value=row["value"])


def store_readings(payload):
    readings = [Reading(sensor_id=r["sensor"], value=r["value"]) for r in payload]
    for reading in readings:
        reading.save()


def store_generated(payload):
    for reading in (Reading(sensor_id=r["sensor"], value=r["value"]) for r in payload):
        reading.save()


def store_in_bulk(payload):
    readings = [Reading(sensor_id=r["sensor"], value=r["value"]) for r in payload]
    Reading.objects.bulk_create(readings)


def keep_snapshots(payload):
    snapshots = [Snapshot(r["sensor"], r["value"]) for r in payload]
    for snapshot in snapshots:
        snapshot.save()
"""


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, dict]:
    root = write_project(
        tmp_path_factory.mktemp("built"),
        {"meters/__init__.py": "", "meters/models.py": MODELS, "meters/store.py": STORE},
    )
    report = lint_json(run_module_cli, root, "--select", "TL102", "--show-all")
    return findings_by_function(report, STORE, "store.py")


@pytest.mark.parametrize("function", ["store_readings", "store_generated"])
def test_save_per_built_row(found, function):
    diagnostic = found.get(function)
    assert diagnostic is not None, f"{function}: no TL102"
    assert "`reading.save()`" in diagnostic["message"]
    assert "bulk_create" in diagnostic["message"]


@pytest.mark.parametrize("function", ["store_in_bulk", "keep_snapshots", "Snapshot", "parse"])
def test_near_miss_stays_clean(found, function):
    assert function not in found, found.get(function)
