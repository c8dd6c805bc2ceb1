"""The code as it was before the timeline (in bot/ask/milestones.py), verbatim: the reminders'
plain recomputation (every live deadline's milestones worked out afresh on every tick), the
`digest` preview and the `calendar` built from it and from every finding. The reference the
faster code's answers are compared with (tests/test_reminders_timeline.py) and the benchmark's
"before"."""

from __future__ import annotations

import datetime as dt

from bot.ask.digest import DigestPreview, next_tick, routing
from bot.ask.milestones import (
    Candidate,
    DueItem,
    Key,
    LedgerState,
    Post,
    deadlined,
    destinations,
    is_user,
    milestone,
    past_last_nag,
)
from bot.ask.queries import _deadline_rows
from bot.ask.results import CalendarResult
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


# --- the digest preview and the calendar, as they were ------------------------------------------

def preview(kb: KnowledgeBase, policy: Policy, destination: str | None, now: dt.datetime,
            state_of=None) -> DigestPreview:
    destination = destination or policy.default_channel
    when = next_tick(policy, now)
    dests = routing(policy)
    routed = (policy.direct_messages if is_user(destination)
              else any(channel == destination for channel, _ in dests))
    items: tuple[DueItem, ...] = ()
    post = None
    if when is not None and routed:
        cands = [c for c in candidates(kb, policy, when) if c.key.destination == destination]
        state = state_of([c.key for c in cands]) if state_of else LedgerState()
        posts = due_posts(kb, policy, state, when, cands)
        post = posts[0] if posts else None
        items = post.items if post else ()
    return DigestPreview(destination, when, items, routed, dests, policy.direct_messages,
                         policy.timezone, len(post.stale) if post else 0,
                         post.since if post else None, post.past_last_nag if post else 0)


def calendar(kb: KnowledgeBase, as_of: dt.date, limit: int = 5) -> CalendarResult:
    rows = [r for f in kb.findings for r in _deadline_rows(kb, f, as_of) if r.deadline.date]
    upcoming = sorted((r for r in rows if r.days is not None and r.days <= 0 and r.finding.is_live),
                      key=lambda r: (r.deadline.date, r.item_id))
    return CalendarResult(as_of, upcoming[:limit], len(rows))
