"""Pickling for the slotted, frozen dataclasses the content is made of (the knowledge base and
the per-file cache are pickled: bot/kbcache.py, bot/content/filecache.py)."""

from __future__ import annotations

import copyreg
from collections.abc import Iterable
from dataclasses import fields
from operator import attrgetter
from typing import Any


def fast_pickling(cls: type) -> None:
    """Pickle as the object's class and its field values, restored straight into the slots.

    - The generated `__setstate__` of a slotted dataclass looks the fields up for every
      object: 10 s of the 12 s a cached knowledge base took to read at 43 forces.
    - The values are given as the object's "list items" (the pickle's APPENDS, which calls
      `extend`), not as a state tuple: the pickler memoizes every tuple it writes, so the
      unpickler kept each object's state tuple alive to the end and then freed them all at
      once, leaving 20 MiB of holes in the serving process's heap at 43 forces.
    - The objects are immutable, so a copy is the object itself."""
    names = tuple(f.name for f in fields(cls))
    many = attrgetter(*names)
    get = many if len(names) > 1 else lambda obj: (many(obj),)
    setters = tuple(cls.__dict__[name].__set__ for name in names)

    def __reduce_ex__(self: Any, protocol: int) -> tuple[Any, ...]:
        return copyreg.__newobj__, (type(self),), None, iter(get(self))  # type: ignore[attr-defined]

    def extend(self: Any, values: Iterable[Any]) -> None:
        for put, value in zip(setters, values, strict=True):
            put(self, value)

    def same(self: Any, *_: Any) -> Any:
        return self

    # Assigned after the class is made: @dataclass(slots=True) makes a new class.
    setattr(cls, "__reduce_ex__", __reduce_ex__)  # noqa: B010
    setattr(cls, "extend", extend)  # noqa: B010
    setattr(cls, "__copy__", same)  # noqa: B010
    setattr(cls, "__deepcopy__", same)  # noqa: B010
