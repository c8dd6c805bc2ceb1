"""Exactly once when more than one thing can happen at once, and when Slack's answer is lost:
two `remind` runs together, a `remind` during `serve`'s tick, posts stored then answered 500 or
dropped, a dropped connection to one destination, a Slack clock behind the bot's. Over the
emulator and a real WebClient, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import time

import pytest

from bot.live import LiveKnowledgeBase
from bot.reminders.ledger import Ledger
from bot.reminders.sender import make_client, render
from bot.reminders.service import ReminderService
from tests.reminders_harness import (
    FAST,
    MONDAY,
    assert_each_once,
    at,
    cli_env,
    keys_posted,
    load,
    make_content,
    remind,
    reset,
    settings_for,
    start_cli,
    together,
)
from tests.slack_emulator import SlackEmulator

EXPECTED = {"tst-2016-rec-01|lead-7|2017-05-01|C0BRIEF", "tst-2016-rec-01|lead-7|2017-05-01|C0OTHER"}


@pytest.fixture
def slack():
    with SlackEmulator() as emu:
        reset(emu)
        yield emu


@pytest.fixture
def content(tmp_path):
    return make_content(tmp_path)


class Ticker:
    """What one `remind` process holds: its own engine, lock (holder), client and sender."""

    def __init__(self, slack, url: str, kb):
        from bot.content.policy import policy_of
        from bot.reminders.leader import TickLock
        from bot.reminders.sender import Sender

        self.kb, self.policy = kb, policy_of(kb)
        self.ledger = Ledger(url)
        self.lock = TickLock(self.ledger.engine, lease_seconds=FAST.lease_seconds,
                             retry_seconds=FAST.lock_retry_seconds)
        self.sender = Sender(make_client("xoxb-test", slack.base_url), self.ledger, kb,
                             maintainers_channel="C0MAINT")

    def tick(self):
        from bot.reminders.tick import run_tick

        self.ledger._sent.clear()  # a new process knows nothing yet
        return run_tick(self.kb, self.policy, self.ledger, self.sender,
                        at(MONDAY, self.policy.tz), lock=self.lock, timing=FAST)


@pytest.mark.parametrize("latency", [0.0, 0.3], ids=["no-latency", "slack-latency-0.3s"])
def test_two_ticks_started_together_twenty_times_post_each_reminder_once(
        slack, database, tmp_path, content, latency) -> None:
    """Two `remind` runs at once (two engines, two lock holders, in threads): the second
    waits for the first's lock, then finds everything already sent. Twenty times."""
    kb = load(content)
    Ledger(database.url).create()
    a, b = Ticker(slack, database.url, kb), Ticker(slack, database.url, kb)
    try:
        for run in range(20):
            database.empty()
            reset(slack)
            if latency:
                slack.inject("chat.postMessage", channel="C0BRIEF", delay=latency,
                             times=None)  # stored, answered late
            first, second = together(a.tick, b.tick)
            assert not isinstance(first, BaseException), first
            assert not isinstance(second, BaseException), second
            assert_each_once(slack, EXPECTED)
            assert sorted([first.sent, second.sent]) == [0, 2], run
    finally:
        a.ledger.engine.dispose()
        b.ledger.engine.dispose()


def test_two_remind_processes_share_the_lock(slack, database, tmp_path, content) -> None:
    """Two real processes (not threads) started together on one database."""
    Ledger(database.url).create()
    slack.inject("chat.postMessage", delay=0.3, times=None)
    env = cli_env(slack, database.url, tmp_path, content)
    procs = [start_cli(["remind", "--now", MONDAY], env) for _ in range(2)]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert_each_once(slack, EXPECTED)


def test_remind_during_a_serve_tick(slack, database, tmp_path, content) -> None:
    """An operator's `remind` while `serve` is ticking: one of them sends, none doubles."""
    settings = settings_for(slack, database, tmp_path, content)
    live = LiveKnowledgeBase(content)
    service = ReminderService(settings, live, make_client("xoxb-test", slack.base_url))
    try:
        slack.inject("chat.postMessage", delay=0.3, times=None)
        now = at(MONDAY, service.policy.tz)
        served, (code, out) = together(lambda: service.tick(now),
                                       lambda: remind(settings, live.current.kb))
        assert code == 0, out
        assert served.status == "ran"
        assert served.sent + int(out.split(" reminder(s) posted")[0].split()[-1]) == 2
        assert_each_once(slack, EXPECTED)
    finally:
        service.stop()


