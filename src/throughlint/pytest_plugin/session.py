"""The throughput session: registered on the plugin manager as ``throughlint-session``; it
holds every measured test's record and wraps only the tests that measure something."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from throughlint.pytest_plugin.budgets import Budget
    from throughlint.pytest_plugin.options import Options

PLUGIN_NAME = "throughlint-session"


class ThroughputSession:
    def __init__(self, config: pytest.Config, options: Options) -> None:
        self.config = config
        self.options = options
        self.records: list[dict[str, Any]] = []
        self.file_budgets: dict[str, Budget] = {}
        if options.budget_file:
            from throughlint.pytest_plugin.budgets import BudgetError, load_file

            try:
                self.file_budgets = load_file(options.budget_file)
            except BudgetError as exc:
                raise pytest.UsageError(str(exc)) from None
        self.baseline: frozenset[str] = frozenset()
        if options.detect_baseline:
            from throughlint.pytest_plugin.detect import BaselineError, load_baseline

            try:
                self.baseline = load_baseline(options.detect_baseline)
            except BaselineError as exc:
                raise pytest.UsageError(str(exc)) from None
        self._trackers: dict[str, Any] = {}
        self._budgets: dict[str, Budget | None] = {}
        self._probe = None
        self._static = None
        self._project = None

    # -- state shared with the fixture -----------------------------------------------
    @property
    def project(self):
        """The project's code and its test files, for telling an N+1 from a test's loop."""
        if self._project is None:
            from throughlint.pytest_plugin.measurement import library_prefixes
            from throughlint.pytest_plugin.repetition import Project

            patterns = tuple(self.config.getini("python_files")) or ("test_*.py", "*_test.py")
            self._project = Project(str(self.config.rootpath), library_prefixes(), patterns)
        return self._project

    @property
    def probe(self):
        if self._probe is None:
            from throughlint.pytest_plugin.measurement import Probe

            self._probe = Probe()
            self._probe.persistent = self.options.detect is not None
        return self._probe

    def tracker(self, item: pytest.Item):
        tracker = self._trackers.get(item.nodeid)
        if tracker is None:
            from throughlint.pytest_plugin.fixture import Tracker

            tracker = self._trackers[item.nodeid] = Tracker(self.probe)
        return tracker

    def budget(self, item: pytest.Item) -> Budget | None:
        """The marker's budget overlaid by the budget file's; None for an unmarked test."""
        if item.nodeid not in self._budgets:
            from throughlint.pytest_plugin.budgets import from_marker

            mark = item.get_closest_marker("throughput")
            budget = from_marker(mark, item.nodeid) if mark is not None else None
            from_file = self.file_budgets.get(item.nodeid)
            if from_file is not None:
                budget = _overlay(budget, from_file)
            self._budgets[item.nodeid] = budget
        return self._budgets[item.nodeid]

    # -- hooks -----------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if item.get_closest_marker("throughput") is None and item.nodeid not in self.file_budgets:
            return
        from throughlint.pytest_plugin.budgets import BudgetError

        try:
            self.budget(item)
        except BudgetError as exc:
            error = str(exc)
        else:
            return
        pytest.fail(error, pytrace=False)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        budget = self._budgets.get(item.nodeid)
        # measured only for --throughput-detect: neither a budget nor the fixture
        detect_only = (
            self.options.detect is not None and budget is None and item.nodeid not in self._trackers
        )
        if budget is None and item.nodeid not in self._trackers and not detect_only:
            return (yield)
        tracker = self.tracker(item)
        tracker.detect_only = detect_only
        implicit = None
        if (budget is not None and budget.scaling is None) or detect_only:
            from throughlint.pytest_plugin.measurement import Measurement

            measurement = (
                Measurement(items=budget.items, unit=budget.unit)
                if budget is not None
                else Measurement()
            )
            implicit = tracker.block(measurement, tracker.implicit)
            implicit.__enter__()
        watch = None
        if budget is not None and budget.max_loop_block_ms is not None:
            from throughlint.pytest_plugin.loop_block import LoopWatch

            watch = LoopWatch(budget.max_loop_block_ms / 1000)
            watch.install()
        failed = False
        try:
            return (yield)
        except BaseException:
            failed = True
            raise
        finally:
            if watch is not None:
                watch.uninstall()
            if implicit is not None:
                implicit.__exit__(None, None, None)
            self._trackers.pop(item.nodeid, None)
            record = self._record(item, tracker, budget, watch)
            if record is not None:
                self.records.append(record)
                if budget is not None and not failed:
                    _warn_if_nothing_counted(item, budget, record)
                enforced = record["failures"] and self.options.enforce
                gated = record["new_n_plus_one"] and self.options.detect == "fail"
                if (enforced or gated) and not failed:
                    pytest.fail(_failure_message(record), pytrace=False)

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem: pytest.Function):
        budget = self._budgets.get(pyfuncitem.nodeid)
        if budget is None or budget.scaling is None:
            return None
        if "throughput_size" not in pyfuncitem._fixtureinfo.argnames:
            pytest.fail(
                f"{pyfuncitem.nodeid}: @pytest.mark.throughput(scaling=...) runs the test at "
                "each size: the test must take the `throughput_size` argument",
                pytrace=False,
            )
        if inspect.iscoroutinefunction(pyfuncitem.obj):
            pytest.fail(
                f"{pyfuncitem.nodeid}: scaling= is not supported on async tests; "
                "use throughput.scaling(fn) inside the test",
                pytrace=False,
            )
        from throughlint.pytest_plugin.fixture import Scaling
        from throughlint.pytest_plugin.measurement import Measurement

        tracker = self.tracker(pyfuncitem)
        arguments = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        for size in budget.sizes:
            arguments["throughput_size"] = size
            tracker.size = size
            measurement = Measurement(items=size, unit=budget.unit, size=size)
            with tracker.block(measurement, tracker.implicit):
                pyfuncitem.obj(**arguments)
        tracker.size = None
        per_size = []
        for size in budget.sizes:
            explicit = [m for m in tracker.explicit if m.size == size]
            per_size.append(explicit or [m for m in tracker.implicit if m.size == size])
        tracker.scalings.append(
            Scaling(
                budget.sizes,
                tuple(sum(m.queries for m in ms) for ms in per_size),
                tuple(sum(m.round_trips for m in ms) for ms in per_size),
                "scaling=constant",
            )
        )
        tracker.implicit = [m for m in tracker.implicit if m.size == budget.sizes[-1]]
        tracker.explicit = [m for m in tracker.explicit if m.size == budget.sizes[-1]]
        return True

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self._probe is not None:
            self._probe.shutdown()
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput["throughlint_records"] = self.records
            return
        found = self.sites()
        if self.options.json_file:
            from throughlint.pytest_plugin import reporting

            reporting.write_json(self.options.json_file, self.records, self.options, found)
        if self.options.save_file:
            from throughlint.pytest_plugin.budgets import save_file

            save_file(self.options.save_file, [r for r in self.records if not r["detect_only"]])
        if self.options.detect_save:
            from throughlint.pytest_plugin.detect import save_baseline

            save_baseline(self.options.detect_save, found)
        if self.options.sarif_file:
            from throughlint.pytest_plugin.detect import write_sarif

            write_sarif(self.options.sarif_file, found, str(self.config.rootpath))

    def sites(self) -> list:
        """The N+1 call sites of the whole run (all xdist workers), each once."""
        from throughlint.pytest_plugin.detect import sites

        return sites(self.records, self.baseline)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.records:
            return
        from throughlint.pytest_plugin import reporting

        reporting.write_summary(terminalreporter, self.records, self.options)
        if self.options.detect is not None:
            from throughlint.pytest_plugin.detect import report_lines

            terminalreporter.write_sep("=", "throughput: N+1 call sites", bold=True)
            for line in report_lines(self.records, self.sites(), self.options.threshold):
                terminalreporter.write_line(line)

    # -- records ---------------------------------------------------------------------
    def _record(self, item: pytest.Item, tracker, budget: Budget | None, watch=None) -> dict | None:
        from throughlint.pytest_plugin.budgets import check
        from throughlint.pytest_plugin.n_plus_one import StaticIndex, findings

        measurements = tracker.measurements
        if not measurements and not tracker.scaled and budget is None:
            return None
        threshold = self.options.threshold
        if budget is not None and budget.n_plus_one_threshold is not None:
            threshold = budget.n_plus_one_threshold
        if self._static is None:
            self._static = StaticIndex(str(self.config.rootpath))
        found: dict[tuple, Any] = {}
        repeats: dict[tuple, Any] = {}
        for measurement in [*measurements, *tracker.scaled]:
            block_findings, block_repeats = findings(
                measurement, threshold, self._static, self.project
            )
            for finding in block_findings:
                key = (finding.statement, finding.path, finding.line)
                if key not in found or found[key].count < finding.count:
                    found[key] = finding
            for repeat in block_repeats:
                key = (repeat.statement, repeat.where)
                if key not in repeats or repeats[key].count < repeat.count:
                    repeats[key] = repeat
        items = sum(m.items for m in measurements)
        seconds = sum(m.seconds for m in measurements)
        counters: dict[str, int] = {}
        for measurement in measurements:
            for name, value in measurement.counters.items():
                counters[name] = counters.get(name, 0) + value
        measured = {
            "items": items,
            "seconds": seconds,
            "rate": items / seconds if seconds > 0 and measurements else None,
            "rate_rounds": min((m.rounds for m in measurements), default=0),
            "queries": sum(m.queries for m in measurements),
            "requests": sum(m.requests for m in measurements),
            "commands": sum(m.commands for m in measurements),
            "round_trips": sum(m.round_trips for m in measurements),
            "counters": counters,
        }
        failures = check(budget, measured) if budget is not None else []
        loop_block = self._loop_block(budget, watch)
        if loop_block is not None and loop_block.milliseconds > loop_block.limit_ms:
            failures.append(loop_block.describe())
        allowed = list(tracker.allowed)
        if budget is not None and budget.allow_n_plus_one:
            allowed.append(budget.allow_n_plus_one)
            allowed_findings, found = list(found.values()), {}
        else:
            allowed_findings = []
        new = [f for f in found.values() if f.fingerprint not in self.baseline]
        if not tracker.detect_only:
            failures.extend(finding.describe() for finding in found.values())
        elif self.options.detect == "fail":
            failures.extend(f"{finding.describe()} (not in the baseline)" for finding in new)
        failures.extend(
            f"scaling: {scaling.describe()}" for scaling in tracker.scalings if scaling.grows
        )
        if failures:
            gated = self.options.detect == "fail" and new
            verdict = "fail" if self.options.enforce or gated else "over"
        else:
            verdict = "pass" if budget is not None or tracker.scalings else "-"
        return {
            "nodeid": item.nodeid,
            "unit": budget.unit if budget is not None else _unit(measurements),
            **measured,
            "budget": budget.limits if budget is not None else {},
            "budget_text": budget.describe() if budget is not None else "-",
            "n_plus_one": [finding.to_json() for finding in found.values()],
            "repeated_by_test": [repeat.to_json() for repeat in repeats.values()],
            "allowed_n_plus_one": {
                "reasons": allowed,
                "findings": [finding.to_json() for finding in allowed_findings],
            }
            if allowed
            else None,
            "scaling": [scaling.to_json() for scaling in tracker.scalings],
            "failures": failures,
            "new_n_plus_one": [finding.fingerprint for finding in new],
            "loop_block": loop_block.to_json() if loop_block is not None else None,
            "detect_only": tracker.detect_only,
            "verdict": verdict,
        }

    def _loop_block(self, budget: Budget | None, watch):
        """The longest callback of a test with ``max_loop_block_ms``: where it blocked, and
        (when over the budget) whether static TL404 flags that line."""
        if watch is None or budget is None or watch.longest is None:
            return None
        from throughlint.pytest_plugin.loop_block import finding

        limit = budget.max_loop_block_ms
        over = watch.longest.seconds * 1000 > limit
        return finding(watch.longest, limit, self.project, self._static if over else None)


def _unit(measurements) -> str:
    return measurements[0].unit if measurements else "items"


def _overlay(budget: Budget | None, from_file: Budget) -> Budget:
    if budget is None:
        return from_file
    from dataclasses import fields, replace

    from throughlint.pytest_plugin.budgets import Budget

    default = Budget()
    changes = {
        f.name: getattr(from_file, f.name)
        for f in fields(Budget)
        if getattr(from_file, f.name) != getattr(default, f.name)
    }
    return replace(budget, **changes)


class ThroughputWarning(pytest.PytestWarning):
    """A throughput measurement that is probably not what the test meant."""


def _warn_if_nothing_counted(item: pytest.Item, budget: Budget, record: dict) -> None:
    """A query budget that measured no statement at all: the connection was most likely
    opened where throughlint cannot see it (before the plugin loaded)."""
    limits = (budget.max_queries, budget.max_queries_per_item, budget.max_round_trips)
    if record["round_trips"] or not any(limit for limit in limits):
        return
    item.warn(
        ThroughputWarning(
            f"{item.nodeid}: a query budget ({budget.describe()}) measured 0 statements. If the "
            "test does query, its connection was opened before throughlint loaded (or by a "
            "driver it does not count): count it with throughput.watch(conn)"
        )
    )


def _failure_message(record: dict) -> str:
    lines = [f"throughput budget missed ({len(record['failures'])}):"]
    lines.extend(f"  {failure}" for failure in record["failures"])
    return "\n".join(lines)
