"""The one-page briefing (`export html`): grade history, open and overdue findings and charts of
key figures against England and Wales, as one self-contained HTML page that prints to A4.

HTML needs HTML escaping, so this module builds its own Jinja environment with autoescape on;
the Slack environment in bot/templating.py must never be used for it (and vice versa).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import jinja2

from bot.ask import queries
from bot.ask.asof import inspections_as_of
from bot.content.kb import KnowledgeBase
from bot.content.model import Figure, Inspection
from bot.exports import tracker
from bot.render.templating import TEMPLATES_DIR, long_date, with_unit

CHARTS_PER_INSPECTION = 4
CHART_WIDTH = 520  # px of the SVG viewBox; bars scale to the larger of the two values
BAR_AREA = 300


def build_html_env(templates_dir: Path | None = None) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir or TEMPLATES_DIR)),
        undefined=jinja2.StrictUndefined,  # a typo in the template fails loudly, in tests
        autoescape=True,  # content text goes into HTML: escape it
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class GradeCell:
    grade: str | None
    carried_from: str | None  # the year the grade was carried forward from
    question: str


@dataclass(frozen=True)
class Bar:
    figure: Figure
    value_width: float
    ew_width: float
    value_text: str
    ew_text: str
    relative: float  # (Cleveland - E&W) / E&W


@dataclass(frozen=True)
class Chart:
    inspection: Inspection
    bars: list[Bar]

    @property
    def height(self) -> int:
        return 24 + 58 * len(self.bars)


def grade_history(kb: KnowledgeBase, as_of: dt.date | None = None
                  ) -> tuple[list[tuple[str, list[GradeCell | None]]], bool]:
    """Rows of (area name, one cell per inspection published by `as_of`) and whether the
    grading scale changed."""
    insps = inspections_as_of(kb, as_of)
    result = queries.judgments(kb, insps)
    by_area: dict[str, list[GradeCell | None]] = {}
    for n, group in enumerate(result.groups):
        for row in group.rows:
            cells = by_area.setdefault(row.judgment.area, [None] * len(result.groups))
            cells[n] = GradeCell(row.grade, row.carried_from.year if row.carried_from else None,
                                 row.judgment.question)
    order = {a.id: n for n, a in enumerate(kb.areas)}
    rows = [(kb.area_name(a), cells) for a, cells in
            sorted(by_area.items(), key=lambda t: (order.get(t[0], 999), t[0]))]
    scale_change = len({i.scale for i in insps}) > 1
    return rows, scale_change


def _chartable(fig: Figure) -> bool:
    return (fig.value is not None and fig.england_and_wales not in (None, 0)
            and fig.value >= 0 and (fig.england_and_wales or 0) > 0)


def _relative_gap(f: Figure) -> float:
    """How far the force is from England and Wales, as a share of England and Wales."""
    if f.value is None or not f.england_and_wales:
        return 0.0
    return abs((f.value - f.england_and_wales) / f.england_and_wales)


def charts(kb: KnowledgeBase, per_inspection: int = CHARTS_PER_INSPECTION) -> list[Chart]:
    """Per inspection, the figures furthest from England and Wales (relative difference)."""
    out = []
    for insp in kb.inspections:
        figs = [f for f in kb.figures if f.inspection == insp.id and _chartable(f)]
        figs.sort(key=lambda f: (-_relative_gap(f), f.id))
        bars = []
        for f in figs[:per_inspection]:
            assert f.value is not None and f.england_and_wales is not None
            top = max(f.value, f.england_and_wales)
            bars.append(Bar(f, round(BAR_AREA * f.value / top, 1),
                            round(BAR_AREA * f.england_and_wales / top, 1),
                            with_unit(f.value, f.unit, f.unit_label),
                            with_unit(f.england_and_wales, f.unit, f.unit_label),
                            (f.value - f.england_and_wales) / f.england_and_wales))
        if bars:
            out.append(Chart(insp, bars))
    return out


def to_html(kb: KnowledgeBase, as_of: dt.date, env: jinja2.Environment | None = None) -> str:
    t = tracker.build(kb, as_of)
    rows, scale_change = grade_history(kb, as_of)
    live = [r for r in t.rows if r.rag != "closed"]
    live.sort(key=lambda r: (tracker.RAG_ORDER[r.rag], -(r.days_overdue or 0), r.finding.id))
    env = env or build_html_env()
    return env.get_template("briefing.html.j2").render(
        as_of=as_of, as_of_words=long_date(as_of), forces=kb.forces,
        inspections=inspections_as_of(kb, as_of), grade_rows=rows, scale_change=scale_change,
        findings=live, totals=t.totals(), charts=charts(kb), chart_width=CHART_WIDTH,
        bar_area=BAR_AREA, amber_days=t.amber_days,
        stale_days=tracker.STALE_AFTER_DAYS, kind_words=tracker.KIND_WORDS,
        short_text=tracker.short_text)
