"""The calendar feed (`export ics` and `GET /calendar.ics`): one all-day event per dated deadline."""

from __future__ import annotations

import datetime as dt
import os

import icalendar
import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.content import loader
from bot.exports.calendar import calendar_response, dated_deadlines, to_ics, undated_deadlines
from bot.exports.calendar_state import CalendarState


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
    assert uids == {f"{item}@inspection-bot" for item, _ in _dated(kb)}  # no date in the UID
    rec = next(e for e in events if str(e["UID"]) == "cle-2016-rec-01@inspection-bot")
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
        "tst-2016-afi-01@inspection-bot", "tst-2016-rec-01@inspection-bot",
        "tst-2016-rec-01a@inspection-bot"]
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


def test_undatable_deadlines_are_listed_in_the_calendar_description(kb) -> None:
    """The 2014 report's deadlines cannot be dated (no publication date is recorded): they are
    not events, and the calendar's description names each of them, so none is silently absent."""
    cal = icalendar.Calendar.from_ical(to_ics(kb, dt.date(2026, 11, 23)))
    undated = undated_deadlines(kb)
    assert undated and {i[1] for i in undated} >= {"cle-2014-rec-01", "cle-2014-rec-06"}
    for prop in ("DESCRIPTION", "X-WR-CALDESC"):
        text = str(cal[prop])
        assert f"cannot be dated yet ({len(undated)})" in text
        assert all(f"- {item_id} (" in text for _, item_id, *_ in undated)
    assert not ({i[1] for i in undated} & {str(e["UID"]).split("@")[0] for e in _events(
        to_ics(kb, dt.date(2026, 11, 23))) if str(e["UID"]).startswith("cle-2014-rec-0")})


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_moved_deadline_keeps_its_uid_with_a_higher_sequence(backend, mini_dir, tmp_path) -> None:
    """Exported, then exported again after a maintainer moves a deadline: the same UID, a
    higher SEQUENCE and a later LAST-MODIFIED (so every calendar that imported the feed moves
    the event instead of adding a second one); DTSTAMP is each export's own time; untouched
    items keep their sequence. Closing an item cancels its event under the same UID."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    else:
        url = os.environ.get("TEST_DATABASE_URL") or ""
        if not url:
            pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL for the calendar state")
    state = CalendarState(url).create()
    if backend == "postgresql":
        from bot.exports.calendar_state import items

        with state.engine.begin() as c:
            c.execute(items.delete().where(items.c.item.like("tst-%")))
    first_at = dt.datetime(2017, 3, 10, 9, 0, tzinfo=dt.UTC)
    first = {str(e["UID"]): e for e in _events(
        to_ics(loader.load(mini_dir), dt.date(2017, 3, 10), now=first_at, state=state))}

    path = mini_dir / "2016.yaml"
    path.write_text(path.read_text().replace('date: "2017-05-01"', 'date: "2017-05-15"'))
    second_at = dt.datetime(2017, 3, 11, 9, 0, tzinfo=dt.UTC)
    second = {str(e["UID"]): e for e in _events(
        to_ics(loader.load(mini_dir), dt.date(2017, 3, 11), now=second_at, state=state))}

    uid = "tst-2016-rec-01@inspection-bot"
    assert set(first) == set(second)  # one event per item, before and after
    assert first[uid].decoded("DTSTART") == dt.date(2017, 5, 1)
    assert second[uid].decoded("DTSTART") == dt.date(2017, 5, 15)
    assert int(second[uid]["SEQUENCE"]) > int(first[uid]["SEQUENCE"]) == 0
    assert second[uid].decoded("LAST-MODIFIED") == second_at > first[uid].decoded("LAST-MODIFIED")
    assert first[uid].decoded("DTSTAMP") == first_at and second[uid].decoded("DTSTAMP") == second_at
    part = "tst-2016-rec-01a@inspection-bot"
    assert int(second[part]["SEQUENCE"]) == int(first[part]["SEQUENCE"]) == 0

    # the same content again: nothing moved, nothing rises
    again = {str(e["UID"]): e for e in _events(to_ics(
        loader.load(mini_dir), dt.date(2017, 3, 12),
        now=dt.datetime(2017, 3, 12, tzinfo=dt.UTC), state=state))}
    assert int(again[uid]["SEQUENCE"]) == int(second[uid]["SEQUENCE"])

    path.write_text(path.read_text().replace(
        "    owner: head-of-crime\n",
        "    owner: head-of-crime\n    status: closed\n    history:\n"
        "      - {date: \"2017-03-12\", status: closed, note: done}\n", 1))
    closed = {str(e["UID"]): e for e in _events(to_ics(
        loader.load(mini_dir), dt.date(2017, 3, 13),
        now=dt.datetime(2017, 3, 13, tzinfo=dt.UTC), state=state))}
    afi = "tst-2016-afi-01@inspection-bot"
    assert str(closed[afi]["STATUS"]) == "CANCELLED"
    assert int(closed[afi]["SEQUENCE"]) == int(again[afi]["SEQUENCE"]) + 1


def test_export_ics_on_the_command_line_remembers_what_it_published(tmp_path, mini_dir) -> None:
    """`export ics` twice with the same DATA_DIR after a move: same UID, higher SEQUENCE."""
    env = {"DATA_DIR": str(tmp_path / "data")}
    args = ["--content", str(mini_dir), "export", "ics", "--as-of", "2017-03-10"]
    one = CliRunner().invoke(cli, args, env=env)
    assert one.exit_code == 0, one.output
    path = mini_dir / "2016.yaml"
    path.write_text(path.read_text().replace('date: "2017-05-01"', 'date: "2017-05-08"'))
    two = CliRunner().invoke(cli, args, env=env)
    assert two.exit_code == 0, two.output
    seq = {str(e["UID"]): int(e["SEQUENCE"]) for e in _events(two.output)}
    assert seq["tst-2016-rec-01@inspection-bot"] == 1
    assert seq["tst-2016-rec-01a@inspection-bot"] == 0
