"""Generated from the rule modules by ``scripts/update_rule_docs.py``: do not edit.

Every rule's code, name, whether it is a preview rule and whether it uses the
project index: what selecting rules, checking codes and ranking need, read without
importing the rules (a one-file run served from the project snapshot runs none)."""

from __future__ import annotations

# (module, code, name, preview, uses the project index), by code
RULES: tuple[tuple[str, str, str, bool, bool], ...] = (
    ("n_plus_one_query", "TL101", "n-plus-one-query", False, True),
    ("per_item_write", "TL102", "per-item-write", False, True),
    ("commit_in_loop", "TL103", "commit-in-loop", False, True),
    ("unbounded_queue", "TL201", "unbounded-queue", False, True),
    ("mis_sized_pool", "TL202", "mis-sized-pool", False, True),
    ("pool_per_iteration", "TL203", "pool-per-iteration", False, True),
    ("unbounded_fan_out", "TL204", "unbounded-fan-out", True, False),
    ("cpu_work_in_thread_pool", "TL205", "cpu-work-in-thread-pool", True, True),
    ("lock_in_loop", "TL301", "lock-in-loop", False, True),
    ("blocking_call_under_lock", "TL302", "blocking-call-under-lock", True, True),
    ("busy_wait", "TL303", "busy-wait", True, False),
    ("per_item_remote_call", "TL401", "per-item-remote-call", False, True),
    ("sequential_await_in_loop", "TL402", "sequential-await-in-loop", False, True),
    ("per_message_ack", "TL403", "per-message-ack", True, False),
    ("blocking_call_in_async", "TL404", "blocking-call-in-async", True, True),
    ("per_item_file_write", "TL501", "per-item-file-write", True, False),
)
# every module of the package the table was generated from (rules and helpers)
MODULES: frozenset[str] = frozenset(
    {
        "blocking_call_in_async",
        "blocking_call_under_lock",
        "busy_wait",
        "commit_in_loop",
        "cpu_work_in_thread_pool",
        "lock_in_loop",
        "mis_sized_pool",
        "n_plus_one_query",
        "per_item_file_write",
        "per_item_remote_call",
        "per_item_write",
        "per_message_ack",
        "pool_per_iteration",
        "sequential_await_in_loop",
        "through_helpers",
        "unbounded_fan_out",
        "unbounded_queue",
    }
)
