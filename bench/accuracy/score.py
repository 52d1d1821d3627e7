"""Score throughlint against the labelled lines: per-family recall and false-alarm rate.

``python bench/accuracy/score.py [--split tune|holdout|all] [--preview] [--show-all] [--markdown]
[--json FILE] [--list] [--cache DIR] [--labels DIR] [--package NAME]``

Runs throughlint (JSON output, ``--isolated --no-cache``, default rules) on each
package's unpacked tree (made by ``fetch.py``). A label whose ``text`` no longer matches
its source line is reported as drift and skipped. A flag label is a hit when a finding of
the same rule family is on its line (or lists the line among its ``related`` locations);
a clean label is a false alarm when a finding of its family is on its line. Each hit and
false alarm also records the finding's ``confidence`` (``typed``, or ``heuristic`` when
only names or usage decided it), and ``--list`` ends with the three counts per tier: how
sure the heuristic tier is, the evidence for what goes behind ``--preview``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from labels import CACHE, LABELS, Label, LabelError, Package, load_all

FAMILIES: dict[str, str] = {
    "TL101": "n+1",
    "TL102": "write",
    "TL103": "write",
    "TL201": "queue",
    "TL202": "pool",
    "TL203": "pool",
    "TL301": "lock",
    "TL401": "batch",
    "TL402": "batch",
}
FAMILY_ORDER = ("n+1", "write", "queue", "pool", "lock", "batch")


def family(code: str) -> str:
    """The family a rule code scores in; a code not listed is its own family."""
    return FAMILIES.get(code, code)


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    path: str
    line: int
    confidence: str = "typed"


@dataclass(frozen=True, slots=True)
class Outcome:
    package: str
    label: Label
    result: str  # "hit", "miss", "false-alarm", "clean" or "drift"
    detail: str = ""
    confidence: str = ""  # of the finding behind a hit or a false alarm


@dataclass(slots=True)
class Tally:
    flags: int = 0
    hits: int = 0
    cleans: int = 0
    false_alarms: int = 0

    @property
    def recall(self) -> float | None:
        return self.hits / self.flags if self.flags else None

    @property
    def false_alarm_rate(self) -> float | None:
        return self.false_alarms / self.cleans if self.cleans else None

    @property
    def precision(self) -> float | None:
        reported = self.hits + self.false_alarms
        return self.hits / reported if reported else None


@dataclass(slots=True)
class Score:
    families: dict[str, Tally] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    unlabelled: dict[str, int] = field(default_factory=dict)
    unlabelled_by_confidence: dict[str, int] = field(default_factory=dict)
    packages: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total(self) -> Tally:
        total = Tally()
        for tally in self.families.values():
            total.flags += tally.flags
            total.hits += tally.hits
            total.cleans += tally.cleans
            total.false_alarms += tally.false_alarms
        return total

    @property
    def drift(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result == "drift"]


def _locations(diagnostic: dict, tree: str) -> Iterable[tuple[str, str, int]]:
    """A finding grouped at its loop stands for its calls, each with its own code."""
    related = [
        item
        for item in diagnostic.get("related") or ()
        if isinstance(item, dict) and "line" in item
    ]
    if not related:
        yield diagnostic["code"], _relative(diagnostic["path"], tree), int(diagnostic["line"])
    for item in related:
        path = _relative(item.get("path", diagnostic["path"]), tree)
        yield item.get("code", diagnostic["code"]), path, int(item["line"])


def _tier(found: set[str]) -> str:
    """One tier for a line several findings share: typed when any of them is."""
    return "typed" if "typed" in found or not found else "heuristic"


def _relative(path: str, tree: str) -> str:
    return os.path.relpath(os.path.abspath(path), tree).replace(os.sep, "/")


def run_throughlint(tree: str, extra: Sequence[str] = ()) -> list[Finding]:
    """Findings of a real ``throughlint`` run on ``tree``, paths relative to it."""
    command = [
        sys.executable,
        "-m",
        "throughlint",
        "--isolated",
        "--no-cache",
        "--exit-zero",
        "--format",
        "json",
        *extra,
        tree,
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"throughlint failed on {tree}:\n{completed.stderr}")
    report = json.loads(completed.stdout)
    return [
        Finding(code, path, line, diagnostic.get("confidence", "typed"))
        for diagnostic in report["diagnostics"]
        for code, path, line in _locations(diagnostic, tree)
    ]


def source_line(tree: str, path: str, line: int) -> str | None:
    """The stripped text of ``line`` of ``path`` in ``tree``; None when it does not exist."""
    try:
        with open(os.path.join(tree, path), encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    return lines[line - 1].strip() if line <= len(lines) else None


def score_package(package: Package, tree: str, findings: Sequence[Finding], score: Score) -> None:
    """Match ``findings`` to the labels of ``package`` and add the result to ``score``."""
    at: dict[tuple[str, int], dict[str, set[str]]] = {}
    for finding in findings:
        tiers = at.setdefault((finding.path, finding.line), {})
        tiers.setdefault(family(finding.code), set()).add(finding.confidence)
    labelled = {(label.path, label.line) for label in package.labels}
    for label in package.labels:
        tally = score.families.setdefault(family(label.rule), Tally())
        actual = source_line(tree, label.path, label.line)
        if actual != label.text.strip():
            detail = "no such line" if actual is None else f"line now reads {actual!r}"
            score.outcomes.append(Outcome(package.name, label, "drift", detail))
            continue
        tiers = at.get((label.path, label.line), {}).get(family(label.rule))
        found = tiers is not None
        if label.expect == "flag":
            tally.flags += 1
            tally.hits += found
            result = "hit" if found else "miss"
        else:
            tally.cleans += 1
            tally.false_alarms += found
            result = "false-alarm" if found else "clean"
        tier = _tier(tiers) if found else ""
        score.outcomes.append(Outcome(package.name, label, result, confidence=tier))
    unlabelled: dict[tuple[str, int, str], set[str]] = {}
    for finding in findings:
        if (finding.path, finding.line) not in labelled:
            key = (finding.path, finding.line, finding.code)
            unlabelled.setdefault(key, set()).add(finding.confidence)
    for (_, _, code), tiers in unlabelled.items():
        name = family(code)
        score.unlabelled[name] = score.unlabelled.get(name, 0) + 1
        tier = _tier(tiers)
        score.unlabelled_by_confidence[tier] = score.unlabelled_by_confidence.get(tier, 0) + 1
    score.packages.append(package.name)


def check_labels(packages: Sequence[Package], cache: str) -> list[Outcome]:
    """Labels whose ``text`` no longer matches the unpacked source (no throughlint run)."""
    drift = []
    for package in packages:
        tree = package.tree(cache)
        if not os.path.isdir(tree):
            raise SystemExit(f"{tree} is missing: run bench/accuracy/fetch.py first")
        for label in package.labels:
            actual = source_line(tree, label.path, label.line)
            if actual != label.text.strip():
                detail = "no such line" if actual is None else f"line now reads {actual!r}"
                drift.append(Outcome(package.name, label, "drift", detail))
    return drift


def run(
    packages: Sequence[Package], cache: str, extra: Sequence[str] = (), progress: bool = False
) -> Score:
    score = Score()
    started = time.perf_counter()
    for package in packages:
        tree = package.tree(cache)
        if not os.path.isdir(tree):
            raise SystemExit(f"{tree} is missing: run bench/accuracy/fetch.py first")
        if progress:
            print(f"scoring {package.name}=={package.version}", file=sys.stderr)
        score_package(package, tree, run_throughlint(tree, extra), score)
    score.seconds = time.perf_counter() - started
    return score


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def rows(score: Score) -> list[list[str]]:
    names = [name for name in FAMILY_ORDER if name in score.families]
    names += sorted(set(score.families) - set(FAMILY_ORDER))
    body = []
    for name in [*names, "all"]:
        tally = score.total if name == "all" else score.families[name]
        body.append(
            [
                name,
                str(tally.flags),
                str(tally.hits),
                _number(tally.recall),
                str(tally.cleans),
                str(tally.false_alarms),
                _number(tally.false_alarm_rate),
                _number(tally.precision),
                str(
                    sum(score.unlabelled.values())
                    if name == "all"
                    else score.unlabelled.get(name, 0)
                ),
            ]
        )
    return body


HEADER = [
    "family",
    "flag labels",
    "hits",
    "recall",
    "clean labels",
    "false alarms",
    "false-alarm rate",
    "precision",
    "findings on unlabelled lines",
]


def markdown(score: Score) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|---|" + "---:|" * (len(HEADER) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows(score)]
    return "\n".join(lines)


def plain(score: Score) -> str:
    table = [HEADER, *rows(score)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in table
    )


def tiers(score: Score) -> str:
    """Hits, false alarms and unlabelled findings per confidence tier, one line each."""
    lines = []
    for tier in ("typed", "heuristic"):
        hits = sum(o.result == "hit" and o.confidence == tier for o in score.outcomes)
        alarms = sum(o.result == "false-alarm" and o.confidence == tier for o in score.outcomes)
        others = score.unlabelled_by_confidence.get(tier, 0)
        lines.append(
            f"confidence {tier}: {hits} hits, {alarms} false alarms, "
            f"{others} findings on unlabelled lines"
        )
    return "\n".join(lines)


def as_json(score: Score, split: str) -> dict:
    def tally_json(tally: Tally) -> dict:
        return {
            "flags": tally.flags,
            "hits": tally.hits,
            "recall": tally.recall,
            "cleans": tally.cleans,
            "false_alarms": tally.false_alarms,
            "false_alarm_rate": tally.false_alarm_rate,
            "precision": tally.precision,
        }

    return {
        "split": split,
        "packages": score.packages,
        "families": {name: tally_json(t) for name, t in score.families.items()},
        "all": tally_json(score.total),
        "unlabelled_findings": score.unlabelled,
        "unlabelled_by_confidence": score.unlabelled_by_confidence,
        "seconds": round(score.seconds, 3),
        "outcomes": [
            {
                "package": o.package,
                "path": o.label.path,
                "line": o.label.line,
                "rule": o.label.rule,
                "expect": o.label.expect,
                "result": o.result,
                "detail": o.detail,
                "confidence": o.confidence,
            }
            for o in score.outcomes
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("tune", "holdout", "all"), default="tune")
    parser.add_argument("--preview", action="store_true", help="pass --preview to throughlint")
    parser.add_argument(
        "--show-all",
        action="store_true",
        help="pass --show-all to throughlint (score the rules, not what the output holds back)",
    )
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--json", metavar="FILE", help="also write the result as JSON")
    parser.add_argument("--list", action="store_true", help="list misses, false alarms, drift")
    parser.add_argument("--cache", default=CACHE, help="where fetch.py unpacked the packages")
    parser.add_argument("--labels", default=LABELS, help="folder of label files")
    parser.add_argument("--package", action="append", help="only this PyPI name (repeatable)")
    parser.add_argument(
        "--check-labels",
        action="store_true",
        help="only check that every label's text matches its source line; do not run throughlint",
    )
    options = parser.parse_args(argv)
    try:
        packages = load_all(options.labels)
    except LabelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    packages = [p for p in packages if options.split in ("all", p.split)]
    if options.package:
        packages = [p for p in packages if p.name in set(options.package)]
    if options.check_labels:
        drift = check_labels(packages, os.path.abspath(options.cache))
        for outcome in drift:
            label = outcome.label
            print(f"drift: {outcome.package} {label.path}:{label.line} {outcome.detail}")
        labels = sum(len(p.labels) for p in packages)
        print(f"{len(packages)} packages, {labels} labels, {len(drift)} drifted")
        return 1 if drift else 0
    extra = ["--preview"] if options.preview else []
    if options.show_all:
        extra.append("--show-all")
    score = run(packages, os.path.abspath(options.cache), extra, progress=True)
    print(markdown(score) if options.markdown else plain(score))
    labels = sum(len(p.labels) for p in packages)
    print(
        f"\nsplit {options.split}: {len(packages)} packages, {labels} labels, "
        f"{len(score.drift)} drifted (skipped), throughlint {score.seconds:.1f} s"
    )
    shown = ("miss", "false-alarm", "drift") if options.list else ("drift",)
    for outcome in score.outcomes:
        if outcome.result in shown:
            label = outcome.label
            print(
                f"{outcome.result}: {outcome.package} {label.path}:{label.line} {label.rule} "
                f"{label.text!r} {outcome.detail}".rstrip()
            )
    if options.list:
        print(tiers(score))
    if options.json:
        with open(options.json, "w", encoding="utf-8") as handle:
            json.dump(as_json(score, options.split), handle, indent=2)
            handle.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
