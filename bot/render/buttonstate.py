"""What a Previous/Next or Share button carries: the query, the page and the date asked.

Slack keeps at most 2,000 characters in a button's value, and a query may be 4,000 (more once
escaped). A state that fits is plain JSON; one that does not is compressed; one that still does
not fit is kept server-side and the button carries only its key (`keep`). A key the server no
longer has reads as None, and the person is told the button expired.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Callable

MAX_VALUE = 2000  # Slack's limit on a button value
MAX_STATE = 64_000  # a compressed state never expands past this (no zip bombs)
PACKED, KEPT = "z:", "k:"

Keep = Callable[[str, str], None]  # (key, state): remember a state under its key
Lookup = Callable[[str], "str | None"]


def state_key(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def encode(command: str, page: int, as_of: str | None, keep: Keep | None = None) -> str:
    state = json.dumps({"q": command, "p": page, "d": as_of}, separators=(",", ":"),
                       ensure_ascii=False)
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


def decode(value: str, lookup: Lookup | None = None) -> tuple[str, int, dt.date | None] | None:
    """The (query as carried, page, as_of) in a button value; None if expired or not ours."""
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
    return query, max(1, page), as_of
