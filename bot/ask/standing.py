"""What stood on a date: the inspections published by then.

An inspection whose publication date is not recorded counts from the end of its year (31
December): late rather than early, so an answer as of a date never shows a report before it
could have been read.
"""

from __future__ import annotations

import datetime as dt

from bot.content.kb import KnowledgeBase
from bot.content.model import Inspection


def counts_from(insp: Inspection) -> dt.date:
    return insp.published or dt.date(insp.start_year, 12, 31)


def published_by(insp: Inspection, as_of: dt.date) -> bool:
    return counts_from(insp) <= as_of


def standing_inspections(kb: KnowledgeBase, as_of: dt.date) -> list[Inspection]:
    """The inspections published by `as_of`, oldest first."""
    return [i for i in kb.inspections if published_by(i, as_of)]


def latest_standing(kb: KnowledgeBase, as_of: dt.date) -> list[Inspection]:
    """Each force's most recent inspection published by `as_of`."""
    latest: dict[str, Inspection] = {}
    for insp in standing_inspections(kb, as_of):
        latest[insp.force] = insp
    return list(latest.values())
