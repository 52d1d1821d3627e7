"""The answer a fix's fact gives: ``SAFE`` when the fact is established, ``unsafe`` when
it cannot be (the fix needs ``--unsafe-fixes``), ``decline`` when the fix would plainly
change behaviour (it is not offered); each non-safe verdict says why, in words the user
sees."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Level(enum.IntEnum):
    SAFE = 0
    UNSAFE = 1
    DECLINE = 2


@dataclass(frozen=True, slots=True)
class Verdict:
    level: Level
    reason: str = ""

    def __or__(self, other: Verdict) -> Verdict:
        """The worse of two verdicts (the first reason of the worst level)."""
        return other if other.level > self.level else self


SAFE = Verdict(Level.SAFE)


def unsafe(reason: str) -> Verdict:
    return Verdict(Level.UNSAFE, reason)


def decline(reason: str) -> Verdict:
    return Verdict(Level.DECLINE, reason)


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    result = SAFE
    for verdict in verdicts:
        result = result | verdict
    return result
