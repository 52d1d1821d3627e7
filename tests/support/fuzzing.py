"""What the fuzz tests share: the example budget, hypothesis settings, and the comment
that makes every rule look at every generated program."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

from throughlint.rules import all_rules

EXAMPLES = int(os.environ.get("THROUGHLINT_FUZZ_EXAMPLES", "0") or 0)
RULES = all_rules()
# A comment naming every trigger makes every rule look at every generated program.
ALL_TRIGGERS = "# " + " ".join(sorted({t for rule in RULES for t in rule.triggers})) + "\n"


def fuzz_settings(default: int):
    """``default`` examples, reproducible; ``THROUGHLINT_FUZZ_EXAMPLES=N`` runs N, exploring."""
    return settings(
        max_examples=EXAMPLES or default,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=not EXAMPLES,
    )
