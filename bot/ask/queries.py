"""The questions the bot answers, as pure functions of the knowledge base and a date.

Nothing here reads the clock or knows about Slack: `as_of` is always passed in.
"""

from __future__ import annotations

import datetime as dt
import difflib
from bisect import bisect_left
from collections import Counter, defaultdict
from itertools import chain

from bot.ask.asof import (
    inspections_as_of,
    inspections_for_year,
    latest_inspections,
    no_inspection,
    published_by,
    undated_note,
    unpublished_ids,
)
from bot.ask.filters import KIND_NAMES, finding_kinds_in, take_inspections
from bot.ask.memo import memo
from bot.ask.results import (
    AreaResult,
    AreaRow,
    CalendarResult,
    DeadlineRow,
    FigureRow,
    FiguresResult,
    FindingsResult,
    ForceAreaRows,
    InspectionJudgments,
    ItemResult,
    JudgmentRow,
    JudgmentsResult,
    NotFound,
)
from bot.ask.rows import Rows, flattened
from bot.content.areas import match_area
from bot.content.kb import NO_INSPECTION, DeadlineItem, Deadlines, KnowledgeBase
from bot.content.model import Figure, Finding, Inspection, Judgment
from bot.content.words import tokens

__all__ = ["inspections_for_year", "latest_inspections"]


# --- judgments ----------------------------------------------------------------------------------

def _row(kb: KnowledgeBase, j) -> JudgmentRow:
    if j.carried_from:
        earlier = kb.index["inspection"].get(j.carried_from)
        source = kb.judgment_at(j.carried_from, j.area)
        return JudgmentRow(j, source.grade if source else None, earlier)
    return JudgmentRow(j, j.grade, None)


def judgments(kb: KnowledgeBase, inspections: list[Inspection], area_id: str | None = None,
              asked: str = "") -> JudgmentsResult:
    groups = []
    for insp in inspections:
        rows = [_row(kb, j) for j in kb.judgments_of(insp.id)
                if area_id is None or j.area == area_id]
        groups.append(InspectionJudgments(insp, rows))
    return JudgmentsResult(groups, kb.area(area_id) if area_id else None, asked)


def area_history(kb: KnowledgeBase, area_id: str, as_of: dt.date) -> AreaResult:
    """One area over the inspections published by `as_of`, with their findings and figures."""
    area = kb.area(area_id)
    assert area is not None
    rows = []
    known = inspections_as_of(kb, as_of)
    of = memo(kb, ("judgments in area", area_id), lambda: _judgments_in_area(kb, area_id))
    for insp in known:
        js = of.get(insp.id, ())
        if not js:
            rows.append(AreaRow(insp, None, None, None))
        for j in js:
            r = _row(kb, j)
            rows.append(AreaRow(insp, j, r.grade, r.carried_from))
    scales = {r.inspection.scale for r in rows if r.judgment}
    # The area's open findings and figures of every inspection are kept per knowledge base;
    # an answer as of a day before some were published leaves theirs out.
    every_live, every_figure = memo(kb, ("area findings and figures", area_id),
                                    lambda: _area_items(kb, area_id))
    unpublished = unpublished_ids(kb, as_of)
    live = [f for f in every_live if f.inspection not in unpublished]
    overdue_ids = {i.finding.id for i in kb.deadlines(area=area_id).before(as_of)}
    figures = [fig for fig in every_figure if fig.inspection not in unpublished]
    see_also = [a for a in (kb.area(x) for x in area.see_also) if a]
    return AreaResult(area, rows, len(scales) > 1, live, overdue_ids, figures, see_also, as_of,
                      undated_note(known), _by_force(kb, rows))


def _area_items(kb: KnowledgeBase, area_id: str) -> tuple[tuple[Finding, ...],
                                                         tuple[Figure, ...]]:
    """The area's open findings and its figures, of the recorded inspections, in content
    order (at 43 forces some 2,000 findings and 3,000 figures were looked through each time)."""
    recorded = {i.id for i in kb.inspections}
    live = tuple(f for f in kb.findings_in_area(area_id)
                 if f.is_live and f.inspection in recorded)
    figures = tuple(kb.figures[n] for n in kb.index["figures_in_area"].get(area_id, ())
                    if kb.figures[n].inspection in recorded)
    return live, figures


def _judgments_in_area(kb: KnowledgeBase, area_id: str) -> dict[str, list[Judgment]]:
    """The area's judgments by inspection, in content order (kb.judgments_of's, filtered):
    at 43 forces an area's history looked through 3,000 judgments for them."""
    of: dict[str, list[Judgment]] = defaultdict(list)
    for j in kb.judgments:
        if j.area == area_id:
            of[j.inspection].append(j)
    return dict(of)


