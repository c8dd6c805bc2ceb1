"""The serving process's heap: how much of what it frees goes back to the system, and what the
garbage collector walks.

glibc's allocator gives each thread that allocates its own arena (up to eight a core) and keeps
what is freed in it for reuse. A server answering on eight threads (each with its SQLite
connections' buffers) then carries eight arenas' worth of freed memory for its whole life: 15 MiB
at 43 forces. Two arenas serve two cores as well. Elsewhere than glibc these do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from typing import Any

M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's malloc.h
ARENAS = 2


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def fewer_arenas() -> None:
    """At most ARENAS malloc arenas; call before the serving threads start (an arena made
    already stays). MALLOC_ARENA_MAX in the environment is glibc's own way to the same end."""
    libc = _libc()
    try:
        if libc is not None:
            libc.mallopt(M_ARENA_MAX, ARENAS)
    except AttributeError:  # not glibc
        return


def give_back_freed() -> None:
    """Return the heap memory freed so far (after reading a cache file: the unpickler's
    working memory) to the system, which glibc would otherwise keep for reuse."""
    libc = _libc()
    try:
        if libc is not None:
            libc.malloc_trim(0)
    except AttributeError:
        return


def settle() -> None:
    """Leave the objects alive now (the knowledge base, the app) out of the collector's full
    passes. They live until the next content version, yet every full pass walked them all: 50 ms
    at 43 forces with every thread stopped, an answer's worth of time several times over, now
    and then in the middle of a burst (and a reminders tick's worst day). What was left out at
    the last settle is let back in first, so an old version's cycles are still freed."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def settle_on_changes(live: Any) -> None:
    """`settle` now, and again each time a new content version is served (`live` is a
    bot.live.LiveKnowledgeBase)."""
    settle()
    live.on_change.append(lambda *_: settle())
