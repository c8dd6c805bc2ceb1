"""Delivery: render a Post, claim its keys, post it, confirm; settle claims left by a crash.

slack_sdk retries 429 (honouring Retry-After) and 500/503 itself. A channel the bot cannot post
to (channel_not_found, not_in_channel, is_archived) marks the keys failed, logs a clear line and
alerts the maintainers' channel; the next tick tries again. A post whose outcome is unknown (a
timeout) stays pending and is reconciled from conversations.history on the next tick.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import jinja2
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from bot.ask import rag
from bot.ask.milestones import Key, Post, is_user
from bot.content.kb import KnowledgeBase
from bot.content.policy import policy_of
from bot.reminders.ledger import Claim, Ledger
from bot.render.blocks import paginate, to_message
from bot.render.templating import build_env
from bot.render.text import Rendered, split_chunks

log = logging.getLogger(__name__)
EVENT_TYPE = "inspection_reminder"
CHANNEL_FAULTS = ("channel_not_found", "not_in_channel", "is_archived")
PAGE_LINES_MAX = 200  # no Slack message shows more reminder lines than this


def make_client(token: str, base_url: str, retries: int = 3) -> WebClient:
    return WebClient(token=token, base_url=base_url, retry_handlers=[
        RateLimitErrorRetryHandler(max_retry_count=retries),
        ServerErrorRetryHandler(max_retry_count=retries)])


def render_post(kb: KnowledgeBase, post: Post, env=None) -> tuple[Rendered, int]:
    """The digest as one page, and how many of its lines that page shows: a digest too long
    for one message shows the nearest deadlines and counts the rest."""
    env = env or build_env()
    template = env.get_template("reminder.md.j2")

    def attempt(shown: int) -> tuple[Rendered, bool]:
        text = template.render(post=post, shown=shown, area_name=kb.area_name,
                               rag_of=partial(rag.of_finding, kb),
                               rag_legend=rag.legend_short(policy_of(kb)),
                               catch_up_days=policy_of(kb).catch_up_days)
        summary = [f"{len(post.items)} deadline reminder(s) for {post.day.isoformat()}"]
        if post.stale:
            summary.append(f"{len(post.stale)} older not sent")
        rendered = Rendered("; ".join(summary), split_chunks(text), listing=True)
        return rendered, len(paginate(rendered)) == 1

    shown = len(post.items)
    rendered, fits = attempt(shown)
    if not fits:  # the largest count that fits: one page holds a few dozen lines at most
        lo, hi = 1, min(shown - 1, PAGE_LINES_MAX)
        rendered, _ = attempt(lo)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            candidate, ok = attempt(mid)
            if ok:
                lo, rendered = mid, candidate
            else:
                hi = mid - 1
        shown = lo
    return rendered, shown


def render(kb: KnowledgeBase, post: Post, env=None, digest: str = "") -> dict[str, Any]:
    """The chat.postMessage arguments (without channel) for a post: one message. The metadata
    carries the claim's `digest` token (what reconciliation looks for) and the keys of the
    lines shown."""
    rendered, shown = render_post(kb, post, env)
    payload = to_message(rendered, response_type="in_channel", share_button=False)
    keys = [str(i.key) for i in post.items[:shown]]
    return {"text": payload["text"], "blocks": payload["blocks"],
            "metadata": {"event_type": EVENT_TYPE,
                         "event_payload": {"digest": digest, "keys": keys,
                                           "more": len(post.items) - shown}}}


@dataclass
class Outcome:
    destination: str
    sent: list[Key] = field(default_factory=list)
    counted: list[Key] = field(default_factory=list)  # older than the catch-up: one line
    failed: list[Key] = field(default_factory=list)
    skipped: list[Key] = field(default_factory=list)  # claimed elsewhere already
    ts: str | None = None
    error: str | None = None


class Sender:
    def __init__(self, client: WebClient, ledger: Ledger, kb: KnowledgeBase, *,
                 maintainers_channel: str | None = None, dm_channels: dict[str, str] | None = None,
                 env: jinja2.Environment | None = None):
        self.client, self.ledger, self.kb = client, ledger, kb
        self.maintainers_channel = maintainers_channel
        self.env = env or build_env()  # the serving one, with the maintainers' overrides
        # user id -> direct-message channel id; pass the same dict to later Senders so a DM
        # costs conversations.open once per process, not once per tick
        self.dm_channels = {} if dm_channels is None else dm_channels

    def channel_for(self, destination: str) -> str:
        """A user id (U..., W...) is reached through its direct-message channel."""
        if not is_user(destination):
            return destination
        if destination not in self.dm_channels:
            resp = self.client.conversations_open(users=destination)
            self.dm_channels[destination] = resp["channel"]["id"]
        return self.dm_channels[destination]

    def send(self, post: Post) -> Outcome:
        out = Outcome(post.destination)
        claim = self.ledger.claim(post.keys, post.destination)
        won = set(claim.keys)
        out.skipped = [k for k in post.keys if k not in won]
        if not won:
            return out
        mine = post.only(won)
        try:
            channel = self.channel_for(post.destination)
            resp = self.client.chat_postMessage(
                channel=channel, **render(self.kb, mine, self.env, claim.digest))
        except SlackApiError as exc:
            return self._failed(out, claim, exc.response.get("error") or str(exc))
        self.ledger.confirm(claim.digest, resp["channel"], resp["ts"])
        older = {i.key for i in mine.stale}
        out.sent = [k for k in claim.keys if k not in older]
        out.counted, out.ts = [k for k in claim.keys if k in older], resp["ts"]
        log.info("posted %d reminder(s) to %s (ts %s)%s", len(out.sent), post.destination,
                 resp["ts"], f"; {len(older)} older ones counted in one line, not sent"
                 if older else "")
        return out

    def _failed(self, out: Outcome, claim: Claim, error: str) -> Outcome:
        keys = claim.keys
        self.ledger.fail(claim.digest, error)
        out.failed, out.error = keys, error
        hint = (" Invite the bot to the channel or fix the channel id in content/policy.yaml."
                if error in CHANNEL_FAULTS else "")
        line = (f"Reminders to {out.destination} failed ({error}): {len(keys)} reminder(s) "
                f"will be retried on the next tick.{hint}")
        log.error(line)
        self.alert(line)
        return out

    def alert(self, text: str) -> None:
        if not self.maintainers_channel:
            return
        try:
            self.client.chat_postMessage(channel=self.maintainers_channel,
                                         text=f":warning: {text}")
        except SlackApiError as exc:
            log.error("could not alert the maintainers' channel %s: %s",
                      self.maintainers_channel, exc.response.get("error"))

    def reconcile(self) -> tuple[list[Key], list[Key]]:
        """Settle pending claims from the channels: confirm those whose message is there,
        release the others for re-posting. Returns (confirmed, released)."""
        confirmed: list[Key] = []
        released: list[Key] = []
        by_channel: dict[str, dict[str | None, list]] = {}
        for row in self.ledger.rows("pending"):
            digests = by_channel.setdefault(row.channel or row.key.destination, {})
            digests.setdefault(row.digest, []).append(row)
        for channel, digests in by_channel.items():
            oldest = min(r.created_at for rows in digests.values() for r in rows)
            if oldest.tzinfo is None:
                oldest = oldest.replace(tzinfo=dt.UTC)
            try:
                found = self._posted_digests(self.channel_for(channel), oldest.timestamp() - 300)
            except SlackApiError as exc:
                log.error("cannot reconcile reminders in %s: %s", channel,
                          exc.response.get("error"))
                continue
            for digest, rows in digests.items():
                keys = [r.key for r in rows]
                if digest is not None and digest in found:
                    self.ledger.confirm(digest, channel, found[digest])
                    confirmed.extend(keys)
                else:
                    self.ledger.release(digest)
                    released.extend(keys)
        if confirmed or released:
            log.warning("reconciled pending reminders: %d found posted, %d released",
                        len(confirmed), len(released))
        return confirmed, released

    def _posted_digests(self, channel: str, oldest: float) -> dict[str, str]:
        """digest token -> ts of the message that carries it, since `oldest`."""
        found: dict[str, str] = {}
        cursor = None
        while True:
            resp = self.client.conversations_history(
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
