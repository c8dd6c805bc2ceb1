"""The briefing (`export html`): a one-page summary for a chief officer (grades by area, counts by
RAG, the five most serious open items, the three figures furthest from England and Wales),
then the detail as an appendix (grade history, every open finding in full with its parts,
closed and superseded findings with their evidence, and charts of key figures).

As of a date it shows what stood then: only inspections published by that date, and the
findings' statuses as their history had them. One self-contained HTML page that prints to A4.

HTML needs HTML escaping, so this module builds its own Jinja environment with autoescape on;
the Slack environment in bot/render/templating.py must never be used for it (and vice versa).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import jinja2

from bot.ask import queries
from bot.ask.asof import inspections_as_of, latest_inspections
from bot.ask.gaps import furthest
from bot.ask.rag import ORDER, legend, legend_short
from bot.content.kb import KnowledgeBase
from bot.content.model import Inspection
from bot.exports import tracker
from bot.exports.charts import CHART_WIDTH, LABEL_WIDTH, charts
from bot.render.figures import FILTERS as FIGURE_FILTERS
from bot.render.templating import long_date, template_loader

SUMMARY_ITEMS = 5
SUMMARY_FIGURES = 3
APPENDIX_FIGURES = 4  # per inspection
KIND_SEVERITY = {"cause_of_concern": 0, "recommendation": 1, "area_for_improvement": 2}


def build_html_env(templates_dir: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=template_loader(templates_dir),
        undefined=jinja2.StrictUndefined,  # a typo in the template fails loudly, in tests
        autoescape=True,  # content text goes into HTML: escape it
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FIGURE_FILTERS)
    return env


def grade_history(kb: KnowledgeBase, inspections: list[Inspection]) -> list[tuple[str, list]]:
    """Rows of (area name, one judgment row or None per inspection), in the taxonomy's order."""
    result = queries.judgments(kb, inspections)
    by_area: dict[str, list] = {}
    for n, group in enumerate(result.groups):
        for row in group.rows:
            by_area.setdefault(row.judgment.area, [None] * len(result.groups))[n] = row
    order = {a.id: n for n, a in enumerate(kb.areas)}
    return [(kb.area_name(a), cells) for a, cells in
            sorted(by_area.items(), key=lambda t: (order.get(t[0], 999), t[0]))]


def most_serious(rows: list[tracker.TrackerRow], n: int) -> list[tracker.TrackerRow]:
    """Open items, worst first: RAG (amber items with a deadline near first), then causes of
    concern before recommendations before areas for improvement, then the longest overdue."""
    def near(r: tracker.TrackerRow) -> int:
        return 0 if any(x.startswith("due") for x in r.rag_status.reasons) else 1

    return sorted(rows, key=lambda r: (ORDER[r.rag], near(r), KIND_SEVERITY.get(r.finding.kind, 9),
                                       -(r.days_overdue or 0), r.finding.id))[:n]


def to_html(kb: KnowledgeBase, as_of: dt.date, env: jinja2.Environment | None = None) -> str:
    """The briefing; a base of several forces gets one briefing per force, in turn, in one page
    (each section's ids suffixed with the force id, so they stay unique)."""
    if len(kb.forces) < 2:
        return _briefing(kb, as_of, env)
    pages = [(f, _briefing(kb.scoped(f.id), as_of, env)) for f in kb.forces]
    head = pages[0][1].split("<body>", 1)[0]
    names = html.escape(", ".join(f.name for f in kb.forces))
    head = re.sub(r"<title>.*?</title>",
                  f"<title>Inspection briefing — {names} — {long_date(as_of)}</title>", head)
    bodies = [re.sub(r'\bid="([^"]+)"', rf'id="\1-{f.id}"',
                     page.split("<body>", 1)[1].rsplit("</body>", 1)[0]) for f, page in pages]
    return head + "<body>" + "".join(bodies) + "</body>\n</html>\n"


def _briefing(kb: KnowledgeBase, as_of: dt.date, env: jinja2.Environment | None) -> str:
    t = tracker.build(kb, as_of)
    standing = inspections_as_of(kb, as_of)
    latest = latest_inspections(kb, as_of)
    ids = {i.id for i in standing}
    figures = [f for f in kb.figures if f.inspection in ids]
    order = {i.id: n for n, i in enumerate(kb.inspections)}
    summary_gaps = furthest(figures, SUMMARY_FIGURES, order)
    appendix = [(insp, furthest([f for f in figures if f.inspection == insp.id],
                                APPENDIX_FIGURES, order)) for insp in standing]
    appendix = [(insp, gaps) for insp, gaps in appendix if gaps]
    every_gap = summary_gaps + [g for _, gaps in appendix for g in gaps]
    live = t.live()
    env = env or build_html_env()
    return env.get_template("briefing.html.j2").render(
        as_of=as_of, as_of_words=long_date(as_of), forces=kb.forces,
        inspections=standing, not_yet=[i for i in kb.inspections if i.id not in ids],
        latest=[(insp, grade_history(kb, [insp])) for insp in latest],
        grade_rows=grade_history(kb, standing),
        scale_change=len({i.scale for i in standing}) > 1,
        totals=t.totals(), serious=most_serious(live, SUMMARY_ITEMS), live_count=len(live),
        by_area=t.by_area(), done=t.done(),
        summary_charts=charts(summary_gaps, every_gap),
        appendix_charts=[(insp, charts(gaps, every_gap)) for insp, gaps in appendix],
        chart_width=CHART_WIDTH, label_width=LABEL_WIDTH,
        legend=legend(t.policy), legend_short=legend_short(t.policy), kind_words=tracker.KIND_WORDS,
        status_words=tracker.STATUS_WORDS, full_text=tracker.full_text,
        deadline_cells=tracker.deadline_cells)
