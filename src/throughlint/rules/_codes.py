"""Generated from the rule modules by ``scripts/update_rule_docs.py``: do not edit.

Every rule's code, name, whether it is a preview rule and whether it uses the
project index: what selecting rules, checking codes and ranking need, read without
importing the rules (a one-file run served from the project snapshot runs none)."""

from __future__ import annotations

RULES: tuple[tuple[str, str, bool, bool], ...] = (
    ("TL101", "n-plus-one-query", False, True),
    ("TL102", "per-item-write", False, True),
    ("TL103", "commit-in-loop", False, True),
    ("TL201", "unbounded-queue", False, False),
    ("TL202", "mis-sized-pool", False, False),
    ("TL203", "pool-per-iteration", False, True),
    ("TL204", "unbounded-fan-out", True, False),
    ("TL205", "cpu-work-in-thread-pool", True, True),
    ("TL301", "lock-in-loop", False, False),
    ("TL302", "blocking-call-under-lock", True, True),
    ("TL303", "busy-wait", True, False),
    ("TL401", "per-item-remote-call", False, True),
    ("TL402", "sequential-await-in-loop", False, False),
    ("TL403", "per-message-ack", True, False),
    ("TL404", "blocking-call-in-async", True, True),
    ("TL501", "per-item-file-write", True, False),
)
