"""`/inspection digest`: what the scheduler will post to one channel at its next tick.

The same functions decide as the scheduler does (candidates, the ledger, due_posts), at the
next working-day tick after `now`, for one destination; so the preview is the digest itself,
less whatever a tick in between sends first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot.ask.milestones import DueItem, Key, LedgerState, candidates, due_posts, is_user
from bot.content.kb import KnowledgeBase
from bot.content.policy import Policy, Route

StateOf = Callable[[list[Key]], LedgerState]  # the ledger's state for these keys
LOOK_AHEAD_DAYS = 370  # a policy with no working day in a year (all quiet) has no next tick


@dataclass(frozen=True)
class DigestPreview:
    destination: str  # a channel id, or a user id for the direct messages to an owner
    when: dt.datetime | None  # the next tick, in the policy's time zone
    items: tuple[DueItem, ...]
    routed: bool  # the policy posts reminders to this destination at all
    destinations: list[tuple[str, str]]  # (channel, what it gets), as the policy routes
    direct_messages: bool
    timezone: str
    stale: int = 0  # older reminders the digest will count in one line, not send
    since: dt.date | None = None  # the catch-up horizon's first day
    past_last_nag: int = 0  # overdue deadlines past their last nag (the summary line)
    typed: bool = False  # the destination was typed by the asker (shown as text, not a mention)

    @property
    def to_user(self) -> bool:
        return is_user(self.destination)


def next_tick(policy: Policy, now: dt.datetime) -> dt.datetime | None:
    """The first tick at or after `now`: a working day at the policy's time."""
    local = now.astimezone(policy.tz) if now.tzinfo else now.replace(tzinfo=policy.tz)
    hour, minute = policy.hour_minute
    for n in range(LOOK_AHEAD_DAYS):
        day = local.date() + dt.timedelta(days=n)
        at = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=policy.tz)
        if at >= local and policy.is_working_day(day):
            return at
    return None


def _route_words(route: Route) -> str:
    parts = [f"area {route.area}" if route.area else "", f"owner {route.owner}" if route.owner
             else "", f"{route.kind.replace('_', ' ')}s" if route.kind else "",
             f"force {route.force}" if route.force else ""]
    return "reminders for " + " and ".join(p for p in parts if p)


def routing(policy: Policy) -> list[tuple[str, str]]:
    """Each channel the policy posts to, with what it gets, in the policy's order."""
    out: dict[str, list[str]] = {policy.default_channel: ["everything not routed elsewhere"]}
    for route in policy.routes:
        out.setdefault(route.channel, []).append(_route_words(route))
    for channel, force in policy.channel_forces.items():
        out.setdefault(channel, []).append(f"force {force}'s reminders not routed elsewhere")
    return [(channel, "; ".join(what)) for channel, what in out.items()]


def preview(kb: KnowledgeBase, policy: Policy, destination: str | None, now: dt.datetime,
            state_of: StateOf | None = None) -> DigestPreview:
    """The next digest for `destination` (default: the policy's default channel)."""
    destination = destination or policy.default_channel
    when = next_tick(policy, now)
    dests = routing(policy)
    routed = (policy.direct_messages if is_user(destination)
              else any(channel == destination for channel, _ in dests))
    items: tuple[DueItem, ...] = ()
    post = None
    if when is not None and routed:
        cands = candidates(kb, policy, when, destination)
        state = state_of([c.key for c in cands]) if state_of else LedgerState()
        posts = due_posts(kb, policy, state, when, cands)
        post = posts[0] if posts else None
        items = post.items if post else ()
    return DigestPreview(destination, when, items, routed, dests, policy.direct_messages,
                         policy.timezone, len(post.stale) if post else 0,
                         post.since if post else None, post.past_last_nag if post else 0)
