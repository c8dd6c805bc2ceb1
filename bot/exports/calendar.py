"""Deadlines as an iCalendar feed: one all-day event per dated deadline (findings and parts).

UIDs are stable across exports ("<item id>-<date>@inspection-bot"), so a calendar that
subscribed keeps its events when the feed is fetched again, and a moved deadline is a new event.
DTSTAMP comes from `as_of`, so the same content and date give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hmac

import icalendar

from bot.content.kb import KnowledgeBase
from bot.content.model import Deadline, Finding, SourceRef
from bot.exports.tracker import STATUS_WORDS, short_text

PRODID = "-//inspection-bot//deadlines//EN"
UID_DOMAIN = "inspection-bot"


def dated_deadlines(kb: KnowledgeBase) -> list[tuple[Finding, str, str, Deadline, SourceRef | None]]:
    """(finding, item id, wording, deadline, source) for every deadline with a date."""
    out: list[tuple[Finding, str, str, Deadline, SourceRef | None]] = []
    for f in kb.findings:
        if f.deadline and f.deadline.date:
            out.append((f, f.id, f.text, f.deadline, f.source))
        for p in f.parts:
            if p.deadline and p.deadline.date:
                out.append((f, p.id, p.text, p.deadline, p.source or f.source))
    out.sort(key=lambda t: (t[3].date, t[1]))
    return out


def uid(item_id: str, date: dt.date) -> str:
    return f"{item_id}-{date.isoformat()}@{UID_DOMAIN}"


def to_calendar(kb: KnowledgeBase, as_of: dt.date) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Inspection deadlines")
    stamp = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)
    for f, item_id, text, deadline, source in dated_deadlines(kb):
        assert deadline.date is not None
        insp = kb.inspection(f.inspection)
        event = icalendar.Event()
        event.add("uid", uid(item_id, deadline.date))
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.date)
        event.add("dtend", deadline.date + dt.timedelta(days=1))
        event.add("summary", f"{item_id}: {short_text(text, 80)}")
        where = f"{source.document} line {source.line}" if source else "not recorded"
        event.add("description", "\n".join([
            " ".join(text.split()),
            "",
            f"Deadline: \u201c{deadline.phrase}\u201d ({deadline.set_by})",
            f"Status: {STATUS_WORDS.get(f.status, f.status)}",
            f"Area: {kb.area_name(f.area)}",
            f"Inspection: {insp.title} ({insp.year})",
            f"Source: {where}",
        ]))
        event.add("categories", [kb.area_name(f.area)])
        event.add("transp", "TRANSPARENT")  # an all-day deadline does not block the day
        cal.add_component(event)
    return cal


def to_ics(kb: KnowledgeBase, as_of: dt.date) -> str:
    return to_calendar(kb, as_of).to_ical().decode("utf-8")


def calendar_response(kb: KnowledgeBase, token: str | None, expected_token: str | None,
                      as_of: dt.date) -> tuple[int, dict[str, str], bytes]:
    """`GET /calendar.ics?token=...` as (status, headers, body), for any HTTP server.

    404 when no CALENDAR_TOKEN is configured (the feed is off), 403 for a missing or wrong token.
    """
    text = {"Content-Type": "text/plain; charset=utf-8"}
    if not expected_token:
        return 404, text, b"The calendar feed is not enabled (CALENDAR_TOKEN is not set).\n"
    if not token or not hmac.compare_digest(token.encode(), expected_token.encode()):
        return 403, text, b"Wrong or missing calendar token.\n"
    body = to_calendar(kb, as_of).to_ical()
    return 200, {"Content-Type": "text/calendar; charset=utf-8",
                 "Content-Disposition": 'inline; filename="inspection-deadlines.ics"',
                 "Cache-Control": "private, max-age=900"}, body
