"""The terminal summary table (rich) and the JSON report for CI."""

from __future__ import annotations

import io
import json
from typing import Any

from throughlint import __version__
from throughlint.pytest_plugin.options import Options

_VERDICTS = {
    "pass": ("pass", "green"),
    "fail": ("FAIL", "bold red"),
    "over": ("over budget", "yellow"),
    "-": ("measured", "dim"),
}


def write_summary(terminalreporter: Any, records: list[dict], options: Options) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if options.detect is not None:
        # every test is measured: the table keeps the budgeted ones and those with findings
        quiet = [r for r in records if r["detect_only"] and not r["failures"]]
        records = [r for r in records if not (r["detect_only"] and not r["failures"])]
        if not records:
            terminalreporter.write_sep("=", "throughput", bold=True)
            terminalreporter.write_line(_measured_line(quiet))
            return
    else:
        quiet = []
    markup = getattr(terminalreporter, "hasmarkup", False) or getattr(
        terminalreporter._tw, "hasmarkup", False
    )
    buffer = io.StringIO()
    longest = max(len(record["nodeid"]) for record in records)
    console = Console(
        file=buffer,
        width=max(terminalreporter._tw.fullwidth, longest + 100),
        force_terminal=markup,
        no_color=not markup,
        highlight=False,
        emoji=False,
        soft_wrap=False,
    )
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for column, justify in (
        ("test", "left"),
        ("items", "right"),
        ("rate", "right"),
        ("queries", "right"),
        ("round trips", "right"),
        ("budget", "left"),
        ("verdict", "left"),
    ):
        table.add_column(column, justify=justify, no_wrap=True)
    for record in sorted(records, key=lambda r: r["nodeid"]):
        text, style = _VERDICTS[record["verdict"]]
        # Text cells are never parsed as markup: test ids like `test_page[/?page=]` or
        # `test_tag[b]` are shown as they are
        table.add_row(
            Text(record["nodeid"]),
            str(record["items"]),
            Text(_rate(record)),
            str(record["queries"]),
            str(record["round_trips"]),
            Text(record["budget_text"]),
            Text(text, style=style),
        )
    console.print(table)
    details = [r for r in records if r["failures"]]
    if details:
        console.print()
    for record in sorted(details, key=lambda r: r["nodeid"]):
        console.print(Text(f"{record['nodeid']}:"), soft_wrap=True)
        for failure in record["failures"]:
            console.print(Text(f"  {failure}"), soft_wrap=True)
    if any(record["verdict"] == "over" for record in details):
        console.print(
            "over budget: reported only; run with --throughput-budget to make these failures",
            markup=False,
            soft_wrap=True,
        )
    if quiet:
        console.print(Text(_measured_line(quiet)), soft_wrap=True)
    terminalreporter.write_sep("=", "throughput", bold=True)
    terminalreporter.write("".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines()))


def _measured_line(quiet: list[dict]) -> str:
    round_trips = sum(record["round_trips"] for record in quiet)
    return (
        f"{len(quiet)} test(s) measured only by --throughput-detect: {round_trips:,} round "
        "trips (per test in --throughput-json)"
    )


def _rate(record: dict) -> str:
    rate = record.get("rate")
    if rate is None:
        return "-"
    return f"{rate:,.1f} {record['unit']}/s" if rate < 1e6 else f"{rate:,.3g} {record['unit']}/s"


def to_json(records: list[dict], options: Options, sites: list | None = None) -> dict:
    return {
        "version": __version__,
        "enforced": options.enforce,
        "detect": options.detect,
        "n_plus_one_threshold": options.threshold,
        "n_plus_one_sites": [site.to_json() for site in sites or []],
        "tests": sorted(records, key=lambda r: r["nodeid"]),
    }


def write_json(path: str, records: list[dict], options: Options, sites: list | None = None) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(to_json(records, options, sites), handle, indent=2, sort_keys=True)
        handle.write("\n")
