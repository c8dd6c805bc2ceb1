"""What is due: a pure function of the knowledge base, the policy, the ledger's state and `now`.

Each deadline has milestones: lead times before it, the day itself, then an overdue nag every
`overdue_every_days`, at most `overdue_nags` of them; after the last one the deadline is only
counted in the digest's overdue summary line. On a tick only the *latest* milestone whose day
has come counts: after downtime the missed ones fold into it (one line, never a burst), and one
already in the ledger is not sent again. A milestone older than the catch-up horizon
(`catch_up_days` working days) is not sent at all: the digest says in one line how many, and
the ledger records them, so a first start over years of history posts one short digest. The
ledger key carries the deadline date as its version, so a moved deadline re-arms its
reminders; the line then shows the date it moved from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from bot.content.kb import KnowledgeBase
from bot.content.policy import Policy

PCC_KIND = "pcc_response"


def is_user(destination: str) -> bool:
    """A destination is a channel id (C..., G...) or a user's id (U..., W...) for a DM."""
    return destination[:1] in ("U", "W")


@dataclass(frozen=True, order=True)
class Key:
    """One ledger row: a reminder for one item, milestone, deadline version and destination."""

    item: str
    milestone: str
    version: str  # the deadline date, ISO: a moved deadline is a new version
    destination: str

    def __str__(self) -> str:
        return "|".join((self.item, self.milestone, self.version, self.destination))

    @classmethod
    def parse(cls, text: str) -> Key:
        item, milestone, version, destination = text.split("|")
        return cls(item, milestone, version, destination)


@dataclass(frozen=True)
class LedgerState:
    """What the ledger says, as the pure function needs it."""

    taken: frozenset[Key] = frozenset()  # sent or pending (failed rows are not taken)
    # (item, destination) -> deadline versions sent for it, oldest first
    versions: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    failed: frozenset[Key] = frozenset()  # deliveries that failed (retried, or folded in)


@dataclass(frozen=True)
class Deadlined:
    """Something with a deadline the policy reminds about: a finding, a part, a PCC response."""

    item_id: str
    finding_id: str | None
    kind: str
    area: str | None
    owner: str | None
    text: str
    phrase: str
    date: dt.date


@dataclass(frozen=True)
class DueItem:
    key: Key
    what: Deadlined
    milestone_day: dt.date
    days_left: int  # negative when overdue
    previous_date: dt.date | None  # the deadline was moved from this date
    late: bool  # the milestone's day passed while no tick ran (caught up)
    # earlier milestones of the same deadline whose delivery failed: delivered with this one,
    # named in its line ("also due: ..."), so a failure is never silently replaced
    also: tuple[Key, ...] = ()


@dataclass(frozen=True)
class Post:
    """One digest message: everything due for one destination on one tick."""

    destination: str
    day: dt.date
    items: tuple[DueItem, ...]
    # Reminders whose day fell before the catch-up horizon: claimed with the digest (so
    # counted once) but only counted in one line, never listed.
    stale: tuple[DueItem, ...] = ()
    since: dt.date | None = None  # the catch-up horizon's first day
    past_last_nag: int = 0  # overdue deadlines here whose nags have all gone (summary line)

    @property
    def keys(self) -> list[Key]:
        return [k for i in (*self.items, *self.stale) for k in (i.key, *i.also)]

    def only(self, keys: set[Key]) -> Post:
        """This post with only the reminders whose keys are in `keys` (the claim won)."""
        def mine(i: DueItem) -> DueItem:
            return replace(i, also=tuple(k for k in i.also if k in keys))

        return replace(self, items=tuple(mine(i) for i in self.items if i.key in keys),
                       stale=tuple(mine(i) for i in self.stale if i.key in keys))


def deadlined(kb: KnowledgeBase, policy: Policy) -> Iterator[Deadlined]:
    """Every live dated deadline, plus the statutory PCC response to each published inspection."""
    for f in kb.findings:
        if not f.is_live:
            continue
        for item_id, d in f.deadlines:
            if d.date is not None:
                yield Deadlined(item_id, f.id, f.kind, f.area, f.owner, f.text, d.phrase, d.date)
    if policy.pcc_response_days:
        answered = {r.inspection for r in kb.responses if r.by == "pcc"}
        for insp in kb.inspections:
            if insp.published is None or insp.id in answered:
                continue
            n = policy.pcc_response_days
            yield Deadlined(f"{insp.id}-pcc-response", None, PCC_KIND, None, None,
                            f"The PCC's response to {insp.title} ({n} days after publication)",
                            f"statutory: {n} days after publication",
                            insp.published + dt.timedelta(days=n))


def milestone(deadline: dt.date, today: dt.date, policy: Policy) -> tuple[str, dt.date] | None:
    """The latest milestone whose day is today or earlier, or None if none has come yet."""
    best: tuple[str, dt.date] | None = None
    candidates = [(f"lead-{n}", deadline - dt.timedelta(days=n)) for n in policy.lead_times]
    if policy.on_the_day:
        candidates.append(("day", deadline))
    every = policy.overdue_every_days
    if every and today > deadline:
        k = min((today - deadline).days // every, policy.overdue_nags)
        if k >= 1:
            candidates.append((f"overdue-{k}", deadline + dt.timedelta(days=k * every)))
    for name, day in candidates:
        if day <= today and (best is None or day > best[1]):
            best = (name, day)
    return best


def past_last_nag(deadline: dt.date, today: dt.date, policy: Policy) -> bool:
    """The deadline has passed and every reminder it gets (the last nag, or the day itself
    when there are none) was due before today: it is only counted from now on."""
    nags = policy.overdue_nags if policy.overdue_every_days else 0
    return today > deadline + dt.timedelta(days=nags * policy.overdue_every_days)


def destinations(kb: KnowledgeBase, policy: Policy, what: Deadlined) -> list[str]:
    out = policy.destinations(what.area, what.owner, what.kind)
    owner = kb.owner(what.owner)
    if policy.direct_messages and owner is not None and owner.slack_user:
        out.append(owner.slack_user)
    return out


@dataclass(frozen=True)
class Candidate:
    """A reminder whose milestone has come, before the ledger says whether it went out."""

    key: Key
    what: Deadlined
    milestone_day: dt.date


def today_of(now: dt.datetime, policy: Policy) -> dt.date:
    return now.astimezone(policy.tz).date() if now.tzinfo else now.date()


def candidates(kb: KnowledgeBase, policy: Policy, now: dt.datetime,
               destination: str | None = None) -> list[Candidate]:
    """For every live dated deadline and destination (or only `destination`), the latest
    milestone that has come. Looked up in the knowledge base's timeline (timeline.py), built
    once per content version and policy, not recomputed for every deadline."""
    from bot.ask.timeline import timeline  # it builds on this module's types

    line = timeline(kb, policy)
    return list(line.candidates(line.in_force(today_of(now, policy)), destination))


def due_posts(kb: KnowledgeBase, policy: Policy, state: LedgerState, now: dt.datetime,
              cands: list[Candidate] | None = None) -> list[Post]:
    """Everything due at `now`, one Post per destination (sorted by destination). `cands`
    saves recomputing `candidates(kb, policy, now)` when the caller has them already."""
    today = today_of(now, policy)
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
    nag (the digest's overdue summary line): counted by bisection in the timeline."""
    from bot.ask.timeline import timeline

    return timeline(kb, policy).past_last_nag(today, dests) if dests else {}
