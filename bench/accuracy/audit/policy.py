"""Evaluate hold-back policies for the default output on the classified audit rows.

``python bench/accuracy/audit/policy.py --all DIR before.tsv [second.tsv ...]``
(``--list real``: each real row with the tool's placement and size instead; ``--reasons``:
the rows the build holds back, by class, for each reason it gives; ``--sizes``: the tool's
input size against the auditor's, as a confusion matrix, and ``--sizes --list CLASS`` the
rows of that class where they disagree; ``--features DIR``: what the tool knows at each
finding, from ``features.py``'s ``<app>.features.json``, per class, for the rows the build
shows and for all rows with a finding; the policies below that read ``f_`` fields need it)

``--all`` holds ``<app>.json`` reports made with ``--show-all`` (run.py ``--show-all``), so
every finding carries its ``input_size``, ``path_kind`` and ``held_back`` reason. Each
classified row is matched to the finding that shows it (compare.py's rule: same line and
rule family, or among a grouped finding's ``related`` calls). A row with no finding at all
is gone for another reason (a misread fixed) and counts as not shown under every policy.

For each candidate policy the table gives: the real rows kept (issue 17 wants >= 90%),
the harmless and misread rows held back, and the real share of the rows still shown (raw
counts, not weighted by rule). ``shipped`` is what the build's own ``held_back`` field
says; the others are what-ifs from the report's fields, to decide what to ship.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable

from compare import _index, family

Policy = Callable[[dict], bool]  # True: the finding is held back


def _shipped(d: dict) -> bool:
    return bool(d.get("held_back"))


def _not_hot(d: dict) -> bool:
    return (d.get("path_kind") or "") != "hot"


def _unknown(d: dict) -> bool:
    return (d.get("input_size") or "") == "unknown"


def _cold(d: dict) -> bool:
    return (d.get("path_kind") or "").startswith("cold")


def _size(d: dict) -> str:
    return d.get("input_size") or ""


POLICIES: dict[str, Policy] = {
    "shipped (the build's held_back)": _shipped,
    "+ configured input": lambda d: _shipped(d) or _size(d) == "configured",
    "+ per-request input": lambda d: _shipped(d) or _size(d) == "per-request",
    "+ cold queues and pools made at start-up": lambda d: (
        _shipped(d) or (_cold(d) and not d.get("related") and d["code"] in ("TL201", "TL203"))
    ),
    "+ cold loops over a whole table": lambda d: _shipped(d) or (_cold(d) and _size(d) != ""),
    "+ unknown input off hot paths": lambda d: _shipped(d) or (_unknown(d) and _not_hot(d)),
    "+ anything off hot paths": lambda d: _shipped(d) or _not_hot(d),
    "+ only unbounded input on hot paths": lambda d: (
        _shipped(d) or _not_hot(d) or _size(d) != "unbounded"
    ),
    "+ priority 20 or less (what-if, fitted)": lambda d: _shipped(d) or d["priority"] <= 20,
    "+ unknown input not reached from hot code, or cold": lambda d: (
        _shipped(d) or _cold(d) or (_unknown(d) and not (d.get("path_kind") or ""))
    ),
}


def _hot(d: dict) -> bool:
    return d.get("f_path_kind", "").startswith("hot")


def _queue_or_pool(d: dict) -> bool:
    """A queue or a pool made outside a loop (TL201, TL203 with no loop: no size)."""
    return d["code"] in ("TL201", "TL203") and d.get("f_iterable") == "none"


# what-ifs on ``features.py``'s fields (``--features``): positive evidence required
FEATURE_POLICIES: dict[str, Policy] = {
    "+ not hot and not unbounded (positive evidence)": lambda d: (
        _shipped(d) or (not _hot(d) and _size(d) != "unbounded")
    ),
    "+ not hot, unless unbounded or a parameter / call result": lambda d: (
        _shipped(d)
        or (
            not _hot(d)
            and _size(d) != "unbounded"
            and d.get("f_iterable") not in ("parameter", "call result")
        )
    ),
    "+ nobody calls the function (unplaced entry)": lambda d: (
        _shipped(d) or d.get("f_path_kind") == "unplaced: entry"
    ),
    "+ queues and pools outside a loop": lambda d: _shipped(d) or _queue_or_pool(d),
    "+ queues and pools outside a loop, not in hot code": lambda d: (
        _shipped(d) or (_queue_or_pool(d) and not _hot(d))
    ),
    "+ heuristic tier": lambda d: _shipped(d) or d.get("f_confidence") == "heuristic",
    "+ a loop over a query off hot paths": lambda d: (
        _shipped(d) or (d.get("f_iterable") == "query" and not _hot(d))
    ),
    "+ a loop over a query (any path)": lambda d: _shipped(d) or d.get("f_iterable") == "query",
    "+ called on each pass of a service loop": lambda d: (
        _shipped(d) or d.get("f_path_kind") == "hot: service loop"
    ),
    "+ a helper's summary off hot paths": lambda d: (
        _shipped(d) or (d.get("f_effect") == "helper" and not _hot(d))
    ),
}


def rows_of(files: list[str]) -> list[dict]:
    rows: list[dict] = []
    for file in files:
        with open(file, encoding="utf-8", newline="") as handle:
            rows += [r for r in csv.DictReader(handle, delimiter="\t") if r["class"].strip()]
    return rows


def findings(rows: list[dict], folder: str) -> list[dict | None]:
    """The finding that shows each row in the ``--show-all`` reports (None: none)."""
    indexes: dict[str, dict] = {}
    found: list[dict | None] = []
    for row in rows:
        app = row["app"]
        if app not in indexes:
            report = os.path.join(folder, f"{app}.json")
            indexes[app] = _index(report) if os.path.exists(report) else {}
        found.append(indexes[app].get((row["path"], int(row["line"]), family(row["rule"]))))
    return found


FEATURES = ("code", "confidence", "size", "path_kind", "iterable", "effect", "grouped")
FEATURES += ("guarded",)


def with_features(found: list[dict | None], rows: list[dict], folder: str) -> None:
    """Each finding gains ``f_<feature>`` from ``features.py``'s report of its app."""
    tables: dict[str, dict] = {}
    for row, d in zip(rows, found, strict=True):
        if d is None:
            continue
        app = row["app"]
        if app not in tables:
            with open(os.path.join(folder, f"{app}.features.json"), encoding="utf-8") as handle:
                tables[app] = {(f["path"], f["line"], f["code"]): f for f in json.load(handle)}
        known = tables[app].get((d["path"], d["line"], d["code"]), {})
        d.update({f"f_{name}": str(known.get(name, "?")) for name in FEATURES[1:]})
        d["f_code"] = d["code"]


