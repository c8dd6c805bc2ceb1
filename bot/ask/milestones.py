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
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from bot.ask import forces
from bot.ask.memo import memo
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
    # whose item it is matters only when the policy routes by force (also in one force's view)
    force = forces.force_of(kb, what.item_id) if policy.routes_forces else None
    out = policy.destinations(what.area, what.owner, what.kind, force.id if force else None)
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
    milestone that has come. Looked up in the knowledge base's timeline (below), built
    once per content version and policy, not recomputed for every deadline."""
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
    return timeline(kb, policy).past_last_nag(today, dests) if dests else {}


# --- the timeline ------------------------------------------------------------------------------
# Every reminder milestone of a knowledge base, by the day it comes due: what a tick needs,
# found by bisection rather than worked out again for every deadline on every tick.
#
# A deadline's milestones (the lead times, the day itself, the overdue nags) are fixed by the
# content and the policy, so they are worked out once per knowledge base and policy. Each one
# that can be a deadline's *latest* milestone (`milestone` above) is an entry: the day it
# comes, and the day the next one takes over from it (never, for the last). On any day each
# deadline has at most one entry in force; those are the day's candidates. An entry's span is bounded by the
# largest gap between two milestones (16 days with the shipped lead times), except the last
# one's, so the entries in force are the last ones begun by that day (a slice of a sorted list)
# and the others begun within that gap (a short bisected window). The entries begun between two
# days are found the same way, which is all a tick must look at beyond what it still owes.
#
# The entries are integers in arrays (date ordinals, deadline numbers), not objects: a year of
# milestones for 43 forces is a few megabytes. Candidates are built only for what is asked.

NEVER = 2**31 - 1  # the "next milestone" of a deadline's last one: it is never taken over


class Entry(NamedTuple):
    """One deadline's milestone in force from `start` until `end` (date ordinals). A tuple:
    made by the thousand on a first tick, and sorted by deadline number."""

    deadline: int  # its number in `deadlined` order (the order candidates come in)
    milestone: int  # its name's number in Timeline.names
    start: int
    end: int

    def in_force(self, day: int) -> bool:
        return self.start <= day < self.end


def milestones_of(policy: Policy) -> list[tuple[str, int]]:
    """Every milestone a deadline can have, as days from the deadline, in the order
    milestones.milestone weighs them (the first of two on one day wins)."""
    out = [(f"lead-{n}", -n) for n in policy.lead_times]
    if policy.on_the_day:
        out.append(("day", 0))
    if policy.overdue_every_days:
        out += [(f"overdue-{k}", k * policy.overdue_every_days)
                for k in range(1, policy.overdue_nags + 1)]
    return out


def _spans(policy: Policy) -> list[tuple[int, int, int | None]]:
    """(milestone number, first day, the day the next one takes over, or None for the last),
    as days from the deadline: the same for every deadline."""
    first_of_day: dict[int, int] = {}
    for n, (_, offset) in enumerate(milestones_of(policy)):
        first_of_day.setdefault(offset, n)
    days = sorted(first_of_day)
    return [(first_of_day[day], day, days[i + 1] if i + 1 < len(days) else None)
            for i, day in enumerate(days)]


class Timeline:
    """The milestones of one knowledge base under one policy, sorted by the day they come."""

    def __init__(self, kb: KnowledgeBase, policy: Policy):
        self.whats: list[Deadlined] = list(deadlined(kb, policy))
        self.versions = [w.date.isoformat() for w in self.whats]
        # few (area, owner, kind[, force]): one tuple each; the force only when the policy
        # routes by force (several forces in one base)
        routed: dict[tuple, tuple[str, ...]] = {}
        self.dests: list[tuple[str, ...]] = []
        by_force = policy.routes_forces
        for w in self.whats:
            force = forces.force_of(kb, w.item_id) if by_force else None
            how = (w.area, w.owner, w.kind, force.id if force else None)
            if how not in routed:
                routed[how] = tuple(destinations(kb, policy, w))
            self.dests.append(routed[how])
        self.names = [name for name, _ in milestones_of(policy)]
        spans = _spans(policy)
        last: list[Entry] = []  # each deadline's last milestone: in force for ever after
        passing: list[Entry] = []  # the others
        # destination -> the day each of its deadlines is past its last nag (as ordinals):
        # past_last_nag is today > deadline + nags * every
        counted: dict[str, list[int]] = {}
        nags = policy.overdue_nags if policy.overdue_every_days else 0
        after = nags * policy.overdue_every_days
        for n, w in enumerate(self.whats):
            d = w.date.toordinal()
            for m, start, end in spans:
                if end is None:
                    last.append(Entry(n, m, d + start, NEVER))
                else:
                    passing.append(Entry(n, m, d + start, d + end))
            for dest in self.dests[n]:
                counted.setdefault(dest, []).append(d + after)
        self._last = _Sorted(last)
        self._passing = _Sorted(passing)
        self.gap = max((e.end - e.start for e in passing), default=0)
        self._past = {dest: array("i", sorted(days)) for dest, days in counted.items()}

    def in_force(self, day: dt.date) -> list[Entry]:
        """Each deadline's latest milestone come by `day`, in deadline order."""
        d = day.toordinal()
        out = self._last.begun(-NEVER, d)
        out += [e for e in self._passing.begun(d - self.gap, d) if e.end > d]
        return sorted(out)

    def begun(self, after: dt.date, day: dt.date) -> list[Entry]:
        """The milestones that came after `after` up to `day` and are still in force on `day`,
        in deadline order: what a tick on `day` has new since a tick on `after`."""
        a, d = after.toordinal(), day.toordinal()
        out = self._last.begun(a, d)
        out += [e for e in self._passing.begun(a, d) if e.end > d]
        return sorted(out)

    def candidates(self, entries: Iterable[Entry], destination: str | None = None
                   ) -> Iterator[Candidate]:
        """The candidates (one a destination) of these entries, as milestones.candidates makes
        them; only those for `destination` when one is given."""
        for e in entries:
            what = self.whats[e.deadline]
            day = dt.date.fromordinal(e.start)
            for dest in self.dests[e.deadline]:
                if destination is None or dest == destination:
                    yield Candidate(Key(what.item_id, self.names[e.milestone],
                                        self.versions[e.deadline], dest), what, day)

    def past_last_nag(self, day: dt.date, dests: Iterable[str]) -> dict[str, int]:
        """For each of `dests`, how many of its deadlines are past their last nag on `day`."""
        d = day.toordinal()
        out = {}
        for dest in dests:
            n = bisect_left(self._past.get(dest, ()), d)  # the days before `day`
            if n:
                out[dest] = n
        return out


class _Sorted:
    """Entries sorted by the day they begin, with those days in an array for bisection."""

    def __init__(self, entries: list[Entry]):
        entries.sort(key=lambda e: (e.start, e.deadline))
        self.starts = array("i", (e.start for e in entries))
        self.deadline = array("i", (e.deadline for e in entries))
        self.milestone = array("i", (e.milestone for e in entries))
        self.end = array("i", (e.end for e in entries))

    def begun(self, after: int, day: int) -> list[Entry]:
        """The entries that begin after `after`, up to `day` (ordinals)."""
        lo, hi = bisect_right(self.starts, after), bisect_right(self.starts, day)
        return [Entry(self.deadline[i], self.milestone[i], self.starts[i], self.end[i])
                for i in range(lo, hi)]


def timeline(kb: KnowledgeBase, policy: Policy) -> Timeline:
    """The timeline of `kb` under `policy`, built once and kept as long as `kb` is."""
    return memo(kb, ("timeline", policy), lambda: Timeline(kb, policy))