@pytest.mark.parametrize("fault", [dict(store=True, status=500), dict(store=True, drop=True)],
                         ids=["stored-then-500", "stored-then-dropped"])
def test_a_post_slack_stored_but_answered_badly_is_sent_once(slack, database, tmp_path,
                                                             content, fault) -> None:
    """No blind retry: the claim stays pending, the channel shows the message, it is confirmed
    in the same run, and the next run posts nothing."""
    settings = settings_for(slack, database, tmp_path, content)
    kb = load(content)
    slack.inject("chat.postMessage", channel="C0BRIEF", **fault)
    code, out = remind(settings, kb)
    assert code == 0, out
    assert "the message is in the channel" in out
    assert len(slack.messages("C0BRIEF")) == 1
    time.sleep(FAST.settle_seconds)
    code, out = remind(settings, kb, "2017-04-24T10:00")
    assert code == 0 and "0 reminder(s) posted in 0 digest(s)" in out, out
    assert_each_once(slack, EXPECTED)
    assert {r.state for r in Ledger(database.url).rows()} == {"sent"}


def test_a_dropped_connection_to_one_destination(slack, database, tmp_path, content) -> None:
    """The other destination is delivered, the exit status names the failed one, the
    maintainers are alerted; once the connection is back, the next run checks the channel,
    finds nothing and posts it once."""
    slow = settings_for(slack, database, tmp_path, content,
                        dataclasses.replace(FAST, settle_seconds=60))
    kb = load(content)
    slack.inject("chat.postMessage", channel="C0BRIEF", drop=True, times=None)
    code, out = remind(slow, kb)
    assert code == 1
    assert "OUTCOME UNKNOWN" in out and "Not delivered to 1 destination(s): C0BRIEF" in out
    assert len(slack.messages("C0OTHER")) == 1 and not slack.messages("C0BRIEF")
    [alert] = slack.messages("C0MAINT")
    assert "C0BRIEF" in alert["text"] and "RemoteDisconnected" in alert["text"]
    # the connection is back; a run before the claim can have settled leaves it alone
    slack.reset_faults()
    code, out = remind(slow, kb, "2017-04-24T09:00:30")
    assert code == 1 and not slack.messages("C0BRIEF"), out
    # a run after it (settle 0 stands for "a minute later"): not in the channel, posted once
    settled = settings_for(slack, database, tmp_path, content,
                           dataclasses.replace(FAST, settle_seconds=0))
    code, out = remind(settled, kb, "2017-04-24T09:05")
    assert code == 0, out
    assert_each_once(slack, EXPECTED)


@pytest.mark.parametrize("skew", [600, -600], ids=["slack-10-min-behind", "slack-10-min-ahead"])
def test_a_crash_after_the_post_with_slack_clock_skewed(database, tmp_path, content,
                                                        skew) -> None:
    """A claim posted and never confirmed (the process died) is found in the channel though
    Slack's clock stamps the message ten minutes away from the claim's time."""
    with SlackEmulator(clock=lambda: time.time() - skew) as slack:
        reset(slack)
        settings = settings_for(slack, database, tmp_path, content)
        kb = load(content)
        ledger = Ledger(database.url).create()
        from bot.ask.milestones import due_posts
        from bot.content.policy import policy_of

        policy = policy_of(kb)
        posts = due_posts(kb, policy, ledger.state(), at(MONDAY, policy.tz))
        client = make_client("xoxb-test", slack.base_url)
        for post in posts:  # claim and post, then "crash" before confirming
            claim = ledger.claim(post.keys, post.destination, owner="gone:1:x")
            client.chat_postMessage(channel=post.destination,
                                    **render(kb, post, digest=claim.digest))
        time.sleep(FAST.settle_seconds)
        code, out = remind(settings, kb)
        assert code == 0 and "2 reminder(s) found in their channels" in out, out
        assert_each_once(slack, EXPECTED)
        assert sum(keys_posted(slack).values()) == 2
