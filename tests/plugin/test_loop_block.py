"""``max_loop_block_ms``: real pytest runs (pytester) with real ``time.sleep`` in coroutines,
run by ``asyncio.run`` in a test and by anyio's pytest runner; the report names the
blocking line and the static TL404 finding (by the fingerprint the CLI prints)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest

HELPERS = """\
import time


def load_settings():
    time.sleep(0.2)
    return {"debug": False}
"""

SERVICE = """\
import asyncio
import time

from app.helpers import load_settings


async def handler():
    time.sleep(0.15)
    return 1


async def polite():
    await asyncio.sleep(0.15)
    return 1


async def through_helper():
    settings = load_settings()
    await asyncio.sleep(0)
    return settings


async def hidden():
    getattr(time, "sl" + "eep")(0.15)
    return 1
"""

TESTS = """
import asyncio
import pytest
from app import service


@pytest.mark.throughput(max_loop_block_ms=50)
def test_blocking():
    assert asyncio.run(service.handler()) == 1


@pytest.mark.throughput(max_loop_block_ms=100)
def test_polite():
    assert asyncio.run(service.polite()) == 1


@pytest.mark.throughput(max_loop_block_ms=50)
def test_helper():
    assert asyncio.run(service.through_helper()) == {"debug": False}


@pytest.mark.throughput(max_loop_block_ms=50)
def test_hidden():
    assert asyncio.run(service.hidden()) == 1


@pytest.mark.throughput(max_loop_block_ms=500)
def test_under_a_larger_budget():
    assert asyncio.run(service.handler()) == 1


def test_handle_run_is_restored():
    from asyncio import events

    assert events.Handle._run.__qualname__ == "Handle._run"
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.mkpydir("app")
    (pytester.path / "app" / "helpers.py").write_text(HELPERS)
    (pytester.path / "app" / "service.py").write_text(SERVICE)
    pytester.makepyfile(test_loop=TESTS)
    pytester.syspathinsert()
    return pytester


def _static_fingerprints(root) -> dict[tuple[str, int], str]:
    """What the command line prints with ``--preview`` for the same files."""
    completed = subprocess.run(
        [sys.executable, "-m", "throughlint", "--preview", "--show-all", "--no-cache",
         "--format", "json", "--select", "TL404", "app"],
        capture_output=True, text=True, cwd=root, check=False,
    )  # fmt: skip
    data = json.loads(completed.stdout)
    return {(d["path"], d["line"]): d["fingerprint"] for d in data["diagnostics"]}


def _records(project: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict]:
    report = project.path / "report.json"
    result = project.runpytest("-p", "no:cacheprovider", f"--throughput-json={report}", *args)
    tests = json.loads(report.read_text())["tests"]
    return result, {t["nodeid"].split("::")[1]: t for t in tests}


def test_a_blocking_sleep_fails_and_names_the_line_and_the_static_finding(project):
    result, records = _records(project, "--throughput-budget")
    result.assert_outcomes(passed=3, failed=3)
    static = _static_fingerprints(project.path)

    blocking = records["test_blocking"]["loop_block"]
    assert blocking["milliseconds"] >= 150
    assert blocking["callback"] == "coroutine `handler` (app/service.py:7)"
    assert blocking["site"] == "app/service.py:8 in handler (`time.sleep(0.15)`)"
    assert blocking["static"] == "confirmed"
    assert blocking["fingerprint"] == static[("app/service.py", 8)]
    result.stdout.fnmatch_lines(
        [
            "*event loop blocked * ms by one callback, budget 50 ms: coroutine `handler`"
            " (app/service.py:7) at app/service.py:8 in handler (`time.sleep(0.15)`);*"
            "static TL404 flags the same call site at app/service.py:8 (fingerprint "
            f"{static[('app/service.py', 8)][:12]})*"
        ]
    )


def test_awaiting_asyncio_sleep_is_not_a_block(project):
    _, records = _records(project, "--throughput-budget")
    polite = records["test_polite"]
    assert polite["verdict"] == "pass"
    assert polite["failures"] == []
    assert polite["loop_block"]["milliseconds"] < 100  # it slept 150 ms, awaiting


def test_a_block_in_a_helper_of_another_module_links_to_the_callers_tl404(project):
    _, records = _records(project, "--throughput-budget")
    static = _static_fingerprints(project.path)
    helper = records["test_helper"]["loop_block"]
    assert helper["milliseconds"] >= 200
    assert helper["site"] == "app/helpers.py:5 in load_settings (`time.sleep(0.2)`)"
    assert helper["chain"] == [
        "app/service.py:18 in through_helper",
        "app/helpers.py:5 in load_settings",
    ]
    # the static rule reports the coroutine's call of the helper, not the helper's line
    assert helper["static"] == "confirmed"
    assert helper["fingerprint"] == static[("app/service.py", 18)]
    assert (
        "static TL404 flags the same call site at app/service.py:18"
        in (records["test_helper"]["failures"][0])
    )


def test_a_block_the_static_rule_cannot_see_is_runtime_only(project):
    _, records = _records(project, "--throughput-budget")
    hidden = records["test_hidden"]["loop_block"]
    assert hidden["milliseconds"] >= 150
    assert hidden["site"].startswith("app/service.py:24 in hidden")
    assert hidden["static"] == "missed"
    assert hidden["fingerprint"] is None


def test_under_budget_and_not_enforced(project):
    result, records = _records(project)
    result.assert_outcomes(passed=6)
    assert records["test_under_a_larger_budget"]["verdict"] == "pass"
    assert records["test_under_a_larger_budget"]["loop_block"]["milliseconds"] >= 150
    assert records["test_blocking"]["verdict"] == "over"
    assert records["test_blocking"]["budget_text"] == "loop block ms<=50"


def test_an_async_test_run_by_anyio(pytester: pytest.Pytester, monkeypatch):
    pytest.importorskip("anyio")
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:hypothesispytest -p no:randomly")
    pytester.makepyfile(
        test_anyio="""
        import asyncio
        import time
        import pytest

        @pytest.fixture
        def anyio_backend():
            return "asyncio"

        @pytest.mark.anyio
        @pytest.mark.throughput(max_loop_block_ms=50)
        async def test_blocks():
            await asyncio.sleep(0)
            time.sleep(0.12)

        @pytest.mark.anyio
        @pytest.mark.throughput(max_loop_block_ms=50)
        async def test_awaits():
            await asyncio.sleep(0.12)
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-p", "anyio", "--throughput-budget")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*event loop blocked * ms*at test_anyio.py:13 in test_blocks (`time.sleep(0.12)`)*"]
    )


def test_a_misspelt_or_negative_budget_is_an_error(pytester: pytest.Pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.throughput(max_loop_block_ms=-1)
        def test_negative():
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*`max_loop_block_ms` must be a non-negative number*"])


def test_the_watch_restores_asyncio_when_the_test_raises():
    from asyncio import events

    from throughlint.pytest_plugin.loop_block import LoopWatch

    original = events.Handle._run
    watch = LoopWatch(0.01)
    watch.install()
    try:
        with pytest.raises(ZeroDivisionError):

            async def boom():
                return 1 / 0

            asyncio.run(boom())
    finally:
        watch.uninstall()
    assert events.Handle._run is original
    assert watch.longest is not None
