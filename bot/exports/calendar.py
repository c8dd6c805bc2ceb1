"""Deadlines as an iCalendar feed: one all-day event per dated deadline (findings and parts).

Each item keeps one UID ("<item id>@inspection-bot") for life, so a calendar that imported the
feed moves the event when its deadline moves instead of showing a second one. With a
CalendarState (the CLI and `serve` pass one), SEQUENCE and LAST-MODIFIED rise whenever the
deadline or the item's status changes; a closed or superseded item stays in the feed as
STATUS:CANCELLED so calendars remove it. DTSTAMP is the export time. Deadlines that cannot be
dated yet are listed in the calendar's description, so none is silently absent.
"""

from __future__ import annotations

import datetime as dt
import hmac

import icalendar

from bot.content.kb import KnowledgeBase
from bot.content.model import Deadline, Finding, SourceRef
from bot.exports.calendar_state import CalendarState
from bot.exports.tracker import STATUS_WORDS, short_text

PRODID = "-//inspection-bot//deadlines//EN"
UID_DOMAIN = "inspection-bot"
Item = tuple[Finding, str, str, Deadline, SourceRef | None]


def _items(kb: KnowledgeBase) -> list[Item]:
    out: list[Item] = []
    for f in kb.findings:
        if f.deadline:
            out.append((f, f.id, f.text, f.deadline, f.source))
        for p in f.parts:
            if p.deadline:
                out.append((f, p.id, p.text, p.deadline, p.source or f.source))
    return out


def dated_deadlines(kb: KnowledgeBase) -> list[Item]:
    """(finding, item id, wording, deadline, source) for every deadline with a date."""
    out = [i for i in _items(kb) if i[3].date]
    out.sort(key=lambda t: (t[3].date or dt.date.min, t[1]))
    return out


def undated_deadlines(kb: KnowledgeBase) -> list[Item]:
    """Deadlines of live findings that cannot be dated yet."""
    return sorted((i for i in _items(kb) if not i[3].date and i[0].is_live), key=lambda t: t[1])


def force_name(kb: KnowledgeBase, force_id: str) -> str:
    force = kb.index["force"].get(force_id)
    return force.name if force else force_id


def uid(item_id: str) -> str:
    return f"{item_id}@{UID_DOMAIN}"


def version(f: Finding, deadline: Deadline) -> str:
    """What the feed says about an item; a change bumps its SEQUENCE."""
    day = deadline.date.isoformat() if deadline.date else "undated"
    return day if f.is_live else f"{day} {f.status}"


def _undated_words(kb: KnowledgeBase) -> str:
    rows = undated_deadlines(kb)
    if not rows:
        return "Every deadline in the knowledge base has a date."
    lines = [f"Deadlines that cannot be dated yet ({len(rows)}), not shown as events:"]
    for f, item_id, _, d, _ in rows:
        insp = kb.inspection(f.inspection)
        why = (f"{d.after_publication} after publication, and no publication date is recorded"
               if d.after_publication else "the source gives no date")
        lines.append(f"- {item_id} ({insp.year}): \u201c{d.phrase}\u201d: {why}")
    return "\n".join(lines)


def to_calendar(kb: KnowledgeBase, as_of: dt.date, *, now: dt.datetime | None = None,
                state: CalendarState | None = None) -> icalendar.Calendar:
    stamp = now or dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)
    stamp = stamp.astimezone(dt.UTC)
    rows = dated_deadlines(kb)
    published = state.publish({item: version(f, d) for f, item, _, d, _ in rows}, stamp) \
        if state else {}
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Inspection deadlines")
    undated = _undated_words(kb)
    cal.add("description", icalendar.vText(undated))  # RFC 7986
    cal.add("x-wr-caldesc", icalendar.vText(undated))  # the name Apple and Google calendars read
    for f, item_id, text, deadline, source in rows:
        assert deadline.date is not None
        insp = kb.inspection(f.inspection)
        event = icalendar.Event()
        event.add("uid", uid(item_id))
        event.add("dtstamp", stamp)
        sequence, modified = published.get(item_id, (0, None))
        event.add("sequence", sequence)
        if modified is not None:
            event.add("last-modified", modified.astimezone(dt.UTC))
        event.add("dtstart", deadline.date)
        event.add("dtend", deadline.date + dt.timedelta(days=1))
        done = "" if f.is_live else f"[{STATUS_WORDS.get(f.status, f.status).lower()}] "
        # with several forces in the feed, each event says whose deadline it is
        force = f"{force_name(kb, insp.force)}: " if len(kb.forces) > 1 else ""
        event.add("summary", f"{done}{force}{item_id}: {short_text(text, 80)}")
        where = f"{source.document} line {source.line}" if source else "not recorded"
        event.add("description", "\n".join([
            " ".join(text.split()),
            "",
            f"Deadline: \u201c{deadline.phrase}\u201d ({deadline.set_by})",
            f"Status: {STATUS_WORDS.get(f.status, f.status)}",
            f"Area: {kb.area_name(f.area)}",
            f"Inspection: {insp.title} ({insp.year})",
            *([f"Force: {force_name(kb, insp.force)}"] if len(kb.forces) > 1 else []),
            f"Source: {where}",
        ]))
        event.add("status", "CONFIRMED" if f.is_live else "CANCELLED")
        event.add("categories", [kb.area_name(f.area)])
        event.add("transp", "TRANSPARENT")  # an all-day deadline does not block the day
        cal.add_component(event)
    return cal


def to_ics(kb: KnowledgeBase, as_of: dt.date, *, now: dt.datetime | None = None,
           state: CalendarState | None = None) -> str:
    return to_calendar(kb, as_of, now=now, state=state).to_ical().decode("utf-8")


def calendar_response(kb: KnowledgeBase, token: str | None, expected_token: str | None,
                      as_of: dt.date, *, now: dt.datetime | None = None,
                      state: CalendarState | None = None,
                      force: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """`GET /calendar.ics?token=...[&force=ID]` as (status, headers, body), for any HTTP server.

    404 when no CALENDAR_TOKEN is configured (the feed is off) or no force has the id asked
    for, 403 for a missing or wrong token.
    """
    text = {"Content-Type": "text/plain; charset=utf-8"}
    if not expected_token:
        return 404, text, b"The calendar feed is not enabled (CALENDAR_TOKEN is not set).\n"
    if not token or not hmac.compare_digest(token.encode(), expected_token.encode()):
        return 403, text, b"Wrong or missing calendar token.\n"
    if force:  # one force's deadlines (a base of several forces)
        if force not in kb.index["force"]:
            return 404, text, f"No force has the id '{force}'.\n".encode()
        kb = kb.scoped(force)
    body = to_calendar(kb, as_of, now=now, state=state).to_ical()
    return 200, {"Content-Type": "text/calendar; charset=utf-8",
                 "Content-Disposition": 'inline; filename="inspection-deadlines.ics"',
                 "Cache-Control": "private, max-age=900"}, body
