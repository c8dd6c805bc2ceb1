"""`findings [kind] [year|inspection] [area]`: the findings of each inspection, counted by kind,
with an explicit "none" only where the report says (or its structure shows) it raised none."""

from __future__ import annotations

import datetime as dt

from bot.ask.asof import inspections_as_of, no_inspection, not_yet, published_by, undated_note
from bot.ask.filters import FINDING_KINDS, parse_filters
from bot.ask.quoting import quotes
from bot.ask.results import FindingLine, FindingsList, InspectionFindings, KindCount, NotFound
from bot.ask.rows import Rows
from bot.content.areas import match_area
from bot.content.kb import KnowledgeBase
from bot.content.model import Finding, HistoryEntry, Inspection


def _entry_day(kb: KnowledgeBase, h: HistoryEntry) -> dt.date | None:
    """When a history entry took effect: its date, or (undated) the day its evidence document
    counts from, late rather than early; None when nothing places it (it then counts)."""
    if h.date or not (h.evidence and h.evidence.document):
        return h.date
    doc = kb.index["document"].get(h.evidence.document)
    if doc and doc.published:
        return doc.published
    return next((i.counted_from for i in kb.inspections if h.evidence.document in i.sources), None)


def status_as_of(kb: KnowledgeBase, f: Finding, day: dt.date) -> str:
    """The status on the day: the last history entry in effect by then."""
    if not f.history:
        return f.status
    applied = [h for h in f.history if (_entry_day(kb, h) or day) <= day]
    return applied[-1].status if applied else "open"


def counts(kb: KnowledgeBase, insp: Inspection, kinds: tuple[str, ...],
           area_id: str | None = None) -> list[KindCount]:
    """How many findings of each kind the inspection raised (in the area), and for a kind it
    raised none of, the line saying so when the report says or shows it."""
    out = []
    for kind in kinds:  # counted by the knowledge base's index, never by a scan
        n, parts = kb.finding_count(insp.id, kind, area_id or "")
        none = next((x for x in insp.not_raised if x.kind == kind), None)
        out.append(KindCount(kind, n, parts, none if not n and area_id is None else None))
    return out


ORDER = {k: n for n, k in enumerate(FINDING_KINDS)}


def _group(kb: KnowledgeBase, insp: Inspection, kinds: tuple[str, ...], area_id: str | None,
           day: dt.date) -> InspectionFindings:
    """One inspection's findings of the kinds (in the area), kind by kind and in content order
    within a kind. The rows are made when read: a page of `findings` at national scale builds
    only the findings it shows (bot.ask.rows)."""
    tally = counts(kb, insp, kinds, area_id)
    picked: list[Finding] | None = None

    def row(n: int) -> FindingLine:
        nonlocal picked
        if picked is None:  # this inspection's findings only, sorted once (stable)
            picked = sorted((f for f in kb.findings_of(insp.id) if f.kind in kinds
                             and (area_id is None or f.area == area_id)),
                            key=lambda f: ORDER[f.kind])
        f = picked[n]
        return FindingLine(f, status_as_of(kb, f, day), list(f.parts))

    return InspectionFindings(insp, tally, Rows(sum(c.count for c in tally), row))


def findings(kb: KnowledgeBase, text: str, as_of: dt.date) -> FindingsList | NotFound:
    f = parse_filters(kb, text, kinds=FINDING_KINDS)
    kinds = f.kinds or FINDING_KINDS
    if f.unknown_year:
        return NotFound(no_inspection(kb, f.year),
                        [f"findings {i.year}" for i in kb.inspections],
                        quotes(kb, f"{f.year} inspection", None, 2))
    if f.inspections is not None:
        insps = list(f.inspections)
        later = [i for i in insps if not published_by(i, as_of)]
        if later and len(later) == len(insps):
            return NotFound(not_yet(later[0], as_of), [f"findings {i.year}" for i in
                                                       inspections_as_of(kb, as_of)])
        insps = [i for i in insps if i not in later]
    else:
        insps = inspections_as_of(kb, as_of)
    area = None
    if f.words:
        area = match_area(kb, f.words)
        if area is None:
            return NotFound(f"No area matches '{f.words}'.",
                            [f"search {f.words}"] + [a.id for a in kb.areas][:10])
    groups = [_group(kb, i, kinds, area.id if area else None, as_of) for i in insps]
    return FindingsList(groups, kinds, area, as_of, undated_note(insps) if f.year == "" else "")
