"""A listing's rows, made when read. `len()` is known up front (from an index), and a row is
built only when something reads it: a page of a huge answer builds that page's rows only
(bot.render.paging), while the whole answer (the CLI, the reference path) reads them all, in
the same order."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class Rows(Sequence[T], Generic[T]):
    """Rows `start` to `start + length` of `get(n)`: slicing gives another view, not a copy."""

    __slots__ = ("_get", "_len", "_start")

    def __init__(self, length: int, get: Callable[[int], T], start: int = 0) -> None:
        self._len, self._get, self._start = max(0, length), get, start

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, n: int) -> T: ...

    @overload
    def __getitem__(self, n: slice) -> Rows[T]: ...

    def __getitem__(self, n: int | slice) -> T | Rows[T]:
        if isinstance(n, slice):
            first, stop, step = n.indices(self._len)
            if step != 1:
                return Rows(len(range(first, stop, step)),
                            lambda k: self._get(self._start + first + k * step))
            return Rows(stop - first, self._get, self._start + first)
        if n < 0:
            n += self._len
        if not 0 <= n < self._len:
            raise IndexError(n)
        return self._get(self._start + n)

    def __iter__(self) -> Iterator[T]:
        get = self._get
        for n in range(self._start, self._start + self._len):
            yield get(n)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Rows, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # like a list

    def __repr__(self) -> str:
        return f"Rows({self._len} from {self._start})"


def flattened(segments: Sequence[tuple[Any, Sequence[Any]]],
              make: Callable[[Any, Any], T]) -> Rows[T]:
    """The rows of several segments one after another (the figures of each inspection in
    turn): row n is `make(key, value)` for the segment holding it, found by bisection."""
    starts: list[int] = []
    total = 0
    for _, values in segments:
        starts.append(total)
        total += len(values)

    def get(n: int) -> T:
        k = bisect_right(starts, n) - 1
        key, values = segments[k]
        return make(key, values[n - starts[k]])

    return Rows(total, get)
