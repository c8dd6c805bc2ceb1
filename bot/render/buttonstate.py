"""What a Previous/Next or Share button carries: the query, the page and the date asked.

Slack keeps at most 2,000 characters in a button's value, and a query may be 4,000 (more once
escaped). A state that fits is plain JSON; one that does not is compressed; one that still does
not fit is kept server-side and the button carries only its key (`keep`). A key the server no
longer has reads as None, and the person is told the button expired.

A page of a huge listing also carries where the pages before it start (`starts`, item chunk
offsets of pages 2..n, as gaps: "40.38.40"), so the next page renders from there
(bot.render.paging). A state without them is still read: the pages are then found again.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Callable
from typing import NamedTuple

MAX_VALUE = 2000  # Slack's limit on a button value
MAX_STATE = 64_000  # a compressed state never expands past this (no zip bombs)
PACKED, KEPT = "z:", "k:"

Keep = Callable[[str, str], None]  # (key, state): remember a state under its key
Lookup = Callable[[str], "str | None"]


def state_key(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()[:32]


class State(NamedTuple):
    query: str  # as carried (Slack-escaped by the caller)
    page: int
    as_of: dt.date | None
    starts: tuple[int, ...] = ()  # where pages 2..page start, when known


def encode(command: str, page: int, as_of: str | None, keep: Keep | None = None,
           starts: tuple[int, ...] = ()) -> str:
    data: dict[str, object] = {"q": command, "p": page, "d": as_of}
    if starts:
        data["s"] = ".".join(str(b - a) for a, b in zip((0, *starts), starts, strict=False))
    state = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    if len(state) <= MAX_VALUE:
        return state
    packed = PACKED + base64.urlsafe_b64encode(zlib.compress(state.encode(), 9)).decode()
    if len(packed) <= MAX_VALUE:
        return packed
    key = state_key(state)
    if keep is not None:
        keep(key, state)
    return KEPT + key  # without a store (the CLI's JSON) the button reads as expired


def _unpack(value: str) -> str | None:
    try:
        data = base64.urlsafe_b64decode(value.encode())
        inflate = zlib.decompressobj()
        out = inflate.decompress(data, MAX_STATE)
        if inflate.unconsumed_tail:
            return None
        return out.decode()
    except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError):
        return None


def _starts(gaps: object) -> tuple[int, ...]:
    """Page starts from their gaps; () for anything malformed (the pages are found again)."""
    if not isinstance(gaps, str) or not gaps or len(gaps) > MAX_STATE:
        return ()
    out, at = [], 0
    for gap in gaps.split("."):
        if not gap.isdigit() or int(gap) <= 0:
            return ()
        at += int(gap)
        out.append(at)
    return tuple(out)


def decode(value: str, lookup: Lookup | None = None) -> State | None:
    """The (query as carried, page, as_of, starts) in a button value; None if expired or not
    ours."""
    if value.startswith(PACKED):
        state = _unpack(value[len(PACKED):])
    elif value.startswith(KEPT):
        state = lookup(value[len(KEPT):]) if lookup else None
    else:
        state = value
    if state is None:
        return None
    try:
        data = json.loads(state)
        query, page = str(data["q"]), int(data["p"])
        as_of = dt.date.fromisoformat(data["d"]) if data.get("d") else None
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    return State(query, max(1, page), as_of, _starts(data.get("s")))