def feature_table(rows: list[dict], found: list[dict | None], feature: str, shown: bool) -> dict:
    """value -> {class: rows}, over the rows with a finding (only those shown: ``shown``)."""
    table: dict[str, dict[str, int]] = {}
    for row, d in zip(rows, found, strict=True):
        if d is None or (shown and _shipped(d)):
            continue
        cell = table.setdefault(d[f"f_{feature}"], {"real": 0, "harmless": 0, "misread": 0})
        cell[row["class"]] += 1
    return table


def print_features(rows: list[dict], found: list[dict | None]) -> None:
    for feature in FEATURES:
        print(f"\n{feature}: rows shown by the build (all rows with a finding)\n")
        print("| value | real | harmless | misread | real share |")
        print("|---|--:|--:|--:|--:|")
        everything = feature_table(rows, found, feature, shown=False)
        shown = feature_table(rows, found, feature, shown=True)
        for value in sorted(everything, key=lambda v: -sum(everything[v].values())):
            c = shown.get(value, {"real": 0, "harmless": 0, "misread": 0})
            a = everything[value]
            total = sum(c.values())
            share = f"{c['real'] / total:.0%}" if total else "-"
            print(
                f"| {value} | {c['real']} ({a['real']}) | {c['harmless']} ({a['harmless']})"
                f" | {c['misread']} ({a['misread']}) | {share} |"
            )


