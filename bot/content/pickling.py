"""Pickling for the slotted, frozen dataclasses the content is made of (the knowledge base and
the per-file cache are pickled: bot/kbcache.py, bot/content/filecache.py)."""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from typing import Any


def fast_pickling(cls: type) -> None:
    """Pickle as a tuple of field values, restored straight into the slots. (The generated
    `__setstate__` of a slotted dataclass looks the fields up for every object: 10 s of the
    12 s a cached knowledge base took to read at 43 forces.)"""
    names = tuple(f.name for f in fields(cls))
    many = attrgetter(*names)
    get = many if len(names) > 1 else lambda obj: (many(obj),)
    setters = tuple(cls.__dict__[name].__set__ for name in names)

    def __getstate__(self: Any) -> tuple[Any, ...]:
        return get(self)  # type: ignore[no-any-return]

    def __setstate__(self: Any, state: tuple[Any, ...]) -> None:
        for put, value in zip(setters, state, strict=True):
            put(self, value)

    # Assigned after the class is made: @dataclass(slots=True) makes a new class and would
    # put its own pair back.
    setattr(cls, "__getstate__", __getstate__)  # noqa: B010
    setattr(cls, "__setstate__", __setstate__)  # noqa: B010

