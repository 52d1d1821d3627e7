"""Shares of real, misread and harmless findings, weighted by each rule's number of findings.

``python bench/accuracy/audit/fresh/weigh.py --reports DIR sample.tsv [more.tsv ...]``

The samples of ``sample_findings.py`` are stratified by rule (the same number from each
rule, all of a rule with fewer), while the default output is mostly TL101 and TL102; the
raw shares of a sample over-weight the small rules. This weighs each rule's shares by its
number of findings outside tests and migrations in ``--reports`` (``<app>.json`` of
``run.py``, the rule of ``run.in_tests``) and gives a standard error with the
finite-population correction. Rows whose ``class`` is not real, misread or harmless (e.g.
``n/a`` for a TL000 parse error) are left out, and so are rules with no classified row
(listed). Sheets are joined on (app, path, line, rule); a row seen twice counts once.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from run import in_tests  # bench/accuracy/audit/run.py

CLASSES = ("real", "misread", "harmless")


def population(folder: str) -> Counter[str]:
    """Findings outside tests and migrations per rule, over every report in ``folder``."""
    counts: Counter[str] = Counter()
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                for finding in json.load(handle)["diagnostics"]:
                    if not in_tests(finding["path"]):
                        counts[finding["code"]] += 1
    return counts


def classified(files: list[str]) -> dict[str, Counter[str]]:
    """rule -> class -> rows, each (app, path, line, rule) once."""
    seen: set[tuple[str, str, str, str]] = set()
    per_rule: dict[str, Counter[str]] = {}
    for file in files:
        with open(file, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                key = (row["app"], row["path"], row["line"], row["rule"])
                if row["class"].strip() not in CLASSES or key in seen:
                    continue
                seen.add(key)
                per_rule.setdefault(row["rule"], Counter())[row["class"].strip()] += 1
    return per_rule


def weigh(pop: Counter[str], per_rule: dict[str, Counter[str]]) -> dict[str, tuple[float, float]]:
    """class -> (weighted share, standard error), over the rules that have classified rows."""
    total = sum(pop[rule] for rule in per_rule)
    result = {}
    for name in CLASSES:
        share = variance = 0.0
        for rule, counts in per_rule.items():
            n, big_n = sum(counts.values()), max(pop[rule], sum(counts.values()))
            weight, p = big_n / total, counts[name] / n
            share += weight * p
            if n > 1:
                variance += weight**2 * p * (1 - p) / (n - 1) * (1 - n / big_n)
        result[name] = (share, variance**0.5)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tsv", nargs="+", help="classified samples")
    parser.add_argument("--reports", required=True, help="default-output reports (run.py)")
    options = parser.parse_args(argv)
    pop = population(options.reports)
    per_rule = classified(options.tsv)
    print("| rule | classified | of findings | real | misread | harmless |")
    print("|---|--:|--:|--:|--:|--:|")
    for rule in sorted(per_rule):
        counts, n = per_rule[rule], sum(per_rule[rule].values())
        cells = " | ".join(f"{counts[c]} ({counts[c] / n:.0%})" for c in CLASSES)
        print(f"| {rule} | {n} | {pop[rule]} | {cells} |")
    n_all = sum(sum(c.values()) for c in per_rule.values())
    sums = " | ".join(str(sum(c[name] for c in per_rule.values())) for name in CLASSES)
    print(f"| all | {n_all} | {sum(pop[rule] for rule in per_rule)} | {sums} |")
    print()
    shares = weigh(pop, per_rule)
    print(
        "weighted by rule: "
        + ", ".join(f"{name} {s:.1%} (se {e * 100:.1f} points)" for name, (s, e) in shares.items())
    )
    left = sorted(rule for rule in pop if rule not in per_rule)
    if left:
        listed = ", ".join(f"{rule} {pop[rule]}" for rule in left)
        print(f"rules without classified rows (left out): {listed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
