"""Command-line options, ini keys and markers: everything in one ``throughlint`` group."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

DEFAULT_THRESHOLD = 10

MARKERS = (
    "throughput(min_rate=None, max_queries=None, max_queries_per_item=None, "
    "max_round_trips=None, max_requests=None, max_seconds_per_item=None, max_counts=None, "
    "items=1, unit='items', n_plus_one_threshold=None, scaling=None, sizes=(10, 20), "
    "allow_n_plus_one=None, max_loop_block_ms=None): "
    "measure this test's throughput, queries, HTTP requests and event-loop blocking against "
    "a budget "
    "(enforced with --throughput-budget)",
    "throughlint: a throughlint lint item (pytest --throughlint)",
)


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("throughlint", "throughlint: lint items and throughput budgets")
    group.addoption(
        "--throughlint",
        action="store_true",
        default=None,
        help="lint every collected Python file with throughlint (same config as the CLI)",
    )
    group.addoption(
        "--throughput-budget",
        nargs="?",
        const="",
        default=None,
        metavar="FILE",
        help="fail tests that miss their throughput budget or run an N+1 query; with "
        "=FILE.toml, also read budgets per test id from that file",
    )
    group.addoption(
        "--throughput-json",
        default=None,
        metavar="FILE",
        help="write the throughput measurements of every measured test as JSON",
    )
    group.addoption(
        "--throughput-save",
        default=None,
        metavar="FILE",
        help="write the measured values as a starting budget file (TOML)",
    )
    group.addoption(
        "--throughput-n-plus-one-threshold",
        type=int,
        default=None,
        metavar="N",
        help=f"a SELECT shape run more than N times in one block is an N+1 "
        f"(default {DEFAULT_THRESHOLD})",
    )
    group.addoption(
        "--throughput-detect",
        nargs="?",
        const="report",
        default=None,
        choices=("report", "fail"),
        help="measure every test and report each runtime N+1 call site at the end; "
        "=fail: a test with an N+1 not in --throughput-detect-baseline fails",
    )
    group.addoption(
        "--throughput-detect-save",
        default=None,
        metavar="FILE",
        help="write the N+1 sites found (by fingerprint) as a baseline (implies "
        "--throughput-detect)",
    )
    group.addoption(
        "--throughput-detect-baseline",
        default=None,
        metavar="FILE",
        help="N+1 sites known from --throughput-detect-save: only new sites fail",
    )
    group.addoption(
        "--throughput-sarif",
        default=None,
        metavar="FILE",
        help="write the runtime N+1 sites as SARIF 2.1.0 (for code scanning)",
    )
    parser.addini("throughlint", type="bool", default=False, help="same as --throughlint")
    parser.addini(
        "throughlint_paths",
        type="paths",
        default=[],
        help="extra source paths to lint with --throughlint (e.g. src)",
    )
    parser.addini(
        "throughput_budget",
        default="",
        help="'true' to enforce budgets, or a budget TOML file (as --throughput-budget)",
    )
    parser.addini("throughput_json", default="", help="as --throughput-json")
    parser.addini(
        "throughput_n_plus_one_threshold",
        default="",
        help="as --throughput-n-plus-one-threshold",
    )


@dataclass(frozen=True)
class Options:
    lint: bool
    lint_paths: tuple[str, ...]
    enforce: bool
    budget_file: str | None
    json_file: str | None
    save_file: str | None
    threshold: int
    detect: str | None = None  # "report" | "fail"
    detect_save: str | None = None
    detect_baseline: str | None = None
    sarif_file: str | None = None


def read_options(config: pytest.Config) -> Options:
    lint = config.getoption("throughlint") or _ini_bool(config, "throughlint")
    budget = config.getoption("throughput_budget")
    if budget is None:
        ini = str(config.getini("throughput_budget")).strip()
        if ini.lower() in ("true", "1", "yes"):
            budget = ""
        elif ini and ini.lower() not in ("false", "0", "no"):
            budget = ini
    if budget and not budget.endswith(".toml"):
        raise pytest.UsageError(
            f"--throughput-budget: {budget!r} is not a .toml budget file; write "
            "`--throughput-budget` alone to enforce, or `--throughput-budget=FILE.toml`"
        )
    threshold = config.getoption("throughput_n_plus_one_threshold")
    if threshold is None:
        ini = str(config.getini("throughput_n_plus_one_threshold")).strip()
        threshold = _positive(ini, "throughput_n_plus_one_threshold") if ini else None
    if threshold is not None and threshold < 1:
        raise pytest.UsageError("--throughput-n-plus-one-threshold must be at least 1")
    json_file = config.getoption("throughput_json") or str(config.getini("throughput_json"))
    detect = config.getoption("throughput_detect")
    detect_save = config.getoption("throughput_detect_save")
    if detect is None and detect_save:
        detect = "report"
    if config.getoption("throughput_detect_baseline") and detect != "fail":
        raise pytest.UsageError(
            "--throughput-detect-baseline only matters with --throughput-detect=fail"
        )
    return Options(
        lint=bool(lint),
        lint_paths=tuple(str(p) for p in config.getini("throughlint_paths")) if lint else (),
        enforce=budget is not None,
        budget_file=budget or None,
        json_file=json_file or None,
        save_file=config.getoption("throughput_save"),
        threshold=threshold or DEFAULT_THRESHOLD,
        detect=detect,
        detect_save=detect_save,
        detect_baseline=config.getoption("throughput_detect_baseline"),
        sarif_file=config.getoption("throughput_sarif"),
    )


def _ini_bool(config: pytest.Config, name: str) -> bool:
    value: Any = config.getini(name)
    return bool(value)


def _positive(value: str, name: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise pytest.UsageError(f"{name} must be a positive integer, got {value!r}") from None
    if number < 1:
        raise pytest.UsageError(f"{name} must be a positive integer, got {value!r}")
    return number
