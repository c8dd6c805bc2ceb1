"""Every reminder milestone of a knowledge base, by the day it comes due: what a tick needs,
found by bisection rather than worked out again for every deadline on every tick.

A deadline's milestones (the lead times, the day itself, the overdue nags) are fixed by the
content and the policy, so they are worked out once per knowledge base and policy. Each one
that can be a deadline's *latest* milestone (milestones.py) is an entry: the day it comes, and
the day the next one takes over from it (never, for the last). On any day each deadline has at
most one entry in force; those are the day's candidates. An entry's span is bounded by the
largest gap between two milestones (16 days with the shipped lead times), except the last
one's, so the entries in force are the last ones begun by that day (a slice of a sorted list)
and the others begun within that gap (a short bisected window). The entries begun between two
days are found the same way, which is all a tick must look at beyond what it still owes.

The entries are integers in arrays (date ordinals, deadline numbers), not objects: a year of
milestones for 43 forces is a few megabytes. Candidates are built only for what is asked.
"""

from __future__ import annotations

import datetime as dt
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from bot.ask.memo import memo
from bot.ask.milestones import Candidate, Deadlined, Key, deadlined, destinations
from bot.content.kb import KnowledgeBase
from bot.content.policy import Policy

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
        routed: dict[tuple, tuple[str, ...]] = {}  # few (area, owner, kind): one tuple each
        self.dests: list[tuple[str, ...]] = []
        for w in self.whats:
            how = (w.area, w.owner, w.kind)
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
