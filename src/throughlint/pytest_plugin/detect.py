"""The suite-wide N+1 gate (``--throughput-detect``): the runtime N+1s of every test
grouped by call site (fingerprint), a baseline of known sites, the end-of-session report,
and SARIF so code scanning shows runtime findings next to static ones."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

BASELINE_VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be read; the message names the file."""


@dataclass
class Site:
    """One N+1 call site across the suite: the worst repetition and every test that hit it."""

    fingerprint: str
    worst: dict[str, Any]
    tests: list[str] = field(default_factory=list)
    known: bool = False

    def to_json(self) -> dict:
        worst = self.worst
        return {
            "fingerprint": self.fingerprint,
            "path": worst["path"],
            "line": worst["line"],
            "function": worst["function"],
            "statement": worst["statement"],
            "worst_count": worst["count"],
            "chain": worst.get("chain", []),
            "static": worst["static"],
            "static_detail": worst["static_detail"],
            "tests": sorted(self.tests),
            "baseline": "known" if self.known else "new",
        }


def sites(records: list[dict], baseline: frozenset[str]) -> list[Site]:
    """Each site once, worst count first."""
    found: dict[str, Site] = {}
    for record in records:
        for finding in record.get("n_plus_one", []):
            key = finding.get("fingerprint") or f"{finding['path']}:{finding['line']}"
            site = found.get(key)
            if site is None:
                site = found[key] = Site(key, finding, known=key in baseline)
            elif finding["count"] > site.worst["count"]:
                site.worst = finding
            if record["nodeid"] not in site.tests:
                site.tests.append(record["nodeid"])
    return sorted(found.values(), key=lambda s: (-s.worst["count"], s.worst["path"]))


def load_baseline(path: str) -> frozenset[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not JSON: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("sites"), list):
        raise BaselineError(f"{path}: not a --throughput-detect-save baseline")
    return frozenset(
        site["fingerprint"]
        for site in document["sites"]
        if isinstance(site, dict) and isinstance(site.get("fingerprint"), str)
    )


def save_baseline(path: str, found: list[Site]) -> None:
    document = {
        "version": BASELINE_VERSION,
        "about": "N+1 call sites known to `pytest --throughput-detect`, by fingerprint: "
        "with --throughput-detect-baseline only sites not listed here fail",
        "sites": [site.to_json() for site in sorted(found, key=lambda s: s.fingerprint)],
    }
    for site in document["sites"]:
        del site["baseline"]
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2, sort_keys=True)
        handle.write("\n")


def report_lines(records: list[dict], found: list[Site], threshold: int) -> list[str]:
    """The end-of-session report, plain text."""
    measured = len(records)
    round_trips = sum(record["round_trips"] for record in records)
    hit = {test for site in found for test in site.tests}
    new = sum(1 for site in found if not site.known)
    lines = [
        f"{len(found)} N+1 call site(s) in {len(hit)} of {measured} measured tests "
        f"({new} new, {len(found) - new} in the baseline; threshold {threshold}); "
        f"{round_trips:,} round trips in all"
    ]
    for site in found:
        worst = site.worst
        tag = "known" if site.known else "NEW"
        lines.append("")
        lines.append(
            f"{tag} TL101 {worst['path']}:{worst['line']} in {worst['function']}: "
            f"{worst['count']} x `{worst['statement']}`"
        )
        lines.append(f"  chain: {' > '.join(worst.get('chain', [])) or '-'}")
        lines.append(f"  static: {worst['static']}: {worst['static_detail']}")
        tests = sorted(site.tests)
        shown = ", ".join(tests[:3]) + (f" and {len(tests) - 3} more" if len(tests) > 3 else "")
        lines.append(f"  tests ({len(tests)}): {shown}")
        lines.append(f"  fingerprint: {site.fingerprint}")
    repeats = sum(len(record.get("repeated_by_test", [])) for record in records)
    if repeats:
        lines.append("")
        lines.append(
            f"{repeats} repetition(s) over the threshold driven by the tests themselves or "
            "by a framework (no site in project code): not N+1s, listed under "
            "repeated_by_test in --throughput-json"
        )
    return lines


def sarif(found: list[Site], root: str | None = None) -> dict:
    """SARIF 2.1.0, one result per site, with the fingerprint the static TL101 uses and
    its own automation category, so code scanning keeps it apart from the static run."""
    from throughlint import __version__
    from throughlint.reporters.sarif import (
        INFORMATION_URI,
        SCHEMA_URI,
        artifact_location,
        help_uri,
    )
    from throughlint.rules import rule_by_code

    root = os.path.abspath(root or os.getcwd())  # site paths are shown from the rootdir
    rule = rule_by_code("TL101")
    descriptor: dict[str, Any] = {
        "id": "TL101",
        "name": rule.name if rule is not None else "n-plus-one-query",
        "shortDescription": {"text": "A query run once per item (measured at runtime)"},
        "helpUri": help_uri("TL101"),
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["performance", "throughput", "runtime"]},
    }
    results = []
    for site in found:
        worst = site.worst
        chain = worst.get("chain", [])
        text = (
            f"Runtime N+1: `{worst['statement']}` ran {worst['count']} times in a row from "
            f"this line in {len(site.tests)} test(s), e.g. {sorted(site.tests)[0]}; "
            f"chain: {' > '.join(chain)}"
        )
        results.append(
            {
                "ruleId": "TL101",
                "ruleIndex": 0,
                "level": "warning",
                "message": {"text": text},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": artifact_location(worst["path"], root),
                            "region": {"startLine": worst["line"]},
                        }
                    }
                ],
                "partialFingerprints": {"throughlint/v1": site.fingerprint},
                "properties": {
                    "count": worst["count"],
                    "tests": sorted(site.tests),
                    "static": worst["static"],
                    "baseline": "known" if site.known else "new",
                },
            }
        )
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "throughlint",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [descriptor],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": _file_uri(root)}},
                "automationDetails": {"id": "throughlint-runtime/"},
                "results": results,
            }
        ],
    }


def _file_uri(folder: str) -> str:
    from urllib.parse import quote

    folder = folder.replace(os.sep, "/").rstrip("/") + "/"
    return "file://" + quote(folder if folder.startswith("/") else "/" + folder)


def write_sarif(path: str, found: list[Site], root: str | None = None) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(sarif(found, root), handle, indent=2)
        handle.write("\n")
