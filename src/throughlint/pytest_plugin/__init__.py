"""The pytest plugin (entry point ``pytest11``): lint items and throughput budgets.

Only options, markers and two fixtures live at import time; the measuring machinery is
imported when a test asks for it, so an unmarked test suite pays nothing for the plugin.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from throughlint.pytest_plugin.options import MARKERS, add_options, read_options


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    # before any conftest or test module runs: their sqlite3 connections count too
    from throughlint.pytest_plugin.drivers.sqlite import track

    early_config.add_cleanup(track())


def pytest_collection_finish(session: pytest.Session) -> None:
    # before any fixture runs: connections opened in fixtures count (psycopg2, psycopg)
    from throughlint.pytest_plugin.drivers import track_imported

    for restore in track_imported():
        session.config.add_cleanup(restore)


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    options = read_options(config)
    from throughlint.pytest_plugin.session import PLUGIN_NAME, ThroughputSession

    session = ThroughputSession(config, options)
    config.pluginmanager.register(session, PLUGIN_NAME)
    if options.lint:
        from throughlint.pytest_plugin.lint import LINTER_NAME, Linter

        config.pluginmanager.register(Linter(config, options.lint_paths), LINTER_NAME)
        from throughlint.pytest_plugin.lint_only import LintOnly, lint_only

        if lint_only(config):
            config.pluginmanager.register(LintOnly(), "throughlint-lint-only")
    if config.pluginmanager.hasplugin("xdist") and not hasattr(config, "workerinput"):
        from throughlint.pytest_plugin.xdist import XdistController

        config.pluginmanager.register(XdistController(session), "throughlint-xdist")


@pytest.fixture
def throughput(request: pytest.FixtureRequest) -> Iterator[object]:
    """Measure throughput and count queries / HTTP requests: ``throughput.measure(items=n)``,
    ``throughput.run(fn, items=n)``, ``throughput.scaling(fn, sizes=(10, 20))``,
    ``throughput.watch(conn)``, ``throughput.count(name)``."""
    from throughlint.pytest_plugin.fixture import Throughput
    from throughlint.pytest_plugin.session import PLUGIN_NAME

    session = request.config.pluginmanager.get_plugin(PLUGIN_NAME)
    tracker = session.tracker(request.node)
    budget = session.budget(request.node)
    try:
        yield Throughput(tracker, unit=budget.unit if budget is not None else "items")
    finally:
        tracker.teardown()


@pytest.fixture
def throughput_size(request: pytest.FixtureRequest) -> int:
    """The number of items for ``@pytest.mark.throughput(scaling="constant")``: the test
    runs once per size in ``sizes``; outside a scaling test, the smallest size."""
    from throughlint.pytest_plugin.budgets import DEFAULT_SIZES
    from throughlint.pytest_plugin.session import PLUGIN_NAME

    budget = request.config.pluginmanager.get_plugin(PLUGIN_NAME).budget(request.node)
    return budget.sizes[0] if budget is not None else DEFAULT_SIZES[0]
