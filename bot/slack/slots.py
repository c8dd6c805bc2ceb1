"""A fixed number of answers worked out at once, handed over first come, first served.

Python runs one thread at a time (the GIL), so answers worked out side by side only share it:
two at once each took twice as long, for no more answered in a second. So one answer is worked
out at a time (the reports' text of a large base is searched on a thread of its own meanwhile,
bot/ask/quoting.py), and the rest wait their turn: at concurrency 8, p99 went from 30 to 20 ms on
the shipped content and from 50 to 44 ms at 43 forces against two at once (bench/bench_scale.py).

A long answer (a digest over 43 forces, an App Home) must not hold up every short one behind it:
once the answers inside have all run for `after` seconds, `extra` more may start beside them.

A plain semaphore lets a newly arrived thread take a freed slot ahead of those already waiting
(one answer waited 700 ms in a burst); here a freed slot goes to the longest waiting, so how long
any one waits is bounded by those ahead of it."""

from __future__ import annotations

import threading
import time
from collections import deque
from types import TracebackType


class _Turn:
    """A waiting thread's place in line: `granted` once a slot is taken for it."""

    __slots__ = ("event", "granted", "number")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.granted = False
        self.number = 0


class Slots:
    def __init__(self, size: int, extra: int = 0, after: float = 0.025) -> None:
        self._size, self._extra, self._after = size, extra, after
        self._lock = threading.Lock()
        self._waiting: deque[_Turn] = deque()
        self._held: dict[int, float] = {}  # taker's number -> when it took its slot
        self._taken = 0  # numbers the takers
        self._local = threading.local()  # this thread's number while it holds a slot

    def _open(self, now: float) -> bool:
        """May one more start now? (Under the lock.)"""
        held = len(self._held)
        if held < self._size:
            return True
        return held < self._size + self._extra and \
            all(now - since >= self._after for since in self._held.values())

    def _take(self, now: float) -> int:
        self._taken += 1
        self._held[self._taken] = now
        return self._taken

    def __enter__(self) -> None:
        with self._lock:
            now = time.monotonic()
            if not self._waiting and self._open(now):
                self._local.number = self._take(now)
                return
            turn = _Turn()
            self._waiting.append(turn)
        while True:
            timeout = None
            with self._lock:
                if turn.granted:  # a leaving thread took the slot for this one
                    self._local.number = turn.number
                    return
                now = time.monotonic()
                if self._waiting[0] is turn:
                    if self._open(now):
                        self._waiting.popleft()
                        self._local.number = self._take(now)
                        self._wake_first()
                        return
                    if len(self._held) < self._size + self._extra:
                        # first in line: look again when the youngest answer inside has run
                        # for `after` (then an extra slot opens)
                        timeout = max(self._held.values()) + self._after - now
            turn.event.wait(timeout)
            turn.event.clear()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        with self._lock:
            self._held.pop(self._local.number, None)
            now = time.monotonic()
            if self._waiting and self._open(now):
                turn = self._waiting.popleft()
                turn.number = self._take(now)
                turn.granted = True
                turn.event.set()
            self._wake_first()

    def _wake_first(self) -> None:
        """Have the first in line look again (it may be the next to go, or wait for an extra
        slot). Under the lock."""
        if self._waiting:
            self._waiting[0].event.set()
