"""When the ticking process dies or Slack refuses for a while: a stand-by finishes the tick, a
post Slack was still storing when its sender died is not sent twice, a 429 storm at 09:00 is
delivered later that morning, a failed milestone is folded into the next, a missed tick runs
once on wake. Real processes killed with SIGKILL, the emulator, SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import signal
import threading
import time

import pytest

from bot.content.policy import Policy
from bot.live import LiveKnowledgeBase
from bot.reminders.clock import JOB_ID, Clock
from bot.reminders.ledger import Ledger
from bot.reminders.sender import Sender, make_client
from bot.reminders.service import ReminderService
from bot.reminders.tick import run_tick
from tests.reminders_harness import (
    FAST,
    MONDAY,
    assert_each_once,
    at,
    cli_env,
    make_content,
    reset,
    settings_for,
    start_cli,
)
from tests.slack_emulator import SlackEmulator
from tests.slack_harness import wait_until

EXPECTED = {"tst-2016-rec-01|lead-7|2017-05-01|C0BRIEF", "tst-2016-rec-01|lead-7|2017-05-01|C0OTHER"}


@pytest.fixture
def slack():
    with SlackEmulator() as emu:
        reset(emu)
        yield emu


@pytest.fixture
def content(tmp_path):
    return make_content(tmp_path)


def service_at(settings, content, start: str):
    """A `serve` replica's scheduler whose clock reads `start` plus the real time since."""
    live = LiveKnowledgeBase(content)
    t0 = time.monotonic()
    service = ReminderService(settings, live, make_client("xoxb-test", settings.slack_api_url),
                              now=lambda: at(start, service.policy.tz)
                              + dt.timedelta(seconds=time.monotonic() - t0))
    service.clock.scheduler.start()  # for the same-day retries (no cron, no catch-up)
    return service


@pytest.mark.parametrize("killed_post", ["stored", "still-being-stored"])
def test_leader_killed_mid_tick_the_standby_finishes_within_a_minute(
        slack, database, tmp_path, content, killed_post) -> None:
    """`remind` posts to C0BRIEF and is killed (-9) waiting for Slack's answer; a replica
    already waiting for the lock takes over, settles the killed post from the channel (after
    the settle time when Slack was still storing it) and posts the rest: each reminder once."""
    Ledger(database.url).create()
    timing = dataclasses.replace(FAST, settle_seconds=6)
    if killed_post == "stored":
        slack.inject("chat.postMessage", channel="C0BRIEF", delay=60)  # stored, no answer
    else:
        slack.inject("chat.postMessage", channel="C0BRIEF", store_after=4)  # lands later
    leader = start_cli(["remind", "--now", MONDAY],
                       cli_env(slack, database.url, tmp_path, content, timing))
    try:
        wait_until(lambda: slack.calls_to("chat.postMessage"), timeout=60)
        settings = settings_for(slack, database, tmp_path, content, timing)
        standby = service_at(settings, content, MONDAY)
        done = threading.Event()
        first: list = []
        threading.Thread(target=lambda: (first.append(standby.tick(standby.now())),
                                         done.set()), daemon=True).start()
        time.sleep(0.5)
        assert not done.is_set(), "the stand-by must wait while the leader holds the lock"
        leader.send_signal(signal.SIGKILL)
        leader.wait(timeout=10)
        killed = time.monotonic()
        wait_until(lambda: len(slack.messages("C0OTHER")) == 1 and len(
            slack.messages("C0BRIEF")) == 1 and not standby.ledger.rows("pending"), timeout=60)
        assert time.monotonic() - killed < 60
        time.sleep(0.5)  # nothing more goes out
        assert_each_once(slack, EXPECTED)
        assert {r.state for r in standby.ledger.rows()} == {"sent"}
        if killed_post == "still-being-stored":  # left alone until it could have landed
            assert first[0].settled.deferred
    finally:
        if leader.poll() is None:
            leader.kill()
            leader.wait()
        if "standby" in locals():
            standby.stop()


def test_429_storm_at_nine_is_delivered_later_that_morning(slack, database, tmp_path,
                                                           content, caplog) -> None:
    """Rate limited past the client's own retries: the digest is retried on the backoff the
    same morning, each attempt logged, and goes out once."""
    caplog.set_level(logging.INFO)
    slack.inject("chat.postMessage", channel="C0BRIEF", status=429, retry_after=0, times=8)
    service = service_at(settings_for(slack, database, tmp_path, content), content, MONDAY)
    try:
        first = service.tick(service.now())
        assert first.unsettled and not slack.messages("C0BRIEF")
        assert len(slack.messages("C0OTHER")) == 1  # the other destination went at once
        assert "C0BRIEF: HTTP 429" in slack.messages("C0MAINT")[0]["text"]
        wait_until(lambda: slack.messages("C0BRIEF"), timeout=60)
        wait_until(lambda: service.last_result and not service.last_result.unsettled)
        assert service.next_retry is None
        delivered = service.last_result
        assert delivered.day == dt.date(2017, 4, 24) and delivered.sent == 1
        logged = caplog.text
        assert "retry 1 of 3" in logged and "retry 2 of 3" in logged
        assert "(retry 2)" in logged  # the attempt that delivered it
        assert_each_once(slack, EXPECTED)
    finally:
        service.stop()


