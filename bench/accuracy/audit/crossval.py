"""Leave-one-audit-out study of hold-back policies for the default output (issue 17).

``python bench/accuracy/audit/crossval.py --features ROOT [--audit NAME ...] [--top N]``

``ROOT/<audit>/<app>.features.json`` are ``features.py``'s in-process ``--show-all`` runs
(one per application of each audit; ``<audit>`` is ``main`` for the first ten
applications of ``apps.toml``, else the folder name). Every classified row of an audit's
samples is matched to the finding that shows it (compare.py's rule: same line and rule
family, or among a grouped finding's related calls); a row with no finding counts as not
shown under every policy. ``fresh/heldback.tsv`` is left out: it was drawn from the
held-back findings only, not from what the output showed.

A policy holds back what the build holds back (``held_back``) plus the findings for which
one or two facts of ``features.py`` are all true (``rule=TL102 & size=unknown``...).
For each audit left out, the policy is chosen on the other audits: the highest real share
of the rows shown, among those that keep (a) at least 90% of the training audits' real
rows, or (b) every real row the shipped policy keeps there; then it is scored on the
audit left out. ``--top N`` also prints the N best policies on all audits together;
``--facts`` each fact's rows by class; ``--policy TITLE`` one policy on each audit;
``--greedy N`` rule lists (up to N policies added one by one, each chosen the same way).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
from dataclasses import dataclass
from itertools import combinations

from compare import family
from run import in_tests

from throughlint.relevance import whole_table

HERE = os.path.dirname(os.path.abspath(__file__))
# audit -> its classified samples (rows drawn from the default output of their time)
AUDITS: dict[str, tuple[str, ...]] = {
    "main": (
        "before.tsv",
        "second.tsv",
        "third.tsv",
        "fourth.tsv",
        "after.tsv",
        "after-second.tsv",
    ),
    "fresh": ("fresh/sample.tsv", "fresh/second.tsv", "fresh/third.tsv"),
    "new4": ("new4/sample.tsv", "new4/unsampled.tsv"),
    "new4b": ("new4b/sample.tsv",),
    "new5": ("new5/sample.tsv", "new5/second.tsv"),
}
AUDITS |= {f"new{i}": (f"new{i}/sample.tsv",) for i in range(6, 15)}
CLASSES = ("real", "harmless", "misread")


def rows_of(audit: str, samples: dict[str, tuple[str, ...]] = AUDITS) -> list[dict]:
    """The audit's classified rows, once per (app, path, line, rule family)."""
    rows, seen = [], set()
    for name in samples[audit]:
        with open(os.path.join(HERE, name), encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                kind = (row.get("class") or "").strip()
                key = (row["app"], row["path"], int(row["line"]), family(row["rule"]))
                if kind in CLASSES and key not in seen:
                    seen.add(key)
                    rows.append(row | {"class": kind, "audit": audit})
    return rows


def _bucket(value: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


_PLACES = (
    ("command", ("management/commands", "/cli", "cli.py", "/scripts/", "/bin/", "__main__")),
    ("handler", ("views", "api", "routes", "routers", "endpoints", "handlers", "resources")),
    ("task", ("tasks", "jobs", "worker", "celery", "scheduler", "daemon", "services")),
    ("model", ("models", "storage", "store", "db", "database", "repository", "crud")),
    ("admin", ("admin",)),
)


def place(path: str) -> str:
    """A coarse kind of module from its path (the tool knows the path)."""
    low = path.lower()
    for name, words in _PLACES:
        if any(word in low for word in words):
            return name
    return "other"


_ONE_OBJECTS_SET = re.compile(r"^\w+\.\w+(_set)?\.(all|filter|order_by|select_related)\(")


def subject_shape(subject: str) -> str:
    """The loop header's text, coarsely: one object's related set (``doc.pages.all()``),
    a dict's items, a ``range``, a slice, ``enumerate``/``zip``/``sorted`` of something."""
    if not subject:
        return "-"
    if _ONE_OBJECTS_SET.match(subject) and not subject.startswith(("self.", "cls.")):
        return "one object's set"
    if subject.startswith("range("):
        return "range"
    if subject.endswith((".items()", ".values()", ".keys()")):
        return "dict view"
    if subject.startswith(("enumerate(", "zip(", "sorted(", "list(", "set(", "reversed(")):
        return "wrapped"
    if subject.endswith("]"):
        return "subscript"
    return "other"


def facts(f: dict) -> dict[str, str]:
    """The facts a policy may test, as strings, from one ``features.py`` row."""
    codes = {code for _, _, code in f.get("related") or ()} or {f["code"]}
    calls = len(f.get("related") or ()) or 1
    function = f.get("function", "")
    path = f.get("path_kind") or ""
    return {
        "rule": f["code"],
        "confidence": f.get("confidence", ""),
        "size": f.get("size", ""),
        "path": path.split(":")[0] if path.startswith(("cold", "unplaced")) else path,
        "path_detail": path,
        "iterable": f.get("iterable", ""),
        "effect": f.get("effect", ""),
        "grouped": str(bool(f.get("grouped"))),
        "guarded": f.get("guarded", ""),
        "calls": _bucket(calls, (1, 2, 4)),
        "mixed_rules": str(len(codes) > 1),
        "has_commit": str("TL103" in codes),
        "has_remote": str("TL401" in codes),
        "loop_depth": _bucket(int(f.get("loop_depth") or 0), (0, 1, 2)),
        "loop_input": f.get("loop_input") or "-",
        "complexity": _bucket(int(f.get("complexity") or 0), (2, 5, 10, 20)),
        "callers": _bucket(int(f.get("callers") or 0), (0, 1, 3, 7)),
        "priority": _bucket(int(f.get("priority") or 0), (10, 20, 30, 40, 60)),
        "whole_table": str(
            whole_table(f.get("subject") or "", f.get("size") or "", f.get("loop_input") or "")
        ),
        "private_function": str(function.rsplit(".", 1)[-1].startswith("_")),
        "place": place(f["path"]),
        "in_tests": str(in_tests(f["path"])),
        "subject": subject_shape(f.get("subject") or ""),
        "pass_cost": str(bool(f.get("pass_cost"))),
        "function_word": function_word(function),
    }


_WORDS = ("sync", "import", "export", "update", "delete", "clean", "create", "send", "notify")
_WORDS += ("get", "list", "load", "save", "process", "handle", "run", "check", "migrate")


def function_word(function: str) -> str:
    """The first of a few verbs in the function's own name (the tool has the name)."""
    name = function.rsplit(".", 1)[-1].lower()
    return next((word for word in _WORDS if word in name), "-")


def index_of(folder: str) -> dict[tuple[str, str, int, str], dict]:
    """(app, path, line, family) -> the feature row of the finding that shows it."""
    index: dict[tuple[str, str, int, str], dict] = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".features.json"):
            continue
        app = name.removesuffix(".features.json")
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            table = json.load(handle)
        for f in table:
            f["facts"] = facts(f)
            index.setdefault((app, f["path"], f["line"], family(f["code"])), f)
            for path, line, code in f.get("related") or ():
                index.setdefault((app, path, line, family(code)), f)
    return index


@dataclass
class Audit:
    name: str
    rows: list[dict]
    found: list[dict | None]  # the finding showing each row, None: none
    apps: set[str]  # the applications linted (rows of others are left out)


@dataclass
class Table:
    """All audits' rows as bit masks (bit i: row i), so that a policy is one mask of the
    rows it holds back and each count is a ``bit_count``."""

    found: int
    real: int
    misread: int
    audits: dict[str, int]
    literals: dict[tuple[str, str], int]  # rows whose finding has fact == value
    shipped: int  # rows whose finding the build holds back

    @classmethod
    def of(cls, audits: list[Audit]) -> Table:
        found = real = misread = shipped = 0
        masks: dict[str, int] = {}
        literals: dict[tuple[str, str], int] = {}
        i = 0
        for audit in audits:
            for row, f in zip(audit.rows, audit.found, strict=True):
                bit = 1 << i
                i += 1
                masks[audit.name] = masks.get(audit.name, 0) | bit
                real |= bit if row["class"] == "real" else 0
                misread |= bit if row["class"] == "misread" else 0
                if f is None:
                    continue
                found |= bit
                shipped |= bit if f.get("held_back") else 0
                for item in f["facts"].items():
                    literals[item] = literals.get(item, 0) | bit
        return cls(found, real, misread, masks, literals, shipped)

    def score(self, held: int, within: int) -> dict[str, int]:
        shown = self.found & ~held & within
        return {
            "real": (self.real & within).bit_count(),
            "kept": (shown & self.real).bit_count(),
            "shown": shown.bit_count(),
            "misread_shown": (shown & self.misread).bit_count(),
        }

    def within(self, names: list[str]) -> int:
        mask = 0
        for name in names:
            mask |= self.audits[name]
        return mask


def candidates(table: Table) -> dict[str, int]:
    """Policy title -> the rows it holds back: the shipped policy, and it plus every one- or
    two-fact conjunction (``a & b``), or plus everything without a fact or either of two
    facts (``not a``, ``not (a or b)``: positive evidence required)."""
    shown = table.found & ~table.shipped
    literals = sorted(k for k, mask in table.literals.items() if mask & shown)
    policies = {"shipped": table.shipped}
    for one in literals:
        mask = table.literals[one]
        policies[f"{one[0]}={one[1]}"] = table.shipped | mask
        policies[f"not {one[0]}={one[1]}"] = table.shipped | (table.found & ~mask)
    for a, b in combinations(literals, 2):
        ma, mb = table.literals[a], table.literals[b]
        if a[0] != b[0]:
            policies[f"{a[0]}={a[1]} & {b[0]}={b[1]}"] = table.shipped | (ma & mb)
        policies[f"not ({a[0]}={a[1]} or {b[0]}={b[1]})"] = table.shipped | (
            table.found & ~(ma | mb)
        )
    return policies


def share(c: dict[str, int]) -> float:
    return c["kept"] / c["shown"] if c["shown"] else 0.0


def choose(table: Table, policies: dict[str, int], within: int, rule: str) -> str:
    """The policy with the best real share on the rows ``within`` under ``rule``: "90%" (at
    least 90% of the real rows kept) or "no loss" (every real row shipped keeps)."""
    base = table.score(table.shipped, within)
    best, best_key = "shipped", (share(base), base["kept"])
    for title, held in policies.items():
        c = table.score(held, within)
        if _allowed(c, base, rule) and (share(c), c["kept"]) > best_key:
            best, best_key = title, (share(c), c["kept"])
    return best


def _allowed(c: dict[str, int], base: dict[str, int], rule: str) -> bool:
    """Whether counts ``c`` keep enough real rows under ``rule``: "90%" of them, or, with
    "no loss", every real row the shipped policy (``base``) keeps."""
    if rule == "90%":
        return c["kept"] >= 0.9 * c["real"]
    return rule != "no loss" or c["kept"] >= base["kept"]


def greedy(table: Table, policies: dict[str, int], within: int, rule: str, steps: int):
    """A rule list: from the shipped policy, add ``steps`` times the candidate whose union
    gives the best real share on ``within`` under ``rule`` (as ``choose``); the titles
    added and the rows held back."""
    base = table.score(table.shipped, within)
    held, titles = table.shipped, []
    for _ in range(steps):
        best, best_key = "", (share(table.score(held, within)), 0)
        for title, mask in policies.items():
            c = table.score(held | mask, within)
            if _allowed(c, base, rule) and (share(c), c["kept"]) > best_key:
                best, best_key = title, (share(c), c["kept"])
        if not best:
            break
        titles.append(best)
        held |= policies[best]
    return titles, held


def cell(c: dict[str, int]) -> str:
    if not c["shown"]:
        return f"{c['kept']}/{c['real']} kept, 0 shown"
    return (
        f"{c['kept']}/{c['real']} kept, {c['kept']}/{c['shown']} ({share(c):.0%}) real, "
        f"{c['misread_shown'] / c['shown']:.0%} misread"
    )


def load(root: str, names: list[str], samples: dict[str, tuple[str, ...]] = AUDITS) -> list[Audit]:
    audits = []
    for name in names:
        folder = os.path.join(root, name)
        if not os.path.isdir(folder):
            continue
        index = index_of(folder)
        apps = {
            n.removesuffix(".features.json")
            for n in os.listdir(folder)
            if n.endswith(".features.json")
        }
        rows = [r for r in rows_of(name, samples) if r["app"] in apps]
        found = [index.get((r["app"], r["path"], int(r["line"]), family(r["rule"]))) for r in rows]
        if rows:
            audits.append(Audit(name, rows, found, apps))
    return audits


def print_facts(table: Table) -> None:
    """Per fact and value, the rows the build shows, by class (all rows with a finding in
    brackets), over all audits."""
    every = (1 << max(table.found.bit_length(), 1)) - 1
    shown = table.found & ~table.shipped
    harmless = every & ~table.real & ~table.misread
    print("\n## Facts at the findings, all audits: rows shown (all rows with a finding)\n")
    print("| fact | value | real | harmless | misread | real share shown |")
    print("|---|---|--:|--:|--:|--:|")
    for (fact, value), mask in sorted(table.literals.items()):
        if not mask & shown:
            continue
        counts = [
            f"{(mask & shown & c).bit_count()} ({(mask & c).bit_count()})"
            for c in (table.real, harmless, table.misread)
        ]
        total = (mask & shown).bit_count()
        real = (mask & shown & table.real).bit_count()
        print(f"| {fact} | {value} | " + " | ".join(counts) + f" | {real / total:.0%} |")


def print_ceiling(audits: list[Audit]) -> None:
    """What a perfect size and path would give: of the rows the build shows, only those the
    auditor himself sizes unbounded on a hot path."""
    kept = shown = real = 0
    for audit in audits:
        for row, f in zip(audit.rows, audit.found, strict=True):
            real += row["class"] == "real"
            if f is None or f.get("held_back"):
                continue
            if row.get("input_size") == "unbounded" and row.get("path_kind") == "hot":
                shown += 1
                kept += row["class"] == "real"
    print(
        "\nCeiling, the rows shown kept only where the auditor says unbounded and hot: "
        f"{kept}/{real} real kept, {kept}/{shown} ({kept / max(shown, 1):.0%}) real"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--features", required=True, help="ROOT/<audit>/<app>.features.json")
    parser.add_argument("--audit", action="append", help="only these audits (repeatable)")
    parser.add_argument(
        "--samples",
        action="append",
        metavar="AUDIT=TSV[,TSV]",
        help="these audits and samples instead of this folder's (repeatable)",
    )
    parser.add_argument("--top", type=int, default=0, help="the N best policies on all audits")
    parser.add_argument("--facts", action="store_true", help="per fact, rows by class")
    parser.add_argument("--policy", action="append", default=[], help="per audit, this policy")
    parser.add_argument("--greedy", type=int, default=0, help="rule lists of up to N policies")
    options = parser.parse_args(argv)
    samples = AUDITS
    if options.samples:
        pairs = [item.split("=", 1) for item in options.samples]
        samples = {name: tuple(files.split(",")) for name, files in pairs}
    audits = load(options.features, options.audit or list(samples), samples)
    table = Table.of(audits)
    policies = candidates(table)
    everything = table.within([a.name for a in audits])
    print(f"{len(policies)} candidate policies\n")
    print("## Rows per audit, shipped policy\n")
    print("| audit | apps | rows | no finding | shipped |")
    print("|---|--:|--:|--:|---|")
    for audit in audits:
        missing = sum(f is None for f in audit.found)
        line = f"| {audit.name} | {len(audit.apps)} | {len(audit.rows)} | {missing} | "
        print(line + cell(table.score(table.shipped, table.audits[audit.name])) + " |")
    print("| **all** | | | | " + cell(table.score(table.shipped, everything)) + " |")
    print("\nReal rows the shipped policy does not show:\n")
    for audit in audits:
        for row, f in zip(audit.rows, audit.found, strict=True):
            if row["class"] == "real" and (f is None or f.get("held_back")):
                why = "no finding" if f is None else f"held back: {f['held_back']}"
                print(
                    f"- {audit.name} {row['app']} `{row['path']}:{row['line']}` "
                    f"{row['rule']}: {why}"
                )
    if options.facts:
        print_facts(table)
    singles = {t: m for t, m in policies.items() if " & " not in t and " or " not in t}
    for (rule, kind), chosen_from in (
        (("no loss", "one fact"), singles),
        (("no loss", "up to two facts"), policies),
        (("90%", "one fact"), singles),
        (("90%", "up to two facts"), policies),
    ):
        print(f"\n## Leave one audit out, chosen on the others ({rule}, {kind})\n")
        print(
            "| left out | chosen on the others | train | shipped (left out) | chosen (left out) |"
        )
        print("|---|---|---|---|---|")
        totals: dict[str, list[dict[str, int]]] = {"shipped": [], "chosen": []}
        for audit in audits:
            left = table.audits[audit.name]
            train = everything & ~left
            title = choose(table, chosen_from, train, rule)
            totals["shipped"].append(table.score(table.shipped, left))
            totals["chosen"].append(table.score(policies[title], left))
            print(
                f"| {audit.name} | `{title}` | {cell(table.score(policies[title], train))} | "
                f"{cell(totals['shipped'][-1])} | {cell(totals['chosen'][-1])} |"
            )
        print(_pooled_rows(totals))
    for rule in ("no loss", "90%") if options.greedy else ():
        print(f"\n## Leave one audit out, a rule list of up to {options.greedy} ({rule})\n")
        print(
            "| left out | chosen on the others | train | shipped (left out) | chosen (left out) |"
        )
        print("|---|---|---|---|---|")
        totals = {"shipped": [], "chosen": []}
        for audit in audits:
            left = table.audits[audit.name]
            train = everything & ~left
            titles, held = greedy(table, policies, train, rule, options.greedy)
            totals["shipped"].append(table.score(table.shipped, left))
            totals["chosen"].append(table.score(held, left))
            print(
                f"| {audit.name} | " + "; ".join(f"`{t}`" for t in titles) + " | "
                f"{cell(table.score(held, train))} | {cell(totals['shipped'][-1])} | "
                f"{cell(totals['chosen'][-1])} |"
            )
        print(_pooled_rows(totals))
    for title in options.policy:
        print(f"\n## `{title}` on each audit (fixed, not chosen per fold)\n")
        print("| audit | shipped | this policy |")
        print("|---|---|---|")
        for audit in audits:
            mask = table.audits[audit.name]
            print(
                f"| {audit.name} | {cell(table.score(table.shipped, mask))} | "
                f"{cell(table.score(policies[title], mask))} |"
            )
        print(
            f"| **all** | {cell(table.score(table.shipped, everything))} | "
            f"{cell(table.score(policies[title], everything))} |"
        )
    print_ceiling(audits)
    if options.top:
        base = table.score(table.shipped, everything)
        for title, bar in (
            ("no real row lost against shipped", base["kept"]),
            (">= 90% real kept", 0.9 * base["real"]),
        ):
            print(f"\n## Best on all audits together ({title})\n")
            ranked = []
            for name, held in policies.items():
                c = table.score(held, everything)
                if c["kept"] >= bar:
                    ranked.append((share(c), c["kept"], name, c))
            for _, _, name, c in sorted(ranked, reverse=True)[: options.top]:
                print(f"- `{name}`: {cell(c)}")
    return 0


def _pooled_rows(totals: dict[str, list[dict[str, int]]]) -> str:
    """The table's last two rows: shipped and chosen, pooled over the folds and averaged."""
    pooled = {k: _sum(v) for k, v in totals.items()}
    means = {k: _mean(v) for k, v in totals.items()}
    return (
        f"| **pooled** | | | {cell(pooled['shipped'])} | {cell(pooled['chosen'])} |\n"
        f"| **mean of audits** | | | {means['shipped']} | {means['chosen']} |"
    )


def _sum(counts: list[dict[str, int]]) -> dict[str, int]:
    return {k: sum(c[k] for c in counts) for k in counts[0]}


def _mean(counts: list[dict[str, int]]) -> str:
    shares = [share(c) for c in counts]
    kept = [c["kept"] / c["real"] for c in counts if c["real"]]
    return f"{sum(shares) / len(shares):.1%} real share, {sum(kept) / len(kept):.0%} real kept"


if __name__ == "__main__":
    sys.exit(main())
