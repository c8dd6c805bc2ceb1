"""The reminders' plain recomputation, as it was before the timeline (bot/ask/timeline.py): every
live deadline's milestones worked out afresh on every tick. Kept here, verbatim, as the
reference the timeline's answers are compared with (tests/test_reminders_timeline.py)."""

from __future__ import annotations

import datetime as dt

from bot.ask.milestones import (
    Candidate,
    DueItem,
    Key,
    LedgerState,
    Post,
    deadlined,
    destinations,
    milestone,
    past_last_nag,
)
from bot.content.kb import KnowledgeBase
from bot.content.policy import Policy


def _today(now: dt.datetime, policy: Policy) -> dt.date:
    return now.astimezone(policy.tz).date() if now.tzinfo else now.date()


def candidates(kb: KnowledgeBase, policy: Policy, now: dt.datetime) -> list[Candidate]:
    """For every live dated deadline and destination, the latest milestone that has come."""
    today = _today(now, policy)
    out = []
    for what in deadlined(kb, policy):
        ms = milestone(what.date, today, policy)
        if ms is None:
            continue
        name, day = ms
        version = what.date.isoformat()
        for dest in destinations(kb, policy, what):
            out.append(Candidate(Key(what.item_id, name, version, dest), what, day))
    return out


def due_posts(kb: KnowledgeBase, policy: Policy, state: LedgerState, now: dt.datetime,
              cands: list[Candidate] | None = None) -> list[Post]:
    """Everything due at `now`, one Post per destination (sorted by destination). `cands`
    saves recomputing `candidates(kb, policy, now)` when the caller has them already."""
    today = _today(now, policy)
    since = policy.catch_up_start(today)
    by_dest: dict[str, list[DueItem]] = {}
    stale: dict[str, list[DueItem]] = {}
    failed: dict[tuple[str, str, str], list[Key]] = {}
    for k in sorted(state.failed):
        failed.setdefault((k.item, k.version, k.destination), []).append(k)
    for c in candidates(kb, policy, now) if cands is None else cands:
        key, what = c.key, c.what
        if key in state.taken:
            continue
        also = tuple(k for k in failed.get((key.item, key.version, key.destination), ())
                     if k.milestone != key.milestone)
        older = [v for v in state.versions.get((what.item_id, key.destination), ())
                 if v != key.version]
        previous = dt.date.fromisoformat(older[-1]) if older else None
        due = DueItem(key, what, c.milestone_day, (what.date - today).days, previous,
                      c.milestone_day < today, also)
        (stale if c.milestone_day < since else by_dest).setdefault(key.destination, []).append(due)
    counted = _past_last_nag(kb, policy, today, set(by_dest) | set(stale))
    return [Post(dest, today, _in_order(by_dest.get(dest, [])), _in_order(stale.get(dest, [])),
                 since, counted.get(dest, 0))
            for dest in sorted(set(by_dest) | set(stale))]


def _in_order(items: list[DueItem]) -> tuple[DueItem, ...]:
    return tuple(sorted(items, key=lambda i: (i.what.date, i.what.item_id)))


def _past_last_nag(kb: KnowledgeBase, policy: Policy, today: dt.date,
                   dests: set[str]) -> dict[str, int]:
    """For each destination getting a digest, how many of its deadlines are past their last
    nag (the digest's overdue summary line)."""
    out: dict[str, int] = {}
    if not dests:
        return out
    for what in deadlined(kb, policy):
        if past_last_nag(what.date, today, policy):
            for dest in destinations(kb, policy, what):
                if dest in dests:
                    out[dest] = out.get(dest, 0) + 1
    return out
