"""Inspections as of a date, and by the year people type.

An answer "as of" a date uses only the inspections published on or before it. An inspection
without a recorded publication date counts from the end of the last year its label names
(2014 from 31 December 2014, 2021/22 from 31 December 2022), and answers say so. Exports (the
tracker, the briefing) call `inspections_as_of` too, so every surface agrees.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from bot.ask.memo import memo
from bot.content.kb import KnowledgeBase
from bot.content.model import Inspection

YEAR_RE = re.compile(r"^(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?$")


def _years(insp: Inspection) -> tuple[int, int]:
    return _label_years(insp.year, insp.start_year)


@functools.lru_cache(maxsize=4096)  # a few labels ("2016", "2021/22") shared by every force
def _label_years(label: str, start_year: int) -> tuple[int, int]:
    m = YEAR_RE.match(label.strip())
    start = int(m.group(1)) if m else start_year
    end = start + 1 if m and m.group(2) else start
    return start, end


def inspections_for_year(kb: KnowledgeBase, year: str) -> list[Inspection]:
    """'2016', '2021/22', '2021-22' and '2022' all find the 2021/22 inspection."""
    m = YEAR_RE.match(year.strip())
    if not m:
        return []
    start = int(m.group(1))
    # Kept per knowledge base: at 43 forces a year's search, judgments or figures looked at
    # 430 inspections' labels for it every time (a tenth of a millisecond, several times an
    # answer).
    return list(memo(kb, ("inspections of year", start), lambda: _of_year(kb, start)))


def _of_year(kb: KnowledgeBase, start: int) -> tuple[Inspection, ...]:
    exact = tuple(i for i in kb.inspections if _years(i)[0] == start)
    return exact or tuple(i for i in kb.inspections if _years(i)[1] == start)


def published_by(insp: Inspection, day: dt.date) -> bool:
    """Was the inspection out on that day (undated: from the end of its year)?"""
    return insp.counted_from <= day


def inspections_as_of(kb: KnowledgeBase, day: dt.date | None) -> list[Inspection]:
    """The inspections published on or before the day, oldest first; all when day is None."""
    if day is None:
        return list(kb.inspections)
    # Kept per knowledge base and day (nearly always today), like a year's (above).
    return list(memo(kb, ("inspections as of", day),
                     lambda: tuple(i for i in kb.inspections if published_by(i, day))))


def unpublished_ids(kb: KnowledgeBase, day: dt.date) -> frozenset[str]:
    """The ids of the inspections not yet published on the day (usually none)."""
    return memo(kb, ("unpublished on", day), lambda: frozenset(
        i.id for i in kb.inspections if not published_by(i, day)))


def latest_inspections(kb: KnowledgeBase, day: dt.date | None = None) -> list[Inspection]:
    """The most recent inspection of each force, as of the day (None: whatever is recorded)."""
    def build() -> tuple[Inspection, ...]:
        latest: dict[str, Inspection] = {}
        for insp in inspections_as_of(kb, day):  # sorted oldest first
            latest[insp.force] = insp
        return tuple(latest.values())

    return list(memo(kb, ("latest inspections", day), build))


def undated_note(insps: list[Inspection]) -> str:
    """The sentence an as-of answer adds for inspections counted from the end of their year."""
    undated = [i for i in insps if i.published is None]
    if not undated:
        return ""
    if len({i.force for i in undated}) > 1:  # several forces: a year's reports said once
        years = {i.year: i.end_year for i in undated}
        return (f"No publication date is recorded for {len(undated)} inspections (of "
                + ", ".join(years) + "); as of a date each counts from the end of its year ("
                + "; ".join(f"{y} from 31 December {e}" for y, e in years.items()) + ").")
    parts = [f"{i.year} from 31 December {i.end_year}" for i in undated]
    return ("No publication date is recorded for " + ", ".join(i.year for i in undated)
            + "; as of a date it counts from the end of its year (" + "; ".join(parts) + ").")


def no_inspection(kb: KnowledgeBase, year: str) -> str:
    years = ", ".join(i.year for i in kb.inspections)
    return (f"No inspection from {year} is recorded in the knowledge base. "
            f"Inspections recorded: {years}.")


def not_yet(insp: Inspection, day: dt.date) -> str:
    when = (f"published {insp.published.day} {insp.published:%B %Y}" if insp.published else
            f"no publication date is recorded; it counts from 31 December {insp.end_year}")
    return (f"As of {day.day} {day:%B %Y} the {insp.year} inspection was not yet published "
            f"({when}).")
