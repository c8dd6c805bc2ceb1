"""A fixed number of answers worked out at once, handed over first come, first served.

Python runs one thread at a time (the GIL), so answers worked out side by side only share it:
eight at once each took eight times as long, and one that reads SQLite (a search) waited for
the GIL again after every read, behind seven busy threads (300 ms for a search of 15 ms at 43
forces). With a few slots, one answer runs in Python while another reads SQLite outside the
GIL, and the rest wait their turn. A plain semaphore lets a newly arrived thread take a freed
slot ahead of those already waiting (one answer waited 700 ms in a burst); here a freed slot
goes to the longest waiting, so how long any one waits is bounded by those ahead of it."""

from __future__ import annotations

import threading
from collections import deque
from types import TracebackType


class Slots:
    def __init__(self, size: int) -> None:
        self._free = size
        self._lock = threading.Lock()
        self._waiting: deque[threading.Event] = deque()

    def __enter__(self) -> None:
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return
            turn = threading.Event()
            self._waiting.append(turn)
        turn.wait()  # set by the release that hands its slot over to this thread

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()  # the slot passes on, still taken
            else:
                self._free += 1