def print_ceiling(rows: list[dict], found: list[dict | None]) -> None:
    """What a perfect size and path would give: the rows the build shows, kept only when
    the auditor's own columns say unbounded (and hot)."""
    shown = [r for r, d in zip(rows, found, strict=True) if d is not None and not _shipped(d)]
    print("\nceiling: the rows shown, kept only by the auditor's own size and path\n")
    print("| kept when the auditor says | real kept | rows kept | real share |")
    print("|---|--:|--:|--:|")
    real = sum(1 for r in rows if r["class"] == "real")
    for title, test in (
        ("unbounded", lambda r: r["input_size"] == "unbounded"),
        ("unbounded, hot", lambda r: r["input_size"] == "unbounded" and r["path_kind"] == "hot"),
        ("not constant or configured", lambda r: r["input_size"] not in ("constant", "configured")),
    ):
        kept = [r for r in shown if test(r)]
        hits = sum(1 for r in kept if r["class"] == "real")
        print(f"| {title} | {hits}/{real} | {len(kept)} | {hits / len(kept):.0%} |")


def evaluate(rows: list[dict], found: list[dict | None], policy: Policy) -> dict[str, int]:
    counts = {"real": 0, "real_kept": 0, "harmless_held": 0, "misread_held": 0, "shown": 0}
    counts |= {"harmless": 0, "misread": 0}
    for row, diagnostic in zip(rows, found, strict=True):
        name = row["class"]
        counts[name] += 1
        shown = diagnostic is not None and not policy(diagnostic)
        counts["shown"] += shown
        if name == "real":
            counts["real_kept"] += shown
        elif not shown:
            counts[f"{name}_held"] += 1
    return counts


def reason_of(d: dict) -> str:
    """The kind of a finding's ``held_back`` reason: "cold path", "small input", "pass
    dominated" ("pass dominated by an e-mail (...)"), ..."""
    reason = d.get("held_back") or ""
    return "pass dominated" if reason.startswith("pass dominated") else reason.split(":")[0]


def by_reason(rows: list[dict], found: list[dict | None]) -> dict[str, dict[str, int]]:
    """Per held-back reason, the classified rows it holds back, by class."""
    table: dict[str, dict[str, int]] = {}
    for row, d in zip(rows, found, strict=True):
        if d is not None and d.get("held_back"):
            counts = table.setdefault(reason_of(d), {"real": 0, "harmless": 0, "misread": 0})
            counts[row["class"]] += 1
    return table


def describe(row: dict, d: dict | None) -> str:
    """One row: the tool's path and size, why it is held back, and the auditor's."""
    where = f"{row['app']} {row['path']}:{row['line']} {row['rule']}"
    auditor = f"auditor: {row.get('path_kind') or '-'}, {row.get('input_size') or '-'}"
    if d is None:
        return f"{where}: no finding ({auditor})"
    tool = f"{d.get('path_kind') or '-'}, {d.get('input_size') or '-'}"
    held = f", held back: {d['held_back']}" if d.get("held_back") else ""
    known = ", ".join(d[f"f_{name}"] for name in FEATURES[1:] if f"f_{name}" in d)
    return f"{where}: {tool}{held} ({auditor})" + (f" [{known}]" if known else "")


# the auditor's sizes, and the tool's (``small`` is the tool's own: the auditor's constant
# covers it); "-" is a row with no finding, "none" a finding outside a loop
AUDITOR_SIZES = ("constant", "configured", "per-request", "unbounded", "unknown")
TOOL_SIZES = ("constant", "small", "configured", "per-request", "unbounded", "unknown", "none")
_AGREES = {"small": "constant"}


