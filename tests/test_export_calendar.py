"""The calendar feed (`export ics` and `GET /calendar.ics`): one all-day event per dated deadline."""

from __future__ import annotations

import datetime as dt

import icalendar
from click.testing import CliRunner

from bot.cli import cli
from bot.exports.calendar import calendar_response, dated_deadlines, to_ics


def _events(data: str | bytes) -> list:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def _dated(kb) -> list[tuple[str, dt.date]]:
    return [(item, d.date) for f in kb.findings for item, d in f.deadlines if d.date]


def test_ics_over_shipped_content_has_one_event_per_dated_deadline(kb, tmp_path) -> None:
    out = tmp_path / "deadlines.ics"
    result = CliRunner().invoke(cli, ["export", "ics", "--as-of", "2026-11-23", "-o", str(out)])
    assert result.exit_code == 0, result.output
    events = _events(out.read_bytes())
    assert len(events) == len(_dated(kb)) == len(dated_deadlines(kb)) > 0
    uids = {str(e["UID"]) for e in events}
    assert uids == {f"{item}-{date.isoformat()}@inspection-bot" for item, date in _dated(kb)}
    rec = next(e for e in events if str(e["UID"]).startswith("cle-2016-rec-01-"))
    assert rec.decoded("DTSTART") == dt.date(2017, 5, 1)  # all-day: a DATE, not a DATE-TIME
    assert rec.decoded("DTEND") == dt.date(2017, 5, 2)
    assert str(rec["SUMMARY"]).startswith("cle-2016-rec-01: ")
    description = str(rec["DESCRIPTION"])
    assert kb.finding("cle-2016-rec-01").text in description
    assert "by 1 May 2017" in description and "002_718f71f8ec19d512.txt line" in description


def test_ics_parts_have_their_own_events_and_output_is_reproducible(mini_kb) -> None:
    a = to_ics(mini_kb, dt.date(2017, 3, 10))
    assert a == to_ics(mini_kb, dt.date(2017, 3, 10)), "same content and date, same bytes"
    events = _events(a)
    assert sorted(str(e["UID"]) for e in events) == [
        "tst-2016-afi-01-2017-06-02@inspection-bot",
        "tst-2016-rec-01-2017-05-01@inspection-bot",
        "tst-2016-rec-01a-2017-06-01@inspection-bot"]
    assert all(e.decoded("DTSTAMP") == dt.datetime(2017, 3, 10, tzinfo=dt.UTC)
               for e in events)


def test_calendar_response_needs_the_configured_token(mini_kb) -> None:
    day = dt.date(2017, 3, 10)
    assert calendar_response(mini_kb, "anything", None, day)[0] == 404
    assert calendar_response(mini_kb, "anything", "", day)[0] == 404
    assert calendar_response(mini_kb, None, "s3cret", day)[0] == 403
    status, headers, body = calendar_response(mini_kb, "wrong", "s3cret", day)
    assert status == 403 and b"s3cret" not in body
    status, headers, body = calendar_response(mini_kb, "s3cret", "s3cret", day)
    assert status == 200 and headers["Content-Type"].startswith("text/calendar")
    assert len(_events(body)) == 3
