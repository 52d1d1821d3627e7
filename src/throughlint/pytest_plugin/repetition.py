"""Which frame repeats a statement, and whether that frame is the code under test.

Every run of a SELECT shape is compared with the previous run of the same shape: the
deepest frame *activation* the two stacks share is the frame that called again, the
*parent* (in the spirit of Sentry's N+1 detector, which groups repeated spans under their
parent). Consecutive runs under one parent activation form a :class:`Repetition`; its
count is what the threshold is compared with.

Where the parent lives decides what it is: a loop in project code is an N+1 at that line;
a loop in a test file (the test, ``setUp``, a fixture, a conftest) is the test's own doing;
a loop in a library with no project frame above it but the test (Django's flush in
``TransactionTestCase`` teardown) has no site. Only the first kind is a finding.
"""

from __future__ import annotations

import fnmatch
import hashlib
import linecache
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

CallSite = tuple[str, int, str]  # (filename, line, qualified function name)

_LOCALS = re.compile(r"<locals>\.")
_SYNTHETIC = re.compile(r"(?:\.?<(?:listcomp|dictcomp|setcomp|genexpr|lambda|module)>)+$")


@dataclass
class Repetition:
    """One parent activation running one statement shape ``count`` times in a row.
    ``frames`` is the stack when the repetition started, outermost first; ``parent``
    indexes the frame that repeats the call."""

    frames: tuple[CallSite, ...]
    parent: int
    count: int = 2


@dataclass
class Tracker:
    """The repetition state of one statement shape in one measured block. Holds the
    previous run's frame objects (so their identities cannot be reused) until
    :meth:`close`."""

    worst: dict[CallSite, Repetition] = field(default_factory=dict)
    _last: list[FrameType] | None = None
    _index: dict[int, int] = field(default_factory=dict)
    _parent: FrameType | None = None
    _current: Repetition | None = None

    def observe(self) -> None:
        """Walk out from the statement only as far as the first frame the previous run's
        stack holds: in a loop that is a few frames, whatever the depth of the stack."""
        frame = sys._getframe(1)
        last, index = self._last, self._index
        if last is None:
            self._remember(list(reversed(list(_walk(frame)))))
            return
        inner: list[FrameType] = []
        shared = -1
        for candidate in _walk(frame):
            position = index.get(id(candidate))
            if position is not None and position < len(last) and last[position] is candidate:
                shared = position
                break
            inner.append(candidate)
        inner.reverse()
        if shared < 0:  # another thread: nothing in common
            self._remember(inner)
            self._parent = self._current = None
            return
        stack = last[: shared + 1] + inner
        if len(index) > 4 * len(stack) + 64:
            self._remember(stack)
        else:
            self._last = stack
            for position, kept in enumerate(inner, shared + 1):
                index[id(kept)] = position
        parent = stack[shared]
        current = self._current
        if current is not None and parent is self._parent:
            current.count += 1
        else:
            frames = tuple((f.f_code.co_filename, f.f_lineno, f.f_code.co_qualname) for f in stack)
            current = self._current = Repetition(frames, shared)
            self._parent = parent
        key = current.frames[current.parent]
        best = self.worst.get(key)
        if best is None or (best is not current and best.count < current.count):
            self.worst[key] = current

    def _remember(self, stack: list[FrameType]) -> None:
        self._last = stack
        self._index = {id(frame): position for position, frame in enumerate(stack)}

    def close(self) -> None:
        self._last = self._parent = self._current = None
        self._index = {}


def _walk(frame: FrameType | None) -> Iterator[FrameType]:
    """Frames innermost first; a greenlet's stack (SQLAlchemy's async bridge) continues in
    the greenlet that switched to it, so the awaiting coroutines are found."""
    glet: Any = None
    while True:
        while frame is not None:
            yield frame
            frame = frame.f_back
        greenlet = sys.modules.get("greenlet")
        if greenlet is None:
            return
        glet = (greenlet.getcurrent() if glet is None else glet).parent
        if glet is None or glet.gr_frame is None:
            return
        frame = glet.gr_frame


@dataclass(frozen=True)
class Project:
    """What is the project's code and what is a test file, for one pytest session."""

    root: str
    library_prefixes: tuple[str, ...]
    test_patterns: tuple[str, ...] = ("test_*.py", "*_test.py")

    def is_project(self, filename: str) -> bool:
        """Under the root folder and not installed there (a virtualenv inside it)."""
        if filename.startswith("<"):
            return False
        path = os.path.abspath(filename)
        return path.startswith(self._root) and not path.startswith(self.library_prefixes)

    @property
    def _root(self) -> str:
        return os.path.join(os.path.abspath(self.root), "")

    def is_test(self, filename: str) -> bool:
        name = os.path.basename(filename)
        return name == "conftest.py" or any(
            fnmatch.fnmatch(name, pattern) for pattern in self.test_patterns
        )

    def display(self, filename: str) -> str:
        relative = os.path.relpath(filename, self.root)
        return filename if relative.startswith("..") else relative.replace(os.sep, "/")


@dataclass(frozen=True)
class Verdict:
    """``code``: an N+1 at ``site``; ``test``: the test repeats it (site in a test
    file); ``library``: no project frame repeats it (no site)."""

    kind: str
    site: CallSite | None
    chain: tuple[CallSite, ...]


def classify(repetition: Repetition, project: Project) -> Verdict:
    frames = repetition.frames
    chain = tuple(frame for frame in frames if project.is_project(frame[0]))
    for index in range(repetition.parent, -1, -1):
        frame = frames[index]
        if project.is_project(frame[0]):
            kind = "test" if project.is_test(frame[0]) else "code"
            return Verdict(kind, frame, chain)
    return Verdict("library", None, chain)


def enclosing(qualname: str) -> str:
    """``Shop.names.<locals>.<listcomp>`` -> ``Shop.names``, as the static rules name it."""
    name = _SYNTHETIC.sub("", _LOCALS.sub("", qualname))
    return name


def fingerprint(site: CallSite, project: Project) -> str:
    """The fingerprint the static TL101 at this line would have (see fingerprints.py)."""
    filename, line, qualname = site
    text = " ".join(linecache.getline(filename, line).split())
    path = os.path.normpath(project.display(filename)).replace("\\", "/")
    key = ("TL101", path, enclosing(qualname), text, "0")
    return hashlib.sha256("\0".join(key).encode("utf-8")).hexdigest()[:32]
