"""Delivery: render a Post, claim its keys, post it, confirm.

What a failed post means decides what happens next:
- known not posted (HTTP 200 `ok: false` such as not_in_channel, 429 after its retries, a
  refused connection, an error before the request went out): the keys are marked failed and
  retried (the same day on a backoff, or folded into the next milestone);
- outcome unknown (5xx, a dropped connection, a timeout once the request was sent): Slack may
  have stored the message, so it is never posted again blindly: the claim stays pending and
  reconcile.py settles it from the channel's history first.
The reminders client therefore retries only 429 (Slack stored nothing; Retry-After honoured)
and, for reads, 5xx and dropped connections; never a chat.postMessage whose outcome is
unknown. Answers to slash commands use their own client (bot/slack/app.py) and retry policy.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import jinja2
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler

from bot.ask import forces, rag
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


POST_TIMEOUT = 30  # seconds; settle_seconds (settings) must be longer


class ReadsOnly(RetryHandler):
    """Wraps a retry handler so that it never retries a post (whose outcome it cannot know)."""

    def __init__(self, inner: RetryHandler):
        super().__init__(inner.max_retry_count, inner.interval_calculator)
        self.inner = inner

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:
        if request.url.rstrip("/").endswith("/chat.postMessage"):
            return False
        return self.inner._can_retry(state=state, request=request, response=response,
                                     error=error)


def make_client(token: str, base_url: str, retries: int = 3) -> WebClient:
    """The WebClient that posts reminders: 429 retried as Retry-After says; 5xx and dropped
    connections retried for reads only."""
    return WebClient(token=token, base_url=base_url, timeout=POST_TIMEOUT, retry_handlers=[
        RateLimitErrorRetryHandler(max_retry_count=retries),
        ReadsOnly(ServerErrorRetryHandler(max_retry_count=2)),
        ReadsOnly(ConnectionErrorRetryHandler(max_retry_count=2))])


def render_post(kb: KnowledgeBase, post: Post, env=None) -> tuple[Rendered, int]:
    """The digest as one page, and how many of its lines that page shows: a digest too long
    for one message shows the nearest deadlines and counts the rest."""
    env = env or build_env()
    template = env.get_template("reminder.md.j2")

    def attempt(shown: int) -> tuple[Rendered, bool]:
        text = template.render(post=post, shown=shown, area_name=kb.area_name,
                               rag_of=partial(rag.of_finding, kb),
                               rag_legend=rag.legend_short(policy_of(kb)),
                               catch_up_days=policy_of(kb).catch_up_days,
                               force_tag=partial(forces.force_tag, kb))
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
    keys = [str(k) for i in post.items[:shown] for k in (i.key, *i.also)]
    return {"text": payload["text"], "blocks": payload["blocks"],
            "metadata": {"event_type": EVENT_TYPE,
                         "event_payload": {"digest": digest, "keys": keys,
                                           "more": len(post.items) - shown}}}


class LockLost(Exception):
    """The tick no longer holds the reminders lock: it must not post again."""


@dataclass
class Outcome:
    destination: str
    sent: list[Key] = field(default_factory=list)
    counted: list[Key] = field(default_factory=list)  # older than the catch-up: one line
    failed: list[Key] = field(default_factory=list)  # known not posted: retried
    unknown: list[Key] = field(default_factory=list)  # maybe posted: settled from the channel
    skipped: list[Key] = field(default_factory=list)  # claimed elsewhere already
    ts: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not (self.failed or self.unknown or self.error)


def not_sent(exc: BaseException) -> bool:
    """Errors raised before the request reached Slack: nothing can have been stored."""
    reason = getattr(exc, "reason", None)
    return isinstance(exc, ConnectionRefusedError | socket.gaierror) or isinstance(
        reason, ConnectionRefusedError | socket.gaierror)


def error_text(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code
        error = exc.response.get("error") if isinstance(exc.response.data, dict) else None
        return error if status == 200 and error else f"HTTP {status} {error or ''}".strip()
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


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

    def send(self, post: Post, *, owner: str | None = None,
             guard: Callable[[], bool] | None = None) -> Outcome:
        """Claim, post, confirm one digest. `guard()` is asked just before the post (is the
        lock still ours?); False raises LockLost with nothing posted."""
        out = Outcome(post.destination)
        claim = self.ledger.claim(post.keys, post.destination, owner)
        won = set(claim.keys)
        out.skipped = [k for k in post.keys if k not in won]
        if not won:
            return out
        mine = post.only(won)
        try:
            payload = render(self.kb, mine, self.env, claim.digest)
            channel = self.channel_for(post.destination)
        except Exception as exc:  # noqa: BLE001 - nothing was posted: record it, go on
            log.exception("could not prepare the reminders to %s", post.destination)
            return self._failed(out, claim, error_text(exc))
        if guard is not None and not guard():
            self.ledger.release(claim.digest)  # not posted, and no longer ours to post
            raise LockLost(post.destination)
        try:
            resp = self.client.chat_postMessage(channel=channel, **payload)
        except SlackApiError as exc:
            if exc.response.status_code >= 500:
                return self._unknown(out, claim, error_text(exc))
            return self._failed(out, claim, error_text(exc))
        except Exception as exc:  # noqa: BLE001 - dropped, timed out...: maybe stored
            if not_sent(exc):
                return self._failed(out, claim, error_text(exc))
            return self._unknown(out, claim, error_text(exc))
        self.ledger.confirm(claim.digest, resp["channel"], resp["ts"])
        older = {k for i in mine.stale for k in (i.key, *i.also)}
        out.sent = [k for k in claim.keys if k not in older]
        out.counted, out.ts = [k for k in claim.keys if k in older], resp["ts"]
        log.info("posted %d reminder(s) to %s (ts %s)%s", len(out.sent), post.destination,
                 resp["ts"], f"; {len(older)} older ones counted in one line, not sent"
                 if older else "")
        return out

    def _failed(self, out: Outcome, claim: Claim, error: str) -> Outcome:
        self.ledger.fail(claim.digest, error)
        out.failed, out.error = claim.keys, error
        log.error("reminders to %s failed (%s): %d reminder(s) not delivered", out.destination,
                  error, len(claim.keys))
        return out

    def _unknown(self, out: Outcome, claim: Claim, error: str) -> Outcome:
        self.ledger.unknown(claim.digest, error)
        out.unknown, out.error = claim.keys, error
        log.error("reminders to %s: outcome unknown (%s): %d reminder(s) may have been posted; "
                  "the channel is checked before they are posted again", out.destination, error,
                  len(claim.keys))
        return out

    def alert(self, text: str) -> None:
        if not self.maintainers_channel:
            return
        try:
            self.client.chat_postMessage(channel=self.maintainers_channel,
                                         text=f":warning: {text}")
        except Exception as exc:  # noqa: BLE001 - an alert must never stop a tick
            log.error("could not alert the maintainers' channel %s: %s",
                      self.maintainers_channel, error_text(exc))
