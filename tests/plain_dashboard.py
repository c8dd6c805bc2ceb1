"""The App Home dashboard as it was before its indexes, verbatim (the reference for
tests/test_proportional_answers.py and the benchmark's "before").

The App Home dashboard as plain data: latest grades by area, open and overdue findings by
area, the next deadlines, and the figures furthest from the England and Wales average.

Pure, like queries.py: the knowledge base and the date are passed in; templates/home.md.j2
turns a Dashboard into text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.ask import rag
from bot.ask.asof import latest_inspections, published_by
from bot.ask.gaps import Gap, furthest
from bot.ask.queries import _deadline_rows  # noqa
from bot.ask.results import DeadlineRow
from bot.content.kb import KnowledgeBase
from bot.content.model import Figure, Finding, Inspection
from bot.content.policy import policy_of


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


def finding_counts(kb: KnowledgeBase, as_of: dt.date) -> list[AreaCounts]:
    """Open findings and overdue deadlines per area, the areas with most overdue first. A
    deadline is overdue as `overdue` counts it: dated before `as_of`, its finding still live."""
    tally: dict[str, list[int]] = {}
    for f in kb.findings:
        if not f.is_live or not published_by(kb.inspection(f.inspection), as_of):
            continue
        counts = tally.setdefault(f.area, [0, 0, 0])
        passed = sum(1 for r in _deadline_rows(kb, f, as_of) if r.days is not None and r.days > 0)
        counts[0] += 1
        counts[1] += passed
        counts[2] += passed > 0
    rows = [AreaCounts(kb.area_name(a), o, d, n) for a, (o, d, n) in tally.items()]
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
    """Figures furthest from England and Wales, chosen as the briefing's charts choose them."""
    order = {i.id: n for n, i in enumerate(kb.inspections)}
    return [FigureGap(g, kb.inspection(g.figure.inspection).year)
            for g in furthest(kb.figures, limit, order)]


def rag_totals(kb: KnowledgeBase, as_of: dt.date) -> dict[str, int]:
    counts = dict.fromkeys((rag.RED, rag.AMBER, rag.GREEN), 0)
    for f in kb.findings:
        colour = rag.rag(kb, f, as_of).colour
        if colour in counts:
            counts[colour] += 1
    return counts


def build(kb: KnowledgeBase, as_of: dt.date) -> Dashboard:
    ahead, undated = next_deadlines(kb, as_of)
    return Dashboard(as_of, latest_grades(kb, as_of), finding_counts(kb, as_of), ahead, undated,
                     figure_gaps(kb), rag_totals(kb, as_of),
                     rag.legend_short(policy_of(kb)))
