"""What a running bot's tick looks at: the milestones begun since its last tick, and the
reminders that tick did not yet know to be sent.

The plain answer (milestones.candidates) is every deadline's latest milestone, each looked up
in the ledger. But a bot ticks every working day over the same content, and a ledger row once
sent is final (nothing un-sends it), so nearly all of that answer is what the last tick already
found sent. A Due keeps, for one ledger, the candidates the last tick did not find sent (just
claimed, failed, pending, older ones counted in a first start's digest...) and adds those the
timeline says began since: the same candidates, less ones known sent, which due_posts skips
anyway, so the same digests. It starts again from the whole timeline on its first tick, when
the content or policy changes, and when a tick's day is earlier than the last one's.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Set

from bot.ask.milestones import Candidate, Entry, Key, Timeline, timeline, today_of
from bot.content.kb import KnowledgeBase
from bot.content.policy import Policy

Pairs = list[tuple[Entry, Candidate]]


class Due:
    """The candidates of successive ticks over one ledger."""

    def __init__(self) -> None:
        self._line: Timeline | None = None
        self._day: dt.date | None = None
        self._owed: Pairs = []  # the last tick's candidates not known sent, in deadline order
        self._asked: tuple[Timeline, dt.date, Pairs] | None = None
        self._lock = threading.Lock()

    def candidates(self, kb: KnowledgeBase, policy: Policy, now: dt.datetime) -> list[Candidate]:
        """What milestones.candidates gives at `now`, less those the ledger was already seen
        to hold as sent. Call `settled` with the ledger's answer about them afterwards."""
        line, day = timeline(kb, policy), today_of(now, policy)
        with self._lock:
            if line is not self._line or self._day is None or day < self._day:
                pairs = _pairs(line, line.in_force(day))
            else:
                d = day.toordinal()
                kept = [(e, c) for e, c in self._owed if e.end > d]  # not taken over since
                # a deadline is in one list or the other (its milestone in force began either
                # by the last tick or after it): sorting stably keeps each one's destinations
                pairs = sorted(kept + _pairs(line, line.begun(self._day, day)),
                               key=lambda p: p[0].deadline)
            self._asked = (line, day, pairs)
        return [c for _, c in pairs]

    def settled(self, sent: Set[Key]) -> None:
        """The ledger's answer for the candidates just given: these keys are sent."""
        with self._lock:
            if self._asked is None:
                return
            self._line, self._day, pairs = self._asked
            self._owed = [(e, c) for e, c in pairs if c.key not in sent]
            self._asked = None


def _pairs(line: Timeline, entries: list[Entry]) -> Pairs:
    return [(e, c) for e in entries for c in line.candidates((e,))]
