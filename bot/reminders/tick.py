"""One tick: take the lock, settle pending claims, compute what is due, post each digest.

Every destination is tried whatever happens to the others: an error while delivering one is
recorded against it (its keys failed, or pending when the outcome is unknown), logged, and
named in one alert to the maintainers at the end of the tick.
"""

from __future__ import annotations

import datetime as dt
import logging
import weakref
from dataclasses import dataclass, field

from bot.ask.milestones import Key, Post, due_posts
from bot.content.kb import KnowledgeBase
from bot.content.policy import Policy
from bot.reminders.due import Due
from bot.reminders.leader import TickLock
from bot.reminders.ledger import Ledger
from bot.reminders.reconcile import Settled, reconcile
from bot.reminders.sender import CHANNEL_FAULTS, LockLost, Outcome, Sender, error_text
from bot.settings import ReminderTiming

log = logging.getLogger(__name__)
# each ledger's Due: what its last tick did not find sent, kept while the ledger is in use
_due: weakref.WeakKeyDictionary[Ledger, Due] = weakref.WeakKeyDictionary()


@dataclass
class TickResult:
    day: dt.date
    status: str  # ran | not-working-day | lock-lost (service: busy | error)
    posts: list[Post] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    settled: Settled = field(default_factory=Settled)  # pending claims found at the start
    after: Settled = field(default_factory=Settled)  # ...and unknown outcomes, at the end

    pending: list[Key] = field(default_factory=list)  # left pending: outcome not known yet

    @property
    def sent(self) -> int:
        return sum(len(o.sent) for o in self.outcomes) + len(self.after.confirmed)

    @property
    def unsettled(self) -> list[Key]:
        """Keys not delivered yet: failed, or pending with an outcome still unknown."""
        return [k for o in self.outcomes for k in o.failed] + self.pending

    @property
    def failed_destinations(self) -> dict[str, str]:
        """destination -> why, for every destination left with reminders not delivered."""
        why = {o.destination: o.error or "failed" for o in self.outcomes if not o.ok}
        out = {o.destination: why[o.destination] for o in self.outcomes if o.failed}
        for k in self.pending:
            out.setdefault(k.destination, why.get(k.destination, "an earlier post's outcome "
                                                                 "is not known yet"))
        return out

    @property
    def counted(self) -> int:
        """Reminders older than the catch-up horizon, counted in one line, not sent."""
        return sum(len(o.counted) for o in self.outcomes)


def run_tick(kb: KnowledgeBase, policy: Policy, ledger: Ledger, sender: Sender,
             now: dt.datetime, *, lock: TickLock | None = None, force: bool = False,
             timing: ReminderTiming | None = None) -> TickResult:
    """One tick at `now`. With `lock`, the tick first takes it (LockBusy after
    `timing.lock_wait_seconds`)."""
    timing = timing or ReminderTiming()
    if now.tzinfo is None:
        now = now.replace(tzinfo=policy.tz)
    day = now.astimezone(policy.tz).date()
    if not force and not policy.is_working_day(day):
        log.info("no reminders on %s: not a working day", day)
        return TickResult(day, "not-working-day")
    if lock is None:
        return _tick(kb, policy, ledger, sender, now, day, None, timing)
    with lock.held(timing.lock_wait_seconds):
        return _tick(kb, policy, ledger, sender, now, day, lock, timing)


def _tick(kb: KnowledgeBase, policy: Policy, ledger: Ledger, sender: Sender, now: dt.datetime,
          day: dt.date, lock: TickLock | None, timing: ReminderTiming) -> TickResult:
    owner = lock.holder if lock is not None else None

    def settle() -> Settled:
        # holding the lock, every other tick is over; without one the caller vouches for it
        return reconcile(sender, settle_seconds=timing.settle_seconds,
                         skew_seconds=timing.skew_seconds,
                         owner_over=lambda _owner: lock is None or lock.check())

    result = TickResult(day, "ran", settled=settle())
    due = due_of(ledger)
    cands = due.candidates(kb, policy, now)  # less what earlier ticks found sent
    state = ledger.state(c.key for c in cands)
    due.settled(ledger.seen_sent)
    result.posts = due_posts(kb, policy, state, now, cands)
    for post in result.posts:
        try:
            outcome = sender.send(post, owner=owner, guard=lock.check if lock else None)
        except LockLost:
            log.error("lost the reminders lock mid-tick; the rest is left to its new holder")
            result.status = "lock-lost"
            break
        except Exception as exc:  # noqa: BLE001 - e.g. the database: record it and go on
            log.exception("reminders to %s failed", post.destination)
            outcome = Outcome(post.destination, failed=post.keys, error=error_text(exc))
        result.outcomes.append(outcome)
    if any(o.unknown for o in result.outcomes) and result.status == "ran":
        result.after = settle()  # a post stored then answered 5xx is confirmed at once
    result.pending = [r.key for r in ledger.rows("pending")]
    _alert(sender, result)
    return result


def due_of(ledger: Ledger) -> Due:
    """The Due of a ledger: what the ticks over it have found sent so far."""
    return _due.setdefault(ledger, Due())


def _alert(sender: Sender, result: TickResult) -> None:
    failed = result.failed_destinations
    if not failed:
        return
    parts = []
    for destination, why in sorted(failed.items()):
        hint = (" (invite the bot to the channel or fix its id in content/policy.yaml)"
                if why in CHANNEL_FAULTS else "")
        parts.append(f"{destination}: {why}{hint}")
    sender.alert(f"Reminders tick {result.day}: {len(result.unsettled)} reminder(s) not "
                 f"delivered yet, to {len(failed)} destination(s): {'; '.join(parts)}. They "
                 "are retried; a post whose outcome is unknown is first looked for in the "
                 "channel, never posted twice.")