def test_no_retry_after_working_hours(slack, database, tmp_path, content) -> None:
    """At 16:58 the next retry (5 minutes) would fall after `retries_until` (17:00): none is
    scheduled, and the maintainers are told the next working day's digest carries it."""
    slack.set_channel("C0BRIEF", member=False)
    settings = settings_for(slack, database, tmp_path, content,
                            dataclasses.replace(FAST, retry_minutes=(5, 15, 60)))
    service = service_at(settings, content, "2017-04-24T16:58")
    try:
        result = service.tick(service.now())
        assert result.unsettled and service.next_retry is None
        assert service.clock.scheduler.get_job("reminders-retry") is None
        alerts = " ".join(m["text"] for m in slack.messages("C0MAINT"))
        assert "not_in_channel" in alerts and "no more retries today" in alerts
    finally:
        service.stop()


def test_a_failed_milestone_is_folded_visibly_into_the_next(tmp_path, slack, mini_kb) -> None:
    """The 14-day reminder fails all Tuesday; by the next tick the 7-day one has come: one line
    that says it also stands for the 14-day reminder, and both are recorded as sent."""
    policy = Policy(default_channel="C0BRIEF", pcc_response_days=0)
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.sqlite3'}").create()
    sender = Sender(make_client("xoxb-test", slack.base_url), ledger, mini_kb)
    slack.set_channel("C0BRIEF", member=False)
    tuesday = run_tick(mini_kb, policy, ledger, sender, at("2017-04-18T09:00", policy.tz))
    assert tuesday.outcomes[0].failed
    slack.set_channel("C0BRIEF", member=True)
    monday = run_tick(mini_kb, policy, ledger, sender, at("2017-04-24T09:00", policy.tz))
    [message] = slack.messages("C0BRIEF")
    text = str(message["blocks"])
    assert "also due: the reminder 14 days before (not delivered then)" in text
    assert sorted(message["metadata"]["event_payload"]["keys"]) == [
        "tst-2016-rec-01|lead-14|2017-05-01|C0BRIEF", "tst-2016-rec-01|lead-7|2017-05-01|C0BRIEF"]
    assert monday.sent == 2 and {r.state for r in ledger.rows()} == {"sent"}


def test_a_tick_missed_beyond_the_grace_period_runs_once_on_wake() -> None:
    """The process slept through 09:00 by more than the grace period: APScheduler reports the
    run missed; the clock alerts and runs the tick once, as soon as it wakes."""
    policy = Policy(default_channel="C0BRIEF")
    ticks: list[dt.datetime] = []
    alerts: list[str] = []
    woke = at("2017-04-24T11:00", policy.tz)
    clock = Clock(policy, ticks.append, alert=alerts.append, grace_seconds=1, now=lambda: woke)
    clock.rebuild(policy)
    clock.scheduler.modify_job(JOB_ID, next_run_time=dt.datetime.now(dt.UTC)
                               - dt.timedelta(hours=2))  # due two hours ago, while asleep
    clock.scheduler.start()
    try:
        wait_until(lambda: ticks, timeout=10)
        time.sleep(0.5)
        assert ticks == [woke]
        assert any("missed its run" in a and "runs now, once" in a for a in alerts)
    finally:
        clock.stop()


def test_serve_posts_reminders_with_a_client_that_never_retries_a_post_blindly(
        slack, tmp_path, content) -> None:
    """`serve` builds the scheduler without a client: the one it makes retries neither a 503
    nor a dropped connection on chat.postMessage (the slash-command client does, for answers)."""
    from tests.reminders_harness import Database

    db = Database("sqlite", tmp_path)
    service = ReminderService(settings_for(slack, db, tmp_path, content), LiveKnowledgeBase(content))
    try:
        slack.inject("chat.postMessage", channel="C0BRIEF", status=503)
        slack.inject("chat.postMessage", channel="C0OTHER", drop=True)
        result = service.tick(at(MONDAY, service.policy.tz))
        posts = [c for c in slack.calls_to("chat.postMessage")
                 if c.params["channel"] in ("C0BRIEF", "C0OTHER")]
        assert len(posts) == 2  # one each, no retry
        assert sorted(k.destination for k in result.pending) == ["C0BRIEF", "C0OTHER"]
    finally:
        service.stop()
