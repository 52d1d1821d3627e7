"""Command-line parsing shared by ``throughlint`` and its subcommands: one-line usage
errors with exit status 2 and, for a mistyped option or subcommand, the nearest real
one ("a similar argument exists: '--select'", as ruff says)."""

from __future__ import annotations

import argparse
import difflib
import os
from collections.abc import Iterable, Sequence

EXIT_ERROR = 2
SUBCOMMANDS: tuple[str, ...] = ("rules", "rule", "report", "lsp")
_UNRECOGNIZED = "unrecognized arguments: "


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The choice fewest typing mistakes away (a swap of two neighbours is one), if it is
    close enough to be what was meant; ties go to the same length, then to difflib."""
    limit = max(1, min(3, len(word) // 3))
    ranked = sorted(
        (
            _distance(word, choice),
            len(choice) != len(word),
            -difflib.SequenceMatcher(None, word, choice).ratio(),
            choice,
        )
        for choice in choices
    )
    return ranked[0][3] if ranked and ranked[0][0] <= limit else None


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and
    transpositions of neighbours."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line, exit 2, and suggest the option
    closest to an unknown one."""

    def error(self, message: str) -> None:  # type: ignore[override]
        hint = self._suggestion(message)
        self.exit(EXIT_ERROR, f"throughlint: error: {message}{hint} (see `{self.prog} --help`)\n")

    def _suggestion(self, message: str) -> str:
        if not message.startswith(_UNRECOGNIZED):
            return ""
        options = [name for name in self._option_string_actions if name.startswith("--")]
        for token in message[len(_UNRECOGNIZED) :].split():
            if not token.startswith("-"):
                continue
            match = nearest(token.split("=", 1)[0], options)
            if match:
                return f"; a similar argument exists: '{match}'"
        return ""


def subcommand_typo(arguments: Sequence[str]) -> str | None:
    """The error for a first argument that is no path but looks like a mistyped
    subcommand (``throughlint rulse``), else None."""
    if not arguments or os.path.exists(arguments[0]):
        return None
    if not arguments[0].isalpha():  # an option, or a path such as `rules.py` or `src/`
        return None
    match = nearest(arguments[0], SUBCOMMANDS)
    if match is None or match == arguments[0]:
        return None
    return (
        f"{arguments[0]!r} is neither a path nor a subcommand; "
        f"a similar subcommand exists: '{match}' (see `throughlint --help`)"
    )
