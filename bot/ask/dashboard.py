"""The App Home dashboard as plain data: latest grades by area, open and overdue findings by
area, the next deadlines, and the figures furthest from the England and Wales average.

Pure, like queries.py: the knowledge base and the date are passed in; templates/home.md.j2
turns a Dashboard into text.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from bot.ask import rag
from bot.ask.asof import latest_inspections
from bot.ask.gaps import Gap, furthest
from bot.ask.memo import memo
from bot.ask.queries import upcoming
from bot.ask.results import DeadlineRow
from bot.content.kb import KnowledgeBase
from bot.content.model import Figure, Finding, Inspection
from bot.content.policy import policy_of

RAG_DAYS_KEPT = 7  # days of RAG totals a knowledge base keeps (a test or preview asks others)


@dataclass(frozen=True)
class AreaGrade:
    area: str  # the area's name
    grade: str | None  # effective grade (a carried judgment shows the earlier grade)
    carried_from: str | None  # year of the inspection the grade was carried from


@dataclass(frozen=True)
class ForceGrades:
    force: str  # the force's name
    inspection: Inspection
    grades: list[AreaGrade]


@dataclass(frozen=True)
class AreaCounts:
    area: str
    open: int  # findings still to act on (not closed or superseded)
    overdue: int  # deadlines passed (a finding's and its parts'), counted as `overdue` does
    overdue_findings: int  # findings with at least one of those


@dataclass(frozen=True)
class FigureGap:
    gap: Gap
    year: str

    @property
    def figure(self) -> Figure:
        return self.gap.figure


@dataclass(frozen=True)
class Dashboard:
    as_of: dt.date
    latest: list[ForceGrades]
    counts: list[AreaCounts]
    next_deadlines: list[DeadlineRow]
    undated: int  # deadlines of live findings that cannot be dated yet
    gaps: list[FigureGap]
    rag_totals: dict[str, int]  # live findings by RAG colour (bot/ask/rag.py)
    rag_legend: str

    @property
    def open_total(self) -> int:
        return sum(c.open for c in self.counts)

    @property
    def overdue_total(self) -> int:
        return sum(c.overdue for c in self.counts)

    @property
    def overdue_findings_total(self) -> int:
        return sum(c.overdue_findings for c in self.counts)


def latest_grades(kb: KnowledgeBase, as_of: dt.date | None = None) -> list[ForceGrades]:
    """Each force's latest inspection published by `as_of` (None: the latest recorded)."""
    out = []
    for insp in latest_inspections(kb, as_of):
        grades = []
        for j in kb.judgments_of(insp.id):
            grade, carried = j.grade, None
            if j.carried_from:
                earlier = kb.judgment_at(j.carried_from, j.area)
                grade = earlier.grade if earlier else None
                carried = kb.inspection(j.carried_from).year \
                    if j.carried_from in kb.index["inspection"] else j.carried_from
            grades.append(AreaGrade(kb.area_name(j.area), grade, carried))
        force = kb.index["force"].get(insp.force)
        out.append(ForceGrades(force.name if force else insp.force, insp, grades))
    return out


class _Tally:
    """The live findings' counts per area, built once per knowledge base: how many, their
    deadline days and each one's earliest, sorted (how many have passed by a day is a
    bisection); and the inspections by the day they count from, so that the findings of those
    not out yet on a day (few: none once the latest is published) are taken off."""

    def __init__(self, kb: KnowledgeBase):
        self.live_of: dict[str, list[Finding]] = {}
        by_area: dict[str, tuple[list[Finding], list[dt.date], list[dt.date]]] = {}
        for f in kb.findings:
            if not f.is_live:
                continue
            self.live_of.setdefault(f.inspection, []).append(f)
            live, days, earliest = by_area.setdefault(f.area, ([], [], []))
            live.append(f)
            mine = _dated(f)
            days += mine
            if mine:
                earliest.append(min(mine))
        self.areas: dict[str, tuple[int, list[dt.date], list[dt.date]]] = {
            a: (len(n), sorted(d), sorted(e)) for a, (n, d, e) in by_area.items()}
        order = sorted(kb.inspections, key=lambda i: i.counted_from)
        self.froms = [i.counted_from for i in order]
        self.ids = [i.id for i in order]

    def not_out(self, as_of: dt.date) -> list[Finding]:
        """Live findings of inspections not yet out on `as_of`."""
        return [f for i in self.ids[bisect_right(self.froms, as_of):]
                for f in self.live_of.get(i, ())]


