"""One tick: lead (or stand by), settle crashed claims, compute what is due, post each digest."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from bot.ask.milestones import Post, candidates, due_posts
from bot.content.kb import KnowledgeBase
from bot.content.policy import Policy
from bot.reminders.leader import Leadership
from bot.reminders.ledger import Ledger
from bot.reminders.sender import Outcome, Sender

log = logging.getLogger(__name__)


@dataclass
class TickResult:
    day: dt.date
    status: str  # ran | not-working-day | standby
    posts: list[Post] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(len(o.sent) for o in self.outcomes)

    @property
    def counted(self) -> int:
        """Reminders older than the catch-up horizon, counted in one line, not sent."""
        return sum(len(o.counted) for o in self.outcomes)


def run_tick(kb: KnowledgeBase, policy: Policy, ledger: Ledger, sender: Sender,
             now: dt.datetime, *, leader: Leadership | None = None,
             force: bool = False) -> TickResult:
    if now.tzinfo is None:
        now = now.replace(tzinfo=policy.tz)
    day = now.astimezone(policy.tz).date()
    if not force and not policy.is_working_day(day):
        log.info("no reminders on %s: not a working day", day)
        return TickResult(day, "not-working-day")
    if leader is not None and not leader.acquire():
        log.info("another process sends the reminders; standing by")
        return TickResult(day, "standby")
    sender.reconcile()
    cands = candidates(kb, policy, now)
    posts = due_posts(kb, policy, ledger.state(c.key for c in cands), now, cands)
    result = TickResult(day, "ran", posts)
    for post in posts:
        result.outcomes.append(sender.send(post))
    return result
