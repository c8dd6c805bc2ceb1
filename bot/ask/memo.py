"""Values worked out once per knowledge base and kept as long as it is: the reminders' timeline,
counts and orders that do not change with the date. A knowledge base is frozen, so what is
derived from it alone never goes stale; a reload is a new knowledge base, with its own."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from bot.content.kb import KnowledgeBase

T = TypeVar("T")
PER_KB = 64  # values a knowledge base keeps (a few policies' timelines, counts, narrowings,
# the inspections of each year and as of each day asked)

_memos: dict[int, tuple[weakref.ref, dict[Hashable, Any]]] = {}
_lock = threading.Lock()


def memo(kb: KnowledgeBase, key: Hashable, build: Callable[[], T]) -> T:
    """`build()` the first time `key` is asked of `kb`, the same value after."""
    at = id(kb)
    hit = _memos.get(at)
    if hit is None or hit[0]() is not kb:
        def forget(ref: weakref.ref, at: int = at) -> None:
            if _memos.get(at, (None,))[0] is ref:
                del _memos[at]

        hit = (weakref.ref(kb, forget), {})
        _memos[at] = hit
    values = hit[1]
    # Kept most recently used last: a full memo gives up the least recently used value (a
    # narrowing asked once), not everything (the reminders' timeline, asked every tick).
    with _lock:
        if key in values:
            values[key] = value = values.pop(key)
            return value
    value = build()  # outside the lock: two threads may both build it; the later is kept
    with _lock:
        values[key] = value
        while len(values) > PER_KB:
            del values[next(iter(values))]
    return value