def _by_force(kb: KnowledgeBase, rows: list[AreaRow]) -> list[ForceAreaRows]:
    """The rows a group a force, in the forces' order, when several forces are recorded."""
    if len(kb.forces) < 2:
        return []
    of: dict[str, list[AreaRow]] = defaultdict(list)
    for row in rows:
        of[row.inspection.force].append(row)
    return [ForceAreaRows(force, of[force.id]) for force in kb.forces if force.id in of]


# --- deadlines ----------------------------------------------------------------------------------

def _deadline_rows(kb: KnowledgeBase, f: Finding, as_of: dt.date) -> list[DeadlineRow]:
    owner = kb.owner(f.owner)
    rows = []
    for item_id, deadline in f.deadlines:
        text = f.text if item_id == f.id else next(p.text for p in f.parts if p.id == item_id)
        days = (as_of - deadline.date).days if deadline.date else None
        rows.append(DeadlineRow(f, item_id, text, deadline, days, owner.role if owner else None))
    return rows


def _row_of(kb: KnowledgeBase, i: DeadlineItem, as_of: dt.date) -> DeadlineRow:
    owner = kb.owner(i.finding.owner)
    days = (as_of - i.deadline.date).days if i.deadline.date else None
    return DeadlineRow(i.finding, i.item_id, i.text, i.deadline, days, owner.role if owner else None)


def _listed(kb: KnowledgeBase, items: list[DeadlineItem], inspections: list[str],
            span: tuple[int, int], as_of: dt.date) -> Rows[DeadlineRow]:
    """The rows of `items[first:last]`, in that order, without the deadlines of inspections
    not yet published by `as_of`, made when read. Usually every inspection is published and
    the rows are the slice itself; otherwise the positions kept are picked out once, from
    each item's inspection id (`inspections`, parallel to `items`)."""
    first, last = span
    unpublished = unpublished_ids(kb, as_of)
    if not unpublished:
        return Rows(last - first, lambda n: _row_of(kb, items[n], as_of), first)
    kept = [n for n, insp in enumerate(inspections[first:last], first) if insp not in unpublished]
    return Rows(len(kept), lambda n: _row_of(kb, items[kept[n]], as_of))


def _undated(kb: KnowledgeBase, deadlines: Deadlines, as_of: dt.date) -> Rows[DeadlineRow]:
    """The deadlines that cannot be dated yet, in content order."""
    return _listed(kb, deadlines.undated, deadlines.undated_inspections,
                   (0, len(deadlines.undated)), as_of)


def _filter_findings(kb: KnowledgeBase, words: str) -> tuple[Deadlines, str, str] | NotFound:
    """Narrow findings by kind words ("recommendations", "causes of concern"), by inspection (a
    year, "2016", or an inspection id), then by owner (role id or words) or area words: their
    live deadlines, the owner's or area's name, and what the kinds and inspection say ("" when
    neither is named: "recommendations from 2016")."""
    kinds, words = finding_kinds_in(words)
    year, insps, taken, rest = take_inspections(kb, words)
    if year and not insps:
        return NotFound(no_inspection(kb, year), [])
    # "overdue findings from 2016": the words around an inspection say nothing more
    rest = [w for w in rest if w.lower() not in ("findings", "finding", "from")] if taken else rest
    picked = _by_owner_or_area(kb, " ".join(rest))
    if isinstance(picked, NotFound):
        return picked
    deadlines, label = picked
    if not kinds and insps is None:
        return deadlines, label, ""
    what = " and ".join(KIND_NAMES[k] for k in kinds)
    if taken:
        what = f"{what or 'findings'} from {' and '.join(taken)}"
    inspections = frozenset(i.id for i in insps) if insps is not None else None

    def keep(i: DeadlineItem) -> bool:
        return ((not kinds or i.finding.kind in kinds)
                and (inspections is None or i.finding.inspection in inspections))

    # The narrowed deadlines are the listing's own, in its order: built once per narrowing
    # (the filter's deadlines are kept by the knowledge base, so their id names them).
    key = ("deadlines of", kinds, inspections, id(deadlines))
    kept = memo(kb, key, lambda: Deadlines(
        i for i in (*deadlines.dated, *deadlines.undated) if keep(i)))
    return kept, label, what


