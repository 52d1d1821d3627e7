"""The work linting does, counted as function calls (Python and C, ``sys.setprofile``):
a figure that does not depend on the machine or its load, for the growth tests that
compare sizes ``n`` and ``4n`` (quadratic work grows about 16x, linear 4x)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def count_calls(run: Callable[[], T]) -> tuple[int, T]:
    """The calls made while ``run()`` runs, and what it returned."""
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event == "call" or event == "c_call":
            count += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        result = run()
    finally:
        sys.setprofile(previous)
    return count, result
