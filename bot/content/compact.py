"""Make a loaded knowledge base smaller to keep: one string object for each distinct text.

The parser makes a new string for every scalar it reads, so an area id, a status, a unit or a
document name used 20,000 times is 20,000 strings (27 MiB of duplicates at 43 forces). A
knowledge base built to be cached and served (bot/kbcache.py) goes through `compact` first;
values, order and equality are unchanged, only the objects holding them are shared. (Equal
tuples of strings, such as a figure's topics, are one tuple too; and each item's `loc`, where
the loader found it, is dropped: only the loader's own messages use it.)
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.content.kb import KnowledgeBase


class _Sharer:
    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.tuples: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.done: set[int] = set()

    def value(self, v: Any) -> Any:
        if isinstance(v, str):
            return self.strings.setdefault(v, v)
        if isinstance(v, tuple):
            shared = tuple(self.value(x) for x in v)
            if all(type(x) is str for x in shared):
                return self.tuples.setdefault(shared, shared)
            return shared
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            self.item(v)
        return v

    def item(self, obj: Any) -> None:
        """Share the strings of a frozen model object in place (it is built and not yet shared
        with any reader, so setting its fields is safe)."""
        if id(obj) in self.done:
            return
        self.done.add(id(obj))
        for f in dataclasses.fields(obj):
            old = getattr(obj, f.name)
            # Where an item is defined is for the loader's messages; nothing served reads it.
            new = None if f.name == "loc" else self.value(old)
            if new is not old:
                object.__setattr__(obj, f.name, new)


def compact(kb: KnowledgeBase) -> KnowledgeBase:
    """The same knowledge base with its strings shared, its indexes rebuilt over them (so a
    dict key and the id it came from are one object too). Indexes built later by other layers
    (search, passages) are dropped: build them after this."""
    share = _Sharer()
    for name in ("forces", "documents", "areas", "owners", "inspections", "judgments",
                 "findings", "figures", "responses"):
        for item in getattr(kb, name):
            share.item(item)
    kb.__post_init__()
    return kb
