"""Settling pending claims from the channels: the only way a claim whose post had an unknown
outcome (a crash, a 5xx, a dropped connection, a timeout) becomes sent or is posted again.

A tick calls this while holding the reminders lock, before it posts anything, and again after
posts with unknown outcomes. For each pending claim:
- its token is in a message in the channel: it is confirmed (sent, with that message's ts);
- its token is nowhere, its owner's tick is over (the caller holds the lock, so every other
  tick is finished or dead, and this tick's own posts have all returned) and the claim is
  older than `settle_seconds` (longer than the client's timeout: a request Slack was still
  working on when its sender died has landed by then): it is released, to be posted again;
- otherwise it is left pending ("deferred"), still counted as taken, and looked at again on
  the next tick or retry.
The history is searched from `skew_seconds` before the claim was made, so a Slack clock behind
the bot's still finds the message.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.ask.milestones import Key
from bot.reminders.ledger import Row, utcnow
from bot.reminders.sender import EVENT_TYPE, Sender, error_text

log = logging.getLogger(__name__)


@dataclass
class Settled:
    confirmed: list[Key] = field(default_factory=list)
    released: list[Key] = field(default_factory=list)
    deferred: list[Key] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # channels whose history failed


def reconcile(sender: Sender, *, settle_seconds: float, skew_seconds: float,
              owner_over: Callable[[str | None], bool] = lambda owner: True,
              now: Callable[[], dt.datetime] = utcnow) -> Settled:
    out = Settled()
    by_channel: dict[str, dict[str | None, list[Row]]] = {}
    for row in sender.ledger.rows("pending"):
        digests = by_channel.setdefault(row.key.destination, {})
        digests.setdefault(row.digest, []).append(row)
    for destination, digests in by_channel.items():
        oldest = min(r.created_at for rows in digests.values() for r in rows)
        try:
            channel = sender.channel_for(destination)
            found = posted_digests(sender, channel, oldest.timestamp() - skew_seconds)
        except Exception as exc:  # noqa: BLE001 - unsettled for now; the tick goes on
            log.error("cannot read %s to settle its pending reminders: %s", destination,
                      error_text(exc))
            out.unreadable.append(destination)
            out.deferred += [r.key for rows in digests.values() for r in rows]
            continue
        for digest, rows in digests.items():
            keys = [r.key for r in rows]
            age = (now() - max(r.created_at for r in rows)).total_seconds()
            if digest is not None and digest in found:
                sender.ledger.confirm(digest, channel, found[digest])
                out.confirmed += keys
            elif age >= settle_seconds and all(owner_over(r.owner) for r in rows):
                sender.ledger.release(digest)
                out.released += keys
            else:
                out.deferred += keys
    if out.confirmed or out.released or out.deferred:
        log.warning("pending reminders: %d found posted, %d released to be posted again, "
                    "%d left to settle later", len(out.confirmed), len(out.released),
                    len(out.deferred))
    return out


def posted_digests(sender: Sender, channel: str, oldest: float) -> dict[str, str]:
    """digest token -> ts of the message that carries it, since `oldest`."""
    found: dict[str, str] = {}
    cursor = None
    while True:
        resp = sender.client.conversations_history(
            channel=channel, oldest=f"{max(oldest, 0):.6f}", include_all_metadata=True,
            limit=200, cursor=cursor)
        messages: list[dict] = resp.get("messages", [])
        for m in messages:
            meta = m.get("metadata") or {}
            digest = (meta.get("event_payload") or {}).get("digest")
            if meta.get("event_type") == EVENT_TYPE and digest:
                found[digest] = m["ts"]
        cursor = (resp.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return found