def _dated(f: Finding) -> list[dt.date]:
    return [d.date for _, d in f.deadlines if d.date]


def _tally(kb: KnowledgeBase) -> _Tally:
    return memo(kb, "dashboard tally", lambda: _Tally(kb))


def finding_counts(kb: KnowledgeBase, as_of: dt.date) -> list[AreaCounts]:
    """Open findings and overdue deadlines per area, the areas with most overdue first. A
    deadline is overdue as `overdue` counts it: dated before `as_of`, its finding still live
    and its inspection out."""
    t = _tally(kb)
    tally = {a: [n, bisect_left(days, as_of), bisect_left(earliest, as_of)]
             for a, (n, days, earliest) in t.areas.items()}
    for f in t.not_out(as_of):
        passed = sum(1 for d in _dated(f) if d < as_of)
        counts = tally[f.area]
        counts[0] -= 1
        counts[1] -= passed
        counts[2] -= passed > 0
    rows = [AreaCounts(kb.area_name(a), o, d, n) for a, (o, d, n) in tally.items() if o]
    return sorted(rows, key=lambda c: (-c.overdue, -c.open, c.area))


def next_deadlines(kb: KnowledgeBase, as_of: dt.date, limit: int = 8) -> tuple[list[DeadlineRow], int]:
    """Deadlines of live findings from today on, soonest first; and how many cannot be dated."""
    undated = len(kb.deadlines().undated) - sum(
        1 for f in _tally(kb).not_out(as_of) for _, d in f.deadlines if not d.date)
    return upcoming(kb, as_of, limit, published=True), undated


def figure_gaps(kb: KnowledgeBase, limit: int = 6) -> list[FigureGap]:
    """Figures furthest from England and Wales, chosen as the briefing's charts choose them
    (worked out once per knowledge base: they do not change with the date)."""
    def gaps() -> list[FigureGap]:
        order = {i.id: n for n, i in enumerate(kb.inspections)}
        return [FigureGap(g, kb.inspection(g.figure.inspection).year)
                for g in furthest(kb.figures, limit, order)]

    return list(memo(kb, ("figure gaps", limit), gaps))


def rag_totals(kb: KnowledgeBase, as_of: dt.date) -> dict[str, int]:
    """Findings by RAG colour on `as_of`. Each finding's colour is its own rule (rag.py), so
    the totals look at every finding: once a day per knowledge base, then kept (a dashboard
    opened all day long shows the same day's totals)."""
    def count() -> dict[str, int]:
        counts = dict.fromkeys((rag.RED, rag.AMBER, rag.GREEN), 0)
        for f in kb.findings:
            colour = rag.rag(kb, f, as_of).colour
            if colour in counts:
                counts[colour] += 1
        return counts

    days: dict[dt.date, dict[str, int]] = memo(kb, "rag totals", dict)
    if as_of not in days:
        if len(days) >= RAG_DAYS_KEPT:
            days.clear()
        days[as_of] = count()
    return dict(days[as_of])


def build(kb: KnowledgeBase, as_of: dt.date) -> Dashboard:
    ahead, undated = next_deadlines(kb, as_of)
    return Dashboard(as_of, latest_grades(kb, as_of), finding_counts(kb, as_of), ahead, undated,
                     figure_gaps(kb), rag_totals(kb, as_of),
                     rag.legend_short(policy_of(kb)))
