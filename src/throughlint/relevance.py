"""What the default output shows: one finding per loop, and nothing that is not worth a
user's time. Runs once, on a whole run's diagnostics (cross-file findings included),
after ``--fix`` has applied each call's fix and before baselines and reporters.

Grouping: the findings that share their innermost per-item loop are one problem (a loop
over a part of an enclosing loop's item counts as that enclosing loop, ``Checker.
_parent_loop``: ``for severity in ref.severities`` inside ``for ref in refs``). Two or
more become one finding at the loop header, coded by the worst rule among them (a commit
costs more than a write, a write more than a read: ``WORST_FIRST``), with each call as a
related location and a message that totals the round trips per pass. Its fingerprint
comes from the loop header's text and that code, so it stays put while calls inside the
loop move. A ``noqa`` on the loop line suppresses the codes it names for every call in
the loop; a call's own ``noqa`` (applied earlier, per line) drops just that call.

Holding back: findings on constant or configured input (``semantic/input_size.py``: a
fixed handful, or a list an operator sizes) or on a cold path (``semantic/placement.py``)
are kept but left out unless ``show_all``; a cold loop over a whole table (a data
migration walking every row) is still shown, and so is a cold loop that runs once per row
of one: nested in it, or in a function called from it (``Diagnostic.table_walk``).
A mis-sized pool (TL202) is held back on a cold path only in tests, fixtures, factories
and example data: a command's or a script's pool runs that program's work. A TL203
finding in a function that is not command-line code itself but that only a command's or
a script's loop calls (placed "cold: called from command line" by ``index/reach.py``) is
shown too: the function is the package's own API, which the command's loop shows being
run once per item, and a pool it starts and joins on every call drains to its slowest
item on each of them; a pool made per pass in the command's own code stays held back.
Configured input was added from the output audit (``bench/accuracy/audit/policy.py``):
it held back harmless findings and no real one. So is a loop of database round trips
whose every pass also makes a costlier call that batching would not remove (an e-mail, an
HTTP request, a subprocess, a template, a file tree: ``semantic/pass_cost.py``, through
helpers by ``index/reach.py``): "pass dominated".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace

from throughlint.diagnostics import Diagnostic, Related, Span
from throughlint.suppression import is_suppressed, suppressed_codes

# Costliest per pass first: a commit (fsync, a round trip, a lock release) ... a wait.
WORST_FIRST = ("TL103", "TL102", "TL101", "TL401", "TL203", "TL301", "TL402")
_NOUNS = {
    "TL101": ("query", "queries"),
    "TL102": ("write", "writes"),
    "TL103": ("commit", "commits"),
    "TL401": ("remote call", "remote calls"),
    "TL402": ("sequential await", "sequential awaits"),
    "TL301": ("lock acquisition", "lock acquisitions"),
    "TL203": ("pool creation", "pool creations"),
}
CONSTANT_INPUT = "constant input"
CONFIGURED_INPUT = "configured input"
SMALL_INPUT = "small input"
COLD_PATH = "cold path"
PASS_DOMINATED = "pass dominated"
_DATABASE = frozenset({"TL101", "TL102", "TL103"})
# cold code held back even over a whole table: tests are measured by the pytest plugin,
# and fake or demo data is loaded by a developer, never by a deployment
NEVER_SHOWN_COLD = ("cold: test", "cold: fixture", "cold: factory", "cold: example data")
# a pool's size decides the pace of all the work it runs wherever it is made: a
# command's or a script's process pool is where that program's CPU-bound work runs
_SIZED_ANYWHERE = frozenset({"TL202"})
# pools, sessions and connections set up per call of a function that a program's loop
# runs per item: that function's callers are a program's, but it is not a program's code
_PER_CALL_SET_UP = frozenset({"TL203"})
_CALLED_FROM_PROGRAMS = tuple(
    f"cold: called from {kind}" for kind in ("command line", "command", "script")
)
# a cold loop over one of these is a whole table unless its text narrows it
_TABLE = (".objects", ".all()", ".iterator(", "query(", "select(")
_NARROWING = ("filter", "where", "exclude", "get(", "[", "limit", "first(", "ids", "_id")


def focus(diagnostics: Iterable[Diagnostic], show_all: bool) -> tuple[list, Counter[str]]:
    """Group by loop, then hold back what is not worth showing: the diagnostics to show
    and how many were held back for each reason (``CONSTANT_INPUT``, ``CONFIGURED_INPUT``,
    ``COLD_PATH``)."""
    grouped = [_sized(d) for d in group_by_loop(diagnostics)]
    shown: list[Diagnostic] = []
    held: Counter[str] = Counter()
    for diagnostic in grouped:
        reason = held_back(diagnostic)
        if reason and not show_all:
            held[PASS_DOMINATED if reason.startswith(PASS_DOMINATED) else reason.split(":")[0]] += 1
        else:
            shown.append(diagnostic)
    return shown, held


def _sized(diagnostic: Diagnostic) -> Diagnostic:
    """A single call's message names its loop's input size when that is known."""
    if diagnostic.related or diagnostic.input_size in ("", "unknown"):
        return diagnostic
    return replace(diagnostic, message=f"{diagnostic.message} ({diagnostic.input_size} input)")


def held_back(diagnostic: Diagnostic) -> str:
    """Why a finding is left out of the default output ("constant input", "configured
    input", "cold path: migration", "pass dominated by an e-mail (`send_mail()`)"...), or
    "" when it is shown."""
    if diagnostic.input_size == "constant":
        return CONSTANT_INPUT
    if diagnostic.input_size == "small":
        return SMALL_INPUT
    if diagnostic.input_size == "configured":
        return CONFIGURED_INPUT
    cold = _cold(diagnostic)
    if cold:
        return cold
    if diagnostic.pass_cost and _database_only(diagnostic):
        return f"{PASS_DOMINATED} by {diagnostic.pass_cost}"
    return ""


def _cold(diagnostic: Diagnostic) -> str:
    kind = diagnostic.path_kind
    if not kind.startswith("cold"):
        return ""
    if not diagnostic.loop_span and kind in ("cold: module level", "cold: start-up"):
        return ""  # a queue or pool made at start-up serves the hot paths
    if diagnostic.code in _SIZED_ANYWHERE and not kind.startswith(NEVER_SHOWN_COLD):
        return ""  # a mis-sized pool in a command or a script: that program's throughput
    if diagnostic.code in _PER_CALL_SET_UP and kind.startswith(_CALLED_FROM_PROGRAMS):
        return ""  # a helper's pool per item of a command's loop: the helper's own cost
    if not kind.startswith(NEVER_SHOWN_COLD) and _whole_table(diagnostic):
        return ""
    return f"{COLD_PATH}:{kind.removeprefix('cold:')}"


def _database_only(diagnostic: Diagnostic) -> bool:
    """Only database round trips: a remote call or a lock in the same loop is a finding of
    its own that the dominating call does not excuse (an HTTP request per item is TL401's)."""
    codes = {r.code for r in diagnostic.related} or {diagnostic.code}
    return codes <= _DATABASE


def _whole_table(diagnostic: Diagnostic) -> bool:
    """The loop walks a whole table, or runs once per row of a loop that does
    (``Diagnostic.table_walk``: a nested loop, or a function called from one)."""
    return bool(diagnostic.table_walk) or whole_table(
        diagnostic.loop_subject, diagnostic.input_size, diagnostic.loop_input
    )


def whole_table(subject: str, input_size: str, loop_input: str) -> bool:
    """A query over every row: ``X.objects.all()``, ``session.query(X)``, with nothing
    in the loop's text that narrows it (a filter, a slice, a list of ids)."""
    subject = subject.lower()
    query = loop_input == "query" or any(word in subject for word in _TABLE)
    return input_size == "unbounded" and query and not any(word in subject for word in _NARROWING)


def group_by_loop(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """One finding per loop (see the module docstring); the result is in file order."""
    loose: list[Diagnostic] = []
    loops: dict[tuple, list[Diagnostic]] = defaultdict(list)
    for diagnostic in diagnostics:
        if diagnostic.loop_span and diagnostic.code in _NOUNS:
            loops[(diagnostic.path, diagnostic.loop_span)].append(diagnostic)
        else:
            loose.append(diagnostic)
    for members in loops.values():
        codes = suppressed_codes(members[0].loop_source)
        members = [d for d in members if not is_suppressed(d.code, codes)]
        members = _distinct(members)
        if len(members) == 1:
            loose.append(members[0])
        elif members:
            loose.append(_group(members))
    return sorted(loose, key=lambda d: d.sort_key)


def _distinct(members: list[Diagnostic]) -> list[Diagnostic]:
    """One entry per call and code: a cross-file finding repeated for one call counts once."""
    seen: set[tuple] = set()
    kept = []
    for diagnostic in sorted(members, key=lambda d: d.sort_key):
        key = (diagnostic.span, diagnostic.code)
        if key not in seen:
            seen.add(key)
            kept.append(diagnostic)
    return kept


def _group(members: list[Diagnostic]) -> Diagnostic:
    worst = min(members, key=lambda d: (WORST_FIRST.index(d.code), d.sort_key))
    first = members[0]
    counts = Counter(d.code for d in members)
    parts = []
    for code in WORST_FIRST:
        if counts[code]:
            singular, plural = _NOUNS[code]
            parts.append(f"{counts[code]} {singular if counts[code] == 1 else plural}")
    total = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    where = f"per item of `{first.loop_subject}`" if first.loop_subject else "per pass of `while`"
    size = f" ({first.input_size} input)" if first.input_size else ""
    message = f"{total} {where}{size}; batch the work outside the loop (each call is listed below)"
    severity = min((d.severity for d in members), key=_severity_rank)
    return Diagnostic(
        code=worst.code,
        name=worst.name,
        path=first.path,
        span=Span(*first.loop_span),
        message=message,
        severity=severity,
        source_line=first.loop_source,
        enclosing=worst.enclosing,
        loop_depth=max(d.loop_depth for d in members),
        loop_input=worst.loop_input,
        complexity=worst.complexity,
        loop_span=first.loop_span,
        loop_subject=first.loop_subject,
        loop_source=first.loop_source,
        input_size=first.input_size,
        path_kind=first.path_kind,
        # a loop with one call known for certain is certain; only name-tied calls: heuristic
        confidence="typed" if any(d.confidence == "typed" for d in members) else worst.confidence,
        related=tuple(
            Related(d.path, d.span.line, d.span.column, d.code, d.message, d.fix) for d in members
        ),
        pass_cost=next((d.pass_cost for d in members if d.pass_cost), ""),
        table_walk=first.table_walk,
    )


def _severity_rank(severity) -> int:
    return ("error", "warning", "info").index(severity.value)


def members(diagnostic: Diagnostic, calls: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The calls' own findings that ``diagnostic`` shows: itself when it is not grouped,
    else those at its related locations (what ``--fix`` and code actions work on)."""
    if not diagnostic.related:
        return [d for d in calls if _same_call(d, diagnostic)] or [diagnostic]
    wanted = {(r.path, r.line, r.column, r.code) for r in diagnostic.related}
    return [d for d in calls if (d.path, d.span.line, d.span.column, d.code) in wanted]


def _same_call(call: Diagnostic, shown: Diagnostic) -> bool:
    return (call.path, call.span, call.code) == (shown.path, shown.span, shown.code)


def held_back_line(held: Counter[str], how: str = "--show-all") -> str | None:
    """ "12 held back: 9 cold path, 3 constant input; --show-all shows them"."""
    total = sum(held.values())
    if not total:
        return None
    reasons = ", ".join(f"{count} {reason}" for reason, count in held.most_common())
    return f"{total} held back: {reasons}; {how} shows them."
