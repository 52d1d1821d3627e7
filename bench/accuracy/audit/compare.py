"""Check new reports against a classified audit sample: are the real findings kept, are
the misreads and harmless ones gone, and does the tool's input size and path agree with
the auditor's?

``python bench/accuracy/audit/compare.py --reports DIR [--all DIR] [--before DIR] before.tsv
[second.tsv ...]``

``--reports`` holds ``<app>.json`` written by run.py with the default output (what issue 17
judges). A classified row (``app``, ``path``, ``line``, ``rule``) is *kept* when a finding
of the same rule family is on that line or names it among its ``related`` locations (a
grouped loop finding lists each call there). ``--all`` optionally holds reports made with
``--show-all``, so that held-back findings can be compared too; the ``input_size`` and
``path_kind`` that a report gives a row's finding are compared with the auditor's
columns (``path_kind`` by its first word: hot or cold). Reports without those fields
leave the agreement tables empty.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections import Counter
from dataclasses import dataclass

_FAMILIES = {"TL102": "write", "TL103": "write", "TL202": "pool", "TL203": "pool"}
_FAMILIES |= {"TL401": "batch", "TL402": "batch"}


def family(code: str) -> str:
    return _FAMILIES.get(code, code)


@dataclass(frozen=True, slots=True)
class Found:
    """What a report says about one classified line."""

    kept: bool
    input_size: str
    path_kind: str


def _index(report: str) -> dict[tuple[str, int, str], dict]:
    """(path, line, family) -> the finding that shows it, directly or as a related call."""
    with open(report, encoding="utf-8") as handle:
        diagnostics = json.load(handle)["diagnostics"]
    index: dict[tuple[str, int, str], dict] = {}
    for diagnostic in diagnostics:
        index.setdefault(
            (diagnostic["path"], diagnostic["line"], family(diagnostic["code"])), diagnostic
        )
        for related in diagnostic.get("related") or ():
            key = (
                related["path"],
                related["line"],
                family(related.get("code", diagnostic["code"])),
            )
            index.setdefault(key, diagnostic)
    return index


def _calls_of_groups(report: str) -> dict[tuple[str, int, str], list[tuple[str, int, str]]]:
    """(path, line, family) of each grouped finding -> the (path, line, family) of its calls."""
    with open(report, encoding="utf-8") as handle:
        diagnostics = json.load(handle)["diagnostics"]
    return {
        (d["path"], d["line"], family(d["code"])): [
            (r["path"], r["line"], family(r.get("code", d["code"]))) for r in d["related"]
        ]
        for d in diagnostics
        if d.get("related")
    }


def look_up(rows: list[dict], folder: str | None, before: str | None = None) -> list[Found | None]:
    """For each row, what the reports in ``folder`` say (None: no folder or no report).
    With ``before`` (the reports the sample was drawn from), a row drawn as a grouped
    finding at a loop is also kept when a finding now lists any of that group's calls
    (the loop joined an enclosing loop's finding, which reports the same calls)."""
    if folder is None:
        return [None] * len(rows)
    indexes: dict[str, dict | None] = {}
    groups: dict[str, dict] = {}
    found: list[Found | None] = []
    for row in rows:
        app = row["app"]
        if app not in indexes:
            report = os.path.join(folder, f"{app}.json")
            indexes[app] = _index(report) if os.path.exists(report) else None
            drawn = os.path.join(before, f"{app}.json") if before else ""
            groups[app] = _calls_of_groups(drawn) if drawn and os.path.exists(drawn) else {}
        index = indexes[app]
        if index is None:
            found.append(None)
            continue
        key = (row["path"], int(row["line"]), family(row["rule"]))
        diagnostic = index.get(key)
        if diagnostic is None:
            diagnostic = next(
                (index[call] for call in groups[app].get(key, ()) if call in index), None
            )
        if diagnostic is None:
            found.append(Found(kept=False, input_size="", path_kind=""))
        else:
            size = diagnostic.get("input_size") or ""
            kind = (diagnostic.get("path_kind") or "").split(":")[0].strip()
            found.append(Found(kept=True, input_size=size, path_kind=kind))
    return found


def _agreement(title: str, pairs: list[tuple[str, str]]) -> list[str]:
    """A confusion table: the auditor's value per row, the tool's per column (``-``: the
    report has no finding, or no value, for that row; not counted in the agreement)."""
    pairs = [(mine, theirs or "-") for mine, theirs in pairs if mine]
    if not pairs or all(theirs == "-" for _, theirs in pairs):
        return [f"{title}: no values in the reports", ""]
    counts = Counter(pairs)
    columns = sorted({theirs for _, theirs in pairs})
    lines = [f"{title} (rows: auditor, columns: tool)", ""]
    lines.append("| auditor | " + " | ".join(columns) + " | agree |")
    lines.append("|---|" + "--:|" * (len(columns) + 1))
    for mine in sorted({mine for mine, _ in pairs}):
        cells = [str(counts[(mine, theirs)]) for theirs in columns]
        total = sum(counts[(mine, theirs)] for theirs in columns)
        lines.append(f"| {mine} | " + " | ".join(cells) + f" | {counts[(mine, mine)]}/{total} |")
    agree = sum(counts[(value, value)] for value in {mine for mine, _ in pairs})
    valued = sum(1 for _, theirs in pairs if theirs != "-")
    missing = len(pairs) - valued
    lines += ["", f"agreement: {agree}/{valued} ({missing} rows without a value)", ""]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tsv", nargs="+", help="classified samples (before.tsv, second.tsv)")
    parser.add_argument("--reports", required=True, help="default-output reports (run.py)")
    parser.add_argument("--all", help="reports made with --show-all, for the agreement")
    parser.add_argument(
        "--before", help="the reports the sample was drawn from (a group's calls count for it)"
    )
    options = parser.parse_args(argv)
    rows: list[dict] = []
    for file in options.tsv:
        with open(file, encoding="utf-8", newline="") as handle:
            rows += [r for r in csv.DictReader(handle, delimiter="\t") if r["class"].strip()]
    shown = look_up(rows, options.reports, options.before)
    every = look_up(rows, options.all, options.before) if options.all else shown
    print("| auditor's class | rows | still in the default output |\n|---|--:|--:|")
    for name in ("real", "misread", "harmless"):
        picked = [found for row, found in zip(rows, shown, strict=True) if row["class"] == name]
        kept = sum(1 for found in picked if found is not None and found.kept)
        share = f" ({kept / len(picked):.0%})" if picked else ""
        print(f"| {name} | {len(picked)} | {kept}{share} |")
    print()
    real_lost = [
        f"{row['app']} {row['path']}:{row['line']} {row['rule']}"
        for row, found in zip(rows, shown, strict=True)
        if row["class"] == "real" and not (found is not None and found.kept)
    ]
    for line in real_lost:
        print(f"real finding no longer shown: {line}")
    if real_lost:
        print()
    sizes = [
        (row.get("input_size", ""), found.input_size if found else "")
        for row, found in zip(rows, every, strict=True)
    ]
    kinds = [
        (row.get("path_kind", ""), found.path_kind if found else "")
        for row, found in zip(rows, every, strict=True)
    ]
    print("\n".join(_agreement("input size", sizes) + _agreement("path", kinds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
