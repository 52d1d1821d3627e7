"""How long one asyncio callback blocked its event loop, and where (TL404 at runtime).

While a test with ``max_loop_block_ms`` runs, ``asyncio.events.Handle._run`` (what every
asyncio loop calls to run a ready callback or a task's step) is timed. A sampler thread
wakes every half budget (at most every 50 ms) and records the stack of a callback that
has run longer than that, so the report can name the line that blocked, not the one the
coroutine stopped at afterwards. Works for ``asyncio.run`` in a test and for runners
such as anyio's or pytest-asyncio's; uvloop's own handles are not timed.
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from throughlint.pytest_plugin.n_plus_one import StaticIndex
    from throughlint.pytest_plugin.repetition import Project

Frame = tuple[str, int, str]  # filename, line, qualified name


@dataclass(frozen=True)
class Block:
    """The longest callback one test ran: its duration, what it was, and the stack
    sampled while it ran (innermost first; empty when it ended before a sample)."""

    seconds: float
    callback: str
    stack: tuple[Frame, ...]


class LoopWatch:
    """Times every asyncio callback while installed; keeps the longest."""

    def __init__(self, limit_seconds: float) -> None:
        self.interval = min(max(limit_seconds / 2, 0.001), 0.05)
        self.longest: Block | None = None
        self._ids = itertools.count(1)
        self._current: tuple[int, float, int] | None = None
        self._stacks: dict[int, tuple[Frame, ...]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._original: Any = None
        self._code: Any = None

    def install(self) -> None:
        from asyncio import events

        original = self._original = events.Handle._run
        watch = self

        def _run(handle: events.Handle) -> None:
            run = next(watch._ids)
            callback = handle._callback
            start = time.perf_counter()
            watch._current = (run, start, threading.get_ident())
            try:
                original(handle)
            finally:
                watch._current = None
                elapsed = time.perf_counter() - start
                stack = watch._stacks.pop(run, ())
                if watch.longest is None or elapsed > watch.longest.seconds:
                    watch.longest = Block(elapsed, describe(callback), stack)

        self._code = _run.__code__
        events.Handle._run = _run  # type: ignore[method-assign]
        self._thread = threading.Thread(
            target=self._sample, name="throughlint-loop-watch", daemon=True
        )
        self._thread.start()

    def uninstall(self) -> None:
        from asyncio import events

        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._original is not None:
            events.Handle._run = self._original  # type: ignore[method-assign]
            self._original = None
        self._stacks.clear()

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            current = self._current
            if current is None or current[0] in self._stacks:
                continue
            run, start, ident = current
            if time.perf_counter() - start < self.interval:
                continue
            frame = sys._current_frames().get(ident)
            stack = []
            while frame is not None and frame.f_code is not self._code:
                code = frame.f_code
                stack.append((code.co_filename, frame.f_lineno or 0, _qualname(code)))
                frame = frame.f_back
            del frame
            if self._current is current:  # still the same callback: the sample is its
                self._stacks[run] = tuple(stack)


def describe(callback: Any) -> str:
    """A task's coroutine (``coroutine `crawl` (app/crawl.py:12)``) or a callback's
    qualified name."""
    task = getattr(callback, "__self__", None)
    get_coro = getattr(task, "get_coro", None)
    coro = get_coro() if callable(get_coro) else None
    code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
    if code is not None:
        return f"coroutine `{_qualname(code)}` ({code.co_filename}:{code.co_firstlineno})"
    name = getattr(callback, "__qualname__", None) or type(callback).__qualname__
    return f"callback `{name}`"


def _qualname(code: Any) -> str:
    return getattr(code, "co_qualname", code.co_name)  # 3.11+


@dataclass(frozen=True)
class LoopBlockFinding:
    """A callback that blocked the loop longer than the budget: the blocking line (the
    innermost project frame), the chain of project frames down to it, and the static
    TL404 verdict for those frames."""

    milliseconds: float
    limit_ms: float
    callback: str
    site: str | None
    chain: tuple[str, ...]
    static: str  # "confirmed" | "missed" | "unavailable" | "no-site"
    static_detail: str
    fingerprint: str | None

    def describe(self) -> str:
        where = f" at {self.site}" if self.site else ""
        chain = f"; chain: {' > '.join(self.chain)}" if self.chain else ""
        return (
            f"event loop blocked {self.milliseconds:,.1f} ms by one callback, budget "
            f"{self.limit_ms:g} ms: {self.callback}{where}{chain}; {self.static_detail}"
        )

    def to_json(self) -> dict:
        return {
            "code": "TL404",
            "milliseconds": round(self.milliseconds, 3),
            "limit_ms": self.limit_ms,
            "callback": self.callback,
            "site": self.site,
            "chain": list(self.chain),
            "static": self.static,
            "static_detail": self.static_detail,
            "fingerprint": self.fingerprint,
        }


def finding(
    block: Block, limit_ms: float, project: Project, static: StaticIndex | None
) -> LoopBlockFinding:
    from throughlint.pytest_plugin.repetition import enclosing

    frames = [frame for frame in block.stack if project.is_project(frame[0])]
    callback = block.callback
    for filename in {frame[0] for frame in block.stack}:
        callback = callback.replace(filename, project.display(filename))

    def where(frame: Frame) -> str:
        return f"{project.display(frame[0])}:{frame[1]} in {enclosing(frame[2]) or frame[2]}"

    if not frames:
        verdict, detail, printed = "no-site", "no sampled frame in project code", None
    elif static is None:
        verdict, detail, printed = "unavailable", "static comparison off", None
    else:
        verdict, detail, printed = static.confirm_code("TL404", tuple(frames))
    site = None
    if frames:
        import linecache

        text = " ".join(linecache.getline(frames[0][0], frames[0][1]).split())
        site = f"{where(frames[0])} (`{text}`)" if text else where(frames[0])
    return LoopBlockFinding(
        milliseconds=block.seconds * 1000,
        limit_ms=limit_ms,
        callback=callback,
        site=site,
        chain=tuple(where(frame) for frame in reversed(frames)),
        static=verdict,
        static_detail=detail,
        fingerprint=printed,
    )
