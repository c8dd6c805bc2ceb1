"""Asking anywhere, and learning from use: questions in a DM to the bot and in a mention
(answered in the thread), over real signed HTTP and the loopback Slack emulator; 👍 / 👎 on
question answers stored in the database and listed by `inspection-bot questions`."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from click.testing import CliRunner
from conftest import TODAY
from slack_harness import (
    ASKER,
    CHANNEL,
    block_actions_payload,
    make_settings,
    running_bot,
    visible,
    wait_until,
)
from sqlalchemy import create_engine

from bot.cli import cli
from bot.render.blocks import check_message
from bot.slack.feedback import RETENTION_DAYS, FeedbackStore, engine_url, metadata


@pytest.fixture
def asking(emulator, live_shipped, tmp_path):
    """The app with its own data directory, so the test can read what it recorded."""
    settings = make_settings(emulator, data_dir=tmp_path / "data")
    with running_bot(emulator, live_shipped, today=TODAY, settings=settings) as bot:
        yield bot, settings


def _posts(emulator, n: int = 1):
    return [c.params for c in emulator.wait_for("chat.postMessage", n)]


def _buttons(message) -> dict[str, str]:
    blocks = message["blocks"] if isinstance(message["blocks"], list) else json.loads(
        message["blocks"])
    return {e["action_id"]: e.get("value", "") for b in blocks if b["type"] == "actions"
            for e in b["elements"]}


def _blocks(params) -> list:
    blocks = params["blocks"]
    return blocks if isinstance(blocks, list) else json.loads(blocks)


def test_a_direct_message_is_answered_in_the_dm(asking, emulator):
    bot, _ = asking
    reply = bot.event({"type": "message", "channel_type": "im", "channel": "D0ASKER",
                       "user": ASKER, "text": "what is overdue?", "ts": "1700000000.000100"})
    assert reply.status == 200
    [post] = _posts(emulator)
    assert post["channel"] == "D0ASKER" and "thread_ts" not in post
    shown = visible(_blocks(post))
    assert "Understood as" in shown and "`overdue`" in shown and "Overdue findings" in shown
    assert check_message({"text": post["text"], "blocks": _blocks(post)}) == []
    assert "share" not in _buttons({"blocks": _blocks(post)})  # posted already: no Share


def test_a_mention_is_answered_in_its_thread(asking, emulator):
    bot, _ = asking
    bot.event({"type": "app_mention", "channel": CHANNEL, "user": ASKER,
               "text": "<@U0BOT> what grade did we get for investigating offending in 2014?",
               "ts": "1700000000.000200"})
    [post] = _posts(emulator)
    assert post["channel"] == CHANNEL and post["thread_ts"] == "1700000000.000200"
    shown = visible(_blocks(post))
    assert "`judgments 2014 investigation`" in shown and "*Investigating crime*: Good" in shown


def test_a_mention_inside_a_thread_replies_in_that_thread(asking, emulator):
    bot, _ = asking
    bot.event({"type": "app_mention", "channel": CHANNEL, "user": ASKER,
               "text": "<@U0BOT> overdue", "ts": "1700000000.000300",
               "thread_ts": "1700000000.000111"})
    [post] = _posts(emulator)
    assert post["thread_ts"] == "1700000000.000111"
    shown = visible(_blocks(post))
    assert "Overdue findings" in shown and "Understood as" not in shown  # a command


def test_the_bots_own_messages_are_not_answered(asking, emulator):
    bot, _ = asking
    bot.event({"type": "message", "channel_type": "im", "channel": "D0ASKER", "user": "U0BOT",
               "bot_id": "B0BOT", "text": "Overdue findings", "ts": "1700000000.000400"})
    bot.event({"type": "message", "channel_type": "im", "channel": "D0ASKER", "user": ASKER,
               "subtype": "message_changed", "text": "edited", "ts": "1700000000.000500"})
    bot.ask("help")  # a later request: the events have been handled by then
    assert emulator.calls_to("chat.postMessage") == []


def test_votes_are_stored_and_listed(asking, emulator):
    """👎 on an answer is stored with the question, the reading and the items cited; the
    `questions --unanswered` listing shows it, and a question that found nothing."""
    bot, settings = asking
    payload = bot.ask("what is overdue on vulnerability?")
    buttons = _buttons(payload)
    assert {"vote:up", "vote:down"} <= set(buttons)
    url = emulator.new_response_url()
    bot.click(block_actions_payload("vote:down", buttons["vote:down"], response_url=url))
    thanks = wait_until(lambda: emulator.responses)
    assert "noted" in visible(thanks[-1])
    bot.ask("xyzzy plugh frobnicate")  # places nowhere: recorded as found nothing
    store = FeedbackStore(settings.db_url)
    rows = wait_until(lambda: store.listing(unanswered=True) if len(
        store.listing(unanswered=True)) == 2 else None)
    voted = next(r for r in rows if r.vote == -1)
    assert voted.question == "what is overdue on vulnerability?"
    assert voted.reading == "overdue vulnerability" and "cle-2016-rec-01" in voted.items
    assert any(r.question == "xyzzy plugh frobnicate" and not r.answered for r in rows)
    env = {"DATA_DIR": str(settings.data_dir)}
    out = CliRunner().invoke(cli, ["questions", "--unanswered"], env=env)
    assert out.exit_code == 0, out.output
    assert "what is overdue on vulnerability?" in out.output and "👎" in out.output
    assert "found nothing" in out.output
    later = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    out = CliRunner().invoke(cli, ["questions", "--since", later], env=env)
    assert "No questions recorded" in out.output


def test_a_command_carries_no_vote_buttons(asking):
    bot, _ = asking
    assert not {"vote:up", "vote:down"} & set(_buttons(bot.ask("overdue")))


def test_an_unsure_answer_offers_the_next_readings_as_buttons(asking, emulator):
    bot, _ = asking
    payload = bot.ask("prevention 2016")
    buttons = _buttons(payload)
    readings = [v for k, v in buttons.items() if k.startswith("reading:")]
    assert readings
    url = emulator.new_response_url()
    bot.click(block_actions_payload("reading:1", buttons["reading:1"], response_url=url))
    answer = wait_until(lambda: emulator.responses)
    assert visible(answer[-1])  # the other reading's answer, as a new message


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_store_prunes_after_the_retention_period(backend, tmp_path):
    if backend == "sqlite":
        store = FeedbackStore(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    else:
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL for the questions store")
        engine = create_engine(engine_url(url))
        metadata.drop_all(engine)
        store = FeedbackStore(url, engine=engine)
    now = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    old = store.record("old question", "overdue", [], True, now - dt.timedelta(days=200))
    token = store.record("new question", "due 30", ["cle-2016-rec-01"], True, now)
    assert store.vote(token, -1, now) and not store.vote("nope", 1, now)
    rows = store.listing()
    assert [r.question for r in rows] == ["new question"]  # the old one pruned
    assert rows[0].vote == -1 and rows[0].items == ["cle-2016-rec-01"]
    assert not store.vote(old, 1, now)
    assert RETENTION_DAYS == 180
    if backend == "postgresql":
        metadata.drop_all(store.engine)


def test_an_admin_command_in_a_dm_is_checked_like_the_slash_command(asking, emulator):
    bot, _ = asking
    bot.event({"type": "message", "channel_type": "im", "channel": "D0ASKER", "user": ASKER,
               "text": "reload", "ts": "1700000000.000600"})
    [post] = _posts(emulator)
    assert "for the bot's administrators" in visible(_blocks(post))