def tool_size(d: dict | None) -> str:
    if d is None:
        return "-"
    return d.get("input_size") or "none"


def size_matrix(rows: list[dict], found: list[dict | None]) -> dict[tuple[str, str], int]:
    """(auditor's size, tool's size) -> rows, over the rows that have a finding."""
    matrix: dict[tuple[str, str], int] = {}
    for row, d in zip(rows, found, strict=True):
        if d is not None:
            key = (row.get("input_size") or "unknown", tool_size(d))
            matrix[key] = matrix.get(key, 0) + 1
    return matrix


def agrees(row: dict, d: dict | None) -> bool:
    size = tool_size(d)
    return _AGREES.get(size, size) == (row.get("input_size") or "unknown")


def print_sizes(rows: list[dict], found: list[dict | None]) -> None:
    """The confusion matrix, for all rows with a finding and per class."""
    for title, wanted in (("all classes", None), ("real", "real"), ("harmless", "harmless")):
        chosen = [(r, d) for r, d in zip(rows, found, strict=True) if wanted in (None, r["class"])]
        matrix = size_matrix([r for r, _ in chosen], [d for _, d in chosen])
        same = sum(1 for r, d in chosen if d is not None and agrees(r, d))
        total = sum(matrix.values())
        print(f"\n{title}: the tool's size agrees on {same} of {total} rows with a finding")
        print("\n| auditor \\ tool | " + " | ".join(TOOL_SIZES) + " | all |")
        print("|---|" + "--:|" * (len(TOOL_SIZES) + 1))
        for size in AUDITOR_SIZES:
            cells = [matrix.get((size, tool), 0) for tool in TOOL_SIZES]
            print(f"| {size} | " + " | ".join(map(str, cells)) + f" | {sum(cells)} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tsv", nargs="+", help="classified samples")
    parser.add_argument("--all", required=True, help="reports made with --show-all")
    parser.add_argument("--list", metavar="CLASS", help="list the rows of this class instead")
    parser.add_argument("--reasons", action="store_true", help="rows held back, by reason")
    parser.add_argument("--sizes", action="store_true", help="the tool's size vs the auditor's")
    parser.add_argument("--features", metavar="DIR", help="features.py's reports: per class")
    options = parser.parse_args(argv)
    rows = rows_of(options.tsv)
    found = findings(rows, options.all)
    policies = dict(POLICIES)
    if options.features:
        with_features(found, rows, options.features)
        policies |= FEATURE_POLICIES
        if not options.list:
            print_features(rows, found)
            print_ceiling(rows, found)
            print()
    if options.sizes and options.list:
        for row, d in zip(rows, found, strict=True):
            if row["class"] == options.list and d is not None and not agrees(row, d):
                print(describe(row, d))
        return 0
    if options.sizes:
        print_sizes(rows, found)
        return 0
    if options.reasons:
        print("| reason | real | harmless | misread |")
        print("|---|--:|--:|--:|")
        for reason, c in sorted(by_reason(rows, found).items()):
            print(f"| {reason} | {c['real']} | {c['harmless']} | {c['misread']} |")
        return 0
    if options.list:
        for row, d in zip(rows, found, strict=True):
            if row["class"] == options.list:
                print(describe(row, d))
        return 0
    missing = sum(1 for f in found if f is None)
    print(f"{len(rows)} classified rows; {missing} have no finding in the reports at all\n")
    print("| policy | real kept | harmless held back | misread held back | real share shown |")
    print("|---|--:|--:|--:|--:|")
    for title, policy in policies.items():
        c = evaluate(rows, found, policy)
        share = c["real_kept"] / c["shown"] if c["shown"] else 0.0
        print(
            f"| {title} | {c['real_kept']}/{c['real']} | {c['harmless_held']}/{c['harmless']}"
            f" | {c['misread_held']}/{c['misread']} | {c['real_kept']}/{c['shown']} ({share:.0%}) |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
