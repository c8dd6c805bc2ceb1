"""Reminders end to end: a real SQLite ledger (or PostgreSQL), the Slack emulator, a real
WebClient, time travel by passing `now`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os

import pytest
from sqlalchemy import create_engine

from bot.ask.milestones import due_posts
from bot.content.policy import Policy
from bot.database import engine_url
from bot.reminders.clock import trigger
from bot.reminders.leader import LockBusy, TickLock
from bot.reminders.ledger import Ledger
from bot.reminders.migrate import drop
from bot.reminders.sender import Sender, make_client, render
from bot.reminders.tick import run_tick
from bot.settings import ReminderTiming
from tests.slack_emulator import SlackEmulator

P = Policy(default_channel="C0DIGEST", pcc_response_days=0)
NOW_SETTLED = ReminderTiming(settle_seconds=0, lock_wait_seconds=1, lock_retry_seconds=0.05)


def at(day: dt.date, time: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day.isoformat()}T{time}").replace(tzinfo=P.tz)


@pytest.fixture
def slack():
    with SlackEmulator() as emu:
        emu.set_channel("C0DIGEST")
        emu.set_channel("C0MAINT")
        yield emu


@pytest.fixture
def ledger(tmp_path):
    return Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}").create()


def sender_for(slack, ledger, kb):
    return Sender(make_client("xoxb-test", slack.base_url), ledger, kb,
                  maintainers_channel="C0MAINT")


def days(start: dt.date, end: dt.date):
    d = start
    while d <= end:
        yield d
        d += dt.timedelta(days=1)


def all_keys(slack, channel="C0DIGEST"):
    return [k for m in slack.messages(channel) if m.get("metadata")
            for k in m["metadata"]["event_payload"]["keys"]]


def test_clock_change_march_and_october() -> None:
    t = trigger(P)
    utc = dt.UTC
    winter = t.get_next_fire_time(None, dt.datetime(2017, 3, 24, 10, tzinfo=utc))
    summer = t.get_next_fire_time(None, dt.datetime(2017, 3, 26, 10, tzinfo=utc))
    autumn = t.get_next_fire_time(None, dt.datetime(2017, 10, 29, 10, tzinfo=utc))
    assert winter.astimezone(utc) == dt.datetime(2017, 3, 27, 8, tzinfo=utc)  # Mon after BST starts
    assert summer.astimezone(utc) == dt.datetime(2017, 3, 27, 8, tzinfo=utc)
    assert autumn.astimezone(utc) == dt.datetime(2017, 10, 30, 9, tzinfo=utc)  # GMT again
    friday = t.get_next_fire_time(None, dt.datetime(2017, 3, 24, 7, tzinfo=utc))
    assert friday.astimezone(utc) == dt.datetime(2017, 3, 24, 9, tzinfo=utc)  # still GMT


def test_bank_holidays_weekends_each_reminder_once(slack, ledger, mini_kb) -> None:
    sender = sender_for(slack, ledger, mini_kb)
    results = {d: run_tick(mini_kb, P, ledger, sender, at(d))
               for d in days(dt.date(2017, 4, 10), dt.date(2017, 5, 12))}
    assert results[dt.date(2017, 4, 17)].status == "not-working-day"  # Easter Monday
    assert results[dt.date(2017, 4, 22)].status == "not-working-day"  # Saturday
    # lead-14 of 1 May falls on Easter Monday: out on Tuesday 18 April, once.
    tue = results[dt.date(2017, 4, 18)]
    assert [str(k) for o in tue.outcomes for k in o.sent] == [
        "tst-2016-rec-01|lead-14|2017-05-01|C0DIGEST"]
    # 1 May is a bank holiday too: the day-of reminder goes on 2 May.
    assert "tst-2016-rec-01|day|2017-05-01|C0DIGEST" in [
        str(k) for o in results[dt.date(2017, 5, 2)].outcomes for k in o.sent]
    keys = all_keys(slack)
    assert len(keys) == len(set(keys))
    assert all(len(r.outcomes) <= 1 for r in results.values())  # one digest per tick


def test_week_of_downtime_one_catch_up_digest(slack, ledger, mini_kb) -> None:
    sender = sender_for(slack, ledger, mini_kb)
    run_tick(mini_kb, P, ledger, sender, at(dt.date(2017, 4, 3)))
    before = len(slack.messages("C0DIGEST"))
    r = run_tick(mini_kb, P, ledger, sender, at(dt.date(2017, 5, 10)))  # down for five weeks
    assert len(slack.messages("C0DIGEST")) == before + 1
    assert all(i.late or i.milestone_day == dt.date(2017, 5, 10) for i in r.posts[0].items)
    assert run_tick(mini_kb, P, ledger, sender, at(dt.date(2017, 5, 11))).posts == []


def test_crash_between_post_and_confirm_is_reconciled(slack, ledger, mini_kb) -> None:
    sender = sender_for(slack, ledger, mini_kb)
    [post] = due_posts(mini_kb, P, ledger.state(), at(dt.date(2017, 4, 24)))
    claim = ledger.claim(post.keys, "C0DIGEST")
    sender.client.chat_postMessage(channel="C0DIGEST",
                                   **render(mini_kb, post, digest=claim.digest))  # then crash
    r = run_tick(mini_kb, P, ledger, sender, at(dt.date(2017, 4, 24)))
    assert r.posts == [] and len(slack.messages("C0DIGEST")) == 1
    assert {row.state for row in ledger.rows()} == {"sent"}


def test_crash_before_post_releases_the_claim(slack, ledger, mini_kb) -> None:
    sender = sender_for(slack, ledger, mini_kb)
    [post] = due_posts(mini_kb, P, ledger.state(), at(dt.date(2017, 4, 24)))
    ledger.claim(post.keys, "C0DIGEST")  # crash before posting
    # just made: its post could still be landing in Slack, so it is left alone for now
    early = run_tick(mini_kb, P, ledger, sender, at(dt.date(2017, 4, 24)))
    assert early.settled.deferred and not slack.messages("C0DIGEST")
    run_tick(mini_kb, P, ledger, sender, at(dt.date(2017, 4, 24)), timing=NOW_SETTLED)
    assert len(slack.messages("C0DIGEST")) == 1 and sorted(all_keys(slack)) == sorted(
        map(str, post.keys))


def test_rate_limit_is_retried_as_retry_after_says_and_delivered(slack, ledger, mini_kb) -> None:
    slack.inject("chat.postMessage", status=429, retry_after=1)
    r = run_tick(mini_kb, P, ledger, sender_for(slack, ledger, mini_kb), at(dt.date(2017, 4, 24)))
    assert r.sent and len(slack.messages("C0DIGEST")) == 1
    assert len(slack.calls_to("chat.postMessage")) == 2


def test_server_error_is_not_posted_again_until_the_channel_is_checked(slack, ledger,
                                                                       mini_kb) -> None:
    """A 500 may come from a Slack that stored the message: no blind retry. The claim stays
    pending; the next tick finds no message with its token and only then posts it again."""
    slack.inject("chat.postMessage", status=500)
    sender = sender_for(slack, ledger, mini_kb)
    r = run_tick(mini_kb, P, ledger, sender, at(dt.date(2017, 4, 24)))
    assert r.outcomes[0].unknown and not r.outcomes[0].sent
    posts = [c for c in slack.calls_to("chat.postMessage") if c.params["channel"] == "C0DIGEST"]
    assert len(posts) == 1  # not retried by the client
    assert "outcome is unknown" in slack.messages("C0MAINT")[0]["text"]  # alerted
    assert {row.state for row in ledger.rows()} == {"pending"}
    # once it can no longer be landing (settle_seconds: 0 here stands for "45 s later")
    again = run_tick(mini_kb, P, ledger, sender, at(dt.date(2017, 4, 24), "09:05"),
                     timing=NOW_SETTLED)
    assert again.settled.released and again.sent
    assert len(slack.messages("C0DIGEST")) == 1
    assert {row.state for row in ledger.rows()} == {"sent"}


def test_channel_the_bot_is_not_in_fails_alerts_and_retries(slack, ledger, mini_kb) -> None:
    slack.set_channel("C0DIGEST", member=False)
    sender = sender_for(slack, ledger, mini_kb)
    r = run_tick(mini_kb, P, ledger, sender, at(dt.date(2017, 4, 24)))
    assert r.outcomes[0].failed and r.outcomes[0].error == "not_in_channel"
    assert {row.state for row in ledger.rows()} == {"failed"}
    [alert] = slack.messages("C0MAINT")
    assert "not_in_channel" in alert["text"] and "C0DIGEST" in alert["text"]
    slack.set_channel("C0DIGEST", member=True)
    r = run_tick(mini_kb, P, ledger, sender, at(dt.date(2017, 4, 25)))
    assert r.sent and len(slack.messages("C0DIGEST")) == 1
    assert {row.state for row in ledger.rows()} == {"sent"}


def test_finding_closed_between_two_ticks(slack, ledger, mini_kb) -> None:
    sender = sender_for(slack, ledger, mini_kb)
    run_tick(mini_kb, P, ledger, sender, at(dt.date(2017, 4, 24)))
    closed = dataclasses.replace(mini_kb, findings=[dataclasses.replace(f, status="closed")
                                                    for f in mini_kb.findings])
    r = run_tick(closed, P, ledger, sender, at(dt.date(2017, 5, 2)))
    assert r.posts == [] and len(slack.messages("C0DIGEST")) == 1


def test_moved_deadline_rearms_and_shows_the_old_date(slack, ledger, mini_kb) -> None:
    sender = sender_for(slack, ledger, mini_kb)
    run_tick(mini_kb, P, ledger, sender, at(dt.date(2017, 4, 24)))
    rec = mini_kb.finding("tst-2016-rec-01")
    moved = dataclasses.replace(rec, deadline=dataclasses.replace(rec.deadline,
                                                                   date=dt.date(2017, 5, 8)))
    kb2 = dataclasses.replace(mini_kb, findings=[moved if f.id == rec.id else f
                                                  for f in mini_kb.findings])
    run_tick(kb2, P, ledger, sender, at(dt.date(2017, 4, 25)))
    last = slack.messages("C0DIGEST")[-1]
    assert "tst-2016-rec-01|lead-14|2017-05-08|C0DIGEST" in last["metadata"]["event_payload"]["keys"]
    assert "moved from 1 May 2017" in str(last["blocks"])


def _two_schedulers(url, slack, kb):
    engine1, engine2 = create_engine(url), create_engine(url)
    drop(engine1)
    l1, l2 = Ledger(engine1).create(), Ledger(engine2)
    a, b = TickLock(engine1, lease_seconds=5), TickLock(engine2, lease_seconds=5)
    s1, s2 = sender_for(slack, l1, kb), sender_for(slack, l2, kb)
    day = dt.date(2017, 4, 18)
    # a tick holds the lock: the other waits, then gives up
    with a.held(wait=1), pytest.raises(LockBusy, match="held the lock"):
        run_tick(kb, P, l2, s2, at(day), lock=b, timing=NOW_SETTLED)
    r1 = run_tick(kb, P, l1, s1, at(day), lock=a, timing=NOW_SETTLED)
    r2 = run_tick(kb, P, l2, s2, at(day), lock=b, timing=NOW_SETTLED)
    assert r1.sent and (r2.status, r2.sent) == ("ran", 0)  # the second finds it all sent
    r3 = run_tick(kb, P, l2, s2, at(dt.date(2017, 4, 24)), lock=b, timing=NOW_SETTLED)
    assert r3.status == "ran" and r3.sent
    keys = all_keys(slack)
    assert len(keys) == len(set(keys))
    drop(engine1)
    engine1.dispose()
    engine2.dispose()


def test_two_schedulers_on_sqlite_lease(tmp_path, slack, mini_kb) -> None:
    _two_schedulers(f"sqlite:///{tmp_path / 'shared.sqlite3'}", slack, mini_kb)


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                    reason="TEST_DATABASE_URL is not set: no PostgreSQL to test leader election on")
def test_two_schedulers_on_one_postgresql(slack, mini_kb) -> None:
    _two_schedulers(engine_url(os.environ["TEST_DATABASE_URL"]), slack, mini_kb)
