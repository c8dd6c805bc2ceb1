"""The App Home dashboard as plain data: latest grades by area, open and overdue findings by
area, the next deadlines, and the figures furthest from the England and Wales average.

Pure, like queries.py: the knowledge base and the date are passed in; templates/home.md.j2
turns a Dashboard into text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.ask.asof import latest_inspections, published_by
from bot.ask.queries import _deadline_rows
from bot.ask.results import DeadlineRow
from bot.content.kb import KnowledgeBase
from bot.content.model import Figure, Finding, Inspection


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
    overdue: int  # of those, findings with at least one deadline passed


@dataclass(frozen=True)
class FigureGap:
    figure: Figure
    year: str
    relative: float  # (value - England and Wales) / |England and Wales|


@dataclass(frozen=True)
class Dashboard:
    as_of: dt.date
    latest: list[ForceGrades]
    counts: list[AreaCounts]
    next_deadlines: list[DeadlineRow]
    undated: int  # deadlines of live findings that cannot be dated yet
    gaps: list[FigureGap]

    @property
    def open_total(self) -> int:
        return sum(c.open for c in self.counts)

    @property
    def overdue_total(self) -> int:
        return sum(c.overdue for c in self.counts)


def latest_grades(kb: KnowledgeBase, as_of: dt.date | None = None) -> list[ForceGrades]:
    """Each force's latest inspection published by `as_of` (None: the latest recorded)."""
    out = []
    for insp in latest_inspections(kb, as_of):
        grades = []
        for j in kb.judgments:
            if j.inspection != insp.id:
                continue
            grade, carried = j.grade, None
            if j.carried_from:
                earlier = next((x for x in kb.judgments
                                if x.inspection == j.carried_from and x.area == j.area), None)
                grade = earlier.grade if earlier else None
                carried = kb.inspection(j.carried_from).year \
                    if j.carried_from in kb.index["inspection"] else j.carried_from
            grades.append(AreaGrade(kb.area_name(j.area), grade, carried))
        force = kb.index["force"].get(insp.force)
        out.append(ForceGrades(force.name if force else insp.force, insp, grades))
    return out


def _is_overdue(rows: list[DeadlineRow]) -> bool:
    return any(r.days is not None and r.days > 0 for r in rows)


def finding_counts(kb: KnowledgeBase, as_of: dt.date) -> list[AreaCounts]:
    """Open and overdue findings per area, the areas with most overdue first."""
    tally: dict[str, list[int]] = {}
    for f in kb.findings:
        if not f.is_live or not published_by(kb.inspection(f.inspection), as_of):
            continue
        counts = tally.setdefault(f.area, [0, 0])
        counts[0] += 1
        counts[1] += _is_overdue(_deadline_rows(kb, f, as_of))
    rows = [AreaCounts(kb.area_name(a), o, d) for a, (o, d) in tally.items()]
    return sorted(rows, key=lambda c: (-c.overdue, -c.open, c.area))


def next_deadlines(kb: KnowledgeBase, as_of: dt.date, limit: int = 8) -> tuple[list[DeadlineRow], int]:
    """Deadlines of live findings from today on, soonest first; and how many cannot be dated."""
    ahead: list[DeadlineRow] = []
    undated = 0
    live: list[Finding] = [f for f in kb.findings if f.is_live
                           and published_by(kb.inspection(f.inspection), as_of)]
    for f in live:
        for row in _deadline_rows(kb, f, as_of):
            if row.days is None:
                undated += 1
            elif row.days <= 0:
                ahead.append(row)
    ahead.sort(key=lambda r: (r.deadline.date, r.item_id))
    return ahead[:limit], undated


def figure_gaps(kb: KnowledgeBase, limit: int = 6) -> list[FigureGap]:
    """Figures furthest from the England and Wales average, by relative difference.

    Left out: figures without a value or comparator, a comparator of zero, and a value on the
    other side of zero from the comparator (a relative difference says nothing there)."""
    gaps = []
    for fig in kb.figures:
        value, ew = fig.value, fig.england_and_wales
        if value is None or ew is None or ew == 0 or (value < 0 < ew) or (ew < 0 < value):
            continue
        year = kb.inspection(fig.inspection).year if fig.inspection in kb.index["inspection"] \
            else ""
        gaps.append(FigureGap(fig, year, (value - ew) / abs(ew)))
    order = {i.id: n for n, i in enumerate(kb.inspections)}
    gaps.sort(key=lambda g: (-abs(g.relative), -order.get(g.figure.inspection, 0), g.figure.id))
    return gaps[:limit]


def build(kb: KnowledgeBase, as_of: dt.date) -> Dashboard:
    ahead, undated = next_deadlines(kb, as_of)
    return Dashboard(as_of, latest_grades(kb, as_of), finding_counts(kb, as_of), ahead, undated,
                     figure_gaps(kb))