def _by_owner_or_area(kb: KnowledgeBase, words: str) -> tuple[Deadlines, str] | NotFound:
    if not words.strip():
        return kb.deadlines(), ""
    # An owner by id as typed (fold() would join 'head-of-crime' into one word), or by role words.
    key = words.strip().lower().replace(" ", "-")
    owner = kb.owner(key) or next(
        (o for o in kb.owners if tokens(words) and set(tokens(words)) <= set(tokens(o.role))), None)
    if owner:
        return kb.deadlines(owner=owner.id), owner.role
    area = match_area(kb, words)
    if area:
        return kb.deadlines(area=area.id), area.name
    names = [a.name.lower() for a in kb.areas] + [o.role.lower() for o in kb.owners]
    close = difflib.get_close_matches(words.lower(), names, n=3, cutoff=0.5)
    return NotFound(f"No area or owner matches '{words}'.", close)


def overdue(kb: KnowledgeBase, as_of: dt.date, words: str = "") -> FindingsResult | NotFound:
    picked = _filter_findings(kb, words)
    if isinstance(picked, NotFound):
        return picked
    deadlines, label, what = picked
    # Most overdue first, then by item id: `listed` is in that order already.
    rows = _listed(kb, deadlines.listed, deadlines.listed_inspections,
                   deadlines.listed_before(as_of), as_of)
    unresolved = _undated(kb, deadlines, as_of)
    title = f"Overdue {what or 'findings'}{f' — {label}' if label else ''}"
    return FindingsResult(title, as_of, rows, unresolved, "overdue", label)


def due(kb: KnowledgeBase, as_of: dt.date, days: int = 30, words: str = "") -> FindingsResult | NotFound:
    picked = _filter_findings(kb, words)
    if isinstance(picked, NotFound):
        return picked
    deadlines, label, what = picked
    span = deadlines.listed_between(as_of, as_of + dt.timedelta(days=days))
    rows = _listed(kb, deadlines.listed, deadlines.listed_inspections, span, as_of)
    unresolved = _undated(kb, deadlines, as_of)
    title = (f"{what[:1].upper() + what[1:] + ' due' if what else 'Due'} in the next {days} days"
             f"{f' — {label}' if label else ''}")
    return FindingsResult(title, as_of, rows, unresolved, "due", label, days)


def upcoming(kb: KnowledgeBase, as_of: dt.date, limit: int, published: bool = False
             ) -> list[DeadlineRow]:
    """The first `limit` deadlines of live findings from `as_of` on (`published`: only of
    inspections out by then), by date then id: found by bisection in the dated deadlines, so
    little more than what is shown is looked at."""
    ahead = kb.deadlines()
    items: list[DeadlineItem] = []
    for n in range(bisect_left(ahead.dates, as_of), len(ahead.dates)):
        if items and len(items) >= limit and ahead.dates[n] != items[-1].deadline.date:
            break  # every deadline of the last day shown is in: ties go by id below
        i = ahead.dated[n]
        if not published or published_by(kb.inspection(i.finding.inspection), as_of):
            items.append(i)
    items.sort(key=lambda i: (i.deadline.date, i.item_id))
    rows = []
    for i in items[:limit]:  # whenever its inspection was published, as `calendar` lists them
        owner = kb.owner(i.finding.owner)
        rows.append(DeadlineRow(i.finding, i.item_id, i.text, i.deadline,
                                (as_of - i.deadline.date).days if i.deadline.date else None,
                                owner.role if owner else None))
    return rows


def calendar(kb: KnowledgeBase, as_of: dt.date, limit: int = 5) -> CalendarResult:
    """The next deadlines, and how many are dated in all (counted once per knowledge base)."""
    total = memo(kb, "dated deadlines", lambda: sum(
        1 for f in kb.findings for _, d in f.deadlines if d.date))
    return CalendarResult(as_of, upcoming(kb, as_of, limit), total)


# --- figures ------------------------------------------------------------------------------------

def figures(kb: KnowledgeBase, words: str = "", year: str = "") -> FiguresResult:
    insps = inspections_for_year(kb, year) if year else kb.inspections
    allowed = {i.id for i in insps}
    query = set(tokens(words))
    if not query:  # every figure of the inspections, inspection by inspection (made when read)
        segments = [(insp, kb.index["figures_of"][insp.id]) for insp in kb.inspections
                    if insp.id in allowed and kb.index["figures_of"].get(insp.id)]
        return FiguresResult(flattened(segments, lambda insp, n: FigureRow(kb.figures[n], insp)),
                             words, year)
    area = match_area(kb, words) if words.strip() else None
    ranked = _ranked_figures(kb, query, area.id if area is not None else None,
                             allowed if year else None)

    def row(k: int) -> FigureRow:
        fig = kb.figures[ranked[k]]
        return FigureRow(fig, kb.inspection(fig.inspection))

    return FiguresResult(Rows(len(ranked), row), words, year)


