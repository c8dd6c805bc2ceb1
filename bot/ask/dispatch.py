"""From a parsed query to its result: which query answers each command. Pure: the caller
passes the knowledge base and the date; `digest` also reads the `Context` (where it was asked,
the time, the reminders ledger). `bot.render.answer` adds parsing and rendering around it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from bot.ask import listing, queries, quoting, searching
from bot.ask.asof import (
    inspections_as_of,
    latest_inspections,
    no_inspection,
    not_yet,
    published_by,
    undated_note,
)
from bot.ask.command import Query
from bot.ask.digest import StateOf, preview
from bot.ask.results import (
    HelpResult,
    InspectionJudgments,
    JudgmentsResult,
    NotFound,
    ResponsesResult,
)
from bot.content.areas import match_area
from bot.content.kb import KnowledgeBase
from bot.content.policy import policy_of


@dataclass(frozen=True)
class Context:
    """Where and when a question is asked, for the answers that depend on it (`digest`)."""

    destination: str | None = None  # the channel asked in (a user id in a DM); None: default
    now: dt.datetime | None = None  # None: the start of the as-of day
    ledger: StateOf | None = None  # the reminders ledger's state; None: nothing sent yet
    # The deployment's force (DEFAULT_FORCE) when the base holds several: what a request that
    # names none is about, unless the channel has its own (bot.ask.forces.pick)
    default_force: str | None = None


def run_query(kb: KnowledgeBase, q: Query, as_of: dt.date, context: Context | None = None) -> Any:
    """Answer a parsed query with a result object."""
    if q.command == "help":
        return HelpResult(q.words)
    if q.command == "judgments":
        return _judgments(kb, q, as_of)
    if q.command == "findings":
        return listing.findings(kb, q.words, as_of)
    if q.command == "inspection":
        return _inspection(kb, q, as_of)
    if q.command == "area":
        area = match_area(kb, q.words)
        if area is None:
            return NotFound(f"No area matches '{q.words}'.", [a.id for a in kb.areas][:15])
        return queries.area_history(kb, area.id, as_of)
    if q.command == "overdue":
        return queries.overdue(kb, as_of, q.words)
    if q.command == "due":
        return queries.due(kb, as_of, q.days, q.words)
    if q.command == "figures":
        return queries.figures(kb, q.words, q.year)
    if q.command == "show":
        return queries.show(kb, q.words, as_of)
    if q.command == "search":
        return searching.search(kb, q.words, as_of)
    if q.command == "calendar":
        return queries.calendar(kb, as_of)
    if q.command == "digest":
        ctx = context or Context()
        now = ctx.now or dt.datetime.combine(as_of, dt.time(0))
        result = preview(kb, policy_of(kb), q.words or ctx.destination, now, ctx.ledger)
        # A destination the user typed is shown as text, never as a mention (it may be anyone's).
        return replace(result, typed=bool(q.words))
    if q.command == "responses":
        insps = queries.inspections_for_year(kb, q.year) if q.year else kb.inspections
        with_responses = [i for i in insps if any(r.inspection == i.id for r in kb.responses)]
        if not with_responses:
            return NotFound("No response is recorded" + (f" for {q.year}." if q.year else "."))
        insp = with_responses[-1]
        return ResponsesResult(insp, [r for r in kb.responses if r.inspection == insp.id])
    raise AssertionError(f"unhandled command {q.command}")


def _inspection(kb: KnowledgeBase, q: Query, as_of: dt.date) -> Any:
    """`inspection 2021/22` (or an id): what the report says about itself, in full."""
    if q.year:
        insps = queries.inspections_for_year(kb, q.year)
        if not insps:
            return NotFound(no_inspection(kb, q.year), [f"inspection {i.year}" for i in kb.inspections])
    elif q.words and kb.index["inspection"].get(q.words.split()[0].lower()):
        insps = [kb.inspection(q.words.split()[0].lower())]
    elif not q.words or q.words.lower() == "latest":
        insps = latest_inspections(kb, as_of)
        if not insps:
            return NotFound(f"No inspection is recorded as published by {as_of.isoformat()}.")
    else:
        return NotFound(f"No inspection matches '{q.words}'.",
                        [f"inspection {i.year}" for i in kb.inspections])
    return queries.show(kb, insps[-1].id, as_of)


GRADES = ("requires improvement", "inadequate", "adequate", "outstanding", "good")


def _take_grade(words: str) -> tuple[str | None, str]:
    """`judgments latest inadequate`: a grade word first narrows the rows to that grade."""
    low = words.lower()
    for grade in GRADES:
        if low == grade or low.startswith(grade + " "):
            return grade, words[len(grade):].strip()
    return None, words


def _judgments(kb: KnowledgeBase, q: Query, as_of: dt.date) -> Any:
    grade, words = _take_grade(q.words)
    result = _judgments_of(kb, q, words, as_of)
    if grade is None or not isinstance(result, JudgmentsResult):
        return result
    groups = [InspectionJudgments(g.inspection, [r for r in g.rows if r.grade == grade])
              for g in result.groups]
    return replace(result, groups=groups)


def _judgments_of(kb: KnowledgeBase, q: Query, words: str, as_of: dt.date) -> Any:
    area_id = None
    note = ""
    if q.year:
        insps = queries.inspections_for_year(kb, q.year)
        if not insps:
            return NotFound(no_inspection(kb, q.year),
                            [f"judgments {i.year}" for i in kb.inspections],
                            quoting.quotes(kb, f"{q.year} inspection", None, 2))
        later = [i for i in insps if not published_by(i, as_of)]
        if len(later) == len(insps):
            return NotFound(not_yet(later[0], as_of), ["judgments latest"])
        insps = [i for i in insps if i not in later]
    elif words and kb.index["inspection"].get(words.split()[0].lower()):
        first, _, words = words.partition(" ")
        insps = [kb.inspection(first.lower())]
    elif q.latest or not words:
        insps = latest_inspections(kb, as_of)
        note = _latest_note(insps, as_of)
    else:
        insps = inspections_as_of(kb, as_of)  # `judgments investigation`: every one
    if words:
        area = match_area(kb, words)
        if area is None:
            return NotFound(f"No area matches '{words}'.", [a.id for a in kb.areas][:15])
        area_id = area.id
    result = queries.judgments(kb, insps, area_id, q.words)
    return replace(result, note=note)


def _latest_note(insps: list, as_of: dt.date) -> str:
    if not insps:
        return f"No inspection is recorded as published by {as_of.day} {as_of:%B %Y}."
    return " ".join(x for x in (f"Latest as of {as_of.day} {as_of:%B %Y}.",
                                undated_note(insps)) if x)