def _ranked_figures(kb: KnowledgeBase, query: set[str], area: str | None,
                    allowed: set[str] | None) -> list[int]:
    """The figures matching the query words (by position in kb.figures), best first: those
    in the area, then by the share of the words their label and topics hold (half at least),
    then in inspection order, then content order. Only the figures holding a word or in the
    area are looked at; each score is a class, so the ranking is a few sorted lists of
    integers, not a sort of tuples (at 43 forces `figures crime` ranks 9,600 figures)."""
    terms = kb.index["figure_terms"]
    lists = [terms.get(word, ()) for word in query]
    size = len(query)
    insp_of = kb.index["figure_inspection"]  # each figure's place in kb.inspections
    if allowed is None and not memo(kb, "every figure in an inspection",
                                    lambda: NO_INSPECTION not in insp_of):
        allowed = {i.id for i in kb.inspections}
    # Only the year's inspections' figures (`allowed`: None for every one), kept from the
    # start: at 43 forces a year's are a tenth of those holding 'crime'. (Sets throughout, so
    # keeping them first or last is the same figures in the same classes.)
    keep: frozenset[int] | None = None
    if allowed is not None:  # the same few years asked again and again: kept per base
        keep = memo(kb, ("figures of inspections", frozenset(allowed)),
                    lambda: _figures_of(kb, allowed))
    # count -> the figures holding that many of the words (set operations for one or two
    # words, the usual; counted one by one for more)
    by_count: dict[int, set[int] | frozenset[int]]
    if size == 1:
        # the year's figures picked out of the word's (not all of the word's copied first)
        by_count = {1: set(lists[0]) if keep is None else keep.intersection(lists[0])}
    elif size == 2:
        first, second = ((set(lists[0]), set(lists[1])) if keep is None else
                         (keep.intersection(lists[0]), keep.intersection(lists[1])))
        by_count = {2: first & second, 1: first ^ second}
    else:
        counted: dict[int, set[int]] = defaultdict(set)
        for n, count in Counter(chain.from_iterable(lists)).items():
            counted[count].add(n)
        by_count = {count: ns & keep if keep is not None else ns
                    for count, ns in counted.items()}
    in_area = set(kb.index["figures_in_area"].get(area, ())) if area is not None else set()
    if keep is not None:
        in_area &= keep
    classes: dict[float, list[int]] = defaultdict(list)  # -score -> its figures
    for count, ns in by_count.items():
        covered = count / size
        if in_area:
            classes[-(covered + 0.5)].extend(ns & in_area)
            ns = ns - in_area
        if covered >= 0.5:
            classes[-covered].extend(ns)
    if in_area:
        classes[-0.5].extend(in_area.difference(*by_count.values()))
    place = kb.index["figure_place"].__getitem__  # in inspection order, then content order
    ranked: list[int] = []
    for score in sorted(classes):
        ranked += sorted(classes[score], key=place)
    return ranked


def _figures_of(kb: KnowledgeBase, allowed: set[str]) -> frozenset[int]:
    """The figures (positions in kb.figures) of the inspections `allowed`."""
    of_insp = kb.index["figures_of"]
    return frozenset().union(*(of_insp.get(i.id, ()) for i in kb.inspections if i.id in allowed))


# --- items and search ---------------------------------------------------------------------------

def show(kb: KnowledgeBase, item_id: str, as_of: dt.date) -> ItemResult | NotFound:
    found = kb.lookup(item_id)
    if found is None:
        close = difflib.get_close_matches(item_id.strip().lower(), kb.all_ids(), n=3, cutoff=0.6)
        return NotFound(f"Nothing has the id '{item_id}'.", close)
    kind, item = found
    context: dict = {}
    if kind in ("finding", "part"):
        finding = item if kind == "finding" else item[0]
        context["rows"] = _deadline_rows(kb, finding, as_of)
        context["later"] = [(rel, kb.finding(fid)) for rel, fid in kb.later_links(finding.id)]
        context["recommendations"] = [kb.finding(x) for x in kb.recommendations_for(finding.id)]
    if kind == "judgment":
        context["row"] = _row(kb, item)
    return ItemResult(kind, item, context)
